//! The patterns searched near digits, for every detector in one place: one
//! pass of a set over each window tells which of them can match there, and
//! only those are searched again for their positions (see `scan`). The
//! detectors validate what these find.

use super::address::{LETTER, STREET_TYPES};
use super::scan::Group;

/// Patterns for numbers and the letters around them: searched a few words
/// either side of each digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Near {
    /// A run of digits and separators that starts like a UK or
    /// international number: +, 00, 0 (or the letter O typed for it), or
    /// an opening bracket.
    Phone,
    Postcode,
    Ipv4,
    /// Starts with the two-letter prefix.
    NiNumber,
    NhsNumber,
    CardNumber,
    SortCode,
    AccountNumber,
    Iban,
    /// A postcode, from which a house name is looked for: a looser shape
    /// than [`Near::Postcode`], read together with the words before it.
    HousePostcode,
}

impl Near {
    pub(crate) const ALL: [Near; 10] = [
        Near::Phone,
        Near::Postcode,
        Near::Ipv4,
        Near::NiNumber,
        Near::NhsNumber,
        Near::CardNumber,
        Near::SortCode,
        Near::AccountNumber,
        Near::Iban,
        Near::HousePostcode,
    ];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn pattern(self) -> &'static str {
        match self {
            Near::Phone => r"(?:\+\s?\(?|\(0|(?-u:\b)[0Oo])[\d()\-.\s/]{8,24}\d",
            Near::Postcode => {
                r"(?i)(?-u:\b)(?:gir\s?0aa|(?:[a-pr-uwyz]\d{1,2}|[a-pr-uwyz][a-hk-y]\d{1,2}|[a-pr-uwyz]\d[a-hjkpstuw]|[a-pr-uwyz][a-hk-y]\d[abehmnprvwxy])\s{0,2}\d[abd-hjlnp-uw-z]{2})(?-u:\b)"
            }
            Near::Ipv4 => r"(?-u:\b)(?:\d{1,3}\.){3}\d{1,3}(?-u:\b)",
            Near::NiNumber => {
                r"(?i)(?-u:\b)[a-ceghj-pr-tw-z][a-ceghj-npr-tw-z][\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?[a-d](?-u:\b)"
            }
            Near::NhsNumber => r"(?-u:\b)\d{3}[\s-]?\d{3}[\s-]?\d{4}(?-u:\b)",
            Near::CardNumber => r"(?-u:\b)\d(?:[ \-]?\d){12,18}(?-u:\b)",
            Near::SortCode => {
                r"(?-u:\b)\d{2}[\s\-.]\d{2}[\s\-.]\d{2}(?-u:\b)|(?i:sort\s*code\W{0,3})\d{6}(?-u:\b)"
            }
            Near::AccountNumber => ACCOUNT_NUMBER,
            Near::Iban => r"(?i)(?-u:\b)[a-z]{2}\d{2}(?:\s?[a-z0-9]){11,30}",
            Near::HousePostcode => {
                r"(?i)(?-u:\b)[a-pr-uwyz][a-hk-y]?\d[a-z\d]?\s{0,2}\d[abd-hjlnp-uw-z]{2}(?-u:\b)"
            }
        }
    }
}

/// Eight digits: a bank account number when a sort code or a cue is near.
pub(crate) const ACCOUNT_NUMBER: &str = r"(?-u:\b)\d{8}(?-u:\b)";

/// Patterns for streets: searched from a little before each digit to a
/// street's name after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Around {
    /// A house number and a street (its name and type are read from the
    /// match by `address::street_parts`).
    Street,
    /// Welsh and Gaelic streets put the type first: "6 Heol y Nant",
    /// "12 Sràid na h-Eaglais".
    StreetTypeFirst,
}

impl Around {
    pub(crate) const ALL: [Around; 2] = [Around::Street, Around::StreetTypeFirst];

    pub(crate) fn index(self) -> usize {
        self as usize
    }

    fn pattern(self) -> String {
        match self {
            Around::Street => format!(
                r"(?i)(?-u:\b)(?:(?:flat|apartment|apt|unit|fflat)\s*\d+(?:[a-z]\d*)?(?:/(?:\d+|[a-z]))?,?\s+)?(?:no\.?\s*|number\s+)?\d{{1,4}}[a-z]?(?:[/\-]\d{{1,4}}[a-z]?)?,?\s+(?:[{LETTER}][{LETTER}'\-]*\.?\s+){{0,3}}(?:{STREET_TYPES})(?-u:\b)\.?(?:\s+(?:north|south|east|west|upper|lower)(?-u:\b))?"
            ),
            Around::StreetTypeFirst => format!(
                r"(?i)(?-u:\b)\d{{1,4}}[a-z]?,?\s+(?:heol|ffordd|stryd|lôn|lon|cae|maes|rhodfa|clos|sràid|sraid|rathad)(?:\s+[{LETTER}][{LETTER}'\-]*){{1,3}}"
            ),
        }
    }
}

/// The two sets, built once.
#[derive(Debug)]
pub(crate) struct NumberPatterns {
    pub(crate) near: Group,
    pub(crate) around: Group,
}

impl NumberPatterns {
    pub(crate) fn new() -> Self {
        let near: Vec<String> = Near::ALL.iter().map(|p| p.pattern().to_owned()).collect();
        let around: Vec<String> = Around::ALL.iter().map(|p| p.pattern()).collect();
        Self {
            near: Group::new(&near),
            around: Group::new(&around),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_follow_the_order_of_all() {
        for (i, p) in Near::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
        }
        for (i, p) in Around::ALL.iter().enumerate() {
            assert_eq!(p.index(), i);
        }
    }
}
