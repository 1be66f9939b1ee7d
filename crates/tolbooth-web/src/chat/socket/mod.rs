//! Live chat over WebSocket (docs/protocol.md): the visitor's socket
//! (`/ws/chat`) and the operator's (`/ws/console`), and what they share —
//! frame limits, heartbeats, per-connection rate limits, bounded writes,
//! the Origin check and in-order delivery.

pub mod console;
mod delivery;
pub(crate) mod frames;
pub mod visitor;

use crate::state::AppState;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::{header, HeaderMap};
use serde::Serialize;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tolbooth_core::Code;
use tungstenite::Error as WsError;

pub use frames::Out;

/// Largest text frame a client may send, in bytes. A message body is at
/// most 4,000 characters (16,000 bytes of UTF-8) plus its JSON; anything
/// larger closes the socket with 1009.
pub const MAX_FRAME_BYTES: usize = 32 * 1024;
/// What the WebSocket library itself refuses outright.
const HARD_FRAME_BYTES: usize = 256 * 1024;
/// Bytes queued towards one client before the socket counts as stuck.
/// Every frame Tolbooth sends is built to fit well inside it (the queue
/// carries previews of questions, not whole texts); one that would not is
/// not sent, and the socket is closed saying why.
pub(crate) const MAX_WRITE_BUFFER: usize = 256 * 1024;
/// Longest one write may take before a slow reader is disconnected.
const WRITE_TIMEOUT: Duration = Duration::from_secs(10);
/// A burst of frames is this many seconds' worth of the steady rate.
const BURST_SECONDS: f64 = 4.0;
/// Refused frames after which the client is disconnected.
const MAX_REFUSED: u32 = 50;

/// Close codes Tolbooth uses beyond the standard ones (1000 normal, 1001
/// going away, 1008 policy, 1009 too big, 1011 server error).
pub mod close {
    /// The chat token is unknown, or the chat no longer exists.
    pub const NO_CHAT: u16 = 4004;
    /// The staff session ended or lost the right to answer chats.
    pub const SIGNED_OUT: u16 = 4001;
    /// Nothing heard from the client for `chat.socket_idle_seconds`.
    pub const IDLE: u16 = 4008;
    /// Too many frames refused for rate.
    pub const TOO_FAST: u16 = 4029;
    /// Too many sockets open from the client's address
    /// (`chat.sockets_per_address`).
    pub const TOO_MANY_SOCKETS: u16 = 4030;
    /// The client did not take what was sent within the write time-out.
    pub const TOO_SLOW: u16 = 4031;
    /// Server error: reconnect later.
    pub const SERVER_ERROR: u16 = 1011;
}

/// Read buffer per socket: frames are small, and a socket mostly waits;
/// the buffer grows for a larger frame (up to the frame limit).
const READ_BUFFER: usize = 1024;

/// The upgrade with Tolbooth's limits.
pub fn limited(ws: WebSocketUpgrade) -> WebSocketUpgrade {
    ws.read_buffer_size(READ_BUFFER)
        .max_message_size(HARD_FRAME_BYTES)
        .max_frame_size(HARD_FRAME_BYTES)
        .write_buffer_size(0)
        .max_write_buffer_size(MAX_WRITE_BUFFER)
}

/// The origin of the request's page, `scheme://host[:port]`, lower case.
fn origin(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .map(|o| o.trim_end_matches('/').to_ascii_lowercase())
}

/// Visitors' sockets open per client address (`chat.sockets_per_address`),
/// so that one address cannot hold the server's connections. An IPv6
/// client counts by its /64 network, which one household or device
/// usually has whole.
#[derive(Debug)]
pub struct SocketSlots {
    per_address: u32,
    open: std::sync::Mutex<std::collections::HashMap<IpAddr, u32>>,
}

/// One socket's place in [`SocketSlots`], given back when it is dropped.
#[derive(Debug)]
pub struct Slot {
    slots: Arc<SocketSlots>,
    key: IpAddr,
}

impl SocketSlots {
    pub fn new(per_address: u32) -> Arc<Self> {
        Arc::new(Self {
            per_address,
            open: std::sync::Mutex::default(),
        })
    }

    fn key(ip: IpAddr) -> IpAddr {
        match ip {
            IpAddr::V4(_) => ip,
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let mut segments = v6.segments();
                    segments[4..].fill(0);
                    IpAddr::V6(std::net::Ipv6Addr::from(segments))
                }
            },
        }
    }

    /// A place for a socket from `ip`, or `None` when that address has
    /// its allowance open already. Without an address (no peer known)
    /// nothing is counted.
    pub fn take(self: &Arc<Self>, ip: Option<IpAddr>) -> Option<Option<Slot>> {
        let Some(ip) = ip else {
            return Some(None);
        };
        let key = Self::key(ip);
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let count = open.entry(key).or_insert(0);
        if *count >= self.per_address {
            return None;
        }
        *count += 1;
        Some(Some(Slot {
            slots: self.clone(),
            key,
        }))
    }

    /// Sockets open from `ip`'s address.
    pub fn open_from(&self, ip: IpAddr) -> u32 {
        let open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        open.get(&Self::key(ip)).copied().unwrap_or(0)
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = open.get_mut(&self.key) {
            *count = count.saturating_sub(1);
            if *count == 0 {
                open.remove(&self.key);
            }
        }
    }
}

/// Reads a client's frame; one this server does not understand is
/// answered with `bad_frame` (and `None`), and the socket stays open.
pub async fn parse_frame<T: serde::de::DeserializeOwned>(
    wire: &mut Wire,
    text: &str,
) -> Result<Option<T>, Ending> {
    match serde_json::from_str(text) {
        Ok(f) => Ok(Some(f)),
        Err(e) => {
            let message = format!("not a frame this server knows: {e}");
            wire.send(&Out::error(Code::BadFrame, &message, None))
                .await?;
            Ok(None)
        }
    }
}

/// The console's socket: only from Tolbooth's own pages. A cross-site page
/// could otherwise open it with the operator's cookie.
pub fn console_origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    origin(headers).is_some_and(|o| state.own_origin.allows(headers, &o))
}

/// The visitor's socket: from Tolbooth's own pages, or a configured site.
/// Clients that are not browsers send no Origin and authenticate with the
/// chat token like everyone else.
pub fn visitor_origin_allowed(state: &AppState, headers: &HeaderMap) -> bool {
    match origin(headers) {
        None => true,
        Some(o) => state.own_origin.allows(headers, &o) || state.site_origins.contains(&o),
    }
}

/// A token bucket for one connection's frames
/// (`chat.socket_frames_per_second`, in bursts of four seconds' worth).
struct Bucket {
    tokens: f64,
    burst: f64,
    per_second: f64,
    at: Instant,
    refused: u32,
}

impl Bucket {
    fn new(per_second: u32) -> Self {
        let per_second = f64::from(per_second);
        Self {
            tokens: per_second * BURST_SECONDS,
            burst: per_second * BURST_SECONDS,
            per_second,
            at: Instant::now(),
            refused: 0,
        }
    }

    fn take(&mut self) -> bool {
        let now = Instant::now();
        let earned = now.duration_since(self.at).as_secs_f64() * self.per_second;
        self.tokens = (self.tokens + earned).min(self.burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            self.refused += 1;
            false
        }
    }
}

/// Why a connection ends.
#[derive(Debug)]
pub enum Ending {
    /// The client closed or vanished; nothing more to say.
    Gone,
    /// Tolbooth closes with this code and reason.
    Close(u16, &'static str),
}

/// One socket with its limits: heartbeats, idle timeout, rate and bounded
/// writes. The visitor's and operator's loops read and write through it.
pub struct Wire {
    /// The socket's route, for the log line when it is closed.
    route: &'static str,
    socket: WebSocket,
    bucket: Bucket,
    last_heard: Instant,
    idle: Duration,
}

/// What a read produced.
pub enum Read {
    /// A text frame within the limits, allowed by the rate limit.
    Text(String),
    /// A frame refused for rate; already answered.
    Refused,
    /// A heartbeat or control frame; nothing to do.
    Nothing,
}

impl Wire {
    pub fn new(
        route: &'static str,
        socket: WebSocket,
        chat: &tolbooth_core::config::ChatConfig,
    ) -> Self {
        let idle = Duration::from_secs(u64::from(chat.socket_idle_seconds));
        Self {
            route,
            socket,
            bucket: Bucket::new(chat.socket_frames_per_second),
            last_heard: Instant::now(),
            idle,
        }
    }

    /// How often heartbeats go out: a third of the idle limit.
    pub fn heartbeat_every(&self) -> Duration {
        self.idle / 3
    }

    /// Sends a heartbeat, or ends the connection if the client has been
    /// silent too long.
    pub async fn heartbeat(&mut self) -> Result<(), Ending> {
        if self.last_heard.elapsed() > self.idle {
            return Err(Ending::Close(close::IDLE, "idle"));
        }
        self.raw(Message::Ping(Vec::new().into())).await
    }

    /// The next frame from the client (cancel-safe: a partly read frame
    /// stays in the socket's buffer).
    pub async fn read(&mut self) -> Result<Read, Ending> {
        let message = match self.socket.recv().await {
            None => return Err(Ending::Gone),
            Some(Ok(m)) => m,
            Some(Err(e)) => {
                let text = e.to_string();
                return if text.contains("too long") || text.contains("Space limit") {
                    Err(Ending::Close(
                        axum::extract::ws::close_code::SIZE,
                        "frame too large",
                    ))
                } else {
                    Err(Ending::Gone)
                };
            }
        };
        self.last_heard = Instant::now();
        match message {
            Message::Text(text) => {
                if text.len() > MAX_FRAME_BYTES {
                    return Err(Ending::Close(
                        axum::extract::ws::close_code::SIZE,
                        "frame too large",
                    ));
                }
                if !self.bucket.take() {
                    if self.bucket.refused > MAX_REFUSED {
                        return Err(Ending::Close(close::TOO_FAST, "too many frames"));
                    }
                    self.send(&Out::error(
                        Code::RateLimited,
                        "too many frames; slow down",
                        None,
                    ))
                    .await?;
                    return Ok(Read::Refused);
                }
                Ok(Read::Text(text.as_str().to_owned()))
            }
            Message::Binary(_) => Err(Ending::Close(
                axum::extract::ws::close_code::UNSUPPORTED,
                "text frames only",
            )),
            Message::Close(_) => Err(Ending::Gone),
            Message::Ping(_) | Message::Pong(_) => Ok(Read::Nothing),
        }
    }

    /// Sends one frame as JSON; a client that does not take it within the
    /// write timeout is disconnected. A frame larger than the write bound
    /// is not sent: the socket is closed with 1011, saying so.
    pub async fn send<T: Serialize>(&mut self, frame: &T) -> Result<(), Ending> {
        let text = serde_json::to_string(frame)
            .map_err(|_| Ending::Close(close::SERVER_ERROR, "server error"))?;
        if text.len() > MAX_WRITE_BUFFER {
            return Err(Ending::Close(
                close::SERVER_ERROR,
                "frame too large to send",
            ));
        }
        self.raw(Message::Text(text.into())).await
    }

    async fn raw(&mut self, message: Message) -> Result<(), Ending> {
        match tokio::time::timeout(WRITE_TIMEOUT, self.socket.send(message)).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(match e.into_inner().downcast_ref::<WsError>() {
                // The client is not reading: the bound on queued bytes.
                Some(WsError::WriteBufferFull(_)) => {
                    Ending::Close(close::TOO_SLOW, "client not reading")
                }
                _ => Ending::Gone,
            }),
            Err(_) => Err(Ending::Close(close::TOO_SLOW, "write timed out")),
        }
    }

    /// Ends the connection as `ending` says.
    pub async fn finish(mut self, ending: Ending) {
        if let Ending::Close(code, reason) = ending {
            // Why, in a line an operator can find: the route, the code and
            // the reason; never what the frames carried.
            if code == close::SERVER_ERROR || code == close::TOO_SLOW {
                tracing::warn!(route = self.route, code, reason, "closing a socket");
            } else {
                tracing::info!(route = self.route, code, reason, "closing a socket");
            }
            let frame = CloseFrame {
                code,
                reason: reason.into(),
            };
            // Send the close frame, then read until the client answers it,
            // so that the client sees the code rather than a reset
            // connection.
            let _ = tokio::time::timeout(Duration::from_secs(2), async {
                if self.socket.send(Message::Close(Some(frame))).await.is_ok() {
                    while let Some(Ok(m)) = self.socket.recv().await {
                        if matches!(m, Message::Close(_)) {
                            break;
                        }
                    }
                }
            })
            .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::SocketSlots;
    use std::net::IpAddr;

    #[test]
    fn sockets_are_counted_per_address_and_given_back() {
        let slots = SocketSlots::new(2);
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        let first = slots.take(Some(a)).unwrap();
        let second = slots.take(Some(a)).unwrap();
        assert!(slots.take(Some(a)).is_none(), "a third from one address");
        assert!(slots.take(Some(b)).is_some(), "another address");
        drop(first);
        let third = slots.take(Some(a));
        assert!(third.is_some(), "a place given back is free again");
        drop((second, third));
        assert_eq!(slots.open_from(a), 0);
        assert!(slots.take(None).is_some(), "no address, nothing counted");
    }

    #[test]
    fn an_ipv6_client_counts_by_its_network() {
        let slots = SocketSlots::new(1);
        let one: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_net: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let other_net: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        let _held = slots.take(Some(one)).unwrap();
        assert!(slots.take(Some(same_net)).is_none());
        assert!(slots.take(Some(other_net)).is_some());
        let mapped: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        let v4: IpAddr = "203.0.113.7".parse().unwrap();
        let _m = slots.take(Some(mapped)).unwrap();
        assert!(
            slots.take(Some(v4)).is_none(),
            "a mapped address is the IPv4 one"
        );
    }
}
