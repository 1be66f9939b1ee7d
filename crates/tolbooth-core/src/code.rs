//! One table of error codes for all of Tolbooth. Every error a use case
//! returns says its [`Code`]; the web layer maps each code to an HTTP
//! status once (`tolbooth_web`'s `error.rs`), and the console's pages, the
//! JSON API and the socket frames all send the code's name. The names are
//! stable snake_case and double as translation keys: a code is never an
//! English sentence.

use serde::{Serialize, Serializer};
use tolbooth_domain::store::StoreError;

/// What went wrong, as a client or a translator needs to know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Input that is not acceptable: too long, empty, malformed.
    BadInput,
    /// JSON of the wrong shape: a field missing, unknown or of the wrong
    /// type.
    InvalidBody,
    /// A socket frame that is not one of the protocol's.
    BadFrame,
    TooLarge,
    UnsupportedMediaType,
    MethodNotAllowed,
    Timeout,
    Unauthenticated,
    Forbidden,
    /// A form without its CSRF token, or from another site.
    BadCsrfToken,
    NotFound,
    /// Someone else changed the record first, or it is in a state that
    /// does not allow this.
    Conflict,
    ChatClosed,
    /// The chat is another operator's.
    NotYours,
    NoSuchOperator,
    OutOfHours,
    /// A visitor's socket that has not started or resumed a chat.
    NotStarted,
    AlreadyStarted,
    RateLimited,
    Internal,
    Unavailable,
}

impl Code {
    /// Every code, for documentation and tests.
    pub const ALL: [Code; 21] = [
        Code::BadInput,
        Code::InvalidBody,
        Code::BadFrame,
        Code::TooLarge,
        Code::UnsupportedMediaType,
        Code::MethodNotAllowed,
        Code::Timeout,
        Code::Unauthenticated,
        Code::Forbidden,
        Code::BadCsrfToken,
        Code::NotFound,
        Code::Conflict,
        Code::ChatClosed,
        Code::NotYours,
        Code::NoSuchOperator,
        Code::OutOfHours,
        Code::NotStarted,
        Code::AlreadyStarted,
        Code::RateLimited,
        Code::Internal,
        Code::Unavailable,
    ];

    /// The code's stable name, also its translation key.
    pub fn name(self) -> &'static str {
        match self {
            Code::BadInput => "bad_input",
            Code::InvalidBody => "invalid_body",
            Code::BadFrame => "bad_frame",
            Code::TooLarge => "too_large",
            Code::UnsupportedMediaType => "unsupported_media_type",
            Code::MethodNotAllowed => "method_not_allowed",
            Code::Timeout => "timeout",
            Code::Unauthenticated => "unauthenticated",
            Code::Forbidden => "forbidden",
            Code::BadCsrfToken => "bad_csrf_token",
            Code::NotFound => "not_found",
            Code::Conflict => "conflict",
            Code::ChatClosed => "chat_closed",
            Code::NotYours => "not_yours",
            Code::NoSuchOperator => "no_such_operator",
            Code::OutOfHours => "out_of_hours",
            Code::NotStarted => "not_started",
            Code::AlreadyStarted => "already_started",
            Code::RateLimited => "rate_limited",
            Code::Internal => "internal",
            Code::Unavailable => "unavailable",
        }
    }

    /// The store's errors: a missing record, a lost race, an outage.
    pub fn of_store(e: &StoreError) -> Code {
        match e {
            StoreError::NotFound => Code::NotFound,
            StoreError::Conflict(_) => Code::Conflict,
            StoreError::Unavailable(_) => Code::Unavailable,
        }
    }

    /// The server failed, rather than the request: the cause is logged,
    /// never shown.
    pub fn is_server_fault(self) -> bool {
        matches!(self, Code::Internal | Code::Unavailable)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::Code;
    use std::collections::HashSet;

    #[test]
    fn names_are_distinct_snake_case_keys() {
        let names: HashSet<_> = Code::ALL.iter().map(|c| c.name()).collect();
        assert_eq!(names.len(), Code::ALL.len());
        for n in names {
            assert!(
                n.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{n} is not a key"
            );
        }
    }
}
