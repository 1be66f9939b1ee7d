//! The rules a policy must meet before Tolbooth runs with it. Every fault
//! is collected (not just the first), each naming the entry and saying what
//! to write instead.

use super::{Category, CategoryKind, ExpiryAction, Policy, Retention};
use std::collections::HashSet;
use std::fmt;

/// One thing wrong with a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyFault {
    /// Where: `category "ip_address"`, `purpose "answer"`, `controller`.
    pub at: String,
    pub message: String,
}

impl fmt::Display for PolicyFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// A policy that met every rule. Only a valid policy drives sweeps or
/// generates a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidPolicy(Policy);

impl ValidPolicy {
    pub fn policy(&self) -> &Policy {
        &self.0
    }

    /// The category of `kind`, if the policy has one.
    pub fn category(&self, kind: CategoryKind) -> Option<&Category> {
        self.0.categories.iter().find(|c| c.kind == kind)
    }

    /// The retention rule for `kind` (present for every category of a
    /// valid policy).
    pub fn rule(&self, kind: CategoryKind) -> Option<&Retention> {
        self.category(kind).and_then(|c| c.retention.as_ref())
    }

    /// Whether chats are extracted (statistics and an edited transcript)
    /// before they are deleted.
    pub fn extracts_chats(&self) -> bool {
        self.rule(CategoryKind::ChatRecord)
            .is_some_and(|r| r.action == ExpiryAction::ExtractThenDelete)
    }
}

const LIVE_CHAT_KINDS: [CategoryKind; 3] = [
    CategoryKind::ChatRecord,
    CategoryKind::IpAddress,
    CategoryKind::VisitorDetails,
];

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// The faults found so far, in the order the checks meet them.
#[derive(Default)]
struct Faults(Vec<PolicyFault>);

impl Faults {
    fn add(&mut self, at: impl Into<String>, message: impl Into<String>) {
        self.0.push(PolicyFault {
            at: at.into(),
            message: message.into(),
        });
    }
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

impl Policy {
    /// Checks every rule; returns the policy as valid, or every fault.
    pub fn validate(self) -> Result<ValidPolicy, Vec<PolicyFault>> {
        let mut faults = Faults::default();
        self.check_who(&mut faults);
        let purpose_ids = self.check_purposes(&mut faults);
        self.check_categories(&purpose_ids, &mut faults);
        self.check_live_chat(&mut faults);
        self.check_parties(&mut faults);
        if faults.0.is_empty() {
            Ok(ValidPolicy(self))
        } else {
            Err(faults.0)
        }
    }

    /// The service, the controller and the data protection contact: what
    /// the notice opens with and how people reach the controller.
    fn check_who(&self, faults: &mut Faults) {
        if blank(&self.service.name) || blank(&self.service.description) {
            faults.add(
                "service",
                "name and description must not be empty: they open the privacy notice",
            );
        }
        if blank(&self.controller.name) {
            faults.add(
                "controller",
                "name must not be empty: the notice must say who the controller is",
            );
        }
        let c = &self.data_protection_contact;
        if blank(&c.title)
            || (c.email.is_none()
                && c.phone.is_none()
                && c.address.is_empty()
                && c.website.is_none())
        {
            faults.add(
                "data_protection_contact",
                "give a title and at least one of email, phone, address or website: people need a way to exercise their rights",
            );
        }
    }

    /// Each purpose's id and description; returns the ids defined.
    fn check_purposes(&self, faults: &mut Faults) -> HashSet<&str> {
        let mut purpose_ids = HashSet::new();
        for p in &self.purposes {
            let at = format!("purpose {:?}", p.id);
            if !is_slug(&p.id) {
                faults.add(at.clone(), "id must be lower-case letters, digits and '_'");
            }
            if !purpose_ids.insert(p.id.as_str()) {
                faults.add(at.clone(), "the same id is used by another purpose");
            }
            if blank(&p.description) {
                faults.add(at, "description must not be empty");
            }
        }
        purpose_ids
    }

    fn check_categories(&self, purpose_ids: &HashSet<&str>, faults: &mut Faults) {
        if self.categories.is_empty() {
            faults.add(
                "category",
                "the policy lists no data categories: add a [[category]] for everything Tolbooth holds",
            );
        }
        let mut category_ids = HashSet::new();
        let mut kinds = HashSet::new();
        for cat in &self.categories {
            let at = format!("category {:?}", cat.id);
            if !is_slug(&cat.id) {
                faults.add(at.clone(), "id must be lower-case letters, digits and '_'");
            }
            if !category_ids.insert(cat.id.as_str()) {
                faults.add(at.clone(), "the same id is used by another category");
            }
            if !kinds.insert(cat.kind) {
                faults.add(
                    at.clone(),
                    format!(
                        "another category is also of kind {}: each kind has one retention rule, so one category",
                        cat.kind.name()
                    ),
                );
            }
            check_basis_and_contents(cat, &at, purpose_ids, faults);
            check_special_category(cat, &at, faults);
            check_retention(cat, &at, faults);
        }
    }

    /// Live chat keeps a chat record, an IP address and visitor details
    /// together, and its edited transcripts only come from extraction.
    fn check_live_chat(&self, faults: &mut Faults) {
        let by_kind = |kind: CategoryKind| self.categories.iter().find(|c| c.kind == kind);
        if LIVE_CHAT_KINDS.iter().any(|k| by_kind(*k).is_some()) {
            for kind in LIVE_CHAT_KINDS {
                if by_kind(kind).is_none() {
                    faults.add(
                        "category",
                        format!(
                            "the policy covers live chat but has no category of kind {}: live chat keeps it, so the policy must say why and for how long",
                            kind.name()
                        ),
                    );
                }
            }
        }
        let record = by_kind(CategoryKind::ChatRecord).and_then(|c| c.retention.as_ref());
        let Some(record) = record else {
            if let Some(t) = by_kind(CategoryKind::EditedTranscript) {
                faults.add(
                    format!("category {:?}", t.id),
                    "edited transcripts come from chat records: add a category of kind chat_record with action extract_then_delete",
                );
            }
            return;
        };
        for kind in [CategoryKind::IpAddress, CategoryKind::VisitorDetails] {
            let Some(part) = by_kind(kind) else { continue };
            if let Some(rule) = &part.retention {
                if rule.period.approx_days() > record.period.approx_days() {
                    faults.add(
                        format!("category {:?}", part.id),
                        format!(
                            "kept for {} but it is part of the chat record, which goes after {}: the notice would promise what does not happen",
                            rule.period, record.period
                        ),
                    );
                }
            }
        }
        let extracts = record.action == ExpiryAction::ExtractThenDelete;
        match (extracts, by_kind(CategoryKind::EditedTranscript)) {
            (true, None) => faults.add(
                "category",
                "the chat record is extracted before deletion but no category of kind edited_transcript says how the extract is kept",
            ),
            (false, Some(t)) => faults.add(
                format!("category {:?}", t.id),
                "edited transcripts are only made when the chat record's action is extract_then_delete",
            ),
            _ => {}
        }
    }

    /// Recipients and processors the notice names.
    fn check_parties(&self, faults: &mut Faults) {
        for r in &self.recipients {
            if blank(&r.name) || blank(&r.when) {
                faults.add(
                    format!("recipient {:?}", r.name),
                    "name and when must not be empty",
                );
            }
        }
        for p in &self.processors {
            if blank(&p.name) || blank(&p.service) || blank(&p.location) {
                faults.add(
                    format!("processor {:?}", p.name),
                    "name, service and location must not be empty",
                );
            }
        }
    }
}

/// A category's name, purposes, sources and fields.
fn check_basis_and_contents(
    cat: &Category,
    at: &str,
    purpose_ids: &HashSet<&str>,
    faults: &mut Faults,
) {
    if blank(&cat.name) {
        faults.add(
            at,
            "name must not be empty: the notice names the category by it",
        );
    }
    if cat.purposes.is_empty() {
        faults.add(
            at,
            "collected without a lawful basis: list in `purposes` the purposes it is processed for (each purpose names its Article 6 basis)",
        );
    }
    for p in &cat.purposes {
        if !purpose_ids.contains(p.as_str()) {
            faults.add(
                at,
                format!("purpose {p:?} is not defined by any [[purpose]]"),
            );
        }
    }
    if cat.sources.is_empty() {
        faults.add(at, "sources must name where the data comes from");
    }
    let known = cat.kind.fields();
    if cat.fields.is_empty() {
        faults.add(
            at,
            format!(
                "fields must list what the category holds; for kind {} Tolbooth keeps: {}",
                cat.kind.name(),
                field_names(known)
            ),
        );
    }
    for f in &cat.fields {
        if !known.iter().any(|(name, _)| name == f) {
            faults.add(
                at,
                format!(
                    "field {f:?} is not one Tolbooth keeps for kind {}; known fields: {}",
                    cat.kind.name(),
                    field_names(known)
                ),
            );
        }
    }
}

/// Special category data needs an Article 9 condition, and some
/// conditions a Schedule 1 condition too.
fn check_special_category(cat: &Category, at: &str, faults: &mut Faults) {
    match (cat.special_category, cat.article_9_condition) {
        (true, None) => faults.add(
            at,
            "may hold special category data but names no Article 9 condition: set article_9_condition",
        ),
        (false, Some(_)) => faults.add(
            at,
            "names an Article 9 condition but is not marked special_category = true",
        ),
        (true, Some(cond))
            if cond.needs_schedule_1()
                && cat.dpa_schedule_1_condition.as_deref().is_none_or(blank) =>
        {
            faults.add(
                at,
                format!(
                    "{} needs a Data Protection Act 2018 Schedule 1 condition: set dpa_schedule_1_condition",
                    cond.article()
                ),
            );
        }
        _ => {}
    }
}

/// A retention rule that Tolbooth can carry out for the category's kind.
fn check_retention(cat: &Category, at: &str, faults: &mut Faults) {
    let Some(rule) = &cat.retention else {
        faults.add(
            at,
            "has no retention rule: add [category.retention] with period, starts and action",
        );
        return;
    };
    if !cat.kind.clock_starts().contains(&rule.starts) {
        faults.add(
            at,
            format!(
                "retention cannot start at {} for kind {}; it can start at: {}",
                spelling(&rule.starts),
                cat.kind.name(),
                list(cat.kind.clock_starts())
            ),
        );
    }
    if !cat.kind.actions().contains(&rule.action) {
        faults.add(
            at,
            format!(
                "Tolbooth cannot carry out {} for kind {}; it can: {}",
                spelling(&rule.action),
                cat.kind.name(),
                list(cat.kind.actions())
            ),
        );
    }
}

fn field_names(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(n, _)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// How a word of the vocabulary is written in the file.
pub(crate) fn spelling<T: serde::Serialize>(item: &T) -> String {
    serde_json::to_value(item)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn list<T: serde::Serialize>(items: &[T]) -> String {
    items.iter().map(spelling).collect::<Vec<_>>().join(", ")
}
