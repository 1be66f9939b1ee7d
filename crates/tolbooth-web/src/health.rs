//! Liveness, readiness and metrics.

use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde_json::json;

/// The process is up.
pub async fn healthz() -> impl IntoResponse {
    Json(json!({ "status": "ok" }))
}

/// The store answers and its schema is current.
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let store = &state.health;
    let reachable = store.ping().await.is_ok();
    let migrated = reachable && store.migrations_current().await.unwrap_or(false);
    let status = if reachable && migrated {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        status,
        Json(json!({
            "status": if status == StatusCode::OK { "ready" } else { "not_ready" },
            "store": store.backend_name(),
            "store_reachable": reachable,
            "migrations_current": migrated,
        })),
    )
}

pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(&state.workers.reports()),
    )
}
