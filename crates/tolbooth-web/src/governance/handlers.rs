//! The information-governance officer's console pages: retention status
//! and legal holds (`/console/governance`), one chat's holds and
//! disclosures (`/console/governance/chats/{id}`), and the review of a
//! transcript before it is kept (`/console/review/{id}`, RED-5). Every
//! change goes through `tolbooth_core::governance`, which audits it.

use crate::authz::require;
use crate::client::Client;
use crate::error::{WebError, WebResult};
use crate::forms::StaffForm;
use crate::governance::pages::{
    GovernanceChatPage, GovernancePage, HoldView, PolicyView, ReviewLine, ReviewPage,
};
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::collections::HashMap;
use tolbooth_core::governance::GovernanceError;
use tolbooth_core::staff::{Authenticated, ClientContext};
use tolbooth_domain::chat::{ChatRef, FlagReason};
use tolbooth_domain::staff::role::Permission;

fn parse_ref(raw: &str) -> Result<ChatRef, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

/// `GET /console/governance`.
pub async fn home(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageRetention, &client).await?;
    home_page(&state, &who, None).await
}

async fn home_page(
    state: &AppState,
    who: &Authenticated,
    error: Option<String>,
) -> WebResult<Response> {
    let g = &state.governance;
    let notice = g.notice(None).await.map_err(WebError::from)?;
    let due = state
        .sweeper
        .preview()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let sweeps = state
        .sweeper
        .history(10)
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?
        .into_iter()
        .map(|s| {
            (
                state.local_time.date_time(s.started_at),
                s.outcome.name(),
                s.counts.chats_extracted,
                s.counts.chats_deleted,
                s.counts.ip_addresses_deleted,
                s.counts.extracts_anonymised,
            )
        })
        .collect();
    let holds = g
        .holds()
        .await
        .map_err(WebError::from)?
        .iter()
        .map(|h| HoldView::of(h, &state.local_time))
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = GovernancePage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        policy: PolicyView::of(g.policy()),
        notice_version: notice.map_or(0, |n| n.version),
        due: vec![
            ("Chat records due", due.chats_due),
            ("IP addresses due", due.ip_addresses_deleted),
            ("Visitor details due", due.visitor_details_deleted),
            ("Extracts to anonymise", due.extracts_anonymised),
            ("Extracts to delete", due.extracts_deleted),
            ("Chats under legal hold", due.chats_held),
        ],
        sweeps,
        holds,
        can_hold: who.member.role.allows(Permission::HoldAndDisclose),
        error,
    };
    Ok((status, render(&page)).into_response())
}

#[derive(Deserialize)]
pub struct FindForm {
    #[serde(default)]
    chat: String,
}

/// `POST /console/governance/find`: a Chat ID typed by the officer (sent
/// in the body, so it never sits in a URL it was typed into).
pub async fn find(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<FindForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    match form.chat.trim().parse::<ChatRef>() {
        Ok(r) => Ok(Redirect::to(&format!("/console/governance/chats/{r}")).into_response()),
        Err(_) => {
            home_page(
                &state,
                &who,
                Some("That is not a Chat ID: it looks like TB-7K3M-9QXD.".into()),
            )
            .await
        }
    }
}

async fn chat_page(
    state: &AppState,
    who: &Authenticated,
    client: &ClientContext,
    chat_ref: ChatRef,
    error: Option<String>,
    notice: Option<String>,
) -> WebResult<Response> {
    let chat = state
        .live_chat
        .open_transcript(&who.member, chat_ref, client)
        .await?;
    let l = &chat.lifecycle;
    let local = &state.local_time;
    let when = |t: Option<time::OffsetDateTime>| {
        t.map(|t| local.date_time(t)).unwrap_or_else(|| "—".into())
    };
    let record = vec![
        ("Chat ID", chat_ref.to_string()),
        ("State", l.state.name().to_owned()),
        ("Operator", l.operator.clone().unwrap_or_else(|| "—".into())),
        ("Requested", when(Some(l.requested_at))),
        ("Accepted", when(l.accepted_at)),
        ("Ended", when(l.ended_at)),
        (
            "Ended by",
            l.ended_by
                .map(|b| b.name().to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    let flags = state
        .live_chat
        .flags(chat_ref)
        .await?
        .iter()
        .map(|f| {
            let at = local.date_time(f.at);
            format!("{} by {} at {at}", f.reason.label(), f.by_name)
        })
        .collect();
    let hold = state
        .governance
        .hold(chat_ref)
        .await
        .map_err(WebError::from)?;
    let disclosures = state
        .governance
        .disclosures(chat_ref)
        .await
        .map_err(WebError::from)?
        .iter()
        .map(|d| {
            format!(
                "{} to {} by {} ({}; package SHA-256 {})",
                local.date_time(d.at),
                d.recipient,
                d.by_name,
                d.lawful_basis,
                d.package_sha256
            )
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let page = GovernanceChatPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        chat_id: chat_ref.to_string(),
        record,
        flags,
        hold: hold.as_ref().map(|h| HoldView::of(h, &state.local_time)),
        disclosures,
        can_hold: who.member.role.allows(Permission::HoldAndDisclose),
        can_review: who.member.role.allows(Permission::EditTranscripts)
            && l.state == tolbooth_domain::chat::ChatState::Ended,
        flag_reasons: FlagReason::ALL
            .iter()
            .map(|r| (r.name(), r.label()))
            .collect(),
        error,
        notice,
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /console/governance/chats/{id}`: audited as an opening of the chat.
pub async fn chat(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    chat_page(&state, &who, &client, parse_ref(&raw)?, None, None).await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn after(
    state: &AppState,
    who: &Authenticated,
    client: &ClientContext,
    chat_ref: ChatRef,
    result: Result<(), GovernanceError>,
    done: &str,
) -> WebResult<Response> {
    match result {
        Ok(()) => chat_page(state, who, client, chat_ref, None, Some(done.to_owned())).await,
        Err(
            e @ (GovernanceError::NotFound
            | GovernanceError::NotAllowed
            | GovernanceError::Store(_)),
        ) => Err(e.into()),
        Err(e) => chat_page(state, who, client, chat_ref, Some(e.to_string()), None).await,
    }
}

/// `POST /console/governance/chats/{id}/hold`.
pub async fn hold(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<ReasonForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let r = state
        .governance
        .place_hold(&who.member, chat_ref, &form.reason, &client)
        .await;
    after(
        &state,
        &who,
        &client,
        chat_ref,
        r,
        "The chat is under legal hold.",
    )
    .await
}

/// `POST /console/governance/chats/{id}/flag`: a governance officer flags
/// a chat (audited as `chat.flagged`, as an operator's flag is), so that
/// they can then hold it.
pub async fn flag(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<ReasonForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let Some(reason) = FlagReason::parse(&form.reason) else {
        let problem = "Choose why the chat is flagged.".to_owned();
        return chat_page(&state, &who, &client, chat_ref, Some(problem), None).await;
    };
    state
        .live_chat
        .flag(&who.member, chat_ref, reason, &client)
        .await?;
    let done = format!(
        "Flagged: {}. It can now be put under legal hold.",
        reason.label()
    );
    chat_page(&state, &who, &client, chat_ref, None, Some(done)).await
}

/// `POST /console/governance/chats/{id}/request-release`.
pub async fn request_release(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<ReasonForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let r = state
        .governance
        .request_release(&who.member, chat_ref, &form.reason, &client)
        .await;
    after(
        &state,
        &who,
        &client,
        chat_ref,
        r,
        "Release asked for. A second governance officer must confirm it.",
    )
    .await
}

#[derive(Deserialize)]
pub struct Empty {}

/// `POST /console/governance/chats/{id}/release`: the second officer.
pub async fn release(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form: _ }: StaffForm<Empty>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let r = state
        .governance
        .confirm_release(&who.member, chat_ref, &client)
        .await;
    after(
        &state,
        &who,
        &client,
        chat_ref,
        r,
        "The hold is released: the chat will be dealt with at the next sweep.",
    )
    .await
}

#[derive(Deserialize)]
pub struct DiscloseForm {
    #[serde(default)]
    recipient: String,
    #[serde(default)]
    basis: String,
    #[serde(default)]
    format: String,
}

/// `POST /console/governance/chats/{id}/disclose`: the package as a
/// download, logged as a disclosure.
pub async fn disclose(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<DiscloseForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::HoldAndDisclose, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let package = match state
        .governance
        .disclose(&who.member, chat_ref, &form.recipient, &form.basis, &client)
        .await
    {
        Ok(p) => p,
        Err(e) => return after(&state, &who, &client, chat_ref, Err(e), "").await,
    };
    let (body, kind, ext) = if form.format == "json" {
        (package.to_json(), "application/json", "json")
    } else {
        let html = super::disclosure_document(&package, &state.local_time)
            .map_err(|e| WebError::Internal(format!("disclosure package failed to render: {e}")))?;
        (html, "text/html; charset=utf-8", "html")
    };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{chat_ref}-disclosure.{ext}\""),
            ),
        ],
        body,
    )
        .into_response())
}

async fn review_page(
    state: &AppState,
    who: &Authenticated,
    client: &ClientContext,
    chat_ref: ChatRef,
    notice: Option<String>,
) -> WebResult<Response> {
    let review = state
        .governance
        .review(&who.member, chat_ref, client)
        .await
        .map_err(WebError::from)?;
    Ok(render(&ReviewPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        chat_id: chat_ref.to_string(),
        lines: review
            .lines
            .into_iter()
            .map(|l| ReviewLine::of(l, &state.local_time))
            .collect(),
        edited: review.edited,
        notice,
    }))
}

/// `GET /console/review/{id}`: the transcript as it would be kept.
pub async fn review(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    require(&state, &who, Permission::EditTranscripts, &client).await?;
    review_page(&state, &who, &client, parse_ref(&raw)?, None).await
}

/// `POST /console/review/{id}`: fields `line-N` carry the new text of
/// message N.
pub async fn save_review(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<HashMap<String, String>>,
) -> WebResult<Response> {
    require(&state, &who, Permission::EditTranscripts, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let texts: Vec<(i64, String)> = form
        .iter()
        .filter_map(|(k, v)| {
            let seq = k.strip_prefix("line-")?.parse::<i64>().ok()?;
            Some((seq, v.clone()))
        })
        .collect();
    let changed = state
        .governance
        .edit_transcript(&who.member, chat_ref, &texts, &client)
        .await
        .map_err(WebError::from)?;
    let notice = if changed {
        "Saved. This edited transcript is what will be kept."
    } else {
        "Nothing was changed."
    };
    review_page(&state, &who, &client, chat_ref, Some(notice.to_owned())).await
}
