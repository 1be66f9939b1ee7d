//! Live chat's use cases (LC-1, LC-3, LC-6): a visitor starts a chat with
//! their question and gets a Chat ID and a chat token; they send and fetch
//! messages with the token; an operator accepts, rejects, writes and ends.
//! Transport-free: the HTTP fallback and the WebSocket protocol both call
//! this.

use crate::accounts::ClientContext;
use crate::rate_limit::RateLimit;
use crate::tokens::{random_token, token_hash};
use rand::rngs::OsRng;
use rand::RngCore;
use std::net::IpAddr;
use std::sync::Arc;
use time::Duration;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::chat::{
    ChatEvent, ChatRef, ChatState, ClientMessageId, EndedBy, InvalidMessage, MessageBody,
    NotAllowed,
};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::ports::{
    Appended, ChatId, NewChat, NewMessage, Sender, Store, StoreError, StoredChat, StoredMessage,
};
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::StaffMember;
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
    /// Too many chats started from one address, or messages in one chat,
    /// in a short time.
    #[error("too many requests; wait a moment and try again")]
    RateLimited,
    #[error(transparent)]
    Store(StoreError),
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

/// Chats one address may start in [`START_WINDOW`].
pub const STARTS_PER_ADDRESS: u32 = 10;
pub const START_WINDOW: Duration = Duration::minutes(10);
/// Messages a visitor may send in one chat per [`SEND_WINDOW`].
pub const SENDS_PER_CHAT: u32 = 30;
pub const SEND_WINDOW: Duration = Duration::minutes(1);
/// Keys each limit tracks at most.
const RATE_KEYS: usize = 100_000;

#[derive(Clone)]
pub struct LiveChat {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    starts: Arc<RateLimit<Option<IpAddr>>>,
    sends: Arc<RateLimit<ChatId>>,
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
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            starts: Arc::new(RateLimit::new(STARTS_PER_ADDRESS, START_WINDOW, RATE_KEYS)),
            sends: Arc::new(RateLimit::new(SENDS_PER_CHAT, SEND_WINDOW, RATE_KEYS)),
        }
    }

    /// Starts a chat: the question is its first message (LC-1).
    pub async fn start(
        &self,
        question: &str,
        client_id: Option<&str>,
        ctx: &ClientContext,
    ) -> Result<StartedChat, ChatError> {
        let question = MessageBody::parse(question)?;
        let question_client_id = client_id.map(ClientMessageId::parse).transpose()?;
        if !self.starts.allow(ctx.ip, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
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
            };
            match self
                .store
                .create_chat(
                    new,
                    audit(Actor::Anonymous, "chat.requested", chat_ref, ctx),
                )
                .await
            {
                Ok(chat) => return Ok(StartedChat { chat, token }),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(ChatError::Conflict)
    }

    /// The chat a visitor's token opens.
    pub async fn visitor_chat(&self, token: &str) -> Result<StoredChat, ChatError> {
        self.store
            .chat_by_token(&token_hash(token))
            .await?
            .ok_or(ChatError::NotFound)
    }

    pub async fn visitor_send(
        &self,
        token: &str,
        client_id: &str,
        text: &str,
    ) -> Result<Appended, ChatError> {
        let chat = self.visitor_chat(token).await?;
        if !self.sends.allow(chat.id, self.clock.now()) {
            return Err(ChatError::RateLimited);
        }
        let message = NewMessage {
            sender: Sender::Visitor,
            client_id: Some(ClientMessageId::parse(client_id)?),
            body: MessageBody::parse(text)?,
            sent_at: self.clock.now(),
        };
        self.append(&chat, message).await
    }

    /// The chat and its messages after `after`.
    pub async fn visitor_messages(
        &self,
        token: &str,
        after: i64,
    ) -> Result<(StoredChat, Vec<StoredMessage>), ChatError> {
        let chat = self.visitor_chat(token).await?;
        let messages = self
            .store
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
        let chat = self.visitor_chat(token).await?;
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
            self.store.queue_questions().await?.into_iter().collect();
        Ok(self
            .store
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
        let chat = self.by_ref(chat_ref).await?;
        self.store
            .append_audit(audit(
                staff_actor(staff),
                "chat.transcript_opened",
                chat_ref,
                ctx,
            ))
            .await?;
        let messages = self.store.messages_after(chat.id, 0, FETCH_LIMIT).await?;
        Ok((chat, messages))
    }

    async fn by_ref(&self, chat_ref: ChatRef) -> Result<StoredChat, ChatError> {
        self.store
            .chat_by_ref(chat_ref)
            .await?
            .ok_or(ChatError::NotFound)
    }

    async fn append(&self, chat: &StoredChat, message: NewMessage) -> Result<Appended, ChatError> {
        match self.store.append_message(chat.id, message).await {
            Err(StoreError::Conflict(_)) => Err(ChatError::Closed),
            other => Ok(other?),
        }
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
        self.store
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
            self.store
                .discard_enquiry(
                    chat.id,
                    &day,
                    audit(actor, "chat.discarded", after.chat_ref, ctx),
                )
                .await?;
        }
        Ok(after.state)
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
