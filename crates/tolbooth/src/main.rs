//! The `tolbooth` command: parses the command line, loads configuration,
//! wires the store, the services and the web server together, and turns
//! errors into one clear line and a non-zero exit.

mod cli;
mod commands;
mod logging;
mod wiring;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    // Before any thread starts: the embedding model runs each text on
    // the thread that asks.
    tolbooth_bot::dense::one_thread_per_text();
    let cli = cli::Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(code) => code,
        Err(e) => {
            // One line, the whole cause chain, no backtrace.
            eprintln!("error: {e:#}");
            match e.downcast_ref::<tolbooth_core::config::ConfigError>() {
                Some(_) => ExitCode::from(2),
                None => ExitCode::FAILURE,
            }
        }
    }
}
