//! In-order, exactly-once delivery of a chat's messages to one connection.
//!
//! A connection subscribes to a chat first and reads the store second, so
//! nothing committed between the two is missed. From then on it remembers
//! the last sequence number it delivered: a signal for the next number is
//! sent, an older one is skipped (already sent), and a gap — a dropped
//! signal, or a slow connection told it lagged — is filled from the store.

use super::frames::{shown_to, Out, Viewer};
use super::{Ending, Wire};
use futures_util::stream::BoxStream;
use futures_util::StreamExt;
use std::collections::HashMap;
use tokio_stream::StreamMap;
use tolbooth_core::chat::hub::{ChatSignal, Heard, Side};
use tolbooth_core::chat::FETCH_LIMIT;
use tolbooth_core::LiveChat;
use tolbooth_domain::chat::{ChatId, StoredChat};

struct Progress {
    chat: StoredChat,
    delivered: i64,
}

/// The chats one connection watches.
pub struct Watching {
    viewer: Viewer,
    streams: StreamMap<ChatId, BoxStream<'static, Heard>>,
    progress: HashMap<ChatId, Progress>,
}

impl Watching {
    pub fn new(viewer: Viewer) -> Self {
        Self {
            viewer,
            streams: StreamMap::new(),
            progress: HashMap::new(),
        }
    }

    pub fn len(&self) -> usize {
        self.streams.len()
    }

    pub fn contains(&self, id: ChatId) -> bool {
        self.progress.contains_key(&id)
    }

    /// Starts watching `chat` (messages after `after` still to send: call
    /// [`Watching::catch_up`] next).
    pub fn watch(&mut self, live_chat: &LiveChat, chat: StoredChat, after: i64) {
        let subscription = live_chat.hub().subscribe(chat.id);
        let stream = futures_util::stream::unfold(subscription, |mut s| async move {
            let heard = s.next().await;
            Some((heard, s))
        })
        .boxed();
        self.streams.insert(chat.id, stream);
        self.progress.insert(
            chat.id,
            Progress {
                chat,
                delivered: after.max(0),
            },
        );
    }

    pub fn unwatch(&mut self, id: ChatId) {
        self.streams.remove(&id);
        self.progress.remove(&id);
    }

    /// The next signal from any watched chat; never resolves when none is
    /// watched.
    pub async fn next(&mut self) -> (ChatId, Heard) {
        match self.streams.next().await {
            Some(pair) => pair,
            None => std::future::pending().await,
        }
    }

    /// Sends what the store holds after the last delivered message.
    pub async fn catch_up(
        &mut self,
        id: ChatId,
        live_chat: &LiveChat,
        wire: &mut Wire,
    ) -> Result<(), Ending> {
        loop {
            let Some(progress) = self.progress.get_mut(&id) else {
                return Ok(());
            };
            let (current, messages) = match live_chat.catch_up(id, progress.delivered).await {
                Ok(found) => found,
                Err(e) => {
                    tracing::warn!(error = %e, "catching up a chat failed");
                    return Err(Ending::Close(1011, "temporarily unavailable"));
                }
            };
            if let Some(current) = current {
                progress.chat = current;
            }
            let full = messages.len() >= FETCH_LIMIT as usize;
            for m in &messages {
                if m.seq > progress.delivered {
                    if shown_to(self.viewer, m) {
                        wire.send(&Out::message(&progress.chat, m, self.viewer))
                            .await?;
                    }
                    progress.delivered = m.seq;
                }
            }
            if !full {
                return Ok(());
            }
        }
    }

    /// Handles one signal for chat `id`.
    pub async fn deliver(
        &mut self,
        id: ChatId,
        heard: Heard,
        live_chat: &LiveChat,
        wire: &mut Wire,
    ) -> Result<(), Ending> {
        let viewer = self.viewer;
        let Some(progress) = self.progress.get_mut(&id) else {
            return Ok(());
        };
        match heard {
            Heard::Lagged => self.catch_up(id, live_chat, wire).await,
            Heard::Signal(ChatSignal::Message(m)) => {
                if m.seq <= progress.delivered {
                    Ok(())
                } else if m.seq == progress.delivered + 1 {
                    progress.delivered = m.seq;
                    if !shown_to(viewer, &m) {
                        return Ok(());
                    }
                    wire.send(&Out::message(&progress.chat, &m, viewer)).await
                } else {
                    self.catch_up(id, live_chat, wire).await
                }
            }
            Heard::Signal(ChatSignal::Changed(chat)) => {
                progress.chat = chat;
                let frame = match viewer {
                    Viewer::Visitor => Out::state(&progress.chat),
                    Viewer::Staff(_) => Out::console_state(&progress.chat),
                };
                wire.send(&frame).await
            }
            Heard::Signal(ChatSignal::Typing { side, active }) => {
                let theirs = matches!(
                    (side, viewer),
                    (Side::Operator, Viewer::Visitor) | (Side::Visitor, Viewer::Staff(_))
                );
                if theirs {
                    wire.send(&Out::Typing {
                        chat_id: progress.chat.lifecycle.chat_ref.to_string(),
                        active,
                    })
                    .await
                } else {
                    Ok(())
                }
            }
        }
    }
}
