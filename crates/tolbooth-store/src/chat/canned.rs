//! Canned responses (LC-4).

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;
use tolbooth_domain::audit::NewAuditEntry;
use tolbooth_domain::chat::canned::{CannedId, CannedResponse};
use tolbooth_domain::chat::ports::CannedStore;
use tolbooth_domain::chat::MessageBody;
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

fn from_row(row: &AnyRow) -> StoreResult<CannedResponse> {
    let by: Option<i64> = row.try_get("updated_by").store()?;
    Ok(CannedResponse {
        id: CannedId(row.try_get("id").store()?),
        title: row.try_get("title").store()?,
        body: row.try_get("body").store()?,
        updated_by: by.map(StaffId),
        updated_at: from_unix_millis(row.try_get("updated_at").store()?),
    })
}

#[async_trait]
impl CannedStore for SqlStore {
    async fn canned_responses(&self) -> StoreResult<Vec<CannedResponse>> {
        let rows = sqlx::query(
            "SELECT id, title, body, updated_by, updated_at FROM canned_responses ORDER BY title, id",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter().map(from_row).collect()
    }

    async fn save_canned(
        &self,
        id: Option<CannedId>,
        title: &str,
        body: &MessageBody,
        by: StaffId,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<CannedResponse> {
        let mut tx = self.begin_write().await?;
        let row = match id {
            None => sqlx::query(
                "INSERT INTO canned_responses (title, body, updated_by, updated_at) \
                 VALUES ($1, $2, $3, $4) RETURNING id, title, body, updated_by, updated_at",
            ),
            Some(_) => sqlx::query(
                "UPDATE canned_responses SET title = $1, body = $2, updated_by = $3, \
                 updated_at = $4 WHERE id = $5 RETURNING id, title, body, updated_by, updated_at",
            ),
        }
        .bind(title.to_owned())
        .bind(body.as_str().to_owned())
        .bind(by.0)
        .bind(unix_millis(at));
        let row = match id {
            Some(CannedId(n)) => row.bind(n),
            None => row,
        }
        .fetch_optional(&mut *tx)
        .await
        .store()?
        .ok_or(StoreError::NotFound)?;
        let saved = from_row(&row)?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(saved)
    }

    async fn delete_canned(&self, id: CannedId, audit: NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM canned_responses WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(())
    }
}
