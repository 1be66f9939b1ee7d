//! The chatbot's questions (BOT-4, BOT-5).

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::Row;
use std::collections::BTreeMap;
use time::OffsetDateTime;
use tolbooth_domain::audit::CountedAudit;
use tolbooth_domain::bot::ports::ChatbotStore;
use tolbooth_domain::bot::questions::{
    AreaWeek, BotDay, BotQuestion, BotQuestionId, BotReport, Unanswered,
};
use tolbooth_domain::retention::ExtractExpiry;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

const DAY_MS: i64 = 86_400_000;

/// The Monday of the week of an instant, `YYYY-MM-DD`.
fn week_of(at: OffsetDateTime) -> String {
    let date = at.date();
    let monday = date - time::Duration::days(i64::from(date.weekday().number_days_from_monday()));
    format!(
        "{:04}-{:02}-{:02}",
        monday.year(),
        u8::from(monday.month()),
        monday.day()
    )
}

impl SqlStore {
    /// Sets one of a question's marks (`helpful`, `handed_over`);
    /// `NotFound` when no question has the id.
    async fn mark_question(
        &self,
        id: &BotQuestionId,
        column: &'static str,
        value: i64,
    ) -> StoreResult<()> {
        let sql = format!("UPDATE bot_questions SET {column} = $1 WHERE id = $2");
        let done = sqlx::query(&sql)
            .bind(value)
            .bind(id.as_str().to_owned())
            .execute(&self.write)
            .await
            .store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}

#[async_trait]
impl ChatbotStore for SqlStore {
    async fn save_bot_question(&self, q: &BotQuestion) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO bot_questions (id, asked_at, question, redacted, service_area, answered, \
             reason, page_url, helpful) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(q.id.as_str().to_owned())
        .bind(unix_millis(q.asked_at))
        .bind(q.question.clone())
        .bind(q.redacted.clone())
        .bind(q.service_area.clone())
        .bind(i64::from(q.answered))
        .bind(q.reason.clone())
        .bind(q.page_url.clone())
        .bind(q.helpful.map(i64::from))
        .execute(&self.write)
        .await
        .store()?;
        Ok(())
    }

    async fn set_bot_feedback(&self, id: &BotQuestionId, helpful: bool) -> StoreResult<()> {
        self.mark_question(id, "helpful", i64::from(helpful)).await
    }

    async fn bot_report(&self, since: OffsetDateTime, limit: u32) -> StoreResult<BotReport> {
        // Grouped by day in SQL (the same integer arithmetic on both
        // backends), then by week here.
        let rows = sqlx::query(
            "SELECT asked_at / $2 AS day, COALESCE(service_area, '') AS area, COUNT(*) AS asked, \
             CAST(SUM(answered) AS BIGINT) AS answered, \
             CAST(SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END) AS BIGINT) AS helpful, \
             CAST(SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END) AS BIGINT) AS not_helpful \
             FROM bot_questions WHERE asked_at >= $1 GROUP BY asked_at / $2, COALESCE(service_area, '')",
        )
        .bind(unix_millis(since))
        .bind(DAY_MS)
        .fetch_all(&self.read)
        .await
        .store()?;
        let mut weeks: BTreeMap<(String, String), AreaWeek> = BTreeMap::new();
        for row in rows {
            let day: i64 = row.try_get("day").store()?;
            let area: String = row.try_get("area").store()?;
            let area = if area.is_empty() {
                "Unknown".to_owned()
            } else {
                area
            };
            let week = week_of(from_unix_millis(day * DAY_MS));
            let entry = weeks
                .entry((week.clone(), area.clone()))
                .or_insert(AreaWeek {
                    week,
                    service_area: area,
                    asked: 0,
                    answered: 0,
                    helpful: 0,
                    not_helpful: 0,
                });
            let n = |c: &str| -> StoreResult<u64> {
                let v: Option<i64> = row.try_get(c).store()?;
                Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
            };
            entry.asked += n("asked")?;
            entry.answered += n("answered")?;
            entry.helpful += n("helpful")?;
            entry.not_helpful += n("not_helpful")?;
        }
        let rows = sqlx::query(
            "SELECT asked_at, redacted, reason, service_area FROM bot_questions \
             WHERE asked_at >= $1 AND answered = 0 AND redacted IS NOT NULL \
             ORDER BY asked_at DESC LIMIT $2",
        )
        .bind(unix_millis(since))
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .store()?;
        let unanswered = rows
            .iter()
            .map(|row| {
                Ok(Unanswered {
                    asked_at: from_unix_millis(row.try_get("asked_at").store()?),
                    redacted: row.try_get("redacted").store()?,
                    reason: row
                        .try_get::<Option<String>, _>("reason")
                        .store()?
                        .unwrap_or_default(),
                    service_area: row.try_get("service_area").store()?,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(BotReport {
            weeks: weeks.into_values().collect(),
            unanswered,
        })
    }

    async fn set_bot_handed_over(&self, id: &BotQuestionId) -> StoreResult<()> {
        self.mark_question(id, "handed_over", 1).await
    }

    async fn bot_days(&self, since: OffsetDateTime) -> StoreResult<Vec<BotDay>> {
        let rows = sqlx::query(
            "SELECT asked_at / $2 AS day, COUNT(*) AS asked, \
             CAST(SUM(answered) AS BIGINT) AS answered, \
             CAST(SUM(handed_over) AS BIGINT) AS handed_over, \
             CAST(SUM(CASE WHEN helpful = 1 THEN 1 ELSE 0 END) AS BIGINT) AS helpful, \
             CAST(SUM(CASE WHEN helpful = 0 THEN 1 ELSE 0 END) AS BIGINT) AS not_helpful \
             FROM bot_questions WHERE asked_at >= $1 GROUP BY asked_at / $2 ORDER BY asked_at / $2",
        )
        .bind(unix_millis(since))
        .bind(DAY_MS)
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let day: i64 = row.try_get("day").store()?;
                let n = |c: &str| -> StoreResult<u64> {
                    let v: Option<i64> = row.try_get(c).store()?;
                    Ok(u64::try_from(v.unwrap_or(0)).unwrap_or(0))
                };
                let date = from_unix_millis(day * DAY_MS).date();
                Ok(BotDay {
                    day: format!(
                        "{:04}-{:02}-{:02}",
                        date.year(),
                        u8::from(date.month()),
                        date.day()
                    ),
                    asked: n("asked")?,
                    answered: n("answered")?,
                    handed_over: n("handed_over")?,
                    helpful: n("helpful")?,
                    not_helpful: n("not_helpful")?,
                })
            })
            .collect()
    }

    async fn count_bot_questions(&self, asked_before: OffsetDateTime) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM bot_questions WHERE asked_at <= $1")
            .bind(unix_millis(asked_before))
            .fetch_one(&self.read)
            .await
            .store()?;
        let n: i64 = row.try_get("n").store()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn expire_bot_questions(
        &self,
        cutoff: OffsetDateTime,
        expiry: ExtractExpiry,
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_write().await?;
        let sql = match expiry {
            ExtractExpiry::Delete => "DELETE FROM bot_questions WHERE asked_at <= $1",
            ExtractExpiry::Anonymise => {
                "UPDATE bot_questions SET question = NULL, redacted = NULL \
                 WHERE asked_at <= $1 AND question IS NOT NULL"
            }
        };
        let done = sqlx::query(sql)
            .bind(unix_millis(cutoff))
            .execute(&mut *tx)
            .await
            .store()?
            .rows_affected();
        append_in(self, &mut tx, &audit(done)).await?;
        tx.commit().await.store()?;
        Ok(done)
    }
}
