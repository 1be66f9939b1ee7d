//! Measuring the engine against a labelled corpus (RED-4).
//!
//! The corpus format is one message per line, with labelled spans written
//! inline as `{category:text}`; `{name:...}` marks a person's name, which
//! must be kept. `\n` inside a line is a line break, `\{`, `\}` and `\\`
//! are literal, and lines starting with `#` are comments:
//!
//! ```text
//! {name:Morag} here, call me on {phone:07700 900123} please
//! is the church hall open on saturday
//! ```

use crate::category::Category;
use crate::Redactor;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What a label may be: a category, or a name to keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Label {
    Remove(Category),
    Name,
}

/// A labelled span in byte offsets of the message text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    pub label: Label,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Where the message came from, for reports (set by the caller).
    pub file: String,
    /// 1-based line in the corpus file.
    pub line: usize,
    pub text: String,
    pub spans: Vec<Span>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("corpus line {line}: {reason}")]
pub struct CorpusError {
    pub line: usize,
    pub reason: String,
}

/// Parses a corpus file.
pub fn parse_corpus(source: &str) -> Result<Vec<Message>, CorpusError> {
    let mut out = Vec::new();
    for (i, raw) in source.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() || raw.starts_with('#') {
            continue;
        }
        out.push(parse_line(raw, line)?);
    }
    Ok(out)
}

fn parse_line(raw: &str, line: usize) -> Result<Message, CorpusError> {
    let err = |reason: &str| CorpusError {
        line,
        reason: reason.to_owned(),
    };
    let mut text = String::with_capacity(raw.len());
    let mut spans = Vec::new();
    let mut open: Option<(usize, Label)> = None;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('n') => text.push('\n'),
                Some(e @ ('{' | '}' | '\\')) => text.push(e),
                _ => return Err(err("unknown escape")),
            },
            '{' => {
                if open.is_some() {
                    return Err(err("labels cannot nest"));
                }
                let mut name = String::new();
                loop {
                    match chars.next() {
                        Some(':') => break,
                        Some(ch) => name.push(ch),
                        None => return Err(err("unfinished label")),
                    }
                }
                let label = if name == "name" {
                    Label::Name
                } else {
                    Label::Remove(
                        Category::parse(&name)
                            .ok_or_else(|| err(&format!("unknown category {name:?}")))?,
                    )
                };
                open = Some((text.len(), label));
            }
            '}' => {
                let (start, label) = open.take().ok_or_else(|| err("'}' without '{'"))?;
                if start == text.len() {
                    return Err(err("empty label"));
                }
                spans.push(Span {
                    start,
                    end: text.len(),
                    label,
                });
            }
            other => text.push(other),
        }
    }
    if open.is_some() {
        return Err(err("unclosed label"));
    }
    Ok(Message {
        file: String::new(),
        line,
        text,
        spans,
    })
}

/// Counts for one category.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Labelled spans of this category.
    pub gold: usize,
    /// Labelled spans fully covered by findings of this category.
    pub caught: usize,
    /// Findings of this category.
    pub found: usize,
    /// Findings of this category that overlap a labelled span of it.
    pub correct: usize,
}

impl Counts {
    pub fn recall(&self) -> f64 {
        ratio(self.caught, self.gold)
    }
    pub fn precision(&self) -> f64 {
        ratio(self.correct, self.found)
    }
    /// F-beta with beta = 2: recall weighs four times precision.
    pub fn f2(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            5.0 * p * r / (4.0 * p + r)
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

/// A labelled span the engine did not fully remove.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leak {
    /// `file:line`.
    pub at: String,
    pub category: Category,
    pub text: String,
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub messages: usize,
    pub per_category: BTreeMap<Category, Counts>,
    pub names: usize,
    pub names_kept: usize,
    pub leaks: Vec<Leak>,
    /// Findings that overlap no labelled span: (`file:line`, category, text).
    pub false_alarms: Vec<(String, Category, String)>,
    /// Names a finding removed: (`file:line`, the name).
    pub names_lost: Vec<(String, String)>,
}

impl Report {
    pub fn total(&self, special: bool) -> Counts {
        self.per_category
            .iter()
            .filter(|(c, _)| c.is_special() == special)
            .fold(Counts::default(), |a, (_, c)| Counts {
                gold: a.gold + c.gold,
                caught: a.caught + c.caught,
                found: a.found + c.found,
                correct: a.correct + c.correct,
            })
    }

    pub fn names_kept_share(&self) -> f64 {
        ratio(self.names_kept, self.names)
    }

    /// A plain-text table for the terminal and docs/benchmarks.md.
    pub fn render(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{} messages", self.messages);
        let _ = writeln!(
            s,
            "| category | labelled | found | precision | recall | F2 |"
        );
        let _ = writeln!(s, "| --- | ---: | ---: | ---: | ---: | ---: |");
        for (c, n) in &self.per_category {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {:.3} | {:.3} | {:.3} |",
                c.name(),
                n.gold,
                n.found,
                n.precision(),
                n.recall(),
                n.f2()
            );
        }
        for (label, special) in [
            ("contact details and identifiers", false),
            ("special category", true),
        ] {
            let t = self.total(special);
            let _ = writeln!(
                s,
                "| **{label}** | {} | {} | {:.3} | {:.3} | {:.3} |",
                t.gold,
                t.found,
                t.precision(),
                t.recall(),
                t.f2()
            );
        }
        let _ = writeln!(
            s,
            "\nnames kept: {}/{} ({:.3})",
            self.names_kept,
            self.names,
            self.names_kept_share()
        );
        let _ = writeln!(s, "leaked spans: {}", self.leaks.len());
        for l in &self.leaks {
            let _ = writeln!(s, "  {}: {} {:?}", l.at, l.category.name(), l.text);
        }
        for (at, name) in &self.names_lost {
            let _ = writeln!(s, "  name removed: {at}: {name:?}");
        }
        let _ = writeln!(s, "false alarms: {}", self.false_alarms.len());
        for (at, c, t) in &self.false_alarms {
            let _ = writeln!(s, "  {at}: {} {t:?}", c.name());
        }
        s
    }
}

/// Runs the engine over every message and scores it.
pub fn evaluate(redactor: &Redactor, messages: &[Message]) -> Report {
    let mut r = Report {
        messages: messages.len(),
        ..Report::default()
    };
    for m in messages {
        let findings = redactor.find(&m.text);
        for span in &m.spans {
            let overlapping = findings
                .iter()
                .filter(|f| f.start < span.end && span.start < f.end);
            match span.label {
                Label::Name => {
                    r.names += 1;
                    if overlapping.count() == 0 {
                        r.names_kept += 1;
                    } else {
                        r.names_lost.push((
                            format!("{}:{}", m.file, m.line),
                            m.text[span.start..span.end].to_owned(),
                        ));
                    }
                }
                Label::Remove(category) => {
                    let counts = r.per_category.entry(category).or_default();
                    counts.gold += 1;
                    let covered_by = |same_category: bool| {
                        (span.start..span.end).all(|i| {
                            !m.text.is_char_boundary(i)
                                || findings.iter().any(|f| {
                                    f.start <= i
                                        && i < f.end
                                        && (!same_category || f.category == category)
                                })
                        })
                    };
                    if covered_by(true) {
                        counts.caught += 1;
                    }
                    if !covered_by(false) {
                        r.leaks.push(Leak {
                            at: format!("{}:{}", m.file, m.line),
                            category,
                            text: m.text[span.start..span.end].to_owned(),
                        });
                    }
                }
            }
        }
        for f in &findings {
            let counts = r.per_category.entry(f.category).or_default();
            counts.found += 1;
            let hits_same = m.spans.iter().any(|s| {
                s.label == Label::Remove(f.category) && f.start < s.end && s.start < f.end
            });
            if hits_same {
                counts.correct += 1;
            }
            let hits_any = m
                .spans
                .iter()
                .any(|s| matches!(s.label, Label::Remove(_)) && f.start < s.end && s.start < f.end);
            if !hits_any {
                r.false_alarms.push((
                    format!("{}:{}", m.file, m.line),
                    f.category,
                    m.text[f.start..f.end].to_owned(),
                ));
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_format_parses_labels_and_escapes() {
        let msgs = parse_corpus("# c\n{name:Jo} on {phone:07700 900123}\\nbye \\{x\\}\n").unwrap();
        assert_eq!(msgs.len(), 1);
        let m = &msgs[0];
        assert_eq!(m.text, "Jo on 07700 900123\nbye {x}");
        assert_eq!(
            m.spans[0],
            Span {
                start: 0,
                end: 2,
                label: Label::Name
            }
        );
        assert_eq!(&m.text[m.spans[1].start..m.spans[1].end], "07700 900123");
        assert!(parse_corpus("{bogus:x}").is_err());
        assert!(parse_corpus("{email:x").is_err());
    }

    #[test]
    fn scoring_counts_leaks_and_false_alarms() {
        let msgs = parse_corpus(
            "{name:Jo} mail {email:jo@example.org}\nmy number {phone:0131 496 0000}\nmy son has ADHD\n",
        )
        .unwrap();
        let r = evaluate(&Redactor::new(), &msgs);
        assert_eq!(r.per_category[&Category::Email].caught, 1);
        assert_eq!(r.names_kept, 1);
        // ADHD was not labelled: a false alarm.
        assert_eq!(r.false_alarms.len(), 1);
        assert!(r.leaks.is_empty());
    }
}
