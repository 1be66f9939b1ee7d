//! Retrieval quality: page ranking (top-1, MRR@5), and answers and
//! declines on an evaluation set at the answerer's thresholds, at tuned
//! ones and over a grid of them, with their reports.

use super::eval::EvalQuestion;
use tolbooth_bot::answer::{Answerer, Thresholds};

/// Top-1 and MRR@5 of page ranking.
pub fn ranking_quality(
    answerer: &Answerer,
    questions: &[(String, usize)],
) -> anyhow::Result<(f64, f64)> {
    let (mut top1, mut rr) = (0.0, 0.0);
    for (question, expected) in questions {
        let ranked = answerer.rank(question)?;
        if let Some(pos) = ranked.iter().take(5).position(|r| r.page == *expected) {
            rr += 1.0 / (pos as f64 + 1.0);
            if pos == 0 {
                top1 += 1.0;
            }
        }
    }
    let n = questions.len() as f64;
    Ok((top1 / n, rr / n))
}

/// How an answerer does on an evaluation set at its thresholds.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeclineQuality {
    pub answered: usize,
    pub answered_right: usize,
    pub answerable: usize,
    pub should_decline: usize,
    pub declined_right: usize,
}

impl DeclineQuality {
    pub fn precision(&self) -> f64 {
        if self.answered == 0 {
            1.0
        } else {
            self.answered_right as f64 / self.answered as f64
        }
    }
    pub fn decline_share(&self) -> f64 {
        self.declined_right as f64 / self.should_decline.max(1) as f64
    }
    pub fn answered_share(&self) -> f64 {
        self.answered_right as f64 / self.answerable.max(1) as f64
    }
}

/// What the answerer did with one question of an evaluation set, with
/// its thresholds at zero: enough to tell what it would do at any
/// thresholds without asking again.
#[derive(Debug, Clone)]
pub struct Recorded {
    answerable: bool,
    expected: Option<String>,
    /// Whether it would answer at all (not case-specific, empty or
    /// unmatched).
    could_answer: bool,
    cited: Option<String>,
    confidence: f32,
    margin: f32,
}

pub fn record(
    answerer: Answerer,
    set: &[&EvalQuestion],
) -> anyhow::Result<(Answerer, Vec<Recorded>)> {
    let kept = answerer.thresholds();
    let open = answerer.with_thresholds(Thresholds {
        min_confidence: 0.0,
        min_margin: f32::MIN,
    });
    let mut out = Vec::with_capacity(set.len());
    for item in set {
        let reply = open.answer(&item.question)?;
        out.push(Recorded {
            answerable: item.kind == "answerable",
            expected: item.page.clone(),
            could_answer: reply.answered,
            cited: reply.sources.first().map(|s| s.url.clone()),
            confidence: reply.confidence,
            margin: reply.margin,
        });
    }
    Ok((open.with_thresholds(kept), out))
}

pub fn quality_at(records: &[&Recorded], t: Thresholds) -> DeclineQuality {
    let mut q = DeclineQuality::default();
    for r in records {
        let answered =
            r.could_answer && r.confidence >= t.min_confidence && r.margin >= t.min_margin;
        if r.answerable {
            q.answerable += 1;
        } else {
            q.should_decline += 1;
            if !answered {
                q.declined_right += 1;
            }
        }
        if answered {
            q.answered += 1;
            if r.answerable && r.cited.is_some() && r.cited == r.expected {
                q.answered_right += 1;
            }
        }
    }
    q
}

/// The thresholds with the most right answers among those with at least
/// 90% precision and 90% of the should-decline questions declined.
pub fn tune(records: &[&Recorded]) -> Option<(Thresholds, DeclineQuality)> {
    let mut best: Option<(Thresholds, DeclineQuality)> = None;
    for c in 0..=32 {
        for m in 0..=20 {
            let t = Thresholds {
                min_confidence: 0.3 + c as f32 * 0.02,
                min_margin: m as f32 * 0.01,
            };
            let q = quality_at(records, t);
            if q.precision() >= 0.9
                && q.decline_share() >= 0.9
                && best.is_none_or(|(_, b)| q.answered_right > b.answered_right)
            {
                best = Some((t, q));
            }
        }
    }
    best
}

/// Decline quality at the answerer's own thresholds, at thresholds tuned
/// on the whole set, and tuned on each half and measured on the other.
pub fn report_declines(
    label: &str,
    answerer: Answerer,
    eval: &[EvalQuestion],
) -> anyhow::Result<(Answerer, Vec<Recorded>)> {
    let all: Vec<&EvalQuestion> = eval.iter().collect();
    let (answerer, records) = record(answerer, &all)?;
    let every: Vec<&Recorded> = records.iter().collect();
    let defaults = answerer.thresholds();
    report_quality(
        &format!("{label}, default thresholds"),
        defaults,
        &quality_at(&every, defaults),
    );
    match tune(&every) {
        Some((t, q)) => report_quality(&format!("{label}, tuned on the whole set"), t, &q),
        None => println!("{label}: no thresholds reach 90% precision with 90% declined."),
    }
    let half = |parity: usize| -> Vec<&Recorded> {
        records
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, r)| r)
            .collect()
    };
    let (odd, even) = (half(1), half(0));
    for (name, tune_on, test_on) in [("odd", &odd, &even), ("even", &even, &odd)] {
        if let Some((t, _)) = tune(tune_on) {
            report_quality(
                &format!("{label}, tuned on the {name} half, measured on the other"),
                t,
                &quality_at(test_on, t),
            );
        }
    }
    Ok((answerer, records))
}

/// Precision, share declined and share of answerable questions answered
/// right over a grid of thresholds.
pub(super) fn threshold_grid(label: &str, records: &[Recorded]) {
    let every: Vec<&Recorded> = records.iter().collect();
    let margins = [0.0, 0.02, 0.05, 0.08, 0.1];
    println!("{label}: precision / declined / answerable answered right");
    print!("| min confidence |");
    for m in margins {
        print!(" margin {m} |");
    }
    println!();
    println!("| ---: |{}", " ---: |".repeat(margins.len()));
    for c in [0.4, 0.44, 0.48, 0.5, 0.52, 0.56, 0.6, 0.65] {
        print!("| {c} |");
        for m in margins {
            let q = quality_at(
                &every,
                Thresholds {
                    min_confidence: c,
                    min_margin: m,
                },
            );
            print!(
                " {:.3} / {:.3} / {:.3} |",
                q.precision(),
                q.decline_share(),
                q.answered_share()
            );
        }
        println!();
    }
}

fn report_quality(label: &str, t: Thresholds, q: &DeclineQuality) {
    println!(
        "{label}: confidence ≥ {:.2}, margin ≥ {:.3} → precision {:.3} ({}/{} answered right), declined {:.3} ({}/{}), answerable answered right {:.3}",
        t.min_confidence,
        t.min_margin,
        q.precision(),
        q.answered_right,
        q.answered,
        q.decline_share(),
        q.declined_right,
        q.should_decline,
        q.answered_share()
    );
}
