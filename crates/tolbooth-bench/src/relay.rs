//! The bare relay: the ceiling Tolbooth is measured against. The same
//! frames on the same WebSocket stack (axum), the subset the load
//! generator uses — start, send with an acknowledgement, accept, message
//! delivery to both sides — and nothing else: no database, no audit, no
//! checks. Whatever Tolbooth costs beyond this is its own.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc;

type Outbox = mpsc::Sender<String>;

#[derive(Default)]
struct Chat {
    seq: i64,
    visitor: Option<Outbox>,
    operator: Option<Outbox>,
}

#[derive(Default)]
struct Relay {
    chats: Mutex<HashMap<String, Chat>>,
    next: Mutex<u64>,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub async fn serve(listen: &str) -> anyhow::Result<()> {
    let relay = Arc::new(Relay::default());
    let app = Router::new()
        .route("/ws/chat", get(visitor))
        .route("/ws/console", get(console))
        .with_state(relay);
    let listener = tokio::net::TcpListener::bind(listen).await?;
    println!("Relay listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn visitor(State(relay): State<Arc<Relay>>, ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(4096)
        .on_upgrade(move |socket| run(relay, socket, false))
}

async fn console(State(relay): State<Arc<Relay>>, ws: WebSocketUpgrade) -> Response {
    ws.read_buffer_size(4096)
        .on_upgrade(move |socket| run(relay, socket, true))
}

async fn run(relay: Arc<Relay>, socket: WebSocket, operator: bool) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::channel::<String>(1024);
    let writer = tolbooth_workers::spawn_task("relay-writer", async move {
        while let Some(text) = rx.recv().await {
            if sink.send(Message::Text(text.into())).await.is_err() {
                break;
            }
        }
    });
    let hello = if operator {
        json!({"type": "hello"})
    } else {
        json!({"type": "welcome", "open": true, "operators_available": true})
    };
    let _ = tx.send(hello.to_string()).await;
    let mut mine: Option<String> = None;
    while let Some(Ok(Message::Text(text))) = stream.next().await {
        let Ok(frame) = serde_json::from_str::<Value>(text.as_str()) else {
            continue;
        };
        let out = match (frame["type"].as_str(), operator) {
            (Some("start"), false) => start(&relay, &tx, &mut mine),
            (Some("send"), _) => {
                let id = if operator {
                    frame["chat_id"].as_str().map(str::to_owned)
                } else {
                    mine.clone()
                };
                send(&relay, &tx, operator, id, &frame)
            }
            (Some("accept"), true) => accept(&relay, &tx, &frame),
            (Some("ping"), _) => vec![(tx.clone(), json!({"type": "pong"}).to_string())],
            _ => Vec::new(),
        };
        for (to, text) in out {
            let _ = to.send(text).await;
        }
    }
    drop(tx);
    let _ = writer.await;
}

/// A visitor starts a chat: it becomes the socket's own.
fn start(relay: &Relay, tx: &Outbox, mine: &mut Option<String>) -> Vec<(Outbox, String)> {
    let id = {
        let mut n = lock(&relay.next);
        *n += 1;
        format!("R-{n}")
    };
    let chat = Chat {
        seq: 1,
        visitor: Some(tx.clone()),
        operator: None,
    };
    lock(&relay.chats).insert(id.clone(), chat);
    *mine = Some(id.clone());
    vec![
        (
            tx.clone(),
            json!({"type": "started", "chat_id": id, "token": id}).to_string(),
        ),
        (
            tx.clone(),
            json!({"type": "state", "chat_id": id, "state": "requested"}).to_string(),
        ),
    ]
}

/// A message in chat `id`: acknowledged to the sender, delivered to both
/// sides.
fn send(
    relay: &Relay,
    tx: &Outbox,
    operator: bool,
    id: Option<String>,
    frame: &Value,
) -> Vec<(Outbox, String)> {
    let mut out = Vec::new();
    let Some(id) = id else { return out };
    let mut chats = lock(&relay.chats);
    let Some(chat) = chats.get_mut(&id) else {
        return out;
    };
    chat.seq += 1;
    let message = json!({
        "type": "message", "chat_id": id, "seq": chat.seq,
        "from": if operator { "operator" } else { "visitor" },
        "client_id": frame["client_id"], "text": frame["text"],
    })
    .to_string();
    let ack = json!({"type": "ack", "chat_id": id, "client_id": frame["client_id"], "seq": chat.seq, "duplicate": false});
    out.push((tx.clone(), ack.to_string()));
    for side in [&chat.visitor, &chat.operator].into_iter().flatten() {
        out.push((side.clone(), message.clone()));
    }
    out
}

/// An operator accepts a chat: both sides hear it.
fn accept(relay: &Relay, tx: &Outbox, frame: &Value) -> Vec<(Outbox, String)> {
    let mut out = Vec::new();
    let Some(id) = frame["chat_id"].as_str() else {
        return out;
    };
    let mut chats = lock(&relay.chats);
    let Some(chat) = chats.get_mut(id) else {
        return out;
    };
    chat.operator = Some(tx.clone());
    let state = json!({"type": "state", "chat_id": id, "state": "accepted"}).to_string();
    out.push((tx.clone(), state.clone()));
    if let Some(v) = &chat.visitor {
        out.push((v.clone(), state));
    }
    out
}
