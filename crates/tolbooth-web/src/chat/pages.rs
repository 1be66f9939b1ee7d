//! The console's pages for live chat: the queue, the live console, one chat and canned responses, as askama templates.

use crate::pages::Layout;
use askama::Template;

/// One waiting enquiry in the queue.
pub struct QueueRow {
    pub chat_id: String,
    /// How long it has waited, as staff read it ("3 min").
    pub waited: String,
    pub question: String,
}

#[derive(Template)]
#[template(path = "chat/chat_queue.html")]
pub struct ChatQueuePage {
    pub layout: Layout,
    pub waiting: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "chat/canned.html")]
pub struct CannedPage {
    pub layout: Layout,
    pub responses: Vec<tolbooth_domain::chat::canned::CannedResponse>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "chat/chat_live.html")]
pub struct LiveConsolePage {
    pub layout: Layout,
    /// Why an enquiry may be turned down: name and label.
    pub reject_reasons: Vec<(&'static str, &'static str)>,
}

pub struct MessageRow {
    /// `visitor`, `operator` or `system`.
    pub from: &'static str,
    pub from_label: String,
    pub text: String,
    /// The time it was sent, local.
    pub at: String,
    /// A hand-over note: what was asked of the chatbot and its answer.
    pub note: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "chat/chat.html")]
pub struct ChatPage {
    pub layout: Layout,
    pub chat_id: String,
    pub state: &'static str,
    pub operator: Option<String>,
    /// The LC-3 record: label and value, in order.
    pub record: Vec<(&'static str, String)>,
    pub messages: Vec<MessageRow>,
    pub open: bool,
    pub next_client_id: String,
    /// Whether the viewer may review the transcript before it is kept.
    pub can_review: bool,
}

/// One row of the past-chats list: the chat's facts, no words from it.
pub struct HistoryRow {
    pub chat_id: String,
    /// Where opening it goes (transcript or governance page).
    pub href: String,
    pub state: &'static str,
    pub operator: String,
    pub requested: String,
    pub waited: String,
    pub length: String,
    pub flagged: bool,
    pub held: bool,
}

#[derive(Template)]
#[template(path = "chat/history.html")]
pub struct HistoryPage {
    pub layout: Layout,
    /// State names and labels for the filter.
    pub states: Vec<(&'static str, &'static str)>,
    /// Operators' ids and names for the filter.
    pub operators: Vec<(String, String)>,
    /// The filter that could not be read: its field and what to do.
    pub error: Option<(&'static str, &'static str)>,
    pub rows: Vec<HistoryRow>,
    /// The next page's query string, when older chats follow.
    pub next: Option<String>,
    /// Whether the list was searched (no error).
    pub searched: bool,
    pub state: String,
    pub operator: String,
    pub from: String,
    pub to: String,
    pub flagged: String,
    pub held: String,
    pub chat: String,
    pub time_zone: String,
}

impl HistoryPage {
    /// Whether `field` is the one in error.
    pub fn wrong(&self, field: &str) -> bool {
        self.error.is_some_and(|(f, _)| f == field)
    }

    /// Whether the state filter is `name`.
    pub fn is_state(&self, name: &str) -> bool {
        self.state == name
    }

    /// Whether the operator filter is `id`.
    pub fn is_operator(&self, id: &str) -> bool {
        self.operator == id
    }
}
