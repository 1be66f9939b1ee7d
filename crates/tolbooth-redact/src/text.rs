//! Small text helpers shared by the detectors: word boundaries and clauses.

/// Whether a word character (letter, digit or underscore, in any script).
pub(crate) fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// No word character immediately before byte `i`.
pub(crate) fn boundary_before(text: &str, i: usize) -> bool {
    text.get(..i)
        .and_then(|s| s.chars().next_back())
        .is_none_or(|c| !is_word_char(c))
}

/// No word character immediately at byte `i`.
pub(crate) fn boundary_after(text: &str, i: usize) -> bool {
    text.get(i..)
        .and_then(|s| s.chars().next())
        .is_none_or(|c| !is_word_char(c))
}

/// The largest character boundary at or before byte `i` (clamped to the
/// text's length).
pub(crate) fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// The clauses of a text: spans between sentence punctuation, semicolons,
/// line breaks and the conjunction "but". Found once per text, so that
/// asking for the clause around many matches stays linear.
#[derive(Debug)]
pub(crate) struct Clauses {
    /// Start offsets of each clause, ascending; the first is 0.
    starts: Vec<usize>,
    len: usize,
}

impl Clauses {
    pub(crate) fn of(text: &str) -> Self {
        let mut starts = vec![0];
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let ends_clause = match b {
                b'!' | b'?' | b';' | b'\n' => true,
                // A full stop ends a clause unless it sits between digits
                // (3.5) or letters (e.g. example.org).
                b'.' => {
                    let next = bytes.get(i + 1).copied().unwrap_or(b' ');
                    !next.is_ascii_alphanumeric()
                }
                b',' => bytes
                    .get(i + 1..i + 5)
                    .is_some_and(|w| w.eq_ignore_ascii_case(b" but")),
                _ => false,
            };
            if ends_clause {
                starts.push(i + 1);
            }
            i += 1;
        }
        Self {
            starts,
            len: text.len(),
        }
    }

    /// The index and byte range of the clause holding byte `pos`.
    pub(crate) fn around(&self, pos: usize) -> (usize, usize, usize) {
        let idx = match self.starts.binary_search(&pos) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.starts.get(idx).copied().unwrap_or(0);
        let end = self.starts.get(idx + 1).copied().unwrap_or(self.len);
        (idx, start, end)
    }

    pub(crate) fn count(&self) -> usize {
        self.starts.len()
    }
}

/// Lower-case ASCII words of `s` (apostrophes kept, curly ones folded).
pub(crate) fn words(s: &str) -> impl Iterator<Item = String> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
        .map(|w| w.replace('\u{2019}', "'").to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_on_sentences_not_on_decimals_or_domains() {
        let t = "I paid 3.50 at example.org. Then I left! ok";
        let c = Clauses::of(t);
        assert_eq!(c.count(), 3);
        let (_, s, e) = c.around(t.find("example").unwrap());
        assert_eq!(&t[s..e], "I paid 3.50 at example.org.");
    }

    #[test]
    fn boundaries_respect_unicode_letters() {
        let t = "ùnison";
        assert!(!boundary_before(t, t.find('n').unwrap()));
        assert!(boundary_before(t, 0));
        assert!(boundary_after(t, t.len()));
    }
}
