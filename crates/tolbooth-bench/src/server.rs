//! The server under test, as a separate process pinned to one core:
//! `tolbooth serve` on a fresh SQLite file or PostgreSQL database, or the
//! bare relay. Also its operators' accounts and its memory.

use anyhow::{bail, Context};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use tolbooth_testkit::{Backend, Browser, TestDatabase};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    Relay,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Sqlite => "Tolbooth, SQLite",
            Kind::Postgres => "Tolbooth, PostgreSQL",
            Kind::Relay => "bare relay",
        }
    }
}

pub struct Server {
    pub kind: Kind,
    pub base: String,
    child: Child,
    /// Session cookies of signed-in operators (none for the relay).
    pub operators: Vec<String>,
    /// The database URL (empty for the relay).
    pub url: String,
    _data: tempfile::TempDir,
    _db: Option<TestDatabase>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The `tolbooth` binary beside this one.
pub fn tolbooth_bin() -> anyhow::Result<std::path::PathBuf> {
    let me = std::env::current_exe()?;
    let bin = me.with_file_name("tolbooth");
    if !bin.exists() {
        bail!(
            "{} not found: build it first (cargo build --release)",
            bin.display()
        );
    }
    Ok(bin)
}

pub fn env_for(cmd: &mut Command, data: &std::path::Path, url: &str) {
    for (k, _) in std::env::vars() {
        if k.starts_with("TOLBOOTH_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("TOLBOOTH_DATA_DIR", data)
        .env("TOLBOOTH_DATABASE_URL", url)
        .env("TOLBOOTH_LOG__LEVEL", "error")
        .env(
            "TOLBOOTH_RETENTION__POLICY",
            "preset:scottish-parliament-live-chat",
        )
        .env("TOLBOOTH_CHAT__STARTS_PER_ADDRESS", "1000000")
        .env("TOLBOOTH_CHAT__MESSAGES_PER_MINUTE", "1000000")
        .env("TOLBOOTH_CHAT__SOCKET_FRAMES_PER_SECOND", "100000")
        // Every client of the load comes from one loopback address.
        .env("TOLBOOTH_CHAT__SOCKETS_PER_ADDRESS", "1000000")
        .env("TOLBOOTH_SESSIONS__IDLE_MINUTES", "600");
}

/// Reads lines until one starts with `prefix`; returns the rest.
fn wait_for(child: &mut Child, prefix: &str) -> anyhow::Result<String> {
    let out = child.stdout.take().context("no stdout")?;
    let mut lines = BufReader::new(out).lines();
    let found = loop {
        let Some(line) = lines.next() else {
            bail!("the server stopped before printing {prefix:?}");
        };
        if let Some(rest) = line?.strip_prefix(prefix) {
            break rest.trim().to_owned();
        }
    };
    std::thread::spawn(move || for _ in lines {});
    Ok(found)
}

pub async fn start(kind: Kind, operators: usize, core: &str) -> anyhow::Result<Server> {
    start_with(kind, operators, core, &[]).await
}

/// [`start`] with extra `TOLBOOTH_*` settings for the server.
pub async fn start_with(
    kind: Kind,
    operators: usize,
    core: &str,
    settings: &[(&str, String)],
) -> anyhow::Result<Server> {
    let data = tempfile::tempdir()?;
    let (db, url) = match kind {
        Kind::Sqlite => (
            None,
            format!("sqlite://{}/tolbooth.db?mode=rwc", data.path().display()),
        ),
        Kind::Postgres => {
            let db = TestDatabase::create(Backend::Postgres)
                .await
                .context("PostgreSQL is needed for this run")?;
            let url = db.url.clone();
            (Some(db), url)
        }
        Kind::Relay => (None, String::new()),
    };
    let passwords = if kind == Kind::Relay {
        Vec::new()
    } else {
        add_operators(data.path(), &url, operators)?
    };
    let (child, base) = launch(kind, core, data.path(), &url, settings)?;
    let cookies = sign_in_operators(&base, &passwords).await?;
    Ok(Server {
        kind,
        base,
        child,
        operators: cookies,
        url,
        _data: data,
        _db: db,
    })
}

/// Adds the accounts `op0`, `op1`… with `tolbooth user add`; returns
/// their one-time passwords.
fn add_operators(
    data: &std::path::Path,
    url: &str,
    operators: usize,
) -> anyhow::Result<Vec<String>> {
    let mut passwords = Vec::new();
    for i in 0..operators {
        let mut cmd = Command::new(tolbooth_bin()?);
        env_for(&mut cmd, data, url);
        let out = cmd
            .args([
                "user",
                "add",
                &format!("op{i}"),
                "--name",
                &format!("Operator {i}"),
            ])
            .output()?;
        let text = String::from_utf8_lossy(&out.stdout);
        let password = text
            .lines()
            .find_map(|l| l.strip_prefix("One-time password: "))
            .context("tolbooth user add printed no password")?;
        passwords.push(password.trim().to_owned());
    }
    Ok(passwords)
}

/// Starts the server pinned to `core`; returns it and its address once
/// it listens.
fn launch(
    kind: Kind,
    core: &str,
    data: &std::path::Path,
    url: &str,
    settings: &[(&str, String)],
) -> anyhow::Result<(Child, String)> {
    let mut cmd = Command::new("taskset");
    cmd.args(["-c", core]);
    let prefix = match kind {
        Kind::Relay => {
            cmd.arg(std::env::current_exe()?)
                .args(["relay", "--listen", "127.0.0.1:0"]);
            "Relay listening on "
        }
        _ => {
            cmd.arg(tolbooth_bin()?)
                .args(["serve", "--listen", "127.0.0.1:0"]);
            env_for(&mut cmd, data, url);
            for (k, v) in settings {
                cmd.env(k, v);
            }
            "Tolbooth listening on "
        }
    };
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    let base = wait_for(&mut child, prefix)?;
    Ok((child, base))
}

/// Signs each operator in and replaces the one-time password; returns
/// their session cookies.
async fn sign_in_operators(base: &str, passwords: &[String]) -> anyhow::Result<Vec<String>> {
    let mut cookies = Vec::new();
    for (i, password) in passwords.iter().enumerate() {
        let mut b = Browser::new(base);
        let page = b.sign_in(&format!("op{i}"), password).await;
        if page.status != 303 {
            bail!("operator op{i} could not sign in ({})", page.status);
        }
        let new = format!("benchmark operator {i} passphrase");
        b.change_password(password, &new, &new).await;
        if !b.has_session() {
            bail!("operator op{i} has no session");
        }
        cookies.push(b.cookie_header());
    }
    Ok(cookies)
}

impl Server {
    /// Resident memory of the server process, in bytes.
    pub fn rss(&self) -> anyhow::Result<u64> {
        // `taskset` execs the server, so the pid is the server's.
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|v| v.parse().ok())
            .context("no VmRSS")?;
        Ok(kb * 1024)
    }
}
