//! `Accounts` and the second factor: enrolling an authenticator app,
//! checking a code or a recovery code at sign-in, and the TOTP secrets
//! sealed at rest (the mechanism itself is in `second_factor.rs`).

use super::*;

impl Accounts {
    /// What a member of staff's TOTP secret is sealed for: it opens for
    /// that account only.
    pub(super) fn totp_purpose(id: StaffId) -> String {
        format!("totp:staff:{}", id.0)
    }

    /// `secret` as the store keeps it for `id`: sealed.
    pub fn seal_totp_secret(&self, id: StaffId, secret: &Secret<String>) -> Secret<String> {
        self.sealing.seal(&Self::totp_purpose(id), secret.expose())
    }

    /// The stored TOTP secret opened, or `None` (said in the log, without
    /// the secret) when it does not open: then only a recovery code works.
    pub(super) fn open_totp_secret(
        &self,
        id: StaffId,
        stored: &Secret<String>,
    ) -> Option<Secret<String>> {
        match self.sealing.open(&Self::totp_purpose(id), stored.expose()) {
            Ok(secret) => Some(secret),
            Err(e) => {
                tracing::error!(staff_id = id.0, error = %e, "a second-factor secret cannot be used");
                None
            }
        }
    }

    /// Seals every TOTP secret still stored in plain text (kept so before
    /// secrets were sealed), each with a `staff.second_factor_sealed`
    /// audit entry. Run at every start; finds nothing to do once done.
    pub async fn seal_stored_secrets(&self) -> Result<u64, AccountError> {
        let mut sealed = 0;
        for (id, stored) in self.staff.totp_secrets().await? {
            if SealingKey::is_sealed(stored.expose()) {
                continue;
            }
            let new = self.seal_totp_secret(id, &stored);
            let entry = NewAuditEntry::new(Actor::system("secrets"), "staff.second_factor_sealed")
                .on(ObjectRef::staff(id));
            if self
                .staff
                .reseal_totp_secret(id, &stored, new, entry)
                .await?
            {
                sealed += 1;
            }
        }
        Ok(sealed)
    }

    /// Completes sign-in with a TOTP code or a recovery code. Wrong codes
    /// count towards the account's lockout like wrong passwords.
    pub async fn verify_second_factor(
        &self,
        who: &Authenticated,
        code: &str,
        client: &ClientContext,
    ) -> Result<AuthLevel, AccountError> {
        let now = self.clock.now();
        let user_key = throttle_key("user", who.member.username.as_str());
        let state = self.throttle.failures(&user_key).await?;
        if self.settings.account_lockout.check(state.as_ref(), now) != Gate::Open {
            return Err(AccountError::WrongCode);
        }
        let credentials = self
            .staff
            .staff_by_id(who.member.id)
            .await?
            .ok_or(AccountError::NotFound)?;
        let step = credentials
            .totp_secret
            .as_ref()
            .and_then(|stored| self.open_totp_secret(who.member.id, stored))
            .and_then(|s| second_factor::matching_step(s.expose(), code, now));
        let totp_ok = match step {
            Some(step) => self.staff.claim_totp_step(who.member.id, step).await?,
            None => false,
        };
        let ok = totp_ok || {
            let entry = NewAuditEntry::new(who.actor(), "staff.recovery_code_used")
                .on(ObjectRef::staff(who.member.id))
                .in_request(client.request_id.clone());
            self.staff
                .use_recovery_code(
                    who.member.id,
                    &second_factor::recovery_code_hash(code),
                    entry,
                )
                .await?
        };
        if !ok {
            let state = self.settings.account_lockout.after_failure(state, now);
            self.throttle.record_failure(&user_key, state).await?;
            self.audit_log
                .append_audit(
                    NewAuditEntry::new(who.actor(), "session.second_factor_failed")
                        .on(ObjectRef::staff(who.member.id))
                        .in_request(client.request_id.clone()),
                )
                .await?;
            return Err(AccountError::WrongCode);
        }
        self.throttle.clear_failures(&user_key).await?;
        let level = AuthLevel::next_for(&credentials.member, true);
        let entry = NewAuditEntry::new(who.actor(), "session.second_factor_passed")
            .on(ObjectRef::staff(who.member.id))
            .in_request(client.request_id.clone());
        self.sessions
            .set_session_level(&who.session.token_hash, level, entry)
            .await?;
        Ok(level)
    }

    pub fn start_totp_enrolment(&self, who: &Authenticated) -> Option<Enrolment> {
        second_factor::start_enrolment(&self.settings.issuer, who.member.username.as_str())
    }

    /// The same enrolment again, for a secret posted back by the form.
    pub fn resume_totp_enrolment(
        &self,
        who: &Authenticated,
        secret: Secret<String>,
    ) -> Option<Enrolment> {
        second_factor::enrolment_for(secret, &self.settings.issuer, who.member.username.as_str())
    }

    /// Confirms an enrolment with a code from the new authenticator and
    /// returns the recovery codes to show once.
    pub async fn confirm_totp_enrolment(
        &self,
        who: &Authenticated,
        secret: &Secret<String>,
        code: &str,
        client: &ClientContext,
    ) -> Result<Vec<Secret<String>>, AccountError> {
        let Some(step) = second_factor::matching_step(secret.expose(), code, self.clock.now())
        else {
            return Err(AccountError::WrongCode);
        };
        let (codes, hashes) = second_factor::recovery_codes();
        let entry = NewAuditEntry::new(who.actor(), "staff.second_factor_enrolled")
            .on(ObjectRef::staff(who.member.id))
            .in_request(client.request_id.clone());
        self.staff
            .set_second_factor(
                who.member.id,
                Some(self.seal_totp_secret(who.member.id, secret)),
                hashes,
                entry,
            )
            .await?;
        // The code just typed cannot be used again to sign in.
        self.staff.claim_totp_step(who.member.id, step).await?;
        let mut member = who.member.clone();
        member.totp_enrolled = true;
        let level = AuthLevel::next_for(&member, true);
        let entry = NewAuditEntry::new(who.actor(), "session.level_changed")
            .on(ObjectRef::staff(who.member.id))
            .because(format!("session level {}", level.as_str()))
            .in_request(client.request_id.clone());
        self.sessions
            .set_session_level(&who.session.token_hash, level, entry)
            .await?;
        Ok(codes)
    }
}
