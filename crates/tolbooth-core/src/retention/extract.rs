//! The RET-3 extract of a chat before its record goes: only the fields the
//! policy's edited-transcript category lists, the transcript redacted (or
//! as staff edited it), times kept to the day unless the policy keeps them.

use super::Sweeper;
use time::OffsetDateTime;
use tolbooth_domain::chat::Sender;
use tolbooth_domain::policy::CategoryKind;
use tolbooth_domain::retention::{
    ChatExtract, ChatForSweep, ChatStatistics, ExtractedChat, TranscriptLine,
};

impl Sweeper {
    /// The RET-3 extract of one chat, holding only the fields the policy's
    /// edited-transcript category lists.
    pub(super) fn extract(&self, c: &ChatForSweep, now: OffsetDateTime) -> Option<ExtractedChat> {
        let l = &c.chat.lifecycle;
        let ended_at = l.ended_at?;
        let fields = self
            .policy
            .category(CategoryKind::EditedTranscript)
            .map(|cat| cat.fields.clone())
            .unwrap_or_default();
        let has = |f: &str| fields.iter().any(|x| x == f);
        let edited = c.edit.is_some();
        let lines: Vec<TranscriptLine> = match &c.edit {
            Some(lines) => lines.clone(),
            None => c
                .messages
                .iter()
                .map(|m| {
                    TranscriptLine::from_message(m, self.redactor.redact(m.body.as_str()).text)
                })
                .collect(),
        };
        let question = lines
            .iter()
            .find(|line| line.sender == Sender::Visitor.kind())
            .map(|line| line.text.clone());
        let visitor = c.visitor.clone().unwrap_or_default();
        let keep = |f: &str, v: Option<String>| if has(f) { v } else { None };
        let keep_n = |f: &str, v: Option<u32>| if has(f) { v } else { None };
        let (day, statistics) = ChatStatistics::of(&c.chat, c.messages.len() as i64);
        let times = has("times");
        Some(ExtractedChat {
            extract: ChatExtract {
                chat_id: c.chat.id,
                chat_ref: has("chat_id").then_some(l.chat_ref),
                operator_name: keep("operator_name", l.operator.clone()),
                // Times are needed to expire the extract; without the
                // `times` field they are kept to the day.
                requested_at: if times {
                    l.requested_at
                } else {
                    day_of(l.requested_at)
                },
                accepted_at: if times { l.accepted_at } else { None },
                ended_at: if times { ended_at } else { day_of(ended_at) },
                chat_seconds: if has("chat_length") {
                    l.accepted_at.map(|a| (ended_at - a).whole_seconds().max(0))
                } else {
                    None
                },
                question: keep("question", question),
                browser: keep("browser", visitor.browser),
                referrer: keep("referrer", visitor.referrer),
                launch_url: keep("launch_url", visitor.launch_url),
                pages_visited: keep_n("pages_visited", visitor.pages_visited),
                seconds_on_site: keep_n("time_on_site", visitor.seconds_on_site),
                content: has("content").then_some(lines),
                ended_by: if has("ended_by") { l.ended_by } else { None },
                edited_by_staff: edited,
                extracted_at: now,
                anonymised_at: None,
            },
            day,
            statistics,
        })
    }
}

fn day_of(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_time(time::Time::MIDNIGHT)
}
