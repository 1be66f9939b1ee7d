//! JSON lines on standard input, for the commands that take them
//! (`redact --jsonl`, `bot ask --jsonl`): one object per line with an `id`
//! and a text field; each line gets one output line, in order. A line that
//! cannot be read gets `{"id", "line", "error"}` and the rest go on; the
//! command then exits non-zero.

use anyhow::Result;
use serde::Serialize;
use serde_json::Value;
use std::io::{BufRead, Read, Write};
use std::process::ExitCode;

/// The line in place of one that could not be read.
#[derive(Serialize)]
struct ErrRecord {
    id: Value,
    line: usize,
    error: String,
}

/// A refused line: its id, if it could be read, and why.
type BadLine = (Value, String);

/// One input line: `Ok(None)` for a blank line, else the id and the text
/// of `field`, or the id (if it could be read) and why the line was
/// refused.
fn parse_line(line: &[u8], field: &str, max_line: u64) -> Result<Option<(Value, String)>, BadLine> {
    let Ok(s) = std::str::from_utf8(line) else {
        return Err((Value::Null, "the line is not UTF-8".into()));
    };
    let s = s.trim();
    if s.is_empty() {
        return Ok(None);
    }
    if !line.ends_with(b"\n") && line.len() as u64 >= max_line {
        return Err((Value::Null, "the line is too long".into()));
    }
    let v: Value = serde_json::from_str(s).map_err(|e| (Value::Null, format!("not JSON: {e}")))?;
    let id = v.get("id").cloned().unwrap_or(Value::Null);
    match v.get(field) {
        Some(Value::String(t)) => Ok(Some((id, t.clone()))),
        Some(_) => Err((id, format!("\"{field}\" must be a string"))),
        None => Err((id, format!("missing \"{field}\""))),
    }
}

/// Reads standard input line by line (each at most `max_line` bytes) and
/// calls `each` with every good line's id and text; `each` writes that
/// line's output record.
pub fn each_line(
    field: &str,
    max_line: u64,
    mut each: impl FnMut(&mut dyn Write, Value, String) -> Result<()>,
) -> Result<ExitCode> {
    let stdin = std::io::stdin();
    let mut reader = stdin.lock();
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let (mut number, mut bad) = (0usize, 0usize);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = (&mut reader).take(max_line).read_until(b'\n', &mut line)?;
        if n == 0 {
            break;
        }
        number += 1;
        match parse_line(&line, field, max_line) {
            Ok(None) => continue,
            Ok(Some((id, text))) => each(&mut out, id, text)?,
            Err((id, error)) => {
                bad += 1;
                serde_json::to_writer(
                    &mut out,
                    &ErrRecord {
                        id,
                        line: number,
                        error,
                    },
                )?;
            }
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_read_or_refused_with_a_reason() {
        assert_eq!(parse_line(b"  \n", "text", 100), Ok(None));
        assert_eq!(
            parse_line(b"{\"id\": 3, \"text\": \"hi\"}\n", "text", 100),
            Ok(Some((Value::from(3), "hi".to_owned())))
        );
        assert_eq!(
            parse_line(b"{\"id\": 3, \"text\": 4}\n", "text", 100),
            Err((Value::from(3), "\"text\" must be a string".to_owned()))
        );
        assert_eq!(
            parse_line(b"{\"id\": 3}\n", "question", 100),
            Err((Value::from(3), "missing \"question\"".to_owned()))
        );
        assert!(parse_line(b"nope\n", "text", 100)
            .unwrap_err()
            .1
            .starts_with("not JSON"));
        assert_eq!(
            parse_line(&[0xff, b'\n'], "text", 100).unwrap_err().1,
            "the line is not UTF-8"
        );
        assert_eq!(
            parse_line(b"{\"id\": 1", "text", 8).unwrap_err().1,
            "the line is too long"
        );
    }
}
