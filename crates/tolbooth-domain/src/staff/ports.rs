//! What staff accounts, sessions and sign-in throttling need from a store.

use crate::audit::NewAuditEntry;
use crate::secret::Secret;
use crate::staff::lockout::FailureState;
use crate::staff::role::Role;
use crate::staff::session::{AuthLevel, StaffSession};
use crate::staff::{NewStaff, StaffCredentials, StaffId, StaffMember, Username};
use crate::store::error::StoreResult;
use async_trait::async_trait;
use time::OffsetDateTime;

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
