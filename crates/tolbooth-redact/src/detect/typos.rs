//! Misspelt health terms ("diabetis", "pregnat", "anxeity"): a word one
//! typo away from a long single-word term in the health lexicon. Found by
//! symmetric deletion: the term and every spelling with one letter left
//! out are indexed, and a word matches when it, or the word with one letter
//! left out, is in the index. That covers a letter missing, added, changed
//! or two letters swapped.
//!
//! Only health terms of at least [`MIN_LEN`] letters take part, and the
//! first letter must be right: short words ("stroke" and "strike") and
//! words that are also names ("christian", "christina") are too close to
//! ordinary text to guess at.

use crate::text::is_one_of;
use std::collections::HashMap;

/// The shortest term (and word) considered.
pub(crate) const MIN_LEN: usize = 7;

/// The longest word considered.
const MAX_LEN: usize = 16;

/// Words after which a misspelt condition is looked for: "i av diabetis",
/// "suffer from depresion", "8 months pregant". Found by the scan's
/// automaton (see `scan`).
pub(crate) const TRIGGERS: &[&str] = &[
    "have", "has", "had", "hav", "av", "got", "from", "with", "wi", "im", "i'm", "am", "is", "are",
    "was", "been", "being", "months", "weeks",
];

/// Words that may stand between a trigger and the condition: "have a bad".
const FILLERS: &[&str] = &[
    "a", "an", "bad", "severe", "really", "terrible", "awful", "chronic",
];

#[derive(Debug, Default)]
pub(crate) struct Typos {
    /// A term, or a term less one letter, to the indexes of the terms.
    index: HashMap<String, Vec<usize>>,
    terms: Vec<String>,
    /// `plausible[first letter][length]`: whether a word of that first
    /// letter and length can be one typo from a term. Rules out most words
    /// before any string is built.
    plausible: [[bool; MAX_LEN + 2]; 26],
}

impl Typos {
    /// Indexes the single-word, lower-case ASCII `terms` of [`MIN_LEN`]
    /// letters or more; others are ignored.
    pub(crate) fn new<'a>(terms: impl IntoIterator<Item = &'a str>) -> Self {
        let mut t = Self::default();
        for term in terms {
            if term.len() < MIN_LEN || !term.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            let id = t.terms.len();
            t.terms.push(term.to_owned());
            let first = usize::from(term.as_bytes()[0] - b'a');
            for len in term.len() - 1..=term.len() + 1 {
                if let Some(slot) = t.plausible.get_mut(first).and_then(|row| row.get_mut(len)) {
                    *slot = true;
                }
            }
            for variant in std::iter::once(term.to_owned()).chain(deletions(term)) {
                let ids = t.index.entry(variant).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        t
    }

    /// The term `word` (lower-case ASCII) is a misspelling of, if any. A
    /// word that is itself a term is not a misspelling.
    pub(crate) fn correct(&self, word: &str) -> Option<&str> {
        if word.len() < MIN_LEN || !word.bytes().all(|b| b.is_ascii_lowercase()) {
            return None;
        }
        let candidates = std::iter::once(word.to_owned()).chain(deletions(word));
        for variant in candidates {
            let Some(ids) = self.index.get(&variant) else {
                continue;
            };
            for &id in ids {
                let term = self.terms.get(id)?;
                if term == word {
                    return None;
                }
                if term.as_bytes().first() == word.as_bytes().first() {
                    return Some(term);
                }
            }
        }
        None
    }
}

impl Typos {
    /// Byte ranges of the words in `text` that follow a trigger word (and
    /// perhaps a filler) and are one typo from a term. `triggers` are the
    /// ends of whole-word triggers, ascending; strings are built only for
    /// plausible words.
    pub(crate) fn misspellings_after(&self, text: &str, triggers: &[usize]) -> Vec<(usize, usize)> {
        let bytes = text.as_bytes();
        let mut found: Vec<(usize, usize)> = Vec::new();
        for &end in triggers {
            let Some((start, stop)) = next_word(bytes, end) else {
                continue;
            };
            let word = bytes.get(start..stop).unwrap_or_default();
            let filler = std::str::from_utf8(word).is_ok_and(|w| is_one_of(w, FILLERS));
            let (start, stop) = if filler {
                match next_word(bytes, stop) {
                    Some(next) => next,
                    None => continue,
                }
            } else {
                (start, stop)
            };
            let word = bytes.get(start..stop).unwrap_or_default();
            let already = found.last().is_some_and(|&(s, _)| s == start);
            if !already && self.worth_checking(word) {
                let lower = String::from_utf8_lossy(word).to_ascii_lowercase();
                if self.correct(&lower).is_some() {
                    found.push((start, stop));
                }
            }
        }
        found
    }

    fn worth_checking(&self, word: &[u8]) -> bool {
        (MIN_LEN..=MAX_LEN).contains(&word.len())
            && word.iter().all(u8::is_ascii_alphabetic)
            && word.first().is_some_and(|b| {
                let first = usize::from(b.to_ascii_lowercase() - b'a');
                self.plausible
                    .get(first)
                    .and_then(|row| row.get(word.len()))
                    .copied()
                    .unwrap_or(false)
            })
    }
}

/// The word starting after byte `from` (past whitespace only), if one
/// does.
fn next_word(bytes: &[u8], from: usize) -> Option<(usize, usize)> {
    let rest = bytes.get(from..)?;
    let skip = rest.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if skip == 0 {
        return None;
    }
    let start = from + skip;
    let len = bytes
        .get(start..)?
        .iter()
        .take_while(|&&b| in_word(b))
        .count();
    (len > 0).then_some((start, start + len))
}

/// Whether a byte belongs to a word: an ASCII letter or digit, an
/// apostrophe, or a byte of a multi-byte character (so "pregnantë" is one
/// non-ASCII word rather than "pregnant" and a stray letter).
pub(crate) fn in_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\'' || b >= 0x80
}

/// Every spelling of `word` with one letter left out.
fn deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    (0..word.len()).map(move |i| {
        let mut s = String::with_capacity(word.len() - 1);
        s.push_str(&word[..i]);
        s.push_str(&word[i + 1..]);
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_typo_away_is_found() {
        let t = Typos::new(["diabetes", "pregnant", "anxiety", "depression", "asthma"]);
        assert_eq!(t.correct("diabetis"), Some("diabetes"));
        assert_eq!(t.correct("pregnat"), Some("pregnant"));
        assert_eq!(t.correct("pregant"), Some("pregnant"));
        assert_eq!(t.correct("anxeity"), Some("anxiety"));
        assert_eq!(t.correct("depresion"), Some("depression"));
        assert_eq!(t.correct("depressionn"), Some("depression"));
    }

    #[test]
    fn misspellings_are_found_after_a_trigger() {
        let t = Typos::new(["diabetes", "pregnant"]);
        // "diabetis" after "diabetis" is not after a trigger: "alone"
        // follows it and is no condition.
        let text = "i av diabetis and im 8 months pregant, diabetis alone stays";
        let ends: Vec<usize> = ["av", "months", "diabetis"]
            .iter()
            .map(|w| text.find(w).unwrap() + w.len())
            .collect();
        let found: Vec<&str> = t
            .misspellings_after(text, &ends)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(found, vec!["diabetis", "pregant"]);
    }

    #[test]
    fn exact_terms_short_words_and_other_first_letters_are_not() {
        let t = Typos::new(["diabetes", "pregnant", "asthma"]);
        assert_eq!(t.correct("diabetes"), None);
        assert_eq!(t.correct("asthmo"), None, "too short to guess");
        assert_eq!(t.correct("xregnant"), None, "first letter differs");
        assert_eq!(t.correct("planning"), None);
        assert_eq!(t.correct("préganant"), None, "not ASCII");
    }
}
