//! Staff accounts and their second factors.

mod login_throttle;
mod sessions;

use crate::audit::append_in;
use crate::connect::SqlStore;
use crate::error::OrStoreError;
use async_trait::async_trait;
use sqlx::any::AnyRow;
use sqlx::Row;
use tolbooth_domain::audit::NewAuditEntry;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::ports::StaffStore;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::{
    DisplayName, NewStaff, StaffCredentials, StaffId, StaffMember, Username,
};
use tolbooth_domain::store::{StoreError, StoreResult};
use tolbooth_domain::time_fmt::{from_unix_millis, unix_millis};

const COLUMNS: &str = "id, username, display_name, role, password_hash, must_change_password, \
     totp_secret, disabled_at, created_at";

fn corrupt(what: &'static str) -> StoreError {
    StoreError::Unavailable(format!("stored {what} is not valid").into())
}

fn credentials_from_row(row: &AnyRow) -> StoreResult<StaffCredentials> {
    let username: String = row.try_get("username").store()?;
    let display_name: String = row.try_get("display_name").store()?;
    let role: String = row.try_get("role").store()?;
    let disabled_at: Option<i64> = row.try_get("disabled_at").store()?;
    let totp_secret: Option<String> = row.try_get("totp_secret").store()?;
    let must_change: i64 = row.try_get("must_change_password").store()?;
    let member = StaffMember {
        id: StaffId(row.try_get("id").store()?),
        username: Username::parse(&username).map_err(|_| corrupt("username"))?,
        display_name: DisplayName::parse(&display_name).map_err(|_| corrupt("display name"))?,
        role: role.parse::<Role>().map_err(|_| corrupt("role"))?,
        disabled: disabled_at.is_some(),
        totp_enrolled: totp_secret.is_some(),
        must_change_password: must_change != 0,
        created_at: from_unix_millis(row.try_get("created_at").store()?),
    };
    Ok(StaffCredentials {
        member,
        password_hash: Secret::new(row.try_get("password_hash").store()?),
        totp_secret: totp_secret.map(Secret::new),
    })
}

impl SqlStore {
    async fn one_staff(
        &self,
        where_clause: &str,
        bind: StaffKey<'_>,
    ) -> StoreResult<Option<StaffCredentials>> {
        let sql = format!("SELECT {COLUMNS} FROM staff WHERE {where_clause}");
        let query = sqlx::query(&sql);
        let query = match bind {
            StaffKey::Id(id) => query.bind(id.0),
            StaffKey::Username(u) => query.bind(u.as_str().to_owned()),
        };
        let row = query.fetch_optional(&self.read).await.store()?;
        row.as_ref().map(credentials_from_row).transpose()
    }

    /// Runs one `UPDATE staff ... WHERE id = $1` with its audit entry, and
    /// optionally ends the account's sessions in the same transaction.
    async fn update_staff(
        &self,
        id: StaffId,
        set_clause: &str,
        binds: Vec<Option<String>>,
        int_binds: Vec<Option<i64>>,
        end_sessions: bool,
        audit: &NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = unix_millis(self.clock.now());
        let sql = format!("UPDATE staff SET {set_clause}, updated_at = $2 WHERE id = $1");
        let mut q = sqlx::query(&sql).bind(id.0).bind(now);
        for b in binds {
            q = q.bind(b);
        }
        for b in int_binds {
            q = q.bind(b);
        }
        let done = q.execute(&mut *tx).await.store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if end_sessions {
            sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .store()?;
        }
        append_in(self, &mut tx, audit).await?;
        tx.commit().await.store()
    }
}

enum StaffKey<'a> {
    Id(StaffId),
    Username(&'a Username),
}

#[async_trait]
impl StaffStore for SqlStore {
    async fn create_staff(&self, new: NewStaff, audit: NewAuditEntry) -> StoreResult<StaffMember> {
        let mut tx = self.begin_write().await?;
        let now = self.clock.now();
        let row = sqlx::query(
            "INSERT INTO staff (username, display_name, role, password_hash, must_change_password, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        )
        .bind(new.username.as_str().to_owned())
        .bind(new.display_name.as_str().to_owned())
        .bind(new.role.as_str())
        .bind(new.password_hash.expose().clone())
        .bind(i64::from(new.must_change_password))
        .bind(unix_millis(now))
        .fetch_one(&mut *tx)
        .await
        .store()?;
        let id = StaffId(row.try_get("id").store()?);
        let mut audit = audit;
        if audit.object.is_none() {
            audit.object = Some(tolbooth_domain::audit::ObjectRef::staff(id));
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(StaffMember {
            id,
            username: new.username,
            display_name: new.display_name,
            role: new.role,
            disabled: false,
            totp_enrolled: false,
            must_change_password: new.must_change_password,
            created_at: now,
        })
    }

    async fn staff_by_id(&self, id: StaffId) -> StoreResult<Option<StaffCredentials>> {
        self.one_staff("id = $1", StaffKey::Id(id)).await
    }

    async fn staff_by_username(
        &self,
        username: &Username,
    ) -> StoreResult<Option<StaffCredentials>> {
        self.one_staff("username = $1", StaffKey::Username(username))
            .await
    }

    async fn list_staff(&self) -> StoreResult<Vec<StaffMember>> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM staff ORDER BY username"))
            .fetch_all(&self.read)
            .await
            .store()?;
        rows.iter()
            .map(|r| credentials_from_row(r).map(|c| c.member))
            .collect()
    }

    async fn count_staff(&self) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM staff")
            .fetch_one(&self.read)
            .await
            .store()?
            .try_get("n")
            .store()
    }

    async fn set_role(&self, id: StaffId, role: Role, audit: NewAuditEntry) -> StoreResult<()> {
        // A change of role changes what the sessions may do: end them.
        self.update_staff(
            id,
            "role = $3",
            vec![Some(role.as_str().into())],
            vec![],
            true,
            &audit,
        )
        .await
    }

    async fn set_disabled(
        &self,
        id: StaffId,
        disabled: bool,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let at = disabled.then(|| unix_millis(self.clock.now()));
        self.update_staff(id, "disabled_at = $3", vec![], vec![at], disabled, &audit)
            .await
    }

    async fn set_password(
        &self,
        id: StaffId,
        password_hash: Secret<String>,
        must_change: bool,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        self.update_staff(
            id,
            "password_hash = $3, must_change_password = $4",
            vec![Some(password_hash.expose().clone())],
            vec![Some(i64::from(must_change))],
            true,
            &audit,
        )
        .await
    }

    async fn set_second_factor(
        &self,
        id: StaffId,
        totp_secret: Option<Secret<String>>,
        recovery_code_hashes: Vec<String>,
        audit: NewAuditEntry,
    ) -> StoreResult<()> {
        let mut tx = self.begin_write().await?;
        let now = unix_millis(self.clock.now());
        let done = sqlx::query(
            "UPDATE staff SET totp_secret = $2, totp_last_step = NULL, updated_at = $3 WHERE id = $1",
        )
            .bind(id.0)
            .bind(totp_secret.as_ref().map(|s| s.expose().clone()))
            .bind(now)
            .execute(&mut *tx)
            .await
            .store()?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM staff_recovery_codes WHERE staff_id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .store()?;
        for hash in recovery_code_hashes {
            sqlx::query("INSERT INTO staff_recovery_codes (staff_id, code_hash) VALUES ($1, $2)")
                .bind(id.0)
                .bind(hash)
                .execute(&mut *tx)
                .await
                .store()?;
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()
    }

    async fn claim_totp_step(&self, id: StaffId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE staff SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2)",
        )
        .bind(id.0)
        .bind(step)
        .execute(&self.write)
        .await
        .store()?;
        Ok(done.rows_affected() == 1)
    }

    async fn totp_secrets(&self) -> StoreResult<Vec<(StaffId, Secret<String>)>> {
        let rows = sqlx::query(
            "SELECT id, totp_secret FROM staff WHERE totp_secret IS NOT NULL ORDER BY id",
        )
        .fetch_all(&self.read)
        .await
        .store()?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id").store()?;
                let secret: String = row.try_get("totp_secret").store()?;
                Ok((StaffId(id), Secret::new(secret)))
            })
            .collect()
    }

    async fn reseal_totp_secret(
        &self,
        id: StaffId,
        old: &Secret<String>,
        new: Secret<String>,
        audit: NewAuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE staff SET totp_secret = $3 WHERE id = $1 AND totp_secret = $2")
                .bind(id.0)
                .bind(old.expose().clone())
                .bind(new.expose().clone())
                .execute(&mut *tx)
                .await
                .store()?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(true)
    }

    async fn use_recovery_code(
        &self,
        id: StaffId,
        code_hash: &str,
        audit: NewAuditEntry,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE staff_recovery_codes SET used_at = $3 WHERE staff_id = $1 AND code_hash = $2 AND used_at IS NULL",
        )
        .bind(id.0)
        .bind(code_hash.to_owned())
        .bind(unix_millis(self.clock.now()))
        .execute(&mut *tx)
        .await
        .store()?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        append_in(self, &mut tx, &audit).await?;
        tx.commit().await.store()?;
        Ok(true)
    }

    async fn unused_recovery_codes(&self, id: StaffId) -> StoreResult<i64> {
        sqlx::query("SELECT COUNT(*) AS n FROM staff_recovery_codes WHERE staff_id = $1 AND used_at IS NULL")
            .bind(id.0)
            .fetch_one(&self.read)
            .await
            .store()?
            .try_get("n")
            .store()
    }
}
