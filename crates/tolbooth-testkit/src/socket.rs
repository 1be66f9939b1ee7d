//! A WebSocket client for the live chat protocol: JSON frames in and out,
//! heartbeats answered, waits bounded so that a missing frame fails the
//! test instead of hanging it.

use futures_util::{SinkExt, StreamExt};
use serde_json::Value;
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// How long a test waits for a frame it expects.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<TcpStream>>,
}

/// Why a connection attempt or a wait failed.
#[derive(Debug)]
pub enum SocketEnd {
    /// The server refused the upgrade with this HTTP status.
    Refused(u16),
    /// The server closed the socket with this code.
    Closed(Option<u16>),
    TimedOut,
}

impl Socket {
    /// Opens `path` on `base_url` (`http://...`), with an Origin and a
    /// Cookie header when given.
    pub async fn connect(
        base_url: &str,
        path: &str,
        origin: Option<&str>,
        cookie: Option<&str>,
    ) -> Result<Socket, SocketEnd> {
        let url = format!("{}{}", base_url.replacen("http", "ws", 1), path);
        let mut request = url.into_client_request().unwrap();
        if let Some(o) = origin {
            request
                .headers_mut()
                .insert("origin", HeaderValue::from_str(o).unwrap());
        }
        if let Some(c) = cookie {
            request
                .headers_mut()
                .insert("cookie", HeaderValue::from_str(c).unwrap());
        }
        match tokio_tungstenite::connect_async(request).await {
            Ok((stream, _)) => Ok(Socket { stream }),
            Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
                Err(SocketEnd::Refused(res.status().as_u16()))
            }
            Err(_) => Err(SocketEnd::Closed(None)),
        }
    }

    pub async fn send(&mut self, frame: Value) {
        self.try_send(frame).await.unwrap();
    }

    /// Sends a frame; an error means the connection is gone.
    pub async fn try_send(&mut self, frame: Value) -> Result<(), SocketEnd> {
        self.stream
            .send(Message::Text(frame.to_string().into()))
            .await
            .map_err(|_| SocketEnd::Closed(None))
    }

    /// Sends raw text, for malformed and oversized frames.
    pub async fn send_raw(&mut self, text: String) {
        let _ = self.stream.send(Message::Text(text.into())).await;
    }

    /// The next JSON frame.
    pub async fn next(&mut self) -> Result<Value, SocketEnd> {
        loop {
            let message = match tokio::time::timeout(WAIT, self.stream.next()).await {
                Err(_) => return Err(SocketEnd::TimedOut),
                Ok(None) => return Err(SocketEnd::Closed(None)),
                Ok(Some(Err(_))) => return Err(SocketEnd::Closed(None)),
                Ok(Some(Ok(m))) => m,
            };
            match message {
                Message::Text(t) => return Ok(serde_json::from_str(t.as_str()).unwrap()),
                Message::Close(frame) => {
                    return Err(SocketEnd::Closed(frame.map(|f| u16::from(f.code))))
                }
                _ => continue,
            }
        }
    }

    /// The next frame of `kind`, skipping others; panics after [`WAIT`].
    pub async fn expect(&mut self, kind: &str) -> Value {
        loop {
            match self.next().await {
                Ok(v) if v["type"] == kind => return v,
                Ok(_) => continue,
                Err(e) => panic!("waiting for a {kind:?} frame: {e:?}"),
            }
        }
    }

    /// Frames of `kind` until one satisfies `done`, returning all of them.
    pub async fn collect_until(
        &mut self,
        kind: &str,
        mut done: impl FnMut(&Value) -> bool,
    ) -> Vec<Value> {
        let mut seen = Vec::new();
        loop {
            let v = self.expect(kind).await;
            let stop = done(&v);
            seen.push(v);
            if stop {
                return seen;
            }
        }
    }

    /// Waits for the server to close the socket and returns its code.
    pub async fn closed(&mut self) -> Result<Option<u16>, SocketEnd> {
        loop {
            match self.next().await {
                Ok(_) => continue,
                Err(SocketEnd::Closed(code)) => return Ok(code),
                Err(e) => return Err(e),
            }
        }
    }

    /// Drops the connection without a closing handshake, as a lost network
    /// would.
    pub fn cut(self) {
        drop(self.stream);
    }
}
