//! `tolbooth kb`: the chatbot's knowledge base.

use crate::cli::KbCommand;
use crate::commands::cli_actor;
use anyhow::Result;
use std::process::ExitCode;
use tolbooth_core::bot::ImportOutcome;
use tolbooth_core::Config;
use tolbooth_domain::bot::knowledge::KbPageSummary;
use tolbooth_domain::time_fmt::rfc3339;

pub async fn run(config: Config, command: KbCommand) -> Result<ExitCode> {
    let app = crate::wiring::open(config).await?;
    let kb = app.knowledge_base().await?;
    match command {
        KbCommand::Import {
            paths,
            site_url,
            dry_run,
            json,
        } => {
            let outcome = kb.import(paths, site_url, cli_actor(), dry_run).await?;
            if json {
                println!("{}", serde_json::to_string(&outcome)?);
            } else {
                print_import(&outcome, dry_run);
            }
        }
        KbCommand::List { json } => {
            let pages = kb.pages().await?;
            if json {
                println!("{}", serde_json::to_string(&pages)?);
            } else if pages.is_empty() {
                println!("The knowledge base is empty: add pages with `tolbooth kb import PATH`.");
            } else {
                print_pages(&pages);
            }
        }
        KbCommand::Remove { urls } => {
            let removed = kb.remove(&urls, cli_actor()).await?;
            println!("Removed {removed} page(s).");
        }
        KbCommand::AddPhrasing {
            url,
            text,
            by,
            answer,
        } => {
            let added = kb
                .add_phrasing(&url, answer.as_deref(), &text, &by, cli_actor())
                .await?;
            match &added.heading {
                Some(h) => println!(
                    "Added phrasing {} for {} (the answer under \"{h}\").",
                    added.id, added.page_url
                ),
                None => println!("Added phrasing {} for {}.", added.id, added.page_url),
            }
        }
        KbCommand::RemovePhrasing { id } => {
            kb.remove_phrasing(id, cli_actor()).await?;
            println!("Removed phrasing {id}.");
        }
        KbCommand::Phrasings { json } => {
            let all = kb.phrasings().await?;
            if json {
                println!("{}", serde_json::to_string(&all)?);
            } else {
                for p in &all {
                    let answer = p
                        .heading
                        .as_ref()
                        .map(|h| format!(" § {h}"))
                        .unwrap_or_default();
                    println!(
                        "{}  {}{answer}  \"{}\"  ({})",
                        p.id, p.page_url, p.text, p.added_by
                    );
                }
            }
        }
    }
    app.store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// What an import did, for a person reading the terminal.
fn print_import(outcome: &ImportOutcome, dry_run: bool) {
    let verb = if dry_run {
        "Read (dry run, nothing stored)"
    } else {
        "Imported"
    };
    println!(
        "{verb}: {} page(s), {} passage(s).",
        outcome.pages, outcome.passages
    );
    if let Some(c) = &outcome.counts {
        println!(
            "  added {}, updated {}, unchanged {}, removed {}",
            c.added, c.updated, c.unchanged, c.removed
        );
    }
    if let Some(e) = &outcome.embedding {
        println!(
            "  dense retrieval: {} text(s), {} embedded now, {} old vector(s) removed",
            e.texts, e.embedded, e.removed
        );
    }
    if !outcome.skipped.is_empty() {
        println!("Skipped {} file(s):", outcome.skipped.len());
        for s in &outcome.skipped {
            println!("  {}: {}", s.path, s.reason);
        }
    }
    if !outcome.truncated.is_empty() {
        println!("Imported in part {} file(s):", outcome.truncated.len());
        for t in &outcome.truncated {
            println!("  {}: {}", t.path, t.reason);
        }
    }
}

/// The knowledge base's pages, one entry each.
fn print_pages(pages: &[KbPageSummary]) {
    for p in pages {
        println!(
            "{}\n  {} · {} · {} passage(s), {} phrasing(s) · imported {}",
            p.url,
            p.title,
            p.service_area,
            p.passages,
            p.phrasings,
            rfc3339(p.imported_at)
        );
    }
    println!("{} page(s).", pages.len());
}
