//! A learned back-up to the case guard's patterns (BOT-2): logistic
//! regression over the words and word pairs of a question, trained on
//! questions written for it (`kb/train/case-questions.jsonl`), saying how
//! likely a question is about the asker's own case or eligibility. It
//! needs no embedding model, so it works with BM25 alone; the answerer
//! declines a question when the patterns match or the model's probability
//! reaches its threshold.
//!
//! The trained weights ship in `case-model.tsv` beside this file (written
//! by `tolbooth-bench bot --target train-case`): a `bias` line, a
//! `threshold` line, then one `feature<TAB>weight` line per feature kept.

use std::collections::HashMap;
use std::fmt::Write as _;

/// The model built into the binary.
const BUILT_IN: &str = include_str!("case-model.tsv");

/// Longest question looked at, in bytes (the answerer bounds them too).
const MAX_QUESTION: usize = 2_000;

/// The features of a question: each word (any word with a digit in it
/// read as one token, `<n>`), each pair of neighbouring words, and the
/// first two words as an opening.
pub fn features(question: &str) -> Vec<String> {
    let mut text = question
        .get(..MAX_QUESTION.min(question.len()))
        .unwrap_or(question)
        .to_lowercase();
    text = text.replace(['’', '‘'], "'");
    let words: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        // A number is a number: "ref 5521" and "ref 88" alike.
        .map(|w| {
            if w.bytes().any(|b| b.is_ascii_digit()) {
                "<n>"
            } else {
                w
            }
        })
        .collect();
    let mut out = Vec::with_capacity(words.len() * 2 + 1);
    for w in &words {
        out.push(format!("w:{w}"));
    }
    for pair in words.windows(2) {
        out.push(format!("b:{}_{}", pair[0], pair[1]));
    }
    if let [first, second, ..] = words.as_slice() {
        out.push(format!("o:{first}_{second}"));
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// A trained model.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseModel {
    bias: f32,
    /// The probability at or above which a question is declined.
    threshold: f32,
    weights: HashMap<String, f32>,
}

#[derive(Debug, thiserror::Error)]
#[error("case model line {line}: {reason}")]
pub struct ModelError {
    pub line: usize,
    pub reason: &'static str,
}

/// One training example.
#[derive(Debug, Clone)]
pub struct Example {
    pub question: String,
    pub own_case: bool,
}

/// How training goes.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// Weights smaller than this are dropped from the saved model.
    pub prune_below: f32,
}

impl Default for Training {
    fn default() -> Self {
        Self {
            epochs: 40,
            learning_rate: 0.2,
            l2: 1e-4,
            prune_below: 0.02,
        }
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

impl CaseModel {
    /// The model that ships with Tolbooth.
    pub fn built_in() -> Result<Self, ModelError> {
        Self::from_tsv(BUILT_IN)
    }

    /// The probability that `question` is about the asker's own case or
    /// eligibility.
    pub fn probability(&self, question: &str) -> f32 {
        let z = features(question)
            .iter()
            .filter_map(|f| self.weights.get(f))
            .sum::<f32>()
            + self.bias;
        sigmoid(z)
    }

    pub fn is_case_specific(&self, question: &str) -> bool {
        self.probability(question) >= self.threshold
    }

    pub fn threshold(&self) -> f32 {
        self.threshold
    }

    #[must_use]
    pub fn with_threshold(mut self, threshold: f32) -> Self {
        self.threshold = threshold;
        self
    }

    /// Logistic regression by stochastic gradient descent with L2, the
    /// examples visited in a fixed shuffled order each epoch (the same
    /// data gives the same model).
    pub fn train(examples: &[Example], t: Training, threshold: f32) -> Self {
        let mut index: HashMap<String, usize> = HashMap::new();
        let encoded: Vec<(Vec<usize>, f32)> = examples
            .iter()
            .map(|e| {
                let ids = features(&e.question)
                    .into_iter()
                    .map(|f| {
                        let next = index.len();
                        *index.entry(f).or_insert(next)
                    })
                    .collect();
                (ids, if e.own_case { 1.0 } else { 0.0 })
            })
            .collect();
        let mut w = vec![0.0_f32; index.len()];
        let mut bias = 0.0_f32;
        let mut order: Vec<usize> = (0..encoded.len()).collect();
        let mut seed: u64 = 0x5eed_cafe;
        for epoch in 0..t.epochs {
            // Fisher-Yates with a small linear congruential generator.
            for i in (1..order.len()).rev() {
                seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                let j = usize::try_from(seed >> 33).unwrap_or(0) % (i + 1);
                order.swap(i, j);
            }
            #[expect(clippy::cast_precision_loss, reason = "a small epoch count")]
            let rate = t.learning_rate / (1.0 + epoch as f32 * 0.1);
            for &k in &order {
                let (ids, y) = &encoded[k];
                let z = ids.iter().map(|&i| w[i]).sum::<f32>() + bias;
                let g = sigmoid(z) - y;
                for &i in ids {
                    w[i] -= rate * (g + t.l2 * w[i]);
                }
                bias -= rate * g;
            }
        }
        let weights = index
            .into_iter()
            .filter_map(|(f, i)| {
                let v = w[i];
                (v.abs() >= t.prune_below).then_some((f, v))
            })
            .collect();
        Self {
            bias,
            threshold,
            weights,
        }
    }

    /// The model as the TSV it ships as, features in order.
    pub fn to_tsv(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "bias\t{}", self.bias);
        let _ = writeln!(out, "threshold\t{}", self.threshold);
        let mut features: Vec<(&String, &f32)> = self.weights.iter().collect();
        features.sort_by(|a, b| a.0.cmp(b.0));
        for (f, v) in features {
            let _ = writeln!(out, "{f}\t{v:.4}");
        }
        out
    }

    pub fn from_tsv(text: &str) -> Result<Self, ModelError> {
        let mut bias = None;
        let mut threshold = None;
        let mut weights = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let bad = |reason| ModelError {
                line: n + 1,
                reason,
            };
            let (name, value) = line.split_once('\t').ok_or_else(|| bad("no tab"))?;
            let value: f32 = value.trim().parse().map_err(|_| bad("not a number"))?;
            if !value.is_finite() {
                return Err(bad("not a finite number"));
            }
            match name {
                "bias" => bias = Some(value),
                "threshold" => threshold = Some(value),
                feature => {
                    weights.insert(feature.to_owned(), value);
                }
            }
        }
        Ok(Self {
            bias: bias.ok_or(ModelError {
                line: 0,
                reason: "no bias line",
            })?,
            threshold: threshold.ok_or(ModelError {
                line: 0,
                reason: "no threshold line",
            })?,
            weights,
        })
    }

    pub fn features_kept(&self) -> usize {
        self.weights.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(question: &str, own_case: bool) -> Example {
        Example {
            question: question.into(),
            own_case,
        }
    }

    #[test]
    fn features_are_words_pairs_and_the_opening() {
        let f = features("Has MY claim gone through? ref 5521");
        for want in [
            "w:has",
            "w:my",
            "b:my_claim",
            "b:gone_through",
            "o:has_my",
            "b:ref_<n>",
        ] {
            assert!(f.contains(&want.to_owned()), "{want} in {f:?}");
        }
        assert!(features("").is_empty());
    }

    #[test]
    fn it_learns_a_separable_set_and_round_trips() {
        let examples = [
            ex("has my claim been approved", true),
            ex("did my application go through", true),
            ex("am i entitled to a discount", true),
            ex("how do i apply for a discount", false),
            ex("who can claim a discount", false),
            ex("how long do applications take", false),
        ];
        let m = CaseModel::train(&examples, Training::default(), 0.5);
        assert!(m.is_case_specific("has my claim gone through yet"));
        assert!(!m.is_case_specific("how do i apply"));
        let back = CaseModel::from_tsv(&m.to_tsv()).unwrap();
        assert!(
            (back.probability("did my claim go through")
                - m.probability("did my claim go through"))
            .abs()
                < 1e-3
        );
        assert!(CaseModel::from_tsv("bias\tx").is_err());
        assert!(CaseModel::from_tsv("threshold\t0.5").is_err());
    }

    #[test]
    fn the_built_in_model_loads() {
        let m = CaseModel::built_in().unwrap();
        assert!(m.features_kept() > 0);
        assert!(m.threshold() > 0.0 && m.threshold() < 1.0);
    }
}
