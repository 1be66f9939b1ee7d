//! A member of staff's own account: password and authenticator.

use super::login::{next_page, see_other};
use crate::client::Client;
use crate::cookies;
use crate::error::{WebError, WebResult};
use crate::forms::StaffForm;
use crate::pages::{render, Layout};
use crate::session::{AnySession, Staff};
use crate::staff::pages::{AccountPage, ChangePasswordPage, EnrolPage, RecoveryCodesPage};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tolbooth_core::staff::{AccountError, Authenticated};
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::session::AuthLevel;
use tolbooth_domain::staff::NewPassword;

pub async fn show(State(state): State<AppState>, Staff(who): Staff) -> WebResult<Response> {
    let recovery_left = state.accounts.recovery_codes_left(who.member.id).await?;
    Ok(render(&AccountPage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        member: who.member,
        recovery_left,
    }))
}

fn password_page(
    state: &AppState,
    who: &Authenticated,
    error: Option<String>,
) -> ChangePasswordPage {
    ChangePasswordPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        must_change: who.session.level == AuthLevel::MustChangePassword,
        error,
    }
}

pub async fn password_form(
    State(state): State<AppState>,
    AnySession(who): AnySession,
) -> WebResult<Response> {
    if who.session.level == AuthLevel::AwaitingSecondFactor {
        return Ok(see_other(next_page(who.session.level)));
    }
    Ok(render(&password_page(&state, &who, None)))
}

#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

pub async fn password_submit(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<PasswordChange>,
) -> WebResult<Response> {
    if who.session.level == AuthLevel::AwaitingSecondFactor {
        return Ok(see_other(next_page(who.session.level)));
    }
    let again = |msg: String| {
        (
            StatusCode::BAD_REQUEST,
            render(&password_page(&state, &who, Some(msg))),
        )
            .into_response()
    };
    if form.new != form.confirm {
        return Ok(again("The two new passwords are different.".into()));
    }
    let new = match NewPassword::parse(Secret::new(form.new)) {
        Ok(p) => p,
        Err(e) => return Ok(again(format!("Choose another password: {e}."))),
    };
    let current = Secret::new(form.current);
    match state
        .accounts
        .change_own_password(&who, &current, new, &client)
        .await
    {
        Ok((token, level)) => {
            let mut res = see_other(next_page(level));
            res.headers_mut().append(
                header::SET_COOKIE,
                cookies::set(cookies::SESSION, token.expose(), state.secure_cookies),
            );
            Ok(res)
        }
        Err(AccountError::WrongPassword) => {
            Ok(again("The current password is not correct.".into()))
        }
        Err(e) => Err(WebError::from(e)),
    }
}

fn may_enrol(who: &Authenticated) -> bool {
    !who.member.totp_enrolled
        && matches!(
            who.session.level,
            AuthLevel::Full | AuthLevel::MustEnrolSecondFactor
        )
}

pub async fn enrol_form(
    State(state): State<AppState>,
    AnySession(who): AnySession,
) -> WebResult<Response> {
    if !may_enrol(&who) {
        return Ok(see_other(next_page(who.session.level)));
    }
    let enrolment = state
        .accounts
        .start_totp_enrolment(&who)
        .ok_or_else(|| WebError::Internal("could not start enrolment".into()))?;
    Ok(render(&EnrolPage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        required: who.session.level == AuthLevel::MustEnrolSecondFactor,
        secret: enrolment.secret.expose().clone(),
        qr_svg: enrolment.qr_svg,
        error: None,
    }))
}

#[derive(Deserialize)]
pub struct EnrolForm {
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
}

pub async fn enrol_submit(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<EnrolForm>,
) -> WebResult<Response> {
    if !may_enrol(&who) {
        return Ok(see_other(next_page(who.session.level)));
    }
    let secret = Secret::new(form.secret.chars().take(128).collect::<String>());
    let code: String = form.code.chars().take(64).collect();
    match state
        .accounts
        .confirm_totp_enrolment(&who, &secret, &code, &client)
        .await
    {
        Ok(codes) => Ok(render(&RecoveryCodesPage {
            layout: Layout::for_session(&state.config.organisation.name, &who),
            codes: codes.iter().map(|c| c.expose().clone()).collect(),
        })),
        Err(AccountError::WrongCode) => {
            let enrolment = state
                .accounts
                .resume_totp_enrolment(&who, secret)
                .or_else(|| state.accounts.start_totp_enrolment(&who))
                .ok_or_else(|| WebError::Internal("could not start enrolment".into()))?;
            let page = EnrolPage {
                layout: Layout::for_session(&state.config.organisation.name, &who),
                required: who.session.level == AuthLevel::MustEnrolSecondFactor,
                secret: enrolment.secret.expose().clone(),
                qr_svg: enrolment.qr_svg,
                error: Some("That code is not correct. Check the time on your device and try the next code.".into()),
            };
            Ok((StatusCode::BAD_REQUEST, render(&page)).into_response())
        }
        Err(e) => Err(WebError::from(e)),
    }
}
