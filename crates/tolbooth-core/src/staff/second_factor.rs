//! TOTP second factor (RFC 6238) and recovery codes (AUD-3).

use crate::tokens::{readable_code, token_hash};
use qrcode::render::svg;
use qrcode::QrCode;
use rand::rngs::OsRng;
use rand::RngCore;
use subtle::ConstantTimeEq;
use time::OffsetDateTime;
use tolbooth_domain::secret::Secret;
use totp_rs::{Algorithm, Secret as TotpSecret, TOTP};

/// How many recovery codes an enrolment issues.
pub const RECOVERY_CODES: usize = 10;

/// A new random TOTP secret (160 bits), base32.
pub fn new_secret() -> Secret<String> {
    let mut bytes = [0u8; 20];
    OsRng.fill_bytes(&mut bytes);
    Secret::new(TotpSecret::Raw(bytes.to_vec()).to_encoded().to_string())
}

fn totp(secret_b32: &str, issuer: &str, account: &str) -> Option<TOTP> {
    let raw = TotpSecret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    // Issuer and account may not contain ':' in an otpauth URI.
    let issuer = issuer.replace(':', " ");
    let account = account.replace(':', " ");
    TOTP::new(Algorithm::SHA1, 6, 1, 30, raw, Some(issuer), account).ok()
}

/// What the enrolment page shows: the secret as text and as a QR code.
#[derive(Debug)]
pub struct Enrolment {
    pub secret: Secret<String>,
    pub otpauth_uri: Secret<String>,
    /// An SVG QR code of `otpauth_uri`, safe to embed in a page.
    pub qr_svg: String,
}

pub fn start_enrolment(issuer: &str, account: &str) -> Option<Enrolment> {
    enrolment_for(new_secret(), issuer, account)
}

/// The enrolment page for a secret already generated (shown again after a
/// wrong code). `None` if the secret is not valid base32.
pub fn enrolment_for(secret: Secret<String>, issuer: &str, account: &str) -> Option<Enrolment> {
    let t = totp(secret.expose(), issuer, account)?;
    let uri = t.get_url();
    let qr = QrCode::new(uri.as_bytes()).ok()?;
    let svg = qr
        .render::<svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Some(Enrolment {
        secret,
        otpauth_uri: Secret::new(uri),
        qr_svg: svg,
    })
}

/// Whether `code` is valid for `secret` at `now`, allowing one step of
/// clock drift either way.
pub fn code_is_valid(secret_b32: &str, code: &str, now: OffsetDateTime) -> bool {
    matching_step(secret_b32, code, now).is_some()
}

/// The 30-second time step whose code `code` is, among the current step and
/// its neighbours. Recording the step lets a code be used only once.
pub fn matching_step(secret_b32: &str, code: &str, now: OffsetDateTime) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let t = totp(secret_b32, "tolbooth", "staff")?;
    let current = now.unix_timestamp().div_euclid(30);
    (current - 1..=current + 1).find(|step| {
        let secs = u64::try_from(step * 30).unwrap_or(0);
        bool::from(t.generate(secs).as_bytes().ct_eq(code.as_bytes()))
    })
}

/// The current code, for tests and for the enrolment self-check.
pub fn current_code(secret_b32: &str, now: OffsetDateTime) -> Option<String> {
    let t = totp(secret_b32, "tolbooth", "staff")?;
    Some(t.generate(u64::try_from(now.unix_timestamp()).unwrap_or(0)))
}

/// Fresh recovery codes and the hashes to store.
pub fn recovery_codes() -> (Vec<Secret<String>>, Vec<String>) {
    let codes: Vec<Secret<String>> = (0..RECOVERY_CODES).map(|_| readable_code(2)).collect();
    let hashes = codes
        .iter()
        .map(|c| recovery_code_hash(c.expose()))
        .collect();
    (codes, hashes)
}

/// Recovery codes are compared case-insensitively and without spaces.
pub fn recovery_code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    token_hash(&format!("tolbooth-recovery\0{normal}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn codes_verify_within_one_step() {
        let s = new_secret();
        let now = datetime!(2026-11-22 10:00:00 UTC);
        let code = current_code(s.expose(), now).unwrap();
        assert!(code_is_valid(s.expose(), &code, now));
        assert!(code_is_valid(
            s.expose(),
            &code,
            now + time::Duration::seconds(30)
        ));
        assert!(!code_is_valid(
            s.expose(),
            &code,
            now + time::Duration::seconds(120)
        ));
        assert!(!code_is_valid(s.expose(), "abcdef", now));
    }

    #[test]
    fn enrolment_gives_a_scannable_uri() {
        let e = start_enrolment("Demo Council: Tolbooth", "alice").unwrap();
        assert!(e.otpauth_uri.expose().starts_with("otpauth://totp/"));
        assert!(e.qr_svg.contains("<svg"));
    }

    #[test]
    fn recovery_codes_match_loosely() {
        let (codes, hashes) = recovery_codes();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let typed = codes[0].expose().to_uppercase().replace('-', " - ");
        assert_eq!(recovery_code_hash(&typed), hashes[0]);
    }
}
