//! Findings, how overlapping findings are resolved, and applying markers.

use crate::category::Category;
use serde::Serialize;
use std::collections::BTreeMap;

/// One thing found: a byte range of the original text and its category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub start: usize,
    pub end: usize,
    pub category: Category,
}

impl Finding {
    pub fn new(start: usize, end: usize, category: Category) -> Self {
        Self {
            start,
            end,
            category,
        }
    }

    /// The range in Unicode code points (end exclusive), as the CLI and the
    /// JSON output report it.
    pub fn char_range(&self, text: &str) -> (usize, usize) {
        let start = text.get(..self.start).map_or(0, |s| s.chars().count());
        let len = text
            .get(self.start..self.end)
            .map_or(0, |s| s.chars().count());
        (start, start + len)
    }
}

/// The findings' ranges in Unicode code points (end exclusive), in one
/// pass over the text: findings as [`crate::Redactor::find`] returns them,
/// ordered and disjoint. [`Finding::char_range`] counts from the start of
/// the text for each finding, which is quadratic over a long transcript.
pub fn char_ranges(findings: &[Finding], text: &str) -> Vec<(usize, usize)> {
    let mut at_byte = 0;
    let mut at_char = 0;
    let mut count_to = |byte: usize| {
        if byte >= at_byte {
            at_char += text.get(at_byte..byte).map_or(0, |s| s.chars().count());
            at_byte = byte;
            at_char
        } else {
            // Out of order: count from the start.
            text.get(..byte).map_or(0, |s| s.chars().count())
        }
    };
    findings
        .iter()
        .map(|f| {
            let start = count_to(f.start);
            (start, count_to(f.end))
        })
        .collect()
}

/// Sorts findings and settles overlaps: the higher-ranked category keeps
/// its span; a lower-ranked finding that overlaps it is dropped; findings of
/// one category that overlap or touch are merged. O(n log n).
pub(crate) fn resolve(raw: Vec<Finding>) -> Vec<Finding> {
    // 1. Merge each category's own overlapping findings, so that what
    //    remains of one category is disjoint.
    let mut by_category = raw;
    by_category.retain(|f| f.start < f.end);
    by_category.sort_by_key(|f| (f.category, f.start, f.end));
    let mut merged: Vec<Finding> = Vec::with_capacity(by_category.len());
    for f in by_category {
        match merged.last_mut() {
            Some(last) if last.category == f.category && f.start <= last.end => {
                last.end = last.end.max(f.end);
            }
            _ => merged.push(f),
        }
    }
    // 2. Highest rank first, then longest, then earliest; keep a finding
    //    only if it overlaps nothing kept. Kept spans are disjoint, so the
    //    one starting last before `f.end` is the only one that can overlap.
    merged.sort_by(|a, b| {
        b.category
            .rank()
            .cmp(&a.category.rank())
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: BTreeMap<usize, Finding> = BTreeMap::new();
    for f in merged {
        let clash = kept
            .range(..f.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > f.start);
        if !clash {
            kept.insert(f.start, f);
        }
    }
    kept.into_values().collect()
}

/// Joins special category findings of one category that only spaces and
/// commas separate ("GMB" and "rep", "a heart condition" and "she had
/// surgery"): one disclosure, one marker. Expects the ordered, disjoint
/// findings [`resolve`] returns.
pub(crate) fn join_neighbours(text: &str, findings: Vec<Finding>) -> Vec<Finding> {
    let mut out: Vec<Finding> = Vec::with_capacity(findings.len());
    for f in findings {
        if let Some(last) = out.last_mut() {
            let between = text.get(last.end..f.start).unwrap_or("x");
            let only_separators =
                between.len() <= 3 && between.chars().all(|c| c == ' ' || c == ',' || c == ';');
            if last.category == f.category && f.category.is_special() && only_separators {
                last.end = f.end;
                continue;
            }
        }
        out.push(f);
    }
    out
}

/// Redacted text with what was removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Redacted {
    pub text: String,
    pub findings: Vec<Finding>,
}

impl Redacted {
    pub(crate) fn apply(original: &str, findings: Vec<Finding>) -> Self {
        let mut text = String::with_capacity(original.len());
        let mut at = 0;
        for f in &findings {
            text.push_str(original.get(at..f.start).unwrap_or_default());
            text.push_str(f.category.marker());
            at = f.end;
        }
        text.push_str(original.get(at..).unwrap_or_default());
        Self { text, findings }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_rank_wins_and_same_category_merges() {
        let raw = vec![
            Finding::new(0, 10, Category::Phone),
            Finding::new(0, 16, Category::CardNumber),
            Finding::new(20, 25, Category::Health),
            Finding::new(24, 30, Category::Health),
        ];
        assert_eq!(
            resolve(raw),
            vec![
                Finding::new(0, 16, Category::CardNumber),
                Finding::new(20, 30, Category::Health)
            ]
        );
    }

    #[test]
    fn neighbours_of_one_special_category_join() {
        let text = "the GMB rep, my son has asthma and my phone 07700 900123";
        let at = |s: &str| text.find(s).unwrap();
        let found = vec![
            Finding::new(at("GMB"), at(" rep"), Category::TradeUnionMembership),
            Finding::new(at("rep"), at(","), Category::TradeUnionMembership),
            Finding::new(at("asthma"), at(" and"), Category::Health),
            Finding::new(at("07700"), text.len(), Category::Phone),
        ];
        let joined = join_neighbours(text, found);
        assert_eq!(
            joined[0],
            Finding::new(at("GMB"), at(","), Category::TradeUnionMembership)
        );
        assert_eq!(joined.len(), 3);
    }

    #[test]
    fn char_ranges_in_one_pass_match_char_range() {
        let text = "Màiri: 07700 900123, Sìne: 07700 900456 é";
        let findings = vec![
            Finding::new(
                text.find("07700 900123").unwrap(),
                text.find(", S").unwrap(),
                Category::Phone,
            ),
            Finding::new(
                text.find("07700 900456").unwrap(),
                text.find(" é").unwrap(),
                Category::Phone,
            ),
        ];
        let one_pass = char_ranges(&findings, text);
        let each: Vec<_> = findings.iter().map(|f| f.char_range(text)).collect();
        assert_eq!(one_pass, each);
    }

    #[test]
    fn char_range_counts_code_points() {
        let text = "Màiri: 07700 900123";
        let start = text.find('0').unwrap();
        let f = Finding::new(start, text.len(), Category::Phone);
        assert_eq!(f.char_range(text), (7, 19));
    }
}
