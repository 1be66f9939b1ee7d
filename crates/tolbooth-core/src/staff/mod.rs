//! Staff accounts and sign-in (AUD-1, AUD-3): the rules of the house for
//! passwords, second factors, sessions and lockout, on top of the store.

pub mod password;
pub mod second_factor;

mod administration;
mod enrolment;

use crate::code::Code;
use crate::sealing::SealingKey;
use crate::staff::password::{dummy_hash, hash_password, verify_password};
use crate::staff::second_factor::Enrolment;
use crate::tokens::{one_time_password, random_token, throttle_key, token_hash};
use std::net::IpAddr;
use std::sync::Arc;
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, NewAuditEntry, ObjectRef};
use tolbooth_domain::clock::Clock;
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::lockout::{Gate, LockoutPolicy};
use tolbooth_domain::staff::ports::{LoginThrottleStore, SessionStore, StaffStore};
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::session::{AuthLevel, SessionPolicy, StaffSession};
use tolbooth_domain::staff::{
    DisplayName, InvalidInput, NewPassword, NewStaff, StaffCredentials, StaffId, StaffMember,
    Username,
};
use tolbooth_domain::store::{Store, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AccountError {
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    #[error("no such staff member")]
    NotFound,
    #[error("a staff member with that username already exists")]
    UsernameTaken,
    #[error("the current password is not correct")]
    WrongPassword,
    #[error("that code is not correct")]
    WrongCode,
    #[error("this would leave no administrator who can sign in")]
    LastAdmin,
    #[error("password hashing failed")]
    Hashing,
    #[error(transparent)]
    Store(StoreError),
}

impl AccountError {
    pub fn code(&self) -> Code {
        match self {
            AccountError::Invalid(_) | AccountError::WrongPassword | AccountError::WrongCode => {
                Code::BadInput
            }
            AccountError::NotFound => Code::NotFound,
            AccountError::UsernameTaken | AccountError::LastAdmin => Code::Conflict,
            AccountError::Hashing => Code::Internal,
            AccountError::Store(e) => Code::of_store(e),
        }
    }
}

impl From<StoreError> for AccountError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AccountError::NotFound,
            StoreError::Conflict(_) => AccountError::UsernameTaken,
            other => AccountError::Store(other),
        }
    }
}

/// Where a request came from, for throttling and the audit trail.
#[derive(Debug, Clone, Default)]
pub struct ClientContext {
    pub ip: Option<IpAddr>,
    pub request_id: Option<String>,
}

/// The outcome of a sign-in attempt. Every failure is the same failure, so
/// that the response cannot tell an unknown account from a wrong password,
/// a disabled account or a lockout.
#[derive(Debug)]
pub enum SignIn {
    Failed,
    Started {
        token: Secret<String>,
        session: StaffSession,
        member: StaffMember,
    },
}

/// A signed-in (or signing-in) member of staff, as the web layer sees them.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub session: StaffSession,
    pub member: StaffMember,
}

impl Authenticated {
    pub fn actor(&self) -> Actor {
        actor_of(&self.member)
    }
}

pub fn actor_of(m: &StaffMember) -> Actor {
    Actor::Staff {
        id: m.id,
        name: m.display_name.as_str().to_owned(),
        role: m.role,
    }
}

#[derive(Debug, Clone)]
pub struct AccountSettings {
    pub sessions: SessionPolicy,
    pub account_lockout: LockoutPolicy,
    pub ip_lockout: LockoutPolicy,
    /// Shown in authenticator apps: the organisation's name.
    pub issuer: String,
}

impl Default for AccountSettings {
    fn default() -> Self {
        Self {
            sessions: SessionPolicy::default(),
            account_lockout: LockoutPolicy::ACCOUNT_DEFAULT,
            ip_lockout: LockoutPolicy::IP_DEFAULT,
            issuer: String::from("Tolbooth"),
        }
    }
}

impl AccountSettings {
    pub fn from_config(c: &crate::Config) -> Self {
        let minutes = |m: u32| time::Duration::minutes(i64::from(m));
        Self {
            sessions: SessionPolicy {
                idle: minutes(c.sessions.idle_minutes),
                absolute: time::Duration::hours(i64::from(c.sessions.absolute_hours)),
                pending: time::Duration::minutes(10),
            },
            account_lockout: LockoutPolicy {
                max_failures: c.login.max_failures,
                lock_for: minutes(c.login.lockout_minutes),
                window: minutes(c.login.lockout_minutes),
                backoff_after: c.login.max_failures.saturating_sub(2).max(1),
            },
            ip_lockout: LockoutPolicy {
                max_failures: c.login.ip_max_failures,
                lock_for: minutes(c.login.lockout_minutes),
                window: minutes(c.login.lockout_minutes),
                backoff_after: (c.login.ip_max_failures / 3).max(1),
            },
            issuer: c.organisation.name.clone(),
        }
    }
}

/// The accounts service. Cheap to clone.
/// A short fixed-size key for a session's token hash.
pub fn session_key(token_hash: &str) -> [u8; 32] {
    use sha2::Digest;
    sha2::Sha256::digest(token_hash.as_bytes()).into()
}

/// A session, or every session of a member of staff, that may no longer
/// be good: signed out, disabled, role changed, password reset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Revocation {
    /// The session with this token hash.
    Session([u8; 32]),
    Staff(StaffId),
}

/// What staff accounts needs from the store, one port per concern.
#[derive(Clone)]
pub struct AccountStores {
    pub staff: Arc<dyn StaffStore>,
    pub sessions: Arc<dyn SessionStore>,
    pub throttle: Arc<dyn LoginThrottleStore>,
    pub audit_log: Arc<dyn AuditLog>,
}

impl AccountStores {
    /// Each port from the one store that implements them all.
    pub fn of(store: &Arc<dyn Store>) -> Self {
        Self {
            staff: store.clone(),
            sessions: store.clone(),
            throttle: store.clone(),
            audit_log: store.clone(),
        }
    }
}

#[derive(Clone)]
pub struct Accounts {
    staff: Arc<dyn StaffStore>,
    sessions: Arc<dyn SessionStore>,
    throttle: Arc<dyn LoginThrottleStore>,
    audit_log: Arc<dyn AuditLog>,
    clock: Arc<dyn Clock>,
    revocations: tokio::sync::broadcast::Sender<Revocation>,
    settings: Arc<AccountSettings>,
    /// Seals second-factor secrets before they are stored.
    sealing: Arc<SealingKey>,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accounts").finish_non_exhaustive()
    }
}

/// Runs CPU-heavy password work off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AccountError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|_| AccountError::Hashing)
}

async fn hash(password: &NewPassword) -> Result<Secret<String>, AccountError> {
    let p = password.expose().to_owned();
    let p = Secret::new(p);
    blocking(move || hash_password(p.expose()))
        .await?
        .map_err(|_| AccountError::Hashing)
}

async fn verify(password: &Secret<String>, phc: &str) -> Result<bool, AccountError> {
    let p = password.clone();
    let phc = Secret::new(phc.to_owned());
    blocking(move || verify_password(p.expose(), phc.expose())).await
}

impl Accounts {
    pub fn new(
        stores: AccountStores,
        clock: Arc<dyn Clock>,
        settings: AccountSettings,
        sealing: Arc<SealingKey>,
    ) -> Self {
        Self {
            staff: stores.staff,
            sessions: stores.sessions,
            throttle: stores.throttle,
            audit_log: stores.audit_log,
            clock,
            revocations: tokio::sync::broadcast::channel(64).0,
            settings: Arc::new(settings),
            sealing,
        }
    }

    /// Removes sessions past their idle or absolute expiry; how many.
    pub async fn purge_expired_sessions(&self) -> Result<u64, AccountError> {
        let now = self.clock.now();
        let policy = self.settings.sessions;
        Ok(self
            .sessions
            .purge_sessions(now - policy.idle, now - policy.absolute)
            .await?)
    }

    /// Hears sessions that may have been taken away, so that connections
    /// held open with them (the console's socket) check again at once.
    pub fn subscribe_revocations(&self) -> tokio::sync::broadcast::Receiver<Revocation> {
        self.revocations.subscribe()
    }

    fn revoked(&self, what: Revocation) {
        // Nobody listening is fine.
        let _ = self.revocations.send(what);
    }

    /// How many unused recovery codes a member of staff has left.
    pub async fn recovery_codes_left(&self, id: StaffId) -> Result<i64, AccountError> {
        Ok(self.staff.unused_recovery_codes(id).await?)
    }

    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    pub fn settings(&self) -> &AccountSettings {
        &self.settings
    }

    // ---- Sign-in -------------------------------------------------------

    pub async fn sign_in(
        &self,
        username_typed: &str,
        password: &Secret<String>,
        client: &ClientContext,
    ) -> Result<SignIn, AccountError> {
        let now = self.clock.now();
        let user_key = throttle_key("user", &username_typed.trim().to_ascii_lowercase());
        let ip_key = client.ip.map(|ip| throttle_key("ip", &ip.to_string()));
        let user_state = self.throttle.failures(&user_key).await?;
        let ip_state = match &ip_key {
            Some(k) => self.throttle.failures(k).await?,
            None => None,
        };
        let credentials = match Username::parse(username_typed) {
            Ok(u) => self.staff.staff_by_username(&u).await?,
            Err(_) => None,
        };
        let object = credentials.as_ref().map(|c| ObjectRef::staff(c.member.id));
        let locked = self
            .settings
            .account_lockout
            .check(user_state.as_ref(), now)
            != Gate::Open
            || self.settings.ip_lockout.check(ip_state.as_ref(), now) != Gate::Open;
        if locked {
            let mut entry = NewAuditEntry::new(Actor::Anonymous, "session.sign_in_throttled")
                .in_request(client.request_id.clone());
            entry.object = object;
            self.audit_log.append_audit(entry).await?;
            return Ok(SignIn::Failed);
        }
        let phc = credentials
            .as_ref()
            .map(|c| c.password_hash.expose().clone())
            .unwrap_or_else(|| dummy_hash().to_owned());
        let password_ok = verify(password, &phc).await?;
        let member = match credentials {
            Some(StaffCredentials { member, .. }) if password_ok && !member.disabled => member,
            _ => {
                let state = self.settings.account_lockout.after_failure(user_state, now);
                self.throttle.record_failure(&user_key, state).await?;
                if let Some(k) = &ip_key {
                    let state = self.settings.ip_lockout.after_failure(ip_state, now);
                    self.throttle.record_failure(k, state).await?;
                }
                let mut entry = NewAuditEntry::new(Actor::Anonymous, "session.sign_in_failed")
                    .in_request(client.request_id.clone());
                entry.object = object;
                self.audit_log.append_audit(entry).await?;
                return Ok(SignIn::Failed);
            }
        };
        self.throttle.clear_failures(&user_key).await?;
        let level = AuthLevel::next_for(&member, false);
        let (token, session) = self
            .open_session(&member, level, "session.sign_in", client)
            .await?;
        Ok(SignIn::Started {
            token,
            session,
            member,
        })
    }

    async fn open_session(
        &self,
        member: &StaffMember,
        level: AuthLevel,
        action: &str,
        client: &ClientContext,
    ) -> Result<(Secret<String>, StaffSession), AccountError> {
        let now = self.clock.now();
        let token = random_token();
        let session = StaffSession {
            token_hash: token_hash(token.expose()),
            staff_id: member.id,
            level,
            csrf_token: random_token().expose().clone(),
            created_at: now,
            last_seen_at: now,
        };
        let entry = NewAuditEntry::new(actor_of(member), action)
            .on(ObjectRef::staff(member.id))
            .because(format!("session level {}", level.as_str()))
            .in_request(client.request_id.clone());
        self.sessions.create_session(session.clone(), entry).await?;
        Ok((token, session))
    }

    /// The session a cookie token names, if it is live. Expired sessions and
    /// sessions of disabled accounts are ended on sight.
    pub async fn authenticate(&self, token: &str) -> Result<Option<Authenticated>, AccountError> {
        let hash = token_hash(token);
        let Some(session) = self.sessions.session(&hash).await? else {
            return Ok(None);
        };
        let now = self.clock.now();
        if self.settings.sessions.is_expired(&session, now) {
            self.sessions.end_session(&hash, None).await?;
            return Ok(None);
        }
        let Some(credentials) = self.staff.staff_by_id(session.staff_id).await? else {
            self.sessions.end_session(&hash, None).await?;
            return Ok(None);
        };
        if credentials.member.disabled {
            self.sessions.end_session(&hash, None).await?;
            return Ok(None);
        }
        // Record activity at most once a minute to spare the writer.
        if now - session.last_seen_at >= time::Duration::minutes(1) {
            self.sessions.touch_session(&hash, now).await?;
        }
        Ok(Some(Authenticated {
            session,
            member: credentials.member,
        }))
    }

    pub async fn sign_out(
        &self,
        who: &Authenticated,
        client: &ClientContext,
    ) -> Result<(), AccountError> {
        let entry = NewAuditEntry::new(who.actor(), "session.sign_out")
            .on(ObjectRef::staff(who.member.id))
            .in_request(client.request_id.clone());
        self.sessions
            .end_session(&who.session.token_hash, Some(entry))
            .await?;
        self.revoked(Revocation::Session(session_key(&who.session.token_hash)));
        Ok(())
    }

    /// Changes one's own password. Every session of the account ends; a new
    /// one is returned for the browser that made the change.
    pub async fn change_own_password(
        &self,
        who: &Authenticated,
        current: &Secret<String>,
        new: NewPassword,
        client: &ClientContext,
    ) -> Result<(Secret<String>, AuthLevel), AccountError> {
        let credentials = self
            .staff
            .staff_by_id(who.member.id)
            .await?
            .ok_or(AccountError::NotFound)?;
        if !verify(current, credentials.password_hash.expose()).await? {
            return Err(AccountError::WrongPassword);
        }
        let hashed = hash(&new).await?;
        let entry = NewAuditEntry::new(who.actor(), "staff.password_changed")
            .on(ObjectRef::staff(who.member.id))
            .because("changed by the account holder")
            .in_request(client.request_id.clone());
        self.staff
            .set_password(who.member.id, hashed, false, entry)
            .await?;
        self.revoked(Revocation::Staff(who.member.id));
        let mut member = credentials.member;
        member.must_change_password = false;
        let passed = who.session.level != AuthLevel::AwaitingSecondFactor;
        let level = AuthLevel::next_for(&member, passed);
        let (token, _) = self
            .open_session(&member, level, "session.renewed", client)
            .await?;
        Ok((token, level))
    }

    // ---- Administration ------------------------------------------------
}
