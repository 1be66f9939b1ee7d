//! Building the index: the passage and page indexes written in memory
//! from the knowledge base's pages, each passage with its page's title and
//! the staff phrasings that go with it, and every passage's analysed terms
//! counted for [`KnowledgeIndex::idf`].

use super::{
    analyse, analyzer, FieldBoosts, Fields, IndexError, IndexedPage, IndexedPassage,
    KnowledgeIndex, PageIndex, ANALYZER, CHAT_FILLER,
};
use std::collections::{HashMap, HashSet};
use tantivy::schema::{Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexWriter, TantivyDocument};
use tolbooth_domain::bot::knowledge::{KbPage, KbPassage, KbPhrasing};

fn text_options() -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    )
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
}
