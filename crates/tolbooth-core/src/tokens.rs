//! Random tokens and their stored hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::rngs::OsRng;
use rand::{Rng, RngCore};
use sha2::{Digest, Sha256};
use tolbooth_domain::secret::Secret;

/// 256 random bits, URL-safe base64.
pub fn random_token() -> Secret<String> {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    Secret::new(URL_SAFE_NO_PAD.encode(bytes))
}

/// SHA-256 hex of a token or code: what the store keeps instead of it.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A hash for a sign-in throttle key, so the store never keeps a typed
/// username or an address as such.
pub fn throttle_key(kind: &str, value: &str) -> String {
    format!(
        "{kind}:{}",
        token_hash(&format!("tolbooth-throttle\0{kind}\0{value}"))
    )
}

/// Letters and digits that cannot be mistaken for one another when read
/// aloud or typed from paper.
const READABLE: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// `groups` groups of 5 readable characters joined by `-`: 24.8 bits a group.
pub fn readable_code(groups: usize) -> Secret<String> {
    let mut rng = OsRng;
    let parts: Vec<String> = (0..groups)
        .map(|_| {
            (0..5)
                .map(|_| char::from(READABLE[rng.gen_range(0..READABLE.len())]))
                .collect()
        })
        .collect();
    Secret::new(parts.join("-"))
}

/// A one-time password for a new or reset account: about 124 bits.
pub fn one_time_password() -> Secret<String> {
    readable_code(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_distinct_and_long() {
        let a = random_token();
        let b = random_token();
        assert_ne!(a.expose(), b.expose());
        assert_eq!(a.expose().len(), 43);
    }

    #[test]
    fn one_time_passwords_are_long_enough_to_be_accepted() {
        let p = one_time_password();
        assert_eq!(p.expose().chars().count(), 29);
        assert!(p
            .expose()
            .chars()
            .all(|c| c == '-' || READABLE.contains(&(c as u8))));
    }
}
