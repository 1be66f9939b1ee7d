//! Tolbooth's vocabulary and rules.
//!
//! This crate holds no I/O and no async runtime: newtypes parsed at the
//! boundary, the rules that decide (roles, lockout, session expiry, the audit
//! hash chain), and the port traits that the store and other adapters
//! implement. Everything here can be tested with plain values.

pub mod audit;
pub mod bot_questions;
pub mod canned;
pub mod chat;
pub mod clock;
pub mod knowledge;
pub mod lockout;
pub mod network;
pub mod opening_hours;
pub mod policy;
pub mod ports;
pub mod retention;
pub mod role;
pub mod secret;
pub mod session;
pub mod staff;
pub mod time_fmt;
pub mod visitor;

pub use role::{Permission, Role};
pub use secret::Secret;
