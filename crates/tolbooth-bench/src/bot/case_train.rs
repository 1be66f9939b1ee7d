//! `tolbooth-bench bot --target train-case`: trains the case guard's
//! model on the questions in `kb/train/` (`case-questions.jsonl`, written
//! for it from a brief; `case-questions-extra.jsonl`, lookups that name
//! the asker's street or bin but need no record), chooses its threshold by
//! five-fold cross-validation on that set (the patterns and the model
//! together: at most 5% of general questions declined on the held-out
//! folds, as many own-case questions caught as that allows), reports the
//! folds' figures, and writes the model the binary ships
//! (`crates/tolbooth-bot/src/case-model.tsv`). The figures are on the
//! training set's own folds: tuned, not blind.

use std::path::Path;
use tolbooth_bot::case_model::{CaseModel, Example, Training};
use tolbooth_bot::CaseGuard;

#[derive(serde::Deserialize)]
struct Line {
    question: String,
    own_case: bool,
}

const FOLDS: usize = 5;
const MOST_GENERAL_DECLINED: f64 = 0.05;

/// Held-out (own-case caught, general declined) at each threshold.
fn cross_validate(
    examples: &[Example],
    thresholds: &[f32],
) -> anyhow::Result<Vec<(usize, usize, usize, usize)>> {
    let patterns = CaseGuard::patterns_only(&[])?;
    let mut tally = vec![(0, 0, 0, 0); thresholds.len()];
    for fold in 0..FOLDS {
        let train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS != fold)
            .map(|(_, e)| e.clone())
            .collect();
        let model = CaseModel::train(&train, Training::default(), 0.5);
        for (i, e) in examples
            .iter()
            .enumerate()
            .filter(|(i, _)| i % FOLDS == fold)
        {
            let _ = i;
            let p = model.probability(&e.question);
            let by_pattern = patterns.patterns_match(&e.question);
            for (k, &t) in thresholds.iter().enumerate() {
                let declined = by_pattern || p >= t;
                let row = &mut tally[k];
                if e.own_case {
                    row.1 += 1;
                    if declined {
                        row.0 += 1;
                    }
                } else {
                    row.3 += 1;
                    if declined {
                        row.2 += 1;
                    }
                }
            }
        }
    }
    Ok(tally)
}

/// Trains on every `*.jsonl` file in `folder` (each line a question and
/// whether it is about the asker's own case).
pub fn train_case(folder: &Path, out: &Path) -> anyhow::Result<()> {
    let mut files: Vec<_> = std::fs::read_dir(folder)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    let mut text = String::new();
    for file in &files {
        text.push_str(&std::fs::read_to_string(file)?);
        text.push('\n');
    }
    let set = folder;
    let examples: Vec<Example> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let line: Line = serde_json::from_str(l)?;
            Ok(Example {
                question: line.question,
                own_case: line.own_case,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let own = examples.iter().filter(|e| e.own_case).count();
    println!(
        "{}: {} questions, {own} about the asker's own case",
        set.display(),
        examples.len()
    );
    let thresholds: Vec<f32> = (6..=19).map(|k| k as f32 * 0.05).collect();
    let tally = cross_validate(&examples, &thresholds)?;
    // The patterns alone, on the same questions.
    let patterns = CaseGuard::patterns_only(&[])?;
    let caught = examples
        .iter()
        .filter(|e| e.own_case && patterns.patterns_match(&e.question))
        .count();
    let false_alarms = examples
        .iter()
        .filter(|e| !e.own_case && patterns.patterns_match(&e.question))
        .count();
    println!();
    println!("| threshold | own case caught (held out) | general declined (held out) |");
    println!("| ---: | ---: | ---: |");
    println!(
        "| patterns alone | {:.3} ({caught}/{own}) | {:.3} ({false_alarms}/{}) |",
        caught as f64 / own.max(1) as f64,
        false_alarms as f64 / (examples.len() - own).max(1) as f64,
        examples.len() - own
    );
    let mut chosen = None;
    for (t, (c, n, d, g)) in thresholds.iter().zip(&tally) {
        let (recall, fp) = (
            *c as f64 / (*n).max(1) as f64,
            *d as f64 / (*g).max(1) as f64,
        );
        println!("| {t:.2} | {recall:.3} ({c}/{n}) | {fp:.3} ({d}/{g}) |");
        if fp <= MOST_GENERAL_DECLINED && chosen.is_none() {
            chosen = Some(*t);
        }
    }
    let threshold = chosen.unwrap_or(0.95);
    let model = CaseModel::train(&examples, Training::default(), threshold);
    std::fs::write(out, model.to_tsv())?;
    println!();
    println!(
        "threshold {threshold:.2}; trained on all {} questions, {} features kept; written to {}",
        examples.len(),
        model.features_kept(),
        out.display()
    );
    Ok(())
}
