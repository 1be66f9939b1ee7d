//! Tolbooth over HTTP: the staff console, health and metrics endpoints, and
//! (later) the visitor-facing API. The only crate that knows HTTP.
//!
//! Pages are askama templates compiled into the binary, auto-escaped;
//! static assets are embedded from `assets/`. Every request gets a fresh
//! request id, security headers, a size limit and a time limit; every
//! state-changing form carries a CSRF token checked by [`forms`].

mod api;
mod assets;
mod authz;
mod bot;
mod chat;
mod client;
mod console;
mod cookies;
mod dashboard;
mod error;
mod forms;
mod governance;
mod health;
mod metrics;
mod middleware;
mod notice;
mod pages;
mod routes;
pub mod server;
mod session;
mod staff;
mod state;

pub use error::WebError;
pub use governance::disclosure_document;
pub use notice::document as notice_document;
pub use state::AppState;

/// The whole application as an axum router.
pub fn router(state: AppState) -> axum::Router {
    routes::router(state)
}
