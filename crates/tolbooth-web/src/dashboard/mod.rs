//! The supervisor's dashboard (`/console/dashboard`): live chat and the
//! chatbot today and over the last seven days, each chart drawn on the
//! server as SVG with its figures in a table beside it.

mod charts;
pub(crate) mod pages;

use crate::authz::require;
use crate::client::Client;
use crate::error::WebResult;
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use tolbooth_domain::staff::role::Permission;

/// The dashboard's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new().route("/console/dashboard", get(show))
}

/// `GET /console/dashboard`.
async fn show(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    require(&state, &who, Permission::SeeDashboard, &client).await?;
    let figures = state.dashboard.figures().await?;
    let layout = Layout::for_session(&state.config.organisation.name, &who);
    Ok(render(&pages::DashboardPage::of(layout, &figures)))
}
