//! Trains the thorough path's tagger on labelled corpus files and, given
//! files it was not trained on, scores the fast and thorough paths on them.
//!
//! ```sh
//! cargo run --release -p tolbooth-redact --example train_special -- \
//!     --train corpus/redaction/*.txt corpus/redaction/train/set-*/*.txt \
//!         corpus/redaction/blind/round-1/*.txt \
//!     --high 0.5 --low 0.15 --out crates/tolbooth-redact/src/thorough/special-model.tsv
//! cargo run --release -p tolbooth-redact --example train_special -- \
//!     --train ... --score FILES... --sweep [--split]
//! ```
//!
//! `--split` moves every other scored message into the training set and
//! scores the rest; `--sweep` scores a range of thresholds.

use std::path::PathBuf;
use tolbooth_redact::evaluate::{evaluate, parse_corpus, Message, Report};
use tolbooth_redact::thorough::{train, Training};
use tolbooth_redact::Redactor;

fn read(files: &[PathBuf]) -> Result<Vec<Message>, String> {
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let mut msgs = parse_corpus(&text).map_err(|e| format!("{}: {e}", f.display()))?;
        for m in &mut msgs {
            m.file = f.display().to_string();
        }
        out.extend(msgs);
    }
    Ok(out)
}

fn line(label: &str, r: &Report) -> String {
    let (c, s) = (r.total(false), r.total(true));
    format!(
        "{label}: contact P {:.3} R {:.3} | special P {:.3} R {:.3} | names {}/{} | leaks {} | false alarms {}",
        c.precision(),
        c.recall(),
        s.precision(),
        s.recall(),
        r.names_kept,
        r.names,
        r.leaks.len(),
        r.false_alarms.len()
    )
}

fn main() -> Result<(), String> {
    let mut train_files = Vec::new();
    let mut score_files = Vec::new();
    let mut out: Option<PathBuf> = None;
    let (mut high, mut low) = (0.5_f32, 0.3_f32);
    let mut sweep = false;
    let mut verbose = false;
    let mut split = false;
    let mut training = Training::default();
    let mut into: Option<&mut Vec<PathBuf>> = None;
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let number = |v: Option<&String>| -> Result<f32, String> {
            v.and_then(|s| s.parse().ok())
                .ok_or(format!("{a} needs a number"))
        };
        match a.as_str() {
            "--train" => into = Some(&mut train_files),
            "--score" => into = Some(&mut score_files),
            "--out" => out = it.next().map(PathBuf::from),
            "--high" => high = number(it.next())?,
            "--low" => low = number(it.next())?,
            "--sweep" => sweep = true,
            "--verbose" => verbose = true,
            "--split" => split = true,
            "--prune" => training.prune_below = number(it.next())?,
            file => match into.as_mut() {
                Some(list) => list.push(PathBuf::from(file)),
                None => return Err(format!("unexpected {file}")),
            },
        }
    }
    let mut corpus = read(&train_files)?;
    let mut held = read(&score_files)?;
    if split {
        // Half of the scored set (every other message) joins the training.
        let (even, odd): (Vec<_>, Vec<_>) =
            held.into_iter().enumerate().partition(|(i, _)| i % 2 == 0);
        corpus.extend(even.into_iter().map(|(_, m)| m));
        held = odd.into_iter().map(|(_, m)| m).collect();
    }
    eprintln!("training on {} messages", corpus.len());
    let tagger = train(&corpus, training, high, low);
    if let Some(path) = &out {
        std::fs::write(path, tagger.to_tsv()).map_err(|e| e.to_string())?;
        eprintln!("wrote {}", path.display());
    }
    if score_files.is_empty() {
        return Ok(());
    }
    println!("{}", line("fast", &evaluate(&Redactor::new(), &held)));
    let settings: Vec<(f32, f32)> = if sweep {
        [0.3, 0.4, 0.5, 0.6, 0.7]
            .into_iter()
            .flat_map(|h: f32| [h, h * 0.6, h * 0.3].map(|l| (h, l)))
            .collect()
    } else {
        vec![(high, low)]
    };
    for (h, l) in settings {
        let r = evaluate(
            &Redactor::with_tagger(tagger.clone().with_thresholds(h, l)),
            &held,
        );
        println!("{}", line(&format!("thorough high {h:.2} low {l:.2}"), &r));
        if verbose {
            println!("{}", r.render());
        }
    }
    Ok(())
}
