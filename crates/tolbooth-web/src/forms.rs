//! Form bodies with their CSRF token checked before the handler runs.
//!
//! Every state-changing form posts a `csrf` field. Signed-in forms compare
//! it with the session's token; the sign-in form compares it with a
//! short-lived cookie (double submit). Both compare in constant time, and a
//! mismatch is audited as a denied access.

use crate::client::context_of;
use crate::cookies;
use crate::error::WebError;
use crate::session::session_from;
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use tolbooth_core::staff::Authenticated;
use tolbooth_domain::audit::Actor;

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

fn tokens_match(a: &str, b: &str) -> bool {
    !a.is_empty() && a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Reads the body (within the size limit) and parses it, returning the
/// form, the CSRF token it carried and the request id.
async fn read_form<T: DeserializeOwned>(
    parts: Parts,
    body: Body,
    state: &AppState,
) -> Result<(T, String, Option<String>), WebError> {
    let request_id = context_of(&parts).request_id;
    let bytes = Bytes::from_request(Request::from_parts(parts, body), state)
        .await
        .map_err(|_| WebError::BadInput("the form is too large".into()))?;
    let (form, csrf) = parse::<T>(&bytes)?;
    Ok((form, csrf, request_id))
}

fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<(T, String), WebError> {
    let csrf: CsrfField = serde_urlencoded::from_bytes(body)
        .map_err(|_| WebError::BadInput("the form could not be read".into()))?;
    let value: T = serde_urlencoded::from_bytes(body)
        .map_err(|_| WebError::BadInput("the form is missing a field".into()))?;
    Ok((value, csrf.csrf))
}

async fn refuse(state: &AppState, actor: Actor, request_id: Option<String>) -> WebError {
    if let Err(e) = state
        .accounts
        .record_denial(actor, "csrf", request_id)
        .await
    {
        return e.into();
    }
    state.metrics.access_denied.inc();
    WebError::BadCsrf
}

/// A form whose only field is its CSRF token (a button that acts).
#[derive(Deserialize)]
pub struct NoFields {}

/// A form posted by a signed-in member of staff (at any stage of sign-in).
pub struct StaffForm<T> {
    pub who: Authenticated,
    pub form: T,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for StaffForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let who = session_from(&parts, state)
            .await?
            .ok_or(WebError::Unauthenticated)?;
        let (form, csrf, request_id) = read_form::<T>(parts, body, state).await?;
        if !tokens_match(&csrf, &who.session.csrf_token) {
            return Err(refuse(state, who.actor(), request_id).await);
        }
        Ok(StaffForm { who, form })
    }
}

/// The sign-in form, with the CSRF token it carried (re-used when the form
/// is shown again after a failure).
pub struct LoginForm<T> {
    pub form: T,
    pub csrf: String,
}

impl<T: DeserializeOwned + Send> FromRequest<AppState> for LoginForm<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (parts, body) = req.into_parts();
        let cookie = cookies::get(&parts.headers, cookies::LOGIN_CSRF).unwrap_or_default();
        let (form, csrf, request_id) = read_form::<T>(parts, body, state).await?;
        if !tokens_match(&csrf, &cookie) {
            return Err(refuse(state, Actor::Anonymous, request_id).await);
        }
        Ok(LoginForm { form, csrf })
    }
}
