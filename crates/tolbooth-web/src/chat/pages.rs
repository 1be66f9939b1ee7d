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
