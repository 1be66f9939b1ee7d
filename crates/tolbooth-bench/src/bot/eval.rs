//! The evaluation sets: StackFAQ's threads and paraphrased questions, the
//! kb/eval question sets, and the demo knowledge base with its own.

use anyhow::Context;
use std::path::Path;
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
