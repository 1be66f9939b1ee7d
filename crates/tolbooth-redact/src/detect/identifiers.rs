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
            if !cue && is_phone_number(m.as_str()) {
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
                sort_codes.push(m.end());
                out.push(Finding::new(start, m.end(), Category::BankAccount));
            }
        }
        for m in scan.near(Near::AccountNumber) {
            let near_sort_code = sort_codes
                .iter()
                .any(|&e| e <= m.start() && m.start() - e <= 40);
            let cued = cue_before(text, m.start(), 30, &["account", "acc no", "acct", "a/c"]);
            // "my council tax account ref is 40023871" is not a bank's.
            let not_a_bank = cue_before(text, m.start(), 40, NOT_A_BANK_ACCOUNT);
            if near_sort_code || (cued && !not_a_bank) {
                out.push(Finding::new(m.start(), m.end(), Category::BankAccount));
            }
        }
        for m in scan.near(Near::Iban) {
            if iban_ok(m.as_str()) {
                out.push(Finding::new(m.start(), m.end(), Category::BankAccount));
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

fn iban_ok(s: &str) -> bool {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.len() != 22 {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut rem: u64 = 0;
    for c in tail.chars().chain(head.chars()) {
        let v = match c.to_digit(36) {
            Some(v) => v as u64,
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
            f.contains(&("12345678".into(), Category::BankAccount)),
            "{f:?}"
        );
        assert_eq!(found("the meeting is 12-03-24"), vec![]);
        assert_eq!(found("ref 12345678"), vec![]);
        assert!(found("GB82 WEST 1234 5698 7654 32")
            .iter()
            .any(|(_, c)| *c == Category::BankAccount));
    }
}
