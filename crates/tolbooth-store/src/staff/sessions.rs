//! Server-side staff sessions, keyed by the hash of the cookie token.

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::Row;
use time::OffsetDateTime;
use tolbooth_domain::audit::NewAuditEntry;
use tolbooth_domain::staff::ports::SessionStore;
use tolbooth_domain::staff::session::{AuthLevel, StaffSession};
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

#[async_trait]
impl SessionStore for SqlStore {
    async fn create_session(&self, s: StaffSession, audit: NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO staff_sessions (token_hash, staff_id, auth_level, csrf_token, created_at, last_seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(s.token_hash)
        .bind(s.staff_id.0)
        .bind(s.level.as_str())
        .bind(s.csrf_token)
        .bind(unix_millis(s.created_at))
        .bind(unix_millis(s.last_seen_at))
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn session(&self, token_hash: &str) -> StoreResult<Option<StaffSession>> {
        let row = sqlx::query(
            "SELECT token_hash, staff_id, auth_level, csrf_token, created_at, last_seen_at \
             FROM staff_sessions WHERE token_hash = $1",
        )
        .bind(token_hash.to_owned())
        .fetch_optional(&self.read)
        .await
        .store()?;
        let Some(row) = row else { return Ok(None) };
        let level: String = row.try_get("auth_level").store()?;
        Ok(Some(StaffSession {
            token_hash: row.try_get("token_hash").store()?,
            staff_id: StaffId(row.try_get("staff_id").store()?),
            level: AuthLevel::parse(&level).ok_or_else(|| {
                StoreError::Unavailable("stored session level is not valid".into())
            })?,
            csrf_token: row.try_get("csrf_token").store()?,
            created_at: from_unix_millis(row.try_get("created_at").store()?),
            last_seen_at: from_unix_millis(row.try_get("last_seen_at").store()?),
        }))
    }

    async fn touch_session(&self, token_hash: &str, at: OffsetDateTime) -> StoreResult<()> {
        sqlx::query("UPDATE staff_sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .bind(unix_millis(at))
            .execute(&self.write)
            .await
            .store()?;
        Ok(())
    }

    async fn set_session_level(
        &self,
        token_hash: &str,
        level: AuthLevel,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("UPDATE staff_sessions SET auth_level = $2 WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .bind(level.as_str())
            .execute(&mut *tx)
            .await
            .store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn end_session(&self, token_hash: &str, audit: Option<NewAuditEntry>) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM staff_sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(&mut *tx)
            .await
            .store()?;
        if let Some(audit) = audit {
            append_in(self, &mut tx, &audit).await?;
        }
        tx.commit().await.store()
    }

    async fn purge_sessions(
        &self,
        idle_before: OffsetDateTime,
        created_before: OffsetDateTime,
    ) -> StoreResult<u64> {
        let done =
            sqlx::query("DELETE FROM staff_sessions WHERE last_seen_at < $1 OR created_at < $2")
                .bind(unix_millis(idle_before))
                .bind(unix_millis(created_before))
                .execute(&self.write)
                .await
                .store()?;
        Ok(done.rows_affected())
    }
}
