//! Schema migrations, one folder per backend, embedded in the binary.
//!
//! On PostgreSQL sqlx holds an advisory lock while migrating, so several
//! nodes starting at once apply each migration exactly once. A contract test
//! checks that both folders produce the same tables, columns, keys and
//! indexes.

use crate::connect::{Backend, SqlStore};
use crate::error::OrStoreError;
use sqlx::migrate::Migrator;
use sqlx::Row;
use std::collections::BTreeSet;
use tolbooth_domain::store::{StoreError, StoreResult};

static SQLITE: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES: Migrator = sqlx::migrate!("./migrations/postgres");

/// The tables the migrations create, for tests that compare schemas and
/// scan for leftovers.
pub const SCHEMA_TABLES: &[&str] = &[
    "audit_log",
    "bot_questions",
    "canned_responses",
    "chat_extracts",
    "chat_flags",
    "chat_messages",
    "chat_statistics",
    "chat_visitors",
    "chats",
    "disclosures",
    "enquiry_counts",
    "kb_pages",
    "kb_phrasings",
    "kb_vectors",
    "legal_holds",
    "login_failures",
    "policy_versions",
    "retention_runs",
    "staff",
    "staff_recovery_codes",
    "staff_sessions",
    "transcript_edits",
];

impl SqlStore {
    fn migrator(&self) -> &'static Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE,
            Backend::Postgres => &POSTGRES,
        }
    }

    /// Applies every pending migration. Safe to call from several processes
    /// at once on PostgreSQL.
    pub async fn migrate(&self) -> StoreResult<()> {
        self.migrator()
            .run(&self.write)
            .await
            .map_err(|e| StoreError::Unavailable(Box::new(e)))
    }

    /// Migration versions this build knows of and the database has applied.
    pub async fn migration_status(&self) -> StoreResult<(BTreeSet<i64>, BTreeSet<i64>)> {
        let known: BTreeSet<i64> = self.migrator().iter().map(|m| m.version).collect();
        let exists = match self.backend {
            Backend::Sqlite => {
                "SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'"
            }
            Backend::Postgres => {
                "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = '_sqlx_migrations'"
            }
        };
        let n: i64 = sqlx::query(exists)
            .fetch_one(&self.read)
            .await
            .store()?
            .try_get("n")
            .store()?;
        let applied = if n == 0 {
            BTreeSet::new()
        } else {
            sqlx::query("SELECT version FROM _sqlx_migrations WHERE success ORDER BY version")
                .fetch_all(&self.read)
                .await
                .store()?
                .iter()
                .map(|r| r.try_get::<i64, _>("version"))
                .collect::<Result<_, _>>()
                .store()?
        };
        Ok((known, applied))
    }
}
