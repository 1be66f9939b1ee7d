//! Canned responses (LC-4): replies supervisors keep for operators to
//! insert and adapt.

use crate::staff::StaffId;
use time::OffsetDateTime;

/// Longest title, in characters.
pub const MAX_TITLE_CHARS: usize = 80;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CannedId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedResponse {
    pub id: CannedId,
    pub title: String,
    pub body: String,
    pub updated_by: Option<StaffId>,
    pub updated_at: OffsetDateTime,
}

/// Why a canned response was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidCanned {
    #[error("give the response a title of 1 to {MAX_TITLE_CHARS} characters")]
    Title,
    #[error(
        "the response text must be 1 to {} characters",
        crate::chat::MessageBody::MAX_CHARS
    )]
    Body,
}

/// A title and text as a supervisor typed them, cleaned: the title on one
/// line, the text under the same rules as a chat message.
pub fn parse(title: &str, body: &str) -> Result<(String, crate::chat::MessageBody), InvalidCanned> {
    let title = crate::chat::visitor::clean_text(title, MAX_TITLE_CHARS + 1)
        .filter(|t| t.chars().count() <= MAX_TITLE_CHARS)
        .ok_or(InvalidCanned::Title)?;
    let body = crate::chat::MessageBody::parse(body).map_err(|_| InvalidCanned::Body)?;
    Ok((title, body))
}
