//! Checking a loaded configuration: every value in range and well formed,
//! or one error naming the key, the value, where it came from and what was
//! expected. The first fault found is reported.

use super::load::{one_line, Origins};
use super::{Config, ConfigError};
use std::net::SocketAddr;
use tolbooth_domain::network::IpNet;

/// Makes the error for a key whose value is wrong: the key, the value as
/// shown, what was expected.
type Invalid<'a> = dyn Fn(&str, String, &str) -> ConfigError + 'a;

impl Config {
    pub(super) fn validate(&self, origins: &Origins) -> Result<(), ConfigError> {
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
