//! Governance: legal holds and their release, disclosures and staff review
//! of transcripts.

mod handlers;
pub(crate) mod pages;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

/// Governance's routes.
pub(crate) fn routes() -> Router<AppState> {
    let chat = "/console/governance/chats/{chat_id}";
    Router::new()
        .route("/console/governance", get(handlers::home))
        .route("/console/governance/find", post(handlers::find))
        .route(chat, get(handlers::chat))
        .route(&format!("{chat}/hold"), post(handlers::hold))
        .route(
            &format!("{chat}/request-release"),
            post(handlers::request_release),
        )
        .route(&format!("{chat}/release"), post(handlers::release))
        .route(&format!("{chat}/disclose"), post(handlers::disclose))
        .route(
            "/console/review/{chat_id}",
            get(handlers::review).post(handlers::save_review),
        )
}
