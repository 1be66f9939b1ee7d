//! The categories the engine knows, their stable names and their markers.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Email,
    Phone,
    PostalAddress,
    Postcode,
    IpAddress,
    SocialHandle,
    NiNumber,
    NhsNumber,
    CardNumber,
    BankAccount,
    DateOfBirth,
    Health,
    SexLifeOrOrientation,
    ReligionOrBelief,
    PoliticalOpinion,
    RacialOrEthnicOrigin,
    TradeUnionMembership,
    GeneticOrBiometric,
}

impl Category {
    pub const ALL: [Category; 18] = [
        Category::Email,
        Category::Phone,
        Category::PostalAddress,
        Category::Postcode,
        Category::IpAddress,
        Category::SocialHandle,
        Category::NiNumber,
        Category::NhsNumber,
        Category::CardNumber,
        Category::BankAccount,
        Category::DateOfBirth,
        Category::Health,
        Category::SexLifeOrOrientation,
        Category::ReligionOrBelief,
        Category::PoliticalOpinion,
        Category::RacialOrEthnicOrigin,
        Category::TradeUnionMembership,
        Category::GeneticOrBiometric,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Category::Email => "email",
            Category::Phone => "phone",
            Category::PostalAddress => "postal_address",
            Category::Postcode => "postcode",
            Category::IpAddress => "ip_address",
            Category::SocialHandle => "social_handle",
            Category::NiNumber => "ni_number",
            Category::NhsNumber => "nhs_number",
            Category::CardNumber => "card_number",
            Category::BankAccount => "bank_account",
            Category::DateOfBirth => "date_of_birth",
            Category::Health => "health",
            Category::SexLifeOrOrientation => "sex_life_or_orientation",
            Category::ReligionOrBelief => "religion_or_belief",
            Category::PoliticalOpinion => "political_opinion",
            Category::RacialOrEthnicOrigin => "racial_or_ethnic_origin",
            Category::TradeUnionMembership => "trade_union_membership",
            Category::GeneticOrBiometric => "genetic_or_biometric",
        }
    }

    /// The visible marker that replaces a finding (RED-3).
    pub fn marker(self) -> &'static str {
        match self {
            Category::Email => "[email removed]",
            Category::Phone => "[phone number removed]",
            Category::PostalAddress => "[address removed]",
            Category::Postcode => "[postcode removed]",
            Category::IpAddress => "[IP address removed]",
            Category::SocialHandle => "[social media handle removed]",
            Category::NiNumber => "[NI number removed]",
            Category::NhsNumber => "[NHS number removed]",
            Category::CardNumber => "[card number removed]",
            Category::BankAccount => "[bank details removed]",
            Category::DateOfBirth => "[date of birth removed]",
            Category::Health => "[health information removed]",
            Category::SexLifeOrOrientation => "[sex life or sexual orientation removed]",
            Category::ReligionOrBelief => "[religious or philosophical belief removed]",
            Category::PoliticalOpinion => "[political opinion removed]",
            Category::RacialOrEthnicOrigin => "[racial or ethnic origin removed]",
            Category::TradeUnionMembership => "[trade union membership removed]",
            Category::GeneticOrBiometric => "[genetic or biometric data removed]",
        }
    }

    /// Special category data under UK GDPR Art. 9.
    pub fn is_special(self) -> bool {
        matches!(
            self,
            Category::Health
                | Category::SexLifeOrOrientation
                | Category::ReligionOrBelief
                | Category::PoliticalOpinion
                | Category::RacialOrEthnicOrigin
                | Category::TradeUnionMembership
                | Category::GeneticOrBiometric
        )
    }

    pub fn parse(name: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.name() == name)
    }

    /// When two findings overlap, the one with the higher rank wins.
    /// Structured identifiers outrank the looser patterns they can look
    /// like (a card number is not a phone number).
    pub(crate) fn rank(self) -> u8 {
        match self {
            Category::Email => 100,
            Category::SocialHandle => 95,
            Category::IpAddress => 90,
            Category::CardNumber => 85,
            Category::BankAccount => 84,
            Category::NhsNumber => 83,
            Category::NiNumber => 82,
            Category::PostalAddress => 80,
            Category::Phone => 70,
            Category::DateOfBirth => 65,
            Category::Postcode => 60,
            _ => 40,
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_markers_are_distinct() {
        let mut markers = std::collections::HashSet::new();
        for c in Category::ALL {
            assert_eq!(Category::parse(c.name()), Some(c));
            assert!(markers.insert(c.marker()));
            assert_eq!(serde_json_name(c), c.name());
        }
    }

    fn serde_json_name(c: Category) -> String {
        // serde's snake_case agrees with name().
        format!("{c:?}")
            .chars()
            .enumerate()
            .flat_map(|(i, ch)| {
                let lower = ch.to_ascii_lowercase();
                if ch.is_ascii_uppercase() && i > 0 {
                    vec!['_', lower]
                } else {
                    vec![lower]
                }
            })
            .collect()
    }
}
