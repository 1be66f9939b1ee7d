//! Extracts and statistics as rows: their columns, reading an extract back,
//! and adding a day's statistics in the sweep's transaction.

use super::placeholders;
use crate::chat::corrupt;
use crate::error::OrStoreError;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use std::collections::BTreeMap;
use tolbooth_domain::chat::{ChatId, EndedBy};
use tolbooth_domain::retention::{ChatExtract, ChatStatistics, TranscriptLine};
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::from_unix_millis;

pub(super) const EXTRACT_COLUMNS: &str =
    "chat_id, chat_ref, operator_name, requested_at, accepted_at, \
     ended_at, chat_seconds, question, browser, referrer, launch_url, pages_visited, \
     seconds_on_site, content, ended_by, edited_by_staff, extracted_at, anonymised_at";

pub(super) const STATISTIC_COLUMNS: [&str; 7] = [
    "chats",
    "messages",
    "wait_seconds",
    "chat_seconds",
    "ended_by_operator",
    "ended_by_visitor",
    "ended_by_inactivity",
];

pub(super) fn statistic_values(s: &ChatStatistics) -> [i64; 7] {
    [
        s.chats,
        s.messages,
        s.wait_seconds,
        s.chat_seconds,
        s.ended_by_operator,
        s.ended_by_visitor,
        s.ended_by_inactivity,
    ]
}

pub(super) async fn add_statistics(
    tx: &mut Transaction<'static, Any>,
    by_day: &BTreeMap<String, ChatStatistics>,
) -> StoreResult<()> {
    let cols = STATISTIC_COLUMNS.join(", ");
    let updates = STATISTIC_COLUMNS
        .iter()
        .map(|c| format!("{c} = chat_statistics.{c} + excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "INSERT INTO chat_statistics (day, {cols}) VALUES ($1, {}) \
         ON CONFLICT (day) DO UPDATE SET {updates}",
        placeholders(2, STATISTIC_COLUMNS.len())
    );
    for (day, stats) in by_day {
        let mut q = sqlx::query(&sql).bind(day.clone());
        for v in statistic_values(stats) {
            q = q.bind(v);
        }
        q.execute(&mut **tx).await.store()?;
    }
    Ok(())
}

pub(super) fn opt_u32(v: Option<u32>) -> Option<i64> {
    v.map(i64::from)
}

pub(super) fn extract_from_row(row: &AnyRow) -> StoreResult<ChatExtract> {
    let chat_ref: Option<String> = row.try_get("chat_ref").store()?;
    let content: Option<String> = row.try_get("content").store()?;
    let ended_by: Option<String> = row.try_get("ended_by").store()?;
    let accepted: Option<i64> = row.try_get("accepted_at").store()?;
    let anonymised: Option<i64> = row.try_get("anonymised_at").store()?;
    let count = |name: &str| -> StoreResult<Option<u32>> {
        let v: Option<i64> = row.try_get(name).store()?;
        Ok(v.and_then(|n| u32::try_from(n).ok()))
    };
    let edited: i64 = row.try_get("edited_by_staff").store()?;
    Ok(ChatExtract {
        chat_id: ChatId(row.try_get("chat_id").store()?),
        chat_ref: match chat_ref {
            Some(r) => Some(r.parse().map_err(|_| corrupt("chat reference"))?),
            None => None,
        },
        operator_name: row.try_get("operator_name").store()?,
        requested_at: from_unix_millis(row.try_get("requested_at").store()?),
        accepted_at: accepted.map(from_unix_millis),
        ended_at: from_unix_millis(row.try_get("ended_at").store()?),
        chat_seconds: row.try_get("chat_seconds").store()?,
        question: row.try_get("question").store()?,
        browser: row.try_get("browser").store()?,
        referrer: row.try_get("referrer").store()?,
        launch_url: row.try_get("launch_url").store()?,
        pages_visited: count("pages_visited")?,
        seconds_on_site: count("seconds_on_site")?,
        content: match content {
            Some(c) => Some(serde_json::from_str(&c).map_err(|_| corrupt("transcript"))?),
            None => None,
        },
        ended_by: match ended_by {
            Some(e) => Some(EndedBy::parse(&e).ok_or_else(|| corrupt("chat end"))?),
            None => None,
        },
        edited_by_staff: edited != 0,
        extracted_at: from_unix_millis(row.try_get("extracted_at").store()?),
        anonymised_at: anonymised.map(from_unix_millis),
    })
}

pub(crate) fn lines_to_json(lines: &[TranscriptLine]) -> StoreResult<String> {
    serde_json::to_string(lines).map_err(|_| corrupt("transcript"))
}

pub(crate) fn lines_from_json(text: &str) -> StoreResult<Vec<TranscriptLine>> {
    serde_json::from_str(text).map_err(|_| corrupt("transcript"))
}
