//! Service areas (BOT-4): which part of the organisation a page belongs to,
//! from a configured mapping of URL path prefixes or else from the first
//! segment of its path.

use std::collections::BTreeMap;

/// The area of pages the mapping and the path cannot place.
pub const GENERAL: &str = "General";

#[derive(Debug, Clone, Default)]
pub struct ServiceAreas {
    /// (path prefix, area), longest prefix first.
    prefixes: Vec<(String, String)>,
}

impl ServiceAreas {
    /// From `[chatbot.service_areas]`: `"/waste" = "Bins and recycling"`.
    pub fn new(mapping: &BTreeMap<String, String>) -> Self {
        let mut prefixes: Vec<(String, String)> = mapping
            .iter()
            .map(|(prefix, area)| {
                let prefix = format!("/{}", prefix.trim_matches('/'));
                (prefix, area.trim().to_owned())
            })
            .collect();
        prefixes.sort_by_key(|(prefix, _)| std::cmp::Reverse(prefix.len()));
        Self { prefixes }
    }

    pub fn for_path(&self, path: &str) -> String {
        for (prefix, area) in &self.prefixes {
            let rest = path.strip_prefix(prefix.as_str());
            if rest.is_some_and(|r| r.is_empty() || r.starts_with('/')) || prefix == "/" {
                return area.clone();
            }
        }
        path.split('/')
            .find(|segment| !segment.is_empty())
            .map(prettify)
            .unwrap_or_else(|| GENERAL.to_owned())
    }
}

/// "bins-and-recycling" → "Bins and recycling".
pub fn prettify(segment: &str) -> String {
    let words = segment
        .trim_end_matches(".html")
        .replace(['-', '_'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => GENERAL.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_first_then_the_path() {
        let areas = ServiceAreas::new(&BTreeMap::from([
            ("/waste".to_owned(), "Bins and recycling".to_owned()),
            ("waste/garden/".to_owned(), "Garden waste".to_owned()),
        ]));
        assert_eq!(areas.for_path("/waste/missed"), "Bins and recycling");
        assert_eq!(areas.for_path("/waste/garden/permit"), "Garden waste");
        assert_eq!(areas.for_path("/wastewater"), "Wastewater");
        assert_eq!(areas.for_path("/council-tax/discounts"), "Council tax");
        assert_eq!(areas.for_path("/"), GENERAL);
    }
}
