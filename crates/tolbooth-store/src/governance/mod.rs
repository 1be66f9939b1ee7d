//! Legal holds, disclosures, staff edits of transcripts, and the versions
//! of the policy with the notices they generated.

use crate::audit::{append_in, entry_from_row, COLUMNS as AUDIT_COLUMNS};
use crate::chat::corrupt;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use crate::retention::{lines_from_json, lines_to_json};
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;
use time::OffsetDateTime;
use tolbooth_domain::audit::{AuditEntry, NewAuditEntry};
use tolbooth_domain::chat::{ChatId, ChatRef};
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::governance::{Disclosure, LegalHold, PolicyVersion, ReleaseRequest};
use tolbooth_domain::retention::TranscriptLine;
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

const HOLD_COLUMNS: &str = "c.chat_ref, h.reason, h.placed_by, h.placed_by_name, h.placed_at, \
     h.release_requested_by, h.release_requested_by_name, h.release_requested_at, h.release_reason";

fn hold_from_row(row: &AnyRow) -> StoreResult<LegalHold> {
    let chat_ref: String = row.try_get("chat_ref").store()?;
    let placed_by: Option<i64> = row.try_get("placed_by").store()?;
    let req_by: Option<i64> = row.try_get("release_requested_by").store()?;
    let req_name: Option<String> = row.try_get("release_requested_by_name").store()?;
    let req_at: Option<i64> = row.try_get("release_requested_at").store()?;
    let req_reason: Option<String> = row.try_get("release_reason").store()?;
    Ok(LegalHold {
        chat_ref: chat_ref.parse().map_err(|_| corrupt("chat reference"))?,
        reason: row.try_get("reason").store()?,
        placed_by: placed_by.map(StaffId),
        placed_by_name: row.try_get("placed_by_name").store()?,
        placed_at: from_unix_millis(row.try_get("placed_at").store()?),
        release: match (req_name, req_at) {
            (Some(by_name), Some(at)) => Some(ReleaseRequest {
                by: req_by.map(StaffId),
                by_name,
                at: from_unix_millis(at),
                reason: req_reason.unwrap_or_default(),
            }),
            _ => None,
        },
    })
}

fn version_from_row(row: &AnyRow) -> StoreResult<PolicyVersion> {
    Ok(PolicyVersion {
        version: row.try_get("version").store()?,
        policy_sha256: row.try_get("policy_sha256").store()?,
        adopted_at: from_unix_millis(row.try_get("adopted_at").store()?),
        policy_text: row.try_get("policy_text").store()?,
        notice_markdown: row.try_get("notice_markdown").store()?,
    })
}

const VERSION_COLUMNS: &str = "version, policy_sha256, adopted_at, policy_text, notice_markdown";

#[async_trait]
impl GovernanceStore for SqlStore {
    async fn place_hold(
        &self,
        id: ChatId,
        hold: &LegalHold,
        audit: NewAuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let exists = sqlx::query("SELECT 1 AS one FROM legal_holds WHERE chat_id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .store()?;
        if exists.is_some() {
            return Ok(false);
        }
        let chat = sqlx::query("SELECT 1 AS one FROM chats WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .store()?;
        if chat.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query(
            "INSERT INTO legal_holds (chat_id, reason, placed_by, placed_by_name, placed_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.0)
        .bind(hold.reason.clone())
        .bind(hold.placed_by.map(|s| s.0))
        .bind(hold.placed_by_name.clone())
        .bind(unix_millis(hold.placed_at))
        .execute(&mut *tx)
        .await
        .store()?;
        sqlx::query("UPDATE chats SET hold_released_at = NULL WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(true)
    }

    async fn legal_hold(&self, id: ChatId) -> StoreResult<Option<LegalHold>> {
        let row = sqlx::query(&format!(
            "SELECT {HOLD_COLUMNS} FROM legal_holds h JOIN chats c ON c.id = h.chat_id \
             WHERE h.chat_id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.read)
        .await
        .store()?;
        row.as_ref().map(hold_from_row).transpose()
    }

    async fn legal_holds(&self) -> StoreResult<Vec<LegalHold>> {
        let rows = sqlx::query(&format!(
            "SELECT {HOLD_COLUMNS} FROM legal_holds h JOIN chats c ON c.id = h.chat_id \
             ORDER BY h.placed_at, h.chat_id"
        ))
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter().map(hold_from_row).collect()
    }

    async fn request_release(
        &self,
        id: ChatId,
        request: &ReleaseRequest,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE legal_holds SET release_requested_by = $1, release_requested_by_name = $2, \
             release_requested_at = $3, release_reason = $4 WHERE chat_id = $5",
        )
        .bind(request.by.map(|s| s.0))
        .bind(request.by_name.clone())
        .bind(unix_millis(request.at))
        .bind(request.reason.clone())
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .store()?
        .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn release_hold(
        &self,
        id: ChatId,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM legal_holds WHERE chat_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?
            .rows_affected();
        if done == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE chats SET hold_released_at = $1 WHERE id = $2")
            .bind(unix_millis(at))
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn record_disclosure(&self, d: &Disclosure, audit: NewAuditEntry) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO disclosures (chat_ref, recipient, lawful_basis, disclosed_by, \
             disclosed_by_name, disclosed_at, package_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(d.chat_ref.to_string())
        .bind(d.recipient.clone())
        .bind(d.lawful_basis.clone())
        .bind(d.by.map(|s| s.0))
        .bind(d.by_name.clone())
        .bind(unix_millis(d.at))
        .bind(d.package_sha256.clone())
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn disclosures(&self, chat_ref: ChatRef) -> StoreResult<Vec<Disclosure>> {
        let rows = sqlx::query(
            "SELECT chat_ref, recipient, lawful_basis, disclosed_by, disclosed_by_name, \
             disclosed_at, package_sha256 FROM disclosures WHERE chat_ref = $1 ORDER BY id",
        )
        .bind(chat_ref.to_string())
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let by: Option<i64> = row.try_get("disclosed_by").store()?;
                let r: String = row.try_get("chat_ref").store()?;
                Ok(Disclosure {
                    chat_ref: r.parse().map_err(|_| corrupt("chat reference"))?,
                    recipient: row.try_get("recipient").store()?,
                    lawful_basis: row.try_get("lawful_basis").store()?,
                    by: by.map(StaffId),
                    by_name: row.try_get("disclosed_by_name").store()?,
                    at: from_unix_millis(row.try_get("disclosed_at").store()?),
                    package_sha256: row.try_get("package_sha256").store()?,
                })
            })
            .collect()
    }

    async fn save_transcript_edit(
        &self,
        id: ChatId,
        lines: &[TranscriptLine],
        by: StaffId,
        by_name: &str,
        at: OffsetDateTime,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let content = lines_to_json(lines)?;
        let mut tx = self.begin_write().await?;
        let chat = sqlx::query("SELECT state FROM chats WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .store()?;
        let Some(chat) = chat else {
            return Err(StoreError::NotFound);
        };
        let state: String = chat.try_get("state").store()?;
        if state != "ended" {
            return Err(StoreError::Conflict(
                "only an ended chat's transcript can be edited",
            ));
        }
        sqlx::query(
            "INSERT INTO transcript_edits (chat_id, content, edited_by, edited_by_name, edited_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (chat_id) DO UPDATE SET \
             content = excluded.content, edited_by = excluded.edited_by, \
             edited_by_name = excluded.edited_by_name, edited_at = excluded.edited_at",
        )
        .bind(id.0)
        .bind(content)
        .bind(by.0)
        .bind(by_name.to_owned())
        .bind(unix_millis(at))
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn transcript_edit(&self, id: ChatId) -> StoreResult<Option<Vec<TranscriptLine>>> {
        let row = sqlx::query("SELECT content FROM transcript_edits WHERE chat_id = $1")
            .bind(id.0)
            .fetch_optional(&self.read)
            .await
            .store()?;
        match row {
            None => Ok(None),
            Some(row) => {
                let c: String = row.try_get("content").store()?;
                Ok(Some(lines_from_json(&c)?))
            }
        }
    }

    async fn audit_trail(
        &self,
        object_type: &str,
        object_id: &str,
    ) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {AUDIT_COLUMNS} FROM audit_log WHERE object_type = $1 AND object_id = $2 \
             ORDER BY seq"
        ))
        .bind(object_type.to_owned())
        .bind(object_id.to_owned())
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(entry_from_row)
            .collect::<Result<_, _>>()
            .store()
    }

    async fn latest_policy_version(&self) -> StoreResult<Option<PolicyVersion>> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM policy_versions ORDER BY version DESC LIMIT 1"
        ))
        .fetch_optional(&self.read)
        .await
        .store()?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn policy_version(&self, version: i64) -> StoreResult<Option<PolicyVersion>> {
        let row = sqlx::query(&format!(
            "SELECT {VERSION_COLUMNS} FROM policy_versions WHERE version = $1"
        ))
        .bind(version)
        .fetch_optional(&self.read)
        .await
        .store()?;
        row.as_ref().map(version_from_row).transpose()
    }

    async fn policy_versions(&self) -> StoreResult<Vec<(i64, OffsetDateTime, String)>> {
        let rows = sqlx::query(
            "SELECT version, adopted_at, policy_sha256 FROM policy_versions ORDER BY version DESC",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                Ok((
                    row.try_get("version").store()?,
                    from_unix_millis(row.try_get("adopted_at").store()?),
                    row.try_get("policy_sha256").store()?,
                ))
            })
            .collect()
    }

    async fn adopt_policy_version(
        &self,
        v: &PolicyVersion,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        sqlx::query(&format!(
            "INSERT INTO policy_versions ({VERSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5)"
        ))
        .bind(v.version)
        .bind(v.policy_sha256.clone())
        .bind(unix_millis(v.adopted_at))
        .bind(v.policy_text.clone())
        .bind(v.notice_markdown.clone())
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }
}
