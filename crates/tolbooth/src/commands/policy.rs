//! `tolbooth policy`: check a policy file, print the notice it generates,
//! its schema, and the presets.

use crate::cli::{NoticeFormat, PolicyCommand, SchemaFormat};
use anyhow::Result;
use std::process::ExitCode;
use time::OffsetDateTime;
use tolbooth_core::notice::{self, Edition, Notice};
use tolbooth_core::policy_file::{self, PRESETS};
use tolbooth_core::Config;
use tolbooth_domain::policy::schema;

pub async fn run(
    command: &PolicyCommand,
    config_path: Option<&std::path::Path>,
) -> Result<ExitCode> {
    match command {
        PolicyCommand::Check { file } => {
            let spec = file.display().to_string();
            let loaded = policy_file::load(&spec)?;
            let p = loaded.policy.policy();
            println!(
                "{spec}: a valid policy for {} ({}): {} purposes, {} categories.",
                p.service.name,
                p.controller.name,
                p.purposes.len(),
                p.categories.len()
            );
            for c in &p.categories {
                if let Some(r) = &c.retention {
                    println!(
                        "  {:<20} {:<18} {} {:?}, then {}",
                        c.id,
                        c.kind.name(),
                        r.period,
                        r.starts,
                        r.action.plain()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Notice { policy, format } => {
            let notice = match policy {
                Some(spec) => {
                    let loaded = policy_file::load(spec)?;
                    notice::build(
                        &loaded.policy,
                        Edition {
                            version: None,
                            effective: OffsetDateTime::now_utc().date(),
                        },
                    )
                }
                None => return running_notice(config_path, *format).await,
            };
            match format {
                NoticeFormat::Md => print!("{}", notice.to_markdown()),
                NoticeFormat::Html => print!("{}", tolbooth_web::notice_document(&notice)?),
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Schema { format } => {
            match format {
                SchemaFormat::Json => {
                    println!("{}", serde_json::to_string_pretty(&schema::json_schema())?)
                }
                SchemaFormat::Md => print!("{}", schema::reference_markdown()),
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Presets => {
            for p in &PRESETS {
                println!("preset:{:<32} {}", p.name, p.summary);
            }
            Ok(ExitCode::SUCCESS)
        }
        PolicyCommand::Preset { name } => {
            print!("{}", policy_file::preset(name)?.text);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// The notice of the running policy: the version in force if the database
/// has recorded it, otherwise a draft (the next start records it).
async fn running_notice(
    config_path: Option<&std::path::Path>,
    format: NoticeFormat,
) -> Result<ExitCode> {
    let config = Config::load(config_path, std::env::vars())?;
    let app = crate::wiring::open(config).await?;
    let services = app.policy_services()?;
    let sha = services.governance.policy().sha256();
    let latest = services.governance.notice(None).await?;
    app.store.close().await;
    match latest.filter(|v| v.policy_sha256 == sha) {
        Some(v) => match format {
            NoticeFormat::Md => print!("{}", v.notice_markdown),
            NoticeFormat::Html => print!(
                "{}",
                tolbooth_web::notice_document(&Notice::from_markdown(&v.notice_markdown))?
            ),
        },
        None => {
            let notice = notice::build(
                &services.governance.policy().policy,
                Edition {
                    version: None,
                    effective: OffsetDateTime::now_utc().date(),
                },
            );
            match format {
                NoticeFormat::Md => print!("{}", notice.to_markdown()),
                NoticeFormat::Html => print!("{}", tolbooth_web::notice_document(&notice)?),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
