//! The chatbot over HTTP: the widget's questions and feedback (JSON, no
//! cookies, nothing in the URL), and the console page with the reports and
//! staff phrasings (BOT-1, BOT-4).

use crate::api::{ApiError, ApiJson};
use crate::authz::require;
use crate::bot::pages::{ChatbotPage, UnansweredRow};
use crate::chat::socket::frames::BotAnswer;
use crate::client::Client;
use crate::error::WebResult;
use crate::forms::{NoFields, StaffForm};
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tolbooth_core::bot::ChatbotError;
use tolbooth_core::staff::Authenticated;
use tolbooth_domain::staff::role::Permission;

/// The weeks the console report covers.
const REPORT_WEEKS: u32 = 8;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AskRequest {
    question: String,
}

#[derive(Serialize)]
struct Person {
    /// Whether live chat is open now (LC-9); out of hours the bot stays.
    open: bool,
    hours: Option<String>,
}

#[derive(Serialize)]
struct AskResponse {
    #[serde(flatten)]
    answer: BotAnswer,
    person: Person,
}

/// `POST /api/bot/ask`: `{"question": ...}`.
pub async fn ask(
    State(state): State<AppState>,
    Client(client): Client,
    ApiJson(req): ApiJson<AskRequest>,
) -> Response {
    let address = client.ip.map(|ip| ip.to_string()).unwrap_or_default();
    let asked = match state.chatbot.ask(&req.question, &address).await {
        Ok(asked) => asked,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let (open, hours) = state.live_chat.opening();
    Json(AskResponse {
        answer: asked.into(),
        person: Person { open, hours },
    })
    .into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeedbackRequest {
    id: String,
    helpful: bool,
}

/// `POST /api/bot/feedback`: `{"id": ..., "helpful": true|false}`.
pub async fn feedback(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<FeedbackRequest>,
) -> Response {
    match state.chatbot.feedback(&req.id, req.helpful).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

async fn page(state: &AppState, who: &Authenticated, error: Option<String>) -> WebResult<Response> {
    let report = state.chatbot.report(REPORT_WEEKS).await?;
    let kb = state.chatbot.knowledge_base();
    let page = ChatbotPage {
        layout: Layout::for_session(&state.config.organisation.name, who),
        keeps_questions: state.chatbot.keeps_questions(),
        weeks: report.weeks,
        unanswered: report
            .unanswered
            .into_iter()
            .map(|u| UnansweredRow {
                asked_at: state.local_time.date_time(u.asked_at),
                redacted: u.redacted,
                reason: u.reason.replace('_', " "),
                service_area: u.service_area.unwrap_or_default(),
            })
            .collect(),
        pages: kb.pages().await?.len(),
        retrieval: match (kb.embedder().is_some(), state.chatbot.uses_dense()) {
            (_, true) => "words-and-meaning",
            (true, false) => "embedding",
            (false, false) => "words",
        },
        phrasings: kb.phrasings().await?,
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    Ok((status, render(&page)).into_response())
}

/// `GET /console/chatbot`.
pub async fn console(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageChatbot, &client).await?;
    page(&state, &who, None).await
}

#[derive(Deserialize)]
pub struct PhrasingForm {
    #[serde(default)]
    url: String,
    /// The heading of one answer on the page; empty for the whole page.
    #[serde(default)]
    answer: String,
    #[serde(default)]
    text: String,
}

async fn changed(
    state: &AppState,
    who: &Authenticated,
    result: Result<(), ChatbotError>,
) -> WebResult<Response> {
    match result {
        Ok(()) => {
            state.chatbot.reload().await?;
            Ok(Redirect::to("/console/chatbot").into_response())
        }
        Err(
            e @ (ChatbotError::NoSuchPage
            | ChatbotError::NoSuchAnswer
            | ChatbotError::Phrasing(_)
            | ChatbotError::NoSuchPhrasing),
        ) => page(state, who, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /console/chatbot/phrasings`: adds a phrasing to a page.
pub async fn add_phrasing(
    State(state): State<AppState>,
    Client(client): Client,
    StaffForm { who, form }: StaffForm<PhrasingForm>,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageChatbot, &client).await?;
    let result = state
        .chatbot
        .knowledge_base()
        .add_phrasing(
            form.url.trim(),
            Some(form.answer.as_str()),
            &form.text,
            who.member.display_name.as_str(),
            who.actor(),
        )
        .await
        .map(|_| ());
    changed(&state, &who, result).await
}

/// `POST /console/chatbot/phrasings/{id}/delete`.
pub async fn remove_phrasing(
    State(state): State<AppState>,
    Client(client): Client,
    Path(id): Path<i64>,
    StaffForm { who, .. }: StaffForm<NoFields>,
) -> WebResult<Response> {
    require(&state, &who, Permission::ManageChatbot, &client).await?;
    let result = state
        .chatbot
        .knowledge_base()
        .remove_phrasing(id, who.actor())
        .await;
    changed(&state, &who, result).await
}
