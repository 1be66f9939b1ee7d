//! Deciding what to say (BOT-1..BOT-3): the best passage, trimmed, with its
//! page cited — but only when the best match covers enough of the question
//! (confidence) and stands clear of the next page (margin). Otherwise the
//! bot says it is not sure and offers the closest pages and a person. A
//! question about the visitor's own case or eligibility is declined
//! whatever the match, with the page that explains the rules.

use crate::guard::CaseGuard;
use crate::index::{Hit, IndexError, KnowledgeIndex};
use crate::text::{readable_answer, ANSWER_CHARS};
use serde::Serialize;

/// Questions are cut to this many characters before searching.
pub const MAX_QUESTION_CHARS: usize = 1_000;
/// Passages fetched per question before grouping by page.
const CANDIDATES: usize = 40;
/// Pages offered as links.
pub const MAX_SOURCES: usize = 3;

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
    guard: CaseGuard,
    thresholds: Thresholds,
    wording: Wording,
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
            guard,
            thresholds,
            wording,
        }
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
    pub fn rank(&self, question: &str) -> Result<Vec<RankedPage>, IndexError> {
        let terms = self.index.query_terms(bounded(question));
        let hits = self.index.search(&terms, CANDIDATES)?;
        Ok(group_by_page(&self.index, &hits))
    }

    pub fn answer(&self, question: &str) -> Result<Reply, IndexError> {
        let question = bounded(question);
        let terms = self.index.query_terms(question);
        let case_specific = self.guard.is_case_specific(question);
        if terms.is_empty() && !case_specific {
            return Ok(self.decline(Decline::EmptyQuestion, &[], 0.0, 0.0));
        }
        let hits = self.index.search(&terms, CANDIDATES)?;
        let ranked = group_by_page(&self.index, &hits);
        let Some(best) = ranked.first() else {
            let reason = if case_specific {
                Decline::CaseSpecific
            } else {
                Decline::NoMatch
            };
            return Ok(self.decline(reason, &ranked, 0.0, 0.0));
        };
        let confidence = self.index.coverage(&terms, best.best.passage);
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
            return Ok(self.decline(Decline::LowConfidence, &ranked, confidence, margin));
        }
        if margin < self.thresholds.min_margin {
            return Ok(self.decline(Decline::Ambiguous, &ranked, confidence, margin));
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

    fn sources(&self, ranked: &[RankedPage]) -> Vec<Source> {
        ranked
            .iter()
            .take(MAX_SOURCES)
            .filter_map(|r| self.index.pages().get(r.page))
            .map(|p| Source {
                url: p.url.clone(),
                title: p.title.clone(),
                service_area: p.service_area.clone(),
            })
            .collect()
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
