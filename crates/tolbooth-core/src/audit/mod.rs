//! Verifying the audit log and exporting signed checkpoints of its head
//! (AUD-2).
//!
//! The signing key is created on first use in the data directory
//! (`audit-signing.key`, readable by its owner only). A checkpoint, kept
//! away from the server by the information-governance officer, lets
//! `tolbooth audit verify --checkpoint FILE` catch a truncated tail or a
//! wholesale rewrite that the hash chain alone cannot.

use crate::code::Code;
use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use rand::rngs::OsRng;
use std::path::{Path, PathBuf};
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{ChainFault, ChainVerifier, Checkpoint, VerifiedChain};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::store::StoreError;
use tolbooth_domain::time_fmt::rfc3339;

pub const KEY_FILE: &str = "audit-signing.key";
const PAGE: u32 = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum AuditTrailError {
    #[error("the audit log is broken: {0}")]
    Broken(#[from] ChainFault),
    #[error("the checkpoint's signature is not valid: it was altered or not made by Tolbooth")]
    BadSignature,
    #[error("the checkpoint was signed by a different key ({found}) from this installation's ({expected})")]
    ForeignKey { found: String, expected: String },
    #[error("the audit log is empty: there is nothing to checkpoint")]
    Empty,
    #[error("audit signing key {path}: {reason}")]
    Key { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl AuditTrailError {
    pub fn code(&self) -> Code {
        match self {
            AuditTrailError::Broken(_)
            | AuditTrailError::BadSignature
            | AuditTrailError::ForeignKey { .. } => Code::Conflict,
            AuditTrailError::Empty => Code::NotFound,
            AuditTrailError::Key { .. } => Code::Internal,
            AuditTrailError::Store(e) => Code::of_store(e),
        }
    }
}

/// The installation's audit signing key.
pub struct AuditKey {
    key: SigningKey,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "AuditKey(public {})", self.public_hex())
    }
}

impl AuditKey {
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(KEY_FILE)
    }

    /// Loads the key from `data_dir`, creating it (mode 0600) if missing.
    pub fn load_or_create(data_dir: &Path) -> Result<AuditKey, AuditTrailError> {
        let path = Self::path_in(data_dir);
        let err = |reason: String| AuditTrailError::Key {
            path: path.display().to_string(),
            reason,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let hex_line = text
                    .lines()
                    .find(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .unwrap_or_default()
                    .trim();
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(hex_line, &mut bytes)
                    .map_err(|_| err("not a 64-digit hex key".into()))?;
                Ok(AuditKey {
                    key: SigningKey::from_bytes(&bytes),
                })
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(|e| err(e.to_string()))?;
                let key = SigningKey::generate(&mut OsRng);
                let text = format!(
                    "# Tolbooth audit checkpoint signing key. Keep it secret; back it up.\n{}\n",
                    hex::encode(key.to_bytes())
                );
                write_private(&path, &text).map_err(|e| err(e.to_string()))?;
                Ok(AuditKey { key })
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    pub fn public_hex(&self) -> String {
        hex::encode(self.key.verifying_key().to_bytes())
    }

    /// Signs the current head of the log.
    pub async fn checkpoint(
        &self,
        log: &dyn AuditLog,
        clock: &dyn Clock,
    ) -> Result<Checkpoint, AuditTrailError> {
        let (seq, head) = log.audit_head().await?.ok_or(AuditTrailError::Empty)?;
        let head_hash = head.to_hex();
        let created_at = rfc3339(clock.now());
        let signature = self
            .key
            .sign(&Checkpoint::signed_bytes(seq, &head_hash, &created_at));
        Ok(Checkpoint {
            seq,
            head_hash,
            created_at,
            public_key: self.public_hex(),
            signature: hex::encode(signature.to_bytes()),
        })
    }
}

/// Writes a new file readable by its owner only (fails if it exists).
#[cfg(unix)]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()
}

#[cfg(not(unix))]
pub(crate) fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

/// Checks a checkpoint's signature against the key it names and, when
/// given, the installation's own key.
pub fn check_signature(
    cp: &Checkpoint,
    expected_public: Option<&str>,
) -> Result<(), AuditTrailError> {
    if let Some(expected) = expected_public {
        if expected != cp.public_key {
            return Err(AuditTrailError::ForeignKey {
                found: cp.public_key.clone(),
                expected: expected.to_owned(),
            });
        }
    }
    let mut pk = [0u8; 32];
    hex::decode_to_slice(&cp.public_key, &mut pk).map_err(|_| AuditTrailError::BadSignature)?;
    let mut sig = [0u8; 64];
    hex::decode_to_slice(&cp.signature, &mut sig).map_err(|_| AuditTrailError::BadSignature)?;
    let key = VerifyingKey::from_bytes(&pk).map_err(|_| AuditTrailError::BadSignature)?;
    key.verify(
        &Checkpoint::signed_bytes(cp.seq, &cp.head_hash, &cp.created_at),
        &Signature::from_bytes(&sig),
    )
    .map_err(|_| AuditTrailError::BadSignature)
}

/// Walks the whole log in pages and checks every link, and the checkpoint
/// if one is given (its signature must already have been checked).
pub async fn verify_log(
    log: &dyn AuditLog,
    checkpoint: Option<&Checkpoint>,
) -> Result<VerifiedChain, AuditTrailError> {
    let mut verifier = ChainVerifier::new();
    if let Some(cp) = checkpoint {
        verifier = verifier.with_checkpoint(cp.seq, &cp.head_hash);
    }
    let mut after = 0;
    loop {
        let page = log.audit_entries(after, PAGE).await?;
        let Some(last) = page.last() else { break };
        let last_seq = last.seq;
        for entry in &page {
            verifier.push(entry)?;
        }
        if last_seq <= after {
            break;
        }
        after = last_seq;
    }
    Ok(verifier.finish()?)
}
