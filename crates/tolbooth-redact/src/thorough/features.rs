//! Words of a text and the features the tagger reads for each of them.

use crate::category::Category;
use crate::span::Finding;

/// Longest word kept as it is; longer ones are cut (they are rarely words).
const MAX_WORD: usize = 24;

/// Words that say a clause is about someone.
const PERSON: &[&str] = &[
    "i",
    "i'm",
    "im",
    "i've",
    "ive",
    "i'd",
    "me",
    "my",
    "mine",
    "myself",
    "we",
    "we're",
    "our",
    "us",
    "he",
    "he's",
    "hes",
    "she",
    "she's",
    "shes",
    "his",
    "her",
    "him",
    "they",
    "their",
    "mum",
    "mam",
    "mom",
    "dad",
    "son",
    "daughter",
    "husband",
    "wife",
    "partner",
    "boyfriend",
    "girlfriend",
    "gran",
    "granny",
    "grandad",
    "nan",
    "brother",
    "sister",
    "wean",
    "weans",
    "bairn",
    "kid",
    "kids",
    "child",
    "neighbour",
    "fy",
    "mo",
    "ma",
    "mae'n",
    "dwi",
    "tha",
];

/// Words either side of a word read as its context, within its clause.
const CONTEXT: usize = 16;

/// A word of the text: its byte range, its normalised form, and whether
/// it was written with a capital first letter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Word {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) norm: String,
    pub(crate) capital: bool,
    /// The index of the clause it belongs to.
    pub(crate) clause: usize,
    /// The category of a lexicon term the word is part of, if any.
    pub(crate) term: Option<Category>,
    /// Whether it is one of the words that say a clause is about someone.
    pub(crate) person: bool,
}

/// Whether a character ends a clause.
fn ends_clause(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | ';' | '\n' | ',' | ':' | '(' | ')' | '—' | '–'
    )
}

fn normalise(raw: &str) -> String {
    let lower: String = raw
        .chars()
        .map(|c| {
            if c == '\u{2019}' || c == '\u{2018}' {
                '\''
            } else {
                c
            }
        })
        .flat_map(char::to_lowercase)
        .collect();
    let lower = lower.trim_matches('\'');
    if lower.chars().all(|c| c.is_ascii_digit()) {
        return "<n>".to_owned();
    }
    lower.chars().take(MAX_WORD).collect()
}

/// The words of `text`, with the clause each falls in. A clause ends at
/// sentence punctuation, a comma, a colon, a bracket or a line break.
pub(crate) fn words(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut clause = 0;
    let mut start: Option<usize> = None;
    let is_part = |c: char| c.is_alphanumeric() || c == '\'' || c == '\u{2019}';
    let push = |out: &mut Vec<Word>, s: usize, e: usize, clause: usize| {
        let raw = &text[s..e];
        let norm = normalise(raw);
        if norm.is_empty() {
            return;
        }
        let capital = raw.chars().next().is_some_and(char::is_uppercase);
        let person = PERSON.contains(&norm.as_str());
        out.push(Word {
            start: s,
            end: e,
            norm,
            capital,
            clause,
            term: None,
            person,
        });
    };
    for (i, c) in text.char_indices() {
        if is_part(c) {
            if start.is_none() {
                start = Some(i);
            }
            continue;
        }
        if let Some(s) = start.take() {
            push(&mut out, s, i, clause);
        }
        if ends_clause(c) {
            clause += 1;
        }
    }
    if let Some(s) = start {
        push(&mut out, s, text.len(), clause);
    }
    out
}

/// Marks each word that lies in one of `terms` (ordered lexicon hits)
/// with the term's category.
pub(crate) fn mark_terms(words: &mut [Word], terms: &[Finding]) {
    let mut sorted: Vec<&Finding> = terms.iter().collect();
    sorted.sort_by_key(|t| t.start);
    for w in words.iter_mut() {
        let at = sorted.partition_point(|t| t.end <= w.start);
        w.term = sorted
            .get(at)
            .filter(|t| t.start < w.end)
            .map(|t| t.category);
    }
}

/// FNV-1a over a feature's kind and its parts joined by `_`: stable
/// across builds and platforms, so the saved model's strings hash the same
/// everywhere, and built without allocating.
pub(crate) fn hash(kind: &str, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    kind.bytes().for_each(&mut eat);
    eat(b'=');
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            eat(b'_');
        }
        part.bytes().for_each(&mut eat);
    }
    h
}

/// A feature as the model file writes it: `kind=part_part`.
pub(crate) fn written(kind: &str, parts: &[&str]) -> String {
    format!("{kind}={}", parts.join("_"))
}

/// The hash of a feature as the model file writes it.
pub(crate) fn hash_written(feature: &str) -> u64 {
    match feature.split_once('=') {
        Some((kind, value)) => hash(kind, &[value]),
        None => hash(feature, &[]),
    }
}

fn prefix(w: &str, n: usize) -> Option<&str> {
    let end = w.char_indices().nth(n).map(|(i, _)| i)?;
    Some(&w[..end])
}

fn suffix(w: &str, n: usize) -> Option<&str> {
    let count = w.chars().count();
    if count <= n {
        return None;
    }
    let start = w.char_indices().nth(count - n).map(|(i, _)| i)?;
    Some(&w[start..])
}

/// The words near word `i` read as its context: those of its clause
/// (`clause`, indices into `words`) within [`CONTEXT`] of it.
pub(crate) fn window(i: usize, clause: &std::ops::Range<usize>) -> std::ops::Range<usize> {
    clause.start.max(i.saturating_sub(CONTEXT))..clause.end.min(i + CONTEXT + 1)
}

/// Calls `f(kind, parts)` for every feature of word `i`: its own (see
/// [`own_features`]), then each word of its window as a bag (`c`, and
/// `clex` for a lexicon term). `clause` is its clause's words.
pub(crate) fn each_feature(
    words: &[Word],
    i: usize,
    clause: &std::ops::Range<usize>,
    f: &mut impl FnMut(&str, &[&str]),
) {
    let near = window(i, clause);
    own_features(words, i, near.clone(), f);
    for (j, word) in words.iter().enumerate().take(near.end).skip(near.start) {
        if j != i {
            f("c", &[&word.norm]);
            if let Some(c) = word.term {
                f("clex", &[c.name()]);
            }
        }
    }
}

/// The features of word `i` that are its own: the word, its affixes, its
/// neighbours and pairs with them, a capital inside a clause, its lexicon
/// category, and the word again when its window (`near`) speaks of a
/// person.
pub(crate) fn own_features(
    words: &[Word],
    i: usize,
    near: std::ops::Range<usize>,
    f: &mut impl FnMut(&str, &[&str]),
) {
    let at = |j: isize| -> &str {
        usize::try_from(j)
            .ok()
            .and_then(|j| words.get(j))
            .filter(|w| w.clause == words[i].clause)
            .map_or("<b>", |w| w.norm.as_str())
    };
    let Ok(ii) = isize::try_from(i) else { return };
    let w = words[i].norm.as_str();
    f("w", &[w]);
    if let Some(p) = prefix(w, 4) {
        f("p4", &[p]);
    }
    if let Some(s) = suffix(w, 4) {
        f("s4", &[s]);
    }
    if let Some(s) = suffix(w, 3) {
        f("s3", &[s]);
    }
    let (l1, l2, r1, r2) = (at(ii - 1), at(ii - 2), at(ii + 1), at(ii + 2));
    f("l1", &[l1]);
    f("l2", &[l2]);
    f("r1", &[r1]);
    f("r2", &[r2]);
    f("lw", &[l1, w]);
    f("wr", &[w, r1]);
    f("ll", &[l2, l1]);
    f("rr", &[r1, r2]);
    if words[i].capital && l1 != "<b>" {
        f("cap", &[]);
    }
    if let Some(c) = words[i].term {
        f("lex", &[c.name()]);
        f("lexw", &[c.name(), l1]);
    }
    // The same word means more in "my son has ..." than in "is there
    // help for ...".
    if words
        .get(near)
        .is_some_and(|ws| ws.iter().any(|w| w.person))
    {
        f("pw", &[w]);
    }
}

/// The words of each clause, as ranges of indices into `words`.
pub(crate) fn clauses(words: &[Word]) -> Vec<std::ops::Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    for i in 1..=words.len() {
        if i == words.len() || words[i].clause != words[from].clause {
            out.push(from..i);
            from = i;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_normalised_and_split_into_clauses() {
        let w = words("I’m Morag, ring 0131 496 0000. Ta!");
        let norms: Vec<&str> = w.iter().map(|w| w.norm.as_str()).collect();
        assert_eq!(norms, ["i'm", "morag", "ring", "<n>", "<n>", "<n>", "ta"]);
        assert!(w[1].capital && !w[2].capital);
        assert_eq!(w[1].clause, 0);
        assert_eq!(w[2].clause, 1);
        assert_eq!(w[6].clause, 2);
        assert_eq!(&"I’m Morag"[w[0].start..w[0].end], "I’m");
    }

    #[test]
    fn features_hash_the_same_written_or_built() {
        assert_eq!(hash("w", &["cutting"]), hash_written("w=cutting"));
        assert_eq!(
            hash("lw", &["i", "cut"]),
            hash_written(&written("lw", &["i", "cut"]))
        );
        assert_eq!(hash("cap", &[]), hash_written("cap="));
        assert_ne!(hash("w", &["cutting"]), hash("l1", &["cutting"]));
    }

    #[test]
    fn affixes_count_characters_not_bytes() {
        assert_eq!(prefix("crefydd", 4), Some("cref"));
        assert_eq!(suffix("gàidhlig", 4), Some("hlig"));
        assert_eq!(suffix("ŵyr", 3), None);
    }
}
