//! Tolbooth's use cases, built on the ports of `tolbooth_domain`: staff
//! accounts and sign-in, the audit trail and its checkpoints, configuration,
//! and the demo organisation. No HTTP and no SQL here.

pub mod audit;
pub mod bot;
pub mod chat;
pub mod code;
pub mod config;
pub mod dashboard;
pub mod demo;
pub mod governance;
pub mod local_time;
pub mod notice;
pub mod policy_file;
pub mod rate_limit;
pub mod retention;
pub mod sealing;
pub mod services;
pub mod staff;
pub mod tokens;

pub use chat::LiveChat;
pub use code::Code;
pub use config::Config;
pub use staff::Accounts;
