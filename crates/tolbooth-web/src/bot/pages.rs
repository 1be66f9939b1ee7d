//! The console's pages for the chatbot's report and phrasings, as askama templates.

use crate::pages::Layout;
use askama::Template;

#[derive(Template)]
#[template(path = "bot/chatbot.html")]
pub struct ChatbotPage {
    pub layout: Layout,
    pub keeps_questions: bool,
    pub weeks: Vec<tolbooth_domain::bot::questions::AreaWeek>,
    pub unanswered: Vec<UnansweredRow>,
    pub pages: usize,
    /// How questions are matched: "words", "words-and-meaning" or
    /// "embedding" (the model is configured, the texts not all embedded
    /// yet).
    pub retrieval: &'static str,
    pub phrasings: Vec<tolbooth_domain::bot::knowledge::KbPhrasing>,
    pub error: Option<String>,
}

/// An unanswered question as the report lists it.
pub struct UnansweredRow {
    pub asked_at: String,
    pub redacted: String,
    pub reason: String,
    pub service_area: String,
}
