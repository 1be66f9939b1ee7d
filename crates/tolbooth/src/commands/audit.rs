//! `tolbooth audit verify` and `tolbooth audit checkpoint`.

use crate::cli::AuditCommand;
use anyhow::{Context, Result};
use std::process::ExitCode;
use tolbooth_core::audit::{check_signature, verify_log, AuditKey, AuditTrailError};
use tolbooth_core::Config;
use tolbooth_domain::audit::Checkpoint;
use tolbooth_domain::clock::SystemClock;

pub async fn run(config: Config, cmd: AuditCommand) -> Result<ExitCode> {
    let data_dir = config.data_dir.clone();
    let app = crate::wiring::open(config).await?;
    let code = match cmd {
        AuditCommand::Verify { checkpoint } => {
            let checkpoint = match checkpoint {
                None => None,
                Some(path) => {
                    let text = std::fs::read_to_string(&path)
                        .with_context(|| format!("cannot read checkpoint {}", path.display()))?;
                    let cp: Checkpoint = serde_json::from_str(&text).with_context(|| {
                        format!("{} is not a Tolbooth checkpoint", path.display())
                    })?;
                    let own = AuditKey::load_or_create(&data_dir)?.public_hex();
                    check_signature(&cp, Some(&own))?;
                    Some(cp)
                }
            };
            match verify_log(&app.store, checkpoint.as_ref()).await {
                Ok(v) => {
                    println!(
                        "Audit log OK: {} entries, head {}.{}",
                        v.entries,
                        v.head,
                        match v.checkpoint_seq {
                            Some(s) =>
                                format!(" It still contains the signed checkpoint at entry {s}."),
                            None => String::new(),
                        }
                    );
                    ExitCode::SUCCESS
                }
                Err(AuditTrailError::Broken(fault)) => {
                    eprintln!("Audit log FAILED verification: {fault}");
                    ExitCode::FAILURE
                }
                Err(e) => return Err(e.into()),
            }
        }
        AuditCommand::Checkpoint { out } => {
            let key = AuditKey::load_or_create(&data_dir)?;
            let cp = key.checkpoint(&app.store, &SystemClock).await?;
            let json = serde_json::to_string_pretty(&cp)?;
            match out {
                Some(path) => {
                    std::fs::write(&path, format!("{json}\n"))
                        .with_context(|| format!("cannot write {}", path.display()))?;
                    eprintln!(
                        "Checkpoint at entry {} written to {}.",
                        cp.seq,
                        path.display()
                    );
                }
                None => println!("{json}"),
            }
            ExitCode::SUCCESS
        }
    };
    app.store.close().await;
    Ok(code)
}
