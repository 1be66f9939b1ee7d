//! `GET /ws/console`: the operator's socket. Opened with the staff session
//! cookie from Tolbooth's own pages only; the session is checked again the
//! moment it may have been revoked (sign-out, disabled, role changed,
//! password reset) and every half minute, and the socket closes when it is
//! no longer good. Carries the queue, the operators on duty, and the chats
//! the operator has open.

use super::delivery::Watching;
use super::frames::{
    CannedOut, ConsoleIn, OperatorOut, Out, PresentOut, QueuedOut, Viewer, VisitorOut,
};
use super::{close, console_origin_allowed, limited, Ending, Read, Wire};
use crate::client::Client;
use crate::cookies;
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use std::time::Duration;
use tokio::sync::broadcast;
use tolbooth_core::chat::hub::{DeskSignal, Status};
use tolbooth_core::chat::ChatError;
use tolbooth_core::staff::{session_key, ClientContext, Revocation};
use tolbooth_core::Code;
use tolbooth_domain::chat::{ChatRef, FlagReason, RejectReason};
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::session::AuthLevel;
use tolbooth_domain::staff::{StaffId, StaffMember};
use tolbooth_domain::time_fmt::unix_millis;

/// Chats one console connection may hold open at once.
const MAX_OPEN: usize = 50;
/// Waiting enquiries listed in one `queue` frame (the oldest; `total`
/// counts them all).
const QUEUE_SHOWN: usize = 200;
/// The queue shows the start of each question; the whole text comes
/// when the chat is opened. 200 previews of this many characters fit the
/// socket's write bound whatever the characters are.
pub(crate) const QUEUE_PREVIEW_CHARS: usize = 140;
/// Bytes of previews one `queue` frame may carry: a second bound, so that
/// the frame fits the write bound even if the limits above change.
const QUEUE_FRAME_BUDGET: usize = super::MAX_WRITE_BUFFER * 3 / 4;
/// At most one `queue` frame per this interval: when enquiries arrive and
/// are taken in a burst, consoles get the queue as it stands, not every
/// step of it.
const QUEUE_EVERY: Duration = Duration::from_millis(250);
/// How often a session is checked even when nothing revoked it (expiry,
/// or a change made on another node).
const RECHECK: Duration = Duration::from_secs(30);

pub async fn upgrade(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !console_origin_allowed(&state, &headers) {
        return (StatusCode::FORBIDDEN, "cross-site socket refused").into_response();
    }
    if let Err(e) = crate::authz::require(&state, &who, Permission::AnswerChats, &client).await {
        return e.into_response();
    }
    let Some(token) = cookies::get(&headers, cookies::SESSION) else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    let revocations = state.accounts.subscribe_revocations();
    let member = who.member;
    let key = session_key(&who.session.token_hash);
    limited(ws).on_upgrade(move |socket| {
        let conn = Conn {
            queue_dirty: false,
            queue_sent: tokio::time::Instant::now(),
            state,
            client,
            member,
            token,
            key,
        };
        conn.run(socket, revocations)
    })
}

struct Conn {
    /// The queue changed since the last `queue` frame.
    queue_dirty: bool,
    /// When the last `queue` frame went.
    queue_sent: tokio::time::Instant,
    state: AppState,
    client: ClientContext,
    member: StaffMember,
    /// The session cookie's token, to check the session again.
    token: String,
    key: [u8; 32],
}

fn parse_ref(raw: &str) -> Result<ChatRef, ChatError> {
    raw.parse().map_err(|_| ChatError::NotFound)
}

impl Conn {
    async fn run(mut self, socket: WebSocket, revocations: broadcast::Receiver<Revocation>) {
        let mut wire = Wire::new("/ws/console", socket, &self.state.config.chat);
        let ending = self.converse(&mut wire, revocations).await;
        wire.finish(ending).await;
    }

    async fn converse(
        &mut self,
        wire: &mut Wire,
        mut revocations: broadcast::Receiver<Revocation>,
    ) -> Ending {
        let live_chat = self.state.live_chat.clone();
        let _on_duty = live_chat
            .hub()
            .on_duty(self.member.id, self.member.display_name.as_str());
        let mut desk = live_chat.hub().subscribe_desk();
        let mut watching = Watching::new(Viewer::Staff(self.member.id));
        if let Err(e) = self.greet(wire).await {
            return e;
        }
        let mut heartbeat = tokio::time::interval(wire.heartbeat_every());
        heartbeat.tick().await;
        let mut recheck = tokio::time::interval(RECHECK);
        recheck.tick().await;
        loop {
            let step = tokio::select! {
                read = wire.read() => match read {
                    Ok(Read::Text(text)) => self.handle(wire, &mut watching, &text).await,
                    Ok(Read::Refused | Read::Nothing) => Ok(()),
                    Err(e) => Err(e),
                },
                (id, heard) = watching.next() => {
                    watching.deliver(id, heard, &live_chat, wire).await
                }
                signal = desk.recv() => self.on_desk(wire, &mut desk, signal).await,
                _ = tokio::time::sleep_until(self.queue_sent + QUEUE_EVERY), if self.queue_dirty => {
                    self.send_queue(wire).await
                }
                revoked = revocations.recv() => {
                    let mine = match revoked {
                        Ok(Revocation::Session(k)) => k == self.key,
                        Ok(Revocation::Staff(id)) => id == self.member.id,
                        // Missed some: check to be safe.
                        Err(broadcast::error::RecvError::Lagged(_)) => true,
                        Err(broadcast::error::RecvError::Closed) => false,
                    };
                    if mine { self.still_allowed().await } else { Ok(()) }
                }
                _ = recheck.tick() => self.still_allowed().await,
                _ = heartbeat.tick() => wire.heartbeat().await,
            };
            if let Err(ending) = step {
                return ending;
            }
        }
    }

    /// Whether the session still lets this member of staff answer chats.
    async fn still_allowed(&mut self) -> Result<(), Ending> {
        match self.state.accounts.authenticate(&self.token).await {
            Ok(Some(who))
                if who.session.level == AuthLevel::Full
                    && who.member.role.allows(Permission::AnswerChats) =>
            {
                self.member = who.member;
                Ok(())
            }
            Ok(_) => Err(Ending::Close(close::SIGNED_OUT, "signed out")),
            Err(e) => {
                tracing::warn!(error = %e, "checking a console session failed");
                Err(Ending::Close(1011, "temporarily unavailable"))
            }
        }
    }

    async fn greet(&mut self, wire: &mut Wire) -> Result<(), Ending> {
        wire.send(&Out::Hello {
            me: OperatorOut {
                id: self.member.id.0,
                name: self.member.display_name.as_str().to_owned(),
            },
            server_time: unix_millis(self.state.live_chat.now()),
            time_zone: self.state.config.chat.time_zone.trim().to_owned(),
        })
        .await?;
        self.send_operators(wire).await?;
        self.send_queue(wire).await?;
        let canned = self.state.live_chat.canned().await.map_err(unavailable)?;
        wire.send(&Out::Canned {
            responses: canned
                .into_iter()
                .map(|c| CannedOut {
                    id: c.id.0,
                    title: c.title,
                    body: c.body,
                })
                .collect(),
        })
        .await?;
        let mine = self
            .state
            .live_chat
            .answering(self.member.id)
            .await
            .map_err(unavailable)?;
        wire.send(&Out::Mine {
            chat_ids: mine
                .iter()
                .map(|c| c.lifecycle.chat_ref.to_string())
                .collect(),
        })
        .await
    }

    async fn send_operators(&self, wire: &mut Wire) -> Result<(), Ending> {
        let on_duty = self
            .state
            .live_chat
            .hub()
            .operators_on_duty()
            .into_iter()
            .map(|p| PresentOut {
                id: p.staff.0,
                name: p.name,
                available: p.status == Status::Available,
                connected: p.connected,
            })
            .collect();
        wire.send(&Out::Operators { on_duty }).await
    }

    async fn send_queue(&mut self, wire: &mut Wire) -> Result<(), Ending> {
        self.queue_dirty = false;
        self.queue_sent = tokio::time::Instant::now();
        let queue = self.state.live_chat.queue().await.map_err(unavailable)?;
        let total = queue.len();
        let mut budget = QUEUE_FRAME_BUDGET;
        let mut chats = Vec::new();
        for (chat, question) in queue.into_iter().take(QUEUE_SHOWN) {
            let entry = QueuedOut::preview(
                chat.lifecycle.chat_ref.to_string(),
                unix_millis(chat.lifecycle.requested_at),
                question.as_ref().map(|q| q.as_str()).unwrap_or_default(),
                QUEUE_PREVIEW_CHARS,
            );
            // The entry's size as it will be sent, with a comma.
            let size = serde_json::to_string(&entry).map_or(usize::MAX, |t| t.len() + 1);
            if size > budget {
                break;
            }
            budget -= size;
            chats.push(entry);
        }
        wire.send(&Out::Queue { chats, total }).await
    }

    async fn on_desk(
        &mut self,
        wire: &mut Wire,
        desk: &mut broadcast::Receiver<DeskSignal>,
        first: Result<DeskSignal, broadcast::error::RecvError>,
    ) -> Result<(), Ending> {
        // Take every signal already waiting, so that a burst of changes
        // costs one look at the queue.
        let mut queue = false;
        let mut operators = false;
        let mut assigned = Vec::new();
        let mut next = Some(first);
        while let Some(signal) = next {
            match signal {
                Ok(DeskSignal::QueueChanged) => queue = true,
                Ok(DeskSignal::PresenceChanged) => operators = true,
                Ok(DeskSignal::Assigned { chat_ref, to }) => {
                    if to == self.member.id {
                        assigned.push(chat_ref);
                    }
                }
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    queue = true;
                    operators = true;
                }
                Err(broadcast::error::RecvError::Closed) => {}
            }
            next = match desk.try_recv() {
                Ok(s) => Some(Ok(s)),
                Err(broadcast::error::TryRecvError::Lagged(n)) => {
                    Some(Err(broadcast::error::RecvError::Lagged(n)))
                }
                Err(_) => None,
            };
        }
        if queue {
            if self.queue_sent.elapsed() >= QUEUE_EVERY {
                self.send_queue(wire).await?;
            } else {
                self.queue_dirty = true;
            }
        }
        if operators {
            self.send_operators(wire).await?;
        }
        for chat_ref in assigned {
            wire.send(&Out::Assigned {
                chat_id: chat_ref.to_string(),
            })
            .await?;
        }
        Ok(())
    }

    async fn open(
        &self,
        wire: &mut Wire,
        watching: &mut Watching,
        chat_ref: ChatRef,
        after: i64,
    ) -> Result<(), Ending> {
        let live_chat = &self.state.live_chat;
        let chat = match live_chat
            .open_transcript(&self.member, chat_ref, &self.client)
            .await
        {
            Ok(chat) => chat,
            Err(e) => return self.refuse(wire, &e, chat_ref, None).await,
        };
        let id = chat.id;
        if watching.contains(id) {
            watching.unwatch(id);
        } else if watching.len() >= MAX_OPEN {
            return wire
                .send(&Out::error(
                    Code::BadInput,
                    "too many chats open on this console; close one first",
                    None,
                ))
                .await;
        }
        wire.send(&Out::console_state(&chat)).await?;
        let name = live_chat.visitor_name(id).await.map_err(unavailable)?;
        wire.send(&Out::VisitorName {
            chat_id: chat_ref.to_string(),
            name,
        })
        .await?;
        watching.watch(live_chat, chat, after);
        watching.catch_up(id, live_chat, wire).await
    }

    async fn refuse(
        &self,
        wire: &mut Wire,
        e: &ChatError,
        chat_ref: ChatRef,
        client_id: Option<String>,
    ) -> Result<(), Ending> {
        if let ChatError::Store(inner) = e {
            tracing::warn!(error = %inner, "a console command failed");
        }
        wire.send(&Out::chat_error(e, client_id, Some(chat_ref.to_string())))
            .await
    }

    async fn handle(
        &mut self,
        wire: &mut Wire,
        watching: &mut Watching,
        text: &str,
    ) -> Result<(), Ending> {
        let Some(frame) = super::parse_frame::<ConsoleIn>(wire, text).await? else {
            return Ok(());
        };
        if let ConsoleIn::Status { available } = frame {
            let status = if available {
                Status::Available
            } else {
                Status::Away
            };
            // Every console, this one too, hears the change.
            self.state
                .live_chat
                .hub()
                .set_status(self.member.id, status);
            return Ok(());
        }
        let Some(raw) = chat_id_of(&frame) else {
            return wire.send(&Out::Pong).await;
        };
        let Ok(chat_ref) = parse_ref(raw) else {
            let frame = Out::Error {
                code: Code::NotFound,
                message: "no such chat".into(),
                client_id: None,
                chat_id: Some(raw.to_owned()),
            };
            return wire.send(&frame).await;
        };
        self.command(wire, watching, chat_ref, frame).await
    }

    /// A command about one chat: what the operator does with it.
    async fn command(
        &self,
        wire: &mut Wire,
        watching: &mut Watching,
        r: ChatRef,
        frame: ConsoleIn,
    ) -> Result<(), Ending> {
        let live_chat = self.state.live_chat.clone();
        let (me, ctx) = (&self.member, &self.client);
        let outcome = match frame {
            ConsoleIn::Ping | ConsoleIn::Status { .. } => Ok(()),
            ConsoleIn::Open { after, .. } => return self.open(wire, watching, r, after).await,
            ConsoleIn::Close { .. } => {
                if let Ok(chat) = live_chat.chat(r).await {
                    watching.unwatch(chat.id);
                }
                Ok(())
            }
            ConsoleIn::Accept { .. } => match live_chat.accept(me, r, ctx).await {
                Ok(_) => return self.open(wire, watching, r, 0).await,
                Err(e) => Err(e),
            },
            ConsoleIn::Reject { reason, .. } => {
                let reason = reason.as_deref().and_then(RejectReason::parse);
                live_chat.reject(me, r, reason, ctx).await.map(drop)
            }
            ConsoleIn::End { .. } => live_chat.end(me, r, ctx).await.map(drop),
            ConsoleIn::Send {
                client_id, text, ..
            } => return self.send(wire, r, client_id, &text).await,
            ConsoleIn::Typing { active, .. } => live_chat.operator_typing(me, r, active).await,
            ConsoleIn::Visitor { .. } => match live_chat.visitor_panel(me, r, ctx).await {
                Ok(panel) => {
                    return wire
                        .send(&Out::Visitor(Box::new(VisitorOut::of(panel))))
                        .await
                }
                Err(e) => Err(e),
            },
            ConsoleIn::Flag { reason, .. } => return self.flag(wire, r, &reason).await,
            ConsoleIn::Transfer { to, .. } => {
                live_chat.transfer(me, r, StaffId(to), ctx).await.map(drop)
            }
        };
        match outcome {
            Ok(()) => Ok(()),
            Err(e) => self.refuse(wire, &e, r, None).await,
        }
    }

    /// An operator's message, acknowledged with its sequence number.
    async fn send(
        &self,
        wire: &mut Wire,
        r: ChatRef,
        client_id: String,
        text: &str,
    ) -> Result<(), Ending> {
        let live_chat = &self.state.live_chat;
        match live_chat
            .operator_send(&self.member, r, &client_id, text)
            .await
        {
            Ok(appended) => {
                wire.send(&Out::Ack {
                    chat_id: r.to_string(),
                    client_id,
                    seq: appended.message.seq,
                    duplicate: appended.duplicate,
                })
                .await
            }
            Err(e) => self.refuse(wire, &e, r, Some(client_id)).await,
        }
    }

    /// Flags the chat for a reason the policy knows (RET-4).
    async fn flag(&self, wire: &mut Wire, r: ChatRef, reason: &str) -> Result<(), Ending> {
        let Some(reason) = FlagReason::parse(reason) else {
            return wire
                .send(&Out::Error {
                    code: Code::BadInput,
                    message: "reason must be offensive, security_concern, safeguarding or possible_offence".into(),
                    client_id: None,
                    chat_id: Some(r.to_string()),
                })
                .await;
        };
        let live_chat = &self.state.live_chat;
        match live_chat.flag(&self.member, r, reason, &self.client).await {
            Ok(new) => {
                wire.send(&Out::Flagged {
                    chat_id: r.to_string(),
                    reason: reason.name(),
                    new,
                })
                .await
            }
            Err(e) => self.refuse(wire, &e, r, None).await,
        }
    }
}

/// The chat a console frame is about; `None` for a ping.
fn chat_id_of(frame: &ConsoleIn) -> Option<&str> {
    match frame {
        ConsoleIn::Ping | ConsoleIn::Status { .. } => None,
        ConsoleIn::Open { chat_id, .. }
        | ConsoleIn::Close { chat_id }
        | ConsoleIn::Accept { chat_id }
        | ConsoleIn::Reject { chat_id, .. }
        | ConsoleIn::End { chat_id }
        | ConsoleIn::Send { chat_id, .. }
        | ConsoleIn::Typing { chat_id, .. }
        | ConsoleIn::Visitor { chat_id }
        | ConsoleIn::Flag { chat_id, .. }
        | ConsoleIn::Transfer { chat_id, .. } => Some(chat_id),
    }
}

fn unavailable(e: ChatError) -> Ending {
    tracing::warn!(error = %e, "a console socket could not read the store");
    Ending::Close(1011, "temporarily unavailable")
}
