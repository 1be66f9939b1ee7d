//! What the retention sweeps keep and record (RET-3..RET-5): the extract
//! of a chat, the statistics counted from it, legal holds, disclosures,
//! staff edits and the record of each sweep. Plain values; the sweeps
//! themselves are `tolbooth_core::retention`.

pub mod ports;

use crate::chat::visitor::VisitorDetails;
use crate::chat::{ChatId, ChatRef, EndedBy, Sender, StoredChat, StoredMessage};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One line of a kept transcript.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TranscriptLine {
    pub seq: i64,
    /// `visitor`, `operator` or `system`.
    pub sender: String,
    /// Milliseconds since the Unix epoch, UTC.
    pub at_ms: i64,
    pub text: String,
}

impl std::fmt::Debug for TranscriptLine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TranscriptLine")
            .field("seq", &self.seq)
            .field("sender", &self.sender)
            .field("at_ms", &self.at_ms)
            .field("text", &crate::secret::Shown(&self.text))
            .finish()
    }
}

impl TranscriptLine {
    pub fn from_message(m: &StoredMessage, text: String) -> Self {
        Self {
            seq: m.seq,
            sender: match m.sender {
                Sender::Visitor => "visitor",
                Sender::Operator(_) => "operator",
                Sender::System => "system",
            }
            .to_owned(),
            at_ms: crate::time_fmt::unix_millis(m.sent_at),
            text,
        }
    }
}

/// A chat as the sweep reads it: everything needed to extract it.
#[derive(Debug, Clone)]
pub struct ChatForSweep {
    pub chat: StoredChat,
    pub messages: Vec<StoredMessage>,
    pub visitor: Option<VisitorDetails>,
    /// The transcript as a supervisor or governance officer edited it
    /// (RED-5), if they did.
    pub edit: Option<Vec<TranscriptLine>>,
}

/// What is kept of a chat after its live record goes (RET-3). There is
/// deliberately no IP address, visitor name field or location here.
#[derive(Clone, PartialEq, Eq)]
pub struct ChatExtract {
    pub chat_id: ChatId,
    pub chat_ref: Option<ChatRef>,
    pub operator_name: Option<String>,
    pub requested_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
    pub ended_at: OffsetDateTime,
    pub chat_seconds: Option<i64>,
    pub question: Option<String>,
    pub browser: Option<String>,
    pub referrer: Option<String>,
    pub launch_url: Option<String>,
    pub pages_visited: Option<u32>,
    pub seconds_on_site: Option<u32>,
    pub content: Option<Vec<TranscriptLine>>,
    pub ended_by: Option<EndedBy>,
    pub edited_by_staff: bool,
    pub extracted_at: OffsetDateTime,
    pub anonymised_at: Option<OffsetDateTime>,
}

/// The extract's facts; of what people wrote, only lengths.
impl std::fmt::Debug for ChatExtract {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secret::ShownOpt;
        f.debug_struct("ChatExtract")
            .field("chat_id", &self.chat_id)
            .field("chat_ref", &self.chat_ref)
            .field("operator_name", &self.operator_name)
            .field("requested_at", &self.requested_at)
            .field("accepted_at", &self.accepted_at)
            .field("ended_at", &self.ended_at)
            .field("chat_seconds", &self.chat_seconds)
            .field("question", &ShownOpt(&self.question))
            .field("browser", &self.browser)
            .field("referrer", &ShownOpt(&self.referrer))
            .field("launch_url", &ShownOpt(&self.launch_url))
            .field("pages_visited", &self.pages_visited)
            .field("seconds_on_site", &self.seconds_on_site)
            .field("content", &self.content)
            .field("ended_by", &self.ended_by)
            .field("edited_by_staff", &self.edited_by_staff)
            .field("extracted_at", &self.extracted_at)
            .field("anonymised_at", &self.anonymised_at)
            .finish()
    }
}

/// An extract with the statistics its chat adds, stored together so that
/// a chat is counted exactly when it is extracted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedChat {
    pub extract: ChatExtract,
    /// `YYYY-MM-DD`, UTC, of the request.
    pub day: String,
    pub statistics: ChatStatistics,
}

/// Counts and sums for one day's chats: nothing personal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ChatStatistics {
    pub chats: i64,
    pub messages: i64,
    pub wait_seconds: i64,
    pub chat_seconds: i64,
    pub ended_by_operator: i64,
    pub ended_by_visitor: i64,
    pub ended_by_inactivity: i64,
}

impl ChatStatistics {
    /// One chat's contribution, under the UTC day it was requested.
    pub fn of(chat: &StoredChat, messages: i64) -> (String, Self) {
        let l = &chat.lifecycle;
        let secs = |a: OffsetDateTime, b: Option<OffsetDateTime>| {
            b.map(|b| (b - a).whole_seconds().max(0)).unwrap_or(0)
        };
        let wait = secs(l.requested_at, l.accepted_at);
        let length = l.accepted_at.map(|a| secs(a, l.ended_at)).unwrap_or(0);
        let d = l.requested_at.to_offset(time::UtcOffset::UTC).date();
        let day = format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day());
        let ended = |e: EndedBy| i64::from(l.ended_by == Some(e));
        (
            day,
            Self {
                chats: 1,
                messages,
                wait_seconds: wait,
                chat_seconds: length,
                ended_by_operator: ended(EndedBy::Operator),
                ended_by_visitor: ended(EndedBy::Visitor),
                ended_by_inactivity: ended(EndedBy::Inactivity),
            },
        )
    }

    pub fn add(&mut self, other: &Self) {
        self.chats += other.chats;
        self.messages += other.messages;
        self.wait_seconds += other.wait_seconds;
        self.chat_seconds += other.chat_seconds;
        self.ended_by_operator += other.ended_by_operator;
        self.ended_by_visitor += other.ended_by_visitor;
        self.ended_by_inactivity += other.ended_by_inactivity;
    }
}

/// What happens to extracts whose period has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExtractExpiry {
    /// The chat reference, operator, question and content go; times,
    /// lengths, browser, referrer and launch page stay.
    Anonymise,
    Delete,
}

/// The cutoffs of one sweep, worked out from the policy and the clock:
/// what ended at or before each instant is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SweepPlan {
    /// Live chat records (and everything with them).
    pub chats: Option<OffsetDateTime>,
    pub ip_addresses: Option<OffsetDateTime>,
    pub visitor_details: Option<OffsetDateTime>,
    pub extracts: Option<(OffsetDateTime, ExtractExpiry)>,
    /// Chatbot questions asked before the instant, and what happens to them.
    pub bot_questions: Option<(OffsetDateTime, ExtractExpiry)>,
}

/// How a sweep ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepOutcome {
    Running,
    Completed,
    Refused,
    Failed,
}

impl SweepOutcome {
    pub fn name(self) -> &'static str {
        match self {
            SweepOutcome::Running => "running",
            SweepOutcome::Completed => "completed",
            SweepOutcome::Refused => "refused",
            SweepOutcome::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Running, Self::Completed, Self::Refused, Self::Failed]
            .into_iter()
            .find(|o| o.name() == s)
    }
}

/// The counts of one sweep, step by step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SweepCounts {
    /// Chats whose live record was due.
    pub chats_due: u64,
    pub chats_extracted: u64,
    pub chats_deleted: u64,
    pub ip_addresses_deleted: u64,
    pub visitor_details_deleted: u64,
    pub extracts_anonymised: u64,
    pub extracts_deleted: u64,
    #[serde(default)]
    pub bot_questions_deleted: u64,
    #[serde(default)]
    pub bot_questions_anonymised: u64,
    /// Chats left alone because they are under legal hold.
    pub chats_held: u64,
}

impl SweepCounts {
    /// Records deleted, cleared or anonymised (extraction aside). In a
    /// preview, where nothing has been deleted yet, add `chats_due`.
    pub fn removals(&self) -> u64 {
        self.chats_deleted
            + self.ip_addresses_deleted
            + self.visitor_details_deleted
            + self.extracts_anonymised
            + self.extracts_deleted
            + self.bot_questions_deleted
            + self.bot_questions_anonymised
    }
}

/// One sweep as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SweepRecord {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub finished_at: Option<OffsetDateTime>,
    pub dry_run: bool,
    pub forced: bool,
    pub outcome: SweepOutcome,
    pub counts: SweepCounts,
}
