//! The retrieval index: every passage of every page in a tantivy index held
//! in memory, searched with BM25 over four fields — the page title, the
//! passage's headings, the staff phrasings for the page, and the passage
//! text — each with its own boost, all through one English analyser
//! (lower case, ASCII folding, stop words, Snowball stemming).
//!
//! The index is rebuilt from the store whenever the knowledge base
//! changes; 10,000 passages take well under a second
//! (docs/benchmarks.md).

mod build;
mod search;

use std::collections::{HashMap, HashSet};
use tantivy::schema::Field;
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::IndexReader;

const ANALYZER: &str = "tolbooth_en";
/// Words of conversation that say nothing about what is asked; dropped
/// from questions (not from pages).
const CHAT_FILLER: &str = "hi hello hey please thanks thank cheers help need want wanted wondering \
    know tell like just also still hoping trying try yesterday today tomorrow morning \
    wasn't isn't doesn't don't didn't can't won't couldn't wouldn't haven't hasn't \
    wasnt isnt doesnt dont didnt cant wont couldnt wouldnt havent hasnt im ive \
    how what when where why who which whom whose can could would should will shall may might must do does did \
    i i'm i've i'd me my mine you your we our us get got";

/// The most words of a question that are searched for.
pub const MAX_QUERY_TERMS: usize = 48;

#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(#[from] tantivy::TantivyError);

/// How much a match in each field counts against a match in the text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldBoosts {
    pub title: f32,
    pub headings: f32,
    pub phrasings: f32,
    pub body: f32,
    /// The weight of the page's own score (title, phrasings and all its
    /// text, from a second index of whole pages) added to each passage's.
    pub page: f32,
}

impl Default for FieldBoosts {
    fn default() -> Self {
        Self {
            title: 1.0,
            headings: 1.5,
            phrasings: 2.0,
            body: 1.0,
            page: 1.0,
        }
    }
}

/// A passage as the answerer sees it.
#[derive(Debug, Clone)]
pub struct IndexedPassage {
    pub page: usize,
    pub headings: Vec<String>,
    pub text: String,
    /// Every analysed term of the passage, its headings, its page's title
    /// and phrasings.
    terms: HashSet<String>,
}

/// A page as the answerer sees it.
#[derive(Debug, Clone)]
pub struct IndexedPage {
    pub url: String,
    pub title: String,
    pub service_area: String,
}

/// One passage found for a question.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hit {
    pub passage: usize,
    pub score: f32,
}

struct Fields {
    title: Field,
    headings: Field,
    phrasings: Field,
    body: Field,
    passage: Field,
}

/// The page index: one document per page, its title, phrasings and all
/// its text, so that a passage is also found by words said elsewhere on
/// its page.
struct PageIndex {
    reader: IndexReader,
    title: Field,
    phrasings: Field,
    text: Field,
}

pub struct KnowledgeIndex {
    reader: IndexReader,
    fields: Fields,
    page_index: PageIndex,
    boosts: FieldBoosts,
    pages: Vec<IndexedPage>,
    passages: Vec<IndexedPassage>,
    document_frequency: HashMap<String, u32>,
    /// The analyser questions go through (cloned per question: a token
    /// stream needs it mutable).
    analyzer: TextAnalyzer,
    /// [`CHAT_FILLER`], analysed once.
    filler: HashSet<String>,
}

impl std::fmt::Debug for KnowledgeIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KnowledgeIndex")
            .field("pages", &self.pages.len())
            .field("passages", &self.passages.len())
            .finish()
    }
}

fn analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter);
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder
            .filter(stop)
            .filter(Stemmer::new(Language::English))
            .build(),
        None => builder.filter(Stemmer::new(Language::English)).build(),
    }
}

/// The analysed terms of a text, in order, repeats kept.
fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = analyzer.token_stream(text);
    let mut terms = Vec::new();
    while stream.advance() {
        terms.push(stream.token().text.clone());
    }
    terms
}

impl KnowledgeIndex {
    pub fn pages(&self) -> &[IndexedPage] {
        &self.pages
    }

    pub fn passages(&self) -> &[IndexedPassage] {
        &self.passages
    }

    pub fn passage(&self, hit: &Hit) -> Option<(&IndexedPassage, &IndexedPage)> {
        let passage = self.passages.get(hit.passage)?;
        Some((passage, self.pages.get(passage.page)?))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tolbooth_domain::bot::knowledge::{KbPage, KbPassage, KbPhrasing};

    /// A page for tests: passages as (heading, text), "" for no heading.
    pub(crate) fn page_in(url: &str, title: &str, area: &str, passages: &[(&str, &str)]) -> KbPage {
        KbPage {
            url: url.into(),
            title: title.into(),
            service_area: area.into(),
            import_root: "test".into(),
            passages: passages
                .iter()
                .map(|(h, t)| KbPassage {
                    headings: if h.is_empty() {
                        vec![]
                    } else {
                        vec![(*h).into()]
                    },
                    text: (*t).into(),
                })
                .collect(),
        }
    }

    fn page(url: &str, title: &str, passages: &[(&str, &str)]) -> KbPage {
        page_in(url, title, "Test", passages)
    }

    #[test]
    fn stems_and_boosts_find_the_right_passage() {
        let pages = vec![
            page(
                "/bins",
                "Bin collections",
                &[
                    ("Missed collections", "Report a missed bin within two days."),
                    ("", "Bins are emptied every fortnight."),
                ],
            ),
            page("/tax", "Council tax", &[("Paying", "Pay by direct debit.")]),
        ];
        let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
        let terms = index.query_terms("My bin was missed yesterday");
        assert!(terms.contains(&"miss".to_owned()), "{terms:?}");
        let hits = index.search(&terms, 5).unwrap();
        let (passage, page) = index.passage(&hits[0]).unwrap();
        assert_eq!(page.url, "/bins");
        assert_eq!(passage.headings, vec!["Missed collections".to_owned()]);
        assert!(index.coverage(&terms, hits[0].passage) > 0.9);
        assert!(index
            .search(&index.query_terms("the of and"), 5)
            .unwrap()
            .is_empty());
    }

    #[test]
    fn staff_phrasings_reach_their_page() {
        let pages = vec![
            page(
                "/bins",
                "Bin collections",
                &[("", "Bins are emptied every fortnight.")],
            ),
            page("/tax", "Council tax", &[("", "Pay by direct debit.")]),
        ];
        let phrasing = KbPhrasing {
            id: 1,
            page_url: "/bins".into(),
            heading: None,
            text: "wheelie dustbin rubbish".into(),
            added_by: "ops".into(),
            added_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let without = KnowledgeIndex::build(&pages, &[], FieldBoosts::default()).unwrap();
        assert!(without
            .search(&without.query_terms("rubbish"), 5)
            .unwrap()
            .is_empty());
        let with = KnowledgeIndex::build(&pages, &[phrasing], FieldBoosts::default()).unwrap();
        let hits = with.search(&with.query_terms("rubbish"), 5).unwrap();
        assert_eq!(with.passage(&hits[0]).unwrap().1.url, "/bins");
    }

    #[test]
    fn a_phrasing_for_an_faq_answer_reaches_that_answer() {
        let pages = vec![page(
            "/council-tax/faq",
            "Council tax questions",
            &[
                ("How do I pay?", "By direct debit, online or by phone."),
                (
                    "Can I get a discount?",
                    "If you live alone you get 25% off.",
                ),
            ],
        )];
        let phrasing = KbPhrasing {
            id: 1,
            page_url: "/council-tax/faq".into(),
            heading: Some("can i get a DISCOUNT?".into()),
            text: "single occupancy reduction".into(),
            added_by: "ops".into(),
            added_at: time::OffsetDateTime::UNIX_EPOCH,
        };
        let index = KnowledgeIndex::build(&pages, &[phrasing], FieldBoosts::default()).unwrap();
        let terms = index.query_terms("occupancy reduction");
        let hits = index.search(&terms, 5).unwrap();
        assert_eq!(hits[0].passage, 1, "{hits:?}");
        assert!(hits.len() < 2 || hits[1].score < hits[0].score);
        // The answer holds the phrasing's words; the other answer does not.
        assert_eq!(index.coverage(&terms, 1), 1.0);
        assert_eq!(index.coverage(&terms, 0), 0.0);
    }
}
