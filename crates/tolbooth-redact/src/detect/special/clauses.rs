//! Whether a clause is about a person, and the words around a term.

use super::words::*;
use crate::category::Category;
use crate::text::{clause_around, is_one_of, same_word, words};
use std::collections::{HashMap, HashSet};

/// Whether clauses are about a person, found when first asked. Each pass
/// over the text asks in ascending order, so the clause asked about last
/// is kept; answers are kept by clause start.
pub(super) struct PersonClauses<'c> {
    cues: &'c Cues,
    last: Option<(usize, usize)>,
    about_a_person: HashMap<usize, bool>,
}

impl<'c> PersonClauses<'c> {
    pub(super) fn new(cues: &'c Cues) -> Self {
        Self {
            cues,
            last: None,
            about_a_person: HashMap::new(),
        }
    }

    /// Whether a term at byte `start` is disclosed: its clause is about a
    /// person, or the term follows "as a" ("as a practising Muslim").
    pub(super) fn disclose(&mut self, text: &str, start: usize) -> bool {
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
pub(super) fn follows_as_a(text: &str, clause_start: usize, pos: usize) -> bool {
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
pub(super) fn said_of_someone(text: &str, previous: Option<(&str, usize)>) -> bool {
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
pub(super) fn names_a_place_or_service(
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
pub(super) fn clause_is_about_a_person(clause: &str, cues: &Cues) -> bool {
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
pub(super) fn fold_into(w: &str, into: &mut String) {
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
pub(super) struct Cues {
    person: HashSet<&'static str>,
    relatives: HashSet<&'static str>,
    possessives: HashSet<&'static str>,
    asking: HashSet<&'static str>,
}

impl Cues {
    pub(super) fn new() -> Self {
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
pub(super) fn previous_word(text: &str, pos: usize) -> Option<(&str, usize)> {
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
pub(super) fn next_word(text: &str, pos: usize) -> Option<&str> {
    let after = text.get(pos..)?.trim_start();
    let end = after
        .char_indices()
        .find(|(_, c)| !c.is_alphanumeric())
        .map_or(after.len(), |(i, _)| i);
    let w = after.get(..end)?;
    (!w.is_empty()).then_some(w)
}
