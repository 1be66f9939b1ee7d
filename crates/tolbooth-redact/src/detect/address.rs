//! Postal addresses: a house number (or flat) and a street, extended over
//! the town and postcode that follow. A street named without a house number
//! ("the potholes on Leith Walk") is not an address and stays.

use super::numbers::{Around, Near};
use super::regex;
use super::scan::Scan;
use crate::category::Category;
use crate::span::Finding;
use crate::text::floor_boundary;
use regex::Regex;

#[derive(Debug)]
pub(crate) struct Address {
    tail: Regex,
}

/// Letters of street and town names: ASCII and the Latin letters with
/// accents that Welsh, Gaelic, Irish and other European names use. Narrower
/// than every Unicode letter, which keeps the patterns' automata small.
pub(crate) const LETTER: &str = r"a-zA-Z\x{C0}-\x{24F}\x{1E00}-\x{1EFF}";

/// Street-type words. Those that are also everyday words need a name
/// between the number and themselves (see [`EVERYDAY`]).
pub(crate) const STREET_TYPES: &str = "street|st|road|rd|avenue|ave|lane|ln|drive|dr|close|crescent|cres|court|ct|place|pl|terrace|terr|way|gardens|gdns|grove|park|square|sq|wynd|brae|view|row|walk|hill|mews|vennel|loan|gate|parade|rise|green|heights|quay|wharf|boulevard|circus|cottages|grange|path|end|hall|yard|steading|croft|stryd|heol|ffordd|lôn";

const EVERYDAY: &[&str] = &[
    "way", "park", "view", "row", "walk", "hill", "gate", "rise", "green", "end", "path", "close",
    "court", "place", "hall", "yard", "grove", "dr", "st", "pl", "ct",
];

/// Words that cannot stand between a house number and a street name: they
/// show the number counts something else ("2 hours on the road").
const NOT_IN_A_STREET_NAME: &[&str] = &[
    "on", "in", "at", "to", "for", "of", "a", "an", "and", "or", "my", "your", "our", "their",
    "his", "her", "is", "was", "are", "were", "hours", "hour", "hrs", "minutes", "mins", "days",
    "day", "weeks", "week", "months", "years", "times", "pounds", "people", "cars", "bins", "bags",
    "from", "by", "with", "down", "up", "near", "off", "along", "across", "past", "round",
    "around", "into", "onto", "over", "than", "more", "less", "other", "miles", "metres", "meters",
    "yards", "feet", "kids", "children", "houses", "flats", "doors", "it", "this", "that", "these",
    "those", "every", "each", "am", "pm",
];

impl Address {
    pub(crate) fn new() -> Self {
        Self {
            // What may follow a street: ", Town" and/or a postcode.
            tail: regex(
                r"(?i)^(?:,?\s*(?:[a-zA-Z\x{C0}-\x{24F}\x{1E00}-\x{1EFF}][a-zA-Z\x{C0}-\x{24F}\x{1E00}-\x{1EFF}'\-]*)(?:\s+[a-zA-Z\x{C0}-\x{24F}\x{1E00}-\x{1EFF}][a-zA-Z\x{C0}-\x{24F}\x{1E00}-\x{1EFF}'\-]*){0,2}){0,2},?\s*(?:[a-pr-uwyz][a-hk-y]?\d[a-z\d]?\s{0,2}\d[abd-hjlnp-uw-z]{2})(?-u:\b)",
            ),
        }
    }

    pub(crate) fn find(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.around(Around::StreetTypeFirst) {
            let end = self.extend(text, m.end());
            out.push(Finding::new(m.start(), end, Category::PostalAddress));
        }
        for m in scan.around(Around::Street) {
            let (name_words, kind_lower) = street_parts(m.as_str());
            if name_words
                .iter()
                .any(|w| NOT_IN_A_STREET_NAME.contains(&w.as_str()))
            {
                continue;
            }
            if name_words.is_empty() && EVERYDAY.contains(&kind_lower.as_str()) {
                continue;
            }
            let end = self.extend(text, m.end());
            out.push(Finding::new(m.start(), end, Category::PostalAddress));
        }
        named_houses(scan, out);
    }

    /// Extends an address ending at `end` over a following town (or a
    /// district and a town) and postcode, or a comma and a capitalised
    /// town.
    fn extend(&self, text: &str, end: usize) -> usize {
        let window_end = floor_boundary(text, (end + 80).min(text.len()));
        let Some(rest) = text.get(end..window_end) else {
            return end;
        };
        if let Some(t) = self.tail.find(rest) {
            end + t.end()
        } else if let Some(town) = capitalised_town(rest) {
            end + town
        } else {
            end
        }
    }
}

/// Addresses without a house number: a house name before a street or
/// town and a postcode ("Rose Cottage, Mill Lane, Bampton OX18 2HF",
/// "Tŷ Gwyn, Lôn Las, Dolgellau LL40 1RR"). Looks back from each
/// postcode over comma-separated capitalised parts. A street with a
/// postcode but no house ("Princes Street, Edinburgh EH2 2PR") is not
/// taken: the postcode alone goes.
fn named_houses(scan: &Scan, out: &mut Vec<Finding>) {
    let text = scan.text;
    for pc in scan.near(Near::HousePostcode) {
        let from = ceil_boundary(text, pc.start().saturating_sub(LOOK_BACK));
        let Some(before) = text.get(from..pc.start()) else {
            continue;
        };
        if let Some(start) = house_before(before) {
            out.push(Finding::new(
                from + start,
                pc.end(),
                Category::PostalAddress,
            ));
        }
    }
}

/// The words of a matched street's name and its type, lower case: the
/// words after the house number (the last word with a digit) and before
/// the type, which is the last word unless a direction follows it
/// ("Craigmount Avenue North").
fn street_parts(matched: &str) -> (Vec<String>, String) {
    let clean = |w: &str| {
        w.trim_matches(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '-'))
            .to_lowercase()
    };
    let mut words: Vec<&str> = matched.split_whitespace().collect();
    let is_direction =
        |w: &str| ["north", "south", "east", "west", "upper", "lower"].contains(&clean(w).as_str());
    if words.len() >= 3 && words.last().is_some_and(|w| is_direction(w)) {
        words.pop();
    }
    let kind = words.pop().map(clean).unwrap_or_default();
    let after_number = words
        .iter()
        .rposition(|w| w.bytes().any(|b| b.is_ascii_digit()))
        .map_or(0, |i| i + 1);
    let name = words
        .get(after_number..)
        .unwrap_or_default()
        .iter()
        .map(|w| w.trim_end_matches('.').to_lowercase())
        .collect();
    (name, kind)
}

/// How far before a postcode a house name may start.
const LOOK_BACK: usize = 100;

/// Words that end a house's name: "Rose Cottage", "Glebe House".
const HOUSE_WORDS: &[&str] = &[
    "cottage",
    "cottages",
    "house",
    "farm",
    "farmhouse",
    "lodge",
    "villa",
    "barn",
    "manse",
    "croft",
    "bungalow",
    "steading",
    "schoolhouse",
    "mill",
    "hall",
    "grange",
    "manor",
];

/// Words that begin a house's name in Welsh and Gaelic: "Tŷ Gwyn",
/// "Bwthyn Rhos", "Taigh na Mara".
const HOUSE_FIRST: &[&str] = &["tŷ", "ty", "bwthyn", "fferm", "plas", "taigh", "tigh"];

/// Small words inside a place's name: "Heol y Nant", "Taigh na Mara",
/// "Stratford upon Avon".
const NAME_JOINERS: &[&str] = &[
    "y", "yr", "na", "nan", "an", "a'", "am", "le", "la", "de", "of", "the", "upon", "on", "o",
];

fn ceil_boundary(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// Where a house-named address starts in `before` (the text up to a
/// postcode), if the parts before the postcode are a house name and a
/// street or town. Parts are separated by commas; the last one (the town)
/// may run into the postcode without one.
fn house_before(before: &str) -> Option<usize> {
    let mut parts: Vec<(usize, &str)> = Vec::new();
    let mut end = before.trim_end().trim_end_matches(',').len();
    loop {
        let segment_start = before.get(..end)?.rfind(',').map_or(0, |i| i + 1);
        let segment = before.get(segment_start..end)?;
        let words = place_words(segment);
        if words.is_empty() || parts.len() == 4 {
            break;
        }
        let whole = words
            .first()
            .is_some_and(|(i, _)| segment.get(..*i).is_some_and(|s| s.trim().is_empty()));
        parts.push((
            segment_start + words.first().map_or(0, |(i, _)| *i),
            segment,
        ));
        if !whole || segment_start == 0 {
            break;
        }
        end = segment_start - 1;
    }
    // parts[0] is the town (or street) next to the postcode; a house name
    // must stand before it: a part that names a house or a flat, or any
    // part just before a street ("Bryn Awel, Ffordd Glan Môr, Pwllheli").
    parts
        .iter()
        .enumerate()
        .skip(1)
        .rev()
        .find(|(k, (_, seg))| {
            // A numbered street next to it is the street patterns' find.
            let next_unnumbered = parts[k - 1].1.bytes().all(|b| !b.is_ascii_digit());
            is_house_name(seg)
                || (next_unnumbered && (is_flat(seg) || (*k >= 2 && is_street(parts[k - 1].1))))
        })
        .map(|(_, (at, _))| *at)
}

/// Words that begin a street's name in Welsh and Gaelic.
const STREET_FIRST: &[&str] = &[
    "heol", "ffordd", "stryd", "lôn", "lon", "cae", "maes", "rhodfa", "clos", "sràid", "sraid",
    "rathad",
];

/// Whether a part is a street: it begins with a Welsh or Gaelic street
/// word or ends with a street type.
fn is_street(segment: &str) -> bool {
    let words = place_words(segment);
    let lower = |w: &str| w.trim_end_matches('.').to_lowercase();
    let first = words.first().map(|(_, w)| lower(w)).unwrap_or_default();
    let last = words.last().map(|(_, w)| lower(w)).unwrap_or_default();
    words.len() >= 2
        && (STREET_FIRST.contains(&first.as_str()) || STREET_TYPES.split('|').any(|t| t == last))
}

/// Whether a part is a flat: "Flat 12", "Fflat 3B".
fn is_flat(segment: &str) -> bool {
    let words = place_words(segment);
    matches!(words.as_slice(), [(_, first), (_, number)]
        if ["flat", "fflat", "apartment"].contains(&first.to_lowercase().as_str())
            && number.bytes().any(|b| b.is_ascii_digit()))
}

/// The trailing run of a segment's words that may belong to a place name
/// (capitalised words, numbers, and small joining words between them), as
/// (byte offset in the segment, word).
fn place_words(segment: &str) -> Vec<(usize, &str)> {
    let mut words: Vec<(usize, &str)> = Vec::new();
    let mut pos = segment.len();
    for w in segment.split_whitespace().rev() {
        let Some(at) = segment.get(..pos).and_then(|s| s.rfind(w)) else {
            break;
        };
        pos = at;
        let capital = w
            .chars()
            .next()
            .is_some_and(|c| c.is_uppercase() || c.is_ascii_digit());
        let joiner = NAME_JOINERS.contains(&w.to_lowercase().as_str());
        if capital || (joiner && !words.is_empty()) {
            words.push((at, w));
        } else {
            break;
        }
    }
    while words
        .last()
        .is_some_and(|(_, w)| NAME_JOINERS.contains(&w.to_lowercase().as_str()))
    {
        words.pop();
    }
    words.reverse();
    words
}

/// Whether a part names a house: it ends with "Cottage", "House", ... or
/// begins with "Tŷ", "Taigh", ...
fn is_house_name(segment: &str) -> bool {
    let words: Vec<String> = place_words(segment)
        .iter()
        .map(|(_, w)| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase()
        })
        .collect();
    words
        .last()
        .is_some_and(|w| HOUSE_WORDS.contains(&w.as_str()))
        || words
            .first()
            .is_some_and(|w| HOUSE_FIRST.contains(&w.as_str()))
}

/// ", Edinburgh" after a street: the length to include, if the next thing
/// is a comma and one capitalised word.
fn capitalised_town(rest: &str) -> Option<usize> {
    let after_comma = rest.strip_prefix(',')?;
    let trimmed = after_comma.trim_start();
    let lead = rest.len() - trimmed.len();
    let word_len = trimmed
        .char_indices()
        .find(|(_, c)| !(c.is_alphabetic() || *c == '-' || *c == '\''))
        .map_or(trimmed.len(), |(i, _)| i);
    let first = trimmed.chars().next()?;
    (first.is_uppercase() && word_len >= 3).then_some(lead + word_len)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::scan::scan_for_tests;

    fn found(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        Address::new().find(&scan_for_tests(text), &mut out);
        out.iter()
            .map(|f| text[f.start..f.end].to_owned())
            .collect()
    }

    #[test]
    fn house_number_and_street_with_town_and_postcode() {
        assert_eq!(
            found("I live at 12 Rose Street, Edinburgh EH2 2PR since"),
            vec!["12 Rose Street, Edinburgh EH2 2PR"]
        );
        assert_eq!(
            found("its flat 2/1, 45 byres rd g11 5rg"),
            vec!["flat 2/1, 45 byres rd g11 5rg"]
        );
        assert_eq!(
            found("send it to 3 The Crescent, Falkirk please"),
            vec!["3 The Crescent, Falkirk"]
        );
        assert_eq!(
            found("we're at 3 Glebe Close, Little Haddon, Norwich NR14 8QT now"),
            vec!["3 Glebe Close, Little Haddon, Norwich NR14 8QT"]
        );
    }

    #[test]
    fn a_house_or_flat_before_a_street_and_town() {
        let all = |text: &str| {
            let mut out = Vec::new();
            Address::new().find(&crate::detect::scan::scan_for_tests(text), &mut out);
            out.iter()
                .map(|f| text[f.start..f.end].to_owned())
                .collect::<Vec<_>>()
        };
        assert!(all("Bryn Awel, Ffordd Glan Môr, Pwllheli LL53 5RE")
            .contains(&"Bryn Awel, Ffordd Glan Môr, Pwllheli LL53 5RE".to_owned()));
        assert!(all("its Flat 12, Tŷ Glas, Ffordd Penrhos, Bangor LL57 2DG")
            .contains(&"Flat 12, Tŷ Glas, Ffordd Penrhos, Bangor LL57 2DG".to_owned()));
        // A street and its town alone are not a house's address.
        assert!(!all("Princes Street, Edinburgh EH2 2PR")
            .iter()
            .any(|f| f.starts_with("Princes")));
    }

    #[test]
    fn named_houses_and_tenement_flats() {
        assert_eq!(
            found("my address is Rose Cottage, Mill Lane, Bampton OX18 2HF thanks"),
            vec!["Rose Cottage, Mill Lane, Bampton OX18 2HF"]
        );
        assert_eq!(
            found("we live at Tŷ Gwyn, Lôn Las, Dolgellau LL40 1RR"),
            vec!["Tŷ Gwyn, Lôn Las, Dolgellau LL40 1RR"]
        );
        assert_eq!(
            found("leak at Flat 1/L, 12 Crown Street, Aberdeen AB11 6HA"),
            vec!["Flat 1/L, 12 Crown Street, Aberdeen AB11 6HA"]
        );
        // A street and postcode without a house: only the postcode is
        // personal (found by the contact detector), the street stays.
        assert!(found("I was on Princes Street, Edinburgh EH2 2PR").is_empty());
    }

    #[test]
    fn streets_without_numbers_and_counted_things_stay() {
        assert!(found("the potholes on Leith Walk are bad").is_empty());
        assert!(found("I waited 2 hours on the road").is_empty());
        assert!(found("we need 10 green bins").is_empty());
        assert!(found("open 7 days a week at the park").is_empty());
    }
}
