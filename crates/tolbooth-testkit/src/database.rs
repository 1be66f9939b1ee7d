//! Throw-away databases for tests: a temporary SQLite file, or a fresh
//! PostgreSQL database that is dropped when the handle goes.
//!
//! PostgreSQL is found at `TOLBOOTH_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). When it cannot be reached,
//! [`TestDatabase::create`] prints a loud notice and returns `None` so the
//! test can skip; with `CI=true` it panics instead, because CI must never
//! skip the PostgreSQL half of the suite.

use sqlx::{Connection, Executor, PgConnection};
use std::path::PathBuf;
use tolbooth_store::Backend;

pub const DEFAULT_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn postgres_admin_url() -> String {
    std::env::var("TOLBOOTH_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_ADMIN_URL.to_owned())
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    pub backend: Backend,
    pub url: String,
    /// For SQLite, the directory holding the database file.
    dir: Option<tempfile::TempDir>,
    /// For PostgreSQL, the database name to drop.
    pg_name: Option<String>,
}

impl TestDatabase {
    pub async fn create(backend: Backend) -> Option<TestDatabase> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().ok()?;
                let path = dir.path().join("tolbooth.db");
                Some(TestDatabase {
                    backend,
                    url: sqlite_url(&path),
                    dir: Some(dir),
                    pg_name: None,
                })
            }
            Backend::Postgres => Self::create_postgres().await,
        }
    }

    async fn create_postgres() -> Option<TestDatabase> {
        let admin = postgres_admin_url();
        let mut conn = match PgConnection::connect(&admin).await {
            Ok(c) => c,
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("CI=true but PostgreSQL is not reachable at {admin}: {e}");
                }
                // Straight to the stderr handle: the test harness captures
                // eprintln! output of passing tests, and this must be seen.
                use std::io::Write;
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPED: PostgreSQL test; no server at {admin} ({e}).\n!!! Set TOLBOOTH_TEST_POSTGRES_URL or start PostgreSQL to run it.\n"
                );
                return None;
            }
        };
        let name = format!("tolbooth_test_{:016x}", rand::random::<u64>());
        if let Err(e) = conn
            .execute(format!("CREATE DATABASE {name}").as_str())
            .await
        {
            panic!("could not create test database {name}: {e}");
        }
        let _ = conn.close().await;
        let url = replace_database(&admin, &name);
        Some(TestDatabase {
            backend: Backend::Postgres,
            url,
            dir: None,
            pg_name: Some(name),
        })
    }

    /// The directory of a SQLite database (for tests that scan its files).
    pub fn sqlite_dir(&self) -> Option<PathBuf> {
        self.dir.as_ref().map(|d| d.path().to_path_buf())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.pg_name.take() else {
            return;
        };
        let admin = postgres_admin_url();
        // Drop runs inside the test's runtime, which cannot be blocked on:
        // use a thread with a runtime of its own.
        let handle = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    if let Err(e) = conn.execute(sql.as_str()).await {
                        eprintln!("warning: could not drop test database {name}: {e}");
                    }
                    let _ = conn.close().await;
                }
            });
        });
        let _ = handle.join();
    }
}

/// A SQLite URL that creates the file if it is missing.
pub fn sqlite_url(path: &std::path::Path) -> String {
    format!("sqlite://{}?mode=rwc", path.display())
}

fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(i) if i > "postgres://".len() => &base[..i],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Stamps each named `async fn NAME(backend: Backend)` into two tests,
/// `NAME::sqlite` and `NAME::postgres`. A test skips itself when
/// [`TestDatabase::create`] returns `None`.
#[macro_export]
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                super::$name($crate::Backend::Sqlite).await
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                super::$name($crate::Backend::Postgres).await
            }
        }
    )*};
}

#[cfg(test)]
mod tests {
    #[test]
    fn database_name_is_replaced() {
        assert_eq!(
            super::replace_database("postgres://u@h:5432/test?sslmode=disable", "x"),
            "postgres://u@h:5432/x?sslmode=disable"
        );
    }
}
