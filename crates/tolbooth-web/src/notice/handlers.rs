//! The published privacy notice (GOV-1): `/privacy` shows the version in
//! force, generated from the running policy; `/privacy/versions` lists
//! every version; `/privacy/v/{n}` shows one. Public pages: no session.

use crate::error::{WebError, WebResult};
use crate::notice::pages::{NoticeView, PrivacyPage, PrivacyVersionsPage};
use crate::pages::{render, Layout};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::Response;
use tolbooth_core::notice::Notice;

async fn show(state: &AppState, version: Option<i64>) -> WebResult<Response> {
    let latest = state
        .governance
        .notice(None)
        .await
        .map_err(WebError::from)?
        .ok_or(WebError::NotFound)?;
    let shown = match version {
        None => latest.clone(),
        Some(v) => state
            .governance
            .notice(Some(v))
            .await
            .map_err(WebError::from)?
            .ok_or(WebError::NotFound)?,
    };
    Ok(render(&PrivacyPage {
        layout: Layout::anonymous(&state.config.organisation.name),
        notice: NoticeView::from(&Notice::from_markdown(&shown.notice_markdown)),
        version: shown.version,
        latest: (shown.version != latest.version).then_some(latest.version),
    }))
}

/// `GET /privacy`.
pub async fn current(State(state): State<AppState>) -> WebResult<Response> {
    show(&state, None).await
}

/// `GET /privacy/v/{n}`.
pub async fn version(
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    let v: i64 = raw.parse().map_err(|_| WebError::NotFound)?;
    show(&state, Some(v)).await
}

/// `GET /privacy/versions`.
pub async fn versions(State(state): State<AppState>) -> WebResult<Response> {
    let versions = state
        .governance
        .notice_versions()
        .await
        .map_err(WebError::from)?
        .into_iter()
        .map(|(v, at, _)| {
            let d = at.date();
            (v, format!("{} {} {}", d.day(), d.month(), d.year()))
        })
        .collect();
    Ok(render(&PrivacyVersionsPage {
        layout: Layout::anonymous(&state.config.organisation.name),
        versions,
    }))
}
