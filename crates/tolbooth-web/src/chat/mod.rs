//! Live chat: the visitor's HTTP API and socket, the operator's queue, live
//! console and chat pages, and canned responses.

mod api;
mod canned;
mod console;
mod history;
pub(crate) mod pages;
pub(crate) mod socket;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

/// Live chat's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/chats", post(api::start))
        .route("/api/chats/messages", get(api::fetch).post(api::send))
        .route("/api/chats/leave", post(api::leave))
        .route("/ws/chat", get(socket::visitor::upgrade))
        .route("/ws/console", get(socket::console::upgrade))
        .route("/console/live", get(console::live))
        .route("/console/canned", get(canned::list).post(canned::add))
        .route("/console/canned/{id}", post(canned::edit))
        .route("/console/canned/{id}/delete", post(canned::delete))
        .route("/console/history", get(history::list))
        .route("/console/chats", get(console::queue))
        .route("/console/chats/{chat_id}", get(console::show))
        .route("/console/chats/{chat_id}/accept", post(console::accept))
        .route("/console/chats/{chat_id}/reject", post(console::reject))
        .route("/console/chats/{chat_id}/end", post(console::end))
        .route("/console/chats/{chat_id}/messages", post(console::reply))
}

/// Counts a hand-over from the chatbot against the last question asked
/// (BOT-3), for the dashboard; a question the policy did not keep, or one
/// that expired, is simply not counted.
pub(crate) async fn count_hand_over(state: &AppState, last_asked: Option<String>) {
    if let Some(id) = last_asked {
        if let Err(e) = state.chatbot.handed_over(&id).await {
            tracing::debug!(error = %e, "the hand-over was not counted");
        }
    }
}
