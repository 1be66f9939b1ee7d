//! The labelled corpus in `corpus/redaction/` parses, and the engine meets
//! the goals of RED-4 on it. As the corpus grows, this guards against
//! regressions; docs/benchmarks.md holds the full figures.

use tolbooth_redact::evaluate::{evaluate, parse_corpus, Message};
use tolbooth_redact::Redactor;

/// Every message of the `.txt` files in `corpus/redaction/<folder>`.
#[expect(
    clippy::unwrap_used,
    reason = "a corpus that cannot be read fails the test that reads it"
)]
fn read_corpus(folder: &str) -> Vec<Message> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../corpus/redaction")
        .join(folder);
    let mut messages = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let text = std::fs::read_to_string(&path).unwrap();
            let parsed = parse_corpus(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            messages.extend(parsed);
        }
    }
    messages
}

#[test]
fn the_fast_path_meets_its_goals_on_the_corpus() {
    meets_the_goals(&Redactor::new());
}

/// The thorough path was trained on this corpus, so this is a tuned
/// figure too; it guards against a model that undoes the patterns.
#[test]
fn the_thorough_path_meets_its_goals_on_the_corpus() {
    let redactor = Redactor::thorough();
    meets_the_goals(&redactor);
    let messages = read_corpus("");
    let fast = evaluate(&Redactor::new(), &messages).total(true);
    let thorough = evaluate(&redactor, &messages).total(true);
    assert!(thorough.caught >= fast.caught, "{thorough:?} {fast:?}");
}

fn meets_the_goals(redactor: &Redactor) {
    let messages = read_corpus("");
    assert!(
        messages.len() >= 600,
        "the corpus has {} messages",
        messages.len()
    );
    let report = evaluate(redactor, &messages);
    let contact = report.total(false);
    let special = report.total(true);
    let summary = report.render();
    assert!(contact.recall() >= 0.99, "{summary}");
    assert!(contact.precision() >= 0.95, "{summary}");
    assert!(special.recall() >= 0.90, "{summary}");
    assert!(special.precision() >= 0.85, "{summary}");
    assert!(report.names_kept_share() >= 0.98, "{summary}");
}

/// The blind batches parse as written, with the counts their README gives
/// (they are scored by `tolbooth redact --evaluate`, not held to goals
/// here: a test that fails until the engine is fitted to them would make
/// them tuned sets).
#[test]
fn the_blind_batches_parse_as_written() {
    assert_eq!(read_corpus("blind/round-1").len(), 706);
    assert_eq!(read_corpus("blind/round-2").len(), 600);
    assert_eq!(read_corpus("blind/round-3").len(), 600);
}

/// The thorough path's training set parses (it is training data, not an
/// evaluation set: nothing is scored on it).
#[test]
fn the_training_set_parses() {
    assert_eq!(read_corpus("train/set-1").len(), 1_837);
    assert_eq!(read_corpus("train/set-2").len(), 1_904);
    assert_eq!(read_corpus("train/set-3").len(), 1_729);
    assert_eq!(read_corpus("train/set-4").len(), 1_975);
}
