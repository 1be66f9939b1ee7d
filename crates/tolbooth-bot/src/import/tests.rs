use super::*;
use std::fs;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).unwrap();
    }
    fs::write(path, text).unwrap();
}

fn options() -> ImportOptions {
    ImportOptions {
        site_url: Some("https://www.anytown.gov.uk".into()),
        areas: ServiceAreas::default(),
    }
}

#[test]
fn a_folder_mirror_gives_a_page_per_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bins/collection-days.html",
        "<html><head><title>Collection days</title></head><body><main><h1>Collection days</h1><p>Fortnightly.</p></main></body></html>",
    );
    write(
        dir.path(),
        "council-tax/index.html",
        r#"<html><head><link rel="canonical" href="/council-tax"></head><body><h1>Council tax</h1><p>Pay it.</p></body></html>"#,
    );
    write(
        dir.path(),
        "faq/parking.md",
        "---\narea: Parking\n---\n# Parking FAQ\n\n## Permits?\n\nYes.\n",
    );
    write(
        dir.path(),
        "empty.html",
        "<html><body><nav>menu only</nav></body></html>",
    );
    write(dir.path(), "notes.txt", "ignored");
    write(dir.path(), ".git/config.html", "<p>hidden</p>");

    let imported = import(&[dir.path().to_path_buf()], &options()).unwrap();
    let mut urls: Vec<(&str, &str, &str)> = imported
        .pages
        .iter()
        .map(|p| (p.url.as_str(), p.title.as_str(), p.service_area.as_str()))
        .collect();
    urls.sort();
    assert_eq!(
        urls,
        vec![
            (
                "https://www.anytown.gov.uk/bins/collection-days",
                "Collection days",
                "Bins"
            ),
            (
                "https://www.anytown.gov.uk/council-tax",
                "Council tax",
                "Council tax"
            ),
            (
                "https://www.anytown.gov.uk/faq/parking",
                "Parking FAQ",
                "Parking"
            ),
        ]
    );
    assert_eq!(imported.skipped.len(), 1, "{:?}", imported.skipped);
    assert!(imported.skipped[0].path.ends_with("empty.html"));
    assert!(imported.skipped[0].reason.contains("no content"));
    assert!(imported
        .pages
        .iter()
        .all(|p| p.import_root == imported.roots[0]));
}

#[test]
fn a_sitemap_names_the_pages_and_their_urls() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "libraries/opening-times.html",
        "<h1>Opening times</h1><p>9 to 5.</p>",
    );
    write(
        dir.path(),
        "planning/index.html",
        "<h1>Planning</h1><p>Apply online.</p>",
    );
    write(dir.path(), "secret.html", "<h1>Not listed</h1><p>x</p>");
    write(
        dir.path(),
        "sitemap.xml",
        r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://www.anytown.gov.uk/libraries/opening-times</loc></url>
        <url><loc>https://www.anytown.gov.uk/planning/</loc></url>
        <url><loc>https://www.anytown.gov.uk/gone</loc></url>
        <url><loc>https://www.anytown.gov.uk/../../etc/passwd</loc></url>
        </urlset>"#,
    );
    let imported = import(&[dir.path().join("sitemap.xml")], &ImportOptions::default()).unwrap();
    let urls: Vec<&str> = imported.pages.iter().map(|p| p.url.as_str()).collect();
    assert_eq!(
        urls,
        vec![
            "https://www.anytown.gov.uk/libraries/opening-times",
            "https://www.anytown.gov.uk/planning/"
        ]
    );
    assert_eq!(imported.skipped.len(), 2);
}

#[test]
fn bad_roots_fail_the_whole_import() {
    let dir = tempfile::tempdir().unwrap();
    let missing = import(&[dir.path().join("nope")], &options()).unwrap_err();
    assert!(
        missing.to_string().contains("no such file or folder"),
        "{missing}"
    );
    write(dir.path(), "sitemap.xml", "<html>not xml");
    let bad = import(&[dir.path().join("sitemap.xml")], &options()).unwrap_err();
    assert!(bad.to_string().contains("not a sitemap"), "{bad}");
}

#[test]
fn oversized_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let big = format!("<h1>Big</h1><p>{}</p>", "x".repeat(MAX_FILE_BYTES as usize));
    write(dir.path(), "big.html", &big);
    let imported = import(&[dir.path().to_path_buf()], &options()).unwrap();
    assert!(imported.pages.is_empty());
    assert!(imported.skipped[0].reason.contains("larger than"));
}

#[test]
fn without_a_site_url_links_are_site_relative_and_keep_the_folder() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bins/collection-days.html",
        "<h1>Collection days</h1><p>Fortnightly.</p>",
    );
    write(
        dir.path(),
        "parking/collection-days.html",
        "<h1>Parking</h1><p>x</p>",
    );
    let imported = import(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    let mut urls: Vec<&str> = imported.pages.iter().map(|p| p.url.as_str()).collect();
    urls.sort();
    assert_eq!(
        urls,
        vec!["/bins/collection-days", "/parking/collection-days"]
    );
    assert!(imported.skipped.is_empty());
}
