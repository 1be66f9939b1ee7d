//! Email addresses (plain and obfuscated), phone numbers, postcodes, IP
//! addresses and social media handles.

use super::numbers::Near;
use super::regex;
use super::scan::{Scan, Trigger};
use crate::category::Category;
use crate::span::Finding;
use crate::text::{boundary_after, boundary_before, floor_boundary};
use phonenumber::country::Id as Country;
use regex::Regex;
use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

#[derive(Debug)]
pub(crate) struct Contact {
    email: Regex,
    email_obfuscated: Regex,
    ipv6: Regex,
    handle: Regex,
    profile_url: Regex,
    handle_cue: Regex,
    /// "postcode" before a postcode typed with odd spacing.
    postcode_cue: Regex,
    postcode_loose: Regex,
    /// A phone number spelled out: "oh seven seven double oh nine ...".
    spelled: Regex,
}

/// The digits a spelled-out word stands for.
fn digit_word(word: &str) -> Option<char> {
    Some(match word.to_ascii_lowercase().as_str() {
        "oh" | "o" | "zero" | "nought" => '0',
        "one" => '1',
        "two" => '2',
        "three" => '3',
        "four" => '4',
        "five" => '5',
        "six" => '6',
        "seven" => '7',
        "eight" => '8',
        "nine" => '9',
        w if w.len() == 1 => w.chars().next().filter(char::is_ascii_digit)?,
        _ => return None,
    })
}

/// The digits of a spelled-out number ("double oh" is "00").
fn spelled_digits(s: &str) -> String {
    let mut out = String::new();
    let mut repeat = 1;
    for w in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        match w.to_ascii_lowercase().as_str() {
            "double" => repeat = 2,
            "triple" => repeat = 3,
            _ => {
                if w.bytes().all(|b| b.is_ascii_digit()) && w.len() > 1 {
                    out.push_str(w);
                } else if let Some(d) = digit_word(w) {
                    out.extend(std::iter::repeat_n(d, repeat));
                }
                repeat = 1;
            }
        }
    }
    out
}

const AT: &str = r"(?:\s*[\(\[\{]\s*at\s*[\)\]\}]\s*|\s+at\s+)";
const DOT: &str = r"(?:\s*[\(\[\{]\s*dot\s*[\)\]\}]\s*|\s+dot\s+|\.)";
const TLD: &str =
    r"(?:com|org|net|uk|scot|wales|cymru|gov|ac|co|edu|info|io|me|ie|eu|nhs|sch|police|mod|biz)";

impl Contact {
    pub(crate) fn new() -> Self {
        // libphonenumber's metadata loads on first use (about 0.1 s): load
        // it now, so that the first message redacted is not the slow one.
        is_phone_number("+353 1 234 5678");
        Self {
            spelled: regex(
                r"(?i)(?-u:\b)(?:oh|zero|nought|0)(?:[\s,.\-]{1,3}(?:oh|zero|nought|one|two|three|four|five|six|seven|eight|nine|double|triple|\d{1,5})(?-u:\b)){6,20}",
            ),
            email: regex(
                r"(?i)[a-z0-9](?:[a-z0-9._%+\-]*[a-z0-9_%+\-])?@[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?)*\.[a-z]{2,24}",
            ),
            email_obfuscated: regex(&format!(
                r"(?i)(?-u:\b)[a-z0-9][a-z0-9_%+\-]*(?:{DOT}[a-z0-9_%+\-]+)*{AT}[a-z0-9\-]+(?:{DOT}[a-z0-9\-]+)*{DOT}{TLD}(?-u:\b)"
            )),
            ipv6: regex(r"(?i)[0-9a-f]{0,4}(?::[0-9a-f]{0,4}){2,7}(?:%[0-9a-z]+)?"),
            handle: regex(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?"),
            profile_url: regex(
                r"(?i)(?-u:\b)(?:https?://)?(?:www\.|m\.|mobile\.)?(?:twitter\.com|x\.com|facebook\.com(?:/groups)?|fb\.com|instagram\.com|tiktok\.com|linkedin\.com/in|threads\.net|youtube\.com|snapchat\.com/add|bsky\.app/profile|reddit\.com/u(?:ser)?)/@?[A-Za-z0-9_.\-]+",
            ),
            // After "postcode", spaces may fall anywhere: "eh 12 6nz",
            // "G41 2 PE".
            postcode_cue: regex(r"(?i)(?-u:\b)(?:post\s?c[o0]?de?|cod post)(?-u:\b)"),
            postcode_loose: regex(
                r"(?i)^\W{0,4}(?:(?:is|its|it's|yw|=)\s+)?([a-pr-uwyz][a-hk-y]?\s?\d[a-z\d]?\s?\d\s?[abd-hjlnp-uw-z]{2})(?-u:\b)",
            ),
            handle_cue: regex(
                r"(?i)(?-u:\b)(?:insta(?:gram)?|twitter|tiktok|snap(?:chat)?|facebook|fb|bluesky|threads|user\s?name|gamertag)(?:\s+(?:handle|name|username|account|page))?\s*(?:is|:|=|-|on)?\s+@?[A-Za-z0-9_.]{3,30}",
            ),
        }
    }

    pub(crate) fn find(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        self.emails(scan, out);
        self.phones(scan, out);
        for m in scan.near(Near::Postcode) {
            out.push(Finding::new(m.start(), m.end(), Category::Postcode));
        }
        for cue in scan.triggered(Trigger::PostcodeCue, &self.postcode_cue) {
            let window = floor_boundary(text, (cue.end() + 24).min(text.len()));
            let Some(after) = text.get(cue.end()..window) else {
                continue;
            };
            if let Some(pc) = self.postcode_loose.captures(after).and_then(|c| c.get(1)) {
                let (start, end) = (cue.end() + pc.start(), cue.end() + pc.end());
                out.push(Finding::new(start, end, Category::Postcode));
            }
        }
        self.ips(scan, out);
        self.handles(scan, out);
    }

    fn emails(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.everywhere(&self.email) {
            if boundary_before(text, m.start()) && boundary_after(text, m.end()) {
                out.push(Finding::new(m.start(), m.end(), Category::Email));
            }
        }
        for m in scan.triggered(Trigger::EmailWrittenOut, &self.email_obfuscated) {
            out.push(Finding::new(m.start(), m.end(), Category::Email));
        }
    }

    fn phones(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.near(Near::Phone) {
            if !boundary_before(text, m.start()) {
                continue;
            }
            let span = m.as_str();
            if let Some(rest) = span.strip_prefix(['O', 'o']) {
                // "O7700 900 127": the letter O typed for a zero. Same
                // length, so offsets carry over.
                let fixed = format!("0{rest}");
                find_numbers_in(text, &fixed, m.start(), out);
            } else {
                find_numbers_in(text, span, m.start(), out);
            }
        }
        for m in scan.triggered(Trigger::SpelledDigits, &self.spelled) {
            let digits = spelled_digits(m.as_str());
            let spelled = m.as_str().bytes().any(|b| b.is_ascii_alphabetic());
            if spelled && (10..=11).contains(&digits.len()) && is_phone_number(&digits) {
                out.push(Finding::new(m.start(), m.end(), Category::Phone));
            }
        }
    }

    fn ips(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.near(Near::Ipv4) {
            if m.as_str().parse::<Ipv4Addr>().is_ok() {
                out.push(Finding::new(m.start(), m.end(), Category::IpAddress));
            }
        }
        for m in scan.near_colons(&self.ipv6) {
            let s = m.as_str().trim_end_matches(':');
            if s.matches(':').count() >= 2
                && boundary_before(text, m.start())
                && s.split('%')
                    .next()
                    .is_some_and(|a| a.parse::<Ipv6Addr>().is_ok())
            {
                out.push(Finding::new(
                    m.start(),
                    m.start() + s.len(),
                    Category::IpAddress,
                ));
            }
        }
    }

    fn handles(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.everywhere(&self.handle) {
            // `name@example.org` is an email, not a handle.
            let before = text.get(..m.start()).and_then(|s| s.chars().next_back());
            if before.is_some_and(|c| c.is_alphanumeric() || c == '.' || c == '_') {
                continue;
            }
            let end = m.start() + m.as_str().trim_end_matches('.').len();
            out.push(Finding::new(m.start(), end, Category::SocialHandle));
        }
        for m in scan.triggered(Trigger::ProfileUrl, &self.profile_url) {
            let end = m.start() + m.as_str().trim_end_matches(['.', '-']).len();
            out.push(Finding::new(m.start(), end, Category::SocialHandle));
        }
        for m in scan.triggered(Trigger::HandleCue, &self.handle_cue) {
            // The handle is the run of handle characters that ends the
            // match.
            let matched = m.as_str();
            let run = matched
                .bytes()
                .rev()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'.')
                .count();
            let h_start = m.start() + matched.len() - run;
            let handle = matched
                .get(matched.len() - run..)
                .unwrap_or_default()
                .trim_end_matches('.');
            // A bare word after "insta is" may be ordinary ("down"); a
            // handle has a digit, underscore or dot, or was written with @.
            let written_with_at = text.get(..h_start).is_some_and(|s| s.ends_with('@'));
            let looks_like_handle = handle
                .chars()
                .any(|ch| ch.is_ascii_digit() || ch == '_' || ch == '.');
            if written_with_at || looks_like_handle {
                let start = if written_with_at {
                    h_start - 1
                } else {
                    h_start
                };
                out.push(Finding::new(
                    start,
                    h_start + handle.len(),
                    Category::SocialHandle,
                ));
            }
        }
    }
}

/// A stretch of digits and separators may hold one number, several, or a
/// number followed by unrelated digits. Split it into digit groups and take,
/// from each position, the longest run of at most [`MAX_GROUPS`] groups
/// that is a valid number.
/// Enough for a number typed one digit at a time ("0 7 7 0 0 ...").
const MAX_GROUPS: usize = 15;

/// `span` is the stretch as found at byte `start` of `text`, or a copy of
/// it of the same length with a typed letter O read as zero.
fn find_numbers_in(text: &str, span: &str, start: usize, out: &mut Vec<Finding>) {
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut group_start = None;
    for (i, ch) in span.char_indices() {
        let part_of_group =
            ch.is_ascii_digit() || (ch == '+' && group_start.is_none() && groups.is_empty());
        match (part_of_group, group_start) {
            (true, None) => group_start = Some(i),
            (false, Some(s)) => {
                groups.push((s, i));
                group_start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = group_start {
        groups.push((s, span.len()));
    }
    let mut i = 0;
    while i < groups.len() {
        let mut found = None;
        for j in (i..groups.len().min(i + MAX_GROUPS)).rev() {
            let from = if i == 0 { 0 } else { groups[i].0 };
            let to = groups[j].1;
            if let Some(candidate) = span.get(from..to) {
                if is_phone_number(candidate) {
                    found = Some((from, to, j));
                    break;
                }
            }
        }
        match found {
            Some((from, to, j)) => {
                if boundary_after(text, start + to) {
                    out.push(Finding::new(start + from, start + to, Category::Phone));
                }
                i = j + 1;
            }
            None => i += 1,
        }
    }
}

/// Whether `candidate` is a valid phone number, reading it as British
/// unless it carries an international prefix.
pub(crate) fn is_phone_number(candidate: &str) -> bool {
    // Most candidates have too few or too many digits: count them before
    // building anything.
    let trunk_in_brackets = candidate.matches("(0)").count();
    let digit_count = candidate.bytes().filter(u8::is_ascii_digit).count() - trunk_in_brackets;
    if !(9..=15).contains(&digit_count) {
        return false;
    }
    // "+44 (0)131 ..." writes the trunk 0 in brackets: drop it.
    let cleaned: Cow<str> = if trunk_in_brackets > 0 {
        Cow::Owned(candidate.replace("(0)", ""))
    } else {
        Cow::Borrowed(candidate)
    };
    let trimmed = cleaned.trim_start();
    let plus = trimmed.starts_with('+');
    if !(plus || trimmed.starts_with('0') || trimmed.starts_with('(')) {
        return false;
    }
    let mut buf = [0u8; 16];
    let mut n = 0;
    for b in cleaned.bytes().filter(u8::is_ascii_digit) {
        if let Some(slot) = buf.get_mut(n) {
            *slot = b;
            n += 1;
        }
    }
    let digits = std::str::from_utf8(buf.get(..n).unwrap_or_default()).unwrap_or_default();
    let international = digits.starts_with("00") || plus;
    // The national form, "0" and the rest, when the number is British.
    let national_rest = if let Some(rest) = digits.strip_prefix("0044") {
        Some(rest)
    } else if let Some(rest) = digits.strip_prefix("44").filter(|_| plus) {
        Some(rest)
    } else if international {
        None
    } else {
        digits.strip_prefix('0').or(Some(""))
    };
    // A British number of the right shape is personal data whether or not
    // its range is allocated today (Ofcom's ranges for fiction, such as
    // 07700 900xxx, are unallocated by design). The shape is cheap to check,
    // so libphonenumber's metadata is consulted only for the rest.
    if let Some(rest) = national_rest {
        let national_len = if international || digits.starts_with('0') {
            rest.len() + 1
        } else {
            digits.len()
        };
        if (digits.starts_with('0') || international) && uk_number_shape(rest, national_len) {
            return true;
        }
        if national_len > 11 {
            return false;
        }
    }
    let normal = match digits.strip_prefix("00") {
        Some(rest) => format!("+{rest}"),
        None if plus => format!("+{digits}"),
        None => digits.to_owned(),
    };
    match phonenumber::parse(Some(Country::GB), &normal) {
        Ok(number) => phonenumber::is_valid(&number),
        Err(_) => false,
    }
}

/// Whether "0" followed by `rest` (`len` digits in all) has the shape of
/// a British number: 11 digits starting 01, 02, 03 or 07, or 10 digits
/// starting 01.
fn uk_number_shape(rest: &str, len: usize) -> bool {
    let after_zero = rest.as_bytes().first().copied();
    match len {
        11 => matches!(after_zero, Some(b'1' | b'2' | b'3' | b'7')),
        10 => after_zero == Some(b'1'),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::scan::scan_for_tests;

    fn cats(text: &str) -> Vec<(String, Category)> {
        let mut out = Vec::new();
        Contact::new().find(&scan_for_tests(text), &mut out);
        out.sort_by_key(|f| f.start);
        out.iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.category))
            .collect()
    }

    #[test]
    fn phone_numbers_spelled_out() {
        let text = "oh seven seven double oh nine double oh three eight one is my number";
        let found = cats(text);
        assert_eq!(
            found,
            vec![(
                "oh seven seven double oh nine double oh three eight one".to_owned(),
                Category::Phone
            )]
        );
        assert!(cats("oh no, one two three weeks").is_empty());
    }

    #[test]
    fn uk_phone_numbers_in_many_shapes() {
        for (text, number) in [
            ("call me on 07700 900123 please", "07700 900123"),
            ("ring 0131-496-0000 or", "0131-496-0000"),
            ("my number is +44 (0)7700 900 123.", "+44 (0)7700 900 123"),
            ("tel 0044 131 496 0018", "0044 131 496 0018"),
            ("mob (0161) 496 0754 ta", "(0161) 496 0754"),
            ("07700.900.456", "07700.900.456"),
            ("text 0 7 7 0 0 9 0 0 7 7 7 pls", "0 7 7 0 0 9 0 0 7 7 7"),
            ("in Dublin +353 1 234 5678", "+353 1 234 5678"),
            ("mobile O7700 900 127 sorry", "O7700 900 127"),
        ] {
            let found = cats(text);
            assert!(
                found.contains(&(number.to_owned(), Category::Phone)),
                "{text}: {found:?}"
            );
        }
    }

    #[test]
    fn phone_validation_by_shape_and_metadata() {
        for yes in [
            "07700 900123",
            "+44 (0)131 496 0000",
            "0044 131 496 0018",
            "+447700900135",
            "(0161) 496 0754",
            "+353 1 234 5678",
            "0800 123 4567",
        ] {
            assert!(is_phone_number(yes), "{yes}");
        }
        for no in [
            "1234567890",
            "01234",
            "07700 900 123 456 789 0",
            "+44 123",
            "(161) 496 0754 99",
        ] {
            assert!(!is_phone_number(no), "{no}");
        }
    }

    #[test]
    fn reference_numbers_and_prices_are_not_phones() {
        for text in [
            "planning ref 23/01234/FUL",
            "it cost £1,250.00",
            "case 1234567890",
            "open 09:00-17:00",
        ] {
            assert!(
                !cats(text).iter().any(|(_, c)| *c == Category::Phone),
                "{text}"
            );
        }
    }

    #[test]
    fn two_numbers_in_one_run_are_two_findings() {
        let found = cats("07700 900123 07700 900456");
        let phones: Vec<_> = found
            .iter()
            .filter(|(_, c)| *c == Category::Phone)
            .collect();
        assert_eq!(phones.len(), 2, "{found:?}");
    }

    #[test]
    fn emails_plain_and_obfuscated() {
        assert!(cats("mail jo.bloggs+council@example.co.uk now")
            .contains(&("jo.bloggs+council@example.co.uk".into(), Category::Email)));
        assert!(cats("its jo dot bloggs at gmail dot com")
            .contains(&("jo dot bloggs at gmail dot com".into(), Category::Email)));
        assert!(cats("name (at) example (dot) org")
            .contains(&("name (at) example (dot) org".into(), Category::Email)));
        assert!(cats("we met at the hall at noon").is_empty());
    }

    #[test]
    fn postcodes_any_case_with_or_without_space() {
        for pc in ["EH1 1YZ", "eh11yz", "SW1A 1AA", "m1 1ae", "G2 3AB"] {
            let text = format!("I'm at {pc} today");
            assert!(
                cats(&text).contains(&(pc.to_owned(), Category::Postcode)),
                "{pc}"
            );
        }
        for (text, pc) in [
            ("postcode eh 12 6nz i think", "eh 12 6nz"),
            ("post code is G41 2 PE", "G41 2 PE"),
        ] {
            assert!(
                cats(text).contains(&(pc.to_owned(), Category::Postcode)),
                "{text}"
            );
        }
        // Loose spacing only after "postcode": "to 12 3rd" is not one.
        assert!(cats("move it to 12 3rd floor").is_empty());
        assert!(!cats("QV1 1AA")
            .iter()
            .any(|(_, c)| *c == Category::Postcode));
    }

    #[test]
    fn ip_addresses_both_versions() {
        assert!(
            cats("from 192.0.2.33 yesterday").contains(&("192.0.2.33".into(), Category::IpAddress))
        );
        assert!(cats("v6 2001:db8::ff00:42:8329 ok")
            .contains(&("2001:db8::ff00:42:8329".into(), Category::IpAddress)));
        assert!(cats("at 10:30:15").is_empty());
        assert!(cats("999.1.1.1").is_empty());
    }

    #[test]
    fn handles_and_profiles() {
        let found = cats("dm me @jess_m99 or instagram.com/jess.m99 and my tiktok is jessm_01");
        let handles: Vec<_> = found
            .iter()
            .filter(|(_, c)| *c == Category::SocialHandle)
            .map(|(s, _)| s.as_str())
            .collect();
        assert!(handles.contains(&"@jess_m99"), "{handles:?}");
        assert!(handles.contains(&"instagram.com/jess.m99"), "{handles:?}");
        assert!(handles.contains(&"jessm_01"), "{handles:?}");
        assert!(cats("my insta is down again").is_empty());
        assert!(cats("on snapchat, his username is callum_b_2012")
            .contains(&("callum_b_2012".into(), Category::SocialHandle)));
        assert!(cats("my username is forgotten").is_empty());
    }
}
