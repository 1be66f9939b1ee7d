//! Special category data: disclosures, not topics. A lexicon term counts
//! when its clause is about the writer or someone close to them ("I have
//! type 2 diabetes", "my son has ADHD", "as a practising Muslim", "I'm in
//! Unison"); "is there help for people with diabetes?" stays.

use super::lexicon;
use crate::category::Category;
use crate::span::Finding;
use crate::text::{boundary_after, boundary_before, words, Clauses};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

#[derive(Debug)]
pub(crate) struct Special {
    terms: Option<AhoCorasick>,
    categories: Vec<Category>,
    patterns: Vec<&'static str>,
}

/// Words that make a clause about a person: the writer, their family, or
/// someone they speak of.
const PERSON_CUES: &[&str] = &[
    "i",
    "i'm",
    "im",
    "i've",
    "ive",
    "i'd",
    "i'll",
    "me",
    "my",
    "myself",
    "mine",
    "we",
    "we're",
    "we've",
    "our",
    "ours",
    "us",
    "son",
    "sons",
    "daughter",
    "daughters",
    "child",
    "children",
    "kid",
    "kids",
    "husband",
    "wife",
    "partner",
    "mum",
    "mam",
    "mom",
    "dad",
    "mother",
    "father",
    "gran",
    "granny",
    "grandma",
    "grandad",
    "grandpa",
    "nan",
    "brother",
    "sister",
    "baby",
    "boyfriend",
    "girlfriend",
    "fiance",
    "fiancé",
    "fiancée",
    "he",
    "she",
    "he's",
    "she's",
    "hes",
    "shes",
    "his",
    "her",
    "him",
    "neighbour",
    "neighbor",
    "tenant",
    "friend",
    "cousin",
    "aunt",
    "auntie",
    "uncle",
    "nephew",
    "niece",
    "stepson",
    "stepdaughter",
    "fy",
    "mo",
    "mi",
];

/// Words after which an everyday word (unite, trans, ...) is meant as the
/// term: "in Unite", "member of unison".
const INTRO_WORDS: &[&str] = &[
    "of", "join", "joined", "joining", "with", "from", "am", "i'm", "im", "is", "are",
];

/// "I'm in", "we're in", "she's in": before "in", these make it membership.
const BE_WORDS: &[&str] = &[
    "i'm", "im", "am", "i", "we're", "were", "we", "was", "is", "are", "he's", "she's", "hes",
    "shes", "been",
];

/// Words after a union's name that make it membership: "a unite rep".
const ROLE_WORDS: &[&str] = &[
    "rep",
    "reps",
    "representative",
    "member",
    "members",
    "steward",
    "branch",
    "card",
];

/// Words that turn a following "i" or "we" into a question about a service
/// ("can i get a blue badge", "how do i join a trade union"), not a
/// statement about the writer.
const ASKING_WORDS: &[&str] = &[
    "can", "could", "do", "does", "should", "would", "will", "may", "might", "how", "where",
    "when", "what", "if", "shall",
];

/// Places of worship named as venues, not as belonging.
const VENUE_WORDS: &[&str] = &[
    "hall", "halls", "street", "road", "lane", "car", "centre", "center", "nursery", "school",
    "grounds", "yard", "bazaar", "fete", "fayre",
];

impl Special {
    pub(crate) fn new() -> Self {
        let all = lexicon::all();
        let patterns: Vec<&'static str> = all.iter().map(|(t, _)| *t).collect();
        let categories = all.iter().map(|(_, c)| *c).collect();
        let terms = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&patterns)
            .ok();
        Self {
            terms,
            categories,
            patterns,
        }
    }

    pub(crate) fn find(&self, text: &str, out: &mut Vec<Finding>) {
        let Some(ac) = &self.terms else { return };
        let clauses = Clauses::of(text);
        let mut about_a_person: Vec<Option<bool>> = vec![None; clauses.count()];
        for m in ac.find_iter(text) {
            let (start, end) = (m.start(), m.end());
            if !(boundary_before(text, start) && boundary_after(text, end)) {
                continue;
            }
            let pattern = self.patterns[m.pattern().as_usize()];
            let category = self.categories[m.pattern().as_usize()];
            let previous = previous_word(text, start);
            if lexicon::CAPITALS_ONLY.contains(&pattern)
                && text[start..end].chars().any(|c| c.is_lowercase())
            {
                continue;
            }
            if lexicon::NEEDS_CAPITAL_OR_INTRO.contains(&pattern) {
                let capitalised = text[start..].starts_with(|c: char| c.is_uppercase());
                // "in Unison" after "I'm" or "we're" is membership; "sang in
                // unison" is not.
                let followed =
                    next_word(text, end).is_some_and(|w| ROLE_WORDS.contains(&w.as_str()));
                let introduced = followed
                    || match &previous {
                        Some((w, at)) if w == "in" => previous_word(text, *at)
                            .is_some_and(|(before, _)| BE_WORDS.contains(&before.as_str())),
                        Some((w, _)) => INTRO_WORDS.contains(&w.as_str()),
                        None => false,
                    };
                if !(capitalised || introduced) {
                    continue;
                }
            }
            if category == Category::ReligionOrBelief
                && next_word(text, end).is_some_and(|w| VENUE_WORDS.contains(&w.as_str()))
            {
                continue;
            }
            let (idx, c_start, c_end) = clauses.around(start);
            let as_a = text
                .get(c_start..start)
                .map(|s| s.trim_end().to_lowercase())
                .is_some_and(|s| {
                    s.ends_with(" as a") || s.ends_with(" as an") || s == "as a" || s == "as an"
                });
            let cued = match about_a_person.get(idx).copied().flatten() {
                Some(known) => known,
                None => {
                    let found = text
                        .get(c_start..c_end)
                        .is_some_and(clause_is_about_a_person);
                    if let Some(slot) = about_a_person.get_mut(idx) {
                        *slot = Some(found);
                    }
                    found
                }
            };
            if cued || as_a {
                out.push(Finding::new(start, end, category));
            }
        }
    }
}

/// The word before byte `pos`, lower case, and where it starts.
/// Whether a clause speaks about a person: a first-person, family or
/// third-person word, other than "i" or "we" asking a question ("can i").
fn clause_is_about_a_person(clause: &str) -> bool {
    let mut previous = String::new();
    for w in words(clause) {
        let asking = matches!(w.as_str(), "i" | "we") && ASKING_WORDS.contains(&previous.as_str());
        if PERSON_CUES.contains(&w.as_str()) && !asking {
            return true;
        }
        previous = w;
    }
    false
}

fn previous_word(text: &str, pos: usize) -> Option<(String, usize)> {
    let before = text.get(..pos)?.trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '\''))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let w = before.get(start..)?;
    (!w.is_empty()).then(|| (w.to_lowercase(), start))
}

fn next_word(text: &str, pos: usize) -> Option<String> {
    let after = text.get(pos..)?.trim_start();
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    let w = after.get(..end)?;
    (!w.is_empty()).then(|| w.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, Category)> {
        let mut out = Vec::new();
        Special::new().find(text, &mut out);
        out.iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.category))
            .collect()
    }

    #[test]
    fn disclosures_are_found() {
        assert_eq!(
            found("I have type 2 diabetes and need help"),
            vec![("type 2 diabetes".into(), Category::Health)]
        );
        assert_eq!(
            found("my son has ADHD"),
            vec![("ADHD".into(), Category::Health)]
        );
        assert_eq!(
            found("As a practising Muslim, can the hall face east"),
            vec![("practising Muslim".into(), Category::ReligionOrBelief)]
        );
        assert_eq!(
            found("I'm in Unison"),
            vec![("Unison".into(), Category::TradeUnionMembership)]
        );
        assert_eq!(
            found("i voted snp last time"),
            vec![("voted snp".into(), Category::PoliticalOpinion)]
        );
        assert_eq!(
            found("my partner and i are a same-sex couple"),
            vec![("same-sex couple".into(), Category::SexLifeOrOrientation)]
        );
    }

    #[test]
    fn topics_are_not_disclosures() {
        assert!(found("when is the election?").is_empty());
        assert!(found("is the church hall open?").is_empty());
        assert!(found("Is there support for people with diabetes?").is_empty());
        assert!(found("we sang in unison at my choir").is_empty());
        assert!(found("can I book my church hall for a party").is_empty());
        assert!(found("where can i get a blue badge form").is_empty());
        assert!(found("how do i join a trade union").is_empty());
        assert!(found("Dear Ms Smith, my bin").is_empty());
    }
}
