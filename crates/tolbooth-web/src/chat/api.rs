//! The visitor's side of live chat over plain HTTP (the fallback described
//! in docs/protocol.md): start a chat, send messages, fetch what is new,
//! leave. JSON in and out. A visitor proves the chat is theirs with the
//! chat token in an `Authorization: Bearer` header: never in the URL, and
//! never the Chat ID.

use crate::api::{ApiError, ApiJson, ApiQuery};
use crate::client::Client;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tolbooth_core::chat::{Arrival, ChatError};
use tolbooth_domain::chat::{Sender, StoredChat, StoredMessage};
use tolbooth_domain::time_fmt::unix_millis;

/// The bearer token, if the request has one.
fn bearer(headers: &HeaderMap) -> Result<String, ApiError> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::from(ChatError::NotFound))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    question: String,
    client_id: Option<String>,
    name: Option<String>,
    visitor_id: Option<String>,
    launch_url: Option<String>,
    referrer: Option<String>,
    pages_visited: Option<u64>,
    seconds_on_site: Option<u64>,
    /// The visitor's conversation with the chatbot before asking for a
    /// person (BOT-3), shown to the operator.
    bot_transcript: Option<Vec<BotTurn>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BotTurn {
    question: String,
    answer: String,
    /// The answer's id, when the chatbot kept the question.
    #[serde(default)]
    id: Option<String>,
}

#[derive(Serialize)]
struct Started {
    chat_id: String,
    token: String,
    state: &'static str,
    seq: i64,
}

/// `POST /api/chats`: starts a chat with the visitor's question.
pub async fn start(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(req): ApiJson<StartRequest>,
) -> Result<Response, ApiError> {
    let arrival = Arrival {
        name: req.name,
        visitor_id: req.visitor_id,
        launch_url: req.launch_url,
        referrer: req.referrer,
        pages_visited: req.pages_visited,
        seconds_on_site: req.seconds_on_site,
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.chars().take(512).collect()),
    };
    let started = state
        .live_chat
        .start(&req.question, req.client_id.as_deref(), &arrival, &client)
        .await?;
    if let Some(turns) = req.bot_transcript {
        let last_asked = turns.last().and_then(|t| t.id.clone());
        let turns: Vec<(String, String)> =
            turns.into_iter().map(|t| (t.question, t.answer)).collect();
        state
            .live_chat
            .note_chatbot_conversation(&started.chat, &turns)
            .await?;
        super::count_hand_over(&state, last_asked).await;
    }
    let body = Started {
        chat_id: started.chat.lifecycle.chat_ref.to_string(),
        token: started.token.expose().to_owned(),
        state: started.chat.lifecycle.state.name(),
        seq: started.chat.last_seq,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SendRequest {
    client_id: String,
    text: String,
}

#[derive(Serialize)]
struct Acknowledged {
    seq: i64,
    duplicate: bool,
}

/// `POST /api/chats/messages`: sends a message; answered once it is stored.
pub async fn send(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiJson(req): ApiJson<SendRequest>,
) -> Result<Json<impl Serialize>, ApiError> {
    let token = bearer(&headers)?;
    let appended = state
        .live_chat
        .visitor_send(&token, &req.client_id, &req.text, &client)
        .await?;
    Ok(Json(Acknowledged {
        seq: appended.message.seq,
        duplicate: appended.duplicate,
    }))
}

#[derive(Deserialize)]
pub struct FetchQuery {
    /// The last sequence number the client has: a whole number, 0 or
    /// more (anything else is `bad_input`).
    #[serde(default)]
    after: u32,
}

#[derive(Serialize)]
struct ChatView {
    chat_id: String,
    state: &'static str,
    operator: Option<String>,
    messages: Vec<MessageView>,
}

#[derive(Serialize)]
struct MessageView {
    seq: i64,
    from: &'static str,
    client_id: Option<String>,
    text: String,
    /// Milliseconds since the Unix epoch, UTC.
    sent_at: i64,
}

fn view(chat: &StoredChat, messages: Vec<StoredMessage>) -> ChatView {
    ChatView {
        chat_id: chat.lifecycle.chat_ref.to_string(),
        state: chat.lifecycle.state.name(),
        operator: chat.lifecycle.operator.clone(),
        messages: messages
            .into_iter()
            // Notes from Tolbooth are for staff.
            .filter(|m| m.sender != Sender::System)
            .map(|m| MessageView {
                seq: m.seq,
                from: match m.sender {
                    Sender::Visitor => "visitor",
                    Sender::Operator(_) => "operator",
                    Sender::System => "system",
                },
                client_id: match m.sender {
                    // The visitor's own ids let their client match its
                    // pending messages; the operator's are not theirs.
                    Sender::Visitor => m.client_id.map(|c| c.as_str().to_owned()),
                    _ => None,
                },
                text: m.body.as_str().to_owned(),
                sent_at: unix_millis(m.sent_at),
            })
            .collect(),
    }
}

/// `GET /api/chats/messages?after=N`: the chat's state and its messages
/// with sequence numbers above `N`, in order.
pub async fn fetch(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FetchQuery>,
) -> Result<Json<impl Serialize>, ApiError> {
    let token = bearer(&headers)?;
    let (chat, messages) = state
        .live_chat
        .visitor_messages(&token, i64::from(q.after), &client)
        .await?;
    Ok(Json(view(&chat, messages)))
}

#[derive(Serialize)]
struct Left {
    state: &'static str,
}

/// `POST /api/chats/leave`: the visitor leaves the chat.
pub async fn leave(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
) -> Result<Json<impl Serialize>, ApiError> {
    let token = bearer(&headers)?;
    let now = state.live_chat.visitor_leave(&token, &client).await?;
    Ok(Json(Left { state: now.name() }))
}
