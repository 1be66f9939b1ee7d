//! Special category data: disclosures, not topics. A lexicon term counts
//! when its clause is about the writer or someone close to them ("I have
//! type 2 diabetes", "my son has ADHD", "as a practising Muslim", "I'm in
//! Unison"); "is there help for people with diabetes?" stays.

mod clauses;
mod words;

use super::lexicon;
use super::scan::{Scan, Trigger};
use super::typos::Typos;
use crate::category::Category;
use crate::span::Finding;
use crate::text::{boundary_after, boundary_before, is_one_of, same_word};
use clauses::*;
use regex::Regex;
use words::*;

#[derive(Debug)]
pub(crate) struct Special {
    categories: Vec<Category>,
    patterns: Vec<String>,
    typos: Typos,
    condition: Regex,
    cues: Cues,
}

/// A condition's name by its form: up to two words and "syndrome",
/// "disorder", "disease" or "deficiency", or one word with a medical
/// ending (-itis, -osis, -algia, -aemia, -opathy, -plegia, -phobia).
const CONDITION: &str = r"(?i)(?-u:\b)(?:(?:[a-z][a-z'\-]*\s+){0,2}(?:syndrome|disorder|disease|deficiency|dystrophy)|[a-z]{2,}(?:itis|osis|iasis|algia|aemia|emia|opathy|plegia|phobia))(?-u:\b)";

/// Words with a medical ending that are not conditions.
const NOT_CONDITIONS: &[&str] = &[
    "diagnosis",
    "prognosis",
    "hypnosis",
    "osmosis",
    "symbiosis",
    "academia",
    "homophobia",
    "transphobia",
    "biphobia",
    "xenophobia",
    "islamophobia",
];

/// Words that may lead a matched condition name but are not part of it.
const CONDITION_LEAD_STOPS: &[&str] = &[
    "has",
    "have",
    "had",
    "with",
    "a",
    "an",
    "the",
    "my",
    "his",
    "her",
    "their",
    "our",
    "of",
    "from",
    "got",
    "is",
    "are",
    "and",
    "or",
    "in",
    "to",
    "for",
    "diagnosed",
    "suspected",
    "been",
    "rare",
    "this",
    "that",
    "some",
    "severe",
    "mild",
    "chronic",
];

/// Words before a term that belong with it: "profoundly deaf", "registered
/// disabled", "alcohol addiction", "practising Hindu", "Orthodox Jews".
const HEALTH_MODIFIERS: &[&str] = &[
    "profoundly",
    "severely",
    "partially",
    "totally",
    "completely",
    "registered",
    "clinically",
    "chronically",
    "mildly",
    "moderately",
    "permanently",
    "alcohol",
    "drug",
    "gambling",
    "opioid",
    "cocaine",
    "heroin",
    "cannabis",
    "postnatal",
    "severe",
    "chronic",
    "acute",
];
const BELIEF_MODIFIERS: &[&str] = &[
    "practising",
    "practicing",
    "devout",
    "observant",
    "orthodox",
    "strict",
    "committed",
    "lapsed",
    "born-again",
    "ultra-orthodox",
    "non-practising",
    "roman",
];

/// Where a finding starts once the modifiers before it are taken in.
fn extend_over_modifiers(text: &str, category: Category, start: usize) -> usize {
    let modifiers = match category {
        Category::Health => HEALTH_MODIFIERS,
        Category::ReligionOrBelief => BELIEF_MODIFIERS,
        _ => return start,
    };
    let mut start = start;
    for _ in 0..2 {
        match previous_word(text, start) {
            Some((w, at)) if is_one_of(w, modifiers) => start = at,
            _ => break,
        }
    }
    start
}

impl Special {
    pub(crate) fn new() -> Self {
        let all = lexicon::all();
        let patterns: Vec<String> = all.iter().map(|(t, _)| t.clone()).collect();
        let categories = all.iter().map(|(_, c)| *c).collect();
        let typos = Typos::new(lexicon::HEALTH.iter().copied());
        Self {
            categories,
            patterns,
            typos,
            condition: super::regex(CONDITION),
            cues: Cues::new(),
        }
    }

    /// Every whole-word lexicon term in the text with its category,
    /// whether or not it counts as a disclosure where it stands (the
    /// thorough path weighs that itself).
    pub(crate) fn term_hits(&self, scan: &Scan) -> Vec<Finding> {
        let text = scan.text;
        scan.terms()
            .iter()
            .filter(|m| boundary_before(text, m.start) && boundary_after(text, m.end))
            .filter_map(|m| {
                let category = *self.categories.get(m.term)?;
                Some(Finding::new(m.start, m.end, category))
            })
            .collect()
    }

    pub(crate) fn find(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        let mut clauses = PersonClauses::new(&self.cues);
        let mut from = 0;
        let mut last_end = 0;
        // The leftmost term at or after `from`, longest first: terms are
        // sorted by start, then longest first.
        for m in scan.terms() {
            if m.start < from {
                continue;
            }
            let (start, end) = (m.start, m.end);
            // Terms may overlap ("our union rep"): after a term of several
            // words, look again from its last word. A term found inside
            // the one before ("diabetes" in "type 2 diabetes") adds nothing.
            from = text
                .get(start..end)
                .and_then(|t| t.rfind(' '))
                .map_or(end, |space| start + space + 1);
            if end <= last_end {
                continue;
            }
            last_end = end;
            if !(boundary_before(text, start) && boundary_after(text, end)) {
                continue;
            }
            let (Some(pattern), Some(&category)) =
                (self.patterns.get(m.term), self.categories.get(m.term))
            else {
                continue;
            };
            if !self.counts_here(text, pattern, category, start, end) {
                continue;
            }
            if clauses.disclose(text, start) {
                let start = extend_over_modifiers(text, category, start);
                out.push(Finding::new(start, end, category));
            }
        }
        self.named_conditions(scan, &mut clauses, out);
        self.misspelt_health_terms(scan, &mut clauses, out);
    }

    /// The checks that depend on the term itself: capitals, an
    /// introducing word, a place or service named after it.
    fn counts_here(
        &self,
        text: &str,
        pattern: &str,
        category: Category,
        start: usize,
        end: usize,
    ) -> bool {
        let previous = previous_word(text, start);
        let matched = text.get(start..end).unwrap_or_default();
        if lexicon::CAPITALS_ONLY.contains(&pattern) && matched.chars().any(|c| c.is_lowercase()) {
            return false;
        }
        if lexicon::NEEDS_CAPITAL_OR_INTRO.contains(&pattern) {
            let capitalised = matched.starts_with(|c: char| c.is_uppercase());
            // "in Unison" after "I'm" or "we're" is membership; "sang in
            // unison" is not.
            let followed = next_word(text, end).is_some_and(|w| is_one_of(w, ROLE_WORDS));
            let introduced = followed
                || match previous {
                    Some((w, at)) if same_word(w, "in") => previous_word(text, at)
                        .is_some_and(|(before, _)| is_one_of(before, BE_WORDS)),
                    Some((w, _)) => is_one_of(w, INTRO_WORDS),
                    None => false,
                };
            if !(capitalised || introduced) {
                return false;
            }
        }
        if lexicon::BE_INTRO_ONLY.contains(&pattern) && !said_of_someone(text, previous) {
            return false;
        }
        !names_a_place_or_service(text, category, pattern, end, previous)
    }

    /// Conditions named by their form rather than listed: "foetal alcohol
    /// syndrome", "Ehlers-Danlos syndrome", "endometriosis", "neuropathy".
    fn named_conditions(&self, scan: &Scan, clauses: &mut PersonClauses, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.triggered(Trigger::Condition, &self.condition) {
            let word = m.as_str().to_ascii_lowercase();
            if NOT_CONDITIONS.iter().any(|n| word.ends_with(n)) {
                continue;
            }
            // Leading words such as "has a" belong to the sentence, not
            // the condition's name.
            let mut start = m.start();
            let mut rest = m.as_str();
            loop {
                let trimmed = rest.trim_start();
                start += rest.len() - trimmed.len();
                let word_len = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
                let word = trimmed.get(..word_len).unwrap_or_default();
                let lead = word_len < trimmed.len()
                    && CONDITION_LEAD_STOPS.contains(&word.to_ascii_lowercase().as_str());
                if !lead {
                    break;
                }
                start += word_len;
                rest = trimmed.get(word_len..).unwrap_or_default();
            }
            if start < m.end() && clauses.disclose(text, start) {
                out.push(Finding::new(start, m.end(), Category::Health));
            }
        }
    }

    /// Health terms typed with one mistake ("i av diabetis"), after a verb
    /// or preposition that introduces a condition, in a clause about a
    /// person.
    fn misspelt_health_terms(
        &self,
        scan: &Scan,
        clauses: &mut PersonClauses,
        out: &mut Vec<Finding>,
    ) {
        let text = scan.text;
        for (start, end) in self.typos.misspellings_after(text, scan.typo_triggers()) {
            if clauses.disclose(text, start) {
                out.push(Finding::new(start, end, Category::Health));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::scan::scan_for_tests;

    fn found(text: &str) -> Vec<(String, Category)> {
        let mut out = Vec::new();
        Special::new().find(&scan_for_tests(text), &mut out);
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
        // A service's name is not a disclosure: the condition is.
        assert!(found("I have a blue badge but the bay was painted over").is_empty());
        assert_eq!(
            found("i have a blue badge and MS"),
            vec![("MS".to_owned(), Category::Health)]
        );
        assert!(found("how do i join a trade union").is_empty());
        assert!(found("Dear Ms Smith, my bin").is_empty());
    }

    #[test]
    fn everyday_words_count_only_when_said_of_someone() {
        assert_eq!(
            found("they found out im bi"),
            vec![("bi".into(), Category::SexLifeOrOrientation)]
        );
        assert_eq!(
            found("i get picked on for being black"),
            vec![("black".into(), Category::RacialOrEthnicOrigin)]
        );
        assert!(
            found("my flat has black mould and there is black mould in my bathroom").is_empty()
        );
    }

    #[test]
    fn places_and_services_are_not_disclosures() {
        assert!(found("someone parked in the disabled bay outside my house").is_empty());
        assert!(found("I spoke to my councillor at the surgery on Saturday").is_empty());
        assert!(found("the Gypsy/Traveller site near me has no water").is_empty());
        assert!(found("is there a Catholic school near me").is_empty());
        assert!(found("do you have information about autism assessments for children").is_empty());
        assert_eq!(
            found("my wee boy has asthma"),
            vec![("asthma".into(), Category::Health)]
        );
        assert_eq!(
            found("their daughter has epilepsy"),
            vec![("epilepsy".into(), Category::Health)]
        );
    }

    #[test]
    fn conditions_by_form_modifiers_and_overlapping_terms() {
        assert_eq!(
            found("we foster a little boy with foetal alcohol syndrome"),
            vec![("foetal alcohol syndrome".into(), Category::Health)]
        );
        assert_eq!(
            found("I was diagnosed with endometriosis"),
            vec![("endometriosis".into(), Category::Health)]
        );
        assert!(found("my diagnosis letter came").is_empty());
        assert!(found("is there help for people with coeliac disease?").is_empty());
        assert_eq!(
            found("our daughter is profoundly deaf"),
            vec![("profoundly deaf".into(), Category::Health)]
        );
        assert_eq!(
            found("I'm in recovery from alcohol addiction"),
            vec![
                ("in recovery".into(), Category::Health),
                ("alcohol addiction".into(), Category::Health)
            ]
        );
        assert_eq!(
            found("I'm a practising Hindu"),
            vec![("practising Hindu".into(), Category::ReligionOrBelief)]
        );
        assert_eq!(
            found("we're Baptists"),
            vec![("Baptists".into(), Category::ReligionOrBelief)]
        );
        let union = found("our union rep said to call");
        assert!(
            union.contains(&("union rep".into(), Category::TradeUnionMembership)),
            "{union:?}"
        );
    }

    #[test]
    fn misspelt_conditions_welsh_and_gaelic() {
        assert_eq!(
            found("i av diabetis n cant lift the bins"),
            vec![("diabetis".into(), Category::Health)]
        );
        assert_eq!(
            found("im 8 months pregant"),
            vec![("pregant".into(), Category::Health)]
        );
        assert!(found("is there help with planning").is_empty());
        assert_eq!(
            found("Dw i'n ddall ac mae angen help arna i"),
            vec![("ddall".into(), Category::Health)]
        );
        assert_eq!(
            found("Tha tinneas an t-siùcair orm"),
            vec![("tinneas an t-siùcair".into(), Category::Health)]
        );
    }
}
