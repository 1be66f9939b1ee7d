//! Log output: human-readable or JSON lines, filtered by `log.level` or
//! `RUST_LOG`. Logs carry request ids, routes and counts, never personal
//! data.

use std::io::IsTerminal;
use tolbooth_core::config::{LogConfig, LogFormat};
use tracing_subscriber::EnvFilter;

pub fn init(config: &LogConfig) {
    let filter = std::env::var("RUST_LOG")
        .ok()
        .and_then(|f| EnvFilter::try_new(f).ok())
        // The search library narrates every index commit at info level.
        .or_else(|| EnvFilter::try_new(format!("{},tantivy=warn", config.level)).ok())
        .unwrap_or_else(|| EnvFilter::new("info"));
    // Colour only for a person at a terminal: a log file, journald or a
    // pipe gets plain text (and NO_COLOR turns it off everywhere).
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(std::io::stderr);
    let _ = match config.format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}
