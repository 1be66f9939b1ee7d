//! The records the retention sweeps act on, as a port.

use crate::audit::CountedAudit;
use crate::chat::listing::AnsweredChat;
use crate::chat::{ChatId, ChatRef};
use crate::retention::{
    ChatExtract, ChatForSweep, ChatStatistics, ExtractExpiry, ExtractedChat, SweepCounts,
    SweepOutcome, SweepPlan, SweepRecord,
};
use crate::store::error::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

/// The records the retention sweeps act on (RET-3..RET-6). Every method
/// that changes anything commits its audit entry with the change.
#[async_trait]
pub trait RetentionStore: Send + Sync {
    /// Ended chats due for the sweep: ended at or before `ended_before`, or
    /// released from a legal hold; never one under hold. Lowest id first.
    async fn due_chats(&self, ended_before: OffsetDateTime, limit: u32)
        -> StoreResult<Vec<ChatId>>;
    /// Claims up to `limit` due chats (as [`RetentionStore::due_chats`]) for
    /// one sweep until `until`, lowest id first, skipping those another
    /// sweep has claimed and not yet let go. On PostgreSQL a claim is
    /// stored on the chat and rows that a concurrent claim is taking are
    /// skipped (`FOR UPDATE SKIP LOCKED`), so sweeps on several nodes share
    /// the work instead of waiting; on SQLite (one node) claims are held in
    /// the process, so that claiming costs live chat no write.
    async fn claim_due_chats(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<ChatId>>;
    /// Lets go of a sweep's claim on these chats (those it did not delete).
    async fn release_sweep_claims(&self, ids: &[ChatId]) -> StoreResult<()>;
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
    /// The extracts of chats requested at or after `since` that still
    /// hold their times (the dashboard's waiting times and operators).
    async fn extracted_since(&self, since: OffsetDateTime) -> StoreResult<Vec<AnsweredChat>>;
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
