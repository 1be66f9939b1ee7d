//! One module per product area (and a few for the server itself).

mod audit;
mod bot;
mod config;
mod governance;
mod jsonl;
mod policy;
mod redact;
mod retention;
mod serve;
mod staff;

use crate::cli::{Cli, Command};
use anyhow::Result;
use std::process::ExitCode;
use tolbooth_core::Config;
use tolbooth_domain::audit::Actor;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    if let Command::Config(c) = &cli.command {
        return config::run(c, cli.config.as_deref());
    }
    if let Command::Redact(args) = &cli.command {
        return redact::run(args);
    }
    if let Command::Policy(c) = &cli.command {
        return policy::run(c, cli.config.as_deref()).await;
    }
    let config = Config::load(cli.config.as_deref(), std::env::vars())?;
    crate::logging::init(&config.log);
    match cli.command {
        Command::Serve(args) => serve::serve(config, args, false).await,
        Command::Demo(args) => serve::serve(config, args, true).await,
        Command::Migrate => {
            let app = crate::wiring::open(config).await?;
            let (_, applied) = app.store.migration_status().await?;
            println!(
                "Database ({}) is up to date: {} migration(s) applied.",
                app.store.backend().name(),
                applied.len()
            );
            app.store.close().await;
            Ok(ExitCode::SUCCESS)
        }
        Command::User(c) => staff::run(config, c).await,
        Command::Audit(c) => audit::run(config, c).await,
        Command::Retention(c) => retention::run(config, &c).await,
        Command::Disclosure(c) => governance::run(config, &c).await,
        Command::Kb(c) => bot::kb::run(config, c).await,
        Command::Bot(c) => bot::run(config, c).await,
        Command::Config(_) | Command::Redact(_) | Command::Policy(_) => Ok(ExitCode::SUCCESS),
    }
}

/// Who acts when a command is typed at the server: recorded in the audit
/// log as the operating-system account.
pub fn cli_actor() -> Actor {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| String::from("unknown"));
    Actor::system(&format!("cli:{user}"))
}
