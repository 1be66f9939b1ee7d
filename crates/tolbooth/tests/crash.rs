//! Crash safety of live chat: under load, the `tolbooth serve` process is
//! killed with SIGKILL at random moments, 50 times, and restarted. Clients
//! behave as the widget does: after each reconnect they resume and send
//! again every message not yet acknowledged, with the same client id.
//! Afterwards every acknowledged message is stored and delivered exactly
//! once, in order, each chat's sequence numbers have no gap, and the
//! database passes its integrity check. Run on SQLite and on PostgreSQL.
#![expect(
    clippy::too_many_lines,
    reason = "a scenario test reads as one story, from the visitor's first step to what is kept"
)]
#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a failed unwrap is a failed test"
)]

use rand::Rng;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use tolbooth_testkit::{backend_tests, Backend, Socket, TestDatabase};

backend_tests!(acknowledged_messages_survive_sigkill);

const KILLS: usize = 50;
const CHATS: usize = 6;
/// Messages a client may have sent but not yet seen acknowledged.
const IN_FLIGHT: usize = 16;

struct Server {
    child: Child,
    base: String,
}

fn start_server(data_dir: &std::path::Path, database_url: &str) -> Server {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tolbooth"));
    for (k, _) in std::env::vars() {
        if k.starts_with("TOLBOOTH_") {
            cmd.env_remove(k);
        }
    }
    let mut child = cmd
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("TOLBOOTH_DATA_DIR", data_dir)
        .env("TOLBOOTH_DATABASE_URL", database_url)
        .env("TOLBOOTH_LOG__LEVEL", "error")
        .env(
            "TOLBOOTH_RETENTION__POLICY",
            "preset:scottish-parliament-live-chat",
        )
        .env("TOLBOOTH_CHAT__STARTS_PER_ADDRESS", "100000")
        .env("TOLBOOTH_CHAT__MESSAGES_PER_MINUTE", "100000")
        .env("TOLBOOTH_CHAT__SOCKET_FRAMES_PER_SECOND", "10000")
        // Every client of the load comes from one loopback address.
        .env("TOLBOOTH_CHAT__SOCKETS_PER_ADDRESS", "100000")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("the server printed its address")
            .unwrap();
        if let Some(rest) = line.strip_prefix("Tolbooth listening on ") {
            break rest.trim().to_owned();
        }
    };
    // Keep draining stdout so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

/// What one visitor's client knows, across crashes.
#[derive(Default, Clone)]
struct Client {
    token: Option<String>,
    /// Acknowledged client ids and the sequence numbers they got.
    acked: BTreeMap<String, i64>,
    /// Sent, not yet acknowledged (resent after every reconnect).
    pending: Vec<(String, String)>,
    next: u64,
}

/// Talks until the server dies; returns what the client now knows.
async fn talk(base: String, mut c: Client, n: usize) -> Client {
    let Ok(mut s) = Socket::connect(&base, "/ws/chat", None, None).await else {
        return c;
    };
    let first = match &c.token {
        None => json!({"type": "start", "question": format!("chat {n}"), "client_id": "q"}),
        Some(t) => json!({"type": "resume", "token": t, "after": 0}),
    };
    if s.try_send(first).await.is_err() {
        return c;
    }
    for (id, text) in c.pending.clone() {
        if s.try_send(json!({"type": "send", "client_id": id, "text": text}))
            .await
            .is_err()
        {
            return c;
        }
    }
    loop {
        if c.token.is_some() && c.pending.len() < IN_FLIGHT {
            let id = format!("c{n}-m{}", c.next);
            let text = format!("message {} of chat {n}", c.next);
            c.next += 1;
            c.pending.push((id.clone(), text.clone()));
            if s.try_send(json!({"type": "send", "client_id": id, "text": text}))
                .await
                .is_err()
            {
                return c;
            }
        }
        let frame = match tokio::time::timeout(Duration::from_millis(5), s.next()).await {
            Err(_) => continue,
            Ok(Err(_)) => return c,
            Ok(Ok(f)) => f,
        };
        match frame["type"].as_str() {
            Some("started") => c.token = frame["token"].as_str().map(str::to_owned),
            Some("ack") => {
                let id = frame["client_id"].as_str().unwrap().to_owned();
                let seq = frame["seq"].as_i64().unwrap();
                if let Some(before) = c.acked.insert(id.clone(), seq) {
                    assert_eq!(
                        before, seq,
                        "{id} acknowledged twice with different numbers"
                    );
                }
                c.pending.retain(|(p, _)| *p != id);
            }
            Some("error") => panic!("refused: {frame}"),
            _ => {}
        }
    }
}

/// Every message of a chat, from its start, once the server has restarted.
async fn transcript(base: &str, token: &str) -> Vec<Value> {
    let mut s = Socket::connect(base, "/ws/chat", None, None).await.unwrap();
    s.send(json!({"type": "resume", "token": token, "after": 0}))
        .await;
    // The catch-up is written before the next frame is read: a ping's pong
    // comes after every message.
    s.send(json!({"type": "ping"})).await;
    let mut messages = Vec::new();
    loop {
        let f = s.next().await.unwrap();
        match f["type"].as_str() {
            Some("message") => messages.push(f),
            Some("pong") => return messages,
            _ => {}
        }
    }
}

async fn acknowledged_messages_survive_sigkill(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let mut clients = vec![Client::default(); CHATS];
    let mut rng = rand::thread_rng();
    for _ in 0..KILLS {
        let mut server = start_server(data.path(), &db.url);
        let tasks: Vec<_> = clients
            .iter()
            .cloned()
            .enumerate()
            .map(|(n, c)| tolbooth_workers::spawn_task("talker", talk(server.base.clone(), c, n)))
            .collect();
        tokio::time::sleep(Duration::from_millis(rng.gen_range(80..400))).await;
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        for (slot, task) in clients.iter_mut().zip(tasks) {
            *slot = task.await.unwrap();
        }
    }
    let acked: usize = clients.iter().map(|c| c.acked.len()).sum();
    assert!(
        acked > KILLS * 10,
        "the test put the server under load ({acked} acknowledged)"
    );

    let mut server = start_server(data.path(), &db.url);
    for c in &clients {
        let token = c.token.as_deref().expect("every chat started");
        let messages = transcript(&server.base, token).await;
        let seqs: Vec<i64> = messages
            .iter()
            .map(|m| m["seq"].as_i64().unwrap())
            .collect();
        let expected: Vec<i64> = (1..=seqs.len() as i64).collect();
        assert_eq!(seqs, expected, "delivered once each, in order, with no gap");
        let ids: Vec<&str> = messages[1..]
            .iter()
            .map(|m| m["client_id"].as_str().unwrap())
            .collect();
        let distinct: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(distinct.len(), ids.len(), "no message stored twice");
        for (id, seq) in &c.acked {
            let at = messages.iter().find(|m| m["client_id"] == id.as_str());
            assert_eq!(
                at.map(|m| m["seq"].as_i64().unwrap()),
                Some(*seq),
                "acknowledged {id} is stored under the number its ack gave"
            );
        }
        // Each client's own messages are stored in the order it sent them.
        let order: Vec<u64> = ids
            .iter()
            .map(|id| id.rsplit('m').next().unwrap().parse().unwrap())
            .collect();
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(order, sorted);
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    // The database itself is sound: SQLite's own integrity check, and on
    // both backends every chat's counter matches its messages.
    use sqlx::Row;
    sqlx::any::install_default_drivers();
    let pool = sqlx::AnyPool::connect(&db.url).await.unwrap();
    if backend == Backend::Sqlite {
        let row = sqlx::query("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(row.try_get::<String, _>(0).unwrap(), "ok");
    }
    let bad = sqlx::query(
        "SELECT COUNT(*) AS n FROM chats c WHERE c.last_seq <> \
         (SELECT COUNT(*) FROM chat_messages m WHERE m.chat_id = c.id) \
         OR c.last_seq <> (SELECT COALESCE(MAX(seq), 0) FROM chat_messages m WHERE m.chat_id = c.id)",
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(bad.try_get::<i64, _>("n").unwrap(), 0);
    pool.close().await;
    let stored: usize = clients.iter().map(|c| c.next as usize).sum();
    println!(
        "{backend:?}: {KILLS} kills, {acked} messages acknowledged, {stored} sent, all checked"
    );
}
