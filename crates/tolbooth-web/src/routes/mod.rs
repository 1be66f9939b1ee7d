//! The routing table.

mod account;
mod canned;
mod chat_api;
mod chat_console;
mod chatbot;
mod console;
mod governance;
mod health;
mod login;
mod privacy;
mod staff_admin;

use crate::middleware;
use crate::state::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use std::time::Duration;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

pub fn router(state: AppState) -> Router {
    let limit = usize::try_from(state.config.server.max_body_bytes).unwrap_or(usize::MAX);
    let timeout = Duration::from_secs(state.config.server.request_timeout_seconds);
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/assets/{name}", get(crate::assets::serve))
        .route("/widget.js", get(crate::assets::widget))
        .route("/", get(console::root))
        .route("/demo", get(console::demo_page))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/second-factor",
            get(login::second_factor_form).post(login::second_factor_submit),
        )
        .route("/logout", post(login::logout))
        .route("/console", get(console::home))
        .route("/account", get(account::show))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/second-factor",
            get(account::enrol_form).post(account::enrol_submit),
        )
        .route(
            "/admin/staff",
            get(staff_admin::list).post(staff_admin::add),
        )
        .route("/admin/staff/{id}/role", post(staff_admin::set_role))
        .route("/admin/staff/{id}/disable", post(staff_admin::disable))
        .route("/admin/staff/{id}/enable", post(staff_admin::enable))
        .route(
            "/admin/staff/{id}/reset-password",
            post(staff_admin::reset_password),
        )
        .route("/api/chats", post(chat_api::start))
        .route(
            "/api/chats/messages",
            get(chat_api::fetch).post(chat_api::send),
        )
        .route("/api/chats/leave", post(chat_api::leave))
        .route("/api/bot/ask", post(chatbot::ask))
        .route("/api/bot/feedback", post(chatbot::feedback))
        .route("/console/chatbot", get(chatbot::console))
        .route("/console/chatbot/phrasings", post(chatbot::add_phrasing))
        .route(
            "/console/chatbot/phrasings/{id}/delete",
            post(chatbot::remove_phrasing),
        )
        .route("/ws/chat", get(crate::socket::visitor::upgrade))
        .route("/ws/console", get(crate::socket::console::upgrade))
        .route("/console/live", get(chat_console::live))
        .route("/console/canned", get(canned::list).post(canned::add))
        .route("/console/canned/{id}", post(canned::edit))
        .route("/console/canned/{id}/delete", post(canned::delete))
        .route("/console/chats", get(chat_console::queue))
        .route("/console/chats/{chat_id}", get(chat_console::show))
        .route(
            "/console/chats/{chat_id}/accept",
            post(chat_console::accept),
        )
        .route(
            "/console/chats/{chat_id}/reject",
            post(chat_console::reject),
        )
        .route("/console/chats/{chat_id}/end", post(chat_console::end))
        .route(
            "/console/chats/{chat_id}/messages",
            post(chat_console::reply),
        )
        .route("/privacy", get(privacy::current))
        .route("/privacy/versions", get(privacy::versions))
        .route("/privacy/v/{version}", get(privacy::version))
        .route("/console/governance", get(governance::home))
        .route("/console/governance/find", post(governance::find))
        .route("/console/governance/chats/{chat_id}", get(governance::chat))
        .route(
            "/console/governance/chats/{chat_id}/hold",
            post(governance::hold),
        )
        .route(
            "/console/governance/chats/{chat_id}/request-release",
            post(governance::request_release),
        )
        .route(
            "/console/governance/chats/{chat_id}/release",
            post(governance::release),
        )
        .route(
            "/console/governance/chats/{chat_id}/disclose",
            post(governance::disclose),
        )
        .route(
            "/console/review/{chat_id}",
            get(governance::review).post(governance::save_review),
        )
        .fallback(console::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::observe,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::same_origin_writes,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::security_headers,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::client_address,
        ))
        .layer(axum::middleware::from_fn(middleware::request_id))
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            tracing::error!("a request handler panicked");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal error",
            )
                .into_response()
        }))
        // Outermost, so that what the layers above refuse under /api/ is
        // the API's JSON too.
        .layer(axum::middleware::from_fn(crate::api::json_errors))
        .with_state(state)
}

use axum::response::IntoResponse;
