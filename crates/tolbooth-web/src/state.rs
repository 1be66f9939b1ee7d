//! What every handler can reach.

use crate::metrics::Metrics;
use std::sync::Arc;
use tolbooth_core::governance::Governance;
use tolbooth_core::retention::Sweeper;
use tolbooth_core::services::Services;
use tolbooth_core::{Accounts, Config, LiveChat};
use tolbooth_domain::network::TrustedProxies;

#[derive(Clone)]
pub struct AppState {
    pub accounts: Accounts,
    /// Whether the store answers, for `/readyz`.
    pub health: Arc<dyn tolbooth_domain::store::StoreHealth>,
    pub live_chat: LiveChat,
    /// The policy's notices, legal holds, disclosures and transcript
    /// review.
    pub governance: Governance,
    /// The retention sweeper, for its status and dry runs.
    pub sweeper: Sweeper,
    /// The chatbot: answers, feedback, reports and the knowledge base.
    pub chatbot: tolbooth_core::bot::Chatbot,
    /// The supervisor's dashboard.
    pub dashboard: tolbooth_core::dashboard::Dashboard,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    /// Whether cookies carry `Secure` (see [`AppState::new`]).
    pub secure_cookies: bool,
    /// Whether responses carry HSTS: only when Tolbooth itself serves TLS
    /// or sits behind an https public URL.
    pub hsts: bool,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Arc<TrustedProxies>,
    /// Origins of pages allowed to open a visitor's socket, beside
    /// Tolbooth's own.
    pub site_origins: Arc<Vec<String>>,
    /// The origins of Tolbooth's own pages (scheme, host and port).
    pub own_origin: Arc<crate::middleware::OwnOrigin>,
    /// Visitors' sockets open per address (`chat.sockets_per_address`).
    pub sockets: Arc<crate::chat::socket::SocketSlots>,
    /// The background workers, whose counts `/metrics` shows.
    pub workers: tolbooth_workers::Workers,
    /// Times as staff read them, in the organisation's time zone.
    pub local_time: tolbooth_core::local_time::LocalTime,
}

impl AppState {
    /// What the handlers reach, from the one wiring's services.
    pub fn new(services: &Services) -> Self {
        let accounts = services.base.accounts.clone();
        let health: Arc<dyn tolbooth_domain::store::StoreHealth> = services.base.store.clone();
        let live_chat = services.base.live_chat.clone();
        let governance = services.governance.clone();
        let sweeper = services.sweeper.clone();
        let chatbot = services.chatbot.clone();
        let config = services.base.config.clone();
        let tls = config.server.tls.is_some();
        let trusted_proxies = Arc::new(config.trusted_proxies());
        let https_public = config
            .server
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"));
        let loopback = config.listen_addr().is_some_and(|a| a.ip().is_loopback());
        // Browsers refuse `Secure` cookies over plain HTTP except on
        // loopback, where the demo and the tests run; anywhere else plain
        // HTTP is a mistake that `serve` warns about, and `Secure` stays.
        let secure_cookies = tls || https_public || !loopback;
        Self {
            accounts,
            health,
            live_chat,
            governance,
            sweeper,
            chatbot,
            dashboard: services.dashboard.clone(),
            config: config.clone(),
            metrics: Arc::new(Metrics::new()),
            secure_cookies,
            hsts: tls || https_public,
            trusted_proxies,
            site_origins: Arc::new(config.site_origins()),
            own_origin: Arc::new(crate::middleware::OwnOrigin::from_config(&config)),
            sockets: crate::chat::socket::SocketSlots::new(config.chat.sockets_per_address),
            workers: services.workers.clone(),
            local_time: tolbooth_core::local_time::LocalTime::new(&config.chat.time_zone),
        }
    }
}
