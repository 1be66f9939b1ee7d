//! Governance records (GOV-1, RET-4): legal holds and their release,
//! disclosures to other organisations and the policy's adopted versions.

pub mod ports;

use crate::chat::ChatRef;
use crate::staff::StaffId;
use serde::Serialize;
use time::OffsetDateTime;

/// A legal hold on a chat (RET-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LegalHold {
    pub chat_ref: ChatRef,
    pub reason: String,
    pub placed_by: Option<StaffId>,
    pub placed_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub placed_at: OffsetDateTime,
    pub release: Option<ReleaseRequest>,
}

/// The first officer's request to release a hold, waiting for a second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseRequest {
    pub by: Option<StaffId>,
    pub by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub reason: String,
}

/// A disclosure of a chat to another organisation (RET-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Disclosure {
    pub chat_ref: ChatRef,
    pub recipient: String,
    pub lawful_basis: String,
    pub by: Option<StaffId>,
    pub by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// SHA-256 of the package's JSON form (the HTML form renders the same
    /// package).
    pub package_sha256: String,
}

/// A policy as adopted, with the notice it generated (GOV-1).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyVersion {
    pub version: i64,
    pub policy_sha256: String,
    pub adopted_at: OffsetDateTime,
    pub policy_text: String,
    /// The notice as published, in the Markdown it is archived and
    /// rendered from.
    pub notice_markdown: String,
}
