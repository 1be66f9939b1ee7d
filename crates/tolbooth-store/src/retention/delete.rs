//! Emptying and deleting the parts of a chat record in one transaction.

use super::{placeholders, NOT_HELD};
use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use sqlx::{Any, Transaction};
use time::OffsetDateTime;
use tolbooth_domain::audit::CountedAudit;
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::unix_millis;

/// The visitor details other than the name and the IP address.
pub(super) const VISITOR_DETAIL_COLUMNS: [&str; 9] = [
    "browser",
    "operating_system",
    "device",
    "referrer",
    "launch_url",
    "pages_visited",
    "seconds_on_site",
    "location",
    "visitor_key",
];

impl SqlStore {
    /// Empties `columns` of the visitor details of ended, unheld chats
    /// that ended at or before `ended_before`; returns how many rows had
    /// something to empty.
    pub(super) async fn clear_visitor_columns(
        &self,
        ended_before: OffsetDateTime,
        columns: &[&str],
        audit: CountedAudit,
    ) -> StoreResult<u64> {
        let set = columns
            .iter()
            .map(|c| format!("{c} = NULL"))
            .collect::<Vec<_>>()
            .join(", ");
        let any = columns
            .iter()
            .map(|c| format!("{c} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" OR ");
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(&format!(
            "UPDATE chat_visitors SET {set} WHERE ({any}) \
             AND chat_id IN (SELECT id FROM chats c WHERE state = 'ended' AND ended_at <= $1 \
             AND {NOT_HELD})"
        ))
        .bind(unix_millis(ended_before))
        .execute(&mut *tx)
        .await
        .store()?
        .rows_affected();
        append_in(self, &mut tx, &audit(done)).await?;
        tx.commit().await.store()?;
        Ok(done)
    }

    /// Deletes everything of the chats `ids` inside `tx`.
    pub(super) async fn delete_chat_rows(
        &self,
        tx: &mut Transaction<'static, Any>,
        ids: &[i64],
    ) -> StoreResult<()> {
        let list = placeholders(1, ids.len());
        for table in [
            "chat_messages",
            "chat_visitors",
            "chat_flags",
            "transcript_edits",
            "legal_holds",
        ] {
            let sql = format!("DELETE FROM {table} WHERE chat_id IN ({list})");
            let mut q = sqlx::query(&sql);
            for id in ids {
                q = q.bind(*id);
            }
            q.execute(&mut **tx).await.store()?;
            self.failpoint(&format!("delete.after_{table}"))?;
        }
        let sql = format!("DELETE FROM chats WHERE id IN ({list})");
        let mut q = sqlx::query(&sql);
        for id in ids {
            q = q.bind(*id);
        }
        q.execute(&mut **tx).await.store()?;
        Ok(())
    }
}
