//! The operator's side of live chat as plain pages (LC-4, LC-5): the queue
//! of waiting enquiries with accept and reject, and a chat's transcript
//! with a reply box and "end chat". Every opening of a transcript is
//! audited. Everything a visitor wrote is rendered as text (askama escapes
//! it). The real-time console builds on the same routes' use cases.

use crate::authz::require;
use crate::chat::pages::{ChatPage, ChatQueuePage, MessageRow, QueueRow};
use crate::client::Client;
use crate::error::{WebError, WebResult};
use crate::forms::{NoFields, StaffForm};
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tolbooth_core::staff::{Authenticated, ClientContext};
use tolbooth_domain::chat::{ChatRef, ChatState, Sender};
use tolbooth_domain::staff::role::Permission;

fn parse_ref(raw: &str) -> Result<ChatRef, WebError> {
    raw.parse().map_err(|_| WebError::NotFound)
}

async fn answering(state: &AppState, who: &Authenticated, client: &ClientContext) -> WebResult<()> {
    require(state, who, Permission::AnswerChats, client).await
}

pub(super) fn waited(seconds: i64) -> String {
    match seconds {
        s if s < 60 => format!("{s} s"),
        s if s < 3600 => format!("{} min", s / 60),
        s => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// `GET /console/live`: the real-time console; its script talks to
/// `/ws/console`.
pub async fn live(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    answering(&state, &who, &client).await?;
    Ok(render(&crate::chat::pages::LiveConsolePage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        reject_reasons: tolbooth_domain::chat::RejectReason::ALL
            .iter()
            .map(|r| (r.name(), r.label()))
            .collect(),
    }))
}

/// `GET /console/chats`: enquiries waiting, oldest first.
pub async fn queue(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
) -> WebResult<Response> {
    answering(&state, &who, &client).await?;
    let now = state.live_chat.now();
    let mut waiting = Vec::new();
    // The question is shown so the operator can choose; reading the queue
    // is not opening a transcript.
    for (chat, question) in state.live_chat.queue().await? {
        waiting.push(QueueRow {
            chat_id: chat.lifecycle.chat_ref.to_string(),
            waited: waited(chat.lifecycle.waited(now).whole_seconds()),
            question: question.map(String::from).unwrap_or_default(),
        });
    }
    let page = ChatQueuePage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        waiting,
    };
    Ok(render(&page))
}

/// `GET /console/chats/{chat_id}`: the transcript, audited.
pub async fn show(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
    Path(raw): Path<String>,
) -> WebResult<Response> {
    answering(&state, &who, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    let (chat, messages) = state
        .live_chat
        .transcript(&who.member, chat_ref, &client)
        .await?;
    let operator_label = chat
        .lifecycle
        .operator
        .clone()
        .unwrap_or_else(|| "Operator".into());
    let visitor_label = state
        .live_chat
        .visitor_name(chat.id)
        .await?
        .unwrap_or_else(|| "Visitor".into());
    let l = &chat.lifecycle;
    let local = &state.local_time;
    let when = |t: Option<time::OffsetDateTime>| {
        t.map(|t| local.date_time(t)).unwrap_or_else(|| "—".into())
    };
    let record = vec![
        ("Chat ID", chat_ref.to_string()),
        ("Operator", l.operator.clone().unwrap_or_else(|| "—".into())),
        ("Requested", when(Some(l.requested_at))),
        ("Accepted", when(l.accepted_at)),
        ("Ended", when(l.ended_at)),
        (
            "Length",
            l.length()
                .map(|d| waited(d.whole_seconds()))
                .unwrap_or_else(|| "—".into()),
        ),
        (
            "Ended by",
            l.ended_by
                .map(|b| b.name().to_owned())
                .unwrap_or_else(|| "—".into()),
        ),
    ];
    let page = ChatPage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        record,
        chat_id: chat_ref.to_string(),
        state: chat.lifecycle.state.name(),
        operator: chat.lifecycle.operator.clone(),
        open: chat.lifecycle.state == ChatState::Accepted,
        can_review: chat.lifecycle.state == ChatState::Ended
            && who.member.role.allows(Permission::EditTranscripts),
        next_client_id: format!("op-{}-{}", who.member.id, chat.last_seq + 1),
        messages: messages
            .into_iter()
            .map(|m| MessageRow {
                from: m.sender.kind(),
                from_label: match m.sender {
                    Sender::Visitor => visitor_label.clone(),
                    Sender::Operator(_) => operator_label.clone(),
                    Sender::System => "Tolbooth".into(),
                },
                text: m.body.as_str().to_owned(),
                at: local.time_of_day(m.sent_at),
                note: match m.sender {
                    Sender::System => tolbooth_core::chat::read_handover_note(m.body.as_str())
                        .map(|(q, a)| (q.to_owned(), a.to_owned())),
                    _ => None,
                },
            })
            .collect(),
    };
    Ok(render(&page))
}

fn to_chat(chat_ref: ChatRef) -> Response {
    Redirect::to(&format!("/console/chats/{chat_ref}")).into_response()
}

/// What an operator can do to a chat from its buttons.
#[derive(Clone, Copy)]
enum Action {
    Accept,
    Reject,
    End,
}

async fn act(
    state: &AppState,
    client: &ClientContext,
    who: &Authenticated,
    raw: &str,
    action: Action,
) -> WebResult<Response> {
    answering(state, who, client).await?;
    let chat_ref = parse_ref(raw)?;
    let chats = &state.live_chat;
    match action {
        Action::Accept => chats.accept(&who.member, chat_ref, client).await?,
        Action::Reject => chats.reject(&who.member, chat_ref, None, client).await?,
        Action::End => chats.end(&who.member, chat_ref, client).await?,
    };
    Ok(match action {
        // A rejected enquiry is deleted (LC-6): back to the queue.
        Action::Reject => Redirect::to("/console/chats").into_response(),
        Action::Accept | Action::End => to_chat(chat_ref),
    })
}

/// `POST /console/chats/{chat_id}/accept`.
pub async fn accept(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, .. }: StaffForm<NoFields>,
) -> WebResult<Response> {
    act(&state, &client, &who, &raw, Action::Accept).await
}

/// `POST /console/chats/{chat_id}/reject`.
pub async fn reject(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, .. }: StaffForm<NoFields>,
) -> WebResult<Response> {
    act(&state, &client, &who, &raw, Action::Reject).await
}

/// `POST /console/chats/{chat_id}/end`.
pub async fn end(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, .. }: StaffForm<NoFields>,
) -> WebResult<Response> {
    act(&state, &client, &who, &raw, Action::End).await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    client_id: String,
    #[serde(default)]
    text: String,
}

/// `POST /console/chats/{chat_id}/messages`: the operator's reply.
pub async fn reply(
    State(state): State<AppState>,
    Client(client): Client,
    Path(raw): Path<String>,
    StaffForm { who, form }: StaffForm<ReplyForm>,
) -> WebResult<Response> {
    answering(&state, &who, &client).await?;
    let chat_ref = parse_ref(&raw)?;
    state
        .live_chat
        .operator_send(&who.member, chat_ref, &form.client_id, &form.text)
        .await?;
    Ok(to_chat(chat_ref))
}
