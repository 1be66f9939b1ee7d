//! The console's pages for holds, disclosures and transcript review, as askama templates.

use crate::pages::Layout;
use askama::Template;
use tolbooth_core::governance::DisclosurePackage;
use tolbooth_core::local_time::LocalTime;
use tolbooth_domain::time_fmt::{from_unix_millis, rfc3339};

#[derive(Template)]
#[template(path = "governance/governance.html")]
pub struct GovernancePage {
    pub layout: Layout,
    pub policy: PolicyView,
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

/// One message of a transcript under review: who wrote it and when, in
/// words, and its text as it will be kept.
pub struct ReviewLine {
    pub seq: i64,
    pub label: String,
    pub text: String,
}

impl ReviewLine {
    pub fn of(
        line: tolbooth_domain::retention::TranscriptLine,
        local: &tolbooth_core::local_time::LocalTime,
    ) -> Self {
        let who = match line.sender.as_str() {
            "visitor" => "Visitor",
            "operator" => "Operator",
            _ => "Asked of the chatbot before the chat",
        };
        let at =
            time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(line.at_ms) * 1_000_000)
                .map(|t| local.time_of_day(t))
                .unwrap_or_default();
        Self {
            seq: line.seq,
            label: format!("{who}, {at}"),
            text: line.text,
        }
    }
}

/// The policy in force as the governance officer reads it: by the name
/// and description of the service and controller it covers, and where it
/// was loaded from.
pub struct PolicyView {
    pub service: String,
    pub description: String,
    pub controller: String,
    /// Where the policy was read from, in words.
    pub origin: String,
}

impl PolicyView {
    pub fn of(loaded: &tolbooth_core::policy_file::LoadedPolicy) -> Self {
        let p = loaded.policy.policy();
        Self {
            service: p.service.name.clone(),
            description: p.service.description.clone(),
            controller: p.controller.name.clone(),
            origin: match loaded.origin.strip_prefix("preset:") {
                Some(name) => format!("the built-in policy \u{201c}{name}\u{201d}"),
                None => format!("the file {}", loaded.origin),
            },
        }
    }
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
    /// Why a chat may be flagged: name and label.
    pub flag_reasons: Vec<(&'static str, &'static str)>,
    pub error: Option<String>,
    pub notice: Option<String>,
}

#[derive(Template)]
#[template(path = "governance/review.html")]
pub struct ReviewPage {
    pub layout: Layout,
    pub chat_id: String,
    pub lines: Vec<ReviewLine>,
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

impl HoldView {
    /// A hold with its time as staff read it.
    pub fn of(
        h: &tolbooth_domain::governance::LegalHold,
        local: &tolbooth_core::local_time::LocalTime,
    ) -> Self {
        Self {
            chat_ref: h.chat_ref.to_string(),
            reason: h.reason.clone(),
            placed_by_name: h.placed_by_name.clone(),
            placed_at: local.date_time(h.placed_at),
            release: h.release.as_ref().map(|r| ReleaseView {
                by_name: r.by_name.clone(),
                reason: r.reason.clone(),
            }),
        }
    }
}

/// A disclosure package (RET-4) as one HTML page for the recipient, escaped
/// throughout: it holds what visitors typed.
#[derive(Template)]
#[template(path = "governance/disclosure.html")]
pub struct DisclosureDocument {
    pub chat_ref: String,
    pub prepared_at: String,
    pub prepared_by: String,
    pub recipient: String,
    pub lawful_basis: String,
    /// The organisation's time zone, in which the times are given.
    pub time_zone: String,
    /// What the chat record holds, label and value.
    pub details: Vec<(&'static str, String)>,
    pub messages: Vec<DisclosedMessage>,
    pub audit_trail: Vec<AuditRow>,
}

/// One message of a disclosed chat.
pub struct DisclosedMessage {
    /// `visitor`, `operator` or `system`: the style of its block.
    pub from: String,
    /// Who wrote it, as the reader should see it.
    pub who: String,
    /// Local, to the second.
    pub at: String,
    /// The exact instant, RFC 3339 UTC.
    pub at_utc: String,
    pub text: String,
    /// A hand-over note: what was asked of the chatbot and its answer.
    pub note: Option<(String, String)>,
}

pub struct AuditRow {
    pub seq: i64,
    pub at: String,
    pub at_utc: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

impl DisclosureDocument {
    pub fn of(p: &DisclosurePackage, local: &LocalTime) -> Self {
        let operator = p.chat.operator.clone().unwrap_or_else(|| "Operator".into());
        let visitor = p
            .visitor
            .as_ref()
            .and_then(|v| v.name.clone())
            .map_or_else(|| "Visitor".to_owned(), |n| format!("Visitor ({n})"));
        DisclosureDocument {
            chat_ref: p.chat_ref.clone(),
            prepared_at: time::OffsetDateTime::parse(
                &p.prepared_at,
                &time::format_description::well_known::Rfc3339,
            )
            .map_or_else(
                |_| p.prepared_at.clone(),
                |t| format!("{} ({})", local.exact(t), p.prepared_at),
            ),
            prepared_by: p.prepared_by.clone(),
            recipient: p.recipient.clone(),
            lawful_basis: p.lawful_basis.clone(),
            time_zone: local.zone_name().to_owned(),
            details: disclosed_details(p, local)
                .into_iter()
                .map(|(label, value)| {
                    let value = if value.is_empty() {
                        String::from("Not recorded")
                    } else {
                        value
                    };
                    (label, value)
                })
                .collect(),
            messages: p
                .messages
                .iter()
                .map(|m| {
                    let at = from_unix_millis(m.at_ms);
                    DisclosedMessage {
                        who: match m.sender.as_str() {
                            "visitor" => visitor.clone(),
                            "operator" => operator.clone(),
                            _ => "Tolbooth".to_owned(),
                        },
                        from: m.sender.clone(),
                        at: local.exact(at),
                        at_utc: rfc3339(at),
                        text: m.text.clone(),
                        note: (m.sender == "system")
                            .then(|| tolbooth_core::chat::read_handover_note(&m.text))
                            .flatten()
                            .map(|(q, a)| (q.to_owned(), a.to_owned())),
                    }
                })
                .collect(),
            audit_trail: p
                .audit_trail
                .iter()
                .map(|a| AuditRow {
                    seq: a.seq,
                    at: local.exact(a.at()),
                    at_utc: rfc3339(a.at()),
                    who: a.actor_name.clone(),
                    what: a.action.clone(),
                    detail: a.reason.clone().unwrap_or_default(),
                })
                .collect(),
        }
    }
}

/// The chat's lifecycle, the visitor's details, flags and hold, one row each.
fn disclosed_details(p: &DisclosurePackage, local: &LocalTime) -> Vec<(&'static str, String)> {
    let c = &p.chat;
    let when = |t: time::OffsetDateTime| format!("{} ({})", local.exact(t), rfc3339(t));
    let mut rows = vec![
        ("State", c.state.name().to_owned()),
        ("Operator", c.operator.clone().unwrap_or_default()),
        ("Requested", when(c.requested_at)),
        ("Accepted", c.accepted_at.map(when).unwrap_or_default()),
        ("Ended", c.ended_at.map(when).unwrap_or_default()),
        (
            "Ended by",
            c.ended_by.map(|b| b.name().to_owned()).unwrap_or_default(),
        ),
    ];
    if let Some(v) = &p.visitor {
        rows.extend([
            ("Name given", v.name.clone().unwrap_or_default()),
            (
                "IP address",
                v.ip.map(|ip| ip.to_string()).unwrap_or_default(),
            ),
            ("Location", v.location.clone().unwrap_or_default()),
            ("Browser", v.browser.clone().unwrap_or_default()),
            ("System", v.operating_system.clone().unwrap_or_default()),
            ("Device", v.device.clone().unwrap_or_default()),
            ("Referrer", v.referrer.clone().unwrap_or_default()),
            ("Launch page", v.launch_url.clone().unwrap_or_default()),
        ]);
    }
    for f in &p.flags {
        rows.push((
            "Flag",
            format!("{} by {} at {}", f.reason.label(), f.by_name, when(f.at)),
        ));
    }
    if let Some(h) = &p.legal_hold {
        rows.push((
            "Legal hold",
            format!(
                "{} (by {} at {})",
                h.reason,
                h.placed_by_name,
                when(h.placed_at)
            ),
        ));
    }
    rows
}
