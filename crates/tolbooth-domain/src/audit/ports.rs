//! The audit log's port: entries appended, read and chained.

use crate::audit::{AuditEntry, ChainHash, NewAuditEntry};
use crate::store::error::StoreResult;
use async_trait::async_trait;

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
