//! The shape of the audit log (AUD-2) and the hash chain that makes it
//! tamper-evident.
//!
//! Each entry's hash covers every field of the entry and the hash of the
//! entry before it, so editing, deleting, reordering or inserting a row
//! breaks the chain at that row. Truncating the tail, or rewriting the whole
//! chain, is caught by comparing against a signed [`Checkpoint`] exported
//! earlier.
//!
//! An entry never holds message content or other personal data: it names
//! who did what to which object, and why.

pub mod ports;

use crate::staff::role::Role;
use crate::staff::StaffId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use time::OffsetDateTime;

/// A SHA-256 digest in the chain.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct ChainHash(pub [u8; 32]);

impl ChainHash {
    /// The `prev_hash` of the first entry.
    pub const GENESIS: ChainHash = ChainHash([0; 32]);

    pub fn to_hex(self) -> String {
        hex::encode(self.0)
    }

    pub fn from_hex(s: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(s, &mut out).ok()?;
        Some(Self(out))
    }
}

impl fmt::Debug for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ChainHash({})", self.to_hex())
    }
}

impl fmt::Display for ChainHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// Who acted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A signed-in member of staff.
    Staff {
        id: StaffId,
        name: String,
        role: Role,
    },
    /// Tolbooth itself or an operator at the command line (`cli`,
    /// `retention`, ...).
    System { name: String },
    /// Someone not signed in (a failed sign-in, a denied request).
    Anonymous,
}

impl Actor {
    pub fn system(name: &str) -> Self {
        Actor::System {
            name: name.to_owned(),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Actor::Staff { .. } => "staff",
            Actor::System { .. } => "system",
            Actor::Anonymous => "anonymous",
        }
    }
}

/// The object acted on: a type and an identifier, never the content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectRef {
    pub kind: String,
    pub id: String,
}

impl ObjectRef {
    pub fn new(kind: &str, id: impl fmt::Display) -> Self {
        Self {
            kind: kind.to_owned(),
            id: id.to_string(),
        }
    }

    pub fn staff(id: StaffId) -> Self {
        Self::new("staff", id)
    }
}

/// An entry as the code that records it describes it. The store adds the
/// sequence number, the time and the hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: Actor,
    /// A stable dotted name, e.g. `staff.disable`, `session.login_failed`,
    /// `access.denied`.
    pub action: String,
    pub object: Option<ObjectRef>,
    /// The reason or purpose given, where there is one.
    pub reason: Option<String>,
    pub request_id: Option<String>,
}

impl NewAuditEntry {
    pub fn new(actor: Actor, action: &str) -> Self {
        Self {
            actor,
            action: action.to_owned(),
            object: None,
            reason: None,
            request_id: None,
        }
    }

    pub fn on(mut self, object: ObjectRef) -> Self {
        self.object = Some(object);
        self
    }

    pub fn because(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    pub fn in_request(mut self, request_id: Option<String>) -> Self {
        self.request_id = request_id;
        self
    }

    /// Seals the entry as number `seq` after `prev`.
    pub fn seal(&self, seq: i64, at: OffsetDateTime, prev: ChainHash) -> AuditEntry {
        let (actor_id, actor_name, actor_role) = match &self.actor {
            Actor::Staff { id, name, role } => {
                (Some(id.0), name.clone(), Some(role.as_str().to_owned()))
            }
            Actor::System { name } => (None, name.clone(), None),
            Actor::Anonymous => (None, String::from("anonymous"), None),
        };
        let mut entry = AuditEntry {
            seq,
            at_ms: crate::time_fmt::unix_millis(at),
            actor_kind: self.actor.kind().to_owned(),
            actor_id,
            actor_name,
            actor_role,
            action: self.action.clone(),
            object_type: self.object.as_ref().map(|o| o.kind.clone()),
            object_id: self.object.as_ref().map(|o| o.id.clone()),
            reason: self.reason.clone(),
            request_id: self.request_id.clone(),
            prev_hash: prev,
            hash: ChainHash::GENESIS,
        };
        entry.hash = entry.compute_hash();
        entry
    }
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    /// UTC, whole milliseconds since the Unix epoch.
    pub at_ms: i64,
    pub actor_kind: String,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    pub actor_role: Option<String>,
    pub action: String,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub reason: Option<String>,
    pub request_id: Option<String>,
    #[serde(serialize_with = "hex_hash")]
    pub prev_hash: ChainHash,
    #[serde(serialize_with = "hex_hash")]
    pub hash: ChainHash,
}

fn hex_hash<S: serde::Serializer>(h: &ChainHash, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&h.to_hex())
}

impl AuditEntry {
    /// The hash this entry should carry, given its fields and `prev_hash`.
    ///
    /// Fields are length-prefixed so that no two different entries encode
    /// to the same bytes.
    pub fn compute_hash(&self) -> ChainHash {
        let mut h = Sha256::new();
        h.update(b"tolbooth-audit-v1\0");
        h.update(self.seq.to_be_bytes());
        h.update(self.at_ms.to_be_bytes());
        put_str(&mut h, Some(&self.actor_kind));
        match self.actor_id {
            Some(id) => {
                h.update([1]);
                h.update(id.to_be_bytes());
            }
            None => h.update([0]),
        }
        put_str(&mut h, Some(&self.actor_name));
        put_str(&mut h, self.actor_role.as_deref());
        put_str(&mut h, Some(&self.action));
        put_str(&mut h, self.object_type.as_deref());
        put_str(&mut h, self.object_id.as_deref());
        put_str(&mut h, self.reason.as_deref());
        put_str(&mut h, self.request_id.as_deref());
        h.update(self.prev_hash.0);
        ChainHash(h.finalize().into())
    }

    pub fn at(&self) -> OffsetDateTime {
        crate::time_fmt::from_unix_millis(self.at_ms)
    }
}

fn put_str(h: &mut Sha256, s: Option<&str>) {
    match s {
        Some(s) => {
            h.update([1]);
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update([0]),
    }
}

/// A statement that the chain had `head_hash` at entry `seq`, signed with
/// the installation's audit key so that it cannot be forged after the fact.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub seq: i64,
    pub head_hash: String,
    /// RFC 3339 UTC.
    pub created_at: String,
    /// Ed25519 public key, hex.
    pub public_key: String,
    /// Ed25519 signature over [`Checkpoint::signed_bytes`], hex.
    pub signature: String,
}

impl Checkpoint {
    /// The bytes the signature covers.
    pub fn signed_bytes(seq: i64, head_hash: &str, created_at: &str) -> Vec<u8> {
        format!("tolbooth-audit-checkpoint-v1\n{seq}\n{head_hash}\n{created_at}\n").into_bytes()
    }
}

/// The first thing wrong with a chain, naming the entry where it shows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainFault {
    #[error("entry {seq}: its contents do not match its hash (the row was modified)")]
    Modified { seq: i64 },
    #[error(
        "entry {found}: expected entry {expected} here (entries missing, inserted or renumbered)"
    )]
    OutOfSequence { expected: i64, found: i64 },
    #[error("entry {seq}: it does not follow from the entry before it (a row was deleted, inserted or moved)")]
    Unlinked { seq: i64 },
    #[error("the log ends at entry {last} but the checkpoint vouches for entry {checkpoint_seq} (the tail was truncated)")]
    Truncated { last: i64, checkpoint_seq: i64 },
    #[error("entry {seq}: its hash differs from the signed checkpoint (the log was rewritten)")]
    CheckpointMismatch { seq: i64 },
}

/// Walks a chain in order, one entry at a time, so that a log of any length
/// can be checked in constant memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    next_seq: i64,
    prev: ChainHash,
    checkpoint: Option<(i64, ChainHash)>,
    checkpoint_seen: bool,
}

/// What a successful verification established.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedChain {
    pub entries: i64,
    pub head: ChainHash,
    pub checkpoint_seq: Option<i64>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self::new()
    }
}

impl ChainVerifier {
    pub fn new() -> Self {
        Self {
            next_seq: 1,
            prev: ChainHash::GENESIS,
            checkpoint: None,
            checkpoint_seen: false,
        }
    }

    /// Also checks the chain against a checkpoint whose signature the caller
    /// has already verified. A malformed hash in it never matches.
    pub fn with_checkpoint(mut self, seq: i64, head_hash: &str) -> Self {
        let hash = ChainHash::from_hex(head_hash).unwrap_or(ChainHash([0xff; 32]));
        self.checkpoint = Some((seq, hash));
        self
    }

    pub fn push(&mut self, entry: &AuditEntry) -> Result<(), ChainFault> {
        if entry.seq != self.next_seq {
            return Err(ChainFault::OutOfSequence {
                expected: self.next_seq,
                found: entry.seq,
            });
        }
        if entry.compute_hash() != entry.hash {
            return Err(ChainFault::Modified { seq: entry.seq });
        }
        if entry.prev_hash != self.prev {
            return Err(ChainFault::Unlinked { seq: entry.seq });
        }
        if let Some((cp_seq, cp_hash)) = self.checkpoint {
            if cp_seq == entry.seq {
                if cp_hash != entry.hash {
                    return Err(ChainFault::CheckpointMismatch { seq: entry.seq });
                }
                self.checkpoint_seen = true;
            }
        }
        self.prev = entry.hash;
        self.next_seq += 1;
        Ok(())
    }

    pub fn finish(self) -> Result<VerifiedChain, ChainFault> {
        let last = self.next_seq - 1;
        if let Some((cp_seq, _)) = self.checkpoint {
            if !self.checkpoint_seen {
                return Err(ChainFault::Truncated {
                    last,
                    checkpoint_seq: cp_seq,
                });
            }
        }
        Ok(VerifiedChain {
            entries: last,
            head: self.prev,
            checkpoint_seq: self.checkpoint.map(|(s, _)| s),
        })
    }
}

/// An audit entry written once a step knows its count: the count goes in
/// the entry (RET-5: counts, never content).
pub type CountedAudit = Box<dyn FnOnce(u64) -> NewAuditEntry + Send>;

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = ChainHash::GENESIS;
        let mut out = Vec::new();
        for seq in 1..=n {
            let e = NewAuditEntry::new(Actor::system("test"), "thing.done")
                .on(ObjectRef::new("thing", seq))
                .seal(seq, datetime!(2026-01-01 0:00 UTC), prev);
            prev = e.hash;
            out.push(e);
        }
        out
    }

    fn verify(entries: &[AuditEntry]) -> Result<VerifiedChain, ChainFault> {
        let mut v = ChainVerifier::new();
        for e in entries {
            v.push(e)?;
        }
        v.finish()
    }

    #[test]
    fn an_honest_chain_verifies() {
        let c = chain(5);
        let ok = verify(&c).unwrap();
        assert_eq!(ok.entries, 5);
        assert_eq!(ok.head, c[4].hash);
    }

    #[test]
    fn an_edited_field_is_caught_at_its_entry() {
        let mut c = chain(5);
        c[2].reason = Some("edited".into());
        assert_eq!(verify(&c), Err(ChainFault::Modified { seq: 3 }));
    }

    #[test]
    fn a_deleted_entry_is_caught() {
        let mut c = chain(5);
        c.remove(1);
        assert_eq!(
            verify(&c),
            Err(ChainFault::OutOfSequence {
                expected: 2,
                found: 3
            })
        );
    }

    #[test]
    fn none_and_empty_string_hash_differently() {
        let mut c = chain(1);
        let before = c[0].compute_hash();
        c[0].reason = Some(String::new());
        assert_ne!(before, c[0].compute_hash());
    }

    #[test]
    fn a_checkpoint_catches_truncation_and_rewrite() {
        let c = chain(5);
        let head = c[4].hash.to_hex();
        let mut v = ChainVerifier::new().with_checkpoint(5, &head);
        for e in &c[..3] {
            v.push(e).unwrap();
        }
        assert_eq!(
            v.finish(),
            Err(ChainFault::Truncated {
                last: 3,
                checkpoint_seq: 5
            })
        );

        let mut rewritten = chain(5);
        rewritten[4] = NewAuditEntry::new(Actor::system("forger"), "thing.done").seal(
            5,
            datetime!(2026-01-01 0:00 UTC),
            rewritten[3].hash,
        );
        let mut v = ChainVerifier::new().with_checkpoint(5, &head);
        let mut fault = None;
        for e in &rewritten {
            if let Err(f) = v.push(e) {
                fault = Some(f);
                break;
            }
        }
        assert_eq!(fault, Some(ChainFault::CheckpointMismatch { seq: 5 }));
    }
}
