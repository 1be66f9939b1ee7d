//! Tolbooth's chatbot, offline (BOT-1..BOT-6): importing the organisation's
//! own pages into a knowledge base, retrieving passages with BM25 (tantivy,
//! English stemming, boosted titles, headings and staff phrasings) combined,
//! when a sentence embedding model is configured, with its cosine
//! similarity (dense retrieval on the CPU), and
//! deciding whether to answer — with a confidence threshold and a margin
//! over the runner-up — or to decline, including every question about the
//! visitor's own case or eligibility.
//!
//! Nothing here does I/O beyond reading the files given to the importer
//! and the embedding model's folder;
//! no question leaves the process.

pub mod answer;
pub mod area;
pub mod case_model;
pub mod dense;
pub mod guard;
pub mod import;
pub mod index;
pub mod text;
pub mod url;

pub use answer::{Answerer, Decline, Reply, Thresholds};
pub use guard::CaseGuard;
pub use index::{Hit, KnowledgeIndex};
