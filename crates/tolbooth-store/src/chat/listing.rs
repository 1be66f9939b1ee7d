//! Finding chats still held (the past-chats list) and the answered chats
//! the dashboard counts.

use super::rows::{chat_from_row, CHAT_COLUMNS};
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use sqlx::Row;
use time::OffsetDateTime;
use tolbooth_domain::chat::listing::{AnsweredChat, ChatFilter, ChatListing};
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

/// A value bound to one of the list's placeholders.
enum Bind {
    Int(i64),
    Text(String),
}

/// The `WHERE` clause of a filter (on the chat aliased `c`) and its values,
/// numbered from `$1`.
fn where_clause(filter: &ChatFilter) -> (String, Vec<Bind>) {
    let mut clauses = Vec::new();
    let mut binds = Vec::new();
    let mut push = |clause: &str, bind: Bind| {
        binds.push(bind);
        clauses.push(clause.replace('?', &format!("${}", binds.len())));
    };
    if let Some(state) = filter.state {
        push("c.state = ?", Bind::Text(state.name().to_owned()));
    }
    if let Some(operator) = filter.operator {
        push("c.operator_staff_id = ?", Bind::Int(operator.0));
    }
    if let Some(from) = filter.requested_from {
        push("c.requested_at >= ?", Bind::Int(unix_millis(from)));
    }
    if let Some(before) = filter.requested_before {
        push("c.requested_at < ?", Bind::Int(unix_millis(before)));
    }
    if let Some(chat_ref) = filter.chat_ref {
        push("c.chat_ref = ?", Bind::Text(chat_ref.to_string()));
    }
    if let Some(before) = filter.before {
        push("c.id < ?", Bind::Int(before.0));
    }
    let exists = |table: &str, yes: bool| {
        format!(
            "{}EXISTS (SELECT 1 FROM {table} x WHERE x.chat_id = c.id)",
            if yes { "" } else { "NOT " }
        )
    };
    if let Some(flagged) = filter.flagged {
        clauses.push(exists("chat_flags", flagged));
    }
    if let Some(held) = filter.held {
        clauses.push(exists("legal_holds", held));
    }
    let clause = if clauses.is_empty() {
        String::from("1 = 1")
    } else {
        clauses.join(" AND ")
    };
    (clause, binds)
}

fn prefixed_columns() -> String {
    CHAT_COLUMNS
        .split(", ")
        .map(|c| format!("c.{}", c.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl SqlStore {
    pub(super) async fn list_chats_where(
        &self,
        filter: &ChatFilter,
        limit: u32,
    ) -> StoreResult<Vec<ChatListing>> {
        let (clause, binds) = where_clause(filter);
        let sql = format!(
            "SELECT {}, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM chat_flags f WHERE f.chat_id = c.id) \
             THEN 1 ELSE 0 END AS BIGINT) AS flagged, \
             CAST(CASE WHEN EXISTS (SELECT 1 FROM legal_holds h WHERE h.chat_id = c.id) \
             THEN 1 ELSE 0 END AS BIGINT) AS held \
             FROM chats c WHERE {clause} ORDER BY c.id DESC LIMIT ${}",
            prefixed_columns(),
            binds.len() + 1
        );
        let mut query = sqlx::query(&sql);
        for bind in binds {
            query = match bind {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter()
            .map(|row| {
                let flagged: i64 = row.try_get("flagged").store()?;
                let held: i64 = row.try_get("held").store()?;
                Ok(ChatListing {
                    chat: chat_from_row(row)?,
                    flagged: flagged != 0,
                    held: held != 0,
                })
            })
            .collect()
    }

    pub(super) async fn answered_chats_since(
        &self,
        since: OffsetDateTime,
    ) -> StoreResult<Vec<AnsweredChat>> {
        let rows = sqlx::query(
            "SELECT requested_at, accepted_at, operator_name FROM chats \
             WHERE state IN ('accepted', 'ended') AND accepted_at IS NOT NULL \
             AND requested_at >= $1 \
             AND id NOT IN (SELECT chat_id FROM chat_extracts) \
             ORDER BY requested_at, id",
        )
        .bind(unix_millis(since))
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter().map(answered_from_row).collect()
    }
}

/// An answered chat from a row with `requested_at`, `accepted_at` and
/// `operator_name` (a chat or its extract).
pub(crate) fn answered_from_row(row: &sqlx::any::AnyRow) -> StoreResult<AnsweredChat> {
    let accepted: Option<i64> = row.try_get("accepted_at").store()?;
    Ok(AnsweredChat {
        requested_at: from_unix_millis(row.try_get("requested_at").store()?),
        accepted_at: accepted.map(from_unix_millis),
        operator: row.try_get("operator_name").store()?,
    })
}
