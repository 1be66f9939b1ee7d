//! Reading the configuration: the file, then `TOLBOOTH_*` variables over
//! it, each error naming the key, the value, where it came from and what
//! was expected.

use super::{Config, ConfigError, ENV_PREFIX};
use std::path::Path;

/// Where a setting came from, for error messages.
#[derive(Debug, Clone)]
pub(super) struct Origins {
    file: Option<String>,
    env: Vec<(String, String)>,
}

impl Origins {
    pub(super) fn describe(&self, key: &str) -> String {
        if let Some((var, _)) = self.env.iter().find(|(_, k)| k == key) {
            format!("from environment variable {var}")
        } else if let Some(f) = &self.file {
            format!("in {f}")
        } else {
            String::from("default")
        }
    }
}

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

pub(super) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
