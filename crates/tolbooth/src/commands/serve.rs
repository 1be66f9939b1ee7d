//! `tolbooth serve` and `tolbooth demo`.

use crate::cli::ServeArgs;
use anyhow::{Context, Result};
use std::net::SocketAddr;
use std::process::ExitCode;
use tolbooth_core::demo::{self, DemoLogin};
use tolbooth_core::services::Services;
use tolbooth_core::Config;
use tolbooth_web::server;
use tolbooth_web::AppState;

/// The organisation name the demo uses when none is configured.
const DEMO_ORGANISATION: &str = "Tolbooth Demo Council";
/// How else the demo council can be reached (a number from the range kept
/// for drama, as in its policy).
const DEMO_OTHER_CONTACT: &str =
    "You can call us on 01632 960 100, Monday to Friday 9am to 5pm, or email contact@demo-council.example.";

pub async fn serve(config: Config, args: ServeArgs, demo_mode: bool) -> Result<ExitCode> {
    let config = with_arguments(config, args, demo_mode)?;
    // Refuse before touching the database if there is no policy.
    let policy = crate::wiring::load_policy(&config)?;
    let app = crate::wiring::open(config).await?;
    let first_demo = demo_mode && import_demo_knowledge(&app).await;
    let services = app.services(policy).await?;
    let notice = services
        .governance
        .adopt_running_policy()
        .await
        .context("cannot record the policy version")?;
    let listener = server::bind(&app.config.server.listen).await?;
    let addr = listener.local_addr()?;
    let base = public_base(&app.config, addr);
    if demo_mode {
        let logins = demo::seed(&app.accounts).await?;
        if first_demo {
            let live_chat = &services.base.live_chat;
            if let Err(e) = demo::seed_history(&app.accounts, live_chat, &services.chatbot).await {
                tracing::warn!(error = %e, "could not write the demo's history");
            }
        }
        print_demo_welcome(&app.config, &services, &base, &logins);
    } else {
        println!("Tolbooth listening on {base}");
    }
    tracing::info!(
        %addr,
        store = app.store.backend().name(),
        policy_version = notice.version,
        "listening"
    );
    services.start_workers();
    let state = AppState::new(&services);
    server::serve(state, listener, server::shutdown_signal()).await?;
    services.workers.shutdown().await;
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// The configuration with the command line's `--listen` and the demo's
/// defaults applied.
fn with_arguments(mut config: Config, args: ServeArgs, demo_mode: bool) -> Result<Config> {
    if let Some(listen) = args.listen {
        config.server.listen = listen;
        // Re-validate with the new address so a bad --listen is reported
        // like a bad configuration value.
        if config.listen_addr().is_none() {
            anyhow::bail!(
                "invalid --listen {:?}: expected an address and port such as 127.0.0.1:8080",
                config.server.listen
            );
        }
    }
    if demo_mode && config.organisation.name == Config::default().organisation.name {
        config.organisation.name = DEMO_ORGANISATION.to_owned();
    }
    if demo_mode && config.organisation.other_contact.is_none() {
        config.organisation.other_contact = Some(DEMO_OTHER_CONTACT.to_owned());
    }
    if demo_mode && config.retention.policy.is_none() {
        config.retention.policy = Some(crate::wiring::DEMO_POLICY.to_owned());
    }
    Ok(config)
}

/// The address people reach Tolbooth at; warns when it serves plain HTTP
/// beyond this machine with no TLS proxy configured.
fn public_base(config: &Config, addr: SocketAddr) -> String {
    let scheme = if config.server.tls.is_some() {
        "https"
    } else {
        "http"
    };
    if config.server.tls.is_none() && !addr.ip().is_loopback() && config.server.public_url.is_none()
    {
        tracing::warn!(
            "serving plain HTTP on a non-loopback address: configure server.tls or put a TLS proxy in front and set server.public_url"
        );
    }
    config
        .server
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{scheme}://{addr}"))
}

/// Where the demo is and how to sign in to it.
fn print_demo_welcome(config: &Config, services: &Services, base: &str, logins: &[DemoLogin]) {
    println!();
    println!("Tolbooth demo for {} is running.", config.organisation.name);
    println!();
    println!("  Demo page:      {base}/demo");
    println!("  Staff console:  {base}/login");
    println!(
        "  Privacy notice: {base}/privacy (policy {})",
        services.governance.policy().origin
    );
    println!();
    for login in logins {
        println!(
            "  {:<15} username {:<15} one-time password {}",
            format!("{}:", login.role.label()),
            login.username,
            login.password.expose()
        );
    }
    println!();
    println!("  One-time passwords must be changed at first sign-in; the administrator");
    println!("  then sets up an authenticator app (required for that role). Operators");
    println!("  choose \"Set me available\" in Live chat before visitors are offered a person.");
    println!("  The supervisor has the Dashboard and Past chats.");
    println!(
        "  Data is kept in {}. Press Ctrl-C to stop.",
        config.data_dir.display()
    );
    println!();
}

mod demo_kb {
    include!(concat!(env!("OUT_DIR"), "/demo_kb.rs"));
}

/// The demo council's knowledge base (`kb/demo`, built into the binary),
/// written to the data directory and imported when the knowledge base is
/// still empty. True when it was imported: the demo's first start.
async fn import_demo_knowledge(app: &crate::wiring::App) -> bool {
    // Embedding waits for the server's background work, so that the demo
    // starts at once.
    let kb = match app.knowledge_base().await {
        Ok(kb) => kb.without_embedder(),
        Err(e) => {
            tracing::warn!(error = %format!("{e:#}"), "could not open the knowledge base");
            return false;
        }
    };
    let empty = kb.pages().await.map(|p| p.is_empty()).unwrap_or(false);
    if !empty || demo_kb::DEMO_KB.is_empty() {
        return false;
    }
    let folder = app.config.data_dir.join("demo-knowledge-base");
    for (path, text) in demo_kb::DEMO_KB {
        let file = folder.join(path);
        let written = file
            .parent()
            .map(std::fs::create_dir_all)
            .unwrap_or(Ok(()))
            .and_then(|()| std::fs::write(&file, text));
        if let Err(e) = written {
            tracing::warn!(error = %e, "could not write the demo knowledge base");
            return false;
        }
    }
    match kb
        .import(vec![folder], None, super::cli_actor(), false)
        .await
    {
        Ok(outcome) => {
            tracing::info!(pages = outcome.pages, "imported the demo knowledge base");
            true
        }
        Err(e) => {
            tracing::warn!(error = %e, "could not import the demo knowledge base");
            false
        }
    }
}
