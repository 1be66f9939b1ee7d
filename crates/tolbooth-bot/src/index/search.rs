//! Searching the index: a question's terms, their rarity, how much of a
//! question a passage covers, and the BM25 search over passages with each
//! page's own score added.

use super::{analyse, Hit, IndexError, KnowledgeIndex, MAX_QUERY_TERMS};
use std::collections::{HashMap, HashSet};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

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

impl KnowledgeIndex {
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
