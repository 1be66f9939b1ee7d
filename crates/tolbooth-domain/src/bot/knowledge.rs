//! The chatbot's knowledge base (BOT-1): the organisation's own pages, split
//! into passages, and the alternative phrasings staff add to them.
//!
//! A page is identified by its public URL. Importing records where it came
//! from (the import root) so that importing the same root again can remove
//! the pages that have vanished from it.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;

/// The most passages one page may hold; longer pages are cut here.
pub const MAX_PASSAGES_PER_PAGE: usize = 200;
/// The longest staff phrasing accepted, in characters.
pub const MAX_PHRASING_CHARS: usize = 300;

/// One part of a page under its headings.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbPassage {
    /// The headings above the passage, outermost first (the page title is
    /// not repeated here).
    pub headings: Vec<String>,
    pub text: String,
}

/// A page of the organisation's website or an FAQ file, ready to index.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KbPage {
    /// The page's public address (its canonical URL where it gave one).
    pub url: String,
    pub title: String,
    /// The service area the page belongs to (BOT-4), e.g. "Bins and recycling".
    pub service_area: String,
    /// The import root (file, folder or sitemap) the page came from.
    pub import_root: String,
    pub passages: Vec<KbPassage>,
}

impl KbPage {
    /// A digest of everything the index uses, so that re-importing an
    /// unchanged page changes nothing.
    pub fn content_sha256(&self) -> String {
        let mut hasher = Sha256::new();
        for part in [&self.url, &self.title, &self.service_area] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        for passage in &self.passages {
            for heading in &passage.headings {
                hasher.update(heading.as_bytes());
                hasher.update([1]);
            }
            hasher.update(passage.text.as_bytes());
            hasher.update([2]);
        }
        hex::encode(hasher.finalize())
    }

    /// The passage (its place on the page) whose own heading is
    /// `heading` — an FAQ answer under its question — compared without
    /// case or surrounding spaces.
    pub fn passage_under(&self, heading: &str) -> Option<usize> {
        let wanted = heading.trim().to_lowercase();
        self.passages.iter().position(|p| {
            p.headings
                .last()
                .is_some_and(|h| h.trim().to_lowercase() == wanted)
        })
    }
}

/// A page as `tolbooth kb list` shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KbPageSummary {
    pub url: String,
    pub title: String,
    pub service_area: String,
    pub import_root: String,
    pub passages: u32,
    pub phrasings: u32,
    #[serde(with = "time::serde::rfc3339")]
    pub imported_at: OffsetDateTime,
}

/// An alternative way a citizen might ask for a page, or for one answer
/// on it (an FAQ answer, by its heading), added by staff.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KbPhrasing {
    pub id: i64,
    pub page_url: String,
    /// The heading of the answer it is for; `None` for the whole page.
    pub heading: Option<String>,
    pub text: String,
    pub added_by: String,
    #[serde(with = "time::serde::rfc3339")]
    pub added_at: OffsetDateTime,
}

/// What one import changed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImportCounts {
    pub added: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub removed: u64,
}

/// Why a staff phrasing was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PhrasingError {
    #[error("the phrasing is empty")]
    Empty,
    #[error("the phrasing is longer than {MAX_PHRASING_CHARS} characters")]
    TooLong,
}

/// Checks and tidies a staff phrasing: trimmed, inner whitespace collapsed.
pub fn tidy_phrasing(text: &str) -> Result<String, PhrasingError> {
    let tidy = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if tidy.is_empty() {
        return Err(PhrasingError::Empty);
    }
    if tidy.chars().count() > MAX_PHRASING_CHARS {
        return Err(PhrasingError::TooLong);
    }
    Ok(tidy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(text: &str) -> KbPage {
        KbPage {
            url: "https://example.gov.uk/bins".into(),
            title: "Bins".into(),
            service_area: "Bins".into(),
            import_root: "site".into(),
            passages: vec![KbPassage {
                headings: vec!["When".into()],
                text: text.into(),
            }],
        }
    }

    #[test]
    fn the_digest_changes_with_the_text_only() {
        assert_eq!(page("a").content_sha256(), page("a").content_sha256());
        assert_ne!(page("a").content_sha256(), page("b").content_sha256());
        let mut moved = page("a");
        moved.import_root = "elsewhere".into();
        assert_eq!(moved.content_sha256(), page("a").content_sha256());
    }

    #[test]
    fn phrasings_are_tidied_and_bounded() {
        assert_eq!(
            tidy_phrasing("  when  are\nbins ").as_deref(),
            Ok("when are bins")
        );
        assert_eq!(tidy_phrasing(" \n"), Err(PhrasingError::Empty));
        assert_eq!(tidy_phrasing(&"a".repeat(301)), Err(PhrasingError::TooLong));
    }
}
