//! Live chat: the Chat ID a visitor is told, the lifecycle of an enquiry
//! (LC-3, LC-6), what a message may hold, and the flags an operator can
//! raise. Pure rules; the store keeps the state and the transport carries
//! the messages.
//!
//! An enquiry is *requested*, then *accepted* by an operator and later
//! *ended* (by the operator, the visitor, or inactivity); or it is
//! *rejected*, or *abandoned* before anyone accepted it. Rejected and
//! abandoned enquiries are not held (LC-6): only their counts are kept.

pub mod canned;
pub mod listing;
pub mod opening_hours;
pub mod ports;
pub mod visitor;

use crate::staff::StaffId;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use time::{Duration, OffsetDateTime};

/// Letters and digits of a Chat ID: Crockford's base 32, which leaves out
/// I, L, O and U so that a reference read aloud over the phone or copied by
/// hand is not mistaken.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// The human reference of a chat, `TB-7K3M-9QXD`: told to the visitor and
/// used by staff, never an internal id and never a credential (a visitor
/// proves who they are with their chat token). Eight symbols of base 32
/// carry 40 random bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatRef([u8; 8]);

/// Why a typed Chat ID was refused (never repeats the value).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a Chat ID looks like TB-7K3M-9QXD: TB and eight letters or digits")]
pub struct InvalidChatRef;

impl ChatRef {
    /// The reference made from five random bytes (40 bits). The caller
    /// supplies the randomness: this crate does no I/O.
    pub fn from_random(bytes: [u8; 5]) -> Self {
        let mut bits: u64 = 0;
        for b in bytes {
            bits = (bits << 8) | u64::from(b);
        }
        let mut symbols = [b'0'; 8];
        for (i, s) in symbols.iter_mut().enumerate() {
            let shift = 35 - 5 * i;
            let index = ((bits >> shift) & 0x1f) as usize;
            *s = ALPHABET.get(index).copied().unwrap_or(b'0');
        }
        Self(symbols)
    }
}

impl fmt::Display for ChatRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = std::str::from_utf8(&self.0).map_err(|_| fmt::Error)?;
        write!(f, "TB-{}-{}", &s[..4], &s[4..])
    }
}

impl FromStr for ChatRef {
    type Err = InvalidChatRef;

    /// Reads a reference as people type it: any case, with or without the
    /// `TB` and the dashes or spaces, and with O, I and L read as the
    /// digits they look like.
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let compact: Vec<u8> = raw
            .bytes()
            .filter(|b| !matches!(b, b'-' | b' '))
            .map(|b| b.to_ascii_uppercase())
            .collect();
        let body = compact.strip_prefix(b"TB").unwrap_or(&compact);
        if body.len() != 8 {
            return Err(InvalidChatRef);
        }
        let mut symbols = [b'0'; 8];
        for (slot, &b) in symbols.iter_mut().zip(body) {
            let b = match b {
                b'O' => b'0',
                b'I' | b'L' => b'1',
                other => other,
            };
            if !ALPHABET.contains(&b) {
                return Err(InvalidChatRef);
            }
            *slot = b;
        }
        Ok(Self(symbols))
    }
}

impl Serialize for ChatRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ChatRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        raw.parse().map_err(serde::de::Error::custom)
    }
}

/// Where an enquiry is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChatState {
    /// Waiting in the queue for an operator.
    Requested,
    /// An operator accepted it; the conversation is live.
    Accepted,
    /// Over; the record is kept as the retention policy says.
    Ended,
    /// An operator turned it down; not held (LC-6).
    Rejected,
    /// The visitor left before anyone accepted; not held (LC-6).
    Abandoned,
}

impl ChatState {
    pub fn name(self) -> &'static str {
        match self {
            ChatState::Requested => "requested",
            ChatState::Accepted => "accepted",
            ChatState::Ended => "ended",
            ChatState::Rejected => "rejected",
            ChatState::Abandoned => "abandoned",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [
            ChatState::Requested,
            ChatState::Accepted,
            ChatState::Ended,
            ChatState::Rejected,
            ChatState::Abandoned,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }

    /// No more messages or changes, other than flags and retention.
    pub fn is_closed(self) -> bool {
        !matches!(self, ChatState::Requested | ChatState::Accepted)
    }

    /// Whether the enquiry's content may be kept at all once closed: only
    /// chats that took place are (LC-6).
    pub fn is_kept(self) -> bool {
        matches!(
            self,
            ChatState::Requested | ChatState::Accepted | ChatState::Ended
        )
    }
}

/// Who ended a chat (LC-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Operator,
    Visitor,
    /// Nobody wrote for longer than the idle limit.
    Inactivity,
}

impl EndedBy {
    pub fn name(self) -> &'static str {
        match self {
            EndedBy::Operator => "operator",
            EndedBy::Visitor => "visitor",
            EndedBy::Inactivity => "inactivity",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [EndedBy::Operator, EndedBy::Visitor, EndedBy::Inactivity]
            .into_iter()
            .find(|e| e.name() == name)
    }
}

/// What happens to an enquiry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChatEvent {
    /// An operator (by display name) takes the enquiry.
    Accept {
        operator: String,
    },
    /// An operator turns it down.
    Reject,
    /// The visitor leaves, or stops answering, before anyone accepted.
    Abandon,
    /// The chat is handed to another operator.
    Transfer {
        operator: String,
    },
    End {
        by: EndedBy,
    },
}

/// A change the lifecycle does not allow, named for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a chat that is {from} cannot be {action}")]
pub struct NotAllowed {
    pub from: &'static str,
    pub action: &'static str,
}

/// The LC-3 record of one chat: what is recorded about the enquiry beyond
/// its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatLifecycle {
    pub chat_ref: ChatRef,
    pub state: ChatState,
    /// The operator's display name, as the visitor saw it.
    pub operator: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub accepted_at: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub ended_at: Option<OffsetDateTime>,
    pub ended_by: Option<EndedBy>,
}

impl ChatLifecycle {
    pub fn requested(chat_ref: ChatRef, at: OffsetDateTime) -> Self {
        Self {
            chat_ref,
            state: ChatState::Requested,
            operator: None,
            requested_at: at,
            accepted_at: None,
            ended_at: None,
            ended_by: None,
        }
    }

    /// Applies `event` at `at`, or says why it cannot happen. Nothing
    /// changes on an error.
    pub fn apply(&mut self, event: ChatEvent, at: OffsetDateTime) -> Result<(), NotAllowed> {
        let refuse = |action| NotAllowed {
            from: self.state.name(),
            action,
        };
        match (self.state, event) {
            (ChatState::Requested, ChatEvent::Accept { operator }) => {
                self.state = ChatState::Accepted;
                self.operator = Some(operator);
                self.accepted_at = Some(at);
            }
            (ChatState::Requested, ChatEvent::Reject) => {
                self.state = ChatState::Rejected;
                self.ended_at = Some(at);
            }
            (ChatState::Requested, ChatEvent::Abandon) => {
                self.state = ChatState::Abandoned;
                self.ended_at = Some(at);
            }
            (ChatState::Accepted, ChatEvent::Transfer { operator }) => {
                self.operator = Some(operator);
            }
            (ChatState::Accepted, ChatEvent::End { by }) => {
                self.state = ChatState::Ended;
                self.ended_at = Some(at);
                self.ended_by = Some(by);
            }
            // A visitor who leaves a waiting enquiry abandons it.
            (
                ChatState::Requested,
                ChatEvent::End {
                    by: EndedBy::Visitor | EndedBy::Inactivity,
                },
            ) => {
                self.state = ChatState::Abandoned;
                self.ended_at = Some(at);
            }
            (_, ChatEvent::Accept { .. }) => return Err(refuse("accepted")),
            (_, ChatEvent::Reject) => return Err(refuse("rejected")),
            (_, ChatEvent::Abandon) => return Err(refuse("abandoned")),
            (_, ChatEvent::Transfer { .. }) => return Err(refuse("transferred")),
            (_, ChatEvent::End { .. }) => return Err(refuse("ended")),
        }
        Ok(())
    }

    /// How long the conversation lasted, from acceptance to its end
    /// (LC-3's "chat length").
    pub fn length(&self) -> Option<Duration> {
        Some(self.ended_at? - self.accepted_at?)
    }

    /// How long the visitor waited in the queue (or has waited, at `now`).
    pub fn waited(&self, now: OffsetDateTime) -> Duration {
        self.accepted_at.or(self.ended_at).unwrap_or(now) - self.requested_at
    }
}

/// Why an operator flagged a chat (LC-5); flags are kept for the retention
/// work (legal holds, disclosures) to act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagReason {
    Offensive,
    SecurityConcern,
    Safeguarding,
    PossibleOffence,
}

impl FlagReason {
    pub const ALL: [FlagReason; 4] = [
        FlagReason::Offensive,
        FlagReason::SecurityConcern,
        FlagReason::Safeguarding,
        FlagReason::PossibleOffence,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FlagReason::Offensive => "offensive",
            FlagReason::SecurityConcern => "security_concern",
            FlagReason::Safeguarding => "safeguarding",
            FlagReason::PossibleOffence => "possible_offence",
        }
    }

    /// How the console names it.
    pub fn label(self) -> &'static str {
        match self {
            FlagReason::Offensive => "Offensive",
            FlagReason::SecurityConcern => "Security concern",
            FlagReason::Safeguarding => "Safeguarding",
            FlagReason::PossibleOffence => "Possible offence",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// A flag on a chat: why, who raised it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChatFlag {
    pub reason: FlagReason,
    pub by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
}

/// Why a message was refused (never repeats its text).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMessage {
    #[error("a message cannot be empty")]
    Empty,
    #[error("a message is at most {max} characters", max = MessageBody::MAX_CHARS)]
    TooLong,
    #[error("a message id is 1 to 64 letters, digits, '-' or '_'")]
    ClientId,
}

/// The text of a chat message: not blank, at most [`MessageBody::MAX_CHARS`]
/// characters, control characters other than line breaks and tabs removed,
/// line endings made `\n`. Shown as text, never as markup.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct MessageBody(String);

impl std::fmt::Debug for MessageBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("MessageBody")
            .field(&crate::secret::Shown(&self.0))
            .finish()
    }
}

impl MessageBody {
    pub const MAX_CHARS: usize = 4_000;

    pub fn parse(raw: &str) -> Result<Self, InvalidMessage> {
        let cleaned: String = raw
            .replace("\r\n", "\n")
            .chars()
            .map(|c| if c == '\r' { '\n' } else { c })
            .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
            .collect();
        let trimmed = cleaned.trim();
        if trimmed.is_empty() {
            return Err(InvalidMessage::Empty);
        }
        if trimmed.chars().count() > Self::MAX_CHARS {
            return Err(InvalidMessage::TooLong);
        }
        Ok(Self(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MessageBody {
    type Error = InvalidMessage;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<MessageBody> for String {
    fn from(b: MessageBody) -> String {
        b.0
    }
}

/// The id a client gives each message it sends, so that a resend after a
/// reconnect is stored once: 1 to 64 ASCII letters, digits, `-` or `_`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ClientMessageId(String);

impl ClientMessageId {
    pub fn parse(raw: &str) -> Result<Self, InvalidMessage> {
        let ok = (1..=64).contains(&raw.len())
            && raw
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_'));
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(InvalidMessage::ClientId)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ClientMessageId {
    type Error = InvalidMessage;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ClientMessageId> for String {
    fn from(id: ClientMessageId) -> String {
        id.0
    }
}

/// A chat's internal id: never shown to a visitor (they have the
/// [`ChatRef`]) and never a credential.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChatId(pub i64);

/// A new enquiry: its reference, the hash of the visitor's chat token, and
/// the question it opens with (LC-1: the first message is the question).
#[derive(Debug, Clone)]
pub struct NewChat {
    pub chat_ref: ChatRef,
    pub visitor_token_hash: String,
    pub requested_at: OffsetDateTime,
    pub question: MessageBody,
    pub question_client_id: Option<ClientMessageId>,
    /// What is captured with the enquiry (LC-2).
    pub visitor: visitor::VisitorDetails,
}

/// A chat as stored: its lifecycle (LC-3) and where its messages are up to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredChat {
    pub id: ChatId,
    pub lifecycle: ChatLifecycle,
    pub operator_staff_id: Option<StaffId>,
    /// The sequence number of its last message.
    pub last_seq: i64,
}

/// Why an operator turned an enquiry down: a short list, so that the
/// audit log says why without any word of the enquiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RejectReason {
    /// Not something the organisation deals with.
    OutOfScope,
    /// Abusive or offensive.
    Abusive,
    /// A test, or sent by mistake.
    Mistake,
    /// Already being answered another way.
    AnsweredElsewhere,
}

impl RejectReason {
    pub const ALL: [RejectReason; 4] = [
        RejectReason::OutOfScope,
        RejectReason::Abusive,
        RejectReason::Mistake,
        RejectReason::AnsweredElsewhere,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RejectReason::OutOfScope => "out_of_scope",
            RejectReason::Abusive => "abusive",
            RejectReason::Mistake => "mistake",
            RejectReason::AnsweredElsewhere => "answered_elsewhere",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectReason::OutOfScope => "Not something we deal with",
            RejectReason::Abusive => "Abusive or offensive",
            RejectReason::Mistake => "A test or sent by mistake",
            RejectReason::AnsweredElsewhere => "Already answered another way",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.name() == name)
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sender {
    Visitor,
    Operator(StaffId),
    /// A note from Tolbooth for staff (what the visitor asked the chatbot
    /// before asking for a person); never shown to the visitor.
    System,
}

impl Sender {
    pub fn kind(self) -> &'static str {
        match self {
            Sender::Visitor => "visitor",
            Sender::Operator(_) => "operator",
            Sender::System => "system",
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub sender: Sender,
    pub client_id: Option<ClientMessageId>,
    pub body: MessageBody,
    pub sent_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredMessage {
    /// 1, 2, 3, ... within the chat, in the order the store accepted them.
    pub seq: i64,
    pub sender: Sender,
    pub client_id: Option<ClientMessageId>,
    pub body: MessageBody,
    pub sent_at: OffsetDateTime,
}

/// The result of appending a message: the stored message, and whether it
/// had been stored already (a resend of the same client id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub message: StoredMessage,
    pub duplicate: bool,
}

#[cfg(test)]
mod tests;
