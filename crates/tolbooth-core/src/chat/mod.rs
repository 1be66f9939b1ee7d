//! Live chat's use cases (LC-1, LC-3, LC-6): a visitor starts a chat with
//! their question and gets a Chat ID and a chat token; they send and fetch
//! messages with the token; an operator accepts, rejects, writes and ends.
//! Transport-free: the HTTP fallback and the WebSocket protocol both call
//! this.

pub mod geoip;
pub mod hub;
mod operator_side;
pub mod past;
pub mod user_agent;
mod visitor_side;

use crate::chat::geoip::Locator;
use crate::chat::hub::{ChatHub, ChatSignal, DeskSignal, Side};
use crate::code::Code;
use crate::rate_limit::RateLimit;
use crate::retention::schedule::Schedule;
use crate::staff::ClientContext;
use crate::tokens::{random_token, token_hash};
use rand::rngs::OsRng;
use rand::RngCore;
use std::net::IpAddr;
use std::sync::Arc;
use time::Duration;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::chat::canned::{self, CannedId, CannedResponse};
use tolbooth_domain::chat::ports::{CannedStore, ChatStore};
use tolbooth_domain::chat::visitor::{self, VisitorDetails};
use tolbooth_domain::chat::{
    Appended, ChatId, NewChat, NewMessage, Sender, StoredChat, StoredMessage,
};
use tolbooth_domain::chat::{
    ChatEvent, ChatFlag, ChatRef, ChatState, ClientMessageId, EndedBy, FlagReason, InvalidMessage,
    MessageBody, NotAllowed, RejectReason,
};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::ports::StaffStore;
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::{StaffId, StaffMember};
use tolbooth_domain::store::{Store, StoreError};
use tolbooth_domain::time_fmt::unix_millis;

/// Most messages returned by one fetch.
pub const FETCH_LIMIT: u32 = 500;

#[derive(Debug, thiserror::Error)]
pub enum ChatError {
    /// No chat for that token or reference. The same answer whether the
    /// chat never existed or was deleted, so that a guess learns nothing.
    #[error("no such chat")]
    NotFound,
    #[error(transparent)]
    Invalid(#[from] InvalidMessage),
    #[error(transparent)]
    NotAllowed(#[from] NotAllowed),
    #[error("the chat is closed")]
    Closed,
    #[error("someone else changed the chat first")]
    Conflict,
    /// Outside the configured opening hours (LC-9).
    #[error("live chat is closed at the moment")]
    OutOfHours,
    /// The chat is another operator's.
    #[error("this chat is being answered by another operator")]
    NotYours,
    #[error(transparent)]
    InvalidCanned(canned::InvalidCanned),
    /// A transfer to someone who cannot take it.
    #[error("that member of staff cannot take chats")]
    NoSuchOperator,
    /// Too many chats started from one address, or messages in one chat,
    /// in a short time.
    #[error("too many requests; wait a moment and try again")]
    RateLimited,
    #[error(transparent)]
    Store(StoreError),
}

impl ChatError {
    pub fn code(&self) -> Code {
        match self {
            ChatError::NotFound => Code::NotFound,
            ChatError::Invalid(_) | ChatError::InvalidCanned(_) => Code::BadInput,
            ChatError::NotAllowed(_) | ChatError::Closed => Code::ChatClosed,
            ChatError::Conflict => Code::Conflict,
            ChatError::OutOfHours => Code::OutOfHours,
            ChatError::NotYours => Code::NotYours,
            ChatError::NoSuchOperator => Code::NoSuchOperator,
            ChatError::RateLimited => Code::RateLimited,
            ChatError::Store(e) => Code::of_store(e),
        }
    }
}

impl From<StoreError> for ChatError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ChatError::NotFound,
            StoreError::Conflict(_) => ChatError::Conflict,
            other => ChatError::Store(other),
        }
    }
}

/// What a visitor gets when their chat starts: the reference to quote, and
/// the token that is their only proof that the chat is theirs (shown once,
/// kept only as a hash).
#[derive(Debug)]
pub struct StartedChat {
    pub chat: StoredChat,
    pub token: Secret<String>,
}

/// The most chatbot turns carried into a live chat at hand-over.
pub const HANDOVER_TURNS: usize = 8;

/// One turn of a visitor's conversation with the chatbot as a note for the
/// operator: `Asked the chatbot: ...` and `It answered: ...` on two lines
/// (the console shows them as one block). White space is folded; only an
/// answer too long for one message is shortened, at a word.
pub fn handover_note(question: &str, answer: &str) -> Option<String> {
    let fold = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let question = fold(question);
    if question.is_empty() {
        return None;
    }
    let question: String = question
        .chars()
        .take(crate::bot::MAX_QUESTION_CHARS)
        .collect();
    let mut text = format!("{NOTE_ASKED}{question}\n{NOTE_ANSWERED}");
    let room = MessageBody::MAX_CHARS - text.chars().count();
    let answer = fold(answer);
    if answer.chars().count() <= room {
        text.push_str(&answer);
    } else {
        let cut: String = answer.chars().take(room.saturating_sub(1)).collect();
        let at_word = cut.rfind(' ').map_or(cut.as_str(), |i| &cut[..i]);
        text.push_str(at_word);
        text.push('…');
    }
    Some(text)
}

/// The question and answer of a hand-over note written by
/// [`handover_note`]; `None` for any other text.
pub fn read_handover_note(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix(NOTE_ASKED)?;
    let (question, answer) = rest.split_once('\n')?;
    Some((question, answer.strip_prefix(NOTE_ANSWERED)?))
}

/// How a hand-over note begins, and its second line.
pub const NOTE_ASKED: &str = "Asked the chatbot: ";
pub const NOTE_ANSWERED: &str = "It answered: ";

/// Chats one address may start in [`START_WINDOW`], unless configured.
pub const STARTS_PER_ADDRESS: u32 = 10;
pub const START_WINDOW: Duration = Duration::minutes(10);
/// Messages a visitor may send in one chat per [`SEND_WINDOW`].
pub const SENDS_PER_CHAT: u32 = 30;
pub const SEND_WINDOW: Duration = Duration::minutes(1);
/// Refused chat tokens one address may present in [`START_WINDOW`].
pub const REFUSALS_PER_ADDRESS: u32 = 30;
/// Keys each limit tracks at most.
const RATE_KEYS: usize = 100_000;

/// What the console's visitor panel shows.
#[derive(Debug)]
pub struct VisitorPanel {
    pub chat: StoredChat,
    /// `None` for chats started before details were captured.
    pub details: Option<VisitorDetails>,
    /// The same visitor's other chats still held, newest first.
    pub earlier: Vec<StoredChat>,
    pub flags: Vec<ChatFlag>,
}

/// What a visitor's client says about itself when a chat starts (LC-2).
/// Everything is optional and cleaned before it is kept; the raw user
/// agent is reduced to browser, system and device.
#[derive(Debug, Default, Clone)]
pub struct Arrival {
    pub name: Option<String>,
    /// The widget's random first-party id; kept only as a hash.
    pub visitor_id: Option<String>,
    pub launch_url: Option<String>,
    pub referrer: Option<String>,
    pub pages_visited: Option<u64>,
    pub seconds_on_site: Option<u64>,
    pub user_agent: Option<String>,
}

/// What live chat needs from the store, one port per concern.
#[derive(Clone)]
pub struct ChatStores {
    pub chats: Arc<dyn ChatStore>,
    pub canned: Arc<dyn CannedStore>,
    pub staff: Arc<dyn StaffStore>,
    pub audit_log: Arc<dyn AuditLog>,
}

impl ChatStores {
    /// Each port from the one store that implements them all.
    pub fn of(store: &Arc<dyn Store>) -> Self {
        Self {
            chats: store.clone(),
            canned: store.clone(),
            staff: store.clone(),
            audit_log: store.clone(),
        }
    }
}

#[derive(Clone)]
pub struct LiveChat {
    chats: Arc<dyn ChatStore>,
    canned: Arc<dyn CannedStore>,
    staff: Arc<dyn StaffStore>,
    audit_log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    locator: Option<Arc<Locator>>,
    schedule: Option<Arc<Schedule>>,
    starts: Arc<RateLimit<Option<IpAddr>>>,
    sends: Arc<RateLimit<ChatId>>,
    refusals: Arc<RateLimit<Option<IpAddr>>>,
    hub: Arc<ChatHub>,
    /// When a message was last written, in Unix milliseconds: background
    /// work (the retention sweeper) reads it to stay out of live chat's way.
    activity: Arc<std::sync::atomic::AtomicI64>,
}

impl std::fmt::Debug for LiveChat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveChat").finish_non_exhaustive()
    }
}

fn audit(actor: Actor, action: &str, chat: ChatRef, ctx: &ClientContext) -> NewAuditEntry {
    NewAuditEntry::new(actor, action)
        .on(ObjectRef::new("chat", chat))
        .in_request(ctx.request_id.clone())
}

fn staff_actor(staff: &StaffMember) -> Actor {
    Actor::Staff {
        id: staff.id,
        name: staff.display_name.as_str().to_owned(),
        role: staff.role,
    }
}

impl LiveChat {
    pub fn new(stores: ChatStores, clock: Arc<dyn Clock>) -> Self {
        Self {
            chats: stores.chats,
            canned: stores.canned,
            staff: stores.staff,
            audit_log: stores.audit_log,
            clock,
            starts: Arc::new(RateLimit::new(STARTS_PER_ADDRESS, START_WINDOW, RATE_KEYS)),
            sends: Arc::new(RateLimit::new(SENDS_PER_CHAT, SEND_WINDOW, RATE_KEYS)),
            refusals: Arc::new(RateLimit::new(
                REFUSALS_PER_ADDRESS,
                START_WINDOW,
                RATE_KEYS,
            )),
            hub: Arc::new(ChatHub::new()),
            locator: None,
            schedule: None,
            activity: Arc::default(),
        }
    }

    /// When a message was last written (Unix milliseconds), shared.
    pub fn activity(&self) -> Arc<std::sync::atomic::AtomicI64> {
        self.activity.clone()
    }

    /// Live chat as the configuration says: with the GeoIP database of
    /// `chat.geoip_database` when one is set.
    pub fn from_config(
        stores: ChatStores,
        clock: Arc<dyn Clock>,
        config: &crate::Config,
    ) -> Result<Self, crate::chat::geoip::GeoIpError> {
        let mut live_chat = Self::new(stores, clock);
        let chat = &config.chat;
        live_chat.starts = Arc::new(RateLimit::new(
            chat.starts_per_address,
            START_WINDOW,
            RATE_KEYS,
        ));
        live_chat.sends = Arc::new(RateLimit::new(
            chat.messages_per_minute,
            SEND_WINDOW,
            RATE_KEYS,
        ));
        // Validated when the configuration loaded.
        live_chat.schedule = config.chat_schedule().ok().flatten().map(Arc::new);
        Ok(match &config.chat.geoip_database {
            Some(path) => live_chat.with_locator(Locator::open(path)?),
            None => live_chat,
        })
    }

    /// Whether chat is staffed now (LC-9), and the hours to show when it
    /// is not (`None` when always open).
    pub fn opening(&self) -> (bool, Option<String>) {
        match &self.schedule {
            Some(s) => (s.is_open(self.clock.now()), Some(s.describe())),
            None => (true, None),
        }
    }

    /// Looks visitors' addresses up in this GeoIP database (LC-2).
    pub fn with_locator(mut self, locator: Locator) -> Self {
        self.locator = Some(Arc::new(locator));
        self
    }

    /// The switchboard that real-time connections listen on.
    pub fn hub(&self) -> &Arc<ChatHub> {
        &self.hub
    }

    /// The time by the service's clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Applies `event` to every chat in `state` quiet since `since`;
    /// returns how many changed. One changed by someone else meanwhile (a
    /// message, an operator) is left as it is.
    async fn close_quiet(
        &self,
        state: ChatState,
        since: time::OffsetDateTime,
        event: ChatEvent,
        ctx: &ClientContext,
    ) -> Result<usize, ChatError> {
        let mut changed = 0;
        for chat in self.chats.idle_chats(state, since, 200).await? {
            let actor = Actor::system("chat-timer");
            match self.change(chat, event.clone(), actor, None, ctx).await {
                Ok(_) => changed += 1,
                Err(ChatError::Conflict | ChatError::NotAllowed(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(changed)
    }

    /// A chat by its reference, for staff who answer chats.
    pub async fn chat(&self, chat_ref: ChatRef) -> Result<StoredChat, ChatError> {
        self.by_ref(chat_ref).await
    }

    /// Ends chats nobody wrote in for `idle` (LC-3: ended by inactivity)
    /// and abandons enquiries that waited longer than `unanswered` (LC-6:
    /// deleted to counts). Returns how many of each.
    pub async fn close_idle(
        &self,
        idle: Duration,
        unanswered: Duration,
        ctx: &ClientContext,
    ) -> Result<(usize, usize), ChatError> {
        let now = self.clock.now();
        let end = ChatEvent::End {
            by: EndedBy::Inactivity,
        };
        let ended = self
            .close_quiet(ChatState::Accepted, now - idle, end, ctx)
            .await?;
        let abandoned = self
            .close_quiet(
                ChatState::Requested,
                now - unanswered,
                ChatEvent::Abandon,
                ctx,
            )
            .await?;
        Ok((ended, abandoned))
    }

    async fn by_ref(&self, chat_ref: ChatRef) -> Result<StoredChat, ChatError> {
        self.chats
            .chat_by_ref(chat_ref)
            .await?
            .ok_or(ChatError::NotFound)
    }

    async fn append(&self, chat: &StoredChat, message: NewMessage) -> Result<Appended, ChatError> {
        self.activity.store(
            tolbooth_domain::time_fmt::unix_millis(self.clock.now()),
            std::sync::atomic::Ordering::Relaxed,
        );
        let appended = match self.chats.append_message(chat.id, message).await {
            Err(StoreError::Conflict(_)) => return Err(ChatError::Closed),
            other => other?,
        };
        if !appended.duplicate {
            self.hub
                .signal(chat.id, ChatSignal::Message(appended.message.clone()));
        }
        Ok(appended)
    }

    /// Applies `event`, saves it if nobody changed the chat meanwhile, and
    /// deletes what LC-6 says is not held.
    async fn change(
        &self,
        chat: StoredChat,
        event: ChatEvent,
        actor: Actor,
        operator: Option<&StaffMember>,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        self.change_because(chat, event, actor, operator, ctx, None)
            .await
    }

    /// [`LiveChat::change`], with the reason recorded in its audit entry.
    async fn change_because(
        &self,
        chat: StoredChat,
        event: ChatEvent,
        actor: Actor,
        operator: Option<&StaffMember>,
        ctx: &ClientContext,
        because: Option<&str>,
    ) -> Result<ChatState, ChatError> {
        let now = self.clock.now();
        let before = chat.lifecycle.state;
        let mut after = chat.lifecycle.clone();
        after.apply(event, now)?;
        let action = format!("chat.{}", after.state.name());
        let operator_id = operator.map(|s| s.id).or(chat.operator_staff_id);
        let mut entry = audit(actor.clone(), &action, after.chat_ref, ctx);
        if let Some(reason) = because {
            entry = entry.because(reason);
        }
        self.chats
            .save_lifecycle(chat.id, before, &after, operator_id, entry)
            .await?;
        if !after.state.is_kept() {
            let day = day_of(unix_millis(now));
            self.chats
                .discard_enquiry(
                    chat.id,
                    &day,
                    audit(actor, "chat.discarded", after.chat_ref, ctx),
                )
                .await?;
        }
        let state = after.state;
        let changed = StoredChat {
            id: chat.id,
            lifecycle: after,
            operator_staff_id: operator_id,
            last_seq: chat.last_seq,
        };
        self.hub.signal(chat.id, ChatSignal::Changed(changed));
        if before == ChatState::Requested {
            self.hub.desk_signal(DeskSignal::QueueChanged);
        }
        Ok(state)
    }
}

/// `YYYY-MM-DD` (UTC) of an instant in milliseconds.
fn day_of(millis: i64) -> String {
    let t = tolbooth_domain::time_fmt::from_unix_millis(millis);
    format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_utc_dates() {
        assert_eq!(day_of(0), "1970-01-01");
        assert_eq!(day_of(1_764_547_200_000), "2025-12-01");
    }
}

#[cfg(test)]
mod handover_tests {
    use super::*;

    #[test]
    fn a_turn_becomes_one_note_kept_whole() {
        let note = handover_note(
            "  when is\n garden waste  collected ",
            "Garden waste: every second Monday.",
        )
        .unwrap();
        assert_eq!(
            note,
            "Asked the chatbot: when is garden waste collected\nIt answered: Garden waste: every second Monday."
        );
        assert!(handover_note("  ", "anything").is_none());
        let long = "word ".repeat(2_000);
        let note = handover_note("q", &long).unwrap();
        assert!(note.chars().count() <= MessageBody::MAX_CHARS);
        assert!(
            note.ends_with("word…"),
            "shortened at a word: {}",
            &note[note.len() - 20..]
        );
        assert!(MessageBody::parse(&note).is_ok());
        let note = handover_note("bins?", "Tuesdays.").unwrap();
        assert_eq!(read_handover_note(&note), Some(("bins?", "Tuesdays.")));
        assert_eq!(
            read_handover_note("Asked the chatbot: no second line"),
            None
        );
    }
}
