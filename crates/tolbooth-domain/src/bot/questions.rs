//! What the chatbot keeps of the questions it is asked (BOT-4, BOT-5),
//! and only when the running policy has a `chatbot_question` category: the
//! question as asked (deleted or anonymised when the policy says), the
//! question through the redaction engine (what reports show), the service
//! area, whether it was answered or why not, and the visitor's "did this
//! help?".

use serde::Serialize;
use time::OffsetDateTime;

/// A question's public handle: 32 hex digits, random. It lets the widget
/// send feedback and nothing else.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BotQuestionId(String);

impl BotQuestionId {
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(hex::encode(bytes))
    }

    pub fn parse(s: &str) -> Option<Self> {
        (s.len() == 32
            && s.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        .then(|| Self(s.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One question as stored.
#[derive(Clone, PartialEq, Serialize)]
pub struct BotQuestion {
    pub id: BotQuestionId,
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: OffsetDateTime,
    /// As asked; `None` once anonymised.
    pub question: Option<String>,
    /// Through the redaction engine; `None` once anonymised.
    pub redacted: Option<String>,
    pub service_area: Option<String>,
    pub answered: bool,
    /// Why it was not answered (`low_confidence`, `case_specific`, ...).
    pub reason: Option<String>,
    /// The page cited (answered) or offered first (declined).
    pub page_url: Option<String>,
    pub helpful: Option<bool>,
}

/// The question's facts, never its words.
impl std::fmt::Debug for BotQuestion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        use crate::secret::ShownOpt;
        f.debug_struct("BotQuestion")
            .field("id", &self.id)
            .field("asked_at", &self.asked_at)
            .field("question", &ShownOpt(&self.question))
            .field("redacted", &ShownOpt(&self.redacted))
            .field("service_area", &self.service_area)
            .field("answered", &self.answered)
            .field("reason", &self.reason)
            .field("page_url", &self.page_url)
            .field("helpful", &self.helpful)
            .finish()
    }
}

/// Questions in one service area in one week (weeks start on Monday).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaWeek {
    /// The Monday, `YYYY-MM-DD`.
    pub week: String,
    pub service_area: String,
    pub asked: u64,
    pub answered: u64,
    pub helpful: u64,
    pub not_helpful: u64,
}

/// A question the bot did not answer, as reports show it: redacted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unanswered {
    #[serde(with = "time::serde::rfc3339")]
    pub asked_at: OffsetDateTime,
    pub redacted: String,
    pub reason: String,
    pub service_area: Option<String>,
}

/// The chatbot's questions on one UTC day, for the dashboard.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BotDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub asked: u64,
    pub answered: u64,
    /// Followed by "Talk to a person".
    pub handed_over: u64,
    pub helpful: u64,
    pub not_helpful: u64,
}

/// The console's chatbot report.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BotReport {
    pub weeks: Vec<AreaWeek>,
    pub unanswered: Vec<Unanswered>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_32_lower_hex_digits() {
        let id = BotQuestionId::from_random([0xab; 16]);
        assert_eq!(BotQuestionId::parse(id.as_str()), Some(id));
        assert_eq!(BotQuestionId::parse("AB"), None);
        assert_eq!(BotQuestionId::parse(&"g".repeat(32)), None);
        assert_eq!(BotQuestionId::parse(&"A".repeat(32)), None);
    }
}
