//! Staff accounts: the people who answer chats and govern the records.

pub mod lockout;
pub mod ports;
pub mod role;
pub mod session;

pub use role::{Permission, Role};

use crate::secret::Secret;
use serde::{Deserialize, Serialize};
use std::fmt;
use time::OffsetDateTime;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StaffId(pub i64);

impl fmt::Display for StaffId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a value typed by a person was refused. The message is safe to show
/// back to them and to log: it never repeats the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    #[error("a username is 3 to 64 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")]
    Username,
    #[error("a display name is 1 to 100 characters with no control characters")]
    DisplayName,
    #[error("a role is one of operator, supervisor, governance or admin")]
    Role,
    #[error("a password is {min} to {max} characters long", min = NewPassword::MIN_CHARS, max = NewPassword::MAX_CHARS)]
    PasswordLength,
}

/// A sign-in name: lower-case ASCII, so that `Alice` and `alice` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let s = raw.trim().to_ascii_lowercase();
        let ok_len = (3..=64).contains(&s.len());
        let ok_first = s
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
        let ok_chars = s
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if ok_len && ok_first && ok_chars {
            Ok(Self(s))
        } else {
            Err(InvalidInput::Username)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(value: Username) -> Self {
        value.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The name shown to colleagues and, for operators, to the people they chat with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<Self, InvalidInput> {
        let s = raw.trim();
        let chars = s.chars().count();
        if (1..=100).contains(&chars) && !s.chars().any(char::is_control) {
            Ok(Self(s.to_owned()))
        } else {
            Err(InvalidInput::DisplayName)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = InvalidInput;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(value: DisplayName) -> Self {
        value.0
    }
}

impl fmt::Display for DisplayName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password a person has chosen, checked for length only: long
/// passphrases beat composition rules (NCSC guidance).
#[derive(Debug, Clone)]
pub struct NewPassword(Secret<String>);

impl NewPassword {
    pub const MIN_CHARS: usize = 12;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(raw: Secret<String>) -> Result<Self, InvalidInput> {
        let n = raw.expose().chars().count();
        if (Self::MIN_CHARS..=Self::MAX_CHARS).contains(&n) {
            Ok(Self(raw))
        } else {
            Err(InvalidInput::PasswordLength)
        }
    }

    pub fn expose(&self) -> &str {
        self.0.expose()
    }
}

/// A staff member as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StaffMember {
    pub id: StaffId,
    pub username: Username,
    pub display_name: DisplayName,
    pub role: Role,
    pub disabled: bool,
    pub totp_enrolled: bool,
    pub must_change_password: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A staff member with what is needed to check their credentials. Only the
/// accounts service reads these.
#[derive(Debug, Clone)]
pub struct StaffCredentials {
    pub member: StaffMember,
    /// An Argon2id PHC string.
    pub password_hash: Secret<String>,
    /// The base32 TOTP secret, when enrolled.
    pub totp_secret: Option<Secret<String>>,
}

/// What is needed to create an account.
#[derive(Debug, Clone)]
pub struct NewStaff {
    pub username: Username,
    pub display_name: DisplayName,
    pub role: Role,
    pub password_hash: Secret<String>,
    pub must_change_password: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_folded_to_lower_case() {
        assert_eq!(
            Username::parse(" Alice.M ").map(|u| u.0),
            Ok("alice.m".into())
        );
    }

    #[test]
    fn bad_usernames_are_refused() {
        for raw in ["ab", "-lead", "with space", "ünï", &"x".repeat(65), "a/b"] {
            assert_eq!(Username::parse(raw), Err(InvalidInput::Username), "{raw}");
        }
    }

    #[test]
    fn display_names_refuse_control_characters() {
        assert!(DisplayName::parse("Màiri NicAoidh").is_ok());
        assert!(DisplayName::parse("bad\u{7}name").is_err());
        assert!(DisplayName::parse("   ").is_err());
    }

    #[test]
    fn passwords_need_twelve_characters() {
        assert!(NewPassword::parse(Secret::from("short")).is_err());
        assert!(NewPassword::parse(Secret::from("correct horse battery")).is_ok());
        let err = NewPassword::parse(Secret::from("short"))
            .err()
            .map(|e| e.to_string());
        assert!(!err.unwrap_or_default().contains("short"));
    }
}
