//! The audit log table and the one function that appends to it.

use crate::connect::{Backend, SqlStore};
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{AuditEntry, ChainHash, NewAuditEntry};
use tolbooth_domain::store::{StoreError, StoreResult};

/// The advisory lock that serialises appends on PostgreSQL ("tolb").
const AUDIT_LOCK_KEY: i64 = 0x746f_6c62;

pub(crate) const COLUMNS: &str = "seq, at, actor_kind, actor_id, actor_name, actor_role, action, \
     object_type, object_id, reason, request_id, prev_hash, hash";

/// Appends `entry` inside `tx`, after whatever entry is last. Appends never
/// fork the chain: on SQLite the transaction already holds the database's
/// write lock (`BEGIN IMMEDIATE`); on PostgreSQL a transaction-scoped
/// advisory lock queues concurrent appenders, and `seq` is the primary key
/// besides.
pub(crate) async fn append_in(
    store: &SqlStore,
    tx: &mut Transaction<'static, Any>,
    entry: &NewAuditEntry,
) -> StoreResult<AuditEntry> {
    if store.backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(AUDIT_LOCK_KEY)
            .execute(&mut **tx)
            .await
            .store()?;
    }
    let head = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        .fetch_optional(&mut **tx)
        .await
        .store()?;
    let (seq, prev) = match head {
        Some(row) => {
            let seq: i64 = row.try_get("seq").store()?;
            let hash: String = row.try_get("hash").store()?;
            let prev = ChainHash::from_hex(&hash).ok_or(StoreError::Conflict(
                "the last audit entry has a malformed hash; run `tolbooth audit verify`",
            ))?;
            (seq + 1, prev)
        }
        None => (1, ChainHash::GENESIS),
    };
    let sealed = entry.seal(seq, store.clock.now(), prev);
    sqlx::query(&format!(
        "INSERT INTO audit_log ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
    ))
    .bind(sealed.seq)
    .bind(sealed.at_ms)
    .bind(&sealed.actor_kind)
    .bind(sealed.actor_id)
    .bind(&sealed.actor_name)
    .bind(&sealed.actor_role)
    .bind(&sealed.action)
    .bind(&sealed.object_type)
    .bind(&sealed.object_id)
    .bind(&sealed.reason)
    .bind(&sealed.request_id)
    .bind(sealed.prev_hash.to_hex())
    .bind(sealed.hash.to_hex())
    .execute(&mut **tx)
    .await
    .store()?;
    Ok(sealed)
}

/// Reads a row as stored. A malformed hash column reads as an all-ones hash,
/// which never verifies, so the verifier names the row.
pub(crate) fn entry_from_row(row: &AnyRow) -> Result<AuditEntry, sqlx::Error> {
    let hash = |col: &str| -> Result<ChainHash, sqlx::Error> {
        let s: String = row.try_get(col)?;
        Ok(ChainHash::from_hex(&s).unwrap_or(ChainHash([0xff; 32])))
    };
    Ok(AuditEntry {
        seq: row.try_get("seq")?,
        at_ms: row.try_get("at")?,
        actor_kind: row.try_get("actor_kind")?,
        actor_id: row.try_get("actor_id")?,
        actor_name: row.try_get("actor_name")?,
        actor_role: row.try_get("actor_role")?,
        action: row.try_get("action")?,
        object_type: row.try_get("object_type")?,
        object_id: row.try_get("object_id")?,
        reason: row.try_get("reason")?,
        request_id: row.try_get("request_id")?,
        prev_hash: hash("prev_hash")?,
        hash: hash("hash")?,
    })
}

#[async_trait]
impl AuditLog for SqlStore {
    async fn append_audit(&self, entry: NewAuditEntry) -> StoreResult<AuditEntry> {
        let mut tx = self.begin_write().await?;
        let sealed = append_in(self, &mut tx, &entry).await?;
        tx.commit().await.store()?;
        Ok(sealed)
    }

    async fn audit_entries(&self, after: i64, limit: u32) -> StoreResult<Vec<AuditEntry>> {
        let rows = sqlx::query(&format!(
            "SELECT {COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(entry_from_row)
            .collect::<Result<_, _>>()
            .store()
    }

    async fn audit_head(&self) -> StoreResult<Option<(i64, ChainHash)>> {
        let row = sqlx::query("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            .fetch_optional(&self.read)
            .await
            .store()?;
        match row {
            None => Ok(None),
            Some(row) => {
                let seq: i64 = row.try_get("seq").store()?;
                let hash: String = row.try_get("hash").store()?;
                Ok(Some((
                    seq,
                    ChainHash::from_hex(&hash).unwrap_or(ChainHash([0xff; 32])),
                )))
            }
        }
    }
}
