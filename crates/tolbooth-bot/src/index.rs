//! The retrieval index: every passage of every page in a tantivy index held
//! in memory, searched with BM25 over four fields — the page title, the
//! passage's headings, the staff phrasings for the page, and the passage
//! text — each with its own boost, all through one English analyser
//! (lower case, ASCII folding, stop words, Snowball stemming).
//!
//! The index is rebuilt from the store whenever the knowledge base
//! changes; 10,000 passages take well under a second
//! (docs/benchmarks.md).

use std::collections::{HashMap, HashSet};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer,
    StopWordFilter, TextAnalyzer,
};
use tantivy::{Index, IndexReader, IndexWriter, TantivyDocument, Term};
use tolbooth_domain::bot::knowledge::{KbPage, KbPassage, KbPhrasing};

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

fn text_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
}

/// Every term in every field, each clause scored by BM25 times the
/// field's boost — except staff phrasings (`phrasings`), scored by the
/// term's rarity times the boost whatever their length: so few passages
/// have phrasings that BM25's length normalisation would all but silence
/// them.
fn term_queries(
    terms: &[String],
    fields: &[(Field, f32)],
    phrasings: Option<(Field, f32)>,
    idf: impl Fn(&str) -> f32,
) -> BooleanQuery {
    let mut clauses: Vec<(Occur, Box<dyn Query>)> =
        Vec::with_capacity(terms.len() * (fields.len() + 1));
    for term in terms {
        for &(field, boost) in fields {
            if boost <= 0.0 {
                continue;
            }
            let query = TermQuery::new(
                Term::from_field_text(field, term),
                IndexRecordOption::WithFreqs,
            );
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(Box::new(query), boost)),
            ));
        }
        if let Some((field, boost)) = phrasings.filter(|(_, b)| *b > 0.0) {
            let query =
                TermQuery::new(Term::from_field_text(field, term), IndexRecordOption::Basic);
            clauses.push((
                Occur::Should,
                Box::new(ConstScoreQuery::new(Box::new(query), boost * idf(term))),
            ));
        }
    }
    BooleanQuery::new(clauses)
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

/// The page index's fields, with the page's number.
struct PageFields {
    title: Field,
    phrasings: Field,
    text: Field,
    page: Field,
}

/// An index in memory with the analyser registered, and its writer.
fn index_in_ram(
    schema: Schema,
    memory: usize,
) -> Result<(Index, IndexWriter<TantivyDocument>), IndexError> {
    let index = Index::create_in_ram(schema);
    index.tokenizers().register(ANALYZER, analyzer());
    let writer = index.writer_with_num_threads::<TantivyDocument>(1, memory)?;
    Ok((index, writer))
}

/// A page's staff phrasings: those for the whole page go with every
/// passage; those for one answer (an FAQ answer by its heading) with that
/// passage only, by its place on the page. One whose heading is no longer
/// on the page counts for the page.
struct PagePhrasings<'p> {
    whole: Vec<&'p str>,
    for_answer: HashMap<usize, Vec<&'p str>>,
}

impl<'p> PagePhrasings<'p> {
    fn of(page: &KbPage, phrasings: &[&'p KbPhrasing]) -> Self {
        let mut whole = Vec::new();
        let mut for_answer: HashMap<usize, Vec<&str>> = HashMap::new();
        for phrasing in phrasings {
            match phrasing
                .heading
                .as_deref()
                .and_then(|h| page.passage_under(h))
            {
                Some(at) => for_answer.entry(at).or_default().push(&phrasing.text),
                None => whole.push(phrasing.text.as_str()),
            }
        }
        PagePhrasings { whole, for_answer }
    }
}

/// The two indexes and the passages' table while they are written.
struct Builder {
    fields: Fields,
    writer: IndexWriter<TantivyDocument>,
    page_fields: PageFields,
    page_writer: IndexWriter<TantivyDocument>,
    analyzer: TextAnalyzer,
    pages: Vec<IndexedPage>,
    passages: Vec<IndexedPassage>,
    document_frequency: HashMap<String, u32>,
}

impl Builder {
    /// Writes a page to the page index and each of its passages to the
    /// passage index.
    fn add_page(
        &mut self,
        page_no: usize,
        page: &KbPage,
        phrasings: &PagePhrasings<'_>,
    ) -> Result<(), IndexError> {
        self.pages.push(IndexedPage {
            url: page.url.clone(),
            title: page.title.clone(),
            service_area: page.service_area.clone(),
        });
        let page_phrasings = phrasings
            .whole
            .iter()
            .chain(phrasings.for_answer.values().flatten())
            .copied()
            .collect::<Vec<_>>()
            .join("\n");
        let whole_phrasings = phrasings.whole.join("\n");
        let page_text: String = page
            .passages
            .iter()
            .flat_map(|p| p.headings.iter().chain(std::iter::once(&p.text)))
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join("\n");
        let mut page_doc = TantivyDocument::default();
        page_doc.add_text(self.page_fields.title, &page.title);
        page_doc.add_text(self.page_fields.phrasings, &page_phrasings);
        page_doc.add_text(self.page_fields.text, &page_text);
        page_doc.add_u64(self.page_fields.page, page_no as u64);
        self.page_writer.add_document(page_doc)?;
        let page_terms: Vec<String> = analyse(&mut self.analyzer, &page.title)
            .into_iter()
            .chain(analyse(&mut self.analyzer, &whole_phrasings))
            .collect();
        for (at, passage) in page.passages.iter().enumerate() {
            let answer_phrasings = phrasings
                .for_answer
                .get(&at)
                .map(|p| p.join("\n"))
                .unwrap_or_default();
            let texts = PassageTexts {
                page_title: &page.title,
                whole_phrasings: &whole_phrasings,
                answer_phrasings: &answer_phrasings,
                page_terms: &page_terms,
            };
            self.add_passage(page_no, passage, &texts)?;
        }
        Ok(())
    }

    /// Writes a passage to the passage index, and counts its terms.
    fn add_passage(
        &mut self,
        page_no: usize,
        passage: &KbPassage,
        texts: &PassageTexts<'_>,
    ) -> Result<(), IndexError> {
        let headings = passage.headings.join("\n");
        let mut doc = TantivyDocument::default();
        doc.add_text(self.fields.title, texts.page_title);
        doc.add_text(self.fields.headings, &headings);
        doc.add_text(self.fields.phrasings, texts.whole_phrasings);
        doc.add_text(self.fields.phrasings, texts.answer_phrasings);
        doc.add_text(self.fields.body, &passage.text);
        doc.add_u64(self.fields.passage, self.passages.len() as u64);
        self.writer.add_document(doc)?;
        let terms: HashSet<String> = texts
            .page_terms
            .iter()
            .cloned()
            .chain(analyse(&mut self.analyzer, &headings))
            .chain(analyse(&mut self.analyzer, texts.answer_phrasings))
            .chain(analyse(&mut self.analyzer, &passage.text))
            .collect();
        for term in &terms {
            *self.document_frequency.entry(term.clone()).or_default() += 1;
        }
        self.passages.push(IndexedPassage {
            page: page_no,
            headings: passage.headings.clone(),
            text: passage.text.clone(),
            terms,
        });
        Ok(())
    }
}

/// What a passage's document shares with its page.
struct PassageTexts<'a> {
    page_title: &'a str,
    whole_phrasings: &'a str,
    answer_phrasings: &'a str,
    /// The analysed terms of the page's title and whole-page phrasings.
    page_terms: &'a [String],
}

impl KnowledgeIndex {
    /// Indexes every passage of `pages`, with each page's staff phrasings.
    pub fn build(
        pages: &[KbPage],
        phrasings: &[KbPhrasing],
        boosts: FieldBoosts,
    ) -> Result<Self, IndexError> {
        let text = text_options();
        let mut page_schema = Schema::builder();
        let page_fields = PageFields {
            title: page_schema.add_text_field("title", text.clone()),
            phrasings: page_schema.add_text_field("phrasings", text.clone()),
            text: page_schema.add_text_field("text", text.clone()),
            page: page_schema.add_u64_field("page", FAST),
        };
        let (page_tantivy, page_writer) = index_in_ram(page_schema.build(), 32 * 1024 * 1024)?;
        let mut schema = Schema::builder();
        let fields = Fields {
            title: schema.add_text_field("title", text.clone()),
            headings: schema.add_text_field("headings", text.clone()),
            phrasings: schema.add_text_field("phrasings", text.clone()),
            body: schema.add_text_field("body", text.clone()),
            passage: schema.add_u64_field("passage", FAST),
        };
        let (index, writer) = index_in_ram(schema.build(), 64 * 1024 * 1024)?;

        let mut by_page: HashMap<&str, Vec<&KbPhrasing>> = HashMap::new();
        for phrasing in phrasings {
            by_page
                .entry(phrasing.page_url.as_str())
                .or_default()
                .push(phrasing);
        }
        let mut builder = Builder {
            fields,
            writer,
            page_fields,
            page_writer,
            analyzer: analyzer(),
            pages: Vec::with_capacity(pages.len()),
            passages: Vec::new(),
            document_frequency: HashMap::new(),
        };
        for (page_no, page) in pages.iter().enumerate() {
            let page_phrasings = by_page
                .get(page.url.as_str())
                .map_or(&[][..], Vec::as_slice);
            builder.add_page(page_no, page, &PagePhrasings::of(page, page_phrasings))?;
        }
        let Builder {
            fields,
            mut writer,
            page_fields,
            mut page_writer,
            analyzer: mut terms_analyzer,
            pages: indexed_pages,
            passages,
            document_frequency,
        } = builder;
        writer.commit()?;
        page_writer.commit()?;
        let reader = index.reader()?;
        let page_index = PageIndex {
            reader: page_tantivy.reader()?,
            title: page_fields.title,
            phrasings: page_fields.phrasings,
            text: page_fields.text,
        };
        Ok(Self {
            reader,
            fields,
            page_index,
            boosts,
            pages: indexed_pages,
            passages,
            document_frequency,
            filler: analyse(&mut terms_analyzer, CHAT_FILLER)
                .into_iter()
                .collect(),
            analyzer: terms_analyzer,
        })
    }

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

    /// The distinct analysed terms of a question, without the words of
    /// conversation that say nothing about the subject, bounded.
    pub fn query_terms(&self, question: &str) -> Vec<String> {
        let mut seen = HashSet::new();
        analyse(&mut self.analyzer.clone(), question)
            .into_iter()
            .filter(|t| !self.filler.contains(t) && seen.insert(t.clone()))
            .take(MAX_QUERY_TERMS)
            .collect()
    }

    /// Inverse document frequency of a term over passages (BM25's form);
    /// a term the knowledge base never uses weighs as much as its rarest.
    pub fn idf(&self, term: &str) -> f32 {
        let n = self.passages.len() as f32;
        let df = self
            .document_frequency
            .get(term)
            .copied()
            .unwrap_or(1)
            .max(1) as f32;
        (1.0 + (n - df + 0.5) / (df + 0.5)).ln()
    }

    /// The share of the question's weight (terms weighted by idf) that the
    /// passage contains, from 0 to 1.
    pub fn coverage(&self, terms: &[String], passage: usize) -> f32 {
        let Some(passage) = self.passages.get(passage) else {
            return 0.0;
        };
        let (mut found, mut total) = (0.0, 0.0);
        for term in terms {
            let weight = self.idf(term);
            total += weight;
            if passage.terms.contains(term) {
                found += weight;
            }
        }
        if total > 0.0 {
            found / total
        } else {
            0.0
        }
    }

    /// The best `limit` passages for the analysed terms, best first: each
    /// passage's own BM25 score plus the page weight times its page's.
    pub fn search(&self, terms: &[String], limit: usize) -> Result<Vec<Hit>, IndexError> {
        if terms.is_empty() || self.passages.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let f = &self.fields;
        let b = self.boosts;
        let idf = |term: &str| self.idf(term);
        let query = term_queries(
            terms,
            &[
                (f.title, b.title),
                (f.headings, b.headings),
                (f.body, b.body),
            ],
            Some((f.phrasings, b.phrasings)),
            idf,
        );
        let searcher = self.reader.searcher();
        let top = searcher.search(&query, &TopDocs::with_limit(limit * 2))?;
        let mut page_scores: HashMap<usize, f32> = HashMap::new();
        if b.page > 0.0 {
            let p = &self.page_index;
            let query = term_queries(
                terms,
                &[(p.title, b.title), (p.text, 1.0)],
                Some((p.phrasings, b.phrasings)),
                idf,
            );
            let searcher = p.reader.searcher();
            for (score, address) in searcher.search(&query, &TopDocs::with_limit(limit * 2))? {
                let column = searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .u64("page")?;
                if let Some(page) = column.first(address.doc_id) {
                    page_scores.insert(page as usize, score);
                }
            }
        }
        let mut hits = Vec::with_capacity(top.len());
        for (score, address) in top {
            let column = searcher
                .segment_reader(address.segment_ord)
                .fast_fields()
                .u64("passage")?;
            if let Some(passage) = column.first(address.doc_id) {
                let passage = passage as usize;
                let page = self
                    .passages
                    .get(passage)
                    .map(|p| p.page)
                    .unwrap_or(usize::MAX);
                let page_score = page_scores.get(&page).copied().unwrap_or(0.0);
                hits.push(Hit {
                    passage,
                    score: score + b.page * page_score,
                });
            }
        }
        hits.sort_by(|x, y| y.score.total_cmp(&x.score));
        hits.truncate(limit);
        Ok(hits)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tolbooth_domain::bot::knowledge::KbPassage;

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
