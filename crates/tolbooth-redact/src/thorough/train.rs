//! Training the tagger: softmax regression by stochastic gradient descent,
//! one example per word of the labelled corpus.

use super::features::{self, Word};
use super::{softmax, Tagger, CLASSES, K};
use crate::evaluate::{Label, Message};
use std::collections::HashMap;

/// How training goes.
#[derive(Debug, Clone, Copy)]
pub struct Training {
    pub epochs: usize,
    pub learning_rate: f32,
    pub l2: f32,
    /// How much more a word inside a disclosure counts than one outside
    /// (missing a disclosure costs more than removing a harmless word).
    pub positive_weight: f32,
    /// Features whose weights are all smaller than this are not saved.
    pub prune_below: f32,
}

impl Default for Training {
    fn default() -> Self {
        Self {
            epochs: 20,
            learning_rate: 0.1,
            l2: 1e-5,
            positive_weight: 2.0,
            prune_below: 0.3,
        }
    }
}

/// The class of each word: the special category of a labelled span it
/// overlaps, 0 when none, `None` when it lies in a contact detail (the
/// patterns' business, not the tagger's).
fn classes(message: &Message, words: &[Word]) -> Vec<Option<usize>> {
    words
        .iter()
        .map(|w| {
            let span = message
                .spans
                .iter()
                .find(|s| s.start < w.end && w.start < s.end);
            match span.map(|s| s.label) {
                None | Some(Label::Name) => Some(0),
                Some(Label::Remove(c)) => CLASSES.iter().position(|&k| k == c).map(|k| k + 1),
            }
        })
        .collect()
}

/// Trains a tagger on `corpus`. The visiting order is a fixed shuffle, so
/// the same corpus gives the same model.
pub fn train(corpus: &[Message], t: Training, high: f32, low: f32) -> Tagger {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut examples: Vec<(Vec<usize>, usize)> = Vec::new();
    let detectors = crate::detect::Detectors::new();
    for m in corpus {
        let mut words = features::words(&m.text);
        // Only the lexicon's terms are wanted here (a feature of each word);
        // the patterns' own findings go unused.
        let (mut found, mut terms) = (Vec::new(), Vec::new());
        detectors.run(&m.text, &mut found, Some(&mut terms));
        features::mark_terms(&mut words, &terms);
        let labels = classes(m, &words);
        for range in features::clauses(&words) {
            for i in range.clone() {
                let Some(y) = labels[i] else { continue };
                let mut ids = Vec::new();
                features::each_feature(&words, i, &range, &mut |kind, parts| {
                    let name = features::written(kind, parts);
                    let next = index.len();
                    ids.push(*index.entry(name).or_insert(next));
                });
                ids.sort_unstable();
                ids.dedup();
                examples.push((ids, y));
            }
        }
    }
    let mut w = vec![[0.0_f32; K]; index.len()];
    let mut bias = [0.0_f32; K];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed: u64 = 0x7a66_e25d;
    for epoch in 0..t.epochs {
        for i in (1..order.len()).rev() {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let j = usize::try_from(seed >> 33).unwrap_or(0) % (i + 1);
            order.swap(i, j);
        }
        #[expect(clippy::cast_precision_loss, reason = "a small epoch count")]
        let rate = t.learning_rate / (1.0 + epoch as f32 * 0.2);
        for &e in &order {
            let (ids, y) = &examples[e];
            let mut z = bias;
            for &i in ids {
                for (zk, wk) in z.iter_mut().zip(&w[i]) {
                    *zk += wk;
                }
            }
            softmax(&mut z);
            let scale = if *y == 0 { 1.0 } else { t.positive_weight };
            let mut g = z;
            g[*y] -= 1.0;
            for gk in &mut g {
                *gk *= scale;
            }
            for &i in ids {
                for (wk, gk) in w[i].iter_mut().zip(&g) {
                    *wk -= rate * (gk + t.l2 * *wk);
                }
            }
            for (bk, gk) in bias.iter_mut().zip(&g) {
                *bk -= rate * gk;
            }
        }
    }
    let mut weights = super::Weights::default();
    let mut names = Vec::new();
    for (name, i) in index {
        let row = w[i];
        if row.iter().any(|v| v.abs() >= t.prune_below) {
            let h = features::hash_written(&name);
            weights.insert(h, row);
            names.push((name, h));
        }
    }
    Tagger {
        bias,
        weights,
        high,
        low,
        names,
    }
}
