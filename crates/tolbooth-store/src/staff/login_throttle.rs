//! Failed sign-in counters, keyed by a hash of the username typed or of the
//! client address, so that neither is stored as typed.

use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::Row;
use tolbooth_domain::staff::lockout::FailureState;
use tolbooth_domain::staff::ports::LoginThrottleStore;
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

#[async_trait]
impl LoginThrottleStore for SqlStore {
    async fn failures(&self, key: &str) -> StoreResult<Option<FailureState>> {
        let row = sqlx::query(
            "SELECT failures, first_failure_at, locked_until FROM login_failures WHERE key_hash = $1",
        )
        .bind(key.to_owned())
        .fetch_optional(&self.read)
        .await
        .store()?;
        let Some(row) = row else { return Ok(None) };
        let failures: i64 = row.try_get("failures").store()?;
        let locked: Option<i64> = row.try_get("locked_until").store()?;
        Ok(Some(FailureState {
            failures: u32::try_from(failures).unwrap_or(u32::MAX),
            first_failure_at: from_unix_millis(row.try_get("first_failure_at").store()?),
            locked_until: locked.map(from_unix_millis),
        }))
    }

    async fn record_failure(&self, key: &str, state: FailureState) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_failures (key_hash, failures, first_failure_at, locked_until) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (key_hash) DO UPDATE SET failures = excluded.failures, \
             first_failure_at = excluded.first_failure_at, locked_until = excluded.locked_until",
        )
        .bind(key.to_owned())
        .bind(i64::from(state.failures))
        .bind(unix_millis(state.first_failure_at))
        .bind(state.locked_until.map(unix_millis))
        .execute(&self.write)
        .await
        .store()?;
        Ok(())
    }

    async fn clear_failures(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_failures WHERE key_hash = $1")
            .bind(key.to_owned())
            .execute(&self.write)
            .await
            .store()?;
        Ok(())
    }
}
