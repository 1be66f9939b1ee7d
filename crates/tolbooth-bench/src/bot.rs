//! `tolbooth-bench bot`: the chatbot's retrieval quality and speed on
//! public data read from `../shared/data` (never copied into the
//! repository): StackFAQ's 1,249 paraphrased questions (top-1, MRR@5), and
//! GOV.UK content items as a second knowledge base (import, index build
//! time, answer latency at 10,000 passages).

use anyhow::Context;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tolbooth_bot::answer::{Answerer, Dense, Thresholds, Wording, DENSE_WEIGHT};
use tolbooth_bot::dense::{DenseIndex, Embedder, Slot};
use tolbooth_bot::index::{FieldBoosts, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::bot::knowledge::{KbPage, KbPassage};

/// StackFAQ as knowledge base pages (one per FAQ thread: the question as
/// title, each answer a passage) and the paraphrases with the page each
/// should find.
/// Questions with the index of the page that answers each.
pub type Questions = Vec<(String, usize)>;

pub fn stackfaq(data: &Path) -> anyhow::Result<(Vec<KbPage>, Questions)> {
    let path = data.join("stackfaq/stackExchange-FAQ.json");
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let json: serde_json::Value = serde_json::from_str(&text)?;
    let pairs = json["root"]["qapair"].as_array().context("root.qapair")?;
    let mut pages = Vec::new();
    let mut questions = Vec::new();
    for (i, pair) in pairs.iter().enumerate() {
        let title = pair["question"].as_str().unwrap_or_default().to_owned();
        let passages = pair["answer"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a.as_str())
            .map(|a| KbPassage {
                headings: vec![],
                text: a.to_owned(),
            })
            .collect();
        pages.push(KbPage {
            url: format!("stackfaq:{i}"),
            title,
            service_area: "StackFAQ".into(),
            import_root: "stackfaq".into(),
            passages,
        });
        for q in pair["rephr"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|q| q.as_str())
        {
            if q.trim() != "*" && !q.trim().is_empty() {
                questions.push((q.to_owned(), i));
            }
        }
    }
    Ok((pages, questions))
}

/// Top-1 and MRR@5 of page ranking.
pub fn ranking_quality(
    answerer: &Answerer,
    questions: &[(String, usize)],
) -> anyhow::Result<(f64, f64)> {
    let (mut top1, mut rr) = (0.0, 0.0);
    for (question, expected) in questions {
        let ranked = answerer.rank(question)?;
        if let Some(pos) = ranked.iter().take(5).position(|r| r.page == *expected) {
            rr += 1.0 / (pos as f64 + 1.0);
            if pos == 0 {
                top1 += 1.0;
            }
        }
    }
    let n = questions.len() as f64;
    Ok((top1 / n, rr / n))
}

pub fn answerer(pages: &[KbPage], boosts: FieldBoosts) -> anyhow::Result<Answerer> {
    let index = KnowledgeIndex::build(pages, &[], boosts)?;
    Ok(Answerer::new(
        index,
        CaseGuard::new(&[])?,
        Thresholds::default(),
        Wording::default(),
    ))
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

/// One question of an evaluation set (kb/eval/*.jsonl).
#[derive(Debug, Clone, serde::Deserialize)]
pub struct EvalQuestion {
    #[expect(dead_code, reason = "read for completeness; reports count, not name")]
    pub id: String,
    pub question: String,
    /// answerable, out_of_scope or case_specific.
    pub kind: String,
    /// The page that answers it (answerable) or explains the rules
    /// (case_specific).
    pub page: Option<String>,
}

pub fn read_eval(path: &Path) -> anyhow::Result<Vec<EvalQuestion>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Ok(serde_json::from_str(l)?))
        .collect()
}

/// The answerable questions of an evaluation set, with the index of the
/// page that answers each.
pub fn answerable(pages: &[KbPage], eval: &[EvalQuestion]) -> Questions {
    let url_index: std::collections::HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    eval.iter()
        .filter(|q| q.kind == "answerable")
        .filter_map(|q| Some((q.question.clone(), *url_index.get(q.page.as_deref()?)?)))
        .collect()
}

/// How an answerer does on an evaluation set at its thresholds.
#[derive(Debug, Clone, Copy, Default)]
pub struct DeclineQuality {
    pub answered: usize,
    pub answered_right: usize,
    pub answerable: usize,
    pub should_decline: usize,
    pub declined_right: usize,
}

impl DeclineQuality {
    pub fn precision(&self) -> f64 {
        if self.answered == 0 {
            1.0
        } else {
            self.answered_right as f64 / self.answered as f64
        }
    }
    pub fn decline_share(&self) -> f64 {
        self.declined_right as f64 / self.should_decline.max(1) as f64
    }
    pub fn answered_share(&self) -> f64 {
        self.answered_right as f64 / self.answerable.max(1) as f64
    }
}

/// What the answerer did with one question of an evaluation set, with
/// its thresholds at zero: enough to tell what it would do at any
/// thresholds without asking again.
#[derive(Debug, Clone)]
pub struct Recorded {
    answerable: bool,
    expected: Option<String>,
    /// Whether it would answer at all (not case-specific, empty or
    /// unmatched).
    could_answer: bool,
    cited: Option<String>,
    confidence: f32,
    margin: f32,
}

pub fn record(
    answerer: Answerer,
    set: &[&EvalQuestion],
) -> anyhow::Result<(Answerer, Vec<Recorded>)> {
    let kept = answerer.thresholds();
    let open = answerer.with_thresholds(Thresholds {
        min_confidence: 0.0,
        min_margin: f32::MIN,
    });
    let mut out = Vec::with_capacity(set.len());
    for item in set {
        let reply = open.answer(&item.question)?;
        out.push(Recorded {
            answerable: item.kind == "answerable",
            expected: item.page.clone(),
            could_answer: reply.answered,
            cited: reply.sources.first().map(|s| s.url.clone()),
            confidence: reply.confidence,
            margin: reply.margin,
        });
    }
    Ok((open.with_thresholds(kept), out))
}

pub fn quality_at(records: &[&Recorded], t: Thresholds) -> DeclineQuality {
    let mut q = DeclineQuality::default();
    for r in records {
        let answered =
            r.could_answer && r.confidence >= t.min_confidence && r.margin >= t.min_margin;
        if r.answerable {
            q.answerable += 1;
        } else {
            q.should_decline += 1;
            if !answered {
                q.declined_right += 1;
            }
        }
        if answered {
            q.answered += 1;
            if r.answerable && r.cited.is_some() && r.cited == r.expected {
                q.answered_right += 1;
            }
        }
    }
    q
}

/// The thresholds with the most right answers among those with at least
/// 90% precision and 90% of the should-decline questions declined.
pub fn tune(records: &[&Recorded]) -> Option<(Thresholds, DeclineQuality)> {
    let mut best: Option<(Thresholds, DeclineQuality)> = None;
    for c in 0..=32 {
        for m in 0..=20 {
            let t = Thresholds {
                min_confidence: 0.3 + c as f32 * 0.02,
                min_margin: m as f32 * 0.01,
            };
            let q = quality_at(records, t);
            if q.precision() >= 0.9
                && q.decline_share() >= 0.9
                && best.is_none_or(|(_, b)| q.answered_right > b.answered_right)
            {
                best = Some((t, q));
            }
        }
    }
    best
}

/// The demo knowledge base's pages and its evaluation set.
pub fn demo_set(repo: &Path) -> anyhow::Result<(Vec<KbPage>, Vec<EvalQuestion>)> {
    let imported = tolbooth_bot::import::import(&[repo.join("kb/demo")], &Default::default())?;
    anyhow::ensure!(
        imported.skipped.is_empty(),
        "skipped: {:?}",
        imported.skipped
    );
    let eval = read_eval(&repo.join("kb/eval/demo-questions.jsonl"))?;
    Ok((imported.pages, eval))
}

/// Decline quality at the answerer's own thresholds, at thresholds tuned
/// on the whole set, and tuned on each half and measured on the other.
pub fn report_declines(
    label: &str,
    answerer: Answerer,
    eval: &[EvalQuestion],
) -> anyhow::Result<(Answerer, Vec<Recorded>)> {
    let all: Vec<&EvalQuestion> = eval.iter().collect();
    let (answerer, records) = record(answerer, &all)?;
    let every: Vec<&Recorded> = records.iter().collect();
    let defaults = answerer.thresholds();
    report_quality(
        &format!("{label}, default thresholds"),
        defaults,
        &quality_at(&every, defaults),
    );
    match tune(&every) {
        Some((t, q)) => report_quality(&format!("{label}, tuned on the whole set"), t, &q),
        None => println!("{label}: no thresholds reach 90% precision with 90% declined."),
    }
    let half = |parity: usize| -> Vec<&Recorded> {
        records
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, r)| r)
            .collect()
    };
    let (odd, even) = (half(1), half(0));
    for (name, tune_on, test_on) in [("odd", &odd, &even), ("even", &even, &odd)] {
        if let Some((t, _)) = tune(tune_on) {
            report_quality(
                &format!("{label}, tuned on the {name} half, measured on the other"),
                t,
                &quality_at(test_on, t),
            );
        }
    }
    Ok((answerer, records))
}

/// Precision, share declined and share of answerable questions answered
/// right over a grid of thresholds.
fn threshold_grid(label: &str, records: &[Recorded]) {
    let every: Vec<&Recorded> = records.iter().collect();
    let margins = [0.0, 0.02, 0.05, 0.08, 0.1];
    println!("{label}: precision / declined / answerable answered right");
    print!("| min confidence |");
    for m in margins {
        print!(" margin {m} |");
    }
    println!();
    println!("| ---: |{}", " ---: |".repeat(margins.len()));
    for c in [0.4, 0.44, 0.48, 0.5, 0.52, 0.56, 0.6, 0.65] {
        print!("| {c} |");
        for m in margins {
            let q = quality_at(
                &every,
                Thresholds {
                    min_confidence: c,
                    min_margin: m,
                },
            );
            print!(
                " {:.3} / {:.3} / {:.3} |",
                q.precision(),
                q.decline_share(),
                q.answered_share()
            );
        }
        println!();
    }
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
    Ok(())
}

fn report_quality(label: &str, t: Thresholds, q: &DeclineQuality) {
    println!(
        "{label}: confidence ≥ {:.2}, margin ≥ {:.3} → precision {:.3} ({}/{} answered right), declined {:.3} ({}/{}), answerable answered right {:.3}",
        t.min_confidence,
        t.min_margin,
        q.precision(),
        q.answered_right,
        q.answered,
        q.decline_share(),
        q.declined_right,
        q.should_decline,
        q.answered_share()
    );
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

/// The HTML of a GOV.UK content item's body: `details.body` (a string, or
/// a list of renderings of which the HTML one is taken) or each of
/// `details.parts` under its own heading.
fn govuk_body(details: &serde_json::Value) -> Option<String> {
    fn html(body: &serde_json::Value) -> Option<String> {
        match body {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Array(items) => items
                .iter()
                .find(|i| i["content_type"] == "text/html")
                .and_then(|i| i["content"].as_str())
                .map(str::to_owned),
            _ => None,
        }
    }
    if let Some(body) = html(&details["body"]) {
        return Some(body);
    }
    let parts = details["parts"].as_array()?;
    Some(
        parts
            .iter()
            .map(|p| {
                format!(
                    "<h2>{}</h2>{}",
                    p["title"].as_str().unwrap_or_default(),
                    html(&p["body"]).unwrap_or_default()
                )
            })
            .collect(),
    )
}

/// Writes GOV.UK content items as a site mirror of HTML pages (with the
/// site furniture a real page has), `copies` times over under different
/// paths, and returns the folder.
fn govuk_mirror(data: &Path, copies: usize) -> anyhow::Result<(tempfile::TempDir, usize)> {
    let dir = tempfile::tempdir()?;
    let mut items = 0;
    let mut entries: Vec<_> = std::fs::read_dir(data.join("govuk-content"))?
        .flatten()
        .map(|e| e.path())
        .collect();
    entries.sort();
    for path in entries {
        let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path)?)?;
        if json["locale"] != "en" {
            continue;
        }
        let Some(body) = govuk_body(&json["details"]) else {
            continue;
        };
        let title = json["title"].as_str().unwrap_or_default();
        let base = json["base_path"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches('/')
            .replace('/', "_");
        let description = json["description"].as_str().unwrap_or_default();
        items += 1;
        for copy in 0..copies {
            let file = dir
                .path()
                .join(format!("c{copy}"))
                .join(format!("{base}.html"));
            std::fs::create_dir_all(file.parent().unwrap_or(dir.path()))?;
            std::fs::write(
                file,
                format!(
                    "<!doctype html><html><head><title>{title} - GOV.UK</title>\
                     <link rel=\"canonical\" href=\"https://www.gov.uk/c{copy}/{base}\"></head><body>\
                     <header><nav><a href=\"/\">GOV.UK</a><a href=\"/search\">Search</a></nav></header>\
                     <div class=\"govuk-breadcrumbs\">Home</div><main><h1>{title}</h1><p>{description}</p>{body}</main>\
                     <footer>Crown copyright. Open Government Licence v3.0</footer></body></html>"
                ),
            )?;
        }
    }
    Ok((dir, items))
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// GOV.UK items as a knowledge base of at least `passages_wanted`
/// passages (copies of the mirror), with the number of copies; prints the
/// import figures.
fn govuk_pages(data: &Path, passages_wanted: usize) -> anyhow::Result<(Vec<KbPage>, usize)> {
    // One copy first, to learn how many passages an item gives.
    let (one, items) = govuk_mirror(data, 1)?;
    let started = std::time::Instant::now();
    let single = tolbooth_bot::import::import(&[one.path().to_path_buf()], &Default::default())?;
    let import_secs = started.elapsed().as_secs_f64();
    let per_copy: usize = single.pages.iter().map(|p| p.passages.len()).sum();
    println!(
        "GOV.UK: {items} English content items with a body → {} pages, {per_copy} passages ({} skipped); import {:.1} ms per 1,000 pages",
        single.pages.len(),
        single.skipped.len(),
        import_secs * 1000.0 / single.pages.len().max(1) as f64 * 1000.0
    );
    let copies = passages_wanted.div_ceil(per_copy.max(1));
    let (mirror, _) = govuk_mirror(data, copies)?;
    let started = std::time::Instant::now();
    let imported =
        tolbooth_bot::import::import(&[mirror.path().to_path_buf()], &Default::default())?;
    let import_secs = started.elapsed().as_secs_f64();
    println!(
        "{} pages ({copies} copies): import (read, extract, split) {:.2} s = {:.0} ms per 1,000 pages",
        imported.pages.len(),
        import_secs,
        import_secs * 1000.0 / imported.pages.len().max(1) as f64 * 1000.0,
    );
    Ok((imported.pages, copies))
}

/// The real GOV.UK search queries (top 200 by volume).
fn govuk_queries(data: &Path) -> anyhow::Result<Vec<String>> {
    let csv =
        std::fs::read_to_string(data.join("govuk-search-queries/top_200_query_result_pairs.csv"))?;
    Ok(csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(|q| q.trim_matches('"').to_owned())
        .filter(|q| !q.is_empty())
        .collect())
}

fn answerer_with(pages: &[KbPage]) -> anyhow::Result<Answerer> {
    answerer(pages, FieldBoosts::default())
}

fn report_latency(label: &str, answerer: &Answerer, queries: &[String]) -> anyhow::Result<()> {
    report_latency_over(
        &format!("{label}, GOV.UK search queries"),
        answerer,
        queries,
    )
}

/// Answer latency over the questions, ten rounds after a warm-up.
fn report_latency_over(label: &str, answerer: &Answerer, queries: &[String]) -> anyhow::Result<()> {
    for q in queries {
        answerer.answer(q)?; // warm up
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        for q in queries {
            let started = std::time::Instant::now();
            let reply = answerer.answer(q)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(reply);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{label}: answer latency over {} questions × 10 ({} answers): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        queries.len(),
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default()
    );
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
    let plain = answerer(pages, FieldBoosts::default())?;
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
