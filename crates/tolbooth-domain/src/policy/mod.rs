//! The policy (RET-1, GOV-1): what Tolbooth holds, why, on which lawful
//! basis, who else sees it, and for how long. One document drives the
//! retention sweeps and generates the published privacy notice, so the
//! notice cannot promise what the software does not do.
//!
//! This module is the model and its rules; reading it from TOML is the
//! core's job (`tolbooth_core::policy_file`), the sweeps live in
//! `tolbooth_core::retention`. The schema reference in `docs/policy.md` is
//! generated from [`schema`].

mod period;
pub mod schema;
mod validate;
mod vocabulary;

pub use period::{Period, PeriodError};
pub use validate::{PolicyFault, ValidPolicy};
pub use vocabulary::{Art6Basis, Art9Condition, CategoryKind, ClockStart, ExpiryAction, Source};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A policy file as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Policy {
    /// What the notice covers, e.g. "Website live chat".
    pub service: Service,
    /// The data controller: the organisation responsible for the data.
    pub controller: Controller,
    /// Who to ask about personal data: the data protection officer or
    /// information governance team.
    pub data_protection_contact: Contact,
    /// Why data is processed, each with its lawful basis.
    #[serde(default, rename = "purpose")]
    pub purposes: Vec<Purpose>,
    /// What is held: every data category Tolbooth keeps, with its retention
    /// rule.
    #[serde(default, rename = "category")]
    pub categories: Vec<Category>,
    /// Organisations that may receive data, and when (e.g. the police).
    #[serde(default, rename = "recipient")]
    pub recipients: Vec<Recipient>,
    /// Organisations that process data on the controller's behalf.
    #[serde(default, rename = "processor")]
    pub processors: Vec<Processor>,
    /// Further paragraphs of the notice (safeguarding, children, ...).
    #[serde(default, rename = "statement")]
    pub statements: Vec<Statement>,
}

/// The service the notice covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Service {
    /// Its name, e.g. "Website live chat".
    pub name: String,
    /// One or two sentences on what the service is for.
    pub description: String,
}

/// The data controller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Controller {
    /// The organisation's legal name.
    pub name: String,
    /// Postal address, one line per element of the list.
    #[serde(default)]
    pub address: Vec<String>,
    /// A general email address.
    pub email: Option<String>,
    /// A general telephone number.
    pub phone: Option<String>,
    /// The organisation's website.
    pub website: Option<String>,
}

/// Where people send data protection questions and requests. At least one
/// of email, phone, address or website is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// The post, e.g. "Head of Information Governance".
    pub title: String,
    /// Email address for data protection requests.
    pub email: Option<String>,
    /// Telephone number for data protection requests.
    pub phone: Option<String>,
    /// Postal address, one line per element of the list.
    #[serde(default)]
    pub address: Vec<String>,
    /// A web page or form for data protection requests.
    pub website: Option<String>,
}

/// A purpose of processing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    /// A short name other entries refer to, e.g. `answer_enquiry`.
    pub id: String,
    /// Plain English: "To answer your enquiry."
    pub description: String,
    /// The UK GDPR Article 6 basis.
    pub lawful_basis: Art6Basis,
    /// Why that basis applies, in a sentence (optional).
    pub basis_explanation: Option<String>,
}

/// A data category: one kind of record Tolbooth keeps, why, and for how
/// long. A category needs at least one purpose (its lawful basis), a
/// retention rule, and, if it may hold special category data, an
/// Article 9 condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// A short name, e.g. `ip_address`.
    pub id: String,
    /// Which of Tolbooth's records this category is: decides what the
    /// sweeps act on.
    pub kind: CategoryKind,
    /// Plain English, as the notice should name it.
    pub name: String,
    /// More words for the notice, if the name is not enough.
    pub description: Option<String>,
    /// The fields of the record that hold this category's data; each must
    /// be one Tolbooth keeps for the kind.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Where the data comes from.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Ids of the purposes it is processed for (each names its basis).
    #[serde(default)]
    pub purposes: Vec<String>,
    /// Whether it may contain special category data (UK GDPR Art. 9).
    #[serde(default)]
    pub special_category: bool,
    /// The Article 9 condition, required when `special_category` is true.
    pub article_9_condition: Option<Art9Condition>,
    /// The Data Protection Act 2018 Schedule 1 condition, where the
    /// Article 9 condition needs one, e.g. "Part 2, paragraph 6
    /// (statutory and government purposes)".
    pub dpa_schedule_1_condition: Option<String>,
    /// Whether it may contain criminal offence data (Art. 10).
    #[serde(default)]
    pub criminal_offence_data: bool,
    /// How long it is kept (required).
    pub retention: Option<Retention>,
}

/// A retention rule: the sweeps carry it out, and the notice states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Retention {
    /// How long: `7 days`, `12 months`, `2 years`.
    pub period: Period,
    /// When the clock starts.
    pub starts: ClockStart,
    /// What happens when the period has run.
    pub action: ExpiryAction,
    /// Plain English for the notice, when the rule needs more words than
    /// Tolbooth would use.
    pub note: Option<String>,
}

/// An organisation data may be shared with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Recipient {
    /// Who, e.g. "The police and security forces".
    pub name: String,
    /// When data is shared, in plain English.
    pub when: String,
    /// The UK GDPR Article 6 basis for sharing.
    pub lawful_basis: Art6Basis,
    /// The basis in the notice's own words, if wanted.
    pub basis_explanation: Option<String>,
}

/// A processor: an organisation that handles data on the controller's
/// behalf (a hosting company, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    /// Its name.
    pub name: String,
    /// What it does for the controller.
    pub service: String,
    /// Where it processes data.
    pub location: String,
    /// A transfer outside the UK, and its safeguard.
    pub transfer: Option<Transfer>,
}

/// A transfer of data outside the UK.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    /// Where to.
    pub country: String,
    /// E.g. "UK adequacy regulations (UK-US data bridge)" or "the
    /// International Data Transfer Agreement".
    pub safeguard: String,
}

/// A further section of the notice, in the organisation's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// The section's heading.
    pub heading: String,
    /// Its text, one paragraph.
    pub text: String,
}
