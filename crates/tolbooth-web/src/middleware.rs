//! Layers every response passes through.

use crate::client::{ClientIp, RequestId};
use crate::metrics::HttpLabels;
use crate::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;
use std::net::SocketAddr;
use std::time::Instant;

/// Gives every request a fresh id (an incoming `x-request-id` is ignored:
/// it could carry anything) and returns it in the response.
pub async fn request_id(mut req: Request, next: Next) -> Response {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let id = hex::encode(bytes);
    req.extensions_mut().insert(RequestId(id.clone()));
    let mut res = next.run(req).await;
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert("x-request-id", v);
    }
    res
}

/// Works out the client's address once per request (the socket's peer,
/// or what a trusted proxy forwarded) and leaves it in the request's
/// extensions for [`crate::client::context_of`].
pub async fn client_address(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if let Some(peer) = peer {
        // Several X-Forwarded-For headers read as one list, in order.
        let forwarded: Vec<&str> = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        let joined = forwarded.join(",");
        let header = (!forwarded.is_empty()).then_some(joined.as_str());
        let ip = state.trusted_proxies.client_ip(peer, header);
        req.extensions_mut().insert(ClientIp(ip));
    }
    next.run(req).await
}

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub async fn security_headers(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=63072000; includeSubDomains"),
        );
    }
    res
}

/// An origin as browsers compare them: scheme, host and port (the
/// default port of the scheme when none is written).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Origin {
    scheme: String,
    host: String,
    port: u16,
}

impl Origin {
    /// Reads `scheme://host[:port]` (a path after it, as in a public URL,
    /// is ignored). Only `http` and `https` are origins Tolbooth serves.
    pub(crate) fn parse(text: &str) -> Option<Origin> {
        let text = text.trim().to_ascii_lowercase();
        let (scheme, rest) = text.split_once("://")?;
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        Self::with_scheme(scheme, authority)
    }

    /// `host[:port]` as a `Host` header gives it, under `scheme`.
    fn with_scheme(scheme: &str, authority: &str) -> Option<Origin> {
        let authority = authority.trim().to_ascii_lowercase();
        if authority.is_empty() || authority.contains('@') {
            return None;
        }
        let default = if scheme == "https" { 443 } else { 80 };
        // An IPv6 literal keeps its colons inside brackets.
        let split_at = match authority.rfind(']') {
            Some(close) => authority[close..].find(':').map(|i| close + i),
            None => authority.rfind(':'),
        };
        let (host, port) = match split_at {
            Some(i) => (&authority[..i], authority[i + 1..].parse::<u16>().ok()?),
            None => (authority.as_str(), default),
        };
        if host.is_empty() {
            return None;
        }
        Some(Origin {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port,
        })
    }
}

/// Where Tolbooth's own pages come from: the scheme this server answers
/// (`https` when it serves TLS itself) with the host the request was sent
/// to, and the origin of `server.public_url` (the address people use
/// behind a proxy). Scheme, host and port must all match.
#[derive(Debug, Clone)]
pub struct OwnOrigin {
    scheme: &'static str,
    public: Option<Origin>,
}

impl OwnOrigin {
    pub fn from_config(config: &tolbooth_core::Config) -> Self {
        OwnOrigin {
            scheme: if config.server.tls.is_some() {
                "https"
            } else {
                "http"
            },
            public: config.server.public_url.as_deref().and_then(Origin::parse),
        }
    }

    /// Whether `origin` (an `Origin` header) is one of Tolbooth's own.
    pub fn allows(&self, headers: &axum::http::HeaderMap, origin: &str) -> bool {
        let Some(origin) = Origin::parse(origin) else {
            return false;
        };
        if self.public.as_ref() == Some(&origin) {
            return true;
        }
        headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(|host| Origin::with_scheme(self.scheme, host))
            .is_some_and(|own| own == origin)
    }
}

/// Refuses state-changing requests that a browser says came from another
/// site, before any handler runs (defence in depth beside CSRF tokens).
pub async fn same_origin_writes(
    State(state): State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe {
        let fetch_site = req
            .headers()
            .get("sec-fetch-site")
            .and_then(|v| v.to_str().ok());
        if matches!(fetch_site, Some("cross-site") | Some("same-site")) {
            return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
        }
        if let Some(origin) = req
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok())
        {
            if !state.own_origin.allows(req.headers(), origin) {
                return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
            }
        }
    }
    next.run(req).await
}

/// Counts and logs each request: method, route pattern, status, time and
/// request id. Never the path, the query, the address or any body.
pub async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| String::from("unmatched"));
    let request_id = req
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let res = next.run(req).await;
    let elapsed = started.elapsed();
    let labels = HttpLabels {
        method: method.clone(),
        route: route.clone(),
        status: res.status().as_u16(),
    };
    state.metrics.http_requests.get_or_create(&labels).inc();
    state
        .metrics
        .http_latency
        .get_or_create(&labels)
        .observe(elapsed.as_secs_f64());
    tracing::info!(
        target: "tolbooth_web::access",
        %method,
        %route,
        status = res.status().as_u16(),
        ms = elapsed.as_millis() as u64,
        %request_id,
        "request"
    );
    res
}

#[cfg(test)]
mod origin_tests {
    use super::*;
    use axum::http::HeaderMap;

    fn host(h: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(h).unwrap());
        headers
    }

    fn own(tls: bool, public: Option<&str>) -> OwnOrigin {
        OwnOrigin {
            scheme: if tls { "https" } else { "http" },
            public: public.and_then(Origin::parse),
        }
    }

    #[test]
    fn scheme_host_and_port_must_all_match() {
        let plain = own(false, None);
        let h = host("127.0.0.1:8080");
        assert!(plain.allows(&h, "http://127.0.0.1:8080"));
        assert!(!plain.allows(&h, "https://127.0.0.1:8080"), "scheme");
        assert!(!plain.allows(&h, "http://127.0.0.1:8081"), "port");
        assert!(!plain.allows(&h, "http://127.0.0.2:8080"), "host");
        assert!(!plain.allows(&h, "null"));
        assert!(!plain.allows(&h, "ws://127.0.0.1:8080"));
        let tls = own(true, None);
        assert!(tls.allows(&host("contact.example"), "https://contact.example"));
        assert!(tls.allows(&host("contact.example"), "https://contact.example:443"));
        assert!(!tls.allows(&host("contact.example"), "http://contact.example"));
        assert!(plain.allows(&host("[::1]:3000"), "http://[::1]:3000"));
        assert!(!plain.allows(&host("[::1]:3000"), "http://[::1]:3001"));
    }

    #[test]
    fn behind_a_proxy_the_public_url_is_ours() {
        let proxied = own(false, Some("https://contact.example.gov.uk/chat"));
        let h = host("10.0.0.5:8080");
        assert!(proxied.allows(&h, "https://contact.example.gov.uk"));
        assert!(!proxied.allows(&h, "http://contact.example.gov.uk"));
        assert!(!proxied.allows(&h, "https://evil.example"));
        assert!(proxied.allows(&h, "http://10.0.0.5:8080"));
    }
}
