//! `GET /console/history`: the past-chats list (LC-5) for the roles that
//! may open a transcript. Filters come from the query string; a filter
//! that cannot be read is named on the page and the list is not shown, so
//! that a mistyped Chat ID never looks like "no such chat". The search is
//! audited by the use case; the rows link to the transcript (operators and
//! supervisors) or the governance page (governance officers), each opening
//! audited there.

use crate::authz::require;
use crate::chat::pages::{HistoryPage, HistoryRow};
use crate::client::Client;
use crate::error::WebResult;
use crate::pages::{render, Layout};
use crate::session::Staff;
use crate::state::AppState;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tolbooth_domain::chat::listing::ChatFilter;
use tolbooth_domain::chat::{ChatId, ChatRef, ChatState};
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::StaffId;

/// The list's query string, as typed: every field read by hand, so that
/// nothing in it is refused before the page can say what was wrong.
#[derive(Debug, Default, Deserialize)]
pub struct HistoryQuery {
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub operator: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub flagged: String,
    #[serde(default)]
    pub held: String,
    #[serde(default)]
    pub chat: String,
    #[serde(default)]
    pub before: String,
}

/// The states a held chat can be in, as the filter names them.
pub const STATES: [(&str, &str); 3] = [
    ("requested", "Waiting"),
    ("accepted", "Open"),
    ("ended", "Ended"),
];

fn state_label(state: ChatState) -> &'static str {
    STATES
        .iter()
        .find(|(name, _)| *name == state.name())
        .map_or("Ended", |(_, label)| label)
}

fn yes_no(raw: &str) -> Result<Option<bool>, ()> {
    match raw.trim() {
        "" => Ok(None),
        "yes" => Ok(Some(true)),
        "no" => Ok(Some(false)),
        _ => Err(()),
    }
}

/// The filter the query asks for, or what is wrong with it (field and
/// message, for the error summary).
fn filter_of(
    q: &HistoryQuery,
    local: &tolbooth_core::local_time::LocalTime,
) -> Result<ChatFilter, (&'static str, &'static str)> {
    let mut filter = ChatFilter::default();
    if !q.state.trim().is_empty() {
        filter.state = Some(
            ChatState::parse(q.state.trim())
                .filter(|s| STATES.iter().any(|(n, _)| *n == s.name()))
                .ok_or(("state", "Choose a state from the list"))?,
        );
    }
    if !q.operator.trim().is_empty() {
        let id: i64 = q
            .operator
            .trim()
            .parse()
            .map_err(|_| ("operator", "Choose an operator from the list"))?;
        filter.operator = Some(StaffId(id));
    }
    let day = |raw: &str, field: &'static str| {
        local
            .start_of_day(raw)
            .ok_or((field, "Enter a real date, for example 2026-12-03"))
    };
    if !q.from.trim().is_empty() {
        filter.requested_from = Some(day(&q.from, "from")?);
    }
    if !q.to.trim().is_empty() {
        // Up to the end of that day.
        filter.requested_before = Some(
            local
                .end_of_day(&q.to)
                .ok_or(("to", "Enter a real date, for example 2026-12-03"))?,
        );
    }
    if let (Some(from), Some(before)) = (filter.requested_from, filter.requested_before) {
        if before <= from {
            return Err((
                "to",
                "The end date must be the same as or after the start date",
            ));
        }
    }
    filter.flagged = yes_no(&q.flagged).map_err(|()| ("flagged", "Choose yes, no or either"))?;
    filter.held = yes_no(&q.held).map_err(|()| ("held", "Choose yes, no or either"))?;
    if !q.chat.trim().is_empty() {
        filter.chat_ref = Some(
            q.chat
                .parse::<ChatRef>()
                .map_err(|_| ("chat", "Enter a Chat ID as it was given, like TB-7K3M-9QXD"))?,
        );
    }
    if !q.before.trim().is_empty() {
        filter.before =
            Some(ChatId(q.before.trim().parse().map_err(|_| {
                ("before", "That page of the list does not exist")
            })?));
    }
    Ok(filter)
}

/// The query string for the next page: the same filters, older chats.
fn next_page(q: &HistoryQuery, before: ChatId) -> String {
    let pairs = [
        ("state", &q.state),
        ("operator", &q.operator),
        ("from", &q.from),
        ("to", &q.to),
        ("flagged", &q.flagged),
        ("held", &q.held),
        ("chat", &q.chat),
    ];
    let mut query = String::from("?");
    for (name, value) in pairs {
        if !value.trim().is_empty() {
            query.push_str(name);
            query.push('=');
            query.push_str(&urlencoding(value.trim()));
            query.push('&');
        }
    }
    query.push_str(&format!("before={}", before.0));
    query
}

/// Percent-encodes everything but unreserved characters.
fn urlencoding(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// `GET /console/history`.
pub async fn list(
    State(state): State<AppState>,
    Client(client): Client,
    Staff(who): Staff,
    Query(q): Query<HistoryQuery>,
) -> WebResult<Response> {
    require(&state, &who, Permission::FindChats, &client).await?;
    let operators = state.live_chat.operators().await?;
    let local = &state.local_time;
    let mut page = HistoryPage {
        layout: Layout::for_session(&state.config.organisation.name, &who),
        states: STATES.to_vec(),
        operators: operators
            .iter()
            .map(|(id, name)| (id.to_string(), name.clone()))
            .collect(),
        error: None,
        rows: Vec::new(),
        next: None,
        searched: false,
        state: q.state.trim().to_owned(),
        operator: q.operator.trim().to_owned(),
        from: q.from.trim().to_owned(),
        to: q.to.trim().to_owned(),
        flagged: q.flagged.trim().to_owned(),
        held: q.held.trim().to_owned(),
        chat: q.chat.trim().to_owned(),
        time_zone: state.config.chat.time_zone.clone(),
    };
    let filter = match filter_of(&q, local) {
        Ok(filter) => filter,
        Err(wrong) => {
            page.error = Some(wrong);
            return Ok((StatusCode::BAD_REQUEST, render(&page)).into_response());
        }
    };
    let found = state
        .live_chat
        .past_chats(&who.member, &filter, &client)
        .await?;
    let to_transcript = who.member.role.allows(Permission::AnswerChats);
    page.searched = true;
    page.next = found
        .more
        .then(|| found.rows.last().map(|r| next_page(&q, r.chat.id)))
        .flatten();
    page.rows = found
        .rows
        .iter()
        .map(|row| {
            let l = &row.chat.lifecycle;
            let chat_id = l.chat_ref.to_string();
            HistoryRow {
                href: if to_transcript {
                    format!("/console/chats/{chat_id}")
                } else {
                    format!("/console/governance/chats/{chat_id}")
                },
                chat_id,
                state: state_label(l.state),
                operator: l.operator.clone().unwrap_or_else(|| "—".into()),
                requested: local.date_time(l.requested_at),
                waited: l
                    .accepted_at
                    .map(|a| super::console::waited((a - l.requested_at).whole_seconds()))
                    .unwrap_or_else(|| "—".into()),
                length: l
                    .length()
                    .map(|d| super::console::waited(d.whole_seconds()))
                    .unwrap_or_else(|| "—".into()),
                flagged: row.flagged,
                held: row.held,
            }
        })
        .collect();
    Ok(render(&page))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn local() -> tolbooth_core::local_time::LocalTime {
        tolbooth_core::local_time::LocalTime::new("Europe/London")
    }

    #[test]
    fn dates_are_whole_local_days() {
        let q = HistoryQuery {
            from: "2026-07-01".into(),
            to: "2026-07-01".into(),
            ..HistoryQuery::default()
        };
        let f = filter_of(&q, &local()).unwrap();
        assert_eq!(f.requested_from, Some(datetime!(2026-06-30 23:00 UTC)));
        assert_eq!(f.requested_before, Some(datetime!(2026-07-01 23:00 UTC)));
    }

    #[test]
    fn what_cannot_be_read_is_named() {
        let bad = |q: HistoryQuery| filter_of(&q, &local()).unwrap_err().0;
        let q = |f: fn(&mut HistoryQuery)| {
            let mut q = HistoryQuery::default();
            f(&mut q);
            q
        };
        assert_eq!(bad(q(|q| q.chat = "TB-123".into())), "chat");
        assert_eq!(bad(q(|q| q.state = "rejected".into())), "state");
        assert_eq!(bad(q(|q| q.from = "yesterday".into())), "from");
        assert_eq!(bad(q(|q| q.flagged = "maybe".into())), "flagged");
        assert_eq!(
            bad(q(|q| {
                q.from = "2026-12-03".into();
                q.to = "2026-12-01".into();
            })),
            "to"
        );
    }

    #[test]
    fn the_next_page_keeps_the_filters() {
        let q = HistoryQuery {
            state: "ended".into(),
            chat: " ".into(),
            flagged: "yes".into(),
            ..HistoryQuery::default()
        };
        assert_eq!(
            next_page(&q, ChatId(41)),
            "?state=ended&flagged=yes&before=41"
        );
    }
}
