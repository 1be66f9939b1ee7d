//! Staff: signing in and out, the second factor, one's own account and
//! the administration of staff accounts and roles.

mod account;
mod admin;
mod login;
pub(crate) mod pages;

use crate::state::AppState;
use axum::routing::{get, post};
use axum::Router;

/// The staff area's routes.
pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/second-factor",
            get(login::second_factor_form).post(login::second_factor_submit),
        )
        .route("/logout", post(login::logout))
        .route("/account", get(account::show))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/second-factor",
            get(account::enrol_form).post(account::enrol_submit),
        )
        .route("/admin/staff", get(admin::list).post(admin::add))
        .route("/admin/staff/{id}/role", post(admin::set_role))
        .route("/admin/staff/{id}/disable", post(admin::disable))
        .route("/admin/staff/{id}/enable", post(admin::enable))
        .route(
            "/admin/staff/{id}/reset-password",
            post(admin::reset_password),
        )
}
