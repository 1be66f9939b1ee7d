//! The information-governance officer's tools: the policy's versions and
//! the notices they generate (GOV-1), legal holds with a second officer's
//! release (RET-4), disclosure packages with their log (RET-4), and staff
//! review of a transcript before it is kept (RED-5).

use crate::code::Code;
use crate::notice::{self, Edition};
use crate::policy_file::LoadedPolicy;
use crate::staff::ClientContext;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, AuditEntry, NewAuditEntry, ObjectRef};
use tolbooth_domain::chat::ports::ChatStore;
use tolbooth_domain::chat::visitor::VisitorDetails;
use tolbooth_domain::chat::{ChatFlag, ChatId, ChatRef, ChatState, StoredChat, StoredMessage};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::governance::ports::GovernanceStore;
use tolbooth_domain::governance::{Disclosure, LegalHold, PolicyVersion, ReleaseRequest};
use tolbooth_domain::retention::TranscriptLine;
use tolbooth_domain::staff::role::Permission;
use tolbooth_domain::staff::StaffMember;
use tolbooth_domain::store::{Store, StoreError};
use tolbooth_domain::time_fmt::rfc3339;
use tolbooth_redact::{ManualEdit, Redactor};

/// The longest reason, recipient or lawful basis accepted.
const MAX_TEXT: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum GovernanceError {
    #[error("no such chat")]
    NotFound,
    #[error("your role may not do this")]
    NotAllowed,
    #[error("only a flagged chat can be put under legal hold: flag it first")]
    NotFlagged,
    #[error("the chat is already under legal hold")]
    AlreadyHeld,
    #[error("the chat is not under legal hold")]
    NotHeld,
    #[error("no release has been asked for: a governance officer must ask first")]
    NoReleaseRequested,
    #[error(
        "a release must be confirmed by a second governance officer, not the one who asked for it"
    )]
    SameOfficer,
    #[error("only an ended chat's transcript can be reviewed")]
    NotEnded,
    #[error("{0}")]
    Invalid(&'static str),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl GovernanceError {
    pub fn code(&self) -> Code {
        match self {
            GovernanceError::NotFound => Code::NotFound,
            GovernanceError::NotAllowed => Code::Forbidden,
            GovernanceError::NotFlagged
            | GovernanceError::AlreadyHeld
            | GovernanceError::NotHeld
            | GovernanceError::NoReleaseRequested
            | GovernanceError::SameOfficer
            | GovernanceError::NotEnded => Code::Conflict,
            GovernanceError::Invalid(_) => Code::BadInput,
            GovernanceError::Store(e) => Code::of_store(e),
        }
    }
}

fn staff_actor(staff: &StaffMember) -> Actor {
    Actor::Staff {
        id: staff.id,
        name: staff.display_name.as_str().to_owned(),
        role: staff.role,
    }
}

fn chat_audit(
    staff: &StaffMember,
    action: &str,
    chat: ChatRef,
    ctx: &ClientContext,
) -> NewAuditEntry {
    NewAuditEntry::new(staff_actor(staff), action)
        .on(ObjectRef::new("chat", chat))
        .in_request(ctx.request_id.clone())
}

fn require(staff: &StaffMember, permission: Permission) -> Result<(), GovernanceError> {
    if staff.disabled || !staff.role.allows(permission) {
        return Err(GovernanceError::NotAllowed);
    }
    Ok(())
}

/// Trimmed, on one line, non-empty and bounded.
fn clean(text: &str, what: &'static str) -> Result<String, GovernanceError> {
    tolbooth_domain::chat::visitor::clean_text(text, MAX_TEXT).ok_or(GovernanceError::Invalid(what))
}

/// A chat as handed to the police (RET-4): everything held, IP included,
/// and the chat's audit trail.
#[derive(Debug, Clone, Serialize)]
pub struct DisclosurePackage {
    pub chat_ref: String,
    pub prepared_at: String,
    pub prepared_by: String,
    pub recipient: String,
    pub lawful_basis: String,
    pub chat: tolbooth_domain::chat::ChatLifecycle,
    pub visitor: Option<VisitorDetails>,
    pub flags: Vec<ChatFlag>,
    pub legal_hold: Option<LegalHold>,
    pub messages: Vec<TranscriptLine>,
    pub audit_trail: Vec<AuditEntry>,
}

impl DisclosurePackage {
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

/// A transcript under review: the lines as they would be kept now, and
/// whether staff have edited them.
#[derive(Debug, Clone, Serialize)]
pub struct TranscriptReview {
    pub chat_ref: ChatRef,
    pub lines: Vec<TranscriptLine>,
    pub edited: bool,
}

fn joined(lines: &[TranscriptLine]) -> String {
    lines
        .iter()
        .map(|l| format!("{}\t{}\t{}", l.seq, l.sender, l.text))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What governance needs from the store, one port per concern.
#[derive(Clone)]
pub struct GovernanceStores {
    pub records: Arc<dyn GovernanceStore>,
    pub chats: Arc<dyn ChatStore>,
    pub audit_log: Arc<dyn AuditLog>,
}

impl GovernanceStores {
    /// Each port from the one store that implements them all.
    pub fn of(store: &Arc<dyn Store>) -> Self {
        Self {
            records: store.clone(),
            chats: store.clone(),
            audit_log: store.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Governance {
    records: Arc<dyn GovernanceStore>,
    chats: Arc<dyn ChatStore>,
    audit_log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    policy: Arc<LoadedPolicy>,
    redactor: Arc<Redactor>,
}

impl std::fmt::Debug for Governance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Governance")
            .field("policy", &self.policy.origin)
            .finish_non_exhaustive()
    }
}

impl Governance {
    pub fn new(stores: GovernanceStores, clock: Arc<dyn Clock>, policy: Arc<LoadedPolicy>) -> Self {
        Self {
            records: stores.records,
            chats: stores.chats,
            audit_log: stores.audit_log,
            clock,
            policy,
            redactor: Redactor::thorough_shared(),
        }
    }

    pub fn policy(&self) -> &LoadedPolicy {
        &self.policy
    }

    /// Records the running policy as a new version (with its notice) if it
    /// differs from the latest; returns the version in force. Several
    /// nodes starting at once agree: a version number taken first by
    /// another is re-read.
    pub async fn adopt_running_policy(&self) -> Result<PolicyVersion, GovernanceError> {
        let sha = self.policy.sha256();
        for _ in 0..5 {
            let latest = self.records.latest_policy_version().await?;
            if let Some(v) = &latest {
                if v.policy_sha256 == sha {
                    return Ok(v.clone());
                }
            }
            let version = latest.map_or(1, |v| v.version + 1);
            let now = self.clock.now();
            let notice = notice::build(
                &self.policy.policy,
                Edition {
                    version: Some(version),
                    effective: now.date(),
                },
            );
            let adopted = PolicyVersion {
                version,
                policy_sha256: sha.clone(),
                adopted_at: now,
                policy_text: self.policy.text.clone(),
                notice_markdown: notice.to_markdown(),
            };
            let entry = NewAuditEntry::new(Actor::system("policy"), "policy.adopted")
                .on(ObjectRef::new("policy_version", version))
                .because(format!("{} sha256 {sha}", self.policy.origin));
            match self.records.adopt_policy_version(&adopted, entry).await {
                Ok(()) => return Ok(adopted),
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(GovernanceError::Store(StoreError::Conflict(
            "could not record the policy version: other nodes kept changing it",
        )))
    }

    pub async fn notice(
        &self,
        version: Option<i64>,
    ) -> Result<Option<PolicyVersion>, GovernanceError> {
        Ok(match version {
            Some(v) => self.records.policy_version(v).await?,
            None => self.records.latest_policy_version().await?,
        })
    }

    pub async fn notice_versions(
        &self,
    ) -> Result<Vec<(i64, time::OffsetDateTime, String)>, GovernanceError> {
        Ok(self.records.policy_versions().await?)
    }

    async fn chat(&self, chat_ref: ChatRef) -> Result<StoredChat, GovernanceError> {
        self.chats
            .chat_by_ref(chat_ref)
            .await?
            .ok_or(GovernanceError::NotFound)
    }

    /// Puts a flagged chat under legal hold (RET-4).
    pub async fn place_hold(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        reason: &str,
        ctx: &ClientContext,
    ) -> Result<(), GovernanceError> {
        require(staff, Permission::HoldAndDisclose)?;
        let reason = clean(reason, "give the reason for the hold")?;
        let chat = self.chat(chat_ref).await?;
        if self.chats.chat_flags(chat.id).await?.is_empty() {
            return Err(GovernanceError::NotFlagged);
        }
        let hold = LegalHold {
            chat_ref,
            reason: reason.clone(),
            placed_by: Some(staff.id),
            placed_by_name: staff.display_name.as_str().to_owned(),
            placed_at: self.clock.now(),
            release: None,
        };
        let entry = chat_audit(staff, "chat.hold_placed", chat_ref, ctx).because(reason);
        if self.records.place_hold(chat.id, &hold, entry).await? {
            Ok(())
        } else {
            Err(GovernanceError::AlreadyHeld)
        }
    }

    pub async fn hold(&self, chat_ref: ChatRef) -> Result<Option<LegalHold>, GovernanceError> {
        let chat = self.chat(chat_ref).await?;
        Ok(self.records.legal_hold(chat.id).await?)
    }

    pub async fn holds(&self) -> Result<Vec<LegalHold>, GovernanceError> {
        Ok(self.records.legal_holds().await?)
    }

    /// The first officer asks for a hold to be released ("matter
    /// concluded").
    pub async fn request_release(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        reason: &str,
        ctx: &ClientContext,
    ) -> Result<(), GovernanceError> {
        require(staff, Permission::HoldAndDisclose)?;
        let reason = clean(reason, "say why the hold can end")?;
        let chat = self.chat(chat_ref).await?;
        if self.records.legal_hold(chat.id).await?.is_none() {
            return Err(GovernanceError::NotHeld);
        }
        let request = ReleaseRequest {
            by: Some(staff.id),
            by_name: staff.display_name.as_str().to_owned(),
            at: self.clock.now(),
            reason: reason.clone(),
        };
        let entry = chat_audit(staff, "chat.hold_release_requested", chat_ref, ctx).because(reason);
        Ok(self
            .records
            .request_release(chat.id, &request, entry)
            .await?)
    }

    /// A second officer confirms the release: the hold ends and the chat
    /// is due for the next sweep at once.
    pub async fn confirm_release(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<(), GovernanceError> {
        require(staff, Permission::HoldAndDisclose)?;
        let chat = self.chat(chat_ref).await?;
        let hold = self
            .records
            .legal_hold(chat.id)
            .await?
            .ok_or(GovernanceError::NotHeld)?;
        let request = hold.release.ok_or(GovernanceError::NoReleaseRequested)?;
        if request.by == Some(staff.id) {
            return Err(GovernanceError::SameOfficer);
        }
        let entry = chat_audit(staff, "chat.hold_released", chat_ref, ctx).because(format!(
            "asked for by {}: {}",
            request.by_name, request.reason
        ));
        Ok(self
            .records
            .release_hold(chat.id, self.clock.now(), entry)
            .await?)
    }

    fn redacted_lines(&self, messages: &[StoredMessage]) -> Vec<TranscriptLine> {
        messages
            .iter()
            .map(|m| TranscriptLine::from_message(m, self.redactor.redact(m.body.as_str()).text))
            .collect()
    }

    async fn all_messages(&self, id: ChatId) -> Result<Vec<StoredMessage>, GovernanceError> {
        let mut out = Vec::new();
        loop {
            let after = out.last().map_or(0, |m: &StoredMessage| m.seq);
            let page = self.chats.messages_after(id, after, 500).await?;
            if page.is_empty() {
                return Ok(out);
            }
            out.extend(page);
        }
    }

    /// An ended chat and its transcript as it would be kept now: the staff
    /// edit if there is one (and `true`), or the messages through the
    /// redaction engine.
    async fn kept_transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
    ) -> Result<(StoredChat, Vec<TranscriptLine>, bool), GovernanceError> {
        require(staff, Permission::EditTranscripts)?;
        let chat = self.chat(chat_ref).await?;
        if chat.lifecycle.state != ChatState::Ended {
            return Err(GovernanceError::NotEnded);
        }
        Ok(match self.records.transcript_edit(chat.id).await? {
            Some(lines) => (chat, lines, true),
            None => {
                let lines = self.redacted_lines(&self.all_messages(chat.id).await?);
                (chat, lines, false)
            }
        })
    }

    /// The transcript as it would be kept now. Reading it is audited.
    pub async fn review(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        ctx: &ClientContext,
    ) -> Result<TranscriptReview, GovernanceError> {
        let (_, lines, edited) = self.kept_transcript(staff, chat_ref).await?;
        self.audit_log
            .append_audit(chat_audit(staff, "chat.transcript_reviewed", chat_ref, ctx))
            .await?;
        Ok(TranscriptReview {
            chat_ref,
            lines,
            edited,
        })
    }

    /// Saves a staff edit (RED-5): `texts` are the new texts of the
    /// reviewed lines, by sequence number; lines not named keep their
    /// text, a line edited to nothing is dropped. The audit entry records
    /// who, when, and the hashes of the transcript before and after, never
    /// the text.
    pub async fn edit_transcript(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        texts: &[(i64, String)],
        ctx: &ClientContext,
    ) -> Result<bool, GovernanceError> {
        let (chat, before, _) = self.kept_transcript(staff, chat_ref).await?;
        let mut after = Vec::with_capacity(before.len());
        for line in &before {
            let text = match texts.iter().find(|(seq, _)| *seq == line.seq) {
                Some((_, t)) => {
                    let t = t.trim();
                    if t.chars().count() > tolbooth_domain::chat::MessageBody::MAX_CHARS {
                        return Err(GovernanceError::Invalid("an edited message is too long"));
                    }
                    t.to_owned()
                }
                None => line.text.clone(),
            };
            if !text.is_empty() {
                after.push(TranscriptLine {
                    text,
                    ..line.clone()
                });
            }
        }
        let edit = ManualEdit::between(&joined(&before), &joined(&after));
        if !edit.changed() {
            return Ok(false);
        }
        let entry =
            chat_audit(staff, "chat.transcript_edited", chat_ref, ctx).because(edit.audit_reason());
        self.records
            .save_transcript_edit(
                chat.id,
                &after,
                staff.id,
                staff.display_name.as_str(),
                self.clock.now(),
                entry,
            )
            .await?;
        Ok(true)
    }

    /// Builds the disclosure package of a chat and records the disclosure
    /// (who, when, to whom, on which lawful basis, and the package's
    /// SHA-256) in the disclosure log and the audit log.
    pub async fn disclose(
        &self,
        staff: &StaffMember,
        chat_ref: ChatRef,
        recipient: &str,
        lawful_basis: &str,
        ctx: &ClientContext,
    ) -> Result<DisclosurePackage, GovernanceError> {
        require(staff, Permission::HoldAndDisclose)?;
        let recipient = clean(recipient, "say who the chat is disclosed to")?;
        let basis = clean(lawful_basis, "give the lawful basis for the disclosure")?;
        let chat = self.chat(chat_ref).await?;
        let messages = self.all_messages(chat.id).await?;
        let now = self.clock.now();
        let package = DisclosurePackage {
            chat_ref: chat_ref.to_string(),
            prepared_at: rfc3339(now),
            prepared_by: staff.display_name.as_str().to_owned(),
            recipient: recipient.clone(),
            lawful_basis: basis.clone(),
            chat: chat.lifecycle.clone(),
            visitor: self.chats.visitor_details(chat.id).await?,
            flags: self.chats.chat_flags(chat.id).await?,
            legal_hold: self.records.legal_hold(chat.id).await?,
            messages: messages
                .iter()
                .map(|m| TranscriptLine::from_message(m, m.body.as_str().to_owned()))
                .collect(),
            audit_trail: self
                .records
                .audit_trail("chat", &chat_ref.to_string())
                .await?,
        };
        let sha = hex::encode(Sha256::digest(package.to_json().as_bytes()));
        let disclosure = Disclosure {
            chat_ref,
            recipient: recipient.clone(),
            lawful_basis: basis.clone(),
            by: Some(staff.id),
            by_name: staff.display_name.as_str().to_owned(),
            at: now,
            package_sha256: sha.clone(),
        };
        let entry = chat_audit(staff, "chat.disclosed", chat_ref, ctx).because(format!(
            "to {recipient}; basis: {basis}; package sha256 {sha}"
        ));
        self.records.record_disclosure(&disclosure, entry).await?;
        Ok(package)
    }

    pub async fn disclosures(&self, chat_ref: ChatRef) -> Result<Vec<Disclosure>, GovernanceError> {
        Ok(self.records.disclosures(chat_ref).await?)
    }
}
