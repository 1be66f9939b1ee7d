//! Administrators manage staff accounts (AUD-1).

use crate::authz::require;
use crate::client::Client;
use crate::error::{WebError, WebResult};
use crate::forms::StaffForm;
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::staff::pages::{StaffAdminPage, StaffNotice};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tolbooth_core::staff::{AccountError, Authenticated, ClientContext};
use tolbooth_domain::staff::role::{Permission, Role};
use tolbooth_domain::staff::StaffId;

async fn page(
    state: &AppState,
    who: &Authenticated,
    error: Option<String>,
    notice: Option<StaffNotice>,
) -> WebResult<Response> {
    let staff = state.accounts.list().await?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = StaffAdminPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        staff,
        roles: Role::ALL.to_vec(),
        error,
        notice,
    };
    Ok((status, render(&page)).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageStaff, &client).await?;
    page(&state, &who, None, None).await
}

#[derive(Deserialize)]
pub struct NewStaffForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
}

/// Turns a refusal the administrator can act on into a message on the page.
async fn outcome(
    state: &AppState,
    who: &Authenticated,
    result: Result<StaffNotice, AccountError>,
) -> WebResult<Response> {
    match result {
        Ok(notice) => page(state, who, None, Some(notice)).await,
        Err(AccountError::Store(e)) => Err(e.into()),
        Err(AccountError::Hashing) => Err(WebError::Internal("password hashing failed".into())),
        Err(e) => page(state, who, Some(e.to_string()), None).await,
    }
}

async fn admin(state: &AppState, client: &ClientContext, who: &Authenticated) -> WebResult<()> {
    require(state, who, Permission::ManageStaff, client).await
}

pub async fn add(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<NewStaffForm>,
) -> WebResult<Response> {
    admin(&state, &client, &who).await?;
    let result = async {
        let role: Role = form
            .role
            .parse()
            .map_err(|_| AccountError::Invalid(tolbooth_domain::staff::InvalidInput::Role))?;
        let (member, password) = state
            .accounts
            .add_staff(
                who.actor(),
                &form.username,
                &form.display_name,
                role,
                client.request_id.clone(),
            )
            .await?;
        Ok(StaffNotice {
            text: format!(
                "{} has been added as {}.",
                member.display_name,
                member.role.label()
            ),
            username: member.username.to_string(),
            one_time_password: Some(password.expose().clone()),
        })
    }
    .await;
    outcome(&state, &who, result).await
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, form }: StaffForm<RoleForm>,
) -> WebResult<Response> {
    admin(&state, &client, &who).await?;
    let role: Role = form
        .role
        .parse()
        .map_err(|_| WebError::BadInput("unknown role".into()))?;
    let result = async {
        state
            .accounts
            .set_role(who.actor(), StaffId(id), role, client.request_id.clone())
            .await?;
        let m = state.accounts.get(StaffId(id)).await?;
        Ok(StaffNotice {
            text: format!(
                "{} is now {}. Their sessions have ended.",
                m.display_name,
                role.label()
            ),
            username: m.username.to_string(),
            one_time_password: None,
        })
    }
    .await;
    outcome(&state, &who, result).await
}

#[derive(Deserialize)]
pub struct Empty {}

async fn set_disabled(
    state: AppState,
    client: ClientContext,
    id: i64,
    who: Authenticated,
    disabled: bool,
) -> WebResult<Response> {
    admin(&state, &client, &who).await?;
    let result = async {
        state
            .accounts
            .set_disabled(
                who.actor(),
                StaffId(id),
                disabled,
                client.request_id.clone(),
            )
            .await?;
        let m = state.accounts.get(StaffId(id)).await?;
        let text = if disabled {
            format!(
                "{} is disabled and has been signed out everywhere.",
                m.display_name
            )
        } else {
            format!("{} is enabled.", m.display_name)
        };
        Ok(StaffNotice {
            text,
            username: m.username.to_string(),
            one_time_password: None,
        })
    }
    .await;
    outcome(&state, &who, result).await
}

pub async fn disable(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, .. }: StaffForm<Empty>,
) -> WebResult<Response> {
    set_disabled(state, client, id, who, true).await
}

pub async fn enable(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, .. }: StaffForm<Empty>,
) -> WebResult<Response> {
    set_disabled(state, client, id, who, false).await
}

pub async fn reset_password(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, .. }: StaffForm<Empty>,
) -> WebResult<Response> {
    admin(&state, &client, &who).await?;
    let result = async {
        let password = state
            .accounts
            .reset_password(who.actor(), StaffId(id), false, client.request_id.clone())
            .await?;
        let m = state.accounts.get(StaffId(id)).await?;
        Ok(StaffNotice {
            text: format!(
                "{}'s password has been reset and their sessions have ended.",
                m.display_name
            ),
            username: m.username.to_string(),
            one_time_password: Some(password.expose().clone()),
        })
    }
    .await;
    outcome(&state, &who, result).await
}
