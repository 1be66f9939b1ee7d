//! Expired chats written straight into a database, for the sweep
//! benchmark: each ended days ago, with its visitor details and a
//! conversation that, like real ones, sometimes carries contact details
//! and special category data for the redaction engine to find.

use anyhow::Context;
use sqlx::AnyConnection;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tolbooth_domain::chat::ChatRef;
use tolbooth_domain::clock::SystemClock;
use tolbooth_store::SqlStore;

const VISITOR_LINES: [&str; 6] = [
    "Hello, when is the brown bin collected on Mill Lane?",
    "My email is jo.bloggs@example.org if you need to write back.",
    "I rang 0131 496 0123 yesterday but nobody answered.",
    "I live at 14 Hillview Crescent, EH12 7XY and the bin was missed again.",
    "I have diabetes so carrying the bin to the end of the lane is hard.",
    "Thank you, that is really helpful.",
];

const OPERATOR_LINES: [&str; 4] = [
    "Thanks for getting in touch, let me look into that for you.",
    "Collections on that street are on Tuesdays, every second week.",
    "You can ask for an assisted collection on our website.",
    "Is there anything else I can help with today?",
];

/// Chats written per transaction.
const PER_TX: usize = 2_000;
/// Rows per `INSERT` (twice as many for messages).
const ROWS_PER_INSERT: usize = 400;

/// Writes `chats` ended chats of `messages` messages each, all ended
/// `ended_days_ago` days before now; returns how long it took.
pub async fn expired_chats(
    url: &str,
    chats: usize,
    messages: usize,
    ended_days_ago: i64,
) -> anyhow::Result<Duration> {
    let store = SqlStore::connect(url, Arc::new(SystemClock))
        .await
        .context("open the database")?;
    store.migrate().await.context("migrate")?;
    let pool = store.raw_pool();
    let started = Instant::now();
    let now_ms = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_millis(),
    )?;
    let ended = now_ms - ended_days_ago * 86_400_000;
    let requested = ended - 600_000;
    let first_id: i64 = {
        use sqlx::Row;
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS m FROM chats")
            .fetch_one(pool)
            .await?;
        row.try_get::<i64, _>("m")? + 1
    };
    let mut n = 0;
    while n < chats {
        let batch = PER_TX.min(chats - n);
        let mut tx = pool.begin().await?;
        let ids: Vec<i64> = (0..batch).map(|i| first_id + (n + i) as i64).collect();
        for group in ids.chunks(ROWS_PER_INSERT) {
            insert_chats(&mut tx, group, messages, requested, ended).await?;
            insert_visitors(&mut tx, group).await?;
        }
        insert_messages(&mut tx, &ids, messages, requested).await?;
        tx.commit().await?;
        n += batch;
    }
    if store.backend() == tolbooth_store::Backend::Postgres {
        // Identity columns were given explicit ids: move the sequence on.
        sqlx::query(
            "SELECT setval(pg_get_serial_sequence('chats', 'id'), (SELECT MAX(id) FROM chats))",
        )
        .execute(pool)
        .await?;
    }
    store.close().await;
    Ok(started.elapsed())
}

/// The chats `ids`, ended by the operator after `messages` messages.
async fn insert_chats(
    conn: &mut AnyConnection,
    ids: &[i64],
    messages: usize,
    requested: i64,
    ended: i64,
) -> anyhow::Result<()> {
    let mut sql = String::from(
        "INSERT INTO chats (id, chat_ref, visitor_token_hash, state, operator_name, \
         requested_at, accepted_at, ended_at, ended_by, last_seq) VALUES ",
    );
    for (i, _) in ids.iter().enumerate() {
        let b = i * 6;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${}, ${}, ${}, 'ended', 'Morven', ${}, ${}, ${}, 'operator', {messages})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6
        ));
    }
    let mut q = sqlx::query(&sql);
    for id in ids {
        let bytes = id.to_be_bytes();
        let r = ChatRef::from_random([bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]]);
        q = q
            .bind(*id)
            .bind(r.to_string())
            .bind(format!("bench-token-{id}"))
            .bind(requested)
            .bind(requested + 45_000)
            .bind(ended);
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// The visitor details of the chats `ids`, each from its own address.
async fn insert_visitors(conn: &mut AnyConnection, ids: &[i64]) -> anyhow::Result<()> {
    let mut sql = String::from(
        "INSERT INTO chat_visitors (chat_id, visitor_name, ip_address, browser, \
         operating_system, device, referrer, launch_url, pages_visited, seconds_on_site) VALUES ",
    );
    for (i, _) in ids.iter().enumerate() {
        let b = i * 2;
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "(${}, 'Jo', ${}, 'Firefox 128', 'Linux', 'desktop', 'https://search.example/', \
             'https://www.example.gov.uk/bins', 5, 240)",
            b + 1,
            b + 2
        ));
    }
    let mut q = sqlx::query(&sql);
    for id in ids {
        q = q
            .bind(*id)
            .bind(format!("198.51.{}.{}", (id / 250) % 250, 1 + id % 250));
    }
    q.execute(&mut *conn).await?;
    Ok(())
}

/// Messages: `messages` per chat, visitor and operator in turn.
async fn insert_messages(
    conn: &mut AnyConnection,
    ids: &[i64],
    messages: usize,
    requested: i64,
) -> anyhow::Result<()> {
    let rows: Vec<(i64, usize)> = ids
        .iter()
        .flat_map(|id| (1..=messages).map(move |seq| (*id, seq)))
        .collect();
    for group in rows.chunks(ROWS_PER_INSERT * 2) {
        let mut sql =
            String::from("INSERT INTO chat_messages (chat_id, seq, sender, body, sent_at) VALUES ");
        for (i, (_, seq)) in group.iter().enumerate() {
            let b = i * 4;
            if i > 0 {
                sql.push(',');
            }
            let sender = if seq % 2 == 1 { "visitor" } else { "operator" };
            sql.push_str(&format!(
                "(${}, ${}, '{sender}', ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4
            ));
        }
        let mut q = sqlx::query(&sql);
        for (id, seq) in group {
            let body = if seq % 2 == 1 {
                VISITOR_LINES[(*id as usize + seq) % VISITOR_LINES.len()]
            } else {
                OPERATOR_LINES[(*id as usize + seq) % OPERATOR_LINES.len()]
            };
            q = q
                .bind(*id)
                .bind(*seq as i64)
                .bind(body)
                .bind(requested + 45_000 + (*seq as i64) * 20_000);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// After a bulk load: statistics gathered and dirty pages written, so
/// that what is measured next does not pay for the load.
pub async fn settle(url: &str) -> anyhow::Result<()> {
    let store = SqlStore::connect(url, Arc::new(SystemClock)).await?;
    let pool = store.raw_pool();
    match store.backend() {
        tolbooth_store::Backend::Postgres => {
            sqlx::query("VACUUM ANALYZE").execute(pool).await?;
            sqlx::query("CHECKPOINT").execute(pool).await?;
        }
        tolbooth_store::Backend::Sqlite => {
            sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
                .execute(pool)
                .await?;
        }
    }
    store.close().await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    Ok(())
}
