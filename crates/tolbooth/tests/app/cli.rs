//! The `tolbooth` command itself: configuration errors, staff accounts and
//! the audit log, on both backends.

use std::path::Path;
use std::process::{Command, Output};
use tolbooth_testkit::{backend_tests, Backend, TestDatabase};

backend_tests!(
    retention_and_disclosure_commands_work_on_a_live_database,
    user_commands_manage_accounts,
    audit_verify_passes_then_catches_tampering,
    audit_checkpoint_catches_truncation,
);

pub fn tolbooth(dir: &Path, db: Option<&TestDatabase>, args: &[&str]) -> Output {
    tolbooth_with(dir, db, args, &[])
}

/// `tolbooth` with more environment variables (configuration overrides).
pub fn tolbooth_with(
    dir: &Path,
    db: Option<&TestDatabase>,
    args: &[&str],
    vars: &[(&str, &str)],
) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tolbooth"));
    c.args(args).current_dir(dir).env("USER", "tester");
    for (k, _) in std::env::vars() {
        if k.starts_with("TOLBOOTH_") && !k.starts_with("TOLBOOTH_TEST_") {
            c.env_remove(k);
        }
    }
    c.envs(vars.iter().copied());
    if let Some(db) = db {
        c.env("TOLBOOTH_DATABASE_URL", &db.url);
    }
    c.output().expect("run tolbooth")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
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
        vec!["policy", "check", "--help"],
        vec!["policy", "notice", "--help"],
        vec!["policy", "schema", "--help"],
        vec!["policy", "presets", "--help"],
        vec!["policy", "preset", "--help"],
        vec!["retention", "run", "--help"],
        vec!["retention", "status", "--help"],
        vec!["disclosure", "export", "--help"],
        vec!["kb", "import", "--help"],
        vec!["kb", "list", "--help"],
        vec!["kb", "remove", "--help"],
        vec!["kb", "add-phrasing", "--help"],
        vec!["kb", "remove-phrasing", "--help"],
        vec!["kb", "phrasings", "--help"],
        vec!["bot", "ask", "--help"],
    ] {
        let o = tolbooth(dir.path(), None, &args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(stdout(&o).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn logs_are_plain_text_when_not_at_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let o = tolbooth_with(dir.path(), None, &["migrate"], &[("RUST_LOG", "debug")]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("DEBUG"),
        "migrate logged at debug level: {err}"
    );
    assert!(
        !err.contains('\u{1b}'),
        "no colour codes in a log written to a pipe: {err:?}"
    );
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

/// `tolbooth redact` takes the thorough path unless told `--fast`: a
/// disclosure told in other words than the lexicon's goes only with it.
#[test]
fn redact_is_thorough_unless_told_fast() {
    let text = "my dad has been hearing voices again and stopped taking his meds\n";
    let thorough = redact(&["redact"], text);
    let fast = redact(&["redact", "--fast"], text);
    assert!(thorough.status.success() && fast.status.success());
    assert!(
        stdout(&fast).contains("hearing voices"),
        "{}",
        stdout(&fast)
    );
    assert!(
        !stdout(&thorough).contains("hearing voices"),
        "{}",
        stdout(&thorough)
    );
    assert!(stdout(&thorough).contains("[health information removed]"));
}

#[test]
fn redact_jsonl_reports_code_point_offsets_and_goes_on_after_bad_lines() {
    let input = "{\"id\": 7, \"text\": \"Màiri: my son has ADHD\"}\nnot json\n{\"id\": \"b\"}\n{\"id\": 8, \"text\": \"ok\"}\n";
    let o = redact(&["redact", "--jsonl", "--fast"], input);
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

#[test]
fn policy_check_accepts_the_presets_and_names_every_fault() {
    let dir = tempfile::tempdir().unwrap();
    let o = tolbooth(dir.path(), None, &["policy", "presets"]);
    assert!(o.status.success());
    let presets: Vec<String> = stdout(&o)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert_eq!(presets.len(), 4, "{presets:?}");
    for p in &presets {
        let o = tolbooth(dir.path(), None, &["policy", "check", p]);
        assert!(o.status.success(), "{p}: {}", stderr(&o));
        assert!(stdout(&o).contains("a valid policy"), "{p}");
    }
    // A copy of a preset, broken three ways.
    let o = tolbooth(
        dir.path(),
        None,
        &["policy", "preset", "scottish-parliament-live-chat"],
    );
    let text = stdout(&o)
        .replacen("article_9_condition = \"manifestly_made_public\"\n", "", 1)
        .replacen("purposes = [\"answer_enquiry\"]\n", "purposes = []\n", 1);
    std::fs::write(dir.path().join("mine.toml"), &text).unwrap();
    let o = tolbooth(dir.path(), None, &["policy", "check", "mine.toml"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("mine.toml breaks 2 rules"), "{err}");
    assert!(err.contains("names no Article 9 condition"), "{err}");
    assert!(err.contains("collected without a lawful basis"), "{err}");
    std::fs::write(
        dir.path().join("typo.toml"),
        text.replace("[controller]", "[controler]"),
    )
    .unwrap();
    let o = tolbooth(dir.path(), None, &["policy", "check", "typo.toml"]);
    assert!(
        stderr(&o).contains("unknown field `controler`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_notice_and_schema_are_printed_from_the_policy() {
    let dir = tempfile::tempdir().unwrap();
    let o = tolbooth(
        dir.path(),
        None,
        &[
            "policy",
            "notice",
            "--policy",
            "preset:helpline-live-chat",
            "--format",
            "html",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let html = stdout(&o);
    assert!(html.starts_with("<!doctype html>"));
    assert!(html.contains("kept for no more than 30 days after the chat ends, then deleted."));
    assert!(
        html.contains("Draft of"),
        "a file not yet adopted is a draft"
    );
    let o = tolbooth(
        dir.path(),
        None,
        &["policy", "notice", "--policy", "preset:council-chatbot"],
    );
    assert!(stdout(&o).starts_with("# Privacy notice: Website chatbot"));
    let o = tolbooth(dir.path(), None, &["policy", "schema", "--format", "md"]);
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/policy.md"))
            .unwrap();
    assert_eq!(stdout(&o), docs, "docs/policy.md is the generated reference: regenerate it with `tolbooth policy schema --format md > docs/policy.md`");
    let o = tolbooth(dir.path(), None, &["policy", "schema"]);
    let schema: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert!(schema["$defs"]["Category"]["properties"]["retention"].is_object());
}

#[test]
fn serve_refuses_to_start_without_a_policy() {
    let dir = tempfile::tempdir().unwrap();
    let o = tolbooth(dir.path(), None, &["serve", "--listen", "127.0.0.1:0"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(
        err.contains("no retention policy configured") && err.contains("retention.policy"),
        "{err}"
    );
    assert!(
        !dir.path().join("tolbooth-data").exists(),
        "refused before creating anything"
    );
    std::fs::write(
        dir.path().join("t.toml"),
        "[retention]\npolicy = \"preset:nope\"\n",
    )
    .unwrap();
    let o = tolbooth(dir.path(), None, &["config", "check", "t.toml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("retention.policy") && stderr(&o).contains("unknown policy preset"),
        "{}",
        stderr(&o)
    );
}

async fn retention_and_disclosure_commands_work_on_a_live_database(backend: Backend) {
    use std::net::IpAddr;
    use tolbooth_core::staff::ClientContext;
    use tolbooth_domain::chat::FlagReason;
    use tolbooth_domain::staff::role::Role;
    let Some(app) = tolbooth_testkit::TestApp::spawn(backend).await else {
        return;
    };
    let ctx = ClientContext {
        ip: Some("203.0.113.99".parse::<IpAddr>().unwrap()),
        request_id: None,
    };
    let operator = app.staff("morven", Role::Operator).await;
    app.staff("ailsa", Role::Governance).await;
    let started = app
        .live_chat
        .start(
            "There is a man with a knife outside",
            None,
            &Default::default(),
            &ctx,
        )
        .await
        .unwrap();
    let chat_ref = started.chat.lifecycle.chat_ref;
    app.live_chat
        .accept(&operator.member, chat_ref, &ctx)
        .await
        .unwrap();
    app.live_chat
        .end(&operator.member, chat_ref, &ctx)
        .await
        .unwrap();
    app.live_chat
        .flag(
            &operator.member,
            chat_ref,
            FlagReason::PossibleOffence,
            &ctx,
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_tolbooth"));
        c.args(args)
            .current_dir(dir.path())
            .env("USER", "tester")
            .env("TOLBOOTH_DATABASE_URL", &app.db.url)
            .env(
                "TOLBOOTH_RETENTION__POLICY",
                "preset:scottish-parliament-live-chat",
            );
        c.output().unwrap()
    };
    let o = run(&["retention", "status"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("chat_record") && out.contains("7 days"),
        "{out}"
    );
    let o = run(&["retention", "run", "--dry-run", "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(report["dry_run"], true);
    assert_eq!(
        report["counts"]["chats_due"], 1,
        "the test chat ended days ago by the real clock"
    );

    let out_dir = dir.path().join("package");
    let o = run(&[
        "disclosure",
        "export",
        &chat_ref.to_string(),
        "--to",
        "Police Scotland",
        "--basis",
        "UK GDPR Art. 6(1)(f)",
        "--by",
        "morven",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "an operator cannot disclose");
    assert!(
        stderr(&o).contains("your role may not do this"),
        "{}",
        stderr(&o)
    );
    let o = run(&[
        "disclosure",
        "export",
        &chat_ref.to_string(),
        "--to",
        "Police Scotland",
        "--basis",
        "UK GDPR Art. 6(1)(f)",
        "--by",
        "ailsa",
        "--out",
        out_dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let json = std::fs::read_to_string(out_dir.join(format!("{chat_ref}.json"))).unwrap();
    let html = std::fs::read_to_string(out_dir.join(format!("{chat_ref}.html"))).unwrap();
    assert!(json.contains("203.0.113.99") && html.contains("203.0.113.99"));
    assert!(html.contains("There is a man with a knife outside"));
    use tolbooth_domain::governance::ports::GovernanceStore;
    let log = app.store.disclosures(chat_ref).await.unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].by_name, "ailsa (test)");
    assert_eq!(log[0].lawful_basis, "UK GDPR Art. 6(1)(f)");

    let o = run(&["retention", "run"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("chat records deleted:         1"),
        "{}",
        stdout(&o)
    );
    assert!(app.live_chat.chat(chat_ref).await.is_err());
}
