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

use std::collections::HashMap;

/// The shortest term (and word) considered.
pub(crate) const MIN_LEN: usize = 7;

#[derive(Debug, Default)]
pub(crate) struct Typos {
    /// A term, or a term less one letter, to the indexes of the terms.
    index: HashMap<String, Vec<usize>>,
    terms: Vec<String>,
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
    fn exact_terms_short_words_and_other_first_letters_are_not() {
        let t = Typos::new(["diabetes", "pregnant", "asthma"]);
        assert_eq!(t.correct("diabetes"), None);
        assert_eq!(t.correct("asthmo"), None, "too short to guess");
        assert_eq!(t.correct("xregnant"), None, "first letter differs");
        assert_eq!(t.correct("planning"), None);
        assert_eq!(t.correct("préganant"), None, "not ASCII");
    }
}
