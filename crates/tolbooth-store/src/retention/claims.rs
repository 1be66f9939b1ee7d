//! Sweep claims: which due chats a running sweep has taken, so that two
//! sweeps never work on the same chat.
//!
//! On PostgreSQL several nodes may sweep one database, so a claim is a
//! column on the chat (`sweep_claimed_until`), taken with
//! `FOR UPDATE SKIP LOCKED` so that concurrent claims share the work
//! rather than wait. On SQLite there is one node, and a claim written to
//! the file would be one more write transaction per batch in front of
//! live chat's single writer; the claims are kept in the process instead
//! and the due chats are listed on a read connection. Correctness does
//! not rest on the claims on either backend: the deletion re-checks each
//! chat inside its own transaction and an extract is stored once.

use super::{ids_of, placeholders, NOT_HELD};
use crate::connect::{Backend, SqlStore};
use crate::error::OrStoreError;
use std::collections::HashMap;
use time::OffsetDateTime;
use tolbooth_domain::chat::ChatId;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::store::StoreResult;
use tolbooth_domain::time_fmt::unix_millis;

/// Claims held in this process (SQLite): chat id to the end of its claim.
/// Claims are taken one at a time, so two concurrent claims never share
/// a chat.
#[derive(Debug, Default)]
pub(crate) struct LocalClaims(tokio::sync::Mutex<HashMap<i64, OffsetDateTime>>);

impl LocalClaims {
    /// Forgets the claims on chats that are gone or let go.
    pub(crate) async fn forget(&self, ids: &[ChatId]) {
        let mut held = self.0.lock().await;
        for id in ids {
            held.remove(&id.0);
        }
    }
}

impl SqlStore {
    pub(super) async fn claim_chats(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<ChatId>> {
        match self.backend {
            Backend::Postgres => self.claim_in_table(ended_before, limit, now, until).await,
            Backend::Sqlite => self.claim_in_process(ended_before, limit, now, until).await,
        }
    }

    pub(super) async fn release_claims(&self, ids: &[ChatId]) -> StoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        match self.backend {
            Backend::Sqlite => {
                self.sweep_claims.forget(ids).await;
                Ok(())
            }
            Backend::Postgres => {
                let sql = format!(
                    "UPDATE chats SET sweep_claimed_until = NULL WHERE id IN ({})",
                    placeholders(1, ids.len())
                );
                let mut q = sqlx::query(&sql);
                for id in ids {
                    q = q.bind(id.0);
                }
                let mut tx = self.begin_write().await?;
                q.execute(&mut *tx).await.store()?;
                tx.commit().await.store()
            }
        }
    }

    async fn claim_in_table(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<ChatId>> {
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(&format!(
            "UPDATE chats SET sweep_claimed_until = $3 WHERE id IN (\
             SELECT id FROM chats c WHERE state = 'ended' \
             AND (ended_at <= $1 OR hold_released_at IS NOT NULL) AND {NOT_HELD} \
             AND (sweep_claimed_until IS NULL OR sweep_claimed_until <= $4) \
             ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id"
        ))
        .bind(unix_millis(ended_before))
        .bind(i64::from(limit))
        .bind(unix_millis(until))
        .bind(unix_millis(now))
        .fetch_all(&mut *tx)
        .await
        .store()?;
        tx.commit().await.store()?;
        let mut ids: Vec<ChatId> = ids_of(&rows)?.into_iter().map(ChatId).collect();
        ids.sort_unstable_by_key(|id| id.0);
        Ok(ids)
    }

    async fn claim_in_process(
        &self,
        ended_before: OffsetDateTime,
        limit: u32,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> StoreResult<Vec<ChatId>> {
        let mut held = self.sweep_claims.0.lock().await;
        held.retain(|_, claimed_until| *claimed_until > now);
        // Enough candidates that those already claimed can be passed over.
        let wanted = u32::try_from(held.len())
            .unwrap_or(u32::MAX)
            .saturating_add(limit);
        let due = <Self as RetentionStore>::due_chats(self, ended_before, wanted).await?;
        let take = usize::try_from(limit).unwrap_or(usize::MAX);
        let mut ids = Vec::with_capacity(take.min(due.len()));
        for id in due {
            if ids.len() == take {
                break;
            }
            if let std::collections::hash_map::Entry::Vacant(free) = held.entry(id.0) {
                free.insert(until);
                ids.push(id);
            }
        }
        Ok(ids)
    }
}
