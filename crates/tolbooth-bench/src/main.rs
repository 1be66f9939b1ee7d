//! `tolbooth-bench`: live chat under load. It starts the server as a
//! separate process pinned to one core (`tolbooth serve` on SQLite or
//! PostgreSQL, or the bare relay), pins itself to another, and measures
//! memory per idle visitor connection, end-to-end latency at a steady
//! load, and the throughput knee, checking every message on the way.
//! docs/benchmarks.md has the command and the results.

mod bot;
mod load;
mod relay;
mod seed;
mod server;
mod sweep;

use anyhow::Context;
use clap::{Parser, Subcommand};
use load::{Phase, RunResult};
use server::Kind;

#[derive(Parser)]
#[command(name = "tolbooth-bench", about = "Live chat load generator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Measure Tolbooth (and the relay) and print a Markdown report.
    Run {
        /// What to measure: sqlite, postgres, relay (repeatable).
        #[arg(long = "target", default_values = ["sqlite", "postgres", "relay"])]
        targets: Vec<String>,
        /// Idle visitor connections for the memory figure.
        #[arg(long, default_value_t = 10_000)]
        connections: usize,
        /// Concurrent chats for the latency runs.
        #[arg(long, default_value_t = 1_000)]
        chats: usize,
        /// Operators answering them.
        #[arg(long, default_value_t = 25)]
        operators: usize,
        /// Messages per second in the steady run.
        #[arg(long, default_value_t = 1_500.0)]
        rate: f64,
        /// Seconds of the steady run (after 5 s of warm-up).
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        /// Offered rates of the knee search, messages per second.
        #[arg(long, value_delimiter = ',', default_values = ["3000", "5000", "8000", "12000", "16000", "20000", "25000", "30000"])]
        knee: Vec<f64>,
        /// Seconds per knee step.
        #[arg(long, default_value_t = 6.0)]
        knee_seconds: f64,
        /// The server's CPU core; the generator takes the others.
        #[arg(long, default_value = "0")]
        server_core: String,
        #[arg(long, default_value = "1")]
        generator_core: String,
    },
    /// Measure retention sweeps: throughput on expired chats, and live
    /// chat latency while a sweep runs against the same load without one.
    Sweep {
        /// What to measure: sqlite, postgres (repeatable).
        #[arg(long = "target", default_values = ["sqlite", "postgres"])]
        targets: Vec<String>,
        /// Expired chats to sweep.
        #[arg(long, default_value_t = 100_000)]
        chats: usize,
        /// Messages per chat.
        #[arg(long, default_value_t = 20)]
        messages: usize,
        /// Concurrent live chats during the latency runs.
        #[arg(long, default_value_t = 200)]
        live_chats: usize,
        #[arg(long, default_value_t = 10)]
        operators: usize,
        /// Live messages per second.
        #[arg(long, default_value_t = 200.0)]
        rate: f64,
        /// Seconds of each recorded latency run.
        #[arg(long, default_value_t = 20.0)]
        seconds: f64,
        /// Chats per sweep transaction (retention.batch_size).
        #[arg(long, default_value_t = 500)]
        batch_size: u32,
        #[arg(long, default_value = "0")]
        server_core: String,
        #[arg(long, default_value = "1")]
        generator_core: String,
        /// Redaction paths to sweep with, each on a fresh database:
        /// thorough, fast (repeatable; the default is the server's).
        #[arg(long, default_values = ["thorough"])]
        redaction: Vec<String>,
        /// Throughput only: skip the live chat latency runs.
        #[arg(long)]
        no_latency: bool,
    },
    /// The chatbot's retrieval quality and speed on public data sets.
    Bot {
        /// What to measure: demo (the demo knowledge base and its
        /// evaluation set, from the repository), stackfaq, govuk, dense
        /// (all three with the embedding model), dense-demo, dense-govuk
        /// (parts of dense), blind (the blind question set `--set` over
        /// the GOV.UK items, with and without the model), train-case (the
        /// case guard's model from the questions in kb/train)
        /// (repeatable).
        #[arg(long = "target", default_values = ["demo", "stackfaq", "govuk"])]
        targets: Vec<String>,
        /// The shared data folder.
        #[arg(long, default_value = "../shared/data")]
        data: std::path::PathBuf,
        /// Also try other field boosts (tuning).
        #[arg(long)]
        sweep: bool,
        /// The sentence embedding model's folder, for the `dense` target
        /// (scripts/fetch-embedding-model.sh fetches it).
        #[arg(long, default_value = "target/models/all-minilm-l6-v2")]
        model: std::path::PathBuf,
        /// Passages in the GOV.UK knowledge base for the latency figure.
        #[arg(long, default_value_t = 10_000)]
        passages: usize,
        /// The blind question set for the `blind` target.
        #[arg(long, default_value = "kb/eval/govuk-blind-1.jsonl")]
        set: std::path::PathBuf,
    },
    /// Run the bare relay (used by `run`).
    Relay {
        #[arg(long, default_value = "127.0.0.1:0")]
        listen: String,
    },
}

/// Pins this process (all its threads) to `cores`, e.g. "1".
pub(crate) fn pin_to(cores: &str) {
    let _ = std::process::Command::new("taskset")
        .args(["-a", "-cp", cores, &std::process::id().to_string()])
        .output();
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// The knee: the highest offered rate that was delivered in full (95%)
/// with p99 within 50 ms.
fn knee(result: &RunResult) -> Option<f64> {
    result
        .phases
        .iter()
        .filter(|p| p.phase.recorded)
        .filter(|p| {
            let achieved = p.delivered as f64 / p.phase.seconds;
            achieved >= 0.95 * p.phase.rate && p.histogram.value_at_quantile(0.99) <= 50_000_000
        })
        .map(|p| p.phase.rate)
        .fold(None, |best: Option<f64>, r| {
            Some(best.map_or(r, |b| b.max(r)))
        })
}

fn main() -> anyhow::Result<()> {
    // Before any thread starts: the embedding model runs each text on
    // the thread that asks.
    tolbooth_bot::dense::one_thread_per_text();
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()?;
    match cli.command {
        Command::Relay { listen } => {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            rt.block_on(relay::serve(&listen))
        }
        Command::Bot {
            targets,
            data,
            sweep,
            passages,
            model,
            set,
        } => run_bot(&targets, &data, sweep, (&model, &set), passages),
        Command::Sweep {
            targets,
            chats,
            messages,
            live_chats,
            operators,
            rate,
            seconds,
            batch_size,
            server_core,
            generator_core,
            redaction,
            no_latency,
        } => {
            pin_to(&generator_core);
            runtime.block_on(sweep::run(sweep::Options {
                targets,
                chats,
                messages,
                live_chats,
                operators,
                rate,
                seconds,
                batch_size,
                server_core,
                redaction,
                no_latency,
            }))
        }
        Command::Run {
            targets,
            connections,
            chats,
            operators,
            rate,
            seconds,
            knee: steps,
            knee_seconds,
            server_core,
            generator_core,
        } => {
            pin_to(&generator_core);
            runtime.block_on(run_live(RunOptions {
                targets,
                connections,
                chats,
                operators,
                rate,
                seconds,
                steps,
                knee_seconds,
                server_core,
            }))
        }
    }
}

/// The chatbot's retrieval benchmarks, one target after another.
fn run_bot(
    targets: &[String],
    data: &std::path::Path,
    sweep: bool,
    (model, set): (&std::path::Path, &std::path::Path),
    passages: usize,
) -> anyhow::Result<()> {
    for target in targets {
        match target.as_str() {
            "stackfaq" => bot::run_stackfaq(data, sweep)?,
            "govuk" => {
                pin_to("1");
                bot::run_govuk(data, passages)?
            }
            "dense" => bot::run_dense(data, model, std::path::Path::new("."), passages)?,
            "dense-demo" => bot::run_dense_demo(
                &std::sync::Arc::new(tolbooth_bot::dense::Embedder::load(model)?),
                std::path::Path::new("."),
            )?,
            "dense-govuk" => bot::run_dense_govuk(
                &std::sync::Arc::new(tolbooth_bot::dense::Embedder::load(model)?),
                data,
                std::path::Path::new("."),
                passages,
            )?,
            "demo" => bot::run_demo(std::path::Path::new("."), sweep)?,
            "blind" => bot::run_blind(data, set, model.exists().then_some(model))?,
            "train-case" => bot::train_case(
                std::path::Path::new("kb/train"),
                std::path::Path::new("crates/tolbooth-bot/src/case-model.tsv"),
            )?,
            other => anyhow::bail!("unknown target {other:?}"),
        }
    }
    Ok(())
}

/// The `run` command's settings.
struct RunOptions {
    targets: Vec<String>,
    connections: usize,
    chats: usize,
    operators: usize,
    rate: f64,
    seconds: f64,
    steps: Vec<f64>,
    knee_seconds: f64,
    server_core: String,
}

/// What one target's live chat runs gave.
struct TargetResult {
    kind: Kind,
    /// Resident memory before and after the idle connections opened.
    before: u64,
    after: u64,
    result: RunResult,
}

/// Live chat under load on every target: the summary table as each
/// finishes, then each one's knee search, then the knees against the
/// relay's.
async fn run_live(o: RunOptions) -> anyhow::Result<()> {
    let mut knees = Vec::new();
    println!("| target | KB per idle connection | p50 ms | p99 ms | p99.9 ms | max ms | steady msg/s | knee msg/s | checks |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    let mut details = Vec::new();
    for t in &o.targets {
        let kind = match t.as_str() {
            "sqlite" => Kind::Sqlite,
            "postgres" => Kind::Postgres,
            "relay" => Kind::Relay,
            other => anyhow::bail!("unknown target {other:?}"),
        };
        let measured = measure_target(&o, kind).await?;
        let k = knee(&measured.result);
        knees.push((kind, k));
        let checks = summary_row(&o, &measured, k);
        details.push(knee_table(&o, &measured));
        let result = &measured.result;
        if result.out_of_order > 0 || result.delivered < result.acked {
            anyhow::bail!("{}: delivery check failed ({checks})", kind.name());
        }
    }
    for d in details {
        println!("{d}");
    }
    let relay = knees
        .iter()
        .find(|(k, _)| *k == Kind::Relay)
        .and_then(|(_, k)| *k);
    for (kind, k) in &knees {
        if let (Some(k), Some(r), false) = (k, relay, *kind == Kind::Relay) {
            println!("{}: knee {:.2} of the relay's", kind.name(), k / r);
        }
    }
    Ok(())
}

/// Memory per idle connection on a server of its own, then the steady run
/// and the knee search on a fresh one.
async fn measure_target(o: &RunOptions, kind: Kind) -> anyhow::Result<TargetResult> {
    let connections = o.connections;
    let chats = o.chats;
    let ops = if kind == Kind::Relay { 1 } else { o.operators };
    // Memory, on a server of its own.
    eprintln!("{}: {connections} idle connections...", kind.name());
    let server = server::start(kind, 0, &o.server_core).await?;
    let (before, after) = load::idle_memory(&server, connections)
        .await
        .context("idle connections")?;
    drop(server);
    // Latency and the knee, on a fresh one.
    eprintln!(
        "{}: {chats} chats, steady run and knee search...",
        kind.name()
    );
    let server = server::start(kind, ops, &o.server_core).await?;
    let mut phases = vec![
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
    phases.extend(o.steps.iter().map(|r| Phase {
        rate: *r,
        seconds: o.knee_seconds,
        recorded: true,
    }));
    let result = load::run(&server, chats, &phases).await?;
    drop(server);
    Ok(TargetResult {
        kind,
        before,
        after,
        result,
    })
}

/// Prints the target's row of the summary table; returns its checks.
fn summary_row(o: &RunOptions, measured: &TargetResult, k: Option<f64>) -> String {
    let TargetResult {
        kind,
        before,
        after,
        result,
    } = measured;
    let per = after.saturating_sub(*before) as f64 / o.connections as f64 / 1024.0;
    let steady = &result.phases[1];
    let h = &steady.histogram;
    let checks = format!(
        "{} sent, {} acked, {} delivered, {} out of order, {} stored but not delivered{}",
        result.sent,
        result.acked,
        result.delivered,
        result.out_of_order,
        result.undelivered,
        result
            .stored_checked
            .map(|n| format!(", {n} found in the store"))
            .unwrap_or_default()
    );
    println!(
        "| {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {} | {} |",
        kind.name(),
        per,
        ms(h.value_at_quantile(0.5)),
        ms(h.value_at_quantile(0.99)),
        ms(h.value_at_quantile(0.999)),
        ms(h.max()),
        steady.delivered as f64 / steady.phase.seconds,
        k.map(|k| format!("{k:.0}"))
            .unwrap_or_else(|| "below the first step".into()),
        checks
    );
    checks
}

/// The target's knee search, step by step, in Markdown.
fn knee_table(o: &RunOptions, measured: &TargetResult) -> String {
    let result = &measured.result;
    let mut steps_table = format!(
        "\n{} — knee search (RSS before/after {} idle connections: {:.1} / {:.1} MB)\n\n| offered msg/s | delivered msg/s | p50 ms | p99 ms | max ms |\n| ---: | ---: | ---: | ---: | ---: |\n",
        measured.kind.name(),
        o.connections,
        measured.before as f64 / 1e6,
        measured.after as f64 / 1e6,
    );
    for p in result.phases.iter().skip(2) {
        let h = &p.histogram;
        steps_table.push_str(&format!(
            "| {:.0} | {:.0} | {:.2} | {:.2} | {:.2} |\n",
            p.phase.rate,
            p.delivered as f64 / p.phase.seconds,
            ms(h.value_at_quantile(0.5)),
            ms(h.value_at_quantile(0.99)),
            ms(h.max()),
        ));
    }
    if let Some(p) = result.aborted_at {
        steps_table.push_str(&format!(
            "\nStopped during phase {p}: more than 60,000 messages were waiting.\n"
        ));
    }
    steps_table
}
