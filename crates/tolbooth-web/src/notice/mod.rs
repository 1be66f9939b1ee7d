//! The published privacy notice and its earlier versions.

mod handlers;
pub(crate) mod pages;

use crate::state::AppState;
use axum::routing::get;
use axum::Router;

/// The notice's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/privacy", get(handlers::current))
        .route("/privacy/versions", get(handlers::versions))
        .route("/privacy/v/{version}", get(handlers::version))
}
