//! The dense half: every text of a knowledge base embedded, the hybrid
//! answerer at each dense weight, and its ranking, declines and latency on
//! StackFAQ, the demo council and GOV.UK.

use super::eval::{answerable, demo_set, stackfaq};
use super::govuk::{govuk_pages, govuk_queries};
use super::latency::{percentile, report_latency, report_latency_over};
use super::quality::{ranking_quality, report_declines, threshold_grid};
use super::{answerer, answerer_with};
use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tolbooth_bot::answer::{Answerer, Dense, Thresholds, DENSE_WEIGHT};
use tolbooth_bot::dense::{DenseIndex, Embedder, Slot};
use tolbooth_bot::index::FieldBoosts;
use tolbooth_domain::bot::knowledge::KbPage;

/// Vectors in the slots the dense index wants.
pub type Vectors = Vec<(Slot, Vec<f32>)>;

/// Every text of a knowledge base embedded (each distinct text once), in
/// the slots the dense index wants.
pub fn embed_texts(embedder: &Embedder, pages: &[KbPage]) -> anyhow::Result<(Vectors, usize)> {
    let mut cache: HashMap<String, Vec<f32>> = HashMap::new();
    let mut slots = Vec::new();
    for (slot, text) in tolbooth_bot::dense::texts(pages, &[]) {
        let vector = match cache.get(&text) {
            Some(v) => v.clone(),
            None => {
                let v = embedder.embed(&text)?;
                cache.insert(text, v.clone());
                v
            }
        };
        slots.push((slot, vector));
    }
    Ok((slots, cache.len()))
}

/// The product's answerer with the dense half at `weight` and the hybrid
/// default thresholds.
pub fn hybrid(
    pages: &[KbPage],
    embedder: &Arc<Embedder>,
    slots: &[(Slot, Vec<f32>)],
    weight: f32,
) -> anyhow::Result<Answerer> {
    hybrid_over(
        answerer(pages, FieldBoosts::default())?,
        embedder,
        slots,
        weight,
    )
}

/// `plain` (a BM25 answerer) with the dense half added.
pub fn hybrid_over(
    plain: Answerer,
    embedder: &Arc<Embedder>,
    slots: &[(Slot, Vec<f32>)],
    weight: f32,
) -> anyhow::Result<Answerer> {
    let vectors = DenseIndex::new(plain.index(), embedder.dims(), slots.to_vec())?;
    Ok(plain
        .with_dense(Dense {
            embedder: embedder.clone(),
            vectors,
            weight,
        })
        .with_thresholds(Thresholds::hybrid()))
}

const WEIGHTS: [f32; 10] = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

/// The demo council with the dense half: ranking at each weight, declines
/// at several, and a grid of thresholds at the default weight.
pub fn run_dense_demo(embedder: &Arc<Embedder>, repo: &Path) -> anyhow::Result<()> {
    let (pages, eval) = demo_set(repo)?;
    let started = std::time::Instant::now();
    let (slots, distinct) = embed_texts(embedder, &pages)?;
    println!(
        "Demo council: {distinct} texts embedded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let ranked = answerable(&pages, &eval);
    for w in WEIGHTS {
        let (top1, mrr) = ranking_quality(&hybrid(&pages, embedder, &slots, w)?, &ranked)?;
        println!("| demo council | {w} | {top1:.3} | {mrr:.3} |");
    }
    for w in [0.5, 0.6, DENSE_WEIGHT, 0.8] {
        let (_, records) = report_declines(
            &format!("BM25 + dense, weight {w}"),
            hybrid(&pages, embedder, &slots, w)?,
            &eval,
        )?;
        if w == DENSE_WEIGHT {
            threshold_grid(&format!("BM25 + dense, weight {w}"), &records);
        }
    }
    Ok(())
}

/// The dense half: StackFAQ and demo ranking at each weight, the demo
/// set's declines at the default weight, and answer latency with
/// 10,000 GOV.UK passages.
pub fn run_dense(
    data: &Path,
    model: &Path,
    repo: &Path,
    passages_wanted: usize,
) -> anyhow::Result<()> {
    let embedder = Arc::new(Embedder::load(model)?);
    println!(
        "Model {} ({} dimensions)",
        embedder.model_id(),
        embedder.dims()
    );
    let (pages, questions) = stackfaq(data)?;
    let started = std::time::Instant::now();
    let (slots, distinct) = embed_texts(&embedder, &pages)?;
    println!(
        "StackFAQ: {distinct} texts embedded in {:.1} s ({:.1} ms each)",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1000.0 / distinct.max(1) as f64
    );
    let mut times = Vec::new();
    for (question, _) in questions.iter().take(300) {
        let started = std::time::Instant::now();
        std::hint::black_box(embedder.embed(question)?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "Question embedding, 300 StackFAQ questions, one at a time: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    println!("| set | dense weight | top-1 | MRR@5 |");
    println!("| --- | ---: | ---: | ---: |");
    for w in WEIGHTS {
        let (top1, mrr) = ranking_quality(&hybrid(&pages, &embedder, &slots, w)?, &questions)?;
        println!("| StackFAQ | {w} | {top1:.3} | {mrr:.3} |");
    }
    run_dense_demo(&embedder, repo)?;
    run_dense_govuk(&embedder, data, repo, passages_wanted)
}

/// Answer latency with the dense half at 10,000 GOV.UK passages, one core,
/// with BM25 alone measured in the same run.
pub fn run_dense_govuk(
    embedder: &Arc<Embedder>,
    data: &Path,
    repo: &Path,
    passages_wanted: usize,
) -> anyhow::Result<()> {
    let (pages, copies) = govuk_pages(data, passages_wanted)?;
    let passages: usize = pages.iter().map(|p| p.passages.len()).sum();
    let started = std::time::Instant::now();
    let (slots, distinct) = embed_texts(embedder, &pages)?;
    println!(
        "GOV.UK: {} pages ({copies} copies), {passages} passages: {distinct} distinct texts embedded in {:.1} s ({:.1} ms each)",
        pages.len(),
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1000.0 / distinct.max(1) as f64
    );
    let answerer = hybrid(&pages, embedder, &slots, DENSE_WEIGHT)?;
    crate::pin_to("1");
    let queries = govuk_queries(data)?;
    report_latency("BM25 + dense, one core", &answerer, &queries)?;
    let plain = answerer_with(&pages)?;
    report_latency("BM25 alone, same run, one core", &plain, &queries)?;
    // Questions as citizens type them into a chat (longer than search
    // queries): the demo set's, against the same knowledge base.
    let (_, eval) = demo_set(repo)?;
    let typed: Vec<String> = eval.into_iter().map(|q| q.question).collect();
    report_latency_over(
        "BM25 + dense, one core, the demo set's 361 typed questions",
        &answerer,
        &typed,
    )?;
    // Where the time goes: the question's embedding, and scoring it
    // against every vector.
    let dense = answerer.dense().context("dense")?;
    let (mut embed, mut score) = (Vec::new(), Vec::new());
    for _ in 0..3 {
        for q in &queries {
            let started = std::time::Instant::now();
            let v = dense.embedder.embed(q)?;
            embed.push(started.elapsed().as_secs_f64() * 1000.0);
            let started = std::time::Instant::now();
            std::hint::black_box(dense.vectors.scores(&v));
            score.push(started.elapsed().as_secs_f64() * 1000.0);
        }
    }
    embed.sort_by(f64::total_cmp);
    score.sort_by(f64::total_cmp);
    println!(
        "Of which: question embedding p50 {:.2} ms, p99 {:.2} ms; scoring against {} passages p50 {:.2} ms, p99 {:.2} ms",
        percentile(&embed, 0.5),
        percentile(&embed, 0.99),
        passages,
        percentile(&score, 0.5),
        percentile(&score, 0.99)
    );
    Ok(())
}
