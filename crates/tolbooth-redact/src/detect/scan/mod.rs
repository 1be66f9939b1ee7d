//! One look over the text before the detectors run, so that each runs only
//! where it can match.
//!
//! Most detectors need a digit (phones, postcodes, identifiers, house
//! numbers, dates): they search windows around the digits. Others start
//! from a word or a domain (a social network's name, "dot com", "syndrome"):
//! one Aho-Corasick pass finds these triggers and gives each detector its
//! windows. A detector that has a fast literal of its own (`@` for emails
//! and handles, `:` for IPv6) searches the whole text.
//!
//! Windows start just after whitespace and end at whitespace (or the ends
//! of the text), so that a pattern sees the same word boundaries in a
//! window as in the whole text. Each detector's windows are merged and
//! disjoint, so every byte is searched at most once per detector and the
//! whole stays linear in the length of the text.

mod triggers;
mod windows;

pub(crate) use triggers::Trigger;
use triggers::{dob_spellings, TRIGGERS, TRIGGER_KINDS};
use windows::{digits, starts_a_street, Windows};

use super::lexicon;
use super::numbers::{Around, Near, NumberPatterns};
use super::typos;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::{Regex, RegexSet, RegexSetBuilder};
use std::ops::Range;

/// How far before and after a digit the detectors of numbers (phones,
/// postcodes, identifiers) may need to see: "sort code: " or an NI
/// number's letters before, a postcode's letters after.
const NEAR_BEFORE: usize = 16;
const NEAR_AFTER: usize = 16;

/// How far the detector of streets may need to see: "flat 2/1, " or
/// "number" before a house number, the street's name after it.
const AROUND_BEFORE: usize = 24;
const AROUND_AFTER: usize = 96;

/// How far an IPv6 address can reach either side of one of its colons.
const COLON_BEFORE: usize = 48;
const COLON_AFTER: usize = 48;

/// Room for each set's lazily built automaton (per thread): enough that
/// the states chat text needs stay built.
const DFA_CACHE: usize = 16 << 20;

/// One automaton for every literal: the special category lexicon's terms
/// (ids `0..terms`, in the order of [`lexicon::all`]), then the triggers,
/// then the words after which a misspelt condition may follow. Built once;
/// one pass over a text finds them all, overlapping.
#[derive(Debug)]
pub(crate) struct Literals {
    ac: Option<AhoCorasick>,
    terms: usize,
    triggers: usize,
}

impl Literals {
    pub(crate) fn new() -> Self {
        let terms: Vec<String> = lexicon::all().into_iter().map(|(t, _)| t).collect();
        let count = terms.len();
        let dob = dob_spellings();
        // Words before a possible misspelling, found only as whole words
        // between spaces (or after a line break): as bare substrings, "is"
        // and "am" would match inside half the words of a text.
        let typo_triggers: Vec<String> = typos::TRIGGERS
            .iter()
            .flat_map(|w| [format!(" {w} "), format!("\n{w} ")])
            .collect();
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(
                terms
                    .iter()
                    .map(String::as_str)
                    .chain(TRIGGERS.iter().map(|(t, _)| *t))
                    .chain(dob.iter().map(String::as_str))
                    .chain(typo_triggers.iter().map(String::as_str)),
            )
            .ok();
        Self {
            ac,
            terms: count,
            triggers: count + TRIGGERS.len() + dob.len(),
        }
    }
}

/// A lexicon term found in the text (anywhere, even inside a word: the
/// special category detector checks boundaries).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermMatch {
    pub(crate) start: usize,
    pub(crate) end: usize,
    /// Index into [`lexicon::all`].
    pub(crate) term: usize,
}

/// Where each detector looks in one text.
#[derive(Debug)]
pub(crate) struct Scan<'t, 'g> {
    pub(crate) text: &'t str,
    /// The windows, kept for tests.
    #[cfg(test)]
    near_digits: Vec<Range<usize>>,
    #[cfg(test)]
    around_digits: Vec<Range<usize>>,
    near: GroupHits<'t, 'g>,
    around: GroupHits<'t, 'g>,
    triggered: [Vec<Range<usize>>; TRIGGER_KINDS],
    /// Windows around colons with a hex digit or colon on each side, where
    /// an IPv6 address can be.
    colons: Vec<Range<usize>>,
    /// Sorted by start, then longest first.
    terms: Vec<TermMatch>,
    /// Ends of whole words after which a misspelt condition may follow,
    /// ascending.
    typo_triggers: Vec<usize>,
}

impl<'t, 'g> Scan<'t, 'g> {
    pub(crate) fn of(text: &'t str, literals: &Literals, numbers: &'g NumberPatterns) -> Self {
        let (near_digits, around_digits) = digit_windows(text);
        let found = LiteralHits::of(text, literals);
        Self {
            text,
            near: GroupHits::new(text, &numbers.near, &near_digits),
            around: GroupHits::new(text, &numbers.around, &around_digits),
            #[cfg(test)]
            near_digits,
            #[cfg(test)]
            around_digits,
            triggered: found.triggered,
            colons: colon_windows(text),
            terms: found.terms,
            typo_triggers: found.typo_triggers,
        }
    }

    /// Matches of a pattern searched close to digits (a few words either
    /// side).
    pub(crate) fn near(&self, pattern: Near) -> impl Iterator<Item = Hit<'t>> + '_ {
        self.near.find(pattern.index())
    }

    /// Matches of a pattern searched around digits (a sentence's worth
    /// either side).
    pub(crate) fn around(&self, pattern: Around) -> impl Iterator<Item = Hit<'t>> + '_ {
        self.around.find(pattern.index())
    }

    /// Where words end after which a misspelt condition may follow.
    pub(crate) fn typo_triggers(&self) -> &[usize] {
        &self.typo_triggers
    }

    /// The lexicon's terms found in the text, by start and then longest
    /// first.
    pub(crate) fn terms(&self) -> &[TermMatch] {
        &self.terms
    }

    /// Matches of `re` near a trigger of `kind`.
    pub(crate) fn triggered<'r>(
        &'r self,
        kind: Trigger,
        re: &'r Regex,
    ) -> impl Iterator<Item = Hit<'t>> + 'r {
        let windows = self
            .triggered
            .get(kind.index())
            .map_or(&[][..], Vec::as_slice);
        find_in(re, self.text, windows)
    }

    /// Matches of `re` near colons between hex digits (IPv6 addresses).
    pub(crate) fn near_colons<'r>(&'r self, re: &'r Regex) -> impl Iterator<Item = Hit<'t>> + 'r {
        find_in(re, self.text, &self.colons)
    }

    /// Matches of `re` anywhere (for patterns with a fast literal of their
    /// own).
    pub(crate) fn everywhere<'r>(&'r self, re: &'r Regex) -> impl Iterator<Item = Hit<'t>> + 'r {
        re.find_iter(self.text).map(|m| Hit {
            start: m.start(),
            end: m.end(),
            text: m.as_str(),
        })
    }

    /// How much of the text the wide windows cover (for tests).
    #[cfg(test)]
    fn around_len(&self) -> usize {
        self.around_digits.iter().map(|w| w.end - w.start).sum()
    }
}

/// The windows close to digits (for numbers) and around runs of digits
/// that can be a house number (for streets).
fn digit_windows(text: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let mut near = Windows::new(text);
    let mut around = Windows::new(text);
    let bytes = text.as_bytes();
    let mut run_start = None;
    let mut previous = None;
    for i in digits(bytes) {
        near.add(i.saturating_sub(NEAR_BEFORE), i + 1 + NEAR_AFTER);
        if previous.is_none_or(|p| p + 1 != i) {
            run_start = Some(i);
        }
        previous = Some(i);
        let run_ends = !bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if let (true, Some(start)) = (run_ends, run_start) {
            if starts_a_street(bytes, start, i + 1) {
                around.add(start.saturating_sub(AROUND_BEFORE), i + 1 + AROUND_AFTER);
            }
        }
    }
    (near.done(), around.done())
}

/// What the one pass of [`Literals`] over a text found.
struct LiteralHits {
    /// Sorted by start, then longest first.
    terms: Vec<TermMatch>,
    /// Ends of whole words after which a misspelt condition may follow.
    typo_triggers: Vec<usize>,
    /// Each trigger kind's windows.
    triggered: [Vec<Range<usize>>; TRIGGER_KINDS],
}

impl LiteralHits {
    fn of(text: &str, literals: &Literals) -> Self {
        let mut terms = Vec::new();
        // A trigger word that opens the text has no space before it.
        let mut typo_triggers: Vec<usize> = typos::TRIGGERS
            .iter()
            .filter(|w| {
                text.as_bytes().get(..w.len() + 1).is_some_and(|head| {
                    head.get(..w.len())
                        .is_some_and(|word| word.eq_ignore_ascii_case(w.as_bytes()))
                        && head.last() == Some(&b' ')
                })
            })
            .map(|w| w.len())
            .collect();
        let mut trigger_spans: [Vec<(usize, usize)>; TRIGGER_KINDS] = Default::default();
        if let Some(ac) = &literals.ac {
            for m in ac.find_overlapping_iter(text) {
                let id = m.pattern().as_usize();
                if id < literals.terms {
                    terms.push(TermMatch {
                        start: m.start(),
                        end: m.end(),
                        term: id,
                    });
                    continue;
                }
                if id >= literals.triggers {
                    // The word ends before the space that closes the match.
                    typo_triggers.push(m.end() - 1);
                    continue;
                }
                // Past the named triggers come the spellings of "dob".
                let kinds = TRIGGERS
                    .get(id - literals.terms)
                    .map_or(&[Trigger::BirthCue][..], |t| t.1);
                for &kind in kinds {
                    if let Some(spans) = trigger_spans.get_mut(kind.index()) {
                        spans.push(kind.window(m.start(), m.end()));
                    }
                }
            }
        }
        // Overlapping matches come in order of their ends.
        terms.sort_unstable_by_key(|t| (t.start, std::cmp::Reverse(t.end), t.term));
        let triggered = trigger_spans.map(|mut spans| {
            spans.sort_unstable();
            let mut w = Windows::new(text);
            for (from, to) in spans {
                w.add(from, to);
            }
            w.done()
        });
        Self {
            terms,
            typo_triggers,
            triggered,
        }
    }
}

/// Windows around colons with a hex digit or colon on each side.
fn colon_windows(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut colons = Windows::new(text);
    let hexish = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii_hexdigit() || *b == b':');
    for (i, _) in text.match_indices(':') {
        if hexish(i.checked_sub(1).and_then(|j| bytes.get(j))) && hexish(bytes.get(i + 1)) {
            colons.add(i.saturating_sub(COLON_BEFORE), i + 1 + COLON_AFTER);
        }
    }
    colons.done()
}

/// Patterns searched together. One pass of the set over a window says
/// which of them can match there; only those are then searched for their
/// positions. Detectors name their patterns by index.
#[derive(Debug)]
pub(crate) struct Group {
    set: Option<RegexSet>,
    regexes: Vec<Regex>,
}

impl Group {
    pub(crate) fn new<S: AsRef<str>>(patterns: &[S]) -> Self {
        Self {
            set: RegexSetBuilder::new(patterns)
                .dfa_size_limit(DFA_CACHE)
                .build()
                .ok(),
            regexes: patterns.iter().map(|p| super::regex(p.as_ref())).collect(),
        }
    }
}

/// For each pattern of a [`Group`], the windows where it can match.
#[derive(Debug)]
pub(crate) struct GroupHits<'t, 'g> {
    text: &'t str,
    group: &'g Group,
    windows: Vec<Vec<Range<usize>>>,
}

impl<'t, 'g> GroupHits<'t, 'g> {
    fn new(text: &'t str, group: &'g Group, windows: &[Range<usize>]) -> Self {
        let mut per_pattern = vec![Vec::new(); group.regexes.len()];
        for w in windows {
            let hay = text.get(w.clone()).unwrap_or_default();
            match &group.set {
                Some(set) => {
                    for i in set.matches(hay).iter() {
                        if let Some(list) = per_pattern.get_mut(i) {
                            list.push(w.clone());
                        }
                    }
                }
                // The set did not build (it is built from the same
                // patterns as the regexes, so this does not happen):
                // search every window.
                None => per_pattern.iter_mut().for_each(|l| l.push(w.clone())),
            }
        }
        Self {
            text,
            group,
            windows: per_pattern,
        }
    }

    /// Matches of pattern `i`.
    pub(crate) fn find<'r>(&'r self, i: usize) -> impl Iterator<Item = Hit<'t>> + 'r
    where
        'g: 'r,
    {
        let windows = self.windows.get(i).map_or(&[][..], Vec::as_slice);
        self.group
            .regexes
            .get(i)
            .into_iter()
            .flat_map(move |re| find_in(re, self.text, windows))
    }
}

/// A match, with offsets into the whole text.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit<'t> {
    start: usize,
    end: usize,
    text: &'t str,
}

impl<'t> Hit<'t> {
    pub(crate) fn start(&self) -> usize {
        self.start
    }
    pub(crate) fn end(&self) -> usize {
        self.end
    }
    pub(crate) fn as_str(&self) -> &'t str {
        self.text
    }
}

fn find_in<'t, 'r>(
    re: &'r Regex,
    text: &'t str,
    windows: &'r [Range<usize>],
) -> impl Iterator<Item = Hit<'t>> + 'r
where
    't: 'r,
{
    windows.iter().flat_map(move |w| {
        let base = w.start;
        let hay = text.get(w.clone()).unwrap_or_default();
        re.find_iter(hay).map(move |m| Hit {
            start: base + m.start(),
            end: base + m.end(),
            text: m.as_str(),
        })
    })
}

/// What every detector's tests scan with, built once.
#[cfg(test)]
pub(crate) fn scan_for_tests(text: &str) -> Scan<'_, 'static> {
    use std::sync::OnceLock;
    static PATTERNS: OnceLock<(Literals, NumberPatterns)> = OnceLock::new();
    let (literals, numbers) = PATTERNS.get_or_init(|| (Literals::new(), NumberPatterns::new()));
    Scan::of(text, literals, numbers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_surround_digits_and_align_to_whitespace() {
        let prose = "nothing to see here ".repeat(30);
        let text = format!(
            "{prose}call 07700 900123, or if you would rather, come to 12 Rose Street now {prose}"
        );
        let scan = scan_for_tests(&text);
        let phone = text.find("07700").unwrap();
        assert!(scan
            .near_digits
            .iter()
            .any(|w| w.start <= phone && w.end >= phone + 12));
        // Only the house number opens a street window; the phone does not.
        assert_eq!(scan.around_digits.len(), 1);
        let w = scan.around_digits[0].clone();
        assert!(w.start <= text.find("12 Rose").unwrap());
        assert!(w.end >= text.find("now").unwrap());
        assert!(
            w.start > phone,
            "opened by the house number, not the phone: {w:?}"
        );
        for w in scan.near_digits.iter().chain(&scan.around_digits) {
            assert!(w.start == 0 || text.as_bytes()[w.start - 1] == b' ');
            assert!(w.end == text.len() || text.as_bytes()[w.end] == b' ');
        }
        assert!(scan.around_len() < text.len() / 2);
    }

    #[test]
    fn no_digits_no_numeric_windows_and_triggers_found() {
        let text = "my insta is jo_b and I have Crohn's disease";
        let scan = scan_for_tests(text);
        assert!(scan.near_digits.is_empty() && scan.around_digits.is_empty());
        assert_eq!(scan.triggered[Trigger::HandleCue.index()].len(), 1);
        assert_eq!(scan.triggered[Trigger::Condition.index()].len(), 1);
    }

    #[test]
    fn house_numbers_start_streets() {
        let starts = |t: &str| {
            let end = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            starts_a_street(t.as_bytes(), 0, end)
        };
        for yes in [
            "12 Rose Street",
            "114a High St",
            "45, byres rd",
            "7 heol y nant",
        ] {
            assert!(starts(yes), "{yes}");
        }
        for no in [
            "07700 900123",
            "12345 Main",
            "2025-01-02",
            "9am",
            "12/3",
            "12",
        ] {
            assert!(!starts(no), "{no}");
        }
    }

    #[test]
    fn digits_are_found_in_every_position() {
        let text = "a1bc 23 ß9 x 0 end4567 89";
        let expected: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_digit())
            .map(|(i, _)| i)
            .collect();
        assert_eq!(digits(text.as_bytes()).collect::<Vec<_>>(), expected);
        let all: String = (0..1000)
            .map(|i| char::from(b'0' + (i % 10) as u8))
            .collect();
        assert_eq!(digits(all.as_bytes()).count(), 1000);
        assert_eq!(digits("no digits here at all!".as_bytes()).count(), 0);
    }

    #[test]
    fn windows_in_a_text_without_whitespace_stay_within_it() {
        let text = "7".repeat(1000);
        let scan = scan_for_tests(&text);
        assert_eq!(scan.near_digits, vec![0..1000]);
        assert!(
            scan.around_digits.is_empty(),
            "a run of 1000 digits starts no street"
        );
    }
}
