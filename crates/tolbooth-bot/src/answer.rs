//! Deciding what to say (BOT-1..BOT-3): the best passage, trimmed, with its
//! page cited — but only when the best match covers enough of the question
//! (confidence) and stands clear of the next page (margin). Otherwise the
//! bot says it is not sure and offers the closest pages and a person. A
//! question about the visitor's own case or eligibility is declined
//! whatever the match, with the page that explains the rules.
//!
//! With the dense half ([`Dense`]) pages are ranked by a weighted sum of
//! BM25 (divided by the question's best page's, so 1 at the top) and the
//! cosine of the question's embedding with the page; the passage answered
//! with is the page's best by the same sum, and confidence mixes the
//! share of the question's terms with the cosine by the same weight.

use crate::dense::{DenseError, DenseIndex, Embedder};
use crate::guard::CaseGuard;
use crate::index::{Hit, IndexError, KnowledgeIndex};
use crate::text::{readable_answer, ANSWER_CHARS};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Questions are cut to this many characters before searching.
pub const MAX_QUESTION_CHARS: usize = 1_000;
/// Passages fetched per question before grouping by page.
const CANDIDATES: usize = 40;
/// Pages offered as links.
pub const MAX_SOURCES: usize = 3;
/// When the bot is not sure, a page is offered only if its best passage
/// holds at least this share of the question's weight: a page that shares
/// one common word with the question is not "related".
pub const RELATED_COVERAGE: f32 = 0.4;
/// With the embedding model, the best page is also offered when its
/// meaning is this close to the question's (cosine), whatever the words.
/// A judgement on a handful of questions, not tuned on an evaluation set;
/// it decides only which links a refusal offers, never an answer.
pub const RELATED_COSINE: f32 = 0.25;

/// When the bot answers. Tuned on the demo organisation's evaluation set
/// for at least 90% precision (docs/benchmarks.md).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Thresholds {
    /// The least share of the question's weight the best passage must hold.
    pub min_confidence: f32,
    /// The least relative lead of the best page's score over the next
    /// page's.
    pub min_margin: f32,
}

impl Default for Thresholds {
    fn default() -> Self {
        Self {
            min_confidence: 0.6,
            min_margin: 0.1,
        }
    }
}

impl Thresholds {
    /// The defaults with the dense half, whose confidence and margin run
    /// on another scale. Tuned like [`Thresholds::default`].
    pub fn hybrid() -> Self {
        Self {
            min_confidence: HYBRID_MIN_CONFIDENCE,
            min_margin: HYBRID_MIN_MARGIN,
        }
    }
}

const HYBRID_MIN_CONFIDENCE: f32 = 0.5;
const HYBRID_MIN_MARGIN: f32 = 0.05;

/// The weight of the dense cosine against normalised BM25, tuned on
/// StackFAQ and the demo council's questions (docs/benchmarks.md).
pub const DENSE_WEIGHT: f32 = 0.7;

#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    #[error(transparent)]
    Index(#[from] IndexError),
    #[error(transparent)]
    Dense(#[from] DenseError),
}

/// The dense half of retrieval: the model questions are embedded with and
/// the knowledge base's vectors.
#[derive(Debug, Clone)]
pub struct Dense {
    pub embedder: Arc<Embedder>,
    pub vectors: DenseIndex,
    /// The cosine's weight; BM25 has the rest.
    pub weight: f32,
}

/// Why the bot did not answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Decline {
    /// Nothing to search for (empty, or only common words).
    EmptyQuestion,
    /// About the visitor's own case or eligibility (BOT-2).
    CaseSpecific,
    /// Nothing in the knowledge base matched.
    NoMatch,
    /// The best match holds too little of the question.
    LowConfidence,
    /// Two pages match almost equally well.
    Ambiguous,
}

impl Decline {
    pub fn as_str(self) -> &'static str {
        match self {
            Decline::EmptyQuestion => "empty_question",
            Decline::CaseSpecific => "case_specific",
            Decline::NoMatch => "no_match",
            Decline::LowConfidence => "low_confidence",
            Decline::Ambiguous => "ambiguous",
        }
    }
}

/// A page offered as a source or a link.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Source {
    pub url: String,
    pub title: String,
    pub service_area: String,
}

/// What the bot says to one question.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Reply {
    pub answered: bool,
    /// The words shown to the visitor: the answer, or why there is none.
    pub text: String,
    /// The answer's page title and heading, when answered.
    pub heading: Option<String>,
    /// Pages best first: the cited page first when answered, otherwise the
    /// closest pages.
    pub sources: Vec<Source>,
    pub confidence: f32,
    pub margin: f32,
    pub reason: Option<Decline>,
    /// The service area of the best page, for reporting (BOT-4).
    pub service_area: Option<String>,
}

/// A page and its best passage, in ranked order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankedPage {
    pub page: usize,
    pub best: Hit,
}

/// The wording of replies that are not answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording {
    pub empty: String,
    pub not_sure: String,
    pub case_specific: String,
}

impl Default for Wording {
    fn default() -> Self {
        Self {
            empty: "Please type your question, for example \"when is my bin collected?\".".into(),
            not_sure: "I'm not sure I have the answer to that. These pages might help, or you can talk to a person.".into(),
            case_specific: "I can only give general information: I can't look at your own case or decide whether you qualify. A member of staff can help with that. This page explains how it works.".into(),
        }
    }
}

#[derive(Debug)]
pub struct Answerer {
    index: KnowledgeIndex,
    dense: Option<Dense>,
    guard: CaseGuard,
    thresholds: Thresholds,
    wording: Wording,
}

/// Pages ranked for a question, and the best page's cosine when the dense
/// half took part.
struct Ranking {
    pages: Vec<RankedPage>,
    cosine: Option<f32>,
}

impl Answerer {
    pub fn new(
        index: KnowledgeIndex,
        guard: CaseGuard,
        thresholds: Thresholds,
        wording: Wording,
    ) -> Self {
        Self {
            index,
            dense: None,
            guard,
            thresholds,
            wording,
        }
    }

    /// Adds the dense half (the thresholds are left as they are).
    pub fn with_dense(mut self, dense: Dense) -> Self {
        self.dense = Some(dense);
        self
    }

    pub fn dense(&self) -> Option<&Dense> {
        self.dense.as_ref()
    }

    pub fn index(&self) -> &KnowledgeIndex {
        &self.index
    }

    pub fn thresholds(&self) -> Thresholds {
        self.thresholds
    }

    pub fn with_thresholds(mut self, thresholds: Thresholds) -> Self {
        self.thresholds = thresholds;
        self
    }

    /// Pages for the question, best first, each with its best passage.
    pub fn rank(&self, question: &str) -> Result<Vec<RankedPage>, AnswerError> {
        let question = bounded(question);
        let terms = self.index.query_terms(question);
        Ok(self.ranking(question, &terms)?.pages)
    }

    fn ranking(&self, question: &str, terms: &[String]) -> Result<Ranking, AnswerError> {
        let hits = self.index.search(terms, CANDIDATES)?;
        let Some(dense) = &self.dense else {
            return Ok(Ranking {
                pages: group_by_page(&self.index, &hits),
                cosine: None,
            });
        };
        let question_vector = dense.embedder.embed(question)?;
        let cosines = dense.vectors.scores(&question_vector);
        let top = hits
            .first()
            .map(|h| h.score)
            .filter(|s| *s > 0.0)
            .unwrap_or(1.0);
        let w = dense.weight;
        let pages = self.index.pages().len();
        let mut page_bm25 = vec![0.0f32; pages];
        let mut passage_bm25: HashMap<usize, f32> = HashMap::with_capacity(hits.len());
        for hit in &hits {
            let share = hit.score / top;
            passage_bm25.insert(hit.passage, share);
            if let Some(page) = self
                .index
                .passages()
                .get(hit.passage)
                .and_then(|p| page_bm25.get_mut(p.page))
            {
                *page = page.max(share);
            }
        }
        // Each page's best passage by the weighted sum.
        let mut best: Vec<Option<Hit>> = vec![None; pages];
        for ((number, passage), cosine) in self
            .index
            .passages()
            .iter()
            .enumerate()
            .zip(&cosines.passages)
        {
            let score = (1.0 - w) * passage_bm25.get(&number).copied().unwrap_or(0.0) + w * cosine;
            if let Some(slot) = best.get_mut(passage.page) {
                if slot.is_none_or(|b| score > b.score) {
                    *slot = Some(Hit {
                        passage: number,
                        score,
                    });
                }
            }
        }
        let mut ranked: Vec<RankedPage> = best
            .iter()
            .enumerate()
            .filter_map(|(page, hit)| {
                let hit = (*hit)?;
                let cosine = cosines.pages.get(page).copied().unwrap_or(0.0);
                Some(RankedPage {
                    page,
                    best: Hit {
                        passage: hit.passage,
                        score: (1.0 - w) * page_bm25[page] + w * cosine,
                    },
                })
            })
            .collect();
        ranked.sort_by(|a, b| b.best.score.total_cmp(&a.best.score));
        ranked.truncate(CANDIDATES);
        let cosine = ranked
            .first()
            .and_then(|r| cosines.pages.get(r.page).copied());
        Ok(Ranking {
            pages: ranked,
            cosine,
        })
    }

    pub fn answer(&self, question: &str) -> Result<Reply, AnswerError> {
        let question = bounded(question);
        let terms = self.index.query_terms(question);
        // A question of stop words alone is judged by the patterns: the
        // model has nothing of substance to go on.
        let case_specific = if terms.is_empty() {
            self.guard.patterns_match(question)
        } else {
            self.guard.is_case_specific(question)
        };
        if terms.is_empty() && !case_specific {
            return Ok(self.decline(Decline::EmptyQuestion, &[], 0.0, 0.0));
        }
        let Ranking {
            pages: ranked,
            cosine,
        } = self.ranking(question, &terms)?;
        let Some(best) = ranked.first() else {
            let reason = if case_specific {
                Decline::CaseSpecific
            } else {
                Decline::NoMatch
            };
            return Ok(self.decline(reason, &[], 0.0, 0.0));
        };
        let coverage = self.index.coverage(&terms, best.best.passage);
        let confidence = match (cosine, &self.dense) {
            (Some(cosine), Some(dense)) => (1.0 - dense.weight) * coverage + dense.weight * cosine,
            _ => coverage,
        };
        let margin = match ranked.get(1) {
            Some(next) if best.best.score > 0.0 => {
                (best.best.score - next.best.score) / best.best.score
            }
            _ => 1.0,
        };
        if case_specific {
            return Ok(self.decline(Decline::CaseSpecific, &ranked, confidence, margin));
        }
        if confidence < self.thresholds.min_confidence {
            let related = self.related(&terms, &ranked, cosine);
            return Ok(self.decline(Decline::LowConfidence, &related, confidence, margin));
        }
        if margin < self.thresholds.min_margin {
            let related = self.related(&terms, &ranked, cosine);
            return Ok(self.decline(Decline::Ambiguous, &related, confidence, margin));
        }
        let Some((passage, page)) = self.index.passage(&best.best) else {
            return Ok(self.decline(Decline::NoMatch, &[], confidence, margin));
        };
        let heading = match passage.headings.last() {
            Some(h) => format!("{} — {h}", page.title),
            None => page.title.clone(),
        };
        Ok(Reply {
            answered: true,
            text: readable_answer(&passage.text, ANSWER_CHARS),
            heading: Some(heading),
            sources: self.sources(&ranked),
            confidence,
            margin,
            reason: None,
            service_area: Some(page.service_area.clone()),
        })
    }

    /// The ranked pages that plausibly relate to the question, in their
    /// order: by their words ([`RELATED_COVERAGE`]), or for the best page
    /// by its meaning ([`RELATED_COSINE`], `cosine` being the best page's).
    fn related(
        &self,
        terms: &[String],
        ranked: &[RankedPage],
        cosine: Option<f32>,
    ) -> Vec<RankedPage> {
        let close_in_meaning = cosine.is_some_and(|c| c >= RELATED_COSINE);
        ranked
            .iter()
            .enumerate()
            .filter(|(i, r)| {
                (*i == 0 && close_in_meaning)
                    || self.index.coverage(terms, r.best.passage) >= RELATED_COVERAGE
            })
            .map(|(_, r)| *r)
            .collect()
    }

    /// Up to [`MAX_SOURCES`] pages, each address once, in ranked order (the
    /// cited page first).
    fn sources(&self, ranked: &[RankedPage]) -> Vec<Source> {
        let mut out: Vec<Source> = Vec::with_capacity(MAX_SOURCES);
        for p in ranked.iter().filter_map(|r| self.index.pages().get(r.page)) {
            if out.len() == MAX_SOURCES {
                break;
            }
            if out.iter().any(|s| s.url == p.url) {
                continue;
            }
            out.push(Source {
                url: p.url.clone(),
                title: p.title.clone(),
                service_area: p.service_area.clone(),
            });
        }
        out
    }

    fn decline(
        &self,
        reason: Decline,
        ranked: &[RankedPage],
        confidence: f32,
        margin: f32,
    ) -> Reply {
        let text = match reason {
            Decline::EmptyQuestion => &self.wording.empty,
            Decline::CaseSpecific => &self.wording.case_specific,
            _ => &self.wording.not_sure,
        };
        let sources = self.sources(ranked);
        Reply {
            answered: false,
            text: text.clone(),
            heading: None,
            service_area: sources.first().map(|s| s.service_area.clone()),
            sources,
            confidence,
            margin,
            reason: Some(reason),
        }
    }
}

fn bounded(question: &str) -> &str {
    match question.char_indices().nth(MAX_QUESTION_CHARS) {
        Some((at, _)) => &question[..at],
        None => question,
    }
}

fn group_by_page(index: &KnowledgeIndex, hits: &[Hit]) -> Vec<RankedPage> {
    let mut ranked: Vec<RankedPage> = Vec::new();
    for hit in hits {
        let Some(passage) = index.passages().get(hit.passage) else {
            continue;
        };
        if ranked.iter().any(|r| r.page == passage.page) {
            continue;
        }
        ranked.push(RankedPage {
            page: passage.page,
            best: *hit,
        });
    }
    ranked
}

#[cfg(test)]
mod tests;
