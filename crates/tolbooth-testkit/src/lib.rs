//! Test helpers that speak Tolbooth's language: a whole application on
//! port 0 against a throw-away database, a clock the test moves, and a
//! browser-like client that keeps cookies and fills in CSRF tokens.

#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test support code: a failure here is a failed test"
)]

mod browser;
mod journeys;
mod socket;

pub use browser::{hidden_field as browser_hidden_field, Browser, Page};
pub use journeys::{AskedChat, Enquiry};
pub use socket::{Socket, SocketEnd};
mod database;

pub use database::{postgres_admin_url, sqlite_url, TestDatabase};
pub use tolbooth_store::Backend;

/// An audit entry by the system, for tests that write records straight
/// to the store.
pub fn audit(action: &str) -> tolbooth_domain::audit::NewAuditEntry {
    tolbooth_domain::audit::NewAuditEntry::new(Actor::system("test"), action)
}

use std::sync::Arc;
use time::macros::datetime;
use tokio::sync::oneshot;
use tolbooth_core::governance::Governance;
use tolbooth_core::retention::Sweeper;
use tolbooth_core::services::Services;
use tolbooth_core::{Accounts, Config, LiveChat};
use tolbooth_domain::audit::ports::AuditLog;
use tolbooth_domain::audit::{Actor, AuditEntry};
use tolbooth_domain::clock::{Clock, ManualClock};
use tolbooth_domain::secret::Secret;
use tolbooth_domain::staff::role::Role;
use tolbooth_domain::staff::{NewPassword, StaffMember};
use tolbooth_domain::store::Store;
use tolbooth_store::SqlStore;
use tolbooth_web::AppState;

/// A running Tolbooth.
pub struct TestApp {
    /// Every use case, as the one wiring built them (the server's
    /// background workers are not started unless a test starts them).
    pub services: Services,
    pub base_url: String,
    pub store: SqlStore,
    pub accounts: Accounts,
    pub live_chat: LiveChat,
    pub governance: Governance,
    pub sweeper: Sweeper,
    pub chatbot: tolbooth_core::bot::Chatbot,
    pub clock: ManualClock,
    pub config: Arc<Config>,
    pub data_dir: tempfile::TempDir,
    pub db: TestDatabase,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
}

/// A member of staff the test created, with their password.
#[derive(Debug, Clone)]
pub struct TestStaff {
    pub member: StaffMember,
    pub password: String,
    /// The TOTP secret, once enrolled.
    pub totp_secret: Option<String>,
}

/// The sentence embedding model for tests of the chatbot's dense half:
/// `TOLBOOTH_TEST_EMBEDDING_MODEL`, or where
/// `scripts/fetch-embedding-model.sh` puts it. `None` (said loudly) when
/// it is not there; with `CI=true` a missing model fails the test.
pub fn embedding_model() -> Option<std::path::PathBuf> {
    let dir = std::env::var_os("TOLBOOTH_TEST_EMBEDDING_MODEL")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../target/models/all-minilm-l6-v2")
        });
    if dir.join("model.safetensors").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!(
            "CI=true but there is no embedding model at {} (bash scripts/fetch-embedding-model.sh)",
            dir.display()
        );
    }
    use std::io::Write;
    let _ = writeln!(
        std::io::stderr(),
        "\n!!! SKIPPED: dense retrieval test; no embedding model at {}.\n!!! Run bash scripts/fetch-embedding-model.sh or set TOLBOOTH_TEST_EMBEDDING_MODEL.\n",
        dir.display()
    );
    None
}

impl TestApp {
    /// Starts an application on `backend`, or returns `None` (having said
    /// so loudly) when that backend is not available here.
    pub async fn spawn(backend: Backend) -> Option<TestApp> {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> Option<TestApp> {
        let db = TestDatabase::create(backend).await?;
        let data_dir = tempfile::tempdir().unwrap();
        let mut config = Config {
            data_dir: data_dir.path().to_path_buf(),
            database_url: Some(Secret::new(db.url.clone())),
            ..Config::default()
        };
        config.organisation.name = "Test Council".into();
        config.server.listen = "127.0.0.1:0".into();
        config.retention.policy = Some("preset:scottish-parliament-live-chat".into());
        adjust(&mut config);
        let config = Arc::new(config);
        let clock = ManualClock::starting_at(datetime!(2026-11-22 09:00 UTC));
        let store = SqlStore::connect(&db.url, Arc::new(clock.clone()))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        let shared: Arc<dyn Store> = Arc::new(store.clone());
        let policy =
            tolbooth_core::policy_file::load(config.retention.policy.as_deref().unwrap()).unwrap();
        let embedder = tolbooth_core::bot::KnowledgeBase::load_embedder(&config.chatbot)
            .await
            .unwrap();
        // The one wiring, as `tolbooth serve` builds it.
        let services = Services::build(
            config.clone(),
            shared,
            Arc::new(clock.clone()),
            policy,
            embedder,
        )
        .await
        .unwrap();
        services.governance.adopt_running_policy().await.unwrap();
        let state = AppState::new(&services);
        let all = services.clone();
        let Services {
            base,
            governance,
            sweeper,
            chatbot,
            ..
        } = services;
        let (accounts, live_chat) = (base.accounts, base.live_chat);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let server = tolbooth_workers::spawn_task("test-server", async move {
            let _ = tolbooth_web::server::serve(state, listener, async move {
                let _ = rx.await;
            })
            .await;
        });
        Some(TestApp {
            services: all,
            base_url: format!("http://{addr}"),
            store,
            accounts,
            live_chat,
            governance,
            sweeper,
            chatbot,
            clock,
            config,
            data_dir,
            db,
            shutdown: Some(tx),
            server: Some(server),
        })
    }

    /// Signals shutdown, as SIGTERM would, and returns the server task,
    /// which ends once requests in flight are answered.
    pub fn begin_shutdown(&mut self) -> tokio::task::JoinHandle<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        self.server.take().expect("the server is running")
    }

    pub fn browser(&self) -> Browser {
        Browser::new(&self.base_url)
    }

    /// A member of staff with a password of their own, ready to sign in.
    pub async fn staff(&self, username: &str, role: Role) -> TestStaff {
        let (member, _) = self
            .accounts
            .add_staff(
                Actor::system("test"),
                username,
                &format!("{username} (test)"),
                role,
                None,
            )
            .await
            .unwrap();
        let password = format!("{username}-correct-horse-battery");
        let hash = tolbooth_core::staff::password::hash_password(&password).unwrap();
        use tolbooth_domain::staff::ports::StaffStore;
        self.store
            .set_password(
                member.id,
                hash,
                false,
                tolbooth_domain::audit::NewAuditEntry::new(
                    Actor::system("test"),
                    "staff.password_set",
                ),
            )
            .await
            .unwrap();
        let _ = NewPassword::parse(Secret::new(password.clone())).unwrap();
        let member = self.accounts.get(member.id).await.unwrap();
        TestStaff {
            member,
            password,
            totp_secret: None,
        }
    }

    /// Enrols a TOTP secret for `staff` directly in the store.
    pub async fn enrol_totp(&self, staff: &mut TestStaff) -> Vec<String> {
        use tolbooth_domain::staff::ports::StaffStore;
        let secret = tolbooth_core::staff::second_factor::new_secret();
        let (codes, hashes) = tolbooth_core::staff::second_factor::recovery_codes();
        self.store
            .set_second_factor(
                staff.member.id,
                Some(self.accounts.seal_totp_secret(staff.member.id, &secret)),
                hashes,
                tolbooth_domain::audit::NewAuditEntry::new(
                    Actor::system("test"),
                    "staff.second_factor_enrolled",
                ),
            )
            .await
            .unwrap();
        staff.totp_secret = Some(secret.expose().clone());
        codes.iter().map(|c| c.expose().clone()).collect()
    }

    /// The TOTP code `staff`'s authenticator shows now.
    pub fn totp_code(&self, secret: &str) -> String {
        tolbooth_core::staff::second_factor::current_code(secret, self.clock.now()).unwrap()
    }

    /// An administrator with an authenticator, signed in through the
    /// second factor in a browser of their own.
    pub async fn signed_in_admin(&self, username: &str) -> (Browser, TestStaff) {
        self.signed_in_with_second_factor(username, Role::Admin)
            .await
    }

    /// A member of staff with an authenticator (an administrator or a
    /// governance officer), signed in through the second factor in a
    /// browser of their own.
    pub async fn signed_in_with_second_factor(
        &self,
        username: &str,
        role: Role,
    ) -> (Browser, TestStaff) {
        let mut staff = self.staff(username, role).await;
        self.enrol_totp(&mut staff).await;
        let mut b = self.browser();
        b.sign_in(username, &staff.password).await;
        let code = self.totp_code(staff.totp_secret.as_deref().unwrap());
        let p = b.enter_code(&code).await;
        assert_eq!(
            p.location.as_deref(),
            Some("/console"),
            "{username} signs in"
        );
        (b, staff)
    }

    /// An operator (or another role) signed in with a password of their own,
    /// in a browser of their own.
    pub async fn signed_in(&self, username: &str, role: Role) -> (Browser, TestStaff) {
        let staff = self.staff(username, role).await;
        let mut b = self.browser();
        assert_eq!(b.sign_in(username, &staff.password).await.status, 303);
        let page = b.get("/console").await;
        assert_eq!(page.status, 200, "{username} reaches the console");
        (b, staff)
    }

    /// A visitor's socket, opened from no page (as an integration would).
    pub async fn visitor_socket(&self) -> Socket {
        Socket::connect(&self.base_url, "/ws/chat", None, None)
            .await
            .expect("the visitor's socket opens")
    }

    /// The console's socket with `browser`'s session, from Tolbooth's own
    /// origin.
    pub async fn console_socket(&self, browser: &Browser) -> Result<Socket, SocketEnd> {
        Socket::connect(
            &self.base_url,
            "/ws/console",
            Some(&self.base_url),
            Some(&browser.cookie_header()),
        )
        .await
    }

    pub async fn audit_log(&self) -> Vec<AuditEntry> {
        self.store.audit_entries(0, 100_000).await.unwrap()
    }

    /// Audit entries with `action`.
    pub async fn audited(&self, action: &str) -> Vec<AuditEntry> {
        self.audit_log()
            .await
            .into_iter()
            .filter(|e| e.action == action)
            .collect()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
