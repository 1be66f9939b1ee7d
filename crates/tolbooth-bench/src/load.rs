//! The open-loop load generator. Visitors send on a fixed schedule, not
//! when the previous message was answered, and latency runs from each
//! message's intended send time to its arrival at the operator's console,
//! so a server that falls behind is charged for the queue it builds.

use anyhow::{bail, Context};
use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt, StreamExt};
use hdrhistogram::Histogram;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::server::Server;

type Ws = WebSocketStream<MaybeTlsStream<TcpStream>>;

pub async fn connect(base: &str, path: &str, cookie: Option<&str>) -> anyhow::Result<Ws> {
    let url = format!("{}{}", base.replacen("http", "ws", 1), path);
    let mut req = url.into_client_request()?;
    req.headers_mut()
        .insert("origin", HeaderValue::from_str(base)?);
    if let Some(c) = cookie {
        req.headers_mut()
            .insert("cookie", HeaderValue::from_str(c)?);
    }
    let (ws, _) = tokio_tungstenite::connect_async(req).await?;
    Ok(ws)
}

async fn next_json(ws: &mut SplitStream<Ws>) -> anyhow::Result<Value> {
    loop {
        match tokio::time::timeout(Duration::from_secs(30), ws.next()).await {
            Err(_) => bail!("no frame for 30 s"),
            Ok(None) => bail!("socket closed"),
            Ok(Some(m)) => {
                if let Message::Text(t) = m? {
                    return Ok(serde_json::from_str(t.as_str())?);
                }
            }
        }
    }
}

async fn expect(ws: &mut SplitStream<Ws>, kind: &str) -> anyhow::Result<Value> {
    loop {
        let v = next_json(ws).await?;
        if v["type"] == kind {
            return Ok(v);
        }
        if v["type"] == "error" {
            bail!("server refused: {v}");
        }
    }
}

/// Memory per idle visitor connection: the server's resident memory with
/// `n` open visitor sockets (each has had its welcome), less before.
pub async fn idle_memory(server: &Server, n: usize) -> anyhow::Result<(u64, u64)> {
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = server.rss()?;
    let mut open = Vec::with_capacity(n);
    for chunk in 0..n.div_ceil(500) {
        let batch = (chunk * 500..((chunk + 1) * 500).min(n)).map(|_| async {
            let ws = connect(&server.base, "/ws/chat", None).await?;
            let (sink, mut stream) = ws.split();
            expect(&mut stream, "welcome").await?;
            anyhow::Ok((sink, stream))
        });
        for r in futures_util::future::join_all(batch).await {
            open.push(r?);
        }
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss()?;
    drop(open);
    tokio::time::sleep(Duration::from_secs(1)).await;
    Ok((before, after))
}

/// One step of offered load.
#[derive(Debug, Clone, Copy)]
pub struct Phase {
    pub rate: f64,
    pub seconds: f64,
    pub recorded: bool,
}

#[derive(Debug)]
pub struct PhaseResult {
    pub phase: Phase,
    pub histogram: Histogram<u64>,
    pub delivered: u64,
}

#[derive(Debug)]
pub struct RunResult {
    pub phases: Vec<PhaseResult>,
    pub sent: u64,
    pub acked: u64,
    pub delivered: u64,
    pub out_of_order: u64,
    pub stored_checked: Option<u64>,
    /// Stored but never seen by the operator before the run ended.
    pub undelivered: u64,
    pub aborted_at: Option<usize>,
}

struct Shared {
    epoch: Instant,
    histograms: Mutex<Vec<Histogram<u64>>>,
    delivered_per_phase: Vec<AtomicU64>,
    /// Per chat: the next message number the operator should receive.
    expected: Vec<AtomicU64>,
    out_of_order: AtomicU64,
    delivered: AtomicU64,
    acked: AtomicU64,
    sent: AtomicU64,
    stop: AtomicBool,
}

/// A visitor's chat once started: its id, its token and its socket.
struct Visitor {
    id: String,
    token: String,
    sink: SplitSink<Ws, Message>,
    stream: SplitStream<Ws>,
}

type Console = (SplitSink<Ws, Message>, SplitStream<Ws>);

/// Sets up `chats` chats, each accepted by one of the operators, then runs
/// the phases and checks every message.
pub async fn run(server: &Server, chats: usize, phases: &[Phase]) -> anyhow::Result<RunResult> {
    let relay = server.kind == crate::server::Kind::Relay;
    let visitors = start_chats(server, chats).await?;
    let consoles = accept_chats(server, &visitors).await?;
    let shared = Arc::new(Shared::new(phases, chats)?);
    let (tokens, aborted_at) = drive(visitors, consoles, phases, &shared).await?;

    // Tolbooth only: every message is in the store, once, in order.
    let mut undelivered = 0u64;
    let stored_checked = if relay {
        None
    } else {
        Some(check_stored(server, &tokens, &shared, &mut undelivered).await?)
    };
    Ok(shared.result(phases, stored_checked, undelivered, aborted_at))
}

/// Visitors start their chats, 200 at a time.
async fn start_chats(server: &Server, chats: usize) -> anyhow::Result<Vec<Visitor>> {
    let mut visitors = Vec::with_capacity(chats);
    for chunk in (0..chats).collect::<Vec<_>>().chunks(200) {
        let batch = chunk.iter().map(|i| async move {
            let ws = connect(&server.base, "/ws/chat", None).await?;
            let (mut sink, mut stream) = ws.split();
            expect(&mut stream, "welcome").await?;
            sink.send(Message::Text(
                json!({"type": "start", "question": format!("benchmark chat {i}")})
                    .to_string()
                    .into(),
            ))
            .await?;
            let started = expect(&mut stream, "started").await?;
            let id = started["chat_id"]
                .as_str()
                .context("no chat id")?
                .to_owned();
            let token = started["token"].as_str().context("no token")?.to_owned();
            anyhow::Ok(Visitor {
                id,
                token,
                sink,
                stream,
            })
        });
        for r in futures_util::future::join_all(batch).await {
            visitors.push(r?);
        }
    }
    Ok(visitors)
}

/// Operators accept their share (at most 50 open per console).
async fn accept_chats(server: &Server, visitors: &[Visitor]) -> anyhow::Result<Vec<Console>> {
    let operators = server.operators.len().max(1);
    let chats = visitors.len();
    let mut consoles = Vec::new();
    for op in 0..operators {
        let cookie = server.operators.get(op).map(String::as_str);
        let ws = connect(&server.base, "/ws/console", cookie).await?;
        let (mut sink, mut stream) = ws.split();
        expect(&mut stream, "hello").await?;
        let mine: Vec<usize> = (op..chats).step_by(operators).collect();
        for i in &mine {
            sink.send(Message::Text(
                json!({"type": "accept", "chat_id": visitors[*i].id})
                    .to_string()
                    .into(),
            ))
            .await?;
        }
        let mut accepted = 0;
        while accepted < mine.len() {
            let v = next_json(&mut stream).await?;
            if v["type"] == "state" && v["state"] == "accepted" {
                accepted += 1;
            } else if v["type"] == "error" {
                bail!("accept refused: {v}");
            }
        }
        consoles.push((sink, stream));
    }
    Ok(consoles)
}

impl Shared {
    fn new(phases: &[Phase], chats: usize) -> anyhow::Result<Self> {
        Ok(Shared {
            epoch: Instant::now(),
            histograms: Mutex::new(
                phases
                    .iter()
                    .map(|_| Histogram::new_with_bounds(1, 60_000_000_000, 3))
                    .collect::<Result<_, _>>()?,
            ),
            delivered_per_phase: phases.iter().map(|_| AtomicU64::new(0)).collect(),
            expected: (0..chats).map(|_| AtomicU64::new(0)).collect(),
            out_of_order: AtomicU64::new(0),
            delivered: AtomicU64::new(0),
            acked: AtomicU64::new(0),
            sent: AtomicU64::new(0),
            stop: AtomicBool::new(false),
        })
    }

    /// The run's figures, once everything is drained.
    fn result(
        &self,
        phases: &[Phase],
        stored_checked: Option<u64>,
        undelivered: u64,
        aborted_at: Option<usize>,
    ) -> RunResult {
        let histograms = std::mem::take(
            &mut *self
                .histograms
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        );
        RunResult {
            phases: phases
                .iter()
                .zip(histograms)
                .enumerate()
                .map(|(i, (phase, histogram))| PhaseResult {
                    phase: *phase,
                    histogram,
                    delivered: self.delivered_per_phase[i].load(Ordering::Relaxed),
                })
                .collect(),
            sent: self.sent.load(Ordering::Relaxed),
            acked: self.acked.load(Ordering::Relaxed),
            delivered: self.delivered.load(Ordering::Relaxed),
            out_of_order: self.out_of_order.load(Ordering::Relaxed),
            stored_checked,
            undelivered,
            aborted_at,
        }
    }
}

/// Runs the phases over the open chats: readers on every socket, a sender
/// per chat on the schedule, a watchdog; then waits for everything sent
/// to be acknowledged and delivered. Returns each chat's id and token,
/// and the earliest phase a sender stopped in.
async fn drive(
    visitors: Vec<Visitor>,
    consoles: Vec<Console>,
    phases: &[Phase],
    shared: &Arc<Shared>,
) -> anyhow::Result<(Vec<(String, String)>, Option<usize>)> {
    let chats = visitors.len();
    // Operators' readers: latency and order.
    let mut readers = Vec::new();
    let mut console_sinks = Vec::new();
    for (sink, stream) in consoles {
        console_sinks.push(sink);
        readers.push(tolbooth_workers::spawn_task(
            "operator-reader",
            operator_reader(stream, shared.clone()),
        ));
    }
    // Visitors' readers count acknowledgements; senders follow the schedule.
    let start_at = Instant::now() + Duration::from_millis(500);
    let mut senders = Vec::new();
    let mut tokens = Vec::new();
    for (i, visitor) in visitors.into_iter().enumerate() {
        tokens.push((visitor.id, visitor.token));
        readers.push(tolbooth_workers::spawn_task(
            "visitor-reader",
            visitor_reader(visitor.stream, shared.clone()),
        ));
        senders.push(tolbooth_workers::spawn_task(
            "visitor-sender",
            visitor_sender(
                visitor.sink,
                i,
                chats,
                phases.to_vec(),
                start_at,
                shared.clone(),
            ),
        ));
    }
    let watchdog = watchdog(shared.clone());
    let mut aborted_at = None;
    let mut visitor_sinks = Vec::new();
    for s in senders {
        let (stopped, sink) = s.await?;
        visitor_sinks.push(sink);
        if let Some(p) = stopped {
            aborted_at = Some(aborted_at.map_or(p, |a: usize| a.min(p)));
        }
    }
    watchdog.abort();
    drain(shared).await;
    for r in &readers {
        r.abort();
    }
    drop(console_sinks);
    drop(visitor_sinks);
    Ok((tokens, aborted_at))
}

/// A watchdog that stops the run once the server is hopelessly behind.
fn watchdog(shared: Arc<Shared>) -> tokio::task::JoinHandle<()> {
    tolbooth_workers::spawn_task("watchdog", async move {
        loop {
            tokio::time::sleep(Duration::from_millis(250)).await;
            let sent = shared.sent.load(Ordering::Relaxed);
            let delivered = shared.delivered.load(Ordering::Relaxed);
            if sent.saturating_sub(delivered) > 60_000 {
                shared.stop.store(true, Ordering::Relaxed);
                return;
            }
        }
    })
}

/// Waits (up to a minute) for everything sent to be acknowledged and
/// delivered.
async fn drain(shared: &Shared) {
    let drain_deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let sent = shared.sent.load(Ordering::Relaxed);
        if shared.delivered.load(Ordering::Relaxed) >= sent
            && shared.acked.load(Ordering::Relaxed) >= sent
        {
            break;
        }
        if Instant::now() > drain_deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Resumes every chat and checks that its messages are all in the store,
/// once and in order; returns how many were found, and adds those stored
/// but never delivered to `undelivered`.
async fn check_stored(
    server: &Server,
    tokens: &[(String, String)],
    shared: &Shared,
    undelivered: &mut u64,
) -> anyhow::Result<u64> {
    let mut total = 0u64;
    for (i, (_, token)) in tokens.iter().enumerate() {
        let want = shared.expected[i].load(Ordering::Relaxed);
        let k = stored_count(server, i, token).await?;
        if k < want {
            bail!("chat {i}: {want} delivered but only {k} stored");
        }
        if k > want {
            *undelivered += k - want;
        }
        total += k;
    }
    Ok(total)
}

/// How many messages chat `i` has in the store, checking they are the
/// generator's, in order.
async fn stored_count(server: &Server, i: usize, token: &str) -> anyhow::Result<u64> {
    let ws = connect(&server.base, "/ws/chat", None).await?;
    let (mut sink, mut stream) = ws.split();
    sink.send(Message::Text(
        json!({"type": "resume", "token": token, "after": 1})
            .to_string()
            .into(),
    ))
    .await?;
    sink.send(Message::Text(json!({"type": "ping"}).to_string().into()))
        .await?;
    let mut k = 0u64;
    loop {
        let v = next_json(&mut stream).await?;
        match v["type"].as_str() {
            Some("message") => {
                let n = parse(v["text"].as_str().unwrap_or_default())
                    .map(|m| m.k)
                    .context("a stored message the generator did not send")?;
                if n != k {
                    bail!("chat {i}: stored message {n} where {k} was expected");
                }
                k += 1;
            }
            Some("pong") => break,
            _ => {}
        }
    }
    Ok(k)
}

struct Sent {
    phase: usize,
    chat: usize,
    k: u64,
    intended_ns: u64,
}

/// The generator's message text: `b PHASE CHAT K INTENDED_NS`.
fn parse(text: &str) -> Option<Sent> {
    let mut parts = text.strip_prefix("b ")?.split(' ');
    Some(Sent {
        phase: parts.next()?.parse().ok()?,
        chat: parts.next()?.parse().ok()?,
        k: parts.next()?.parse().ok()?,
        intended_ns: parts.next()?.parse().ok()?,
    })
}

/// Sends chat `i`'s messages on schedule; returns the phase it stopped in
/// if the run was stopped, and the socket's sending half (kept open until
/// everything is delivered).
async fn visitor_sender(
    mut sink: SplitSink<Ws, Message>,
    i: usize,
    chats: usize,
    phases: Vec<Phase>,
    start_at: Instant,
    shared: Arc<Shared>,
) -> (Option<usize>, SplitSink<Ws, Message>) {
    let mut k = 0u64;
    let mut phase_start = start_at;
    for (p, phase) in phases.iter().enumerate() {
        let per_chat = phase.rate / chats as f64;
        let interval = Duration::from_secs_f64(1.0 / per_chat);
        let count = (phase.seconds * per_chat).round() as u64;
        // Spread the chats over the interval.
        let offset = interval.mul_f64(i as f64 / chats as f64);
        for n in 0..count {
            if shared.stop.load(Ordering::Relaxed) {
                return (Some(p), sink);
            }
            let intended = phase_start + offset + interval.mul_f64(n as f64);
            tokio::time::sleep_until(intended.into()).await;
            let intended_ns = intended.duration_since(shared.epoch).as_nanos() as u64;
            let frame = format!(
                r#"{{"type":"send","client_id":"m{k}","text":"b {p} {i} {k} {intended_ns}"}}"#
            );
            if sink.send(Message::Text(frame.into())).await.is_err() {
                return (Some(p), sink);
            }
            shared.sent.fetch_add(1, Ordering::Relaxed);
            k += 1;
        }
        phase_start += Duration::from_secs_f64(phase.seconds);
    }
    (None, sink)
}

async fn visitor_reader(mut stream: SplitStream<Ws>, shared: Arc<Shared>) {
    while let Some(Ok(m)) = stream.next().await {
        if let Message::Text(t) = m {
            if t.as_str().contains(r#""type":"ack""#) {
                shared.acked.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

async fn operator_reader(mut stream: SplitStream<Ws>, shared: Arc<Shared>) {
    loop {
        let m = match stream.next().await {
            Some(Ok(m)) => m,
            other => {
                eprintln!("an operator's socket ended: {other:?}");
                return;
            }
        };
        let Message::Text(t) = m else {
            if let Message::Close(c) = m {
                eprintln!("an operator's socket was closed: {c:?}");
            }
            continue;
        };
        let t = t.as_str();
        if !t.contains(r#""type":"message""#) {
            continue;
        }
        let now_ns = shared.epoch.elapsed().as_nanos() as u64;
        let Ok(v) = serde_json::from_str::<Value>(t) else {
            continue;
        };
        let Some(sent) = v["text"].as_str().and_then(parse) else {
            continue;
        };
        let expected = &shared.expected[sent.chat];
        if expected.load(Ordering::Relaxed) == sent.k {
            expected.store(sent.k + 1, Ordering::Relaxed);
        } else {
            shared.out_of_order.fetch_add(1, Ordering::Relaxed);
        }
        shared.delivered.fetch_add(1, Ordering::Relaxed);
        shared.delivered_per_phase[sent.phase].fetch_add(1, Ordering::Relaxed);
        let latency = now_ns.saturating_sub(sent.intended_ns).max(1);
        if let Ok(mut h) = shared.histograms.lock() {
            let _ = h[sent.phase].record(latency);
        }
    }
}
