//! `tolbooth redact`: the redaction engine on standard input.

use crate::cli::RedactArgs;
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use std::io::{Read, Write};
use std::process::ExitCode;
use tolbooth_redact::{char_ranges, Redactor};

/// Largest input read in plain mode, and largest line in JSONL mode.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

pub fn run(args: &RedactArgs) -> Result<ExitCode> {
    let redactor = if args.fast {
        Redactor::new()
    } else {
        Redactor::thorough()
    };
    if !args.evaluate.is_empty() {
        return evaluate(&redactor, &args.evaluate);
    }
    if !args.jsonl {
        let stdin = std::io::stdin();
        let stdout = std::io::stdout();
        let mut out = std::io::BufWriter::new(stdout.lock());
        let mut text = String::new();
        stdin
            .lock()
            .take(MAX_INPUT + 1)
            .read_to_string(&mut text)
            .context("standard input is not UTF-8 text")?;
        if text.len() as u64 > MAX_INPUT {
            anyhow::bail!(
                "input is larger than {} MiB; split it or use --jsonl",
                MAX_INPUT / 1024 / 1024
            );
        }
        out.write_all(redactor.redact(&text).text.as_bytes())?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    super::jsonl::each_line("text", MAX_INPUT, |out, id, text| {
        let r = redactor.redact(&text);
        let findings = r
            .findings
            .iter()
            .zip(char_ranges(&r.findings, &text))
            .map(|(f, (start, end))| OutFinding {
                start,
                end,
                category: f.category.name(),
            })
            .collect();
        serde_json::to_writer(
            out,
            &OutRecord {
                id,
                text: r.text,
                findings,
            },
        )?;
        Ok(())
    })
}

/// One output line, fields in the documented order.
#[derive(Serialize)]
struct OutRecord {
    id: Value,
    text: String,
    findings: Vec<OutFinding>,
}

#[derive(Serialize)]
struct OutFinding {
    start: usize,
    end: usize,
    category: &'static str,
}

/// `--evaluate`: parses every corpus file and prints the scores.
fn evaluate(redactor: &Redactor, files: &[std::path::PathBuf]) -> Result<ExitCode> {
    let mut messages = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(file)
            .with_context(|| format!("cannot read {}", file.display()))?;
        let parsed = tolbooth_redact::evaluate::parse_corpus(&text)
            .with_context(|| format!("in {}", file.display()))?;
        let name = file.display().to_string();
        messages.extend(parsed.into_iter().map(|mut m| {
            m.file.clone_from(&name);
            m
        }));
    }
    let report = tolbooth_redact::evaluate::evaluate(redactor, &messages);
    print!("{}", report.render());
    Ok(ExitCode::SUCCESS)
}
