//! Opening a store from a URL, with the settings each backend needs for
//! durability.

use crate::error::OrStoreError;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnectionMetadata;
use sqlx::{AnyConnection, AnyPool, Executor};
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::{Arc, Once};
use std::time::Duration;
use tolbooth_domain::clock::Clock;
use tolbooth_domain::store::{StoreError, StoreResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Option<Self> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

/// The store. Cheap to clone: the pools are shared.
#[derive(Clone)]
pub struct SqlStore {
    pub(crate) backend: Backend,
    /// Reads. On SQLite several connections read in parallel under WAL.
    pub(crate) read: AnyPool,
    /// Writes. On SQLite a single connection, so that writers queue in
    /// Tolbooth rather than fail with "database is locked"; on PostgreSQL the
    /// same pool as `read`.
    pub(crate) write: AnyPool,
    pub(crate) clock: Arc<dyn Clock>,
    /// Chat messages are committed in groups (see `group_commit`).
    pub(crate) appender: Option<crate::group_commit::Appender>,
    /// A failure armed by a test at a named step of a retention
    /// transaction (see [`SqlStore::arm_failpoint`]).
    pub(crate) failpoint: Arc<std::sync::Mutex<Option<String>>>,
    /// The sweeps' claims on chats, where the store keeps them in the
    /// process (SQLite; see `retention::claims`).
    pub(crate) sweep_claims: Arc<crate::retention::LocalClaims>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

static DRIVERS: Once = Once::new();

/// SQLite settings applied to every connection: WAL so readers never block
/// the writer, `synchronous=FULL` so an acknowledged commit survives power
/// loss, `secure_delete` so deleted records do not linger in free pages.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL;
PRAGMA synchronous = FULL;
PRAGMA foreign_keys = ON;
PRAGMA secure_delete = ON;
PRAGMA busy_timeout = 10000;";

type ConnectFuture<'c> = Pin<Box<dyn Future<Output = Result<(), sqlx::Error>> + Send + 'c>>;

fn sqlite_pragmas(conn: &mut AnyConnection, _meta: PoolConnectionMetadata) -> ConnectFuture<'_> {
    Box::pin(async move {
        conn.execute(SQLITE_PRAGMAS).await?;
        Ok(())
    })
}

impl SqlStore {
    /// Connects to `url` (`sqlite://PATH?mode=rwc` or `postgres://...`).
    /// Does not migrate: call [`SqlStore::migrate`].
    pub async fn connect(url: &str, clock: Arc<dyn Clock>) -> StoreResult<Self> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(url).ok_or_else(|| {
            StoreError::Unavailable("database URL must start with sqlite: or postgres:".into())
        })?;
        let options = AnyConnectOptions::from_str(url).store()?;
        match backend {
            Backend::Sqlite => {
                let file = sqlite_file(url);
                if let Some(path) = &file {
                    create_private(path)?;
                }
                let write = AnyPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(sqlite_pragmas)
                    .connect_with(options.clone())
                    .await
                    .store()?;
                let read = AnyPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(Duration::from_secs(30))
                    .after_connect(sqlite_pragmas)
                    .connect_with(options)
                    .await
                    .store()?;
                // The WAL and shared-memory files exist once a connection
                // is open; SQLite gives them the database file's mode, and
                // any left by an older version are made private here.
                if let Some(path) = &file {
                    restrict_sqlite_files(path)?;
                }
                let appender = Some(crate::group_commit::Appender::start(write.clone(), backend));
                Ok(Self {
                    backend,
                    read,
                    write,
                    clock,
                    appender,
                    failpoint: Arc::default(),
                    sweep_claims: Arc::default(),
                })
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(options)
                    .await
                    .store()?;
                let appender = Some(crate::group_commit::Appender::start(pool.clone(), backend));
                Ok(Self {
                    backend,
                    read: pool.clone(),
                    write: pool,
                    clock,
                    appender,
                    failpoint: Arc::default(),
                    sweep_claims: Arc::default(),
                })
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so a transaction that reads before it writes
    /// cannot fail half-way because another process wrote in between.
    pub(crate) async fn begin_write(&self) -> StoreResult<sqlx::Transaction<'static, sqlx::Any>> {
        match self.backend {
            Backend::Sqlite => self.write.begin_with("BEGIN IMMEDIATE").await.store(),
            Backend::Postgres => self.write.begin().await.store(),
        }
    }

    /// Arms (or with `None` disarms) a failure at the named step of a
    /// retention transaction, for tests that prove a sweep interrupted
    /// there loses nothing: the transaction fails as a crash would leave
    /// it, uncommitted. The names are those passed to `failpoint` in
    /// `retention.rs`, e.g. `save_extracts.before_commit`.
    pub fn arm_failpoint(&self, name: Option<&str>) {
        if let Ok(mut f) = self.failpoint.lock() {
            *f = name.map(str::to_owned);
        }
    }

    pub(crate) fn failpoint(&self, name: &str) -> StoreResult<()> {
        let armed = self
            .failpoint
            .lock()
            .map(|f| f.as_deref() == Some(name))
            .unwrap_or(false);
        if armed {
            return Err(StoreError::Unavailable(
                format!("failpoint {name} reached").into(),
            ));
        }
        Ok(())
    }

    /// Closes every connection (waits for those in use to be returned).
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
    }

    /// A raw pool for tests and maintenance commands that inspect the
    /// database itself.
    pub fn raw_pool(&self) -> &AnyPool {
        &self.write
    }
}

/// The database file a SQLite URL names, or `None` for an in-memory one.
fn sqlite_file(url: &str) -> Option<std::path::PathBuf> {
    let options = sqlx::sqlite::SqliteConnectOptions::from_str(url).ok()?;
    let path = options.get_filename();
    let text = path.to_string_lossy();
    if text.is_empty() || text.starts_with(':') || url.contains("mode=memory") {
        return None;
    }
    Some(path.to_path_buf())
}

/// Creates the database file, empty and readable by its owner only, before
/// SQLite would create it with the process's default mode. An empty file
/// is an empty database to SQLite.
#[cfg(unix)]
fn create_private(path: &std::path::Path) -> StoreResult<()> {
    use std::os::unix::fs::OpenOptionsExt;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A folder that does not exist is reported by SQLite itself.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::Unavailable(Box::new(e))),
    }
}

#[cfg(not(unix))]
fn create_private(_path: &std::path::Path) -> StoreResult<()> {
    Ok(())
}

/// Makes the database, its WAL and its shared-memory file owner-only.
#[cfg(unix)]
fn restrict_sqlite_files(path: &std::path::Path) -> StoreResult<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut names = vec![path.to_path_buf()];
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut name = path.as_os_str().to_owned();
        name.push(suffix);
        names.push(name.into());
    }
    for name in names {
        match std::fs::metadata(&name) {
            Ok(meta) if meta.permissions().mode() & 0o077 != 0 => {
                std::fs::set_permissions(&name, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| StoreError::Unavailable(Box::new(e)))?;
            }
            _ => {}
        }
    }
    Ok(())
}

#[cfg(not(unix))]
fn restrict_sqlite_files(_path: &std::path::Path) -> StoreResult<()> {
    Ok(())
}
