//! Who is listening to what, in this process: the signals that make live
//! chat real-time (LC-4). A chat's subscribers (its visitor's socket, the
//! sockets of operators who opened it) hear its new messages, state changes
//! and typing; every operator hears when the queue changes or a chat is
//! handed to someone.
//!
//! Signals are hints, never the record. Channels are fixed-size rings: a
//! subscriber that falls behind is told it lagged and fetches from the
//! store what it missed, so a slow reader cannot grow the server's memory
//! and nothing is lost by dropping a signal.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::broadcast;
use tolbooth_domain::chat::{ChatId, ChatRef, StoredChat, StoredMessage};
use tolbooth_domain::staff::StaffId;

/// Signals kept per chat before a slow subscriber is told it lagged.
const CHAT_RING: usize = 64;
/// Signals kept for the operators' desk.
const DESK_RING: usize = 256;

/// Which side of a chat did something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Visitor,
    Operator,
}

/// Something that happened in one chat.
#[derive(Debug, Clone)]
pub enum ChatSignal {
    /// A message was committed.
    Message(StoredMessage),
    /// The chat changed state or operator.
    Changed(StoredChat),
    /// Someone started or stopped typing (never stored).
    Typing { side: Side, active: bool },
}

/// Something every operator's console should know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskSignal {
    /// An enquiry joined or left the queue.
    QueueChanged,
    /// A chat was handed to this member of staff.
    Assigned { chat_ref: ChatRef, to: StaffId },
    /// The operators online changed.
    PresenceChanged,
}

#[derive(Default)]
struct Presence {
    /// Open console connections per operator.
    connections: HashMap<StaffId, (usize, String)>,
}

/// The in-process switchboard.
pub struct ChatHub {
    chats: Mutex<HashMap<ChatId, broadcast::Sender<ChatSignal>>>,
    desk: broadcast::Sender<DeskSignal>,
    presence: Mutex<Presence>,
}

impl std::fmt::Debug for ChatHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatHub").finish_non_exhaustive()
    }
}

impl Default for ChatHub {
    fn default() -> Self {
        Self::new()
    }
}

/// Locks a mutex, taking the data even if a holder panicked: every critical
/// section here leaves the map consistent.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A subscription to one chat; leaving it (dropping) forgets the chat's
/// channel when nobody else listens.
pub struct ChatSubscription {
    hub: Arc<ChatHub>,
    chat: ChatId,
    receiver: broadcast::Receiver<ChatSignal>,
}

impl std::fmt::Debug for ChatSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChatSubscription")
            .field("chat", &self.chat)
            .finish_non_exhaustive()
    }
}

/// What a subscription yields.
#[derive(Debug)]
pub enum Heard {
    Signal(ChatSignal),
    /// Signals were dropped because this subscriber was slow: fetch from
    /// the store.
    Lagged,
}

impl ChatSubscription {
    pub fn chat(&self) -> ChatId {
        self.chat
    }

    /// The next signal. Never ends while the hub lives.
    pub async fn next(&mut self) -> Heard {
        match self.receiver.recv().await {
            Ok(signal) => Heard::Signal(signal),
            Err(broadcast::error::RecvError::Lagged(_)) => Heard::Lagged,
            // The hub holds the sender for as long as a subscription exists.
            Err(broadcast::error::RecvError::Closed) => std::future::pending().await,
        }
    }
}

impl Drop for ChatSubscription {
    fn drop(&mut self) {
        let mut chats = lock(&self.hub.chats);
        // This receiver still counts until it is dropped, after this body.
        if chats
            .get(&self.chat)
            .is_some_and(|s| s.receiver_count() <= 1)
        {
            chats.remove(&self.chat);
        }
    }
}

/// An operator's console connection; dropping it marks them gone when it
/// was their last.
pub struct OnDuty {
    hub: Arc<ChatHub>,
    staff: StaffId,
}

impl std::fmt::Debug for OnDuty {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnDuty")
            .field("staff", &self.staff)
            .finish()
    }
}

impl Drop for OnDuty {
    fn drop(&mut self) {
        let changed = {
            let mut presence = lock(&self.hub.presence);
            match presence.connections.get_mut(&self.staff) {
                Some((n, _)) if *n > 1 => {
                    *n -= 1;
                    false
                }
                Some(_) => {
                    presence.connections.remove(&self.staff);
                    true
                }
                None => false,
            }
        };
        if changed {
            self.hub.desk_signal(DeskSignal::PresenceChanged);
        }
    }
}

impl ChatHub {
    pub fn new() -> Self {
        Self {
            chats: Mutex::new(HashMap::new()),
            desk: broadcast::channel(DESK_RING).0,
            presence: Mutex::new(Presence::default()),
        }
    }

    /// Listens to one chat from now on.
    pub fn subscribe(self: &Arc<Self>, chat: ChatId) -> ChatSubscription {
        let receiver = lock(&self.chats)
            .entry(chat)
            .or_insert_with(|| broadcast::channel(CHAT_RING).0)
            .subscribe();
        ChatSubscription {
            hub: Arc::clone(self),
            chat,
            receiver,
        }
    }

    /// Tells a chat's subscribers, if it has any.
    pub fn signal(&self, chat: ChatId, signal: ChatSignal) {
        if let Some(sender) = lock(&self.chats).get(&chat) {
            // No receivers is not an error: nobody is listening.
            let _ = sender.send(signal);
        }
    }

    pub fn subscribe_desk(&self) -> broadcast::Receiver<DeskSignal> {
        self.desk.subscribe()
    }

    pub fn desk_signal(&self, signal: DeskSignal) {
        let _ = self.desk.send(signal);
    }

    /// Records an operator's console connection until the guard drops.
    pub fn on_duty(self: &Arc<Self>, staff: StaffId, name: &str) -> OnDuty {
        let first = {
            let mut presence = lock(&self.presence);
            let entry = presence
                .connections
                .entry(staff)
                .or_insert_with(|| (0, name.to_owned()));
            entry.0 += 1;
            entry.0 == 1
        };
        if first {
            self.desk_signal(DeskSignal::PresenceChanged);
        }
        OnDuty {
            hub: Arc::clone(self),
            staff,
        }
    }

    /// Operators with a console open, by name.
    pub fn operators_on_duty(&self) -> Vec<(StaffId, String)> {
        let mut on: Vec<_> = lock(&self.presence)
            .connections
            .iter()
            .map(|(id, (_, name))| (*id, name.clone()))
            .collect();
        on.sort_by(|a, b| a.1.cmp(&b.1));
        on
    }

    /// Chats with at least one subscriber (for tests and metrics).
    pub fn chats_listened_to(&self) -> usize {
        lock(&self.chats).len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_chat_channel_lives_while_someone_listens() {
        let hub = Arc::new(ChatHub::new());
        let a = hub.subscribe(ChatId(1));
        let mut b = hub.subscribe(ChatId(1));
        assert_eq!(hub.chats_listened_to(), 1);
        drop(a);
        assert_eq!(hub.chats_listened_to(), 1);
        hub.signal(
            ChatId(1),
            ChatSignal::Typing {
                side: Side::Visitor,
                active: true,
            },
        );
        assert!(matches!(
            b.next().await,
            Heard::Signal(ChatSignal::Typing { active: true, .. })
        ));
        drop(b);
        assert_eq!(hub.chats_listened_to(), 0);
        // Signalling a chat nobody listens to is harmless.
        hub.signal(
            ChatId(1),
            ChatSignal::Typing {
                side: Side::Visitor,
                active: false,
            },
        );
        assert_eq!(hub.chats_listened_to(), 0);
    }

    #[tokio::test]
    async fn a_slow_subscriber_is_told_it_lagged_not_buffered() {
        let hub = Arc::new(ChatHub::new());
        let mut slow = hub.subscribe(ChatId(7));
        for i in 0..(CHAT_RING * 3) {
            hub.signal(
                ChatId(7),
                ChatSignal::Typing {
                    side: Side::Operator,
                    active: i % 2 == 0,
                },
            );
        }
        assert!(matches!(slow.next().await, Heard::Lagged));
    }

    #[test]
    fn presence_counts_connections_per_operator() {
        let hub = Arc::new(ChatHub::new());
        let mut desk = hub.subscribe_desk();
        let one = hub.on_duty(StaffId(3), "Morag");
        let two = hub.on_duty(StaffId(3), "Morag");
        assert_eq!(hub.operators_on_duty(), vec![(StaffId(3), "Morag".into())]);
        drop(one);
        assert_eq!(hub.operators_on_duty().len(), 1);
        drop(two);
        assert!(hub.operators_on_duty().is_empty());
        assert_eq!(desk.try_recv().ok(), Some(DeskSignal::PresenceChanged));
        assert_eq!(desk.try_recv().ok(), Some(DeskSignal::PresenceChanged));
        assert!(desk.try_recv().is_err());
    }
}
