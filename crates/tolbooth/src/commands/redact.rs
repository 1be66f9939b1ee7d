//! `tolbooth redact`: the redaction engine on standard input.

use crate::cli::RedactArgs;
use anyhow::{Context, Result};
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;
use tolbooth_redact::{char_ranges, Redactor};

/// Largest input read in plain mode, and largest line in JSONL mode.
const MAX_INPUT: u64 = 64 * 1024 * 1024;

pub fn run(args: &RedactArgs) -> Result<ExitCode> {
    let redactor = Redactor::new();
    if !args.evaluate.is_empty() {
        return evaluate(&redactor, &args.evaluate);
    }
    let stdin = std::io::stdin();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if !args.jsonl {
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
    let mut bad = 0usize;
    let mut reader = stdin.lock();
    let mut line = Vec::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let n = (&mut reader).take(MAX_INPUT).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        let record = match parse_line(&line) {
            Ok(None) => continue,
            Ok(Some((id, text))) => {
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
                    &mut out,
                    &OutRecord {
                        id,
                        text: r.text,
                        findings,
                    },
                )?;
                out.write_all(b"\n")?;
                continue;
            }
            Err((id, error)) => {
                bad += 1;
                ErrRecord {
                    id,
                    line: number,
                    error,
                }
            }
        };
        serde_json::to_writer(&mut out, &record)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if bad > 0 {
        eprintln!(
            "{bad} of {number} line(s) could not be read; each has an error line in the output."
        );
        return Ok(ExitCode::FAILURE);
    }
    Ok(ExitCode::SUCCESS)
}

/// The line in place of one that could not be read.
#[derive(Serialize)]
struct ErrRecord {
    id: Value,
    line: usize,
    error: String,
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

/// A refused line: its id, if it could be read, and why.
type BadLine = (Value, String);

/// One input line: `Ok(None)` for a blank line, else the id and the text,
/// or the id (if it could be read) and why the line was refused.
fn parse_line(line: &[u8]) -> Result<Option<(Value, String)>, BadLine> {
    let Ok(s) = std::str::from_utf8(line) else {
        return Err((Value::Null, "the line is not UTF-8".into()));
    };
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if !line.ends_with(b"\n") && line.len() as u64 >= MAX_INPUT {
        return Err((Value::Null, "the line is too long".into()));
    }
    let v: Value = serde_json::from_str(s).map_err(|e| (Value::Null, format!("not JSON: {e}")))?;
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    match v.get("text") {
        Some(Value::String(t)) => Ok(Some((id, t.clone()))),
        Some(_) => Err((id, "\"text\" must be a string".into())),
        None => Err((id, "missing \"text\"".into())),
    }
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
