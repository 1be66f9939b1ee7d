//! The ports: what Tolbooth needs from a store, stated without SQL.
//!
//! Every method that changes personal data or access to it takes the
//! [`NewAuditEntry`] that records the change, and the store commits both in
//! one transaction: a change without its audit entry cannot happen.

use crate::audit::{AuditEntry, ChainHash, NewAuditEntry};
use crate::bot_questions::{BotQuestion, BotQuestionId, BotReport};
use crate::canned::{CannedId, CannedResponse};
use crate::chat::{ChatFlag, ChatLifecycle, ChatRef, ChatState, ClientMessageId, MessageBody};
use crate::knowledge::{ImportCounts, KbPage, KbPageSummary, KbPhrasing};
use crate::lockout::FailureState;
use crate::retention::{
    ChatExtract, ChatForSweep, ChatStatistics, Disclosure, ExtractExpiry, ExtractedChat, LegalHold,
    PolicyVersion, ReleaseRequest, SweepCounts, SweepOutcome, SweepPlan, SweepRecord,
    TranscriptLine,
};
use crate::role::Role;
use crate::secret::Secret;
use crate::session::{AuthLevel, StaffSession};
use crate::staff::{NewStaff, StaffCredentials, StaffId, StaffMember, Username};
use crate::visitor::VisitorDetails;
use async_trait::async_trait;
use time::OffsetDateTime;

/// What can go wrong in a store, as the rest of Tolbooth needs to know it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The store could not be reached or failed; the source says why and
    /// never carries bound values.
    #[error("store unavailable: {0}")]
    Unavailable(#[source] Box<dyn std::error::Error + Send + Sync>),
}

pub type StoreResult<T> = Result<T, StoreError>;

#[async_trait]
pub trait StaffStore: Send + Sync {
    async fn create_staff(&self, new: NewStaff, audit: NewAuditEntry) -> StoreResult<StaffMember>;
    async fn staff_by_id(&self, id: StaffId) -> StoreResult<Option<StaffCredentials>>;
    async fn staff_by_username(&self, username: &Username)
        -> StoreResult<Option<StaffCredentials>>;
    async fn list_staff(&self) -> StoreResult<Vec<StaffMember>>;
    async fn count_staff(&self) -> StoreResult<i64>;
    async fn set_role(&self, id: StaffId, role: Role, audit: NewAuditEntry) -> StoreResult<()>;
    /// Disabling also ends every session of the account.
    async fn set_disabled(
        &self,
        id: StaffId,
        disabled: bool,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    /// Replaces the password hash and ends every session of the account.
    async fn set_password(
        &self,
        id: StaffId,
        password_hash: Secret<String>,
        must_change: bool,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    /// Sets (or with `None` removes) the TOTP secret and replaces the
    /// recovery code hashes.
    async fn set_second_factor(
        &self,
        id: StaffId,
        totp_secret: Option<Secret<String>>,
        recovery_code_hashes: Vec<String>,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    /// Records TOTP time step `step` as used; false when that step or a
    /// later one was already used (a replayed code).
    async fn claim_totp_step(&self, id: StaffId, step: i64) -> StoreResult<bool>;
    /// Every stored TOTP secret, as stored (sealed, or plain from before
    /// secrets were sealed).
    async fn totp_secrets(&self) -> StoreResult<Vec<(StaffId, Secret<String>)>>;
    /// Replaces the stored TOTP secret `old` with `new` (the same secret
    /// sealed), with its audit entry; false when the stored one is no
    /// longer `old` (changed meanwhile, or by another node).
    async fn reseal_totp_secret(
        &self,
        id: StaffId,
        old: &Secret<String>,
        new: Secret<String>,
        audit: NewAuditEntry,
    ) -> StoreResult<bool>;
    /// Marks a recovery code used; false when it is unknown or already used.
    async fn use_recovery_code(
        &self,
        id: StaffId,
        code_hash: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<bool>;
    async fn unused_recovery_codes(&self, id: StaffId) -> StoreResult<i64>;
}

#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn create_session(&self, session: StaffSession, audit: NewAuditEntry) -> StoreResult<()>;
    async fn session(&self, token_hash: &str) -> StoreResult<Option<StaffSession>>;
    async fn touch_session(&self, token_hash: &str, at: OffsetDateTime) -> StoreResult<()>;
    async fn set_session_level(
        &self,
        token_hash: &str,
        level: AuthLevel,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    async fn end_session(&self, token_hash: &str, audit: Option<NewAuditEntry>) -> StoreResult<()>;
    /// Removes sessions that expired before `idle_before` or were created
    /// before `created_before`; returns how many.
    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> StoreResult<u64>;
}

#[async_trait]
pub trait LoginThrottleStore: Send + Sync {
    async fn failures(&self, key: &str) -> StoreResult<Option<FailureState>>;
    async fn record_failure(&self, key: &str, state: FailureState) -> StoreResult<()>;
    async fn clear_failures(&self, key: &str) -> StoreResult<()>;
}

#[async_trait]
pub trait AuditLog: Send + Sync {
    /// Appends an entry on its own (for events that change nothing else,
    /// such as a denied request).
    async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<AuditEntry>;
    /// Entries with `seq > after`, in order, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditEntry>>;
    /// The last entry's number and hash.
    async fn audit_head(&self) -> StoreResult<Option<(i64, ChainHash)>>;
}

/// A chat's internal id: never shown to a visitor (they have the
/// [`ChatRef`]) and never a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatId(pub i64);

/// A new enquiry: its reference, the hash of the visitor's chat token, and
/// the question it opens with (LC-1: the first message is the question).
#[derive(Debug, Clone)]
pub struct NewChat {
    pub chat_ref: ChatRef,
    pub visitor_token_hash: String,
    pub requested_at: OffsetDateTime,
    pub question: MessageBody,
    pub question_client_id: Option<ClientMessageId>,
    /// What is captured with the enquiry (LC-2).
    pub visitor: crate::visitor::VisitorDetails,
}

/// A chat as stored: its lifecycle (LC-3) and where its messages are up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChat {
    pub id: ChatId,
    pub lifecycle: ChatLifecycle,
    pub operator_staff_id: Option<StaffId>,
    /// The sequence number of its last message.
    pub last_seq: i64,
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Visitor,
    Operator(StaffId),
    /// Tolbooth itself ("Morag has joined the chat").
    System,
}

impl Sender {
    pub fn kind(self) -> &'static str {
        match self {
            Sender::Visitor => "visitor",
            Sender::Operator(_) => "operator",
            Sender::System => "system",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub sender: Sender,
    pub client_id: Option<ClientMessageId>,
    pub body: MessageBody,
    pub sent_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// 1, 2, 3, ... within the chat, in the order the store accepted them.
    pub seq: i64,
    pub sender: Sender,
    pub client_id: Option<ClientMessageId>,
    pub body: MessageBody,
    pub sent_at: OffsetDateTime,
}

/// The result of appending a message: the stored message, and whether it
/// had been stored already (a resend of the same client id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub message: StoredMessage,
    pub duplicate: bool,
}

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

/// An audit entry written once a step knows its count: the count goes in
/// the entry (RET-5: counts, never content).
pub type CountedAudit = Box<dyn FnOnce(u64) -> NewAuditEntry + Send>;

/// The records the retention sweeps act on (RET-3..RET-6). Every method
/// that changes anything commits its audit entry with the change.
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Ended chats due for the sweep: ended at or before `ended_before`, or
    /// released from a legal hold; never one under hold. Lowest id first.
    async fn due_chats(&self, ended_before: OffsetDateTime, limit: u32)
        -> StoreResult<Vec<ChatId>>;
    /// How many chats [`RetentionStore::due_chats`] would give in all.
    async fn count_due_chats(&self, ended_before: OffsetDateTime) -> StoreResult<u64>;
    /// What a sweep with `plan` would do, counted without changing anything
    /// (the dry run).
    async fn preview_sweep(&self, plan: &SweepPlan) -> StoreResult<SweepCounts>;
    /// How many chats are under legal hold.
    async fn count_held_chats(&self) -> StoreResult<u64>;
    /// Everything needed to extract `ids`, in id order.
    async fn chats_for_sweep(&self, ids: &[ChatId]) -> StoreResult<Vec<ChatForSweep>>;
    /// Stores extracts and counts each into the statistics, in one
    /// transaction; an extract of a chat already extracted is skipped (and
    /// not counted again). Returns how many were stored.
    async fn save_extracts(
        &self,
        extracts: &[ExtractedChat],
        audit: CountedAudit,
    ) -> StoreResult<u64>;
    /// Deletes the live records of `ids` (messages, visitor details, flags,
    /// edits, the chat) that are ended and not under legal hold. With
    /// `extracted_only`, only chats whose extract has been committed;
    /// otherwise each deleted chat is counted into the statistics in the
    /// same transaction. Returns how many chats were deleted.
    async fn delete_swept_chats(
        &self,
        ids: &[ChatId],
        extracted_only: bool,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
    /// Removes the IP address of ended, unheld chats that ended at or
    /// before `ended_before`; returns how many were removed.
    async fn clear_ip_addresses(
        &self,
        ended_before: OffsetDateTime,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
    /// Removes the rest of the visitor details (browser, referrer, ...,
    /// the visitor link) likewise; the name stays with the chat record.
    async fn clear_visitor_details(
        &self,
        ended_before: OffsetDateTime,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
    /// Anonymises or deletes extracts of chats that ended at or before
    /// `ended_before`.
    async fn expire_extracts(
        &self,
        ended_before: OffsetDateTime,
        expiry: ExtractExpiry,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
    /// After deletions: makes the deleted bytes unreachable in the files
    /// (SQLite: checkpoint and truncate the WAL; PostgreSQL: vacuum).
    async fn compact_after_deletion(&self) -> StoreResult<()>;
    async fn chat_extract(&self, chat_ref: ChatRef) -> StoreResult<Option<ChatExtract>>;
    async fn count_extracts(&self) -> StoreResult<u64>;
    async fn chat_statistics(&self, day: &str) -> StoreResult<ChatStatistics>;
    /// Records the start of a sweep; returns its id.
    async fn start_sweep(
        &self,
        at: OffsetDateTime,
        dry_run: bool,
        forced: bool,
    ) -> StoreResult<i64>;
    async fn finish_sweep(
        &self,
        id: i64,
        at: OffsetDateTime,
        outcome: SweepOutcome,
        counts: &SweepCounts,
    ) -> StoreResult<()>;
    /// The latest sweeps, newest first.
    async fn sweeps(&self, limit: u32) -> StoreResult<Vec<SweepRecord>>;
}

/// Legal holds, disclosures, staff edits and the policy's versions.
#[async_trait]
pub trait GovernanceStore: Send + Sync {
    /// Places a hold; `false` if the chat is held already.
    async fn place_hold(
        &self,
        id: ChatId,
        hold: &LegalHold,
        audit: NewAuditEntry,
    ) -> StoreResult<bool>;
    async fn legal_hold(&self, id: ChatId) -> StoreResult<Option<LegalHold>>;
    async fn legal_holds(&self) -> StoreResult<Vec<LegalHold>>;
    /// Records the first officer's request to release a hold.
    async fn request_release(
        &self,
        id: ChatId,
        request: &ReleaseRequest,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    /// Removes the hold and marks the chat due at once.
    async fn release_hold(
        &self,
        id: ChatId,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    async fn record_disclosure(
        &self,
        disclosure: &Disclosure,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    async fn disclosures(&self, chat_ref: ChatRef) -> StoreResult<Vec<Disclosure>>;
    /// Saves a staff edit of the transcript (RED-5), replacing any earlier
    /// one.
    async fn save_transcript_edit(
        &self,
        id: ChatId,
        lines: &[TranscriptLine],
        by: StaffId,
        by_name: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
    async fn transcript_edit(&self, id: ChatId) -> StoreResult<Option<Vec<TranscriptLine>>>;
    /// Every audit entry about `object_type`/`object_id`, in order.
    async fn audit_trail(&self, object_type: &str, object_id: &str)
        -> StoreResult<Vec<AuditEntry>>;
    async fn latest_policy_version(&self) -> StoreResult<Option<PolicyVersion>>;
    async fn policy_version(&self, version: i64) -> StoreResult<Option<PolicyVersion>>;
    /// Every version, newest first, without their texts.
    async fn policy_versions(&self) -> StoreResult<Vec<(i64, OffsetDateTime, String)>>;
    /// Adds a version; `Conflict` if that version number exists already.
    async fn adopt_policy_version(
        &self,
        version: &PolicyVersion,
        audit: NewAuditEntry,
    ) -> StoreResult<()>;
}

#[async_trait]
pub trait StoreHealth: Send + Sync {
    /// The store answers a trivial query.
    async fn ping(&self) -> StoreResult<()>;
    /// Every migration this build knows of has been applied.
    async fn migrations_current(&self) -> StoreResult<bool>;
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;
}

/// Everything Tolbooth keeps, behind one interface.
pub trait Store:
    StaffStore
    + SessionStore
    + LoginThrottleStore
    + AuditLog
    + ChatStore
    + CannedStore
    + RetentionStore
    + GovernanceStore
    + KnowledgeStore
    + ChatbotStore
    + StoreHealth
{
}

impl<T> Store for T where
    T: StaffStore
        + SessionStore
        + LoginThrottleStore
        + AuditLog
        + ChatStore
        + CannedStore
        + RetentionStore
        + GovernanceStore
        + KnowledgeStore
        + ChatbotStore
        + StoreHealth
{
}

/// The audit entry of an import, made once the store knows what changed.
pub type ImportAudit = Box<dyn FnOnce(ImportCounts) -> NewAuditEntry + Send>;

/// The chatbot's knowledge base (BOT-1).
#[async_trait]
pub trait KnowledgeStore: Send + Sync {
    /// Saves an import in one transaction with its audit entry: pages new
    /// or changed are written, unchanged ones left as they are, and pages
    /// imported earlier from one of `roots` that this import no longer
    /// holds are removed with their phrasings.
    async fn save_import(
        &self,
        roots: &[String],
        pages: &[KbPage],
        at: OffsetDateTime,
        audit: ImportAudit,
    ) -> StoreResult<ImportCounts>;
    /// Every page with its passages, in URL order.
    async fn knowledge_pages(&self) -> StoreResult<Vec<KbPage>>;
    async fn knowledge_summaries(&self) -> StoreResult<Vec<KbPageSummary>>;
    /// Removes the pages with these URLs, and their phrasings; returns how
    /// many there were.
    async fn remove_pages(&self, urls: &[String], audit: NewAuditEntry) -> StoreResult<u64>;
    /// `NotFound` when no page has the URL. `heading` names the answer on
    /// the page it is for (checked by the caller).
    async fn add_phrasing(
        &self,
        page_url: &str,
        heading: Option<&str>,
        text: &str,
        added_by: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<KbPhrasing>;
    async fn remove_phrasing(&self, id: i64, audit: NewAuditEntry) -> StoreResult<()>;
    async fn phrasings(&self) -> StoreResult<Vec<KbPhrasing>>;
    /// The sentence embedding vectors kept for `model`, each with the key
    /// of the text it was computed from (the chatbot's dense retrieval:
    /// computed once per text, public content).
    async fn embedding_vectors(&self, model: &str) -> StoreResult<Vec<(String, Vec<f32>)>>;
    /// Keeps vectors for `model`; a key already kept is left as it is.
    async fn save_embedding_vectors(
        &self,
        model: &str,
        vectors: &[(String, Vec<f32>)],
    ) -> StoreResult<()>;
    /// Removes the vectors of other models and of texts whose key is not
    /// in `keep`; returns how many were removed.
    async fn prune_embedding_vectors(
        &self,
        model: &str,
        keep: &std::collections::HashSet<String>,
    ) -> StoreResult<u64>;
}

/// The chatbot's questions (BOT-4, BOT-5).
#[async_trait]
pub trait ChatbotStore: Send + Sync {
    async fn save_bot_question(&self, question: &BotQuestion) -> StoreResult<()>;
    /// Records "did this help?"; `NotFound` for an unknown (or expired) id.
    async fn set_bot_feedback(&self, id: &BotQuestionId, helpful: bool) -> StoreResult<()>;
    /// Questions per service area per week since `since`, and the latest
    /// `limit` unanswered ones (redacted).
    async fn bot_report(&self, since: OffsetDateTime, limit: u32) -> StoreResult<BotReport>;
    async fn count_bot_questions(&self, asked_before: OffsetDateTime) -> StoreResult<u64>;
    /// Deletes the questions asked before `cutoff`, or (anonymise) clears
    /// their words and keeps area, outcome and feedback for the figures.
    async fn expire_bot_questions(
        &self,
        cutoff: OffsetDateTime,
        expiry: crate::retention::ExtractExpiry,
        audit: CountedAudit,
    ) -> StoreResult<u64>;
}
