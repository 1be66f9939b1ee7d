//! Findings, how overlapping findings are resolved, and applying markers.

use crate::category::Category;
use serde::Serialize;

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

/// Sorts findings and settles overlaps: the higher-ranked category keeps
/// its span; a lower-ranked finding that overlaps it is dropped, except that
/// findings of one category that touch are merged.
pub(crate) fn resolve(mut raw: Vec<Finding>) -> Vec<Finding> {
    raw.retain(|f| f.start < f.end);
    // Highest rank first, then longest, then earliest.
    raw.sort_by(|a, b| {
        b.category
            .rank()
            .cmp(&a.category.rank())
            .then((b.end - b.start).cmp(&(a.end - a.start)))
            .then(a.start.cmp(&b.start))
    });
    let mut kept: Vec<Finding> = Vec::with_capacity(raw.len());
    for f in raw {
        let clash = kept
            .iter()
            .any(|k| f.start < k.end && k.start < f.end && k.category != f.category);
        if !clash {
            kept.push(f);
        }
    }
    kept.sort_by_key(|f| (f.start, f.end));
    let mut out: Vec<Finding> = Vec::with_capacity(kept.len());
    for f in kept {
        match out.last_mut() {
            Some(last) if last.category == f.category && f.start <= last.end => {
                last.end = last.end.max(f.end);
            }
            _ => out.push(f),
        }
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
    fn char_range_counts_code_points() {
        let text = "Màiri: 07700 900123";
        let start = text.find('0').unwrap();
        let f = Finding::new(start, text.len(), Category::Phone);
        assert_eq!(f.char_range(text), (7, 19));
    }
}
