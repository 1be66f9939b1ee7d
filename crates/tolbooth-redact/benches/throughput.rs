//! Redaction throughput on one core, on two kinds of input built from the
//! labelled corpus:
//!
//! - **chat transcripts**: each visitor message from the corpus followed by
//!   an operator's reply, as a live chat is kept (operators write more, and
//!   rarely personal data);
//! - **dense**: visitor messages only, one after another: nearly every line
//!   holds something to remove, the hardest realistic input.
//!
//! Each at 1 KB, 10 KB and 100 KB, as many transcripts cut from different
//! places of the corpus (one call each, timed; the 1 KB row's p99 is the
//! latency per 1 KB message); and worst-case inputs that would expose
//! super-linear matching.
//!
//! Run: `cargo bench -p tolbooth-redact --bench throughput`

#![expect(clippy::unwrap_used, reason = "a benchmark fails loudly")]

use std::hint::black_box;
use std::time::{Duration, Instant};
use tolbooth_redact::evaluate::parse_corpus;
use tolbooth_redact::Redactor;

/// Operators' replies, written for this benchmark (and read by
/// `scripts/compare-redaction.py`): what staff type in a council's or a
/// parliament's live chat, one per line.
const OPERATOR_REPLIES: &str = include_str!("operator-replies.txt");

fn corpus_messages() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/redaction");
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let mut messages = Vec::new();
    for p in paths {
        for m in parse_corpus(&std::fs::read_to_string(p).unwrap()).unwrap() {
            messages.push(m.text);
        }
    }
    messages
}

/// Visitor messages only.
fn dense_source(messages: &[String]) -> String {
    messages.join("\n")
}

/// Visitor messages, each followed by an operator's reply.
fn chat_source(messages: &[String]) -> String {
    let replies: Vec<&str> = OPERATOR_REPLIES.lines().filter(|l| !l.is_empty()).collect();
    let mut s = String::new();
    for (i, m) in messages.iter().enumerate() {
        s.push_str("Visitor: ");
        s.push_str(m);
        s.push_str("\nOperator: ");
        s.push_str(replies[i % replies.len()]);
        s.push('\n');
    }
    s
}

/// `size` bytes of `source` (repeated as needed), cut on a character
/// boundary.
fn sized(source: &str, size: usize) -> String {
    let mut t = String::with_capacity(size + source.len());
    while t.len() < size {
        t.push_str(source);
        t.push('\n');
    }
    let mut end = size;
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t.truncate(end);
    t
}

/// `count` transcripts of `size` bytes, cut from `source` (repeated as
/// needed) at offsets spread over it, each on character boundaries.
fn transcripts(source: &str, size: usize, count: usize) -> Vec<String> {
    let doubled = sized(source, source.len() * 2 + size);
    (0..count)
        .map(|i| {
            let mut at = i * source.len() / count;
            while !doubled.is_char_boundary(at) {
                at += 1;
            }
            sized(&doubled[at..], size)
        })
        .collect()
}

/// Median and 99th percentile of one call per transcript, over `rounds`
/// rounds through all of them.
fn time_each(r: &Redactor, texts: &[String], rounds: usize) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = Vec::with_capacity(texts.len() * rounds);
    for _ in 0..rounds {
        for t in texts {
            let start = Instant::now();
            black_box(r.find(black_box(t)));
            samples.push(start.elapsed());
        }
    }
    samples.sort();
    let n = samples.len();
    (samples[n / 2], samples[(n * 99 / 100).min(n - 1)])
}

/// Median and 99th percentile of `runs` timings of `f`.
fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let mut samples: Vec<Duration> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    samples.sort();
    (samples[runs / 2], samples[(runs * 99 / 100).min(runs - 1)])
}

fn mb_per_s(bytes: usize, d: Duration) -> f64 {
    bytes as f64 / 1e6 / d.as_secs_f64()
}

fn main() {
    let messages = corpus_messages();
    let chat = chat_source(&messages);
    let dense = dense_source(&messages);
    let paths = [
        ("fast", Redactor::new()),
        ("thorough", Redactor::thorough()),
    ];
    // Warm up: the phone metadata loads on first use, and the regex
    // engines build their states lazily.
    for (_, r) in &paths {
        for _ in 0..3 {
            black_box(r.find(&sized(&chat, 100_000)));
            black_box(r.find(&sized(&dense, 100_000)));
        }
    }
    println!("| path | input | size | transcripts | median | p99 | MB/s (median) |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    for (label, source) in [("chat transcript", &chat), ("dense", &dense)] {
        for (size, count, rounds) in [(1_000, 500, 10), (10_000, 100, 5), (100_000, 20, 5)] {
            let texts = transcripts(source, size, count);
            for (path, r) in &paths {
                let (median, p99) = time_each(r, &texts, rounds);
                println!(
                    "| {path} | {label} | {size} B | {count} | {median:.2?} | {p99:.2?} | {:.1} |",
                    mb_per_s(size, median)
                );
            }
        }
    }
    let worst: [(&str, String); 6] = [
        ("digits", "7".repeat(100_000)),
        ("digits and spaces", "07 ".repeat(33_334)),
        ("whitespace", " \t\n".repeat(33_334)),
        ("at signs", "a@".repeat(50_000)),
        ("one long word", "x".repeat(100_000)),
        (
            "terms, no punctuation",
            "my son has asthma and ".repeat(4_546),
        ),
    ];
    println!("\n| path | worst case | size | median | p99 | MB/s (median) |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for (label, text) in &worst {
        for (path, r) in &paths {
            let (median, p99) = time(20, || {
                black_box(r.find(black_box(text)));
            });
            println!(
                "| {path} | {label} | {} B | {median:.2?} | {p99:.2?} | {:.1} |",
                text.len(),
                mb_per_s(text.len(), median)
            );
        }
    }
    // Linear time: 10x the input should take about 10x as long.
    for (path, r) in &paths {
        for (label, unit) in [
            ("digits and spaces", "07 "),
            ("terms, no punctuation", "my son has asthma and "),
        ] {
            let small = unit.repeat(10_000 / unit.len());
            let large = unit.repeat(100_000 / unit.len());
            let (ts, _) = time(20, || {
                black_box(r.find(black_box(&small)));
            });
            let (tl, _) = time(20, || {
                black_box(r.find(black_box(&large)));
            });
            println!(
                "\nscaling, {path}, {label}, 10 KB -> 100 KB: {:.1}x time for 10x input",
                tl.as_secs_f64() / ts.as_secs_f64()
            );
        }
    }
}
