//! The store as a whole: what can go wrong in it, and the one interface
//! that gathers every area's port. Each area's port lives beside its
//! records (`chat/ports.rs`, `staff/ports.rs`, ...).
//!
//! Every method that changes personal data or access to it takes the
//! [`NewAuditEntry`](crate::audit::NewAuditEntry) that records the change, and the store commits both in
//! one transaction: a change without its audit entry cannot happen.

use crate::audit::ports::AuditLog;
use crate::bot::ports::{ChatbotStore, KnowledgeStore};
use crate::chat::ports::{CannedStore, ChatStore};
use crate::governance::ports::GovernanceStore;
use crate::retention::ports::RetentionStore;
use crate::staff::ports::{LoginThrottleStore, SessionStore, StaffStore};
use async_trait::async_trait;

pub mod error;

pub use error::{StoreError, StoreResult};

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
