//! Group commit of chat messages on SQLite. Every message must be on disk
//! before it is acknowledged, and on SQLite each commit costs an fsync of
//! the write-ahead log: one commit per message caps a server at the disk's
//! fsync rate. Messages are therefore handed to one writer task, which
//! takes all that are waiting (up to [`MAX_BATCH`]), stores each inside its
//! own savepoint (a refused message — a closed chat — does not spoil the
//! others), commits once, and only then answers each sender. A message is
//! still acknowledged only after the commit that holds it.

use crate::chats::append_in_tx;
use crate::error::OrStoreError;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};
use tolbooth_domain::ports::{Appended, ChatId, NewMessage, StoreError, StoreResult};

/// Most messages in one commit.
const MAX_BATCH: usize = 256;
/// Messages waiting for the writer before senders wait to hand theirs over.
const QUEUE: usize = 4096;

struct Request {
    chat: ChatId,
    message: NewMessage,
    reply: oneshot::Sender<StoreResult<Appended>>,
}

/// The handle senders use; the writer task lives while one exists.
#[derive(Debug, Clone)]
pub(crate) struct Appender {
    queue: mpsc::Sender<Request>,
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the message writer has stopped".into())
}

impl Appender {
    pub(crate) fn start(write: AnyPool) -> Self {
        let (queue, requests) = mpsc::channel(QUEUE);
        tokio::spawn(run(write, requests));
        Self { queue }
    }

    /// Stores a message; answers after the commit that holds it.
    pub(crate) async fn append(&self, chat: ChatId, message: NewMessage) -> StoreResult<Appended> {
        let (reply, answer) = oneshot::channel();
        self.queue
            .send(Request {
                chat,
                message,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

async fn run(pool: AnyPool, mut requests: mpsc::Receiver<Request>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = requests.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        match write(&pool, &batch).await {
            Ok(results) => {
                for (request, result) in batch.drain(..).zip(results) {
                    let _ = request.reply.send(result);
                }
            }
            Err(e) => {
                tracing::warn!(error = %e, messages = batch.len(), "a batch of chat messages was not stored");
                for request in batch.drain(..) {
                    let _ = request.reply.send(Err(StoreError::Unavailable(
                        "the messages could not be stored".into(),
                    )));
                }
            }
        }
    }
}

/// Stores a batch in one transaction; the outer error means nothing was
/// committed.
async fn write(pool: &AnyPool, batch: &[Request]) -> StoreResult<Vec<StoreResult<Appended>>> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.store()?;
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        sqlx::query("SAVEPOINT message")
            .execute(&mut *tx)
            .await
            .store()?;
        let result = append_in_tx(&mut tx, request.chat, &request.message).await;
        if result.is_err() {
            sqlx::query("ROLLBACK TO message")
                .execute(&mut *tx)
                .await
                .store()?;
        }
        sqlx::query("RELEASE message")
            .execute(&mut *tx)
            .await
            .store()?;
        results.push(result);
    }
    tx.commit().await.store()?;
    Ok(results)
}
