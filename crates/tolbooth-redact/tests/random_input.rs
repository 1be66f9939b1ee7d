//! Random input never panics the engine, and every finding lies within the
//! text, on character boundaries, sorted and not overlapping. Inputs mix
//! the characters the detectors care about (digits, separators, @, dots,
//! letters of several scripts, emoji, line breaks) so that partial matches
//! are common.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use tolbooth_redact::{Category, Redactor};

const PIECES: &[&str] = &[
    "0",
    "7",
    "1",
    "9",
    "44",
    "+",
    "(0)",
    " ",
    "  ",
    "-",
    ".",
    "/",
    "@",
    "at",
    "dot",
    "com",
    "org",
    "uk",
    "eh",
    "G2",
    "1AB",
    "ab",
    "AB",
    "C",
    "street",
    "road",
    "rd",
    "flat",
    "my",
    "I'm",
    "son",
    "has",
    "diabetes",
    "Unison",
    "in",
    "as a",
    "muslim",
    "born on",
    "dob",
    "sort code",
    "account",
    "nhs",
    "à",
    "ŵ",
    "ß",
    "😀",
    "\n",
    ",",
    ":",
    "::",
    "ff",
    "192.0.2.",
    "insta",
    "_",
    "gb82",
    "march",
    "3rd",
    "1987",
    "/",
];

#[test]
fn random_input_gives_well_formed_findings() {
    for redactor in [Redactor::new(), Redactor::thorough()] {
        well_formed_findings(&redactor);
    }
}

fn well_formed_findings(redactor: &Redactor) {
    let mut rng = StdRng::seed_from_u64(0x7b00_7b00);
    let mut total = 0;
    for round in 0..3_000 {
        let len = rng.gen_range(0..80);
        let text: String = (0..len)
            .map(|_| PIECES[rng.gen_range(0..PIECES.len())])
            .collect();
        let findings = redactor.find(&text);
        total += findings.len();
        let mut last_end = 0;
        for f in &findings {
            assert!(
                f.start < f.end && f.end <= text.len(),
                "round {round}: {f:?} in {text:?}"
            );
            assert!(
                text.is_char_boundary(f.start) && text.is_char_boundary(f.end),
                "round {round}: {text:?}"
            );
            assert!(f.start >= last_end, "round {round}: overlap in {text:?}");
            last_end = f.end;
            let (cs, ce) = f.char_range(&text);
            assert_eq!(ce - cs, text[f.start..f.end].chars().count());
        }
        let redacted = redactor.redact(&text);
        for f in &findings {
            assert!(redacted.text.contains(f.category.marker()));
        }
        assert!(findings.iter().all(|f| Category::ALL.contains(&f.category)));
    }
    // The inputs are built to provoke findings; a run with none would
    // test nothing.
    assert!(total > 300, "only {total} findings");
}

#[test]
fn long_random_input_stays_well_formed() {
    let mut rng = StdRng::seed_from_u64(42);
    let text: String = (0..20_000)
        .map(|_| PIECES[rng.gen_range(0..PIECES.len())])
        .collect();
    for redactor in [Redactor::new(), Redactor::thorough()] {
        let findings = redactor.find(&text);
        assert!(findings.windows(2).all(|w| w[0].end <= w[1].start));
        assert!(findings
            .iter()
            .all(|f| text.is_char_boundary(f.start) && text.is_char_boundary(f.end)));
    }
}
