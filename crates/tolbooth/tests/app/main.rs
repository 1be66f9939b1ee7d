//! End-to-end tests of the `tolbooth` binary and its web console, each on
//! SQLite and on PostgreSQL.
#![expect(
    clippy::too_many_lines,
    reason = "a scenario test reads as one story, from the visitor's first step to what is kept"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

mod chat_api;
mod chat_console;
mod chat_socket;
mod chat_visitor;
mod chatbot;
mod chatbot_cli;
mod chatbot_dense;
mod cli;
mod csrf;
mod governance;
mod past_chats;
mod retention;
mod roles;
mod second_factor;
mod server;
mod sessions;
mod sign_in;

/// The context of a request from `ip`.
pub fn from_address(ip: &str) -> tolbooth_core::staff::ClientContext {
    tolbooth_core::staff::ClientContext {
        ip: Some(ip.parse().unwrap()),
        request_id: None,
    }
}
