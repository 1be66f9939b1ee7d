//! Secrets Tolbooth must be able to read back (second-factor TOTP
//! secrets) are kept sealed: encrypted and authenticated with
//! XChaCha20-Poly1305 under the installation's sealing key, and bound to
//! what they belong to (a secret moved to another account does not open).
//! A copy of the database alone gives nobody a working authenticator.
//!
//! The key is `server`-side only: `secrets_key` in the configuration
//! (`TOLBOOTH_SECRETS_KEY`, 64 hex digits, for a key kept in the
//! environment or a secrets manager), or else `secrets.key` in the data
//! directory, created on first start readable by its owner only, like the
//! audit signing key. Back it up with the database: without it, staff
//! must enrol their second factor again.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::rngs::OsRng;
use rand::RngCore;
use std::path::{Path, PathBuf};
use tolbooth_domain::secret::Secret;

/// The key file in the data directory.
pub const KEY_FILE: &str = "secrets.key";
/// How a sealed value starts, with the format's version.
const PREFIX: &str = "sealed:v1:";
const NONCE_BYTES: usize = 24;

#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error("sealing key {source_desc}: {reason}")]
    Key { source_desc: String, reason: String },
    /// The value was altered, sealed under another key, or belongs to
    /// something else.
    #[error("a sealed secret does not open with this installation's key (was the sealing key replaced?)")]
    WrongKey,
    #[error("a stored secret is not sealed")]
    NotSealed,
}

/// The installation's sealing key.
pub struct SealingKey {
    cipher: XChaCha20Poly1305,
}

impl std::fmt::Debug for SealingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SealingKey([redacted])")
    }
}

impl SealingKey {
    pub fn path_in(data_dir: &Path) -> PathBuf {
        data_dir.join(KEY_FILE)
    }

    /// The key from `configured` (64 hex digits) when given, else from the
    /// data directory, created there (mode 0600) if missing.
    pub fn load(configured: Option<&Secret<String>>, data_dir: &Path) -> Result<Self, SealError> {
        if let Some(hex_key) = configured {
            return Self::from_hex(hex_key.expose().trim()).map_err(|reason| SealError::Key {
                source_desc: "secrets_key (TOLBOOTH_SECRETS_KEY)".into(),
                reason,
            });
        }
        let path = Self::path_in(data_dir);
        let err = |reason: String| SealError::Key {
            source_desc: path.display().to_string(),
            reason,
        };
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let line = text
                    .lines()
                    .find(|l| !l.starts_with('#') && !l.trim().is_empty())
                    .unwrap_or_default()
                    .trim();
                Self::from_hex(line).map_err(err)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(data_dir).map_err(|e| err(e.to_string()))?;
                let mut bytes = [0u8; 32];
                OsRng.fill_bytes(&mut bytes);
                let text = format!(
                    "# Tolbooth sealing key for second-factor secrets. Keep it secret; back it up with the database.\n{}\n",
                    hex::encode(bytes)
                );
                crate::audit::write_private(&path, &text).map_err(|e| err(e.to_string()))?;
                let key = Self::from_bytes(&bytes);
                zeroize_bytes(&mut bytes);
                Ok(key)
            }
            Err(e) => Err(err(e.to_string())),
        }
    }

    fn from_hex(text: &str) -> Result<Self, String> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(text, &mut bytes).map_err(|_| "not a 64-digit hex key".to_owned())?;
        let key = Self::from_bytes(&bytes);
        zeroize_bytes(&mut bytes);
        Ok(key)
    }

    fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self {
            cipher: XChaCha20Poly1305::new(bytes.into()),
        }
    }

    /// Whether `stored` is in the sealed form (not whether it opens).
    pub fn is_sealed(stored: &str) -> bool {
        stored.starts_with(PREFIX)
    }

    /// Seals `plain` for `purpose` (what it belongs to, such as
    /// `totp:staff:42`).
    pub fn seal(&self, purpose: &str, plain: &str) -> Secret<String> {
        let mut nonce = [0u8; NONCE_BYTES];
        OsRng.fill_bytes(&mut nonce);
        let payload = Payload {
            msg: plain.as_bytes(),
            aad: purpose.as_bytes(),
        };
        // Encryption into memory fails only on inputs of gigabytes.
        let sealed = self
            .cipher
            .encrypt(XNonce::from_slice(&nonce), payload)
            .unwrap_or_default();
        let mut bytes = Vec::with_capacity(NONCE_BYTES + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        Secret::new(format!("{PREFIX}{}", URL_SAFE_NO_PAD.encode(bytes)))
    }

    /// Opens a value sealed for `purpose`.
    pub fn open(&self, purpose: &str, stored: &str) -> Result<Secret<String>, SealError> {
        let body = stored.strip_prefix(PREFIX).ok_or(SealError::NotSealed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(body)
            .map_err(|_| SealError::WrongKey)?;
        if bytes.len() <= NONCE_BYTES {
            return Err(SealError::WrongKey);
        }
        let (nonce, sealed) = bytes.split_at(NONCE_BYTES);
        let payload = Payload {
            msg: sealed,
            aad: purpose.as_bytes(),
        };
        let plain = self
            .cipher
            .decrypt(XNonce::from_slice(nonce), payload)
            .map_err(|_| SealError::WrongKey)?;
        String::from_utf8(plain)
            .map(Secret::new)
            .map_err(|_| SealError::WrongKey)
    }
}

fn zeroize_bytes(bytes: &mut [u8; 32]) {
    use zeroize::Zeroize;
    bytes.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_secret_opens_only_with_its_key_and_purpose() {
        let dir = tempfile::tempdir().unwrap();
        let key = SealingKey::load(None, dir.path()).unwrap();
        let sealed = key.seal("totp:staff:1", "JBSWY3DPEHPK3PXP");
        assert!(SealingKey::is_sealed(sealed.expose()));
        assert!(!sealed.expose().contains("JBSWY3DPEHPK3PXP"));
        assert_ne!(
            sealed.expose(),
            key.seal("totp:staff:1", "JBSWY3DPEHPK3PXP").expose(),
            "a fresh nonce every time"
        );
        let opened = key.open("totp:staff:1", sealed.expose()).unwrap();
        assert_eq!(opened.expose(), "JBSWY3DPEHPK3PXP");
        assert!(matches!(
            key.open("totp:staff:2", sealed.expose()),
            Err(SealError::WrongKey)
        ));
        let other = SealingKey::load(Some(&Secret::new("11".repeat(32))), dir.path()).unwrap();
        assert!(matches!(
            other.open("totp:staff:1", sealed.expose()),
            Err(SealError::WrongKey)
        ));
        let mut altered = sealed.expose().clone();
        altered.pop();
        altered.push(if sealed.expose().ends_with('A') {
            'B'
        } else {
            'A'
        });
        assert!(key.open("totp:staff:1", &altered).is_err());
        assert!(matches!(
            key.open("totp:staff:1", "JBSWY3DPEHPK3PXP"),
            Err(SealError::NotSealed)
        ));
        assert!(key.open("totp:staff:1", "sealed:v1:").is_err());
    }

    #[test]
    fn the_key_file_is_made_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let first = SealingKey::load(None, dir.path()).unwrap();
        let sealed = first.seal("p", "s");
        let again = SealingKey::load(None, dir.path()).unwrap();
        assert_eq!(again.open("p", sealed.expose()).unwrap().expose(), "s");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(SealingKey::path_in(dir.path()))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        assert!(format!("{first:?}").contains("redacted"));
        let bad = SealingKey::load(Some(&Secret::new("zz".into())), dir.path());
        assert!(matches!(bad, Err(SealError::Key { .. })));
    }
}
