//! Extractors for the signed-in member of staff.

use crate::client::context_of;
use crate::cookies;
use crate::error::WebError;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use tolbooth_core::staff::Authenticated;
use tolbooth_domain::staff::session::AuthLevel;

/// A live session at any stage of sign-in.
pub struct AnySession(pub Authenticated);

/// A fully signed-in member of staff. A session part-way through sign-in
/// is sent to its next step.
pub struct Staff(pub Authenticated);

pub async fn session_from(
    parts: &Parts,
    state: &AppState,
) -> Result<Option<Authenticated>, WebError> {
    let Some(token) = cookies::get(&parts.headers, cookies::SESSION) else {
        return Ok(None);
    };
    Ok(state.accounts.authenticate(&token).await?)
}

/// Where a session at `level` must go next.
pub fn step_for(level: AuthLevel) -> Option<&'static str> {
    match level {
        AuthLevel::AwaitingSecondFactor => Some("/login/second-factor"),
        AuthLevel::MustChangePassword => Some("/account/password"),
        AuthLevel::MustEnrolSecondFactor => Some("/account/second-factor"),
        AuthLevel::Full => None,
    }
}

impl FromRequestParts<AppState> for AnySession {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        match session_from(parts, state).await? {
            Some(who) => Ok(AnySession(who)),
            None => Err(WebError::Unauthenticated),
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let AnySession(who) = AnySession::from_request_parts(parts, state).await?;
        match step_for(who.session.level) {
            None => Ok(Staff(who)),
            Some(step) => {
                let client = context_of(parts);
                state
                    .accounts
                    .record_denial(who.actor(), "incomplete_sign_in", client.request_id)
                    .await?;
                Err(WebError::Redirect(step.to_owned()))
            }
        }
    }
}
