//! Finding chats still held (LC-5): the past-chats list's filters, what a
//! row of it shows, and the answered chats the dashboard counts. A row
//! holds the chat's facts (reference, state, operator, times, flag, hold),
//! never a word the visitor wrote.

use crate::chat::{ChatId, ChatRef, ChatState, StoredChat};
use crate::staff::StaffId;
use time::OffsetDateTime;

/// Which chats to list; every field left `None` lists them all, newest
/// first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatFilter {
    pub state: Option<ChatState>,
    pub operator: Option<StaffId>,
    /// Requested at or after.
    pub requested_from: Option<OffsetDateTime>,
    /// Requested before.
    pub requested_before: Option<OffsetDateTime>,
    /// Only flagged chats (`true`) or only unflagged ones (`false`).
    pub flagged: Option<bool>,
    /// Only chats under a legal hold, or only chats without one.
    pub held: Option<bool>,
    /// The one chat with this reference.
    pub chat_ref: Option<ChatRef>,
    /// Only chats older than this one (the next page).
    pub before: Option<ChatId>,
}

/// One row of the past-chats list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatListing {
    pub chat: StoredChat,
    pub flagged: bool,
    pub held: bool,
}

/// An answered chat as the dashboard counts it: when it was asked for and
/// taken, and by whom. From a chat still held or from what a sweep kept
/// of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredChat {
    pub requested_at: OffsetDateTime,
    pub accepted_at: Option<OffsetDateTime>,
    /// The operator's name as the visitor saw it.
    pub operator: Option<String>,
}

impl AnsweredChat {
    /// How long the visitor waited for an operator, in seconds.
    pub fn waited_seconds(&self) -> Option<i64> {
        self.accepted_at
            .map(|a| (a - self.requested_at).whole_seconds().max(0))
    }
}
