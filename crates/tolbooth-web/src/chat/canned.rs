//! Supervisors keep the canned responses operators insert in live chat
//! (LC-4): `/console/canned`. Changes are audited.

use crate::authz::require;
use crate::chat::pages::CannedPage;
use crate::client::Client;
use crate::error::WebResult;
use crate::forms::{NoFields, StaffForm};
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tolbooth_core::chat::ChatError;
use tolbooth_core::staff::Authenticated;
use tolbooth_domain::chat::canned::CannedId;
use tolbooth_domain::staff::role::Permission;

async fn page(state: &AppState, who: &Authenticated, error: Option<String>) -> WebResult<Response> {
    let responses = state.live_chat.canned().await?;
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = CannedPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        responses,
        error,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /console/canned`.
pub async fn list(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageCannedResponses, &client).await?;
    page(&state, &who, None).await
}

#[derive(Deserialize)]
pub struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
}

async fn saved(
    state: &AppState,
    who: &Authenticated,
    result: Result<(), ChatError>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to("/console/canned").into_response()),
        Err(e @ (ChatError::InvalidCanned(_) | ChatError::NotFound)) => {
            page(state, who, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/canned`: adds a response.
pub async fn add(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<CannedForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageCannedResponses, &client).await?;
    let result = state
        .live_chat
        .save_canned(&who.member, None, &form.title, &form.body, &client)
        .await
        .map(|_| ());
    saved(&state, &who, result).await
}

/// `POST /console/canned/{id}`: replaces a response's title and text.
pub async fn edit(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, form }: StaffForm<CannedForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageCannedResponses, &client).await?;
    let result = state
        .live_chat
        .save_canned(
            &who.member,
            Some(CannedId(id)),
            &form.title,
            &form.body,
            &client,
        )
        .await
        .map(|_| ());
    saved(&state, &who, result).await
}

/// `POST /console/canned/{id}/delete`.
pub async fn delete(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, .. }: StaffForm<NoFields>,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageCannedResponses, &client).await?;
    let result = state
        .live_chat
        .delete_canned(&who.member, CannedId(id), &client)
        .await;
    saved(&state, &who, result).await
}
