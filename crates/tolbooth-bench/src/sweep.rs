//! The retention sweep benchmark: how fast expired chats are extracted,
//! redacted and deleted, and what a running sweep does to live chat.
//!
//! Throughput: a fresh database with `chats` expired chats, swept by
//! `tolbooth retention run` pinned to the server's core. Latency: a
//! server under a steady live load, measured once without a sweep and
//! once while `tolbooth retention run` sweeps the same number of expired
//! chats beside it.

use crate::load::{self, Phase, RunResult};
use crate::seed;
use crate::server::{self, env_for, tolbooth_bin, Kind};
use anyhow::{bail, Context};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tolbooth_domain::clock::SystemClock;
use tolbooth_domain::retention::ports::RetentionStore;
use tolbooth_domain::retention::SweepRecord;
use tolbooth_store::SqlStore;
use tolbooth_testkit::{Backend, TestDatabase};

pub struct Options {
    pub targets: Vec<String>,
    pub chats: usize,
    pub messages: usize,
    pub live_chats: usize,
    pub operators: usize,
    pub rate: f64,
    pub seconds: f64,
    pub batch_size: u32,
    pub server_core: String,
    /// The redaction paths to sweep with (`retention.redaction`), each on a
    /// database of its own, in the order given.
    pub redaction: Vec<String>,
    /// Skip the live chat latency runs.
    pub no_latency: bool,
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// Runs `tolbooth retention run --force --json` on `core`; returns the
/// counts and how long it took.
fn sweep(
    data: &std::path::Path,
    url: &str,
    core: &str,
    batch: u32,
    redaction: &str,
) -> anyhow::Result<(serde_json::Value, Duration)> {
    let mut cmd = std::process::Command::new("taskset");
    cmd.args(["-c", core]).arg(tolbooth_bin()?);
    env_for(&mut cmd, data, url);
    cmd.env("TOLBOOTH_RETENTION__BATCH_SIZE", batch.to_string())
        .env("TOLBOOTH_RETENTION__REDACTION", redaction)
        .args(["retention", "run", "--force", "--json"]);
    let started = Instant::now();
    let out = cmd.output()?;
    let took = started.elapsed();
    if !out.status.success() {
        bail!(
            "tolbooth retention run failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).context("retention run printed no JSON")?;
    Ok((report["counts"].clone(), took))
}

fn db_bytes(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| e.file_name().to_string_lossy().starts_with("tolbooth.db"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

pub async fn run(o: Options) -> anyhow::Result<()> {
    println!("| target | redaction | chats | messages | seed s | sweep s | chats/s | extracted | deleted | IP addresses | files before → after MB |");
    println!("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let mut latency_rows = Vec::new();
    for t in &o.targets {
        let (kind, backend) = match t.as_str() {
            "sqlite" => (Kind::Sqlite, Backend::Sqlite),
            "postgres" => (Kind::Postgres, Backend::Postgres),
            other => bail!("unknown target {other:?}"),
        };
        // Throughput on a database of its own, per redaction path.
        for redaction in &o.redaction {
            let data = tempfile::tempdir()?;
            throughput(&o, kind, backend, data.path(), redaction).await?;
        }
        if !o.no_latency {
            latency_rows.push(live_latency(&o, kind).await?);
        }
    }
    if o.no_latency {
        return Ok(());
    }
    println!();
    println!("| target | live msg/s | p50 ms quiet / sweeping | p99 ms quiet / sweeping | max ms quiet / sweeping | p99 ratio | the server's sweep |");
    println!("| --- | ---: | --- | --- | --- | ---: | --- |");
    for r in latency_rows {
        println!("{r}");
    }
    Ok(())
}

/// Throughput on a database of its own in `data`: seeds the expired
/// chats, sweeps them and prints the target's row of the throughput table.
async fn throughput(
    o: &Options,
    kind: Kind,
    backend: Backend,
    data: &std::path::Path,
    redaction: &str,
) -> anyhow::Result<()> {
    let (db, url) = match backend {
        Backend::Sqlite => (
            None,
            format!("sqlite://{}/tolbooth.db?mode=rwc", data.display()),
        ),
        Backend::Postgres => {
            let db = TestDatabase::create(Backend::Postgres)
                .await
                .context("PostgreSQL is needed for this run")?;
            let url = db.url.clone();
            (Some(db), url)
        }
    };
    eprintln!("{}: seeding {} expired chats...", kind.name(), o.chats);
    let seeded = seed::expired_chats(&url, o.chats, o.messages, 8).await?;
    seed::settle(&url).await?;
    let before = db_bytes(data);
    eprintln!("{}: sweeping...", kind.name());
    let (counts, took) = sweep(data, &url, &o.server_core, o.batch_size, redaction)?;
    let after = db_bytes(data);
    let deleted = counts["chats_deleted"].as_u64().unwrap_or(0);
    if deleted != o.chats as u64 || counts["chats_extracted"].as_u64() != Some(o.chats as u64) {
        bail!(
            "{}: the sweep did not extract and delete every chat: {counts}",
            kind.name()
        );
    }
    println!(
        "| {} | {redaction} | {} | {} | {:.1} | {:.1} | {:.0} | {} | {} | {} | {} |",
        kind.name(),
        o.chats,
        o.chats * o.messages,
        seeded.as_secs_f64(),
        took.as_secs_f64(),
        deleted as f64 / took.as_secs_f64(),
        counts["chats_extracted"],
        deleted,
        counts["ip_addresses_deleted"],
        if backend == Backend::Sqlite {
            format!("{:.0} → {:.0}", before as f64 / 1e6, after as f64 / 1e6)
        } else {
            "—".into()
        }
    );
    drop(db);
    Ok(())
}

/// Live chat without and with a sweep inside the server: the server
/// sweeps every three minutes from its start; the expired chats go in
/// after its first (empty) sweep, the quiet run follows, and the second
/// run is timed to the second sweep, whose start and end the server
/// records. Returns the target's row of the latency table.
async fn live_latency(o: &Options, kind: Kind) -> anyhow::Result<String> {
    eprintln!(
        "{}: live chat latency without and with a sweep...",
        kind.name()
    );
    let srv = server::start_with(
        kind,
        o.operators,
        &o.server_core,
        &[
            ("TOLBOOTH_RETENTION__SWEEP_INTERVAL_MINUTES", "3".into()),
            ("TOLBOOTH_RETENTION__BATCH_SIZE", o.batch_size.to_string()),
        ],
    )
    .await?;
    let store = SqlStore::connect(&srv.url, Arc::new(SystemClock)).await?;
    let first = loop {
        if let Some(s) = store.sweeps(1).await?.first() {
            break s.started_at;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    seed::expired_chats(&srv.url, o.chats, o.messages, 8).await?;
    seed::settle(&srv.url).await?;
    let phases = [
        Phase {
            rate: o.rate,
            seconds: 5.0,
            recorded: false,
        },
        Phase {
            rate: o.rate,
            seconds: o.seconds,
            recorded: true,
        },
    ];
    let quiet = load::run(&srv, o.live_chats, &phases).await?;
    let second = first + time::Duration::minutes(3);
    let wait = second - time::OffsetDateTime::now_utc() - time::Duration::seconds(3);
    if wait.is_negative() {
        bail!(
            "{}: seeding and the quiet run outlasted the sweep interval",
            kind.name()
        );
    }
    tokio::time::sleep(Duration::from_secs_f64(wait.as_seconds_f64())).await;
    let load_started = time::OffsetDateTime::now_utc();
    let busy = load::run(&srv, o.live_chats, &phases).await?;
    let load_ended = time::OffsetDateTime::now_utc();
    // Wait for the sweep to finish, then check it covered the run.
    let sweep = loop {
        let runs = store.sweeps(5).await?;
        if let Some(s) = runs
            .iter()
            .find(|s| s.started_at > first && s.finished_at.is_some())
        {
            break s.clone();
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    store.close().await;
    drop(srv);
    let finished = sweep.finished_at.unwrap_or(sweep.started_at);
    let covered =
        sweep.started_at <= load_started + time::Duration::seconds(8) && finished >= load_ended;
    for (label, r) in [("no sweep", &quiet), ("during a sweep", &busy)] {
        if r.out_of_order > 0 || r.delivered < r.acked {
            bail!("{}: delivery check failed {label}", kind.name());
        }
    }
    Ok(latency_row(o, kind, &quiet, &busy, &sweep, covered))
}

/// The latency table's row: the quiet run's figures beside the busy one's.
fn latency_row(
    o: &Options,
    kind: Kind,
    quiet: &RunResult,
    busy: &RunResult,
    sweep: &SweepRecord,
    covered: bool,
) -> String {
    let finished = sweep.finished_at.unwrap_or(sweep.started_at);
    let q = &quiet.phases[1].histogram;
    let b = &busy.phases[1].histogram;
    format!(
        "| {} | {:.0} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} / {:.2} | {:.2} | {:.1} s, {} chats deleted; {} |",
        kind.name(),
        o.rate,
        ms(q.value_at_quantile(0.5)),
        ms(b.value_at_quantile(0.5)),
        ms(q.value_at_quantile(0.99)),
        ms(b.value_at_quantile(0.99)),
        ms(q.max()),
        ms(b.max()),
        b.value_at_quantile(0.99) as f64 / q.value_at_quantile(0.99).max(1) as f64,
        (finished - sweep.started_at).as_seconds_f64(),
        sweep.counts.chats_deleted,
        if covered {
            "ran through the whole recorded run"
        } else {
            "DID NOT cover the recorded run"
        },
    )
}
