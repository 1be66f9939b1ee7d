//! `tolbooth-bench bot`: the chatbot's retrieval quality and speed on
//! public data read from `../shared/data` (never copied into the
//! repository): StackFAQ's 1,249 paraphrased questions (top-1, MRR@5), and
//! GOV.UK content items as a second knowledge base (import, index build
//! time, answer latency at 10,000 passages).

mod blind;
mod case_train;
mod dense;
mod eval;
mod govuk;
mod latency;
mod quality;

use anyhow::Context;
use eval::{answerable, demo_set, stackfaq};
use govuk::{govuk_pages, govuk_queries};
use latency::report_latency;
use quality::{ranking_quality, report_declines};
use std::path::Path;
use tolbooth_bot::answer::{Answerer, Thresholds, Wording};
use tolbooth_bot::index::{FieldBoosts, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::bot::knowledge::KbPage;

pub use blind::run_blind;
pub use case_train::train_case;
pub use dense::{run_dense, run_dense_demo, run_dense_govuk};

pub fn answerer(pages: &[KbPage], boosts: FieldBoosts) -> anyhow::Result<Answerer> {
    guarded(pages, boosts, CaseGuard::new(&[])?)
}

/// The answerer with a case guard of the caller's (the patterns alone, to
/// compare).
pub fn guarded(
    pages: &[KbPage],
    boosts: FieldBoosts,
    guard: CaseGuard,
) -> anyhow::Result<Answerer> {
    let index = KnowledgeIndex::build(pages, &[], boosts)?;
    Ok(Answerer::new(
        index,
        guard,
        Thresholds::default(),
        Wording::default(),
    ))
}

fn answerer_with(pages: &[KbPage]) -> anyhow::Result<Answerer> {
    answerer(pages, FieldBoosts::default())
}

fn boost_grid(sweep: bool) -> Vec<FieldBoosts> {
    if !sweep {
        return vec![FieldBoosts::default()];
    }
    let mut grid = Vec::new();
    for title in [1.0, 2.0, 3.0] {
        for page in [0.0, 0.25, 0.5, 1.0] {
            grid.push(FieldBoosts {
                title,
                page,
                ..FieldBoosts::default()
            });
        }
    }
    grid
}

pub fn run_stackfaq(data: &Path, sweep: bool) -> anyhow::Result<()> {
    let (pages, questions) = stackfaq(data)?;
    println!(
        "StackFAQ: {} FAQ threads, {} paraphrased questions",
        pages.len(),
        questions.len()
    );
    println!();
    println!("| retrieval | title | page | top-1 | MRR@5 |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for boosts in boost_grid(sweep) {
        let (top1, mrr) = ranking_quality(&answerer(&pages, boosts)?, &questions)?;
        println!(
            "| BM25 (tantivy, English stemming) | {} | {} | {top1:.3} | {mrr:.3} |",
            boosts.title, boosts.page
        );
    }
    Ok(())
}

pub fn run_demo(repo: &Path, sweep: bool) -> anyhow::Result<()> {
    let (pages, eval) = demo_set(repo)?;
    let passages: usize = pages.iter().map(|p| p.passages.len()).sum();
    let count = |k: &str| eval.iter().filter(|q| q.kind == k).count();
    println!(
        "Demo knowledge base: {} pages, {passages} passages; {} questions ({} answerable, {} out of scope, {} case-specific)",
        pages.len(),
        eval.len(),
        count("answerable"),
        count("out_of_scope"),
        count("case_specific")
    );
    let ranked = answerable(&pages, &eval);
    for boosts in boost_grid(sweep) {
        let (top1, mrr) = ranking_quality(&answerer(&pages, boosts)?, &ranked)?;
        println!(
            "Ranking, answerable questions (title {}, page {}): top-1 {top1:.3}, MRR@5 {mrr:.3}",
            boosts.title, boosts.page
        );
    }
    report_declines("BM25", answerer(&pages, FieldBoosts::default())?, &eval)?;
    report_declines(
        "BM25, case patterns alone",
        guarded(
            &pages,
            FieldBoosts::default(),
            CaseGuard::patterns_only(&[])?,
        )?,
        &eval,
    )?;
    Ok(())
}

pub fn run_govuk(data: &Path, passages_wanted: usize) -> anyhow::Result<()> {
    let (pages, _) = govuk_pages(data, passages_wanted)?;
    let passages: usize = pages.iter().map(|p| p.passages.len()).sum();
    let mut builds = Vec::new();
    let mut built = None;
    for _ in 0..5 {
        let started = std::time::Instant::now();
        let index = KnowledgeIndex::build(&pages, &[], FieldBoosts::default())?;
        builds.push(started.elapsed().as_secs_f64());
        built = Some(index);
    }
    builds.sort_by(f64::total_cmp);
    let build = builds[builds.len() / 2];
    println!(
        "{} pages, {passages} passages: index build median of 5 {:.2} s = {:.0} ms per 1,000 pages",
        pages.len(),
        build,
        build * 1000.0 / pages.len() as f64 * 1000.0
    );
    let index = built.context("built")?;
    let answerer = Answerer::new(
        index,
        CaseGuard::new(&[])?,
        Thresholds::default(),
        Wording::default(),
    );
    report_latency("BM25, one thread", &answerer, &govuk_queries(data)?)
}
