//! Redaction throughput on one core: transcripts of 1 KB, 10 KB and 100 KB
//! built from the labelled corpus, per-message latency on 1 KB messages,
//! and worst-case inputs that would expose super-linear matching.
//!
//! Run: `cargo bench -p tolbooth-redact --bench throughput`

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "a benchmark fails loudly"
)]

use std::hint::black_box;
use std::time::{Duration, Instant};
use tolbooth_redact::evaluate::parse_corpus;
use tolbooth_redact::Redactor;

fn corpus_text() -> String {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../corpus/redaction");
    let mut lines = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    for p in paths {
        for m in parse_corpus(&std::fs::read_to_string(p).unwrap()).unwrap() {
            lines.push(m.text);
        }
    }
    lines.join("\n")
}

/// `size` bytes of transcript, cut on a character boundary.
fn transcript(source: &str, size: usize) -> String {
    let mut t = String::with_capacity(size + 200);
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
    let r = Redactor::new();
    let source = corpus_text();
    r.find("warm up 07700 900123"); // load the phone metadata once
    println!("| input | size | median | p99 | MB/s (median) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for (label, size, runs) in [
        ("transcript", 1_000, 2_000),
        ("transcript", 10_000, 300),
        ("transcript", 100_000, 40),
    ] {
        let t = transcript(&source, size);
        let (median, p99) = time(runs, || {
            black_box(r.find(black_box(&t)));
        });
        println!(
            "| {label} | {size} B | {median:.2?} | {p99:.2?} | {:.1} |",
            mb_per_s(t.len(), median)
        );
    }
    let worst: [(&str, String); 5] = [
        ("digits", "7".repeat(100_000)),
        ("digits and spaces", "07 ".repeat(33_334)),
        ("whitespace", " \t\n".repeat(33_334)),
        ("at signs", "a@".repeat(50_000)),
        ("one long word", "x".repeat(100_000)),
    ];
    for (label, text) in worst {
        let (median, p99) = time(20, || {
            black_box(r.find(black_box(&text)));
        });
        println!(
            "| worst case: {label} | {} B | {median:.2?} | {p99:.2?} | {:.1} |",
            text.len(),
            mb_per_s(text.len(), median)
        );
    }
    // Linear time: 10x the input should take about 10x as long.
    let small = "07 ".repeat(3_334);
    let large = "07 ".repeat(33_334);
    let (ts, _) = time(20, || {
        black_box(r.find(black_box(&small)));
    });
    let (tl, _) = time(20, || {
        black_box(r.find(black_box(&large)));
    });
    println!(
        "\nscaling, digits and spaces, 10 KB -> 100 KB: {:.1}x time for 10x input",
        tl.as_secs_f64() / ts.as_secs_f64()
    );
}
