//! `tolbooth disclosure export`: the package for the police (RET-4),
//! written as HTML and JSON, and recorded in the disclosure log.

use crate::cli::DisclosureCommand;
use anyhow::{bail, Context, Result};
use std::process::ExitCode;
use tolbooth_core::staff::ClientContext;
use tolbooth_core::Config;
use tolbooth_domain::chat::ChatRef;
use tolbooth_domain::staff::ports::StaffStore;
use tolbooth_domain::staff::Username;

pub async fn run(config: Config, command: &DisclosureCommand) -> Result<ExitCode> {
    let DisclosureCommand::Export {
        chat,
        to,
        basis,
        by,
        out,
    } = command;
    let chat_ref: ChatRef = chat
        .parse()
        .map_err(|_| anyhow::anyhow!("{chat:?} is not a Chat ID such as TB-7K3M-9QXD"))?;
    let app = crate::wiring::open(config).await?;
    let services = app.policy_services()?;
    let username = Username::parse(by).map_err(|e| anyhow::anyhow!("--by: {e}"))?;
    let Some(officer) = app.store.staff_by_username(&username).await? else {
        bail!("--by: no staff account {by:?}");
    };
    let ctx = ClientContext {
        ip: None,
        request_id: None,
    };
    let package = services
        .governance
        .disclose(&officer.member, chat_ref, to, basis, &ctx)
        .await
        .with_context(|| format!("cannot disclose {chat_ref}"))?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let json_path = out.join(format!("{chat_ref}.json"));
    let html_path = out.join(format!("{chat_ref}.html"));
    std::fs::write(&json_path, package.to_json())
        .with_context(|| format!("cannot write {}", json_path.display()))?;
    let local = tolbooth_core::local_time::LocalTime::new(&app.config.chat.time_zone);
    let html =
        tolbooth_web::disclosure_document(&package, &local).context("cannot render the package")?;
    std::fs::write(&html_path, html)
        .with_context(|| format!("cannot write {}", html_path.display()))?;
    restrict(&json_path);
    restrict(&html_path);
    app.store.close().await;
    println!(
        "Disclosure of {chat_ref} to {to} recorded; package written to {} and {}.",
        json_path.display(),
        html_path.display()
    );
    println!("These files hold personal data: hand them over securely and delete this copy.");
    Ok(ExitCode::SUCCESS)
}

#[cfg(unix)]
fn restrict(path: &std::path::Path) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600));
}

#[cfg(not(unix))]
fn restrict(_path: &std::path::Path) {}
