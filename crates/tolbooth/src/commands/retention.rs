//! `tolbooth retention`: run a sweep by hand (or dry), and show what is
//! held, what is due and what the last sweeps did.

use crate::cli::RetentionCommand;
use anyhow::Result;
use std::process::ExitCode;
use time::OffsetDateTime;
use tolbooth_core::retention::{plan, SweepOptions};
use tolbooth_core::services::PolicyServices;
use tolbooth_core::Config;
use tolbooth_domain::governance::LegalHold;
use tolbooth_domain::policy::CategoryKind;
use tolbooth_domain::retention::{SweepCounts, SweepRecord};
use tolbooth_domain::time_fmt::rfc3339;

fn print_counts(c: &SweepCounts, dry: bool) {
    let verb = |done: &'static str, would: &'static str| if dry { would } else { done };
    println!("  chat records due:             {}", c.chats_due);
    if !dry {
        println!("  chats extracted:              {}", c.chats_extracted);
        println!("  chat records deleted:         {}", c.chats_deleted);
    }
    println!(
        "  IP addresses {}:      {}",
        verb("deleted", "to delete"),
        c.ip_addresses_deleted
    );
    println!(
        "  visitor details {}:   {}",
        verb("deleted", "to delete"),
        c.visitor_details_deleted
    );
    println!(
        "  extracts {}:       {}",
        verb("anonymised", "to anonymise"),
        c.extracts_anonymised
    );
    println!(
        "  extracts {}:          {}",
        verb("deleted", "to delete"),
        c.extracts_deleted
    );
    println!("  chats under legal hold (kept): {}", c.chats_held);
}

pub async fn run(config: Config, command: &RetentionCommand) -> Result<ExitCode> {
    let app = crate::wiring::open(config).await?;
    let services = app.policy_services()?;
    let sweeper = &services.sweeper;
    let code = match command {
        RetentionCommand::Run {
            dry_run,
            force,
            json,
        } => {
            let report = sweeper
                .run(SweepOptions {
                    dry_run: *dry_run,
                    force: *force,
                })
                .await?;
            if *json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!(
                    "{} under {}:",
                    if *dry_run {
                        "Dry run (nothing changed)"
                    } else {
                        "Sweep completed"
                    },
                    services.governance.policy().origin
                );
                print_counts(&report.counts, *dry_run);
            }
            ExitCode::SUCCESS
        }
        RetentionCommand::Status { json } => {
            let now = app.clock.now();
            let due = sweeper.preview().await?;
            let history = sweeper.history(10).await?;
            let held = services.governance.holds().await?;
            let extracts =
                tolbooth_domain::retention::ports::RetentionStore::count_extracts(&app.store)
                    .await?;
            if *json {
                println!(
                    "{}",
                    serde_json::json!({
                        "policy": services.governance.policy().origin,
                        "now": rfc3339(now),
                        "due": due,
                        "extracts_held": extracts,
                        "legal_holds": held,
                        "sweeps": history,
                    })
                );
            } else {
                let status = Status {
                    now,
                    due: &due,
                    history: &history,
                    held: &held,
                    extracts,
                };
                print_status(&services, &status);
            }
            ExitCode::SUCCESS
        }
    };
    app.store.close().await;
    Ok(code)
}

/// What `tolbooth retention status` reports.
struct Status<'a> {
    now: OffsetDateTime,
    due: &'a SweepCounts,
    history: &'a [SweepRecord],
    held: &'a [LegalHold],
    extracts: u64,
}

fn print_status(services: &PolicyServices, status: &Status<'_>) {
    let Status {
        now,
        due,
        history,
        held,
        extracts,
    } = *status;
    let policy = services.sweeper.policy();
    println!("Policy: {}", services.governance.policy().origin);
    println!("Rules:");
    for kind in CategoryKind::ALL {
        if let Some(rule) = policy.rule(kind) {
            println!(
                "  {:<18} {} after {:?}, then {}",
                kind.name(),
                rule.period,
                rule.starts,
                rule.action.plain()
            );
        }
    }
    let p = plan(policy, now);
    if let Some(c) = p.chats {
        println!("Chats that ended on or before {} are due.", rfc3339(c));
    }
    println!("Due now:");
    print_counts(due, true);
    println!("Extracts held: {extracts}");
    for h in held {
        println!(
            "  hold on {} since {} by {}{}",
            h.chat_ref,
            rfc3339(h.placed_at),
            h.placed_by_name,
            if h.release.is_some() {
                " (release asked for; needs a second officer)"
            } else {
                ""
            }
        );
    }
    println!("Last sweeps:");
    if history.is_empty() {
        println!("  none yet");
    }
    for s in history {
        println!(
            "  #{} {} {:?}{}{}: {} extracted, {} deleted, {} IP addresses, {} anonymised",
            s.id,
            rfc3339(s.started_at),
            s.outcome,
            if s.dry_run { " (dry run)" } else { "" },
            if s.forced { " (forced)" } else { "" },
            s.counts.chats_extracted,
            s.counts.chats_deleted,
            s.counts.ip_addresses_deleted,
            s.counts.extracts_anonymised
        );
    }
}
