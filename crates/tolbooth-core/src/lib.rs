//! Tolbooth's use cases, built on the ports of `tolbooth_domain`: staff
//! accounts and sign-in, the audit trail and its checkpoints, configuration,
//! and the demo organisation. No HTTP and no SQL here.

pub mod accounts;
pub mod audit_trail;
pub mod chat_hub;
pub mod chatbot;
pub mod config;
pub mod demo;
pub mod geoip;
pub mod governance;
pub mod live_chat;
pub mod password;
pub mod policy_file;
pub mod privacy_notice;
pub mod rate_limit;
pub mod retention;
pub mod schedule;
pub mod sealing;
pub mod second_factor;
pub mod services;
pub mod tokens;
pub mod user_agent;

pub use accounts::Accounts;
pub use config::Config;
pub use live_chat::LiveChat;
