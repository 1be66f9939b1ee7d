//! Tolbooth's vocabulary and rules.
//!
//! This crate holds no I/O and no async runtime: newtypes parsed at the
//! boundary, the rules that decide (roles, lockout, session expiry, the audit
//! hash chain), and the port traits that the store and other adapters
//! implement. Everything here can be tested with plain values.

pub mod audit;
pub mod bot;
pub mod chat;
pub mod clock;
pub mod governance;
pub mod network;
pub mod policy;
pub mod retention;
pub mod secret;
pub mod staff;
pub mod store;
pub mod time_fmt;

pub use secret::Secret;
pub use staff::role::{Permission, Role};
