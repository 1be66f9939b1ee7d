//! The `tolbooth` command itself: configuration errors, staff accounts and
//! the audit log, on both backends.

use std::path::Path;
use std::process::{Command, Output};
use tolbooth_testkit::{backend_tests, Backend, TestDatabase};

backend_tests!(
    user_commands_manage_accounts,
    audit_verify_passes_then_catches_tampering,
    audit_checkpoint_catches_truncation,
);

fn tolbooth(dir: &Path, db: Option<&TestDatabase>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tolbooth"));
    c.args(args).current_dir(dir).env("USER", "tester");
    for (k, _) in std::env::vars() {
        if k.starts_with("TOLBOOTH_") && !k.starts_with("TOLBOOTH_TEST_") {
            c.env_remove(k);
        }
    }
    if let Some(db) = db {
        c.env("TOLBOOTH_DATABASE_URL", &db.url);
    }
    c.output().expect("run tolbooth")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["demo", "--help"],
        vec!["migrate", "--help"],
        vec!["user", "--help"],
        vec!["user", "add", "--help"],
        vec!["user", "list", "--help"],
        vec!["user", "disable", "--help"],
        vec!["user", "enable", "--help"],
        vec!["user", "set-role", "--help"],
        vec!["user", "reset-password", "--help"],
        vec!["audit", "verify", "--help"],
        vec!["audit", "checkpoint", "--help"],
        vec!["config", "check", "--help"],
    ] {
        let o = tolbooth(dir.path(), None, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn a_bad_config_file_gives_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("tolbooth.toml");
    std::fs::write(&file, "[sessions]\nidle_minutes = \"forever\"\n").unwrap();
    for args in [
        vec!["--config", "tolbooth.toml", "migrate"],
        vec!["config", "check", "tolbooth.toml"],
    ] {
        let o = tolbooth(dir.path(), None, &args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = stderr(&o);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(
            err.contains("sessions.idle_minutes") && err.contains("forever"),
            "{err}"
        );
        assert!(!err.contains("panicked") && !err.contains("backtrace"));
    }
    assert!(
        !dir.path().join("tolbooth-data").exists(),
        "nothing was created"
    );
}

#[test]
fn a_bad_environment_value_gives_one_line_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_tolbooth"))
        .args(["config", "check"])
        .current_dir(dir.path())
        .env("TOLBOOTH_LOGIN__MAX_FAILURES", "lots")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("login.max_failures") && err.contains("TOLBOOTH_LOGIN__MAX_FAILURES"),
        "{err}"
    );
}

#[test]
fn a_good_config_checks_and_secrets_stay_hidden() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.toml"),
        "database_url = \"postgres://tb:hunter2@db/tb\"\n[server]\nlisten = \"0.0.0.0:8443\"\n",
    )
    .unwrap();
    let o = tolbooth(dir.path(), None, &["config", "check", "t.toml"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("0.0.0.0:8443"));
    assert!(!stdout(&o).contains("hunter2"));
}

#[test]
fn a_fresh_directory_needs_no_setup() {
    let dir = tempfile::tempdir().unwrap();
    let o = tolbooth(dir.path(), None, &["migrate"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(dir.path().join("tolbooth-data/tolbooth.db").exists());
}

async fn user_commands_manage_accounts(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let db = Some(&db);
    let o = tolbooth(
        d,
        db,
        &[
            "user",
            "add",
            "mia",
            "--name",
            "Mia Macleod",
            "--role",
            "supervisor",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("One-time password: "));
    let o = tolbooth(d, db, &["user", "add", "mia", "--name", "Again"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("already exists"), "{}", stderr(&o));
    let o = tolbooth(d, db, &["user", "add", "bad name", "--name", "X"]);
    assert!(!o.status.success() && stderr(&o).contains("username"));
    assert!(tolbooth(d, db, &["user", "set-role", "mia", "governance"])
        .status
        .success());
    assert!(tolbooth(d, db, &["user", "disable", "mia"])
        .status
        .success());
    let o = tolbooth(d, db, &["user", "list", "--json"]);
    let list: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(list[0]["username"], "mia");
    assert_eq!(list[0]["role"], "governance");
    assert_eq!(list[0]["disabled"], true);
    assert!(tolbooth(d, db, &["user", "enable", "mia"]).status.success());
    let o = tolbooth(
        d,
        db,
        &["user", "reset-password", "mia", "--reset-second-factor"],
    );
    assert!(stdout(&o).contains("New one-time password for mia"));
    let o = tolbooth(d, db, &["user", "disable", "nobody"]);
    assert!(!o.status.success() && stderr(&o).contains("no such staff member"));
    let o = tolbooth(d, db, &["user", "list"]);
    assert!(stdout(&o).contains("Mia Macleod"));
    // Every change is attributed to the operating-system user.
    let o = tolbooth(d, db, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("Audit log OK: 6 entries"),
        "{}",
        stdout(&o)
    );
}

async fn tamper(db: &TestDatabase, sql: &str) {
    use sqlx::Executor;
    let clock = std::sync::Arc::new(tolbooth_domain::clock::SystemClock);
    let store = tolbooth_store::SqlStore::connect(&db.url, clock)
        .await
        .unwrap();
    let guard = match db.backend {
        Backend::Sqlite => "DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;",
        Backend::Postgres => "ALTER TABLE audit_log DISABLE TRIGGER USER;",
    };
    store.raw_pool().execute(guard).await.unwrap();
    store.raw_pool().execute(sql).await.unwrap();
    store.close().await;
}

async fn audit_verify_passes_then_catches_tampering(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["ann", "ben", "cat"] {
        assert!(
            tolbooth(d, Some(&db), &["user", "add", name, "--name", name])
                .status
                .success()
        );
    }
    let o = tolbooth(d, Some(&db), &["audit", "verify"]);
    assert!(o.status.success());
    tamper(
        &db,
        "UPDATE audit_log SET actor_name = 'someone else' WHERE seq = 2",
    )
    .await;
    let o = tolbooth(d, Some(&db), &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("entry 2"), "{}", stderr(&o));
}

async fn audit_checkpoint_catches_truncation(backend: Backend) {
    let Some(db) = TestDatabase::create(backend).await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for name in ["dee", "eli", "fox", "gus"] {
        assert!(
            tolbooth(d, Some(&db), &["user", "add", name, "--name", name])
                .status
                .success()
        );
    }
    let o = tolbooth(d, Some(&db), &["audit", "checkpoint", "--out", "cp.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = tolbooth(
        d,
        Some(&db),
        &["audit", "verify", "--checkpoint", "cp.json"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("signed checkpoint at entry 4"));
    tamper(&db, "DELETE FROM audit_log WHERE seq = 4").await;
    assert!(
        tolbooth(d, Some(&db), &["audit", "verify"])
            .status
            .success(),
        "the chain alone cannot see this"
    );
    let o = tolbooth(
        d,
        Some(&db),
        &["audit", "verify", "--checkpoint", "cp.json"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("truncated"), "{}", stderr(&o));
    // A checkpoint edited by hand fails its signature.
    let text = std::fs::read_to_string(d.join("cp.json"))
        .unwrap()
        .replace("\"seq\": 4", "\"seq\": 3");
    std::fs::write(d.join("cp2.json"), text).unwrap();
    let o = tolbooth(
        d,
        Some(&db),
        &["audit", "verify", "--checkpoint", "cp2.json"],
    );
    assert!(!o.status.success());
    assert!(stderr(&o).contains("signature"), "{}", stderr(&o));
}

fn redact(args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tolbooth"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn redact_prints_text_with_markers() {
    let o = redact(
        &["redact"],
        "I'm Eilidh, call 07700 900123 or eilidh@example.org\n",
    );
    assert!(o.status.success());
    assert_eq!(
        stdout(&o),
        "I'm Eilidh, call [phone number removed] or [email removed]\n"
    );
}

#[test]
fn redact_jsonl_reports_code_point_offsets_and_goes_on_after_bad_lines() {
    let input = "{\"id\": 7, \"text\": \"Màiri: my son has ADHD\"}\nnot json\n{\"id\": \"b\"}\n{\"id\": 8, \"text\": \"ok\"}\n";
    let o = redact(&["redact", "--jsonl"], input);
    assert_eq!(
        o.status.code(),
        Some(1),
        "bad lines make the exit status non-zero"
    );
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["id"], 7);
    assert_eq!(
        lines[0]["text"],
        "Màiri: my son has [health information removed]"
    );
    assert_eq!(
        lines[0]["findings"][0]["start"], 18,
        "code points, not bytes"
    );
    assert_eq!(lines[0]["findings"][0]["end"], 22);
    assert_eq!(lines[0]["findings"][0]["category"], "health");
    assert_eq!(lines[1]["line"], 2);
    assert!(lines[1]["error"].as_str().unwrap().contains("not JSON"));
    assert_eq!(lines[2]["id"], "b");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[3]["text"], "ok");
    assert!(stderr(&o).contains("2 of 4"));
}
