//! The detectors. Each appends raw findings; [`crate::span::resolve`]
//! settles overlaps afterwards.

mod address;
mod contact;
mod dates;
mod identifiers;
mod lexicon;
mod numbers;
mod scan;
mod special;
mod typos;

use crate::span::Finding;

#[derive(Debug)]
pub(crate) struct Detectors {
    contact: contact::Contact,
    identifiers: identifiers::Identifiers,
    address: address::Address,
    dates: dates::BirthDates,
    special: special::Special,
    literals: scan::Literals,
    numbers: numbers::NumberPatterns,
}

impl Detectors {
    pub(crate) fn new() -> Self {
        Self {
            contact: contact::Contact::new(),
            identifiers: identifiers::Identifiers::new(),
            address: address::Address::new(),
            dates: dates::BirthDates::new(),
            special: special::Special::new(),
            literals: scan::Literals::new(),
            numbers: numbers::NumberPatterns::new(),
        }
    }

    /// Runs every detector; with `terms`, also collects every lexicon term
    /// found (for the thorough path).
    pub(crate) fn run(&self, text: &str, out: &mut Vec<Finding>, terms: Option<&mut Vec<Finding>>) {
        let scan = scan::Scan::of(text, &self.literals, &self.numbers);
        self.contact.find(&scan, out);
        self.identifiers.find(&scan, out);
        self.address.find(&scan, out);
        self.dates.find(&scan, out);
        self.special.find(&scan, out);
        if let Some(terms) = terms {
            *terms = self.special.term_hits(&scan);
        }
    }
}

/// Compiles a pattern written in this crate. The patterns are literals
/// that every test compiles, so a failure here cannot depend on input.
#[expect(
    clippy::expect_used,
    reason = "literal patterns, compiled by every test"
)]
pub(crate) fn regex(pattern: &str) -> regex::Regex {
    regex::Regex::new(pattern).expect("a redaction pattern compiles")
}
