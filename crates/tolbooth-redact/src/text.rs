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

/// Whether the byte at `i` ends a clause: sentence punctuation, a
/// semicolon, a line break, or a comma before "but". A full stop ends one
/// unless a letter or digit follows (3.5, example.org).
fn ends_clause(bytes: &[u8], i: usize) -> bool {
    match bytes.get(i) {
        Some(b'!' | b'?' | b';' | b'\n') => true,
        Some(b'.') => !bytes.get(i + 1).is_some_and(u8::is_ascii_alphanumeric),
        Some(b',') => bytes
            .get(i + 1..i + 5)
            .is_some_and(|w| w.eq_ignore_ascii_case(b" but")),
        _ => false,
    }
}

/// The byte range of the clause holding byte `pos`: from just after the
/// previous clause's end to just after its own end (or the text's ends).
/// Costs the clause's length; callers that ask about many positions in one
/// clause keep the answer.
pub(crate) fn clause_around(text: &str, pos: usize) -> (usize, usize) {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    let start = (0..pos)
        .rev()
        .find(|&i| ends_clause(bytes, i))
        .map_or(0, |i| i + 1);
    let end = (pos..bytes.len())
        .find(|&i| ends_clause(bytes, i))
        .map_or(bytes.len(), |i| i + 1);
    (start, end)
}

/// The words of `s`: runs of letters, digits and apostrophes (straight or
/// curly).
pub(crate) fn words(s: &str) -> impl Iterator<Item = &str> + '_ {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
}

/// Whether `word` is `target` (lower case), ignoring ASCII case and
/// reading a curly apostrophe as a straight one. Compares in place, with
/// no allocation.
pub(crate) fn same_word(word: &str, target: &str) -> bool {
    if word.len() == target.len() {
        return word.eq_ignore_ascii_case(target);
    }
    // Only a curly apostrophe (three bytes for one) makes the lengths
    // differ in a match.
    if word.len() != target.len() + 2 || !word.contains('\u{2019}') {
        return false;
    }
    let mut t = target.chars();
    for c in word.chars() {
        let c = if c == '\u{2019}' {
            '\''
        } else {
            c.to_ascii_lowercase()
        };
        if t.next() != Some(c) {
            return false;
        }
    }
    t.next().is_none()
}

/// Whether `word` is one of `list` (see [`same_word`]).
pub(crate) fn is_one_of(word: &str, list: &[&str]) -> bool {
    list.iter().any(|t| same_word(word, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_split_on_sentences_not_on_decimals_or_domains() {
        let t = "I paid 3.50 at example.org. Then I left! ok, but no";
        let (s, e) = clause_around(t, t.find("example").unwrap());
        assert_eq!(&t[s..e], "I paid 3.50 at example.org.");
        let (s, e) = clause_around(t, t.find("left").unwrap());
        assert_eq!(&t[s..e], " Then I left!");
        let (s, e) = clause_around(t, t.find("no").unwrap());
        assert_eq!(&t[s..e], " but no");
        assert_eq!(clause_around("", 0), (0, 0));
    }

    #[test]
    fn words_compare_without_case_or_curly_apostrophes() {
        assert!(same_word("I’m", "i'm"));
        assert!(same_word("MY", "my"));
        assert!(!same_word("myself", "my"));
        assert!(!same_word("m", "my"));
        assert!(is_one_of("Son", &["daughter", "son"]));
        assert_eq!(
            words("it’s my-son, ok").collect::<Vec<_>>(),
            vec!["it’s", "my", "son", "ok"]
        );
    }

    #[test]
    fn boundaries_respect_unicode_letters() {
        let t = "ùnison";
        assert!(!boundary_before(t, t.find('n').unwrap()));
        assert!(boundary_before(t, 0));
        assert!(boundary_after(t, t.len()));
    }
}
