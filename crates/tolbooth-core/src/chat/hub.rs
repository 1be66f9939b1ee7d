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
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch};
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

/// How long an operator's status outlives their last console connection:
/// long enough to move between pages or ride out a dropped network, short
/// enough that visitors are not offered someone who has gone.
pub const PRESENCE_GRACE: Duration = Duration::from_secs(60);

/// An operator's own word on whether they take chats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Taking chats: visitors are offered a person.
    Available,
    /// Signed in but not taking chats.
    Away,
}

/// One operator with the console open (or left it less than
/// [`PRESENCE_GRACE`] ago).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    pub staff: StaffId,
    pub name: String,
    pub status: Status,
    /// Whether a console of theirs is open now (false during the grace).
    pub connected: bool,
}

struct Operator {
    name: String,
    status: Status,
    /// Open console connections.
    connections: usize,
    /// When the last connection closed, while there are none.
    left_at: Option<Instant>,
}

#[derive(Default)]
struct Presence {
    operators: HashMap<StaffId, Operator>,
}

impl Presence {
    fn anyone_available(&self) -> bool {
        self.operators
            .values()
            .any(|o| o.status == Status::Available)
    }
}

/// The in-process switchboard.
pub struct ChatHub {
    chats: Mutex<HashMap<ChatId, broadcast::Sender<ChatSignal>>>,
    desk: broadcast::Sender<DeskSignal>,
    presence: Mutex<Presence>,
    /// Whether any operator is available, for visitors' sockets to follow.
    available: watch::Sender<bool>,
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
        let mut presence = lock(&self.hub.presence);
        if let Some(o) = presence.operators.get_mut(&self.staff) {
            o.connections = o.connections.saturating_sub(1);
            if o.connections == 0 {
                // Their status stands for PRESENCE_GRACE, then `expire`
                // ends it.
                o.left_at = Some(Instant::now());
            }
        }
    }
}

impl ChatHub {
    pub fn new() -> Self {
        Self {
            chats: Mutex::new(HashMap::new()),
            desk: broadcast::channel(DESK_RING).0,
            presence: Mutex::new(Presence::default()),
            available: watch::channel(false).0,
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

    /// Records an operator's console connection until the guard drops. An
    /// operator who was not present starts [`Status::Away`]; one who comes
    /// back within [`PRESENCE_GRACE`] keeps their status.
    pub fn on_duty(self: &Arc<Self>, staff: StaffId, name: &str) -> OnDuty {
        let first = {
            let mut presence = lock(&self.presence);
            let o = presence.operators.entry(staff).or_insert_with(|| Operator {
                name: name.to_owned(),
                status: Status::Away,
                connections: 0,
                left_at: None,
            });
            o.connections += 1;
            o.left_at = None;
            o.connections == 1
        };
        if first {
            self.presence_changed();
        }
        OnDuty {
            hub: Arc::clone(self),
            staff,
        }
    }

    /// An operator sets their status; `false` when they are not present
    /// (no console open and none within [`PRESENCE_GRACE`]).
    pub fn set_status(&self, staff: StaffId, status: Status) -> bool {
        let changed = {
            let mut presence = lock(&self.presence);
            match presence.operators.get_mut(&staff) {
                Some(o) => {
                    let changed = o.status != status;
                    o.status = status;
                    Some(changed)
                }
                None => None,
            }
        };
        if changed == Some(true) {
            self.presence_changed();
        }
        changed.is_some()
    }

    /// An operator signed out (or lost the right to answer chats): their
    /// status ends at once.
    pub fn sign_out(&self, staff: StaffId) {
        let removed = lock(&self.presence).operators.remove(&staff).is_some();
        if removed {
            self.presence_changed();
        }
    }

    /// Ends the status of operators whose last console connection closed
    /// [`PRESENCE_GRACE`] or more before `now`; how many it ended.
    pub fn expire(&self, now: Instant) -> usize {
        let gone = {
            let mut presence = lock(&self.presence);
            let before = presence.operators.len();
            presence.operators.retain(|_, o| {
                o.left_at
                    .is_none_or(|left| now.saturating_duration_since(left) < PRESENCE_GRACE)
            });
            before - presence.operators.len()
        };
        if gone > 0 {
            self.presence_changed();
        }
        gone
    }

    fn presence_changed(&self) {
        let anyone = lock(&self.presence).anyone_available();
        self.available.send_if_modified(|a| {
            let changed = *a != anyone;
            *a = anyone;
            changed
        });
        self.desk_signal(DeskSignal::PresenceChanged);
    }

    /// Operators present, by name, with their status.
    pub fn operators_on_duty(&self) -> Vec<Present> {
        let mut on: Vec<Present> = lock(&self.presence)
            .operators
            .iter()
            .map(|(id, o)| Present {
                staff: *id,
                name: o.name.clone(),
                status: o.status,
                connected: o.connections > 0,
            })
            .collect();
        on.sort_by(|a, b| a.name.cmp(&b.name));
        on
    }

    /// Whether any operator is available to take a chat now.
    pub fn anyone_available(&self) -> bool {
        *self.available.borrow()
    }

    /// Follows whether any operator is available.
    pub fn follow_availability(&self) -> watch::Receiver<bool> {
        self.available.subscribe()
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
    fn an_operator_is_away_until_they_say_available() {
        let hub = Arc::new(ChatHub::new());
        let mut desk = hub.subscribe_desk();
        let mut follow = hub.follow_availability();
        let one = hub.on_duty(StaffId(3), "Morag");
        let two = hub.on_duty(StaffId(3), "Morag");
        let morag = |status, connected| Present {
            staff: StaffId(3),
            name: "Morag".into(),
            status,
            connected,
        };
        assert_eq!(hub.operators_on_duty(), vec![morag(Status::Away, true)]);
        assert!(!hub.anyone_available());
        assert!(hub.set_status(StaffId(3), Status::Available));
        assert!(hub.anyone_available());
        assert!(follow.has_changed().unwrap());
        assert!(*follow.borrow_and_update());
        assert!(
            !hub.set_status(StaffId(9), Status::Available),
            "not present"
        );
        drop(one);
        drop(two);
        // Gone from every page: the status stands for the grace period.
        assert_eq!(
            hub.operators_on_duty(),
            vec![morag(Status::Available, false)]
        );
        assert_eq!(hub.expire(Instant::now()), 0);
        assert_eq!(
            hub.expire(Instant::now() + PRESENCE_GRACE + Duration::from_secs(1)),
            1
        );
        assert!(hub.operators_on_duty().is_empty());
        assert!(!hub.anyone_available());
        assert!(!*follow.borrow_and_update());
        for _ in 0..3 {
            assert_eq!(desk.try_recv().ok(), Some(DeskSignal::PresenceChanged));
        }
        assert!(desk.try_recv().is_err());
    }

    #[test]
    fn coming_back_within_the_grace_keeps_the_status_and_signing_out_ends_it() {
        let hub = Arc::new(ChatHub::new());
        let page = hub.on_duty(StaffId(4), "Ewan");
        hub.set_status(StaffId(4), Status::Available);
        drop(page);
        let back = hub.on_duty(StaffId(4), "Ewan");
        assert_eq!(
            hub.expire(Instant::now() + PRESENCE_GRACE * 2),
            0,
            "a connection is open again"
        );
        assert!(hub.anyone_available());
        hub.sign_out(StaffId(4));
        assert!(!hub.anyone_available());
        assert!(hub.operators_on_duty().is_empty());
        drop(back);
        // A new connection after signing out starts away.
        let _again = hub.on_duty(StaffId(4), "Ewan");
        assert_eq!(hub.operators_on_duty()[0].status, Status::Away);
    }
}
