//! The one place where a role is checked against what a request needs.
//! A refusal is audited (AUD-2) and answered with 403.

use crate::error::WebError;
use crate::state::AppState;
use tolbooth_core::staff::{Authenticated, ClientContext};
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::session::AuthLevel;

pub async fn require(
    state: &AppState,
    who: &Authenticated,
    permission: Permission,
    client: &ClientContext,
) -> Result<(), WebError> {
    let complete = who.session.level == AuthLevel::Full;
    if complete && who.member.role.allows(permission) {
        return Ok(());
    }
    state
        .accounts
        .record_denial(
            who.actor(),
            &format!("{permission:?}"),
            client.request_id.clone(),
        )
        .await?;
    state.metrics.access_denied.inc();
    Err(WebError::Forbidden)
}
