//! Live chat's use cases (LC-1, LC-3, LC-6): a visitor starts a chat with
//! their question and gets a Chat ID and a chat token; they send and fetch
//! messages with the token; an operator accepts, rejects, writes and ends.
//! Transport-free: the HTTP fallback and the WebSocket protocol both call
//! this.

pub mod geoip;
pub mod hub;
pub mod user_agent;

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
    MessageBody, NotAllowed,
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

    /// What is kept about the visitor of a new chat (LC-2).
    fn visitor_details(&self, arrival: &Arrival, ip: Option<IpAddr>) -> VisitorDetails {
        let agent = arrival
            .user_agent
            .as_deref()
            .map(user_agent::describe)
            .unwrap_or_default();
        let bounded =
            |n: Option<u64>, max: u32| n.map(|n| u32::try_from(n).unwrap_or(max).min(max));
        VisitorDetails {
            name: arrival.name.as_deref().and_then(visitor::clean_name),
            ip,
            browser: agent.browser,
            operating_system: agent.operating_system,
            device: agent.device,
            referrer: arrival.referrer.as_deref().and_then(visitor::clean_url),
            launch_url: arrival.launch_url.as_deref().and_then(visitor::clean_url),
            pages_visited: bounded(arrival.pages_visited, visitor::MAX_PAGES),
            seconds_on_site: bounded(arrival.seconds_on_site, visitor::MAX_SECONDS_ON_SITE),
            location: match (&self.locator, ip) {
                (Some(l), Some(ip)) => l.locate(ip),
                _ => None,
            },
            visitor_key: arrival
                .visitor_id
                .as_deref()
                .filter(|id| visitor::valid_visitor_id(id))
                .map(token_hash),
        }
    }

    /// The switchboard that real-time connections listen on.
    pub fn hub(&self) -> &Arc<ChatHub> {
        &self.hub
    }

    /// Starts a chat: the question is its first message (LC-1).
    pub async fn start(
        &self,
        question: &str,
        client_id: Option<&str>,
        arrival: &Arrival,
        ctx: &ClientContext,
    ) -> Result<StartedChat, ChatError> {
        let question = MessageBody::parse(question)?;
        let question_client_id = client_id.map(ClientMessageId::parse).transpose()?;
        if !self.opening().0 {
            return Err(ChatError::OutOfHours);
        }
        if !self.starts.allow(ctx.ip, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
        let visitor = self.visitor_details(arrival, ctx.ip);
        // A clash of 40-bit references is rare; try again with fresh ones.
        for _ in 0..5 {
            let mut bytes = [0u8; 5];
            OsRng.fill_bytes(&mut bytes);
            let chat_ref = ChatRef::from_random(bytes);
            let token = random_token();
            let new = NewChat {
                chat_ref,
                visitor_token_hash: token_hash(token.expose()),
                requested_at: self.clock.now(),
                question: question.clone(),
                question_client_id: question_client_id.clone(),
                visitor: visitor.clone(),
            };
            match self
                .chats
                .create_chat(
                    new,
                    audit(Actor::Anonymous, "chat.requested", chat_ref, ctx),
                )
                .await
            {
                Ok(chat) => {
                    self.hub.desk_signal(DeskSignal::QueueChanged);
                    return Ok(StartedChat { chat, token });
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ChatError::Conflict)
    }

    /// The chat a visitor's token opens. A token that opens nothing — a
    /// guess, another chat's mistyped token, a deleted chat — is refused
    /// with `NotFound` and audited (`chat.access_refused`, with the request
    /// but never the token); after [`REFUSALS_PER_ADDRESS`] refusals in
    /// [`START_WINDOW`] an address is only told to slow down.
    pub async fn visitor_chat(
        &self,
        token: &str,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        if let Some(chat) = self.chats.chat_by_token(&token_hash(token)).await? {
            return Ok(chat);
        }
        if !self.refusals.allow(ctx.ip, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
        self.audit_log
            .append_audit(
                NewAuditEntry::new(Actor::Anonymous, "chat.access_refused")
                    .because("no chat for the token presented")
                    .in_request(ctx.request_id.clone()),
            )
            .await?;
        Err(ChatError::NotFound)
    }

    pub async fn visitor_send(
        &self,
        token: &str,
        client_id: &str,
        text: &str,
        ctx: &ClientContext,
    ) -> Result<Appended, ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        self.visitor_send_to(&chat, client_id, text).await
    }

    /// Sends in a chat whose token the caller has already checked (a
    /// socket that started or resumed it): no lookup per message. The
    /// store still refuses a chat that has closed since.
    pub async fn visitor_send_to(
        &self,
        chat: &StoredChat,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, ChatError> {
        let client_id = ClientMessageId::parse(client_id)?;
        // A resend (the same client id) is not a new message: it does not
        // count towards the limit, and one refused because its window has
        // passed is still answered with the stored message.
        if !self
            .sends
            .allow_once(chat.id, client_id.as_str(), self.clock.now())
        {
            return match self
                .chats
                .message_by_client_id(chat.id, Sender::Visitor, &client_id)
                .await?
            {
                Some(message) => Ok(Appended {
                    message,
                    duplicate: true,
                }),
                None => Err(ChatError::RateLimited),
            };
        }
        let message = NewMessage {
            sender: Sender::Visitor,
            client_id: Some(client_id),
            body: MessageBody::parse(text)?,
            sent_at: self.clock.now(),
        };
        self.append(chat, message).await
    }

    /// The chat and its messages after `after`.
    pub async fn visitor_messages(
        &self,
        token: &str,
        after: i64,
        ctx: &ClientContext,
    ) -> Result<(StoredChat, Vec<StoredMessage>), ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        let messages = self
            .chats
            .messages_after(chat.id, after.max(0), FETCH_LIMIT)
            .await?;
        Ok((chat, messages))
    }

    /// The visitor leaves: an accepted chat ends; a waiting enquiry is
    /// abandoned and, not being held (LC-6), deleted at once.
    pub async fn visitor_leave(
        &self,
        token: &str,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.visitor_chat(token, ctx).await?;
        self.change(
            chat,
            ChatEvent::End {
                by: EndedBy::Visitor,
            },
            Actor::Anonymous,
            None,
            ctx,
        )
        .await
    }

    /// An operator takes an enquiry from the queue.
    pub async fn accept(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let event = ChatEvent::Accept {
            operator: staff.display_name.as_str().to_owned(),
        };
        self.change(chat, event, staff_actor(staff), Some(staff), ctx)
            .await
    }

    /// An operator turns an enquiry down; it is deleted at once (LC-6).
    pub async fn reject(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        self.change(chat, ChatEvent::Reject, staff_actor(staff), None, ctx)
            .await
    }

    pub async fn end(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let operator = chat.operator_staff_id.map(|_| staff);
        self.change(
            chat,
            ChatEvent::End {
                by: EndedBy::Operator,
            },
            staff_actor(staff),
            operator,
            ctx,
        )
        .await
    }

    pub async fn operator_send(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.lifecycle.state != ChatState::Accepted {
            return Err(ChatError::Closed);
        }
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        let message = NewMessage {
            sender: Sender::Operator(staff.id),
            client_id: Some(ClientMessageId::parse(client_id)?),
            body: MessageBody::parse(text)?,
            sent_at: self.clock.now(),
        };
        self.append(&chat, message).await
    }

    /// The time by the service's clock.
    pub fn now(&self) -> time::OffsetDateTime {
        self.clock.now()
    }

    /// Enquiries waiting for an operator, oldest first, each with its
    /// question (its first message) so the operator can choose. Two
    /// queries, whatever the length of the queue.
    pub async fn queue(&self) -> Result<Vec<(StoredChat, Option<MessageBody>)>, ChatError> {
        let mut questions: std::collections::HashMap<ChatId, MessageBody> =
            self.chats.queue_questions().await?.into_iter().collect();
        Ok(self
            .chats
            .queue()
            .await?
            .into_iter()
            .map(|chat| {
                let question = questions.remove(&chat.id);
                (chat, question)
            })
            .collect())
    }

    /// A chat and its messages for a member of staff; every opening is
    /// audited (`chat.transcript_opened`).
    pub async fn transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<(StoredChat, Vec<StoredMessage>), ChatError> {
        let chat = self.open_transcript(staff, chat_ref, ctx).await?;
        let messages = self.chats.messages_after(chat.id, 0, FETCH_LIMIT).await?;
        Ok((chat, messages))
    }

    /// Records that a member of staff opened a chat's transcript
    /// (`chat.transcript_opened`) and returns the chat; the caller then
    /// reads its messages (a console subscribes first, so that nothing
    /// committed in between is missed).
    pub async fn open_transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        self.opened(staff, chat_ref, "chat.transcript_opened", ctx)
            .await
    }

    /// The chat, once the reading of it by `staff` is in the audit log.
    async fn opened(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        action: &str,
        ctx: &ClientContext,
    ) -> Result<StoredChat, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        self.audit_log
            .append_audit(audit(staff_actor(staff), action, chat_ref, ctx))
            .await?;
        Ok(chat)
    }

    /// Messages of a chat after `after`, for a connection that already
    /// holds the chat open (its opening was audited) and is catching up.
    pub async fn catch_up(
        &self,
        chat: ChatId,
        after: i64,
    ) -> Result<(Option<StoredChat>, Vec<StoredMessage>), ChatError> {
        let current = self.chats.chat_by_id(chat).await?;
        let messages = match current {
            Some(_) => {
                self.chats
                    .messages_after(chat, after.max(0), FETCH_LIMIT)
                    .await?
            }
            None => Vec::new(),
        };
        Ok((current, messages))
    }

    /// The visitor panel (LC-2, LC-5): what was captured with the enquiry,
    /// the same visitor's other chats still held, and the chat's flags.
    /// Every opening is audited (`chat.visitor_panel_opened`).
    pub async fn visitor_panel(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<VisitorPanel, ChatError> {
        let chat = self
            .opened(staff, chat_ref, "chat.visitor_panel_opened", ctx)
            .await?;
        let details = self.chats.visitor_details(chat.id).await?;
        let earlier = match details.as_ref().and_then(|d| d.visitor_key.as_deref()) {
            Some(key) => self.chats.earlier_chats(key, chat.id, 20).await?,
            None => Vec::new(),
        };
        let flags = self.chats.chat_flags(chat.id).await?;
        Ok(VisitorPanel {
            chat,
            details,
            earlier,
            flags,
        })
    }

    /// Flags a chat (LC-5) for the retention work to act on; audited with
    /// the reason (`chat.flagged`). Flagging twice for one reason changes
    /// nothing and returns `false`.
    pub async fn flag(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        reason: FlagReason,
        ctx: &ClientContext,
    ) -> Result<bool, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        let flag = ChatFlag {
            reason,
            by_name: staff.display_name.as_str().to_owned(),
            at: self.clock.now(),
        };
        let entry = audit(staff_actor(staff), "chat.flagged", chat_ref, ctx).because(reason.name());
        Ok(self
            .chats
            .flag_chat(chat.id, &flag, staff.id, entry)
            .await?)
    }

    /// The flags raised on a chat.
    pub async fn flags(&self, chat_ref: ChatRef) -> Result<Vec<ChatFlag>, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        Ok(self.chats.chat_flags(chat.id).await?)
    }

    /// The canned responses, by title.
    pub async fn canned(&self) -> Result<Vec<CannedResponse>, ChatError> {
        Ok(self.canned.canned_responses().await?)
    }

    /// Adds (`id` `None`) or replaces a canned response; audited.
    pub async fn save_canned(
        &self,
        staff: &StaffMember,
        id: Option<CannedId>,
        title: &str,
        body: &str,
        ctx: &ClientContext,
    ) -> Result<CannedResponse, ChatError> {
        let (title, body) = canned::parse(title, body).map_err(ChatError::InvalidCanned)?;
        let entry = NewAuditEntry::new(staff_actor(staff), "canned.saved")
            .in_request(ctx.request_id.clone());
        Ok(self
            .canned
            .save_canned(id, &title, &body, staff.id, self.clock.now(), entry)
            .await?)
    }

    pub async fn delete_canned(
        &self,
        staff: &StaffMember,
        id: CannedId,
        ctx: &ClientContext,
    ) -> Result<(), ChatError> {
        let entry = NewAuditEntry::new(staff_actor(staff), "canned.deleted")
            .on(ObjectRef::new("canned_response", id.0))
            .in_request(ctx.request_id.clone());
        Ok(self.canned.delete_canned(id, entry).await?)
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

    /// Accepted chats this operator is answering, oldest first.
    pub async fn answering(&self, staff: StaffId) -> Result<Vec<StoredChat>, ChatError> {
        Ok(self
            .chats
            .chats_in_state(ChatState::Accepted, 1000)
            .await?
            .into_iter()
            .filter(|c| c.operator_staff_id == Some(staff))
            .collect())
    }

    /// The visitor started or stopped typing; only the other side hears.
    pub fn visitor_typing(&self, chat: ChatId, active: bool) {
        self.hub.signal(
            chat,
            ChatSignal::Typing {
                side: Side::Visitor,
                active,
            },
        );
    }

    /// The chat's operator started or stopped typing.
    pub async fn operator_typing(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        active: bool,
    ) -> Result<(), ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        self.hub.signal(
            chat.id,
            ChatSignal::Typing {
                side: Side::Operator,
                active,
            },
        );
        Ok(())
    }

    /// The chat's operator hands it to another operator, who must be able
    /// to answer chats (LC-4). The visitor sees the new name.
    pub async fn transfer(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        to: StaffId,
        ctx: &ClientContext,
    ) -> Result<ChatState, ChatError> {
        let chat = self.by_ref(chat_ref).await?;
        if chat.operator_staff_id != Some(staff.id) {
            return Err(ChatError::NotYours);
        }
        let target = match self.staff.staff_by_id(to).await? {
            Some(c)
                if !c.member.disabled
                    && c.member.role.allows(Permission::AnswerChats)
                    && c.member.id != staff.id =>
            {
                c.member
            }
            _ => return Err(ChatError::NoSuchOperator),
        };
        let event = ChatEvent::Transfer {
            operator: target.display_name.as_str().to_owned(),
        };
        let state = self
            .change(chat, event, staff_actor(staff), Some(&target), ctx)
            .await?;
        self.hub.desk_signal(DeskSignal::Assigned { chat_ref, to });
        Ok(state)
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

    /// Hand-over from the chatbot (BOT-3): puts the visitor's conversation
    /// with the bot into the new chat as a note from Tolbooth, so that the
    /// operator sees what was asked and answered. At most
    /// [`HANDOVER_TURNS`] turns, each shortened.
    pub async fn note_chatbot_conversation(
        &self,
        chat: &StoredChat,
        turns: &[(String, String)],
    ) -> Result<(), ChatError> {
        if turns.is_empty() {
            return Ok(());
        }
        let short = |s: &str, n: usize| -> String {
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            if s.chars().count() <= n {
                s
            } else {
                let cut: String = s.chars().take(n).collect();
                format!("{cut}…")
            }
        };
        let mut text = String::from("Before asking for a person, the visitor asked the chatbot:");
        for (question, answer) in turns.iter().rev().take(HANDOVER_TURNS).rev() {
            text.push_str(&format!(
                "\n• \"{}\" → {}",
                short(question, 250),
                short(answer, 150)
            ));
        }
        let body = MessageBody::parse(&text)?;
        self.append(
            chat,
            NewMessage {
                sender: Sender::System,
                client_id: None,
                body,
                sent_at: self.clock.now(),
            },
        )
        .await?;
        Ok(())
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
        let now = self.clock.now();
        let before = chat.lifecycle.state;
        let mut after = chat.lifecycle.clone();
        after.apply(event, now)?;
        let action = format!("chat.{}", after.state.name());
        let operator_id = operator.map(|s| s.id).or(chat.operator_staff_id);
        self.chats
            .save_lifecycle(
                chat.id,
                before,
                &after,
                operator_id,
                audit(actor.clone(), &action, after.chat_ref, ctx),
            )
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
