//! What live chat needs from a store (LC-3, LC-4, LC-6).

use crate::audit::NewAuditEntry;
use crate::chat::canned::{CannedId, CannedResponse};
use crate::chat::listing::{AnsweredChat, ChatFilter, ChatListing};
use crate::chat::visitor::VisitorDetails;
use crate::chat::{
    Appended, ChatFlag, ChatId, ChatLifecycle, ChatRef, ChatState, ClientMessageId, MessageBody,
    NewChat, NewMessage, Sender, StoredChat, StoredMessage,
};
use crate::staff::StaffId;
use crate::store::error::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// Live chat's records (LC-3, LC-6).
#[async_trait]
pub trait ChatStore: Send + Sync {
    /// Creates the enquiry and stores its question as message 1, together.
    async fn create_chat(&self, new: NewChat, audit: NewAuditEntry) -> StoreResult<StoredChat>;
    async fn chat_by_id(&self, id: ChatId) -> StoreResult<Option<StoredChat>>;
    async fn chat_by_ref(&self, chat_ref: ChatRef) -> StoreResult<Option<StoredChat>>;
    async fn chat_by_token(&self, visitor_token_hash: &str) -> StoreResult<Option<StoredChat>>;
    /// Enquiries waiting for an operator, oldest first.
    async fn queue(&self) -> StoreResult<Vec<StoredChat>>;
    /// The question (message 1) of every waiting enquiry, in one query.
    async fn queue_questions(&self) -> StoreResult<Vec<(ChatId, MessageBody)>>;
    /// Chats in `state`, oldest request first (for the console and for
    /// sweeps).
    async fn chats_in_state(&self, state: ChatState, limit: u32) -> StoreResult<Vec<StoredChat>>;
    /// Saves a lifecycle change if the chat is still in `expected`
    /// (otherwise `Conflict`: someone else changed it first, as when two
    /// operators accept one enquiry at once).
    /// Chats in `state` in which nothing happened (no message, no
    /// acceptance) since `quiet_since`, oldest first.
    async fn idle_chats(
        &self,
        state: ChatState,
        quiet_since: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<StoredChat>>;
    async fn save_lifecycle(
        &self,
        id: ChatId,
        expected: ChatState,
        after: &ChatLifecycle,
        operator: Option<StaffId>,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    /// Appends a message to an open chat (requested or accepted) and gives
    /// it the next sequence number; a message whose client id the same
    /// sender already used is not stored again, and the first one is
    /// returned. `Conflict` when the chat is closed. Committed before it
    /// returns, so an acknowledged message survives a crash.
    async fn append_message(&self, id: ChatId, message: NewMessage) -> StoreResult<Appended>;
    /// The message `sender` stored in the chat under `client_id`, if any
    /// (a resend is answered with the stored message's acknowledgement).
    async fn message_by_client_id(
        &self,
        id: ChatId,
        sender: Sender,
        client_id: &ClientMessageId,
    ) -> StoreResult<Option<StoredMessage>>;
    /// Messages with `seq > after`, in order, at most `limit`.
    async fn messages_after(
        &self,
        id: ChatId,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<StoredMessage>>;
    /// Deletes a rejected or abandoned enquiry and its messages, and counts
    /// it under `day` (`YYYY-MM-DD`): LC-6 keeps only the counts.
    async fn discard_enquiry(&self, id: ChatId, day: &str, audit: NewAuditEntry)
        -> StoreResult<()>;
    /// How many enquiries were rejected and abandoned on `day`.
    async fn enquiry_counts(&self, day: &str) -> StoreResult<(i64, i64)>;
    /// What was captured with the enquiry (LC-2), if it still exists.
    async fn visitor_details(&self, id: ChatId) -> StoreResult<Option<VisitorDetails>>;
    /// Other chats still held from the same visitor, newest first.
    async fn earlier_chats(
        &self,
        visitor_key: &str,
        except: ChatId,
        limit: u32,
    ) -> StoreResult<Vec<StoredChat>>;
    /// Flags a chat (LC-5) with its audit entry; `false` if it already had
    /// a flag for that reason (nothing changes then).
    async fn flag_chat(
        &self,
        id: ChatId,
        flag: &ChatFlag,
        by: StaffId,
        audit: NewAuditEntry,
    ) -> StoreResult<bool>;
    async fn chat_flags(&self, id: ChatId) -> StoreResult<Vec<ChatFlag>>;
    /// The chats still held that `filter` lets through, newest first, at
    /// most `limit`, each with whether it is flagged and held.
    async fn list_chats(&self, filter: &ChatFilter, limit: u32) -> StoreResult<Vec<ChatListing>>;
    /// Chats taken by an operator (accepted or ended) and requested at or
    /// after `since`, that no sweep has extracted yet.
    async fn answered_since(&self, since: OffsetDateTime) -> StoreResult<Vec<AnsweredChat>>;
    /// How many enquiries are waiting now.
    async fn waiting_count(&self) -> StoreResult<u64>;
}

/// Canned responses (LC-4).
#[async_trait]
pub trait CannedStore: Send + Sync {
    /// Every canned response, by title.
    async fn canned_responses(&self) -> StoreResult<Vec<CannedResponse>>;
    /// Adds a response (`id` `None`) or replaces one.
    async fn save_canned(
        &self,
        id: Option<CannedId>,
        title: &str,
        body: &MessageBody,
        by: StaffId,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<CannedResponse>;
    async fn delete_canned(&self, id: CannedId, audit: NewAuditEntry) -> StoreResult<()>;
}
