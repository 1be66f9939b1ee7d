//! Tolbooth's redaction engine (RED-1..RED-4): finds contact details,
//! identifiers and special category data (UK GDPR Art. 9) in UK chat text,
//! keeps people's names, and replaces each finding with a visible marker of
//! its category.
//!
//! No I/O and no async. Every detector is linear in the length of its input:
//! matching uses `regex` and `aho-corasick` (both guarantee linear time),
//! and validation (Luhn, NHS mod-11, postcode shape, phone metadata) runs on
//! each bounded candidate once.
//!
//! ```
//! use tolbooth_redact::Redactor;
//! let r = Redactor::new();
//! let out = r.redact("I'm Morag, email morag@example.org, I have type 2 diabetes");
//! assert_eq!(out.text, "I'm Morag, email [email removed], I have [health information removed]");
//! ```

mod category;
mod detect;
mod edit;
pub mod evaluate;
mod span;
mod text;
pub mod thorough;

pub use category::Category;
pub use edit::{ManualEdit, TranscriptHash};
pub use span::{char_ranges, Finding, Redacted};

/// The engine. Building it compiles every pattern once; it is cheap to share
/// between threads. [`Redactor::new`] is the fast path (patterns and
/// lexicon); [`Redactor::thorough`] adds the tagger of [`thorough`], which
/// finds special category data however it is phrased, at some cost in
/// speed.
#[derive(Debug)]
pub struct Redactor {
    detectors: detect::Detectors,
    tagger: Option<thorough::Tagger>,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// The fast path.
    pub fn new() -> Self {
        Self {
            detectors: detect::Detectors::new(),
            tagger: None,
        }
    }

    /// The thorough path, with the tagger built into the crate.
    #[expect(
        clippy::expect_used,
        reason = "the model is compiled in and every test reads it"
    )]
    pub fn thorough() -> Self {
        Self::with_tagger(thorough::Tagger::built_in().expect("the built-in model reads"))
    }

    /// One thorough engine for the whole process, built on first use (the
    /// model takes a moment to read).
    pub fn thorough_shared() -> std::sync::Arc<Redactor> {
        static SHARED: std::sync::OnceLock<std::sync::Arc<Redactor>> = std::sync::OnceLock::new();
        SHARED
            .get_or_init(|| std::sync::Arc::new(Redactor::thorough()))
            .clone()
    }

    /// The thorough path with a given tagger (for training and measuring).
    pub fn with_tagger(tagger: thorough::Tagger) -> Self {
        Self {
            detectors: detect::Detectors::new(),
            tagger: Some(tagger),
        }
    }

    pub fn is_thorough(&self) -> bool {
        self.tagger.is_some()
    }

    /// Every finding in `text`, in order, none overlapping. Offsets are byte
    /// offsets on character boundaries; see [`Finding::char_range`].
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut raw = Vec::new();
        if let Some(tagger) = &self.tagger {
            let mut terms = Vec::new();
            self.detectors.run(text, &mut raw, Some(&mut terms));
            tagger.find(text, &terms, &mut raw);
        } else {
            self.detectors.run(text, &mut raw, None);
        }
        span::join_neighbours(text, span::resolve(raw))
    }

    /// `text` with each finding replaced by its marker.
    pub fn redact(&self, text: &str) -> Redacted {
        let findings = self.find(text);
        Redacted::apply(text, findings)
    }
}
