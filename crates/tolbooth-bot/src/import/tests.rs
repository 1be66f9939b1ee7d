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

/// Runs `f` on a thread with a 2 MiB stack: the size of the test harness's
/// threads and of the blocking threads the server imports on.
fn on_a_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn deep_page(title: &str, open: &str, close: &str, times: usize) -> String {
    format!(
        "<html><head><title>{title}</title></head><body><p>Before the nesting.</p>{}Inside the nesting.{}<p>After.</p></body></html>",
        open.repeat(times),
        close.repeat(times)
    )
}

#[test]
fn deeply_nested_pages_are_imported_up_to_the_cut() {
    let dir = tempfile::tempdir().unwrap();
    // 55 KB of 5,000 nested divs; 100,000 nested divs; and 3.1 MB of
    // `<div><span><b>` nested 100,000 times over.
    write(
        dir.path(),
        "divs.html",
        &deep_page("Divs", "<div>", "</div>", 5_000),
    );
    write(
        dir.path(),
        "many.html",
        &deep_page("Many", "<div>", "</div>", 100_000),
    );
    write(
        dir.path(),
        "mixed.html",
        &deep_page("Mixed", "<div><span><b>", "</b></span></div>", 100_000),
    );
    write(
        dir.path(),
        "plain.html",
        "<h1>Plain</h1><p>Nothing deep here.</p>",
    );
    let path = dir.path().to_path_buf();
    let imported = on_a_small_stack(move || import(&[path], &ImportOptions::default()).unwrap());
    assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    let titles: Vec<&str> = imported.pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, vec!["Divs", "Many", "Mixed", "Plain"]);
    for page in &imported.pages[..3] {
        let texts: Vec<&str> = page.passages.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(texts, vec!["Before the nesting."], "{}", page.title);
    }
    let cut: Vec<(&str, &str)> = imported
        .truncated
        .iter()
        .map(|t| (t.path.rsplit('/').next().unwrap(), t.reason.as_str()))
        .collect();
    assert_eq!(cut.len(), 3, "{cut:?}");
    for ((name, reason), expected) in cut.iter().zip(["divs.html", "many.html", "mixed.html"]) {
        assert_eq!(*name, expected);
        assert!(reason.starts_with("only the part before byte "), "{reason}");
        assert!(
            reason.ends_with(&format!(
                "elements nested more than {} deep",
                nesting::MAX_DEPTH
            )),
            "{reason}"
        );
    }
}

#[test]
fn a_cut_page_with_nothing_before_the_cut_is_skipped_with_both_reasons() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "deep.html", &"<div>".repeat(5_000));
    let path = dir.path().to_path_buf();
    let imported = on_a_small_stack(move || import(&[path], &ImportOptions::default()).unwrap());
    assert!(imported.pages.is_empty());
    assert!(imported.truncated.is_empty());
    let reason = &imported.skipped[0].reason;
    assert!(reason.starts_with("no content found"), "{reason}");
    assert!(reason.contains("nested more than"), "{reason}");
}

/// Deterministic pseudo-random bytes (a linear congruential generator).
fn random_bytes(len: usize, mut state: u64) -> Vec<u8> {
    (0..len)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 56) as u8
        })
        .collect()
}

#[test]
fn binary_files_are_skipped_and_the_rest_imported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "good.html",
        "<title>Good</title><p>Real content.</p>",
    );
    fs::write(dir.path().join("junk.html"), random_bytes(200 * 1024, 7)).unwrap();
    fs::write(dir.path().join("junk.md"), random_bytes(10 * 1024, 8)).unwrap();
    // No NUL byte, but hardly any valid UTF-8 either.
    let no_nul: Vec<u8> = random_bytes(4 * 1024, 9)
        .into_iter()
        .map(|b| b | 0x80)
        .collect();
    fs::write(dir.path().join("high.html"), no_nul).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in "<p>Sixteen bits.</p>".encode_utf16() {
        utf16.extend(unit.to_le_bytes());
    }
    fs::write(dir.path().join("wide.html"), utf16).unwrap();

    let imported = import(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    let titles: Vec<&str> = imported.pages.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles, vec!["Good"]);
    let skipped: Vec<(&str, &str)> = imported
        .skipped
        .iter()
        .map(|s| (s.path.rsplit('/').next().unwrap(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            (
                "high.html",
                "not a text file (binary content, or text not in UTF-8)"
            ),
            ("junk.html", "not a text file (binary content)"),
            ("junk.md", "not a text file (binary content)"),
            (
                "wide.html",
                "UTF-16 text, which is not read: save the file as UTF-8"
            ),
        ]
    );
}

#[test]
fn a_stray_invalid_byte_does_not_lose_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let mut page = b"<h1>Opening times</h1><p>Open 9".to_vec();
    page.push(0x96); // a Windows-1252 dash, not UTF-8
    page.extend(b"5, Monday to Friday.</p>");
    fs::write(dir.path().join("times.html"), page).unwrap();
    fs::write(
        dir.path().join("bins.md"),
        b"# Bins\n\nCollected weekly \xff\xfe\xfd.\n",
    )
    .unwrap();
    let imported = import(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    assert!(imported.skipped.is_empty(), "{:?}", imported.skipped);
    let texts: Vec<&str> = imported
        .pages
        .iter()
        .map(|p| p.passages[0].text.as_str())
        .collect();
    assert_eq!(
        texts,
        vec![
            "Collected weekly \u{fffd}\u{fffd}\u{fffd}.",
            "Open 9\u{fffd}5, Monday to Friday."
        ]
    );
}

#[test]
fn deep_folders_are_walked() {
    let dir = tempfile::tempdir().unwrap();
    let deep = "d/".repeat(200);
    write(
        dir.path(),
        &format!("{deep}page.html"),
        "<h1>Deep</h1><p>x</p>",
    );
    let imported = import(&[dir.path().to_path_buf()], &ImportOptions::default()).unwrap();
    assert_eq!(imported.pages.len(), 1);
    assert!(
        imported.pages[0].url.ends_with("/d/d/page"),
        "{}",
        imported.pages[0].url
    );
}

/// Times the import of pathological pages; run by hand with
/// `cargo test -p tolbooth-bot --release -- --ignored --nocapture timing`.
#[test]
#[ignore]
fn timing_of_pathological_pages() {
    let mut amplifier = String::from("<div>");
    for i in 0..200 {
        amplifier.push_str(&format!("<b id={i}>"));
    }
    amplifier.push_str(&"</div><div>x".repeat(400_000));
    let mut attributes = String::from("<div");
    for i in 0..100_000 {
        attributes.push_str(&format!(" a{i}"));
    }
    attributes.push('>');
    let reopening: String = (0..100_000)
        .map(|i| format!("<div><b id={i}>x</div>"))
        .collect();
    let normal: String = (0..40_000)
        .map(|i| {
            format!(
                "<div class=\"card\"><h2>Item {i}</h2><p>Some <b>bold</b> and <a href=\"/x/{i}\">a link</a>.</p><ul><li>one<li>two</ul></div>"
            )
        })
        .collect();
    let cases = [
        ("5,000 nested divs", "<div>".repeat(5_000)),
        ("100,000 nested divs", "<div>".repeat(100_000)),
        ("<div><span><b> x 100,000", "<div><span><b>".repeat(100_000)),
        ("200 formatting elements re-opened", amplifier),
        ("100,000 attributes", attributes),
        ("<div><b id=N>x</div> x 100,000", reopening),
        ("an ordinary page of 40,000 cards", normal),
    ];
    for (name, html) in cases {
        let started = std::time::Instant::now();
        let page = on_a_small_stack(move || html::extract(&html));
        println!(
            "{name}: {:?}, {} passage(s), cut {:?}",
            started.elapsed(),
            page.sections.len(),
            page.cut
        );
    }
}
