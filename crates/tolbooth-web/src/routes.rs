//! The routing table: the shared pages, one line per product area, and
//! the layers every request passes through.

use crate::middleware;
use crate::state::AppState;
use crate::{console, health};
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
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
        .route("/console", get(console::home))
        // One line per product area.
        .merge(crate::staff::routes())
        .merge(crate::chat::routes())
        .merge(crate::bot::routes())
        .merge(crate::notice::routes())
        .merge(crate::governance::routes())
        .merge(crate::dashboard::routes())
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
