//! The ports: what Tolbooth needs from a store, stated without SQL.
//!
//! Every method that changes personal data or access to it takes the
//! [`NewAuditEntry`] that records the change, and the store commits both in
//! one transaction: a change without its audit entry cannot happen.

use crate::audit::{AuditEntry, ChainHash, NewAuditEntry};
use crate::lockout::FailureState;
use crate::role::Role;
use crate::secret::Secret;
use crate::session::{AuthLevel, StaffSession};
use crate::staff::{NewStaff, StaffCredentials, StaffId, StaffMember, Username};
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
pub trait Store: StaffStore + SessionStore + LoginThrottleStore + AuditLog + StoreHealth {}

impl<T> Store for T where T: StaffStore + SessionStore + LoginThrottleStore + AuditLog + StoreHealth {}
