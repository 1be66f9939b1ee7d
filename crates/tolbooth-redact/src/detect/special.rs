//! Special category data: disclosures, not topics. A lexicon term counts
//! when its clause is about the writer or someone close to them ("I have
//! type 2 diabetes", "my son has ADHD", "as a practising Muslim", "I'm in
//! Unison"); "is there help for people with diabetes?" stays.

use super::lexicon;
use super::scan::{Scan, Trigger};
use super::typos::Typos;
use crate::category::Category;
use crate::span::Finding;
use crate::text::{boundary_after, boundary_before, clause_around, is_one_of, same_word, words};
use regex::Regex;
use std::collections::{HashMap, HashSet};

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

/// Words that make a clause about a person: the writer, or someone they
/// speak of (English, Scots, Welsh and Gaelic).
const PERSON_CUES: &[&str] = &[
    "i", "i'm", "im", "i've", "ive", "i'd", "i'll", "me", "my", "myself", "mine", "ma", "we",
    "dwi'n", "ydw", "dw'n", "we're", "we've", "our", "ours", "us", "he", "she", "he's", "she's",
    "hes", "shes", "his", "her", "him", "fy", "dw", "dwi", "i'n", "rwy", "rwy'n", "rwyn", "rydw",
    "wi'n", "fi", "mo", "mi", "orm", "agam",
];

/// People close to the writer. They make a clause about a person only
/// after a possessive ("my son has ADHD", "their daughter has cancer"):
/// "autism assessments for children" is a topic.
const RELATIVES: &[&str] = &[
    "son",
    "sons",
    "daughter",
    "daughters",
    "child",
    "children",
    "kid",
    "kids",
    "boy",
    "girl",
    "bairn",
    "wean",
    "weans",
    "lad",
    "lass",
    "lassie",
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
    "nain",
    "taid",
    "brother",
    "sister",
    "baby",
    "boyfriend",
    "girlfriend",
    "bf",
    "gf",
    "fiance",
    "fiancé",
    "fiancée",
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
    "stepdad",
    "stepmum",
    "grandson",
    "granddaughter",
    "mab",
    "merch",
    "ngŵr",
    "ngwr",
    "ngwraig",
];

/// Possessives before a relative; "wee", "little" and the like may stand
/// between ("my wee boy").
const POSSESSIVES: &[&str] = &[
    "my", "our", "his", "her", "their", "your", "ma", "me", "mo", "fy", "ein",
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

/// Words after a religious term that make it a place or a service
/// ("the church hall", "a Catholic school"), not a person's belief.
const RELIGION_VENUES: &[&str] = &[
    "hall",
    "halls",
    "street",
    "road",
    "lane",
    "car",
    "centre",
    "center",
    "nursery",
    "school",
    "schools",
    "primary",
    "high",
    "grounds",
    "yard",
    "bazaar",
    "fete",
    "fayre",
    "chaplain",
    "chaplains",
    "priest",
    "church",
    "churches",
    "cathedral",
    "cemetery",
    "graveyard",
    "chapel",
    "food",
    "shop",
    "shops",
    "butcher",
    "butchers",
    "options",
    "meals",
    "festival",
];

/// Words after a health term that make it a facility or a service ("the
/// disabled bay", "autism assessments", "blue badge holders").
const HEALTH_FACILITIES: &[&str] = &[
    "bay",
    "bays",
    "parking",
    "space",
    "spaces",
    "toilet",
    "toilets",
    "access",
    "accessible",
    "facilities",
    "entrance",
    "ramp",
    "loo",
    "changing",
    "holders",
    "scheme",
    "assessments",
    "services",
    "friendly",
    "awareness",
    "charity",
    "charities",
    "hour",
    "provision",
    "support",
    "line",
    "helpline",
    "team",
    "policy",
];

/// Words after an ethnic term that make it a place or a trade ("the
/// Gypsy/Traveller site", "a Polish shop").
const ORIGIN_VENUES: &[&str] = &[
    "site",
    "sites",
    "pitch",
    "pitches",
    "restaurant",
    "restaurants",
    "takeaway",
    "food",
    "shop",
    "shops",
    "deli",
    "supermarket",
    "festival",
];

/// A pronoun and "be" in one word, before a term in
/// [`lexicon::BE_INTRO_ONLY`]: "im bi".
const PRONOUN_BE: &[&str] = &[
    "i'm", "im", "we're", "he's", "she's", "hes", "shes", "they're", "theyre", "you're",
];

/// Forms of "be" that, after a pronoun ("i am", "she is") or "for" ("for
/// being"), introduce a term in [`lexicon::BE_INTRO_ONLY`].
const BE_FORMS: &[&str] = &["am", "are", "is", "was", "were", "being", "been"];

/// Words before a form of "be" that make it about someone.
const BE_SUBJECTS: &[&str] = &[
    "i", "we", "he", "she", "they", "for", "of", "about", "because", "cause", "cos", "coz",
];

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

/// Whether clauses are about a person, found when first asked. Each pass
/// over the text asks in ascending order, so the clause asked about last
/// is kept; answers are kept by clause start.
struct PersonClauses<'c> {
    cues: &'c Cues,
    last: Option<(usize, usize)>,
    about_a_person: HashMap<usize, bool>,
}

impl<'c> PersonClauses<'c> {
    fn new(cues: &'c Cues) -> Self {
        Self {
            cues,
            last: None,
            about_a_person: HashMap::new(),
        }
    }

    /// Whether a term at byte `start` is disclosed: its clause is about a
    /// person, or the term follows "as a" ("as a practising Muslim").
    fn disclose(&mut self, text: &str, start: usize) -> bool {
        let (c_start, c_end) = match self.last {
            Some((s, e)) if s <= start && start < e => (s, e),
            _ => clause_around(text, start),
        };
        self.last = Some((c_start, c_end));
        if follows_as_a(text, c_start, start) {
            return true;
        }
        *self.about_a_person.entry(c_start).or_insert_with(|| {
            text.get(c_start..c_end)
                .is_some_and(|c| clause_is_about_a_person(c, self.cues))
        })
    }
}

/// Whether the clause's text before `pos` ends with "as a" or "as an"
/// (reading only its last few bytes).
fn follows_as_a(text: &str, clause_start: usize, pos: usize) -> bool {
    let before = text.get(clause_start..pos).unwrap_or_default().trim_end();
    let tail = |n: usize| {
        before
            .len()
            .checked_sub(n)
            .and_then(|i| before.as_bytes().get(i..))
            .unwrap_or_default()
    };
    [" as a", " as an"]
        .iter()
        .any(|p| tail(p.len()).eq_ignore_ascii_case(p.as_bytes()))
        || ["as a", "as an"]
            .iter()
            .any(|p| before.eq_ignore_ascii_case(p))
}

/// Whether a term that is an everyday word ("black", "bi") is said of
/// someone: "im bi", "she is black", "for being black"; not "there is
/// black mould".
fn said_of_someone(text: &str, previous: Option<(&str, usize)>) -> bool {
    let Some((word, at)) = previous else {
        return false;
    };
    if is_one_of(word, PRONOUN_BE) {
        return true;
    }
    is_one_of(word, BE_FORMS)
        && previous_word(text, at).is_some_and(|(w, _)| is_one_of(w, BE_SUBJECTS))
}

/// Whether the term names a place, a facility or a service rather than
/// something about a person: "the church hall", "the disabled bay",
/// "the surgery" (a GP's or a councillor's), "the Gypsy/Traveller site".
fn names_a_place_or_service(
    text: &str,
    category: Category,
    pattern: &str,
    end: usize,
    previous: Option<(&str, usize)>,
) -> bool {
    let next = next_word(text, end);
    let next_in = |list: &[&str]| next.is_some_and(|w| is_one_of(w, list));
    match category {
        Category::ReligionOrBelief => next_in(RELIGION_VENUES),
        Category::RacialOrEthnicOrigin => next_in(ORIGIN_VENUES),
        Category::Health => {
            next_in(HEALTH_FACILITIES)
                || (pattern == "surgery" && previous.is_some_and(|(w, _)| same_word(w, "the")))
        }
        _ => false,
    }
}

/// Whether a clause speaks about a person: a first-person or third-person
/// word (other than "i" or "we" asking a question, "can i"), or a relative
/// after a possessive ("my wee boy").
fn clause_is_about_a_person(clause: &str, cues: &Cues) -> bool {
    let mut previous = String::new();
    let mut word = String::new();
    let mut possessive_within = 0u8;
    for w in words(clause) {
        fold_into(w, &mut word);
        let asking = matches!(word.as_str(), "i" | "we") && cues.asking.contains(previous.as_str());
        if cues.person.contains(word.as_str()) && !asking {
            return true;
        }
        if possessive_within > 0 && cues.relatives.contains(word.as_str()) {
            return true;
        }
        possessive_within = if cues.possessives.contains(word.as_str()) {
            3
        } else {
            possessive_within.saturating_sub(1)
        };
        std::mem::swap(&mut previous, &mut word);
    }
    false
}

/// `w` in lower case with curly apostrophes straightened, written into
/// `into` (reused, so that words cost no allocation).
fn fold_into(w: &str, into: &mut String) {
    into.clear();
    for c in w.chars() {
        if c == '\u{2019}' {
            into.push('\'');
        } else if c.is_ascii() {
            into.push(c.to_ascii_lowercase());
        } else {
            into.extend(c.to_lowercase());
        }
    }
}

/// The cue word lists as sets, built once.
#[derive(Debug)]
struct Cues {
    person: HashSet<&'static str>,
    relatives: HashSet<&'static str>,
    possessives: HashSet<&'static str>,
    asking: HashSet<&'static str>,
}

impl Cues {
    fn new() -> Self {
        let set = |list: &[&'static str]| list.iter().copied().collect();
        Self {
            person: set(PERSON_CUES),
            relatives: set(RELATIVES),
            possessives: set(POSSESSIVES),
            asking: set(ASKING_WORDS),
        }
    }
}

/// The word before byte `pos` and where it starts.
fn previous_word(text: &str, pos: usize) -> Option<(&str, usize)> {
    let before = text.get(..pos)?.trim_end();
    let start = before
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_alphanumeric() || *c == '\''))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let w = before.get(start..)?;
    (!w.is_empty()).then_some((w, start))
}

/// The word after byte `pos`.
fn next_word(text: &str, pos: usize) -> Option<&str> {
    let after = text.get(pos..)?.trim_start();
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    let w = after.get(..end)?;
    (!w.is_empty()).then_some(w)
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
