//! The chatbot: questions and feedback over HTTP, and the console's report
//! and staff phrasings.

mod handlers;
pub(crate) mod pages;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

/// The chatbot's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/bot/ask", post(handlers::ask))
        .route("/api/bot/feedback", post(handlers::feedback))
        .route("/console/chatbot", get(handlers::console))
        .route("/console/chatbot/phrasings", post(handlers::add_phrasing))
        .route(
            "/console/chatbot/phrasings/{id}/delete",
            post(handlers::remove_phrasing),
        )
}
