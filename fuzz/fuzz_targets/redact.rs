//! Any text through the redaction engine (the thorough path, which runs
//! the fast one first): no panic, and every finding is
//! inside the text, on character boundaries, ordered and disjoint, with
//! code-point offsets that agree both ways of counting them.
//!
//! Run: `cargo fuzz run redact` from this folder (see docs/benchmarks.md).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use tolbooth_redact::{char_ranges, Redactor};

static REDACTOR: OnceLock<Redactor> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let redactor = REDACTOR.get_or_init(Redactor::thorough);
    let out = redactor.redact(&text);
    let mut previous_end = 0;
    for f in &out.findings {
        assert!(f.start < f.end, "empty finding");
        assert!(f.end <= text.len(), "finding past the end");
        assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        assert!(f.start >= previous_end, "findings overlap or are out of order");
        previous_end = f.end;
    }
    let chars = text.chars().count();
    for (f, (start, end)) in out.findings.iter().zip(char_ranges(&out.findings, &text)) {
        assert!(start < end && end <= chars);
        assert_eq!((start, end), f.char_range(&text));
    }
});
