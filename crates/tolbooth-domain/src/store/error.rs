//! What can go wrong in a store. Every area's port answers with it, so it
//! stands apart from the `Store` that gathers those ports.

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
