//! `tolbooth user ...`: staff accounts from the command line.

use super::cli_actor;
use crate::cli::UserCommand;
use anyhow::Result;
use std::process::ExitCode;
use tolbooth_core::Config;

pub async fn run(config: Config, cmd: UserCommand) -> Result<ExitCode> {
    let app = crate::wiring::open(config).await?;
    let accounts = &app.accounts;
    let actor = cli_actor();
    match cmd {
        UserCommand::Add {
            username,
            name,
            role,
        } => {
            let (member, password) = accounts
                .add_staff(actor, &username, &name, role, None)
                .await?;
            println!(
                "Added {} ({}) as {}.",
                member.username, member.display_name, member.role
            );
            println!("One-time password: {}", password.expose());
            println!("They must change it when they first sign in.");
        }
        UserCommand::List { json } => {
            let staff = accounts.list().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&staff)?);
            } else {
                println!(
                    "{:<24} {:<28} {:<11} {:<9} AUTHENTICATOR",
                    "USERNAME", "NAME", "ROLE", "STATUS"
                );
                for m in staff {
                    println!(
                        "{:<24} {:<28} {:<11} {:<9} {}",
                        m.username,
                        m.display_name,
                        m.role,
                        if m.disabled { "disabled" } else { "active" },
                        if m.totp_enrolled { "on" } else { "off" }
                    );
                }
            }
        }
        UserCommand::Disable { username } => {
            let m = accounts.find(&username).await?;
            accounts.set_disabled(actor, m.id, true, None).await?;
            println!("Disabled {}; their sessions have ended.", m.username);
        }
        UserCommand::Enable { username } => {
            let m = accounts.find(&username).await?;
            accounts.set_disabled(actor, m.id, false, None).await?;
            println!("Enabled {}.", m.username);
        }
        UserCommand::SetRole { username, role } => {
            let m = accounts.find(&username).await?;
            accounts.set_role(actor, m.id, role, None).await?;
            println!("{} is now {}; their sessions have ended.", m.username, role);
        }
        UserCommand::ResetPassword {
            username,
            reset_second_factor,
        } => {
            let m = accounts.find(&username).await?;
            let password = accounts
                .reset_password(actor, m.id, reset_second_factor, None)
                .await?;
            println!(
                "New one-time password for {}: {}",
                m.username,
                password.expose()
            );
            if reset_second_factor {
                println!("Their authenticator was removed; they will set up a new one.");
            }
        }
    }
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}
