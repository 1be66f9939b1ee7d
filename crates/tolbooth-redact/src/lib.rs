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

pub use category::Category;
pub use edit::{ManualEdit, TranscriptHash};
pub use span::{char_ranges, Finding, Redacted};

/// The engine. Building it compiles every pattern once; it is cheap to share
/// between threads.
#[derive(Debug)]
pub struct Redactor {
    detectors: detect::Detectors,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    pub fn new() -> Self {
        Self {
            detectors: detect::Detectors::new(),
        }
    }

    /// Every finding in `text`, in order, none overlapping. Offsets are byte
    /// offsets on character boundaries; see [`Finding::char_range`].
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut raw = Vec::new();
        self.detectors.run(text, &mut raw);
        span::resolve(raw)
    }

    /// `text` with each finding replaced by its marker.
    pub fn redact(&self, text: &str) -> Redacted {
        let findings = self.find(text);
        Redacted::apply(text, findings)
    }
}
