//! The JSON frames of the live chat protocol, as docs/protocol.md lists
//! them. Unknown fields are ignored, so that clients can be newer than the
//! server; an unknown `type` is answered with a `bad_frame` error.

use serde::{Deserialize, Serialize};
use tolbooth_core::chat::ChatError;
use tolbooth_core::Code;
use tolbooth_domain::chat::{Sender, StoredChat, StoredMessage};
use tolbooth_domain::secret::{Shown, ShownOpt};
use tolbooth_domain::staff::StaffId;
use tolbooth_domain::time_fmt::unix_millis;

/// What a visitor's client sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VisitorIn {
    Start {
        question: String,
        client_id: Option<String>,
        /// The visitor's name, if they gave one.
        name: Option<String>,
        /// The widget's random first-party id.
        visitor_id: Option<String>,
        #[serde(default)]
        context: VisitContext,
        /// The conversation with the chatbot before asking for a person
        /// (BOT-3), shown to the operator.
        #[serde(default)]
        bot_transcript: Vec<BotTurnIn>,
    },
    /// A question for the chatbot (BOT-1); answered with `answer`.
    Ask {
        question: String,
        client_id: Option<String>,
    },
    /// "Did this help?" for an answer's `id`.
    Feedback {
        id: String,
        helpful: bool,
    },
    Resume {
        token: String,
        #[serde(default)]
        after: i64,
    },
    Send {
        client_id: String,
        text: String,
    },
    Typing {
        active: bool,
    },
    Leave,
    Ping,
}

/// One question and answer of the visitor's conversation with the bot.
#[derive(Debug, Deserialize)]
pub struct BotTurnIn {
    pub question: String,
    pub answer: String,
    /// The answer's id, when the chatbot kept the question.
    #[serde(default)]
    pub id: Option<String>,
}

/// A page the chatbot cites or offers.
#[derive(Debug, Serialize)]
pub struct SourceOut {
    pub url: String,
    pub title: String,
}

/// The chatbot's reply as the widget (socket `answer`) and
/// `POST /api/bot/ask` both give it.
#[derive(Debug, Serialize)]
pub struct BotAnswer {
    /// For `feedback`; null when the policy keeps no questions.
    pub id: Option<String>,
    pub answered: bool,
    pub text: String,
    pub heading: Option<String>,
    pub sources: Vec<SourceOut>,
    pub reason: Option<&'static str>,
}

impl From<tolbooth_core::bot::Asked> for BotAnswer {
    fn from(asked: tolbooth_core::bot::Asked) -> Self {
        let reply = asked.reply;
        Self {
            id: asked.id.map(|id| id.as_str().to_owned()),
            answered: reply.answered,
            text: reply.text,
            heading: reply.heading,
            sources: reply
                .sources
                .into_iter()
                .map(|s| SourceOut {
                    url: s.url,
                    title: s.title,
                })
                .collect(),
            reason: reply.reason.map(|r| r.as_str()),
        }
    }
}

/// Where the visitor came from (LC-2), as the widget counts it.
#[derive(Debug, Default, Deserialize)]
pub struct VisitContext {
    pub launch_url: Option<String>,
    pub referrer: Option<String>,
    pub pages_visited: Option<u64>,
    pub seconds_on_site: Option<u64>,
}

/// What an operator's console sends.
#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ConsoleIn {
    Open {
        chat_id: String,
        #[serde(default)]
        after: i64,
    },
    Close {
        chat_id: String,
    },
    Accept {
        chat_id: String,
    },
    Reject {
        chat_id: String,
        /// Why, from the short list (`out_of_scope`, `abusive`, `mistake`,
        /// `answered_elsewhere`).
        #[serde(default)]
        reason: Option<String>,
    },
    End {
        chat_id: String,
    },
    Send {
        chat_id: String,
        client_id: String,
        text: String,
    },
    Typing {
        chat_id: String,
        active: bool,
    },
    Transfer {
        chat_id: String,
        to: i64,
    },
    /// Opens the visitor panel (audited).
    Visitor {
        chat_id: String,
    },
    Flag {
        chat_id: String,
        reason: String,
    },
    /// The operator's own status: available to take chats, or away.
    Status {
        available: bool,
    },
    Ping,
}

#[derive(Serialize)]
pub struct MessageOut {
    pub chat_id: String,
    pub seq: i64,
    pub from: &'static str,
    /// The sending client's id, given back only to that side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    pub text: String,
    pub sent_at: i64,
}

#[derive(Debug, Serialize)]
pub struct StateOut {
    pub chat_id: String,
    pub state: &'static str,
    pub operator: Option<String>,
    /// The operator's staff id, for consoles.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub operator_id: Option<i64>,
    pub requested_at: i64,
    pub accepted_at: Option<i64>,
    pub ended_at: Option<i64>,
    pub ended_by: Option<&'static str>,
}

#[derive(Serialize)]
pub struct QueuedOut {
    pub chat_id: String,
    pub requested_at: i64,
    /// The start of the question (the whole of a short one).
    pub question: String,
    /// Whether `question` was cut: the whole text comes with the chat.
    pub truncated: bool,
}

impl QueuedOut {
    /// An entry showing at most `chars` characters of `question`, with
    /// runs of white space folded.
    pub fn preview(chat_id: String, requested_at: i64, question: &str, chars: usize) -> Self {
        let folded = question.split_whitespace().collect::<Vec<_>>().join(" ");
        let (shown, truncated) = match folded.char_indices().nth(chars) {
            Some((cut, _)) => (folded[..cut].trim_end().to_owned(), true),
            None => (folded, false),
        };
        QueuedOut {
            chat_id,
            requested_at,
            question: shown,
            truncated,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct OperatorOut {
    pub id: i64,
    pub name: String,
}

/// An operator present, and whether they take chats now.
#[derive(Debug, Serialize)]
pub struct PresentOut {
    pub id: i64,
    pub name: String,
    pub available: bool,
    /// False in the minute after their last console closed.
    pub connected: bool,
}

/// The longest text the server accepts, in characters: a chat message
/// (and the question that starts a chat), and a question to the chatbot.
#[derive(Debug, Serialize)]
pub struct Limits {
    pub message: usize,
    pub question: usize,
}

impl Limits {
    pub const SERVER: Limits = Limits {
        message: tolbooth_domain::chat::MessageBody::MAX_CHARS,
        question: tolbooth_core::bot::MAX_QUESTION_CHARS,
    };
}

/// Everything the server sends.
#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Out {
    Welcome {
        organisation: String,
        /// Whether chat is within its opening hours now (LC-9).
        open: bool,
        /// The opening hours as people read them, when configured.
        hours: Option<String>,
        /// Whether an operator has said they are available now (LC-9).
        operators_available: bool,
        /// Whether the chatbot has a knowledge base to answer from.
        chatbot: bool,
        /// The longest text accepted, in characters.
        limits: Limits,
        /// How else to reach the organisation, for a visitor whose chat
        /// could not be taken.
        other_contact: Option<String>,
    },
    /// To visitors: whether an operator is available changed.
    Availability {
        operators_available: bool,
    },
    /// The chatbot's reply to `ask`.
    Answer {
        client_id: Option<String>,
        #[serde(flatten)]
        answer: BotAnswer,
    },
    /// Feedback recorded.
    FeedbackSaved {
        id: String,
    },
    Started {
        chat_id: String,
        token: String,
        client_id: Option<String>,
    },
    State(StateOut),
    Message(MessageOut),
    Typing {
        chat_id: String,
        active: bool,
    },
    Ack {
        chat_id: String,
        client_id: String,
        seq: i64,
        duplicate: bool,
    },
    Error {
        code: Code,
        message: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        client_id: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        chat_id: Option<String>,
    },
    Pong,
    /// To consoles: who they are.
    Hello {
        me: OperatorOut,
        server_time: i64,
        /// The organisation's time zone (IANA name): times are shown in it.
        time_zone: String,
    },
    /// To consoles: the queue, oldest first (at most 200), and how many
    /// are waiting in all; again when it changes, at most four times a
    /// second.
    Queue {
        chats: Vec<QueuedOut>,
        total: usize,
    },
    /// To consoles: the operators with a console open (or left less than
    /// a minute ago), each with their status; again when it changes.
    Operators {
        on_duty: Vec<PresentOut>,
    },
    /// To consoles: chats this operator is answering (sent on connecting,
    /// so that a reloaded console can reopen them).
    Mine {
        chat_ids: Vec<String>,
    },
    /// To a console, on opening a chat: the name the visitor gave, to
    /// label their messages with (`null` when they gave none).
    VisitorName {
        chat_id: String,
        name: Option<String>,
    },
    /// To a console: a chat was handed to this operator.
    Assigned {
        chat_id: String,
    },
    /// To a console: the visitor panel of a chat.
    Visitor(Box<VisitorOut>),
    /// To a console: a flag was recorded (`new` false if it was there).
    Flagged {
        chat_id: String,
        reason: &'static str,
        new: bool,
    },
    /// To consoles: the canned responses, on connecting.
    Canned {
        responses: Vec<CannedOut>,
    },
}

#[derive(Debug, Serialize)]
pub struct CannedOut {
    pub id: i64,
    pub title: String,
    pub body: String,
}

#[derive(Debug, Serialize)]
pub struct EarlierOut {
    pub chat_id: String,
    pub state: &'static str,
    pub requested_at: i64,
    pub operator: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct FlagOut {
    pub reason: &'static str,
    pub label: &'static str,
    pub by: String,
    pub at: i64,
}

/// The visitor panel (LC-2, LC-5).
#[derive(Serialize)]
pub struct VisitorOut {
    pub chat_id: String,
    pub name: Option<String>,
    pub ip_address: Option<String>,
    pub location: Option<String>,
    pub browser: Option<String>,
    pub operating_system: Option<String>,
    pub device: Option<String>,
    pub referrer: Option<String>,
    pub launch_url: Option<String>,
    pub pages_visited: Option<u32>,
    pub seconds_on_site: Option<u32>,
    pub earlier: Vec<EarlierOut>,
    pub flags: Vec<FlagOut>,
}

impl VisitorOut {
    pub fn of(panel: tolbooth_core::chat::VisitorPanel) -> Self {
        let d = panel.details.unwrap_or_default();
        VisitorOut {
            chat_id: panel.chat.lifecycle.chat_ref.to_string(),
            name: d.name,
            ip_address: d.ip.map(|ip| ip.to_string()),
            location: d.location,
            browser: d.browser,
            operating_system: d.operating_system,
            device: d.device,
            referrer: d.referrer,
            launch_url: d.launch_url,
            pages_visited: d.pages_visited,
            seconds_on_site: d.seconds_on_site,
            earlier: panel
                .earlier
                .iter()
                .map(|c| EarlierOut {
                    chat_id: c.lifecycle.chat_ref.to_string(),
                    state: c.lifecycle.state.name(),
                    requested_at: unix_millis(c.lifecycle.requested_at),
                    operator: c.lifecycle.operator.clone(),
                })
                .collect(),
            flags: panel
                .flags
                .iter()
                .map(|f| FlagOut {
                    reason: f.reason.name(),
                    label: f.reason.label(),
                    by: f.by_name.clone(),
                    at: unix_millis(f.at),
                })
                .collect(),
        }
    }
}

impl Out {
    pub fn error(code: Code, message: &str, client_id: Option<String>) -> Self {
        Out::Error {
            code,
            message: message.to_owned(),
            client_id,
            chat_id: None,
        }
    }

    pub fn chat_error(e: &ChatError, client_id: Option<String>, chat_id: Option<String>) -> Self {
        let message = match e {
            ChatError::Store(_) => "the service is temporarily unavailable".to_owned(),
            other => other.to_string(),
        };
        Out::Error {
            code: e.code(),
            message,
            client_id,
            chat_id,
        }
    }

    pub fn state(chat: &StoredChat) -> Self {
        let l = &chat.lifecycle;
        Out::State(StateOut {
            chat_id: l.chat_ref.to_string(),
            state: l.state.name(),
            operator: l.operator.clone(),
            operator_id: None,
            requested_at: unix_millis(l.requested_at),
            accepted_at: l.accepted_at.map(unix_millis),
            ended_at: l.ended_at.map(unix_millis),
            ended_by: l.ended_by.map(|b| b.name()),
        })
    }

    /// The state as a console sees it, with the operator's staff id.
    pub fn console_state(chat: &StoredChat) -> Self {
        match Out::state(chat) {
            Out::State(mut s) => {
                s.operator_id = chat.operator_staff_id.map(|id| id.0);
                Out::State(s)
            }
            other => other,
        }
    }

    /// A message as `viewer` sees it: only the viewer's own client ids
    /// come back.
    pub fn message(chat: &StoredChat, m: &StoredMessage, viewer: Viewer) -> Self {
        let own = match (m.sender, viewer) {
            (Sender::Visitor, Viewer::Visitor) => true,
            (Sender::Operator(id), Viewer::Staff(me)) => id == me,
            _ => false,
        };
        Out::Message(MessageOut {
            chat_id: chat.lifecycle.chat_ref.to_string(),
            seq: m.seq,
            from: m.sender.kind(),
            client_id: if own {
                m.client_id.as_ref().map(|c| c.as_str().to_owned())
            } else {
                None
            },
            text: m.body.as_str().to_owned(),
            sent_at: unix_millis(m.sent_at),
        })
    }
}

/// Whether `viewer` sees message `m`: notes from Tolbooth are for staff.
pub fn shown_to(viewer: Viewer, m: &StoredMessage) -> bool {
    !matches!((viewer, m.sender), (Viewer::Visitor, Sender::System))
}

/// Who a frame is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    Visitor,
    Staff(StaffId),
}

// Frames that carry what visitors wrote or who they are show lengths in
// `Debug`, never content.
impl std::fmt::Debug for MessageOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MessageOut")
            .field("chat_id", &self.chat_id)
            .field("seq", &self.seq)
            .field("from", &self.from)
            .field("text", &Shown(&self.text))
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for QueuedOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QueuedOut")
            .field("chat_id", &self.chat_id)
            .field("question", &Shown(&self.question))
            .field("truncated", &self.truncated)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for VisitorOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VisitorOut")
            .field("chat_id", &self.chat_id)
            .field("name", &ShownOpt(&self.name))
            .field("earlier", &self.earlier.len())
            .field("flags", &self.flags.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::QueuedOut;

    #[test]
    fn a_queue_preview_is_the_start_of_the_question() {
        let short = QueuedOut::preview("TB".into(), 0, "When is my  bin\ncollected?", 140);
        assert_eq!(short.question, "When is my bin collected?");
        assert!(!short.truncated);
        let long = "ü".repeat(4_000);
        let cut = QueuedOut::preview("TB".into(), 0, &long, 140);
        assert_eq!(cut.question.chars().count(), 140);
        assert!(cut.truncated);
        let exact = "a".repeat(140);
        assert!(!QueuedOut::preview("TB".into(), 0, &exact, 140).truncated);
        let shown = format!(
            "{:?}",
            QueuedOut::preview("TB".into(), 0, "Canary-Wren", 140)
        );
        assert!(!shown.contains("Canary"), "{shown}");
    }
}
