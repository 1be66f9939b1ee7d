//! National Insurance, NHS, card and bank numbers, each validated by its
//! own rule rather than by shape alone.

use super::contact::is_phone_number;
use super::numbers::{Near, ACCOUNT_NUMBER};
use super::regex;
use super::scan::Scan;
use crate::category::Category;
use crate::span::Finding;
use crate::text::{boundary_after, boundary_before};
use regex::Regex;

#[derive(Debug)]
pub(crate) struct Identifiers {
    /// An account number in the text after a sort code.
    account: Regex,
}

impl Identifiers {
    pub(crate) fn new() -> Self {
        Self {
            account: regex(ACCOUNT_NUMBER),
        }
    }

    pub(crate) fn find(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        for m in scan.near(Near::NiNumber) {
            // The pattern starts with the two-letter prefix.
            let p = m.as_str().get(..2).unwrap_or_default().to_ascii_uppercase();
            if !["BG", "GB", "NK", "KN", "TN", "NT", "ZZ"].contains(&p.as_str()) {
                out.push(Finding::new(m.start(), m.end(), Category::NiNumber));
            }
        }
        for m in scan.near(Near::NhsNumber) {
            let digits = digits_of(m.as_str());
            if !nhs_check_digit_ok(&digits) || all_same(&digits) {
                continue;
            }
            // A valid UK phone number that happens to pass mod-11 stays a
            // phone number unless the text says NHS or CHI just before it.
            let cue = cue_before(
                text,
                m.start(),
                40,
                &["nhs", "chi", "health number", "patient"],
            );
            if !cue && (is_phone_number(m.as_str()) || after_country_code(text, m.start())) {
                continue;
            }
            out.push(Finding::new(m.start(), m.end(), Category::NhsNumber));
        }
        for m in scan.near(Near::CardNumber) {
            let digits = digits_of(m.as_str());
            let first = digits.first().copied().unwrap_or(0);
            if (2..=6).contains(&first) && luhn_ok(&digits) && !all_same(&digits) {
                out.push(Finding::new(m.start(), m.end(), Category::CardNumber));
            }
        }
        self.bank(scan, out);
    }

    fn bank(&self, scan: &Scan, out: &mut Vec<Finding>) {
        let text = scan.text;
        let mut sort_codes = Vec::new();
        for m in scan.near(Near::SortCode) {
            let said = m.as_str().to_ascii_lowercase().starts_with("sort");
            let cued = said || cue_before(text, m.start(), 25, &["sort", "s/c"]);
            let account_follows = text
                .get(m.end()..text.len().min(m.end() + 40))
                .is_some_and(|after| self.account.is_match(after));
            if cued || account_follows {
                let start = if said {
                    m.start() + m.as_str().find(|c: char| c.is_ascii_digit()).unwrap_or(0)
                } else {
                    m.start()
                };
                sort_codes.push((start, m.end()));
                out.push(Finding::new(start, m.end(), Category::BankAccount));
            }
        }
        for m in scan.near(Near::AccountNumber) {
            let near_sort_code = sort_codes
                .iter()
                .find(|&&(_, e)| e <= m.start() && m.start() - e <= 40);
            let cued = cue_before(text, m.start(), 30, &["account", "acc no", "acct", "a/c"]);
            // "my council tax account ref is 40023871" is not a bank's.
            let not_a_bank = cue_before(text, m.start(), 40, NOT_A_BANK_ACCOUNT);
            if let Some(&(sort_start, _)) = near_sort_code {
                // The sort code, the account number and what lies between
                // ("acc", "account no") go as one.
                out.push(Finding::new(sort_start, m.end(), Category::BankAccount));
            } else if cued && !not_a_bank {
                out.push(Finding::new(m.start(), m.end(), Category::BankAccount));
            }
        }
        for m in scan.near(Near::Iban) {
            if let Some(len) = iban_at(m.as_str()) {
                out.push(Finding::new(
                    m.start(),
                    m.start() + len,
                    Category::BankAccount,
                ));
            }
        }
    }
}

/// Words before an account number that make it a council's or a
/// landlord's reference, not a bank account.
const NOT_A_BANK_ACCOUNT: &[&str] = &[
    "council tax",
    "ref",
    "reference",
    "rent",
    "tenancy",
    "customer",
    "invoice",
    "library",
    "housing benefit",
];

/// Whether a country calling code ("+44 ", "0044") stands just before
/// `pos`: the digits after it are a phone number's, whatever else they
/// pass.
fn after_country_code(text: &str, pos: usize) -> bool {
    let before = text.get(..pos).unwrap_or_default().trim_end();
    let digits = before.len() - before.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let rest = &before[..before.len() - digits];
    (1..=3).contains(&digits) && rest.ends_with('+') || (digits == 4 && before.ends_with("0044"))
}

fn digits_of(s: &str) -> Vec<u32> {
    s.chars().filter_map(|c| c.to_digit(10)).collect()
}

fn all_same(d: &[u32]) -> bool {
    d.windows(2).all(|w| w[0] == w[1])
}

/// NHS (and Scottish CHI) numbers: weights 10..2 over nine digits, mod 11.
pub(crate) fn nhs_check_digit_ok(d: &[u32]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let sum: u32 = d[..9].iter().zip((2..=10).rev()).map(|(x, w)| x * w).sum();
    match 11 - sum % 11 {
        11 => d[9] == 0,
        10 => false,
        check => d[9] == check,
    }
}

pub(crate) fn luhn_ok(d: &[u32]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    d.len() >= 12 && sum % 10 == 0
}

/// IBAN lengths by country (ISO 13616 registry), for the countries whose
/// accounts UK residents most often hold.
const IBAN_LENGTHS: &[(&str, usize)] = &[
    ("AD", 24),
    ("AT", 20),
    ("BE", 16),
    ("BG", 22),
    ("CH", 21),
    ("CY", 28),
    ("CZ", 24),
    ("DE", 22),
    ("DK", 18),
    ("EE", 20),
    ("ES", 24),
    ("FI", 18),
    ("FR", 27),
    ("GB", 22),
    ("GI", 23),
    ("GR", 27),
    ("HR", 21),
    ("HU", 28),
    ("IE", 22),
    ("IS", 26),
    ("IT", 27),
    ("LT", 20),
    ("LU", 20),
    ("LV", 21),
    ("MT", 31),
    ("NL", 18),
    ("NO", 15),
    ("PL", 28),
    ("PT", 25),
    ("RO", 24),
    ("SE", 24),
    ("SI", 19),
    ("SK", 24),
];

/// The byte length of the IBAN at the start of `s` (spaces allowed between
/// characters), if its country's length and mod-97 check hold. The
/// candidate may run on into the words after it.
fn iban_at(s: &str) -> Option<usize> {
    let country = s.get(..2)?.to_ascii_uppercase();
    let &(_, len) = IBAN_LENGTHS.iter().find(|(c, _)| *c == country)?;
    let mut compact = String::with_capacity(len);
    let mut end = 0;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            continue;
        }
        if !c.is_ascii_alphanumeric() {
            return None;
        }
        compact.push(c.to_ascii_uppercase());
        end = i + 1;
        if compact.len() == len {
            break;
        }
    }
    // The IBAN must end at a word's end, not inside one.
    let at_word_end = s[end..].chars().next().is_none_or(|c| !c.is_alphanumeric());
    (compact.len() == len && at_word_end && iban_ok(&compact)).then_some(end)
}

/// The mod-97 check of a compact IBAN.
fn iban_ok(compact: &str) -> bool {
    let (head, tail) = compact.split_at(4.min(compact.len()));
    let mut rem: u64 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => u64::from(v),
            None => return false,
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// Whether one of `cues` (lower case) appears in the `window` bytes before
/// `pos`, as whole words.
pub(crate) fn cue_before(text: &str, pos: usize, window: usize, cues: &[&str]) -> bool {
    let mut from = pos.saturating_sub(window);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let Some(before) = text.get(from..pos) else {
        return false;
    };
    let lower = before.to_lowercase();
    cues.iter().any(|cue| {
        lower
            .match_indices(cue)
            .any(|(i, _)| boundary_before(&lower, i) && boundary_after(&lower, i + cue.len()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::scan::scan_for_tests;

    fn found(text: &str) -> Vec<(String, Category)> {
        let mut out = Vec::new();
        Identifiers::new().find(&scan_for_tests(text), &mut out);
        out.iter()
            .map(|f| (text[f.start..f.end].to_owned(), f.category))
            .collect()
    }

    #[test]
    fn ni_numbers_follow_prefix_rules() {
        assert_eq!(found("ni is QQ 12 34 56 C"), vec![]);
        assert_eq!(
            found("ni is AB 12 34 56 C"),
            vec![("AB 12 34 56 C".into(), Category::NiNumber)]
        );
        assert_eq!(
            found("ni is ab123456c"),
            vec![("ab123456c".into(), Category::NiNumber)]
        );
        assert_eq!(found("GB123456A"), vec![]);
    }

    #[test]
    fn nhs_numbers_pass_mod_11() {
        assert_eq!(
            found("my nhs no is 943 476 5919"),
            vec![("943 476 5919".into(), Category::NhsNumber)]
        );
        assert_eq!(found("number 943 476 5918"), vec![]);
        assert!(nhs_check_digit_ok(&digits_of("9434765919")));
    }

    #[test]
    fn cards_pass_luhn() {
        assert_eq!(
            found("card 4111 1111 1111 1111 exp"),
            vec![("4111 1111 1111 1111".into(), Category::CardNumber)]
        );
        assert_eq!(found("card 4111 1111 1111 1112"), vec![]);
    }

    #[test]
    fn sort_code_and_account() {
        let f = found("sort code 20-00-00 account 12345678 thanks");
        assert!(
            f.contains(&("20-00-00".into(), Category::BankAccount)),
            "{f:?}"
        );
        assert!(
            f.contains(&("20-00-00 account 12345678".into(), Category::BankAccount)),
            "{f:?}"
        );
        assert_eq!(found("the meeting is 12-03-24"), vec![]);
        assert_eq!(found("ref 12345678"), vec![]);
        assert!(found("GB82 WEST 1234 5698 7654 32")
            .iter()
            .any(|(_, c)| *c == Category::BankAccount));
    }

    #[test]
    fn a_number_after_a_country_code_is_not_an_nhs_number() {
        assert_eq!(found("ring me on +44 161 496 0259? evenings"), vec![]);
        assert_eq!(
            found("nhs no 161 496 0259"),
            vec![("161 496 0259".into(), Category::NhsNumber)]
        );
    }

    #[test]
    fn ibans_of_other_countries_by_their_lengths() {
        for iban in [
            "IE29 AIBK 9311 5212 3456 78",
            "DE89 3704 0044 0532 0130 00",
            "FR14 2004 1010 0505 0001 3M02 606",
            "NL91 ABNA 0417 1643 00",
            "ES91 2100 0418 4502 0005 1332",
        ] {
            let text = format!("pay it to {iban} can you");
            assert_eq!(
                found(&text),
                vec![(iban.to_owned(), Category::BankAccount)],
                "{iban}"
            );
        }
        // One character changed: the check fails.
        assert!(!found("pay it to DE89 3704 0044 0532 0130 01 ok")
            .iter()
            .any(|(_, c)| *c == Category::BankAccount));
    }
}
