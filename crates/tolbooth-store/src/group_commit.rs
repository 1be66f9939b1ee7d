//! Group commit of chat messages. Every message must be on disk before it
//! is acknowledged, and each commit costs an fsync (of SQLite's write-ahead
//! log, or PostgreSQL's): one commit per message caps a server at the
//! disk's fsync rate. Messages are therefore handed to one writer task, which
//! takes all that are waiting (up to [`MAX_BATCH`]), stores them in one
//! transaction, commits once, and only then answers each sender. A message
//! is still acknowledged only after the commit that holds it.
//!
//! A message refused in a batch (its chat closed or gone) is refused
//! before it writes anything — the chat's counter is only raised for an
//! open chat, and a resend is found before the insert — so it cannot spoil
//! the others; any database error fails the whole batch, uncommitted.

use crate::chat::{append_in_tx, CHAT_CLOSED};
use crate::connect::Backend;
use crate::error::OrStoreError;
use sqlx::AnyPool;
use tokio::sync::{mpsc, oneshot};
use tolbooth_domain::chat::{Appended, ChatId, NewMessage};
use tolbooth_domain::store::{StoreError, StoreResult};

/// Most messages in one commit.
const MAX_BATCH: usize = 256;
/// Messages waiting for the writer before senders wait to hand theirs over.
const QUEUE: usize = 4096;

struct Request {
    chat: ChatId,
    message: NewMessage,
    reply: oneshot::Sender<StoreResult<Appended>>,
}

/// The handle senders use; the writer tasks live while one exists.
#[derive(Debug, Clone)]
pub(crate) struct Appender {
    /// One queue per writer; a chat always goes to the same writer, so its
    /// messages keep their order.
    queues: Vec<mpsc::Sender<Request>>,
}

/// Writers: SQLite has one write connection; on PostgreSQL each batch
/// waits for the server's round trips, so several writers (each a
/// connection, different chats) work at once.
fn writers(backend: Backend) -> usize {
    match backend {
        Backend::Sqlite => 1,
        Backend::Postgres => 8,
    }
}

fn stopped() -> StoreError {
    StoreError::Unavailable("the message writer has stopped".into())
}

impl Appender {
    pub(crate) fn start(write: AnyPool, backend: Backend) -> Self {
        let queues = (0..writers(backend))
            .map(|_| {
                let (queue, requests) = mpsc::channel(QUEUE);
                tolbooth_workers::spawn_task(
                    "message-writer",
                    run(write.clone(), backend, requests),
                );
                queue
            })
            .collect();
        Self { queues }
    }

    /// Stores a message; answers after the commit that holds it.
    pub(crate) async fn append(&self, chat: ChatId, message: NewMessage) -> StoreResult<Appended> {
        let (reply, answer) = oneshot::channel();
        let writer = usize::try_from(chat.0.unsigned_abs()).unwrap_or(0) % self.queues.len();
        self.queues[writer]
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

async fn run(pool: AnyPool, backend: Backend, mut requests: mpsc::Receiver<Request>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while let Some(first) = requests.recv().await {
        batch.push(first);
        while batch.len() < MAX_BATCH {
            match requests.try_recv() {
                Ok(r) => batch.push(r),
                Err(_) => break,
            }
        }
        match write(&pool, backend, &batch).await {
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
async fn write(
    pool: &AnyPool,
    backend: Backend,
    batch: &[Request],
) -> StoreResult<Vec<StoreResult<Appended>>> {
    let mut tx = match backend {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await.store()?,
        Backend::Postgres => pool.begin().await.store()?,
    };
    let mut results = Vec::with_capacity(batch.len());
    for request in batch {
        match append_in_tx(&mut tx, request.chat, &request.message).await {
            // Refused before writing: the rest of the batch goes on.
            Err(StoreError::Conflict(why)) if why == CHAT_CLOSED => {
                results.push(Err(StoreError::Conflict(why)))
            }
            Err(StoreError::NotFound) => results.push(Err(StoreError::NotFound)),
            Err(e) => return Err(e),
            ok => results.push(ok),
        }
    }
    tx.commit().await.store()?;
    Ok(results)
}
