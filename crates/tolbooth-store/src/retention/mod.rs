//! The records retention sweeps act on (RET-3..RET-6): due chats, their
//! extracts and statistics, deletion, and the record of each sweep.
//!
//! Safety comes from the transactions, not from the caller's care: an
//! extract and its statistics commit together (and a rerun skips a chat
//! already extracted), and a chat that must be extracted first is only
//! deleted if its extract is already in the database.

mod claims;
mod delete;
mod rows;

pub(crate) use self::claims::LocalClaims;

use self::delete::VISITOR_DETAIL_COLUMNS;
use self::rows::{add_statistics, extract_from_row, opt_u32, EXTRACT_COLUMNS, STATISTIC_COLUMNS};
pub(crate) use self::rows::{lines_from_json, lines_to_json};
use crate::audit::append_in;
use crate::chat::{
    chat_from_row, corrupt, message_from_row, visitor_from_row, CHAT_COLUMNS, MESSAGE_COLUMNS,
    VISITOR_COLUMNS,
};
use crate::connect::{Backend, SqlStore};
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use tolbooth_domain::audit::CountedAudit;
use tolbooth_domain::chat::{ChatId, ChatRef};
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::retention::{
    ChatExtract, ChatForSweep, ChatStatistics, ExtractExpiry, ExtractedChat, SweepCounts,
    SweepOutcome, SweepPlan, SweepRecord,
};
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

/// `$first, $first+1, ...` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A chat that is not under legal hold.
const NOT_HELD: &str = "NOT EXISTS (SELECT 1 FROM legal_holds h WHERE h.chat_id = c.id)";

fn ids_of(rows: &[AnyRow]) -> StoreResult<Vec<i64>> {
    rows.iter()
        .map(|r| r.try_get::<i64, _>("id").store())
        .collect()
}

#[async_trait]
impl RetentionStore for SqlStore {
    async fn due_chats(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<ChatId>> {
        let rows = sqlx::query(&format!(
            "SELECT id FROM chats c WHERE state = 'ended' \
             AND (ended_at <= $1 OR hold_released_at IS NOT NULL) AND {NOT_HELD} \
             ORDER BY id LIMIT $2"
        ))
        .bind(unix_millis(ended_before))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .store()?;
        Ok(ids_of(&rows)?.into_iter().map(ChatId).collect())
    }

    async fn claim_due_chats(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<ChatId>> {
        self.claim_chats(ended_before, limit, now, until).await
    }

    async fn release_sweep_claims(&self, ids: &[ChatId]) -> StoreResult<()> {
        self.release_claims(ids).await
    }

    async fn count_due_chats(&self, ended_before: OffsetDateTime) -> StoreResult<u64> {
        let row = sqlx::query(&format!(
            "SELECT COUNT(*) AS n FROM chats c WHERE state = 'ended' \
             AND (ended_at <= $1 OR hold_released_at IS NOT NULL) AND {NOT_HELD}"
        ))
        .bind(unix_millis(ended_before))
        .fetch_one(&self.read)
        .await
        .store()?;
        let n: i64 = row.try_get("n").store()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn preview_sweep(&self, plan: &SweepPlan) -> StoreResult<SweepCounts> {
        let mut counts = SweepCounts::default();
        let count = |sql: String, at: OffsetDateTime| async move {
            let row = sqlx::query(&sql)
                .bind(unix_millis(at))
                .fetch_one(&self.read)
                .await
                .store()?;
            let n: i64 = row.try_get("n").store()?;
            StoreResult::Ok(u64::try_from(n).unwrap_or(0))
        };
        let ended = format!(
            "SELECT id FROM chats c WHERE state = 'ended' AND ended_at <= $1 AND {NOT_HELD}"
        );
        if let Some(at) = plan.chats {
            counts.chats_due = self.count_due_chats(at).await?;
        }
        if let Some(at) = plan.ip_addresses {
            counts.ip_addresses_deleted = count(
                format!("SELECT COUNT(*) AS n FROM chat_visitors WHERE ip_address IS NOT NULL AND chat_id IN ({ended})"),
                at,
            )
            .await?;
        }
        if let Some(at) = plan.visitor_details {
            let any = VISITOR_DETAIL_COLUMNS
                .iter()
                .map(|c| format!("{c} IS NOT NULL"))
                .collect::<Vec<_>>()
                .join(" OR ");
            counts.visitor_details_deleted = count(
                format!(
                    "SELECT COUNT(*) AS n FROM chat_visitors WHERE ({any}) AND chat_id IN ({ended})"
                ),
                at,
            )
            .await?;
        }
        if let Some((at, expiry)) = plan.extracts {
            let n = match expiry {
                ExtractExpiry::Delete => {
                    count("SELECT COUNT(*) AS n FROM chat_extracts WHERE ended_at <= $1".into(), at).await?
                }
                ExtractExpiry::Anonymise => {
                    count(
                        "SELECT COUNT(*) AS n FROM chat_extracts WHERE ended_at <= $1 AND anonymised_at IS NULL".into(),
                        at,
                    )
                    .await?
                }
            };
            match expiry {
                ExtractExpiry::Delete => counts.extracts_deleted = n,
                ExtractExpiry::Anonymise => counts.extracts_anonymised = n,
            }
        }
        if let Some((at, expiry)) = plan.bot_questions {
            let sql = match expiry {
                ExtractExpiry::Delete => "SELECT COUNT(*) AS n FROM bot_questions WHERE asked_at <= $1",
                ExtractExpiry::Anonymise => {
                    "SELECT COUNT(*) AS n FROM bot_questions WHERE asked_at <= $1 AND question IS NOT NULL"
                }
            };
            let n = count(sql.into(), at).await?;
            match expiry {
                ExtractExpiry::Delete => counts.bot_questions_deleted = n,
                ExtractExpiry::Anonymise => counts.bot_questions_anonymised = n,
            }
        }
        counts.chats_held = self.count_held_chats().await?;
        Ok(counts)
    }

    async fn count_held_chats(&self) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM legal_holds")
            .fetch_one(&self.read)
            .await
            .store()?;
        let n: i64 = row.try_get("n").store()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn chats_for_sweep(&self, ids: &[ChatId]) -> StoreResult<Vec<ChatForSweep>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let list = placeholders(1, ids.len());
        let sql = [
            format!("SELECT {CHAT_COLUMNS} FROM chats WHERE id IN ({list}) ORDER BY id"),
            format!(
                "SELECT chat_id, {MESSAGE_COLUMNS} FROM chat_messages WHERE chat_id IN ({list}) \
                 ORDER BY chat_id, seq"
            ),
            format!(
                "SELECT chat_id, {VISITOR_COLUMNS} FROM chat_visitors WHERE chat_id IN ({list})"
            ),
            format!("SELECT chat_id, content FROM transcript_edits WHERE chat_id IN ({list})"),
        ];
        // One connection and one snapshot for the four reads.
        let mut conn = self.read.begin().await.store()?;
        let mut results = Vec::with_capacity(sql.len());
        for text in &sql {
            let mut q = sqlx::query(text);
            for id in ids {
                q = q.bind(id.0);
            }
            results.push(q.fetch_all(&mut *conn).await.store()?);
        }
        conn.commit().await.store()?;
        let [chats, messages, visitors, edits] =
            <[Vec<AnyRow>; 4]>::try_from(results).map_err(|_| corrupt("sweep read"))?;

        let mut out: BTreeMap<i64, ChatForSweep> = BTreeMap::new();
        for row in &chats {
            let chat = chat_from_row(row)?;
            out.insert(
                chat.id.0,
                ChatForSweep {
                    chat,
                    messages: Vec::new(),
                    visitor: None,
                    edit: None,
                },
            );
        }
        for row in &messages {
            let id: i64 = row.try_get("chat_id").store()?;
            if let Some(c) = out.get_mut(&id) {
                c.messages.push(message_from_row(row)?);
            }
        }
        for row in &visitors {
            let id: i64 = row.try_get("chat_id").store()?;
            if let Some(c) = out.get_mut(&id) {
                c.visitor = Some(visitor_from_row(row)?);
            }
        }
        for row in &edits {
            let id: i64 = row.try_get("chat_id").store()?;
            let content: String = row.try_get("content").store()?;
            if let Some(c) = out.get_mut(&id) {
                c.edit = Some(lines_from_json(&content)?);
            }
        }
        Ok(out.into_values().collect())
    }

    async fn save_extracts(
        &self,
        extracts: &[ExtractedChat],
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let mut by_day: BTreeMap<String, ChatStatistics> = BTreeMap::new();
        let mut stored = 0u64;
        // Many rows per statement (one round trip each on PostgreSQL); the
        // rows that come back are those inserted, not already there.
        const ROWS: usize = 50;
        for group in extracts.chunks(ROWS) {
            let values = (0..group.len())
                .map(|i| format!("({})", placeholders(i * 18 + 1, 18)))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "INSERT INTO chat_extracts ({EXTRACT_COLUMNS}) VALUES {values} \
                 ON CONFLICT (chat_id) DO NOTHING RETURNING chat_id"
            );
            let mut q = sqlx::query(&sql);
            for item in group {
                let e = &item.extract;
                let content = e.content.as_deref().map(lines_to_json).transpose()?;
                q = q
                    .bind(e.chat_id.0)
                    .bind(e.chat_ref.map(|r| r.to_string()))
                    .bind(e.operator_name.clone())
                    .bind(unix_millis(e.requested_at))
                    .bind(e.accepted_at.map(unix_millis))
                    .bind(unix_millis(e.ended_at))
                    .bind(e.chat_seconds)
                    .bind(e.question.clone())
                    .bind(e.browser.clone())
                    .bind(e.referrer.clone())
                    .bind(e.launch_url.clone())
                    .bind(opt_u32(e.pages_visited))
                    .bind(opt_u32(e.seconds_on_site))
                    .bind(content)
                    .bind(e.ended_by.map(|b| b.name().to_owned()))
                    .bind(i64::from(e.edited_by_staff))
                    .bind(unix_millis(e.extracted_at))
                    .bind(e.anonymised_at.map(unix_millis));
            }
            let rows = q.fetch_all(&mut *tx).await.store()?;
            let inserted: std::collections::HashSet<i64> = rows
                .iter()
                .map(|r| r.try_get::<i64, _>("chat_id").store())
                .collect::<StoreResult<_>>()?;
            for item in group {
                if inserted.contains(&item.extract.chat_id.0) {
                    stored += 1;
                    by_day
                        .entry(item.day.clone())
                        .or_default()
                        .add(&item.statistics);
                }
            }
        }
        add_statistics(&mut tx, &by_day).await?;
        self.failpoint("save_extracts.before_commit")?;
        append_in(self, &mut tx, &audit(stored)).await?;
        tx.commit().await.store()?;
        Ok(stored)
    }

    async fn delete_swept_chats(
        &self,
        ids: &[ChatId],
        extracted_only: bool,
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut tx = self.begin_write().await?;
        let extracted = if extracted_only {
            " AND EXISTS (SELECT 1 FROM chat_extracts e WHERE e.chat_id = c.id)"
        } else {
            ""
        };
        // The sweep has claimed these chats; on PostgreSQL the rows are
        // also locked, so that a claim that expired mid-batch cannot let two
        // nodes both delete (and count) one chat: the second waits, then
        // finds it gone. SQLite has one writer at a time anyway, and the
        // rows are re-read inside the transaction on both.
        let lock = match self.backend {
            Backend::Postgres => " FOR UPDATE",
            Backend::Sqlite => "",
        };
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats c WHERE id IN ({}) AND state = 'ended' \
             AND {NOT_HELD}{extracted} ORDER BY id{lock}",
            placeholders(1, ids.len())
        );
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(id.0);
        }
        let rows = q.fetch_all(&mut *tx).await.store()?;
        let mut eligible = Vec::with_capacity(rows.len());
        let mut by_day: BTreeMap<String, ChatStatistics> = BTreeMap::new();
        for row in &rows {
            let chat = chat_from_row(row)?;
            if !extracted_only {
                let (day, stats) = ChatStatistics::of(&chat, chat.last_seq);
                by_day.entry(day).or_default().add(&stats);
            }
            eligible.push(chat.id.0);
        }
        if !eligible.is_empty() {
            self.delete_chat_rows(&mut tx, &eligible).await?;
            add_statistics(&mut tx, &by_day).await?;
        }
        self.failpoint("delete.before_commit")?;
        let deleted = eligible.len() as u64;
        append_in(self, &mut tx, &audit(deleted)).await?;
        tx.commit().await.store()?;
        // Claims kept in the process end with the chats they were on.
        self.sweep_claims.forget(ids).await;
        Ok(deleted)
    }

    async fn clear_ip_addresses(
        &self,
        ended_before: OffsetDateTime,
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        self.clear_visitor_columns(ended_before, &["ip_address"], audit)
            .await
    }

    async fn clear_visitor_details(
        &self,
        ended_before: OffsetDateTime,
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        self.clear_visitor_columns(ended_before, &VISITOR_DETAIL_COLUMNS, audit)
            .await
    }

    async fn expire_extracts(
        &self,
        ended_before: OffsetDateTime,
        expiry: ExtractExpiry,
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let cutoff = unix_millis(ended_before);
        let done = match expiry {
            ExtractExpiry::Delete => sqlx::query("DELETE FROM chat_extracts WHERE ended_at <= $1")
                .bind(cutoff)
                .execute(&mut *tx)
                .await
                .store()?
                .rows_affected(),
            ExtractExpiry::Anonymise => sqlx::query(
                "UPDATE chat_extracts SET chat_ref = NULL, operator_name = NULL, question = NULL, \
                 content = NULL, anonymised_at = $2 WHERE ended_at <= $1 AND anonymised_at IS NULL",
            )
            .bind(cutoff)
            .bind(unix_millis(self.clock.now()))
            .execute(&mut *tx)
            .await
            .store()?
            .rows_affected(),
        };
        append_in(self, &mut tx, &audit(done)).await?;
        tx.commit().await.store()?;
        Ok(done)
    }

    async fn compact_after_deletion(&self) -> StoreResult<()> {
        match self.backend {
            Backend::Sqlite => {
                // TRUNCATE waits for readers of older snapshots; a few tries
                // ride out a busy moment.
                for _ in 0..5 {
                    let row = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(&self.write)
                        .await
                        .store()?;
                    let busy: i64 = row.try_get(0).store()?;
                    if busy == 0 {
                        return Ok(());
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                }
                Err(tolbooth_domain::store::StoreError::Unavailable(
                    "the write-ahead log could not be checkpointed: readers kept it busy".into(),
                ))
            }
            Backend::Postgres => {
                sqlx::query(
                    "VACUUM chat_messages, chat_visitors, chat_flags, transcript_edits, chats, chat_extracts",
                )
                .execute(&self.write)
                .await
                .store()?;
                Ok(())
            }
        }
    }

    async fn chat_extract(&self, chat_ref: ChatRef) -> StoreResult<Option<ChatExtract>> {
        let row = sqlx::query(&format!(
            "SELECT {EXTRACT_COLUMNS} FROM chat_extracts WHERE chat_ref = $1"
        ))
        .bind(chat_ref.to_string())
        .fetch_optional(&self.read)
        .await
        .store()?;
        row.as_ref().map(extract_from_row).transpose()
    }

    async fn count_extracts(&self) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM chat_extracts")
            .fetch_one(&self.read)
            .await
            .store()?;
        let n: i64 = row.try_get("n").store()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn extracted_since(
        &self,
        since: time::OffsetDateTime,
    ) -> StoreResult<Vec<tolbooth_domain::chat::listing::AnsweredChat>> {
        let rows = sqlx::query(
            "SELECT requested_at, accepted_at, operator_name FROM chat_extracts \
             WHERE requested_at >= $1 ORDER BY requested_at, id",
        )
        .bind(unix_millis(since))
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter().map(crate::chat::answered_from_row).collect()
    }

    async fn chat_statistics(&self, day: &str) -> StoreResult<ChatStatistics> {
        let row = sqlx::query(&format!(
            "SELECT {} FROM chat_statistics WHERE day = $1",
            STATISTIC_COLUMNS.join(", ")
        ))
        .bind(day.to_owned())
        .fetch_optional(&self.read)
        .await
        .store()?;
        let Some(row) = row else {
            return Ok(ChatStatistics::default());
        };
        let get = |c: &str| row.try_get::<i64, _>(c).store();
        Ok(ChatStatistics {
            chats: get("chats")?,
            messages: get("messages")?,
            wait_seconds: get("wait_seconds")?,
            chat_seconds: get("chat_seconds")?,
            ended_by_operator: get("ended_by_operator")?,
            ended_by_visitor: get("ended_by_visitor")?,
            ended_by_inactivity: get("ended_by_inactivity")?,
        })
    }

    async fn start_sweep(
        &self,
        at: OffsetDateTime,
        dry_run: bool,
        forced: bool,
    ) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO retention_runs (started_at, dry_run, forced, outcome, counts) \
             VALUES ($1, $2, $3, 'running', '{}') RETURNING id",
        )
        .bind(unix_millis(at))
        .bind(i64::from(dry_run))
        .bind(i64::from(forced))
        .fetch_one(&self.write)
        .await
        .store()?;
        row.try_get("id").store()
    }

    async fn finish_sweep(
        &self,
        id: i64,
        at: OffsetDateTime,
        outcome: SweepOutcome,
        counts: &SweepCounts,
    ) -> StoreResult<()> {
        let counts = serde_json::to_string(counts).map_err(|_| corrupt("sweep counts"))?;
        sqlx::query(
            "UPDATE retention_runs SET finished_at = $1, outcome = $2, counts = $3 WHERE id = $4",
        )
        .bind(unix_millis(at))
        .bind(outcome.name())
        .bind(counts)
        .bind(id)
        .execute(&self.write)
        .await
        .store()?;
        Ok(())
    }

    async fn sweeps(&self, limit: u32) -> StoreResult<Vec<SweepRecord>> {
        let rows = sqlx::query(
            "SELECT id, started_at, finished_at, dry_run, forced, outcome, counts \
             FROM retention_runs ORDER BY id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let finished: Option<i64> = row.try_get("finished_at").store()?;
                let outcome: String = row.try_get("outcome").store()?;
                let counts: String = row.try_get("counts").store()?;
                let dry: i64 = row.try_get("dry_run").store()?;
                let forced: i64 = row.try_get("forced").store()?;
                Ok(SweepRecord {
                    id: row.try_get("id").store()?,
                    started_at: from_unix_millis(row.try_get("started_at").store()?),
                    finished_at: finished.map(from_unix_millis),
                    dry_run: dry != 0,
                    forced: forced != 0,
                    outcome: SweepOutcome::parse(&outcome)
                        .ok_or_else(|| corrupt("sweep outcome"))?,
                    counts: serde_json::from_str(&counts).unwrap_or_default(),
                })
            })
            .collect()
    }
}
