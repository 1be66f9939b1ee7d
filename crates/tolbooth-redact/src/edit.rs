//! Manual edits of a redacted transcript by staff (RED-5).
//!
//! An edit is recorded by what it changed, never by the text: the hashes of
//! the transcript before and after and the number of characters removed and
//! added. The retention pipeline stores the edited text with the record and
//! writes a [`ManualEdit`] into the audit log's reason, so an auditor can
//! check that the stored transcript is the one the named officer approved.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// SHA-256 of a transcript's text, hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TranscriptHash(pub String);

impl TranscriptHash {
    pub fn of(text: &str) -> Self {
        Self(hex::encode(Sha256::digest(text.as_bytes())))
    }
}

/// What an edit changed, without the text itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManualEdit {
    pub before: TranscriptHash,
    pub after: TranscriptHash,
    pub chars_before: usize,
    pub chars_after: usize,
}

impl ManualEdit {
    pub fn between(before: &str, after: &str) -> Self {
        Self {
            before: TranscriptHash::of(before),
            after: TranscriptHash::of(after),
            chars_before: before.chars().count(),
            chars_after: after.chars().count(),
        }
    }

    /// Whether the edit changed anything.
    pub fn changed(&self) -> bool {
        self.before != self.after
    }

    /// A one-line summary for an audit entry's reason field.
    pub fn audit_reason(&self) -> String {
        format!(
            "transcript edited: sha256 {} -> {} ({} -> {} characters)",
            self.before.0, self.after.0, self.chars_before, self.chars_after
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_edit_is_described_by_hashes_not_text() {
        let e = ManualEdit::between("call Jo on [phone number removed]", "call Jo later");
        assert!(e.changed());
        let reason = e.audit_reason();
        assert!(!reason.contains("Jo"));
        assert!(reason.contains(&e.after.0));
        assert!(!ManualEdit::between("same", "same").changed());
    }
}
