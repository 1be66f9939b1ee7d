//! `tolbooth-bench bot`: the chatbot's retrieval quality and speed on
//! public data read from `../shared/data` (never copied into the
//! repository): StackFAQ's 1,249 paraphrased questions (top-1, MRR@5), and
//! GOV.UK content items as a second knowledge base (import, index build
//! time, answer latency at 10,000 passages).

use anyhow::Context;
use std::path::Path;
use tolbooth_bot::answer::{Answerer, Thresholds, Wording};
use tolbooth_bot::index::{FieldBoosts, KnowledgeIndex};
use tolbooth_bot::CaseGuard;
use tolbooth_domain::knowledge::{KbPage, KbPassage};

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
    #[allow(dead_code, reason = "read for completeness; reports count, not name")]
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

pub fn decline_quality(
    answerer: &Answerer,
    set: &[&EvalQuestion],
) -> anyhow::Result<DeclineQuality> {
    let mut q = DeclineQuality::default();
    for item in set {
        let reply = answerer.answer(&item.question)?;
        let answerable = item.kind == "answerable";
        if answerable {
            q.answerable += 1;
        } else {
            q.should_decline += 1;
            if !reply.answered {
                q.declined_right += 1;
            }
        }
        if reply.answered {
            q.answered += 1;
            if answerable
                && reply
                    .sources
                    .first()
                    .map(|s| Some(&s.url) == item.page.as_ref())
                    == Some(true)
            {
                q.answered_right += 1;
            }
        }
    }
    Ok(q)
}

/// The thresholds with the most right answers among those with at least
/// 90% precision and 90% of the should-decline questions declined.
pub fn tune(
    answerer: Answerer,
    set: &[&EvalQuestion],
) -> anyhow::Result<(Answerer, Option<(Thresholds, DeclineQuality)>)> {
    let mut best: Option<(Thresholds, DeclineQuality)> = None;
    let mut answerer = answerer;
    for c in 0..=16 {
        for m in 0..=8 {
            let t = Thresholds {
                min_confidence: 0.3 + c as f32 * 0.04,
                min_margin: m as f32 * 0.025,
            };
            answerer = answerer.with_thresholds(t);
            let q = decline_quality(&answerer, set)?;
            if q.precision() >= 0.9
                && q.decline_share() >= 0.9
                && best.is_none_or(|(_, b)| q.answered_right > b.answered_right)
            {
                best = Some((t, q));
            }
        }
    }
    Ok((answerer, best))
}

pub fn run_demo(repo: &Path, sweep: bool) -> anyhow::Result<()> {
    let imported = tolbooth_bot::import::import(&[repo.join("kb/demo")], &Default::default())?;
    anyhow::ensure!(
        imported.skipped.is_empty(),
        "skipped: {:?}",
        imported.skipped
    );
    let pages = imported.pages;
    let eval = read_eval(&repo.join("kb/eval/demo-questions.jsonl"))?;
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
    let answerer = answerer(&pages, FieldBoosts::default())?;
    let all: Vec<&EvalQuestion> = eval.iter().collect();
    let default_q = decline_quality(&answerer, &all)?;
    report_quality("default thresholds", answerer.thresholds(), &default_q);
    let (answerer, best) = tune(answerer, &all)?;
    match best {
        Some((t, q)) => report_quality("tuned on the whole set", t, &q),
        None => println!("No thresholds reach 90% precision with 90% declined."),
    }
    // Two-fold check: tune on one half, measure on the other.
    let half = |parity: usize| -> Vec<&EvalQuestion> {
        eval.iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == parity)
            .map(|(_, q)| q)
            .collect()
    };
    let (odd, even) = (half(1), half(0));
    let mut answerer = answerer;
    for (name, tune_on, test_on) in [("odd", &odd, &even), ("even", &even, &odd)] {
        let (a, best) = tune(answerer, tune_on)?;
        answerer = a;
        if let Some((t, _)) = best {
            answerer = answerer.with_thresholds(t);
            let q = decline_quality(&answerer, test_on)?;
            report_quality(
                &format!("tuned on the {name} half, measured on the other"),
                t,
                &q,
            );
        }
    }
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

pub fn run_govuk(data: &Path, passages_wanted: usize) -> anyhow::Result<()> {
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
    let pages = imported.pages;
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
        "{} pages ({copies} copies), {passages} passages: import (read, extract, split) {:.2} s = {:.0} ms per 1,000 pages; index build median of 5 {:.2} s = {:.0} ms per 1,000 pages",
        pages.len(),
        import_secs,
        import_secs * 1000.0 / pages.len() as f64 * 1000.0,
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
    let csv =
        std::fs::read_to_string(data.join("govuk-search-queries/top_200_query_result_pairs.csv"))?;
    let queries: Vec<&str> = csv
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .map(|q| q.trim_matches('"'))
        .filter(|q| !q.is_empty())
        .collect();
    for q in &queries {
        answerer.answer(q)?; // warm up
    }
    let mut times = Vec::new();
    for _ in 0..10 {
        for q in &queries {
            let started = std::time::Instant::now();
            let reply = answerer.answer(q)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(reply);
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "Answer latency over {} GOV.UK search queries × 10 ({} answers), one thread: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        queries.len(),
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or_default()
    );
    Ok(())
}

/// Dense page vectors for StackFAQ-like sets: each page's title and each
/// of its passages embedded; a page's dense score for a question is the
/// best cosine among them.
#[cfg(feature = "dense")]
pub struct DensePages {
    pub embedder: tolbooth_bot::dense::Embedder,
    pub vectors: Vec<Vec<Vec<f32>>>,
}

#[cfg(feature = "dense")]
impl DensePages {
    pub fn build(model: &Path, pages: &[KbPage]) -> anyhow::Result<Self> {
        let embedder = tolbooth_bot::dense::Embedder::load(model)?;
        let mut vectors = Vec::with_capacity(pages.len());
        for page in pages {
            let mut page_vectors = vec![embedder.embed(&page.title)?];
            for passage in &page.passages {
                page_vectors.push(embedder.embed(&format!("{}. {}", page.title, passage.text))?);
            }
            vectors.push(page_vectors);
        }
        Ok(Self { embedder, vectors })
    }

    pub fn scores(&self, question: &str) -> anyhow::Result<Vec<f32>> {
        let q = self.embedder.embed(question)?;
        Ok(self
            .vectors
            .iter()
            .map(|vs| {
                vs.iter()
                    .map(|v| tolbooth_bot::dense::cosine(&q, v))
                    .fold(f32::MIN, f32::max)
            })
            .collect())
    }
}

/// Top-1 and MRR@5 for each weight of the dense score against BM25's
/// (normalised by the question's best BM25 page score).
#[cfg(feature = "dense")]
pub fn hybrid_quality(
    answerer: &Answerer,
    dense: &DensePages,
    questions: &[(String, usize)],
    weights: &[f32],
) -> anyhow::Result<Vec<(f32, f64, f64)>> {
    let mut sums = vec![(0.0f64, 0.0f64); weights.len()];
    for (question, expected) in questions {
        let ranked = answerer.rank(question)?;
        let top = ranked
            .first()
            .map(|r| r.best.score)
            .unwrap_or(1.0)
            .max(1e-6);
        let mut bm25 = vec![0.0f32; dense.vectors.len()];
        for r in &ranked {
            bm25[r.page] = r.best.score / top;
        }
        let cos = dense.scores(question)?;
        for (wi, &w) in weights.iter().enumerate() {
            let mut order: Vec<(usize, f32)> = (0..cos.len())
                .map(|p| (p, (1.0 - w) * bm25[p] + w * cos[p]))
                .collect();
            order.sort_by(|a, b| b.1.total_cmp(&a.1));
            if let Some(pos) = order.iter().take(5).position(|(p, _)| p == expected) {
                sums[wi].1 += 1.0 / (pos as f64 + 1.0);
                if pos == 0 {
                    sums[wi].0 += 1.0;
                }
            }
        }
    }
    let n = questions.len() as f64;
    Ok(weights
        .iter()
        .zip(sums)
        .map(|(&w, (t, m))| (w, t / n, m / n))
        .collect())
}

#[cfg(feature = "dense")]
pub fn run_dense(data: &Path, model: &Path, repo: &Path) -> anyhow::Result<()> {
    let weights = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0];
    let (pages, questions) = stackfaq(data)?;
    let started = std::time::Instant::now();
    let dense = DensePages::build(model, &pages)?;
    let vectors: usize = dense.vectors.iter().map(Vec::len).sum();
    println!(
        "StackFAQ dense: {vectors} texts embedded in {:.1} s ({:.1} ms each, one thread)",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1000.0 / vectors as f64
    );
    let mut times = Vec::new();
    for (question, _) in questions.iter().take(300) {
        let started = std::time::Instant::now();
        std::hint::black_box(dense.embedder.embed(question)?);
        times.push(started.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "Question embedding, 300 StackFAQ questions, one at a time: p50 {:.1} ms, p99 {:.1} ms",
        percentile(&times, 0.5),
        percentile(&times, 0.99)
    );
    let stack_answerer = answerer(&pages, FieldBoosts::default())?;
    let started = std::time::Instant::now();
    let results = hybrid_quality(&stack_answerer, &dense, &questions, &weights)?;
    println!(
        "{} questions ranked at {} weights in {:.1} s",
        questions.len(),
        weights.len(),
        started.elapsed().as_secs_f64()
    );
    println!("| retrieval | dense weight | top-1 | MRR@5 |");
    println!("| --- | ---: | ---: | ---: |");
    for (w, top1, mrr) in results {
        println!("| StackFAQ, BM25 + MiniLM | {w} | {top1:.3} | {mrr:.3} |");
    }
    // The demo council's answerable questions.
    let imported = tolbooth_bot::import::import(&[repo.join("kb/demo")], &Default::default())?;
    let pages = imported.pages;
    let eval = read_eval(&repo.join("kb/eval/demo-questions.jsonl"))?;
    let ranked = answerable(&pages, &eval);
    let dense = DensePages::build(model, &pages)?;
    let demo_answerer = answerer(&pages, FieldBoosts::default())?;
    for (w, top1, mrr) in hybrid_quality(&demo_answerer, &dense, &ranked, &weights)? {
        println!("| demo council, BM25 + MiniLM | {w} | {top1:.3} | {mrr:.3} |");
    }
    Ok(())
}
