//! Who is asking: the peer address and this request's id.

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use tolbooth_core::staff::ClientContext;

/// The id given to this request by [`crate::middleware::request_id`].
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// The client context for throttling and the audit trail.
#[derive(Debug, Clone)]
pub struct Client(pub ClientContext);

/// The client's address as [`crate::middleware::client_address`] worked it
/// out: the peer, or what a trusted proxy forwarded.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

pub fn context_of(parts: &Parts) -> ClientContext {
    let ip = parts.extensions.get::<ClientIp>().map(|c| c.0).or_else(|| {
        parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip())
    });
    let request_id = parts.extensions.get::<RequestId>().map(|r| r.0.clone());
    ClientContext { ip, request_id }
}

impl<S: Send + Sync> FromRequestParts<S> for Client {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Client(context_of(parts)))
    }
}
