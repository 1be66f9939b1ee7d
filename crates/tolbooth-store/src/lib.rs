//! Tolbooth's store: SQLite (the embedded default) and PostgreSQL behind the
//! ports of `tolbooth_domain::ports`, chosen at run time from the database
//! URL.
//!
//! Both backends go through sqlx's `Any` driver so that SQL is written once
//! wherever the dialects agree (`$1` placeholders, `RETURNING`,
//! `ON CONFLICT`); the few places they differ are marked with
//! [`Backend`] matches. Every write that changes personal data or access to
//! it commits its audit entry in the same transaction (see [`audit`]).

mod audit;
mod bot;
mod chat;
mod connect;
mod error;
mod governance;
mod group_commit;
mod health;
mod migrate;
mod retention;
mod staff;

pub use connect::{Backend, SqlStore};
pub use migrate::SCHEMA_TABLES;
