//! `tolbooth config check`.

use crate::cli::ConfigCommand;
use anyhow::Result;
use std::path::Path;
use std::process::ExitCode;
use tolbooth_core::Config;

pub fn run(cmd: &ConfigCommand, global: Option<&Path>) -> Result<ExitCode> {
    let ConfigCommand::Check { file } = cmd;
    let path = file.as_deref().or(global);
    let config = Config::load(path, std::env::vars())?;
    match path {
        Some(p) => println!("# {} is valid. Effective configuration:", p.display()),
        None => println!("# No file given; defaults and TOLBOOTH_* variables are valid. Effective configuration:"),
    }
    print!("{}", config.to_redacted_toml());
    Ok(ExitCode::SUCCESS)
}
