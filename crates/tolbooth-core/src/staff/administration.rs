//! Administering staff accounts: adding staff, finding them,
//! changing roles, disabling and resetting passwords, always keeping one
//! administrator able to sign in; and recording a refused action.

use super::*;

impl Accounts {
    /// Adds a member of staff with a one-time password they must change.
    pub async fn add_staff(
        &self,
        actor: Actor,
        username: &str,
        display_name: &str,
        role: Role,
        request_id: Option<String>,
    ) -> Result<(StaffMember, Secret<String>), AccountError> {
        let username = Username::parse(username)?;
        let display_name = DisplayName::parse(display_name)?;
        let password = one_time_password();
        let parsed = NewPassword::parse(password.clone())?;
        let password_hash = hash(&parsed).await?;
        let entry = NewAuditEntry::new(actor, "staff.add")
            .because(format!("role {}", role.as_str()))
            .in_request(request_id);
        let member = self
            .staff
            .create_staff(
                NewStaff {
                    username,
                    display_name,
                    role,
                    password_hash,
                    must_change_password: true,
                },
                entry,
            )
            .await?;
        Ok((member, password))
    }

    pub async fn find(&self, username: &str) -> Result<StaffMember, AccountError> {
        let username = Username::parse(username)?;
        self.staff
            .staff_by_username(&username)
            .await?
            .map(|c| c.member)
            .ok_or(AccountError::NotFound)
    }

    pub async fn get(&self, id: StaffId) -> Result<StaffMember, AccountError> {
        self.staff
            .staff_by_id(id)
            .await?
            .map(|c| c.member)
            .ok_or(AccountError::NotFound)
    }

    pub async fn list(&self) -> Result<Vec<StaffMember>, AccountError> {
        Ok(self.staff.list_staff().await?)
    }

    /// Refuses a change that would leave no enabled administrator.
    async fn keep_an_admin(
        &self,
        target: &StaffMember,
        still_admin_after: bool,
    ) -> Result<(), AccountError> {
        if target.role != Role::Admin || target.disabled || still_admin_after {
            return Ok(());
        }
        let others = self
            .staff
            .list_staff()
            .await?
            .into_iter()
            .filter(|m| m.id != target.id && m.role == Role::Admin && !m.disabled)
            .count();
        if others == 0 {
            Err(AccountError::LastAdmin)
        } else {
            Ok(())
        }
    }

    pub async fn set_role(
        &self,
        actor: Actor,
        id: StaffId,
        role: Role,
        request_id: Option<String>,
    ) -> Result<(), AccountError> {
        let target = self.get(id).await?;
        self.keep_an_admin(&target, role == Role::Admin).await?;
        let entry = NewAuditEntry::new(actor, "staff.set_role")
            .on(ObjectRef::staff(id))
            .because(format!(
                "role {} -> {}",
                target.role.as_str(),
                role.as_str()
            ))
            .in_request(request_id);
        self.staff.set_role(id, role, entry).await?;
        self.revoked(Revocation::Staff(id));
        Ok(())
    }

    pub async fn set_disabled(
        &self,
        actor: Actor,
        id: StaffId,
        disabled: bool,
        request_id: Option<String>,
    ) -> Result<(), AccountError> {
        let target = self.get(id).await?;
        if disabled {
            self.keep_an_admin(&target, false).await?;
        }
        let action = if disabled {
            "staff.disable"
        } else {
            "staff.enable"
        };
        let entry = NewAuditEntry::new(actor, action)
            .on(ObjectRef::staff(id))
            .in_request(request_id);
        self.staff.set_disabled(id, disabled, entry).await?;
        self.revoked(Revocation::Staff(id));
        Ok(())
    }

    /// Sets a new one-time password (ending every session) and, when asked,
    /// removes the second factor so that it can be enrolled again.
    pub async fn reset_password(
        &self,
        actor: Actor,
        id: StaffId,
        reset_second_factor: bool,
        request_id: Option<String>,
    ) -> Result<Secret<String>, AccountError> {
        self.get(id).await?;
        let password = one_time_password();
        let hashed = hash(&NewPassword::parse(password.clone())?).await?;
        let entry = NewAuditEntry::new(actor.clone(), "staff.password_reset")
            .on(ObjectRef::staff(id))
            .in_request(request_id.clone());
        self.staff.set_password(id, hashed, true, entry).await?;
        self.revoked(Revocation::Staff(id));
        if reset_second_factor {
            let entry = NewAuditEntry::new(actor, "staff.second_factor_reset")
                .on(ObjectRef::staff(id))
                .in_request(request_id);
            self.staff
                .set_second_factor(id, None, Vec::new(), entry)
                .await?;
        }
        Ok(password)
    }

    /// Records that someone was refused something (AUD-2: every denied
    /// access is audited).
    pub async fn record_denial(
        &self,
        actor: Actor,
        what: &str,
        request_id: Option<String>,
    ) -> Result<(), AccountError> {
        let entry = NewAuditEntry::new(actor, "access.denied")
            .on(ObjectRef::new("route", what))
            .in_request(request_id);
        self.audit_log.append_audit(entry).await?;
        Ok(())
    }
}
