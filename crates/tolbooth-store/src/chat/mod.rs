//! Live chat's records: enquiries, their messages, and the counts kept of
//! enquiries that are not held (LC-3, LC-6).

mod canned;
mod listing;
mod rows;

pub(crate) use self::listing::answered_from_row;

use self::rows::staff_of;
pub(crate) use self::rows::{
    chat_from_row, corrupt, message_from_row, visitor_from_row, CHAT_COLUMNS, MESSAGE_COLUMNS,
    VISITOR_COLUMNS,
};

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::Row;
use tolbooth_domain::audit::NewAuditEntry;
use tolbooth_domain::chat::listing::{AnsweredChat, ChatFilter, ChatListing};
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{
    Appended, ChatId, NewChat, NewMessage, Sender, StoredChat, StoredMessage,
};
use tolbooth_domain::chat::{
    ChatFlag, ChatLifecycle, ChatRef, ChatState, ClientMessageId, FlagReason, MessageBody,
};
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

impl SqlStore {
    async fn chat_where(&self, clause: &str, bind: ChatKey<'_>) -> StoreResult<Option<StoredChat>> {
        let sql = format!("SELECT {CHAT_COLUMNS} FROM chats WHERE {clause}");
        let query = sqlx::query(&sql);
        let query = match bind {
            ChatKey::Id(id) => query.bind(id),
            ChatKey::Text(t) => query.bind(t.to_owned()),
        };
        let row = query.fetch_optional(&self.read).await.store()?;
        row.as_ref().map(chat_from_row).transpose()
    }

    async fn message_by_client_id(
        &self,
        id: ChatId,
        sender: Sender,
        client_id: &ClientMessageId,
    ) -> StoreResult<Option<StoredMessage>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM chat_messages \
             WHERE chat_id = $1 AND sender = $2 AND client_id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .bind(sender.kind())
            .bind(client_id.as_str().to_owned())
            .fetch_optional(&self.read)
            .await
            .store()?;
        row.as_ref().map(message_from_row).transpose()
    }
}

enum ChatKey<'a> {
    Id(i64),
    Text(&'a str),
}

#[async_trait]
impl ChatStore for SqlStore {
    async fn create_chat(&self, new: NewChat, audit: NewAuditEntry) -> StoreResult<StoredChat> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO chats (chat_ref, visitor_token_hash, state, requested_at, last_seq) \
             VALUES ($1, $2, 'requested', $3, 1) RETURNING id",
        )
        .bind(new.chat_ref.to_string())
        .bind(new.visitor_token_hash.clone())
        .bind(unix_millis(new.requested_at))
        .fetch_one(&mut *tx)
        .await
        .store()?;
        let id: i64 = row.try_get("id").store()?;
        sqlx::query(
            "INSERT INTO chat_messages (chat_id, seq, sender, client_id, body, sent_at) \
             VALUES ($1, 1, 'visitor', $2, $3, $4)",
        )
        .bind(id)
        .bind(
            new.question_client_id
                .as_ref()
                .map(|c| c.as_str().to_owned()),
        )
        .bind(new.question.as_str().to_owned())
        .bind(unix_millis(new.requested_at))
        .execute(&mut *tx)
        .await
        .store()?;
        let v = &new.visitor;
        sqlx::query(
            "INSERT INTO chat_visitors (chat_id, visitor_name, ip_address, browser, \
             operating_system, device, referrer, launch_url, pages_visited, seconds_on_site, \
             location, visitor_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(id)
        .bind(v.name.clone())
        .bind(v.ip.map(|ip| ip.to_string()))
        .bind(v.browser.clone())
        .bind(v.operating_system.clone())
        .bind(v.device.clone())
        .bind(v.referrer.clone())
        .bind(v.launch_url.clone())
        .bind(v.pages_visited.map(i64::from))
        .bind(v.seconds_on_site.map(i64::from))
        .bind(v.location.clone())
        .bind(v.visitor_key.clone())
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(StoredChat {
            id: ChatId(id),
            lifecycle: ChatLifecycle::requested(new.chat_ref, new.requested_at),
            operator_staff_id: None,
            last_seq: 1,
        })
    }

    async fn chat_by_id(&self, id: ChatId) -> StoreResult<Option<StoredChat>> {
        self.chat_where("id = $1", ChatKey::Id(id.0)).await
    }

    async fn chat_by_ref(&self, chat_ref: ChatRef) -> StoreResult<Option<StoredChat>> {
        let r = chat_ref.to_string();
        self.chat_where("chat_ref = $1", ChatKey::Text(&r)).await
    }

    async fn chat_by_token(&self, visitor_token_hash: &str) -> StoreResult<Option<StoredChat>> {
        self.chat_where("visitor_token_hash = $1", ChatKey::Text(visitor_token_hash))
            .await
    }

    async fn queue(&self) -> StoreResult<Vec<StoredChat>> {
        self.chats_in_state(ChatState::Requested, 1_000).await
    }

    async fn queue_questions(&self) -> StoreResult<Vec<(ChatId, MessageBody)>> {
        let rows = sqlx::query(
            "SELECT m.chat_id, m.body FROM chat_messages m JOIN chats c ON c.id = m.chat_id \
             WHERE c.state = 'requested' AND m.seq = 1",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let body: String = row.try_get("body").store()?;
                Ok((
                    ChatId(row.try_get("chat_id").store()?),
                    MessageBody::parse(&body).map_err(|_| corrupt("message"))?,
                ))
            })
            .collect()
    }

    async fn chats_in_state(&self, state: ChatState, limit: u32) -> StoreResult<Vec<StoredChat>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats WHERE state = $1 ORDER BY requested_at, id LIMIT $2"
        );
        let rows = sqlx::query(&sql)
            .bind(state.name())
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter().map(chat_from_row).collect()
    }

    async fn idle_chats(
        &self,
        state: ChatState,
        quiet_since: time::OffsetDateTime,
        limit: u32,
    ) -> StoreResult<Vec<StoredChat>> {
        let sql = format!(
            "SELECT {CHAT_COLUMNS} FROM chats WHERE state = $1 \
             AND COALESCE(accepted_at, requested_at) < $2 \
             AND (SELECT MAX(m.sent_at) FROM chat_messages m WHERE m.chat_id = chats.id) < $2 \
             ORDER BY requested_at, id LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(state.name())
            .bind(unix_millis(quiet_since))
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter().map(chat_from_row).collect()
    }

    async fn save_lifecycle(
        &self,
        id: ChatId,
        expected: ChatState,
        after: &ChatLifecycle,
        operator: Option<StaffId>,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE chats SET state = $3, operator_staff_id = $4, operator_name = $5, \
             accepted_at = $6, ended_at = $7, ended_by = $8 WHERE id = $1 AND state = $2",
        )
        .bind(id.0)
        .bind(expected.name())
        .bind(after.state.name())
        .bind(operator.map(|s| s.0))
        .bind(after.operator.clone())
        .bind(after.accepted_at.map(unix_millis))
        .bind(after.ended_at.map(unix_millis))
        .bind(after.ended_by.map(|e| e.name()))
        .execute(&mut *tx)
        .await
        .store()?;
        if done.rows_affected() == 0 {
            let exists = sqlx::query("SELECT id FROM chats WHERE id = $1")
                .bind(id.0)
                .fetch_optional(&mut *tx)
                .await
                .store()?;
            return Err(match exists {
                Some(_) => StoreError::Conflict("the chat was changed by someone else"),
                None => StoreError::NotFound,
            });
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn append_message(&self, id: ChatId, message: NewMessage) -> StoreResult<Appended> {
        // The group writer finds resends itself, inside its transaction.
        if let Some(appender) = &self.appender {
            return appender.append(id, message).await;
        }
        if let Some(client_id) = &message.client_id {
            if let Some(existing) = self
                .message_by_client_id(id, message.sender, client_id)
                .await?
            {
                return Ok(Appended {
                    message: existing,
                    duplicate: true,
                });
            }
        }
        let mut tx = self.begin_write().await?;
        match append_in_tx(&mut tx, id, &message).await {
            Ok(appended) => {
                tx.commit().await.store()?;
                Ok(appended)
            }
            // The same message sent twice at once: the other one won.
            Err(StoreError::Conflict(_)) if message.client_id.is_some() => {
                drop(tx);
                let existing = match &message.client_id {
                    Some(c) => self.message_by_client_id(id, message.sender, c).await?,
                    None => None,
                };
                existing
                    .map(|m| Appended {
                        message: m,
                        duplicate: true,
                    })
                    .ok_or(StoreError::Conflict("the message could not be stored"))
            }
            Err(e) => Err(e),
        }
    }

    async fn message_by_client_id(
        &self,
        id: ChatId,
        sender: Sender,
        client_id: &ClientMessageId,
    ) -> StoreResult<Option<StoredMessage>> {
        SqlStore::message_by_client_id(self, id, sender, client_id).await
    }

    async fn messages_after(
        &self,
        id: ChatId,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<StoredMessage>> {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM chat_messages WHERE chat_id = $1 AND seq > $2 \
             ORDER BY seq LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(id.0)
            .bind(after)
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter().map(message_from_row).collect()
    }

    async fn discard_enquiry(
        &self,
        id: ChatId,
        day: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT state FROM chats WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut *tx)
            .await
            .store()?;
        let Some(row) = row else {
            return Err(StoreError::NotFound);
        };
        let state: String = row.try_get("state").store()?;
        let outcome = match ChatState::parse(&state) {
            Some(s @ (ChatState::Rejected | ChatState::Abandoned)) => s,
            _ => {
                return Err(StoreError::Conflict(
                    "only rejected or abandoned enquiries are discarded",
                ))
            }
        };
        for table in ["chat_messages", "chat_visitors", "chat_flags"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE chat_id = $1"))
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .store()?;
        }
        sqlx::query("DELETE FROM chats WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?;
        sqlx::query(
            "INSERT INTO enquiry_counts (day, outcome, total) VALUES ($1, $2, 1) \
             ON CONFLICT (day, outcome) DO UPDATE SET total = enquiry_counts.total + 1",
        )
        .bind(day.to_owned())
        .bind(outcome.name())
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn enquiry_counts(&self, day: &str) -> StoreResult<(i64, i64)> {
        let rows = sqlx::query("SELECT outcome, total FROM enquiry_counts WHERE day = $1")
            .bind(day.to_owned())
            .fetch_all(&self.read)
            .await
            .store()?;
        let mut rejected = 0;
        let mut abandoned = 0;
        for row in rows {
            let outcome: String = row.try_get("outcome").store()?;
            let total: i64 = row.try_get("total").store()?;
            match outcome.as_str() {
                "rejected" => rejected = total,
                "abandoned" => abandoned = total,
                _ => return Err(corrupt("enquiry count")),
            }
        }
        Ok((rejected, abandoned))
    }

    async fn visitor_details(&self, id: ChatId) -> StoreResult<Option<VisitorDetails>> {
        let row = sqlx::query(&format!(
            "SELECT {VISITOR_COLUMNS} FROM chat_visitors WHERE chat_id = $1"
        ))
        .bind(id.0)
        .fetch_optional(&self.read)
        .await
        .store()?;
        row.as_ref().map(visitor_from_row).transpose()
    }

    async fn earlier_chats(
        &self,
        visitor_key: &str,
        except: ChatId,
        limit: u32,
    ) -> StoreResult<Vec<StoredChat>> {
        let columns = CHAT_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM chats c JOIN chat_visitors v ON v.chat_id = c.id \
             WHERE v.visitor_key = $1 AND c.id <> $2 ORDER BY c.requested_at DESC, c.id DESC LIMIT $3"
        );
        let rows = sqlx::query(&sql)
            .bind(visitor_key.to_owned())
            .bind(except.0)
            .bind(i64::from(limit))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter().map(chat_from_row).collect()
    }

    async fn flag_chat(
        &self,
        id: ChatId,
        flag: &ChatFlag,
        by: StaffId,
        audit: NewAuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let exists =
            sqlx::query("SELECT 1 AS one FROM chat_flags WHERE chat_id = $1 AND reason = $2")
                .bind(id.0)
                .bind(flag.reason.name())
                .fetch_optional(&mut *tx)
                .await
                .store()?;
        if exists.is_some() {
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO chat_flags (chat_id, reason, flagged_by, flagged_by_name, flagged_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id.0)
        .bind(flag.reason.name())
        .bind(by.0)
        .bind(flag.by_name.clone())
        .bind(unix_millis(flag.at))
        .execute(&mut *tx)
        .await
        .store()?;
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(true)
    }

    async fn chat_flags(&self, id: ChatId) -> StoreResult<Vec<ChatFlag>> {
        let rows = sqlx::query(
            "SELECT reason, flagged_by_name, flagged_at FROM chat_flags WHERE chat_id = $1 \
             ORDER BY flagged_at, id",
        )
        .bind(id.0)
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let reason: String = row.try_get("reason").store()?;
                Ok(ChatFlag {
                    reason: FlagReason::parse(&reason).ok_or_else(|| corrupt("flag reason"))?,
                    by_name: row.try_get("flagged_by_name").store()?,
                    at: from_unix_millis(row.try_get("flagged_at").store()?),
                })
            })
            .collect()
    }

    async fn list_chats(&self, filter: &ChatFilter, limit: u32) -> StoreResult<Vec<ChatListing>> {
        self.list_chats_where(filter, limit).await
    }

    async fn answered_since(&self, since: time::OffsetDateTime) -> StoreResult<Vec<AnsweredChat>> {
        self.answered_chats_since(since).await
    }

    async fn waiting_count(&self) -> StoreResult<u64> {
        let row = sqlx::query("SELECT COUNT(*) AS n FROM chats WHERE state = 'requested'")
            .fetch_one(&self.read)
            .await
            .store()?;
        let n: i64 = row.try_get("n").store()?;
        Ok(u64::try_from(n).unwrap_or(0))
    }
}

/// Why a message for a closed chat is refused.
pub(crate) const CHAT_CLOSED: &str = "the chat is closed";

/// Stores one message inside `tx`: a resend (same sender and client id) is
/// answered with the stored copy; otherwise the chat's counter gives the
/// next sequence number, or refuses a closed chat.
pub(crate) async fn append_in_tx(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: ChatId,
    message: &NewMessage,
) -> StoreResult<Appended> {
    if let Some(client_id) = &message.client_id {
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM chat_messages \
             WHERE chat_id = $1 AND sender = $2 AND client_id = $3"
        );
        let row = sqlx::query(&sql)
            .bind(id.0)
            .bind(message.sender.kind())
            .bind(client_id.as_str().to_owned())
            .fetch_optional(&mut **tx)
            .await
            .store()?;
        if let Some(row) = row {
            return Ok(Appended {
                message: message_from_row(&row)?,
                duplicate: true,
            });
        }
    }
    let row = sqlx::query(
        "UPDATE chats SET last_seq = last_seq + 1 \
         WHERE id = $1 AND state IN ('requested', 'accepted') RETURNING last_seq",
    )
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await
    .store()?;
    let Some(row) = row else {
        let exists = sqlx::query("SELECT id FROM chats WHERE id = $1")
            .bind(id.0)
            .fetch_optional(&mut **tx)
            .await
            .store()?;
        return Err(match exists {
            Some(_) => StoreError::Conflict(CHAT_CLOSED),
            None => StoreError::NotFound,
        });
    };
    let seq: i64 = row.try_get("last_seq").store()?;
    sqlx::query(
        "INSERT INTO chat_messages (chat_id, seq, sender, sender_staff_id, client_id, body, sent_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(id.0)
    .bind(seq)
    .bind(message.sender.kind())
    .bind(staff_of(message.sender))
    .bind(message.client_id.as_ref().map(|c| c.as_str().to_owned()))
    .bind(message.body.as_str().to_owned())
    .bind(unix_millis(message.sent_at))
    .execute(&mut **tx)
    .await
    .store()?;
    Ok(Appended {
        message: StoredMessage {
            seq,
            sender: message.sender,
            client_id: message.client_id.clone(),
            body: message.body.clone(),
            sent_at: message.sent_at,
        },
        duplicate: false,
    })
}
