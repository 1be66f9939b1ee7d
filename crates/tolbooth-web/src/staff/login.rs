//! Signing in and out.

use crate::client::Client;
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::forms::{LoginForm, StaffForm};
use crate::metrics::OutcomeLabels;
use crate::pages::{render, Layout};
use crate::session::{session_from, step_for, AnySession};
use crate::staff::pages::{LoginPage, SecondFactorPage};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tolbooth_core::staff::{AccountError, SignIn};
use tolbooth_core::tokens::random_token;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::session::AuthLevel;

/// The one message for every failed sign-in: it must not reveal whether
/// the account exists, is disabled or is locked.
pub const SIGN_IN_FAILED: &str = "Sign-in failed. Check your username and password. After several failed attempts, sign-in is paused for a few minutes.";

pub(crate) fn see_other(to: &str) -> Response {
    (StatusCode::SEE_OTHER, [(header::LOCATION, to.to_owned())]).into_response()
}

pub(crate) fn next_page(level: AuthLevel) -> &'static str {
    step_for(level).unwrap_or("/console")
}

pub async fn form(
    State(state): State<AppState>,
    req: axum::extract::Request,
) -> WebResult<Response> {
    let (parts, _) = req.into_parts();
    let headers = &parts.headers;
    if let Some(who) = session_from(&parts, &state).await? {
        return Ok(see_other(next_page(who.session.level)));
    }
    let csrf = cookies::get(headers, cookies::LOGIN_CSRF)
        .filter(|c| c.len() == 43)
        .unwrap_or_else(|| random_token().expose().clone());
    let page = LoginPage {
        layout: Layout::anonymous(&state.config.organisation.name),
        csrf: csrf.clone(),
        username: String::new(),
        error: None,
    };
    let mut res = render(&page);
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::set(cookies::LOGIN_CSRF, &csrf, state.secure_cookies),
    );
    Ok(res)
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

pub async fn submit(
    State(state): State<AppState>,
    Client(client): Client,
    LoginForm { form, csrf }: LoginForm<Credentials>,
) -> WebResult<Response> {
    let password = Secret::new(form.password);
    let username = form.username.chars().take(200).collect::<String>();
    match state
        .accounts
        .sign_in(&username, &password, &client)
        .await?
    {
        SignIn::Failed => {
            state
                .metrics
                .sign_ins
                .get_or_create(&OutcomeLabels { outcome: "failed" })
                .inc();
            let page = LoginPage {
                layout: Layout::anonymous(&state.config.organisation.name),
                csrf,
                username,
                error: Some(SIGN_IN_FAILED),
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        SignIn::Started { token, session, .. } => {
            state
                .metrics
                .sign_ins
                .get_or_create(&OutcomeLabels {
                    outcome: "password_accepted",
                })
                .inc();
            let mut res = see_other(next_page(session.level));
            let h = res.headers_mut();
            h.append(
                header::SET_COOKIE,
                cookies::set(cookies::SESSION, token.expose(), state.secure_cookies),
            );
            h.append(
                header::SET_COOKIE,
                cookies::clear(cookies::LOGIN_CSRF, state.secure_cookies),
            );
            Ok(res)
        }
    }
}

pub async fn second_factor_form(
    State(state): State<AppState>,
    AnySession(who): AnySession,
) -> WebResult<Response> {
    if who.session.level != AuthLevel::AwaitingSecondFactor {
        return Ok(see_other(next_page(who.session.level)));
    }
    Ok(render(&SecondFactorPage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        organisation: state.config.organisation.name.clone(),
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct CodeForm {
    #[serde(default)]
    code: String,
}

pub async fn second_factor_submit(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<CodeForm>,
) -> WebResult<Response> {
    if who.session.level != AuthLevel::AwaitingSecondFactor {
        return Ok(see_other(next_page(who.session.level)));
    }
    let code: String = form.code.chars().take(64).collect();
    match state
        .accounts
        .verify_second_factor(&who, &code, &client)
        .await
    {
        Ok(level) => Ok(see_other(next_page(level))),
        Err(AccountError::WrongCode) => {
            let page = SecondFactorPage {
                layout: Layout::for_session(&state.config.organisation.name, &who),
                organisation: state.config.organisation.name.clone(),
                error: Some(
                    "That code is not correct, or has expired. Try the next code your app shows."
                        .into(),
                ),
            };
            Ok((StatusCode::UNAUTHORIZED, render(&page)).into_response())
        }
        Err(e) => Err(WebError::from(e)),
    }
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn logout(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, .. }: StaffForm<Empty>,
) -> WebResult<Response> {
    state.accounts.sign_out(&who, &client).await?;
    // Signing out ends the operator's Available / Away status at once.
    state.live_chat.hub().sign_out(who.member.id);
    let mut res = see_other("/login");
    res.headers_mut().append(
        header::SET_COOKIE,
        cookies::clear(cookies::SESSION, state.secure_cookies),
    );
    Ok(res)
}
