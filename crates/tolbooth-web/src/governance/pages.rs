//! The console's pages for holds, disclosures and transcript review, as askama templates.

use crate::pages::Layout;
use askama::Template;

#[derive(Template)]
#[template(path = "governance/governance.html")]
pub struct GovernancePage {
    pub layout: Layout,
    pub policy: String,
    pub notice_version: i64,
    pub due: Vec<(&'static str, u64)>,
    /// Started, outcome, extracted, deleted, IP addresses, anonymised.
    pub sweeps: Vec<(String, &'static str, u64, u64, u64, u64)>,
    pub holds: Vec<HoldView>,
    /// Whether the viewer may hold and disclose (governance officers; an
    /// administrator sees the retention status only).
    pub can_hold: bool,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "governance/governance_chat.html")]
pub struct GovernanceChatPage {
    pub layout: Layout,
    pub chat_id: String,
    pub record: Vec<(&'static str, String)>,
    pub flags: Vec<String>,
    pub hold: Option<HoldView>,
    pub disclosures: Vec<String>,
    pub can_hold: bool,
    pub can_review: bool,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "governance/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub chat_id: String,
    pub lines: Vec<tolbooth_domain::retention::TranscriptLine>,
    pub edited: bool,
    pub notice: Option<String>,
}

/// A legal hold as the console shows it.
pub struct HoldView {
    pub chat_ref: String,
    pub reason: String,
    pub placed_by_name: String,
    pub placed_at: String,
    pub release: Option<ReleaseView>,
}

pub struct ReleaseView {
    pub by_name: String,
    pub reason: String,
}

impl From<&tolbooth_domain::governance::LegalHold> for HoldView {
    fn from(h: &tolbooth_domain::governance::LegalHold) -> Self {
        Self {
            chat_ref: h.chat_ref.to_string(),
            reason: h.reason.clone(),
            placed_by_name: h.placed_by_name.clone(),
            placed_at: tolbooth_domain::time_fmt::rfc3339(h.placed_at),
            release: h.release.as_ref().map(|r| ReleaseView {
                by_name: r.by_name.clone(),
                reason: r.reason.clone(),
            }),
        }
    }
}
