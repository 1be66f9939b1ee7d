//! Legal holds, disclosures, staff edits and the policy's versions, as a port.

use crate::audit::{AuditEntry, NewAuditEntry};
use crate::chat::{ChatId, ChatRef};
use crate::governance::{Disclosure, LegalHold, PolicyVersion, ReleaseRequest};
use crate::retention::TranscriptLine;
use crate::staff::StaffId;
use crate::store::error::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

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
