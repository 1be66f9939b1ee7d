//! GOV.UK content items as a second knowledge base: written out as a site
//! mirror of HTML pages, imported (with the import's timings) at the size
//! wanted, and the real GOV.UK search queries to ask of it.

use std::path::Path;
use tolbooth_domain::bot::knowledge::KbPage;

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

/// GOV.UK items as a knowledge base of at least `passages_wanted`
/// passages (copies of the mirror), with the number of copies; prints the
/// import figures.
pub(super) fn govuk_pages(
    data: &Path,
    passages_wanted: usize,
) -> anyhow::Result<(Vec<KbPage>, usize)> {
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
pub(super) fn govuk_queries(data: &Path) -> anyhow::Result<Vec<String>> {
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
