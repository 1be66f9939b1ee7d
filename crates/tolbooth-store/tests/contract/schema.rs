//! Both migration folders produce the same schema; migrations are safe to
//! run from several nodes at once; SQLite runs with the durability settings
//! Tolbooth promises.

use crate::fixture;
use sqlx::{Connection, PgConnection, Row, SqliteConnection};
use std::collections::BTreeSet;
use std::sync::Arc;
use tolbooth_domain::clock::SystemClock;
use tolbooth_domain::store::StoreHealth;
use tolbooth_store::{SqlStore, SCHEMA_TABLES};
use tolbooth_testkit::{backend_tests, Backend, TestDatabase};

backend_tests!(
    migrations_are_current_after_migrate,
    concurrent_migrations_apply_once
);

/// One column as both databases can describe it.
type Column = (String, String, String, bool, bool);

fn normal_type(t: &str) -> String {
    match t.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "int8" | "int" => "int".into(),
        "text" | "character varying" => "text".into(),
        "blob" | "bytea" => "bytes".into(),
        "boolean" => "bool".into(),
        other => other.into(),
    }
}

#[derive(Debug, PartialEq, Eq, Default)]
struct Schema {
    tables: BTreeSet<String>,
    columns: BTreeSet<Column>,
    indexes: BTreeSet<(String, String)>,
    uniques: BTreeSet<(String, String)>,
    foreign_keys: BTreeSet<(String, String, String, String)>,
    triggers: BTreeSet<(String, String)>,
}

async fn sqlite_schema(url: &str) -> Schema {
    let mut c = SqliteConnection::connect(url).await.unwrap();
    let mut s = Schema::default();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap();
    for t in tables {
        for r in sqlx::query("SELECT name, type, \"notnull\" AS nn, pk FROM pragma_table_info($1)")
            .bind(&t)
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let pk: i64 = r.get("pk");
            let nn: i64 = r.get("nn");
            s.columns.insert((
                t.clone(),
                r.get("name"),
                normal_type(r.get::<String, _>("type").as_str()),
                nn != 0 || pk != 0,
                pk != 0,
            ));
        }
        for r in sqlx::query("SELECT name, origin FROM pragma_index_list($1)")
            .bind(&t)
            .fetch_all(&mut c)
            .await
            .unwrap()
        {
            let name: String = r.get("name");
            let origin: String = r.get("origin");
            let cols: Vec<String> =
                sqlx::query_scalar("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&mut c)
                    .await
                    .unwrap();
            match origin.as_str() {
                "c" => {
                    s.indexes.insert((t.clone(), name));
                }
                "u" => {
                    s.uniques.insert((t.clone(), cols.join(",")));
                }
                _ => {}
            }
        }
        for r in sqlx::query(
            "SELECT \"from\" AS f, \"table\" AS t, \"to\" AS o FROM pragma_foreign_key_list($1)",
        )
        .bind(&t)
        .fetch_all(&mut c)
        .await
        .unwrap()
        {
            s.foreign_keys
                .insert((t.clone(), r.get("f"), r.get("t"), r.get("o")));
        }
        s.tables.insert(t);
    }
    for r in sqlx::query("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'")
        .fetch_all(&mut c)
        .await
        .unwrap()
    {
        s.triggers.insert((r.get("tbl_name"), r.get("name")));
    }
    s
}

async fn postgres_schema(url: &str) -> Schema {
    let mut c = PgConnection::connect(url).await.unwrap();
    let mut s = Schema::default();
    for r in sqlx::query(
        "SELECT c.table_name::text AS t, c.column_name::text AS n, c.data_type::text AS ty, \
                c.is_nullable::text AS nullable, \
                EXISTS (SELECT 1 FROM information_schema.table_constraints tc \
                        JOIN information_schema.key_column_usage k \
                          ON k.constraint_name = tc.constraint_name AND k.table_name = tc.table_name \
                        WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_name = c.table_name \
                          AND k.column_name = c.column_name) AS pk \
         FROM information_schema.columns c \
         WHERE c.table_schema = current_schema() AND c.table_name != '_sqlx_migrations'",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        let t: String = r.get("t");
        s.tables.insert(t.clone());
        s.columns.insert((
            t,
            r.get("n"),
            normal_type(r.get::<String, _>("ty").as_str()),
            r.get::<String, _>("nullable") == "NO",
            r.get("pk"),
        ));
    }
    for r in sqlx::query(
        "SELECT tablename::text AS t, indexname::text AS i FROM pg_indexes \
         WHERE schemaname = current_schema() AND indexname NOT IN (SELECT conname FROM pg_constraint)",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        s.indexes.insert((r.get("t"), r.get("i")));
    }
    for r in sqlx::query(
        "SELECT tc.table_name::text AS t, string_agg(k.column_name::text, ',' ORDER BY k.ordinal_position) AS cols \
         FROM information_schema.table_constraints tc \
         JOIN information_schema.key_column_usage k ON k.constraint_name = tc.constraint_name \
         WHERE tc.constraint_type = 'UNIQUE' AND tc.table_schema = current_schema() \
         GROUP BY tc.table_name, tc.constraint_name",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        s.uniques.insert((r.get("t"), r.get("cols")));
    }
    for r in sqlx::query(
        "SELECT k.table_name::text AS t, k.column_name::text AS f, u.table_name::text AS rt, u.column_name::text AS rc \
         FROM information_schema.referential_constraints rc \
         JOIN information_schema.key_column_usage k ON k.constraint_name = rc.constraint_name \
         JOIN information_schema.constraint_column_usage u ON u.constraint_name = rc.unique_constraint_name \
         WHERE k.table_schema = current_schema()",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        s.foreign_keys
            .insert((r.get("t"), r.get("f"), r.get("rt"), r.get("rc")));
    }
    for r in sqlx::query(
        "SELECT DISTINCT event_object_table::text AS t, trigger_name::text AS n FROM information_schema.triggers \
         WHERE trigger_schema = current_schema()",
    )
    .fetch_all(&mut c)
    .await
    .unwrap()
    {
        s.triggers.insert((r.get("t"), r.get("n")));
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_migration_sets_produce_the_same_schema() {
    let Some(pg) = TestDatabase::create(Backend::Postgres).await else {
        return;
    };
    let lite = TestDatabase::create(Backend::Sqlite).await.unwrap();
    for db in [&pg, &lite] {
        let store = SqlStore::connect(&db.url, Arc::new(SystemClock))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store.close().await;
    }
    let a = sqlite_schema(&lite.url).await;
    let b = postgres_schema(&pg.url).await;
    let expected: BTreeSet<String> = SCHEMA_TABLES.iter().map(|s| s.to_string()).collect();
    assert_eq!(a.tables, expected, "SCHEMA_TABLES lists every table");
    assert_eq!(a.tables, b.tables);
    assert_eq!(a.columns, b.columns);
    assert_eq!(a.indexes, b.indexes);
    assert_eq!(a.uniques, b.uniques);
    assert_eq!(a.foreign_keys, b.foreign_keys);
    assert_eq!(a.triggers, b.triggers);
    assert!(!a.columns.is_empty() && !a.indexes.is_empty() && !a.foreign_keys.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_runs_with_wal_full_sync_and_secure_delete() {
    let f = fixture(Backend::Sqlite).await.unwrap();
    let pool = f.store.raw_pool();
    let get = |sql: &'static str| async move {
        let row = sqlx::query(sql).fetch_one(pool).await.unwrap();
        row.try_get::<i64, _>(0)
            .map(|i| i.to_string())
            .or_else(|_| row.try_get::<String, _>(0))
            .unwrap()
    };
    assert_eq!(get("PRAGMA journal_mode").await.to_lowercase(), "wal");
    assert_eq!(get("PRAGMA synchronous").await, "2", "2 is FULL");
    assert_eq!(get("PRAGMA secure_delete").await, "1");
    assert_eq!(get("PRAGMA foreign_keys").await, "1");
}

async fn migrations_are_current_after_migrate(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let store = SqlStore::connect(&db.url, Arc::new(SystemClock))
        .await
        .unwrap();
    assert!(!store.migrations_current().await.unwrap());
    store.migrate().await.unwrap();
    assert!(store.migrations_current().await.unwrap());
    store.migrate().await.expect("migrating twice is harmless");
    store.close().await;
}

async fn concurrent_migrations_apply_once(backend: Backend) {
    if backend == Backend::Sqlite {
        // SQLite has one node by design: several processes share one file
        // and the single-writer lock serialises them.
        return;
    }
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let url = db.url.clone();
        tasks.push(tolbooth_workers::spawn_task("test", async move {
            let store = SqlStore::connect(&url, Arc::new(SystemClock))
                .await
                .unwrap();
            let r = store.migrate().await;
            store.close().await;
            r
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("every node migrates cleanly");
    }
    let store = SqlStore::connect(&db.url, Arc::new(SystemClock))
        .await
        .unwrap();
    let (known, applied) = store.migration_status().await.unwrap();
    assert_eq!(known, applied);
    store.close().await;
}

/// The SQLite database holds personal data: it, its WAL and its
/// shared-memory file are readable by their owner only, whether Tolbooth
/// creates them or finds them left world-readable by an older version.
#[cfg(unix)]
#[tokio::test]
async fn sqlite_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    use tolbooth_domain::audit::ports::AuditLog;
    use tolbooth_domain::audit::{Actor, NewAuditEntry};
    let dir = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let path = dir.path().join("fresh.db");
    let url = tolbooth_testkit::sqlite_url(&path);
    let store = SqlStore::connect(&url, Arc::new(SystemClock))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    store
        .append_audit(NewAuditEntry::new(Actor::system("test"), "test.write"))
        .await
        .unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.path().join(format!("fresh.db{suffix}"));
        assert!(file.exists(), "{suffix}");
        assert_eq!(mode(&file), 0o600, "fresh.db{suffix}");
    }
    drop(store);

    let old = dir.path().join("old.db");
    std::fs::write(&old, b"").unwrap();
    std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
    let url = tolbooth_testkit::sqlite_url(&old);
    let store = SqlStore::connect(&url, Arc::new(SystemClock))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let file = dir.path().join(format!("old.db{suffix}"));
        assert_eq!(mode(&file), 0o600, "old.db{suffix}");
    }
}
