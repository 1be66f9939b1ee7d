//! `tolbooth bot ask`: the chatbot's answers, for testing a knowledge base
//! from the command line. Questions asked here are not stored.

pub mod kb;

use crate::cli::BotCommand;
use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use std::process::ExitCode;
use tolbooth_bot::answer::{Answerer, Reply};
use tolbooth_core::Config;

/// The longest input line read.
const MAX_LINE: u64 = 64 * 1024;

/// One output line of `--jsonl`, fields in the documented order.
#[derive(Serialize)]
struct OutRecord<'a> {
    id: Value,
    answered: bool,
    /// The answer when answered, else null.
    answer: Option<&'a str>,
    /// Source pages, best first.
    sources: Vec<&'a str>,
    confidence: f32,
    /// Why it declined: low_confidence, ambiguous, no_match,
    /// case_specific or empty_question; null when answered.
    reason: Option<&'static str>,
    /// What the visitor is shown: the answer, or the reply in its place.
    message: &'a str,
    /// The cited page's title and heading.
    heading: Option<&'a str>,
}

fn record(id: Value, reply: &Reply) -> OutRecord<'_> {
    OutRecord {
        id,
        answered: reply.answered,
        answer: reply.answered.then_some(reply.text.as_str()),
        sources: reply.sources.iter().map(|s| s.url.as_str()).collect(),
        confidence: (reply.confidence * 1000.0).round() / 1000.0,
        reason: reply.reason.map(|r| r.as_str()),
        message: &reply.text,
        heading: reply.heading.as_deref(),
    }
}

pub async fn run(config: Config, command: BotCommand) -> Result<ExitCode> {
    let app = crate::wiring::open(config).await?;
    let kb = app.knowledge_base().await?;
    // Answer as the server would: with the model, every text embedded.
    if let Some(outcome) = kb.embed_missing().await? {
        if outcome.embedded > 0 {
            eprintln!("Embedded {} text(s) for dense retrieval.", outcome.embedded);
        }
    }
    let answerer = kb.answerer().await?;
    app.store.close().await;
    let BotCommand::Ask {
        question,
        jsonl,
        json,
    } = command;
    if answerer.index().passages().is_empty() {
        eprintln!("The knowledge base is empty: add pages with `tolbooth kb import PATH`.");
    }
    if jsonl {
        return ask_lines(&answerer);
    }
    let reply = answerer.answer(question.as_deref().unwrap_or_default())?;
    if json {
        println!("{}", serde_json::to_string(&record(Value::Null, &reply))?);
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(heading) = &reply.heading {
        println!("{heading}");
    }
    println!("{}", reply.text);
    for (i, source) in reply.sources.iter().enumerate() {
        let label = if reply.answered && i == 0 {
            "Source"
        } else {
            "See"
        };
        println!("{label}: {} <{}>", source.title, source.url);
    }
    match reply.reason {
        None => println!(
            "(answered; confidence {:.2}, margin {:.2})",
            reply.confidence, reply.margin
        ),
        Some(r) => println!(
            "(declined: {}; confidence {:.2}, margin {:.2})",
            r.as_str(),
            reply.confidence,
            reply.margin
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn ask_lines(answerer: &Answerer) -> Result<ExitCode> {
    crate::commands::jsonl::each_line("question", MAX_LINE, |out, id, question| {
        let reply = answerer.answer(&question)?;
        serde_json::to_writer(out, &record(id, &reply))?;
        Ok(())
    })
}
