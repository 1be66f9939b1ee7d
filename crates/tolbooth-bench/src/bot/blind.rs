//! `tolbooth-bench bot blind`: a blind question set (kb/eval/govuk-blind-*.jsonl,
//! written without sight of the bot or its other sets) asked of the GOV.UK
//! content items as a knowledge base, with BM25 alone and with the
//! embedding model: top-1 of the answering page, answerable questions
//! answered right, case and eligibility questions declined, out-of-scope
//! questions declined, and wrong answers as a share of all answers.

use super::dense::{embed_texts, hybrid_over};
use super::eval::{read_eval, EvalQuestion};
use super::govuk::govuk_pages;
use super::guarded;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use tolbooth_bot::answer::{Answerer, DENSE_WEIGHT};
use tolbooth_bot::dense::Embedder;
use tolbooth_bot::index::FieldBoosts;
use tolbooth_bot::CaseGuard;
use tolbooth_domain::bot::knowledge::KbPage;

/// The mirror's address of a GOV.UK page (`https://www.gov.uk/a/b` →
/// `https://www.gov.uk/c0/a_b`, as `govuk_pages` writes one copy).
fn mirrored(url: &str) -> String {
    let path = url.trim_start_matches("https://www.gov.uk/");
    format!("https://www.gov.uk/c0/{}", path.replace('/', "_"))
}

/// The figures of one answerer on the set.
#[derive(Debug, Default)]
struct Figures {
    answerable: usize,
    top1: usize,
    answered_right: usize,
    answered_wrong_page: usize,
    case: usize,
    case_declined: usize,
    out_of_scope: usize,
    out_of_scope_declined: usize,
    answered: usize,
}

fn share(n: usize, of: usize) -> String {
    format!("{:.3} ({n}/{of})", n as f64 / of.max(1) as f64)
}

/// Whether `cited` is the page expected, or a page with the same text
/// under another address (the content items hold a few such copies).
fn same_page(digests: &HashMap<&str, String>, cited: &str, expected: &str) -> bool {
    cited == expected
        || matches!((digests.get(cited), digests.get(expected)), (Some(a), Some(b)) if a == b)
}

fn score(answerer: &Answerer, pages: &[KbPage], eval: &[EvalQuestion]) -> anyhow::Result<Figures> {
    let index: HashMap<&str, usize> = pages
        .iter()
        .enumerate()
        .map(|(i, p)| (p.url.as_str(), i))
        .collect();
    // The text of a page without its address or title, to find copies.
    let digests: HashMap<&str, String> = pages
        .iter()
        .map(|p| {
            let text: String = p
                .passages
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("\n");
            (p.url.as_str(), text)
        })
        .collect();
    let mut f = Figures::default();
    for q in eval {
        let reply = answerer.answer(&q.question)?;
        let cited = reply.sources.first().map(|s| s.url.clone());
        if reply.answered {
            f.answered += 1;
        }
        match q.kind.as_str() {
            "answerable" => {
                let Some(expected) = q.page.as_deref() else {
                    continue;
                };
                f.answerable += 1;
                let ranked = answerer.rank(&q.question)?;
                if let (Some(first), Some(&want)) = (ranked.first(), index.get(expected)) {
                    if first.page == want || same_page(&digests, &pages[first.page].url, expected) {
                        f.top1 += 1;
                    }
                }
                if reply.answered {
                    match cited.as_deref() {
                        Some(c) if same_page(&digests, c, expected) => f.answered_right += 1,
                        _ => f.answered_wrong_page += 1,
                    }
                }
            }
            "case_specific" => {
                f.case += 1;
                if !reply.answered {
                    f.case_declined += 1;
                }
            }
            _ => {
                f.out_of_scope += 1;
                if !reply.answered {
                    f.out_of_scope_declined += 1;
                }
            }
        }
    }
    Ok(f)
}

fn print_row(label: &str, f: &Figures) {
    let wrong = f.answered_wrong_page
        + (f.case - f.case_declined)
        + (f.out_of_scope - f.out_of_scope_declined);
    println!(
        "| {label} | {} | {} | {} | {} | {} |",
        share(f.top1, f.answerable),
        share(f.answered_right, f.answerable),
        share(f.case_declined, f.case),
        share(f.out_of_scope_declined, f.out_of_scope),
        share(wrong, f.answered),
    );
}

/// Asks the set of `set` (a JSONL file) of the GOV.UK pages, with BM25
/// alone and, when a model folder is given, with the embedding model.
pub fn run_blind(data: &Path, set: &Path, model: Option<&Path>) -> anyhow::Result<()> {
    let (pages, _) = govuk_pages(data, 1)?;
    let mut eval = read_eval(set)?;
    let known: std::collections::HashSet<&str> = pages.iter().map(|p| p.url.as_str()).collect();
    let mut missing = 0;
    for q in &mut eval {
        q.page = q.page.as_deref().map(mirrored);
        if q.kind == "answerable" && q.page.as_deref().is_some_and(|p| !known.contains(p)) {
            missing += 1;
        }
    }
    let count = |k: &str| eval.iter().filter(|q| q.kind == k).count();
    println!(
        "{}: {} questions ({} answerable, {} case-specific, {} out of scope); {} pages; {missing} answerable questions cite a page with no body in the content items",
        set.display(),
        eval.len(),
        count("answerable"),
        count("case_specific"),
        count("out_of_scope"),
        pages.len()
    );
    eval.retain(|q| q.kind != "answerable" || q.page.as_deref().is_some_and(|p| known.contains(p)));
    println!();
    println!("| retrieval | top-1 (answerable) | answered right | case declined | out of scope declined | wrong among answered |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    let guards = || -> anyhow::Result<[(&str, CaseGuard); 2]> {
        Ok([
            ("case patterns alone", CaseGuard::patterns_only(&[])?),
            ("case patterns + model", CaseGuard::new(&[])?),
        ])
    };
    for (name, guard) in guards()? {
        let answerer = guarded(&pages, FieldBoosts::default(), guard)?;
        print_row(&format!("BM25, {name}"), &score(&answerer, &pages, &eval)?);
    }
    if let Some(model) = model {
        let embedder = Arc::new(Embedder::load(model)?);
        let (slots, _) = embed_texts(&embedder, &pages)?;
        for (name, guard) in guards()? {
            let plain = guarded(&pages, FieldBoosts::default(), guard)?;
            let answerer = hybrid_over(plain, &embedder, &slots, DENSE_WEIGHT)?;
            print_row(
                &format!("BM25 + dense (weight {DENSE_WEIGHT}), {name}"),
                &score(&answerer, &pages, &eval)?,
            );
        }
    }
    Ok(())
}
