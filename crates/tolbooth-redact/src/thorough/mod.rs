//! The thorough path (RED-1): a word tagger that finds special category
//! disclosures by how they are phrased, not only by the words the lexicon
//! foresaw. Multinomial logistic regression over each word, its
//! neighbours, its affixes and the rest of its clause, trained on the
//! labelled corpus (`tolbooth-bench redact --target train`); a span
//! starts at a word the model is sure of and grows over neighbours it
//! leans towards. It runs after the patterns and never overlaps what they
//! found, so it only adds.
//!
//! The weights ship in `special-model.tsv` beside this module: `bias`,
//! `high` and `low` lines, then `feature<TAB>weights` with one weight per
//! class (none first, then [`CLASSES`]).

mod features;
mod train;

pub use train::{train, Training};

use crate::category::Category;
use crate::span::Finding;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::{BuildHasherDefault, Hasher};

/// The weights' keys are already hashes (FNV-1a of the feature): hashing
/// them again would only cost time.
#[derive(Default)]
pub(crate) struct KeyIsHash(u64);

impl Hasher for KeyIsHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// One feature's weight for each class.
pub(crate) type Row = [f32; K];

pub(crate) type Weights = HashMap<u64, Row, BuildHasherDefault<KeyIsHash>>;

/// The special categories the tagger tells apart, in the model's order
/// (class 0 is "nothing to remove"): the last seven of [`Category::ALL`].
pub(crate) const CLASSES: &[Category] = Category::ALL.split_at(11).1;

/// Classes including "nothing".
pub(crate) const K: usize = CLASSES.len() + 1;

const BUILT_IN: &str = include_str!("special-model.tsv");

/// A capitalised word inside a clause that is not a lexicon term is most
/// likely a name; it ends a finding unless the model is this sure of it.
const NAME_SURE: f32 = 0.9;

/// A model file that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("special category model, line {line}: {reason}")]
pub struct ModelError {
    pub line: usize,
    pub reason: &'static str,
}

/// A trained tagger.
#[derive(Clone, PartialEq)]
pub struct Tagger {
    bias: [f32; K],
    weights: Weights,
    /// The chance of a disclosure at or above which a word starts a span.
    high: f32,
    /// The chance at or above which a neighbour joins one.
    low: f32,
    /// The features by name, kept only for writing the model out.
    names: Vec<(String, u64)>,
}

impl std::fmt::Debug for Tagger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tagger")
            .field("features", &self.weights.len())
            .field("high", &self.high)
            .field("low", &self.low)
            .finish_non_exhaustive()
    }
}

fn softmax(z: &mut [f32; K]) {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in z.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in z.iter_mut() {
        *v /= sum;
    }
}

/// A little word: one that says nothing by itself, so never the reason a
/// clause is taken as a disclosure.
fn is_little(word: &str) -> bool {
    const LITTLE: &[&str] = &[
        "a", "an", "the", "i", "i'm", "im", "i've", "ive", "i'd", "me", "my", "we", "we're", "our",
        "us", "he", "she", "he's", "she's", "they", "their", "them", "his", "her", "it", "it's",
        "is", "am", "are", "was", "were", "be", "been", "being", "has", "have", "had", "got",
        "get", "gets", "and", "or", "but", "so", "to", "of", "in", "on", "at", "for", "with",
        "from", "by", "about", "as", "that", "this", "these", "those", "there", "not", "no", "yes",
        "ok", "okay", "just", "very", "really", "too", "also", "still", "now", "then", "do",
        "does", "did", "can", "could", "will", "would", "should", "may", "might", "if", "when",
        "what", "which", "who", "how", "why", "all", "some", "any", "one", "<n>",
    ];
    word.chars().count() < 3 || LITTLE.contains(&word)
}

impl Tagger {
    /// The model built into the binary.
    pub fn built_in() -> Result<Self, ModelError> {
        Self::from_tsv(BUILT_IN)
    }

    #[must_use]
    pub fn with_thresholds(mut self, high: f32, low: f32) -> Self {
        self.high = high;
        self.low = low.min(high);
        self
    }

    pub fn thresholds(&self) -> (f32, f32) {
        (self.high, self.low)
    }

    /// Each word's class probabilities. The sums run in the order of
    /// [`features::each_feature`]; the words' context weights are looked
    /// up once per word rather than once per neighbour.
    fn probabilities(&self, words: &[features::Word]) -> Vec<[f32; K]> {
        let lookup = |kind: &str, parts: &[&str]| self.weights.get(&features::hash(kind, parts));
        // Per word: the weights of it as a neighbour, and of its lexicon
        // category as a neighbour's.
        let as_context: Vec<(Option<&Row>, Option<&Row>)> = words
            .iter()
            .map(|w| {
                let term = w.term.and_then(|c| lookup("clex", &[c.name()]));
                (lookup("c", &[&w.norm]), term)
            })
            .collect();
        let add = |z: &mut [f32; K], w: &[f32; K]| {
            for (zk, wk) in z.iter_mut().zip(w) {
                *zk += wk;
            }
        };
        let mut out = Vec::with_capacity(words.len());
        for clause in &features::clauses(words) {
            for i in clause.clone() {
                let mut z = self.bias;
                let near = features::window(i, clause);
                features::own_features(words, i, near.clone(), &mut |kind, parts| {
                    if let Some(w) = lookup(kind, parts) {
                        add(&mut z, w);
                    }
                });
                for (j, (word, term)) in as_context
                    .iter()
                    .enumerate()
                    .take(near.end)
                    .skip(near.start)
                {
                    if j == i {
                        continue;
                    }
                    if let Some(w) = word {
                        add(&mut z, w);
                    }
                    if let Some(w) = term {
                        add(&mut z, w);
                    }
                }
                softmax(&mut z);
                out.push(z);
            }
        }
        out
    }

    /// Appends what the tagger finds in `text` to `out`. In each clause
    /// holding a word the model is sure of (not a little word), the finding
    /// runs from the first to the last word it leans towards; a word
    /// already found, or a capitalised word it does not lean towards (a
    /// name, most likely), splits it. A piece that holds a pattern's
    /// special category finding takes that finding's category, so the two
    /// become one.
    pub(crate) fn find(&self, text: &str, terms: &[Finding], out: &mut Vec<Finding>) {
        let mut words = features::words(text);
        features::mark_terms(&mut words, terms);
        if words.is_empty() {
            return;
        }
        let p = self.probabilities(&words);
        let mut taken = out.clone();
        taken.sort_by_key(|f| f.start);
        let overlapping = |w: &features::Word| {
            let at = taken.partition_point(|f| f.end <= w.start);
            taken.get(at).filter(|f| f.start < w.end).copied()
        };
        let chance = |i: usize| 1.0 - p[i][0];
        for range in features::clauses(&words) {
            let sure = range
                .clone()
                .any(|i| chance(i) >= self.high && !is_little(&words[i].norm));
            if !sure {
                continue;
            }
            let leaning: Vec<usize> = range.clone().filter(|&i| chance(i) >= self.low).collect();
            let (Some(&first), Some(&last)) = (leaning.first(), leaning.last()) else {
                continue;
            };
            let mut piece: Vec<usize> = Vec::new();
            let mut found_inside: Option<Category> = None;
            for i in first..=last {
                let w = &words[i];
                let already = overlapping(w);
                let splits = match already {
                    Some(f) if f.category.is_special() => {
                        found_inside = Some(f.category);
                        false
                    }
                    Some(_) => true,
                    None => {
                        w.capital && w.term.is_none() && i != range.start && chance(i) < NAME_SURE
                    }
                };
                if splits {
                    self.emit(&words, &p, &piece, found_inside.take(), out);
                    piece.clear();
                } else {
                    piece.push(i);
                }
            }
            self.emit(&words, &p, &piece, found_inside, out);
        }
    }

    /// One finding over `piece`, if it holds a word the model is sure of
    /// or a pattern's finding.
    fn emit(
        &self,
        words: &[features::Word],
        p: &[[f32; K]],
        piece: &[usize],
        found_inside: Option<Category>,
        out: &mut Vec<Finding>,
    ) {
        let (Some(&from), Some(&to)) = (piece.first(), piece.last()) else {
            return;
        };
        let sure = piece
            .iter()
            .any(|&i| 1.0 - p[i][0] >= self.high && !is_little(&words[i].norm));
        let category = if let Some(c) = found_inside {
            c
        } else if sure {
            let mut sum = [0.0_f32; K];
            for &i in piece {
                for (s, v) in sum.iter_mut().zip(&p[i]) {
                    *s += v;
                }
            }
            let class = (1..K)
                .max_by(|&a, &b| sum[a].total_cmp(&sum[b]))
                .unwrap_or(1);
            CLASSES[class - 1]
        } else {
            return;
        };
        out.push(Finding::new(words[from].start, words[to].end, category));
    }

    /// Reads a model written by [`Tagger::to_tsv`].
    pub fn from_tsv(source: &str) -> Result<Self, ModelError> {
        let mut bias = None;
        let mut high = None;
        let mut low = None;
        let mut weights = Weights::default();
        let mut names = Vec::new();
        for (n, line) in source.lines().enumerate() {
            let err = |reason| ModelError {
                line: n + 1,
                reason,
            };
            let Some((key, rest)) = line.split_once('\t') else {
                return Err(err("no tab"));
            };
            let numbers: Result<Vec<f32>, _> = rest.split(' ').map(str::parse::<f32>).collect();
            let numbers = numbers.map_err(|_| err("not a number"))?;
            match key {
                "high" | "low" => {
                    let [v] = numbers[..] else {
                        return Err(err("one threshold expected"));
                    };
                    if key == "high" {
                        high = Some(v);
                    } else {
                        low = Some(v);
                    }
                }
                _ => {
                    let row: [f32; K] = numbers
                        .try_into()
                        .map_err(|_| err("one weight per class expected"))?;
                    if key == "bias" {
                        bias = Some(row);
                    } else {
                        let h = features::hash_written(key);
                        weights.insert(h, row);
                        names.push((key.to_owned(), h));
                    }
                }
            }
        }
        let missing = |reason| ModelError { line: 0, reason };
        Ok(Self {
            bias: bias.ok_or_else(|| missing("no bias line"))?,
            high: high.ok_or_else(|| missing("no high line"))?,
            low: low.ok_or_else(|| missing("no low line"))?,
            weights,
            names,
        })
    }

    /// The model as the TSV it ships as, features in order.
    pub fn to_tsv(&self) -> String {
        let row = |w: &[f32; K]| {
            w.iter()
                .map(|v| {
                    let r = (v * 1e4).round() / 1e4;
                    if r == 0.0 {
                        "0".to_owned()
                    } else {
                        r.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        };
        let mut out = String::new();
        let _ = writeln!(out, "bias\t{}", row(&self.bias));
        let _ = writeln!(out, "high\t{}", self.high);
        let _ = writeln!(out, "low\t{}", self.low);
        let mut names: Vec<&(String, u64)> = self.names.iter().collect();
        names.sort();
        for (name, h) in names {
            if let Some(w) = self.weights.get(h) {
                let _ = writeln!(out, "{name}\t{}", row(w));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluate::parse_corpus;

    fn small_model() -> Tagger {
        let corpus = parse_corpus(
            "i have {health:crohns disease} and need help\n\
             my son {health:has crohns} so we are struggling\n\
             my wife {health:has crohns}\n\
             he {health:has crohns} and cant work\n\
             our girl {health:has crohns disease}\n\
             my dad {health:has crohns} now\n\
             we {religion_or_belief:pray at the gurdwara} every week\n\
             my mum {religion_or_belief:goes to the gurdwara}\n\
             the gurdwara car park is full\n\
             what help is there for crohns\n\
             {name:Jo} asked about the bins\n\
             my bins were not collected\n",
        )
        .unwrap();
        let t = Training {
            epochs: 40,
            learning_rate: 0.3,
            prune_below: 0.0,
            ..Training::default()
        };
        train(&corpus, t, 0.5, 0.3)
    }

    #[test]
    fn a_trained_model_finds_what_it_was_shown_and_reads_back() {
        let model = small_model();
        let mut out = Vec::new();
        model.find("my daughter has crohns", &[], &mut out);
        assert!(
            out.iter().any(|f| f.category == Category::Health),
            "{out:?}"
        );
        let mut none = Vec::new();
        model.find("my bins were not collected", &[], &mut none);
        assert!(none.is_empty(), "{none:?}");
        let again = Tagger::from_tsv(&model.to_tsv()).unwrap();
        assert_eq!(again.to_tsv(), model.to_tsv());
        let mut out2 = Vec::new();
        again.find("my daughter has crohns", &[], &mut out2);
        assert_eq!(out, out2);
    }

    #[test]
    fn contact_details_found_are_left_alone_and_special_ones_joined() {
        let model = small_model();
        let text = "my son has crohns call 07700 900123";
        let phone = text.find("07700").unwrap();
        let crohns = text.find("crohns").unwrap();
        let mut out = vec![
            Finding::new(crohns, crohns + 6, Category::Health),
            Finding::new(phone, text.len(), Category::Phone),
        ];
        model.find(text, &[], &mut out);
        let added = &out[2..];
        assert!(!added.is_empty());
        for f in added {
            assert!(f.end <= phone, "{f:?} overlaps the phone number");
            if f.start < crohns + 6 && crohns < f.end {
                assert_eq!(f.category, Category::Health);
            }
        }
    }

    #[test]
    fn the_classes_are_the_special_categories() {
        let special: Vec<Category> = Category::ALL
            .into_iter()
            .filter(|c| c.is_special())
            .collect();
        assert_eq!(CLASSES, special.as_slice());
    }

    #[test]
    fn the_built_in_model_reads() {
        let m = Tagger::built_in().unwrap();
        assert!(m.weights.len() > 1_000);
        let (high, low) = m.thresholds();
        assert!(low <= high && high < 1.0);
    }

    #[test]
    fn a_broken_model_is_refused_with_its_line() {
        assert_eq!(Tagger::from_tsv("bias\t0 0\n").unwrap_err().line, 1);
        assert!(Tagger::from_tsv("high\t0.5\nlow\t0.3\n").is_err());
    }
}
