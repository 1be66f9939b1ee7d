//! Main-content extraction from an HTML page: the canonical URL, the title,
//! and the text under each heading, with navigation, headers, footers,
//! scripts and forms left out.
//!
//! Markup that would make the parser's work or the tree grow out of bounds
//! is cut first (see [`super::nesting`]), and the tree is walked without
//! recursion, so no page can exhaust the stack or take more than linear
//! time.

use super::nesting::{self, Cut};
use super::sections::SectionBuilder;
use scraper::{ElementRef, Html, Node, Selector};

/// What one HTML page holds for the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedPage {
    pub canonical: Option<String>,
    pub title: String,
    pub sections: Vec<(Vec<String>, String)>,
    /// Where the markup was cut, and why, when only the part before was
    /// read.
    pub cut: Option<Cut>,
}

/// Elements whose whole subtree is page furniture, not content.
const SKIPPED: &[&str] = &[
    "nav", "header", "footer", "aside", "script", "style", "noscript", "template", "form",
    "button", "select", "svg", "iframe", "object", "head", "dialog",
];

/// Elements that end a run of text.
const BLOCKS: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "table",
    "tr",
    "td",
    "th",
    "section",
    "article",
    "main",
    "blockquote",
    "pre",
    "br",
    "hr",
    "figure",
    "figcaption",
    "details",
    "summary",
    "address",
];

fn selector(css: &str) -> Option<Selector> {
    Selector::parse(css).ok()
}

/// Reads a page. Never fails: a page with no content gives no sections.
pub fn extract(html: &str) -> ExtractedPage {
    let cut = nesting::cut_point(html);
    let document = Html::parse_document(nesting::before(html, cut));
    let canonical = selector("link[rel~=canonical][href]").and_then(|s| {
        document
            .select(&s)
            .filter_map(|link| link.value().attr("href"))
            .map(str::trim)
            .find(|href| !href.is_empty())
            .map(str::to_owned)
    });
    let root = [
        "main",
        "[role=main]",
        "article",
        "#content",
        "#main-content",
        "body",
    ]
    .iter()
    .filter_map(|css| selector(css))
    .find_map(|s| document.select(&s).next());
    let mut builder = SectionBuilder::default();
    if let Some(root) = root {
        walk(root, &mut builder);
    }
    let first_heading = builder.first_top_heading();
    let html_title = selector("title").and_then(|s| {
        document
            .select(&s)
            .next()
            .map(|t| collapse(&t.text().collect::<String>()))
    });
    let title = first_heading
        .or_else(|| html_title.map(|t| site_suffix_removed(&t)))
        .unwrap_or_default();
    ExtractedPage {
        canonical,
        title,
        sections: builder.finish(),
        cut,
    }
}

/// A step of the walk: a node to read, or the end of a block whose
/// contents have been read.
enum Step<N> {
    Node(N),
    EndBlock,
}

/// Reads the text under `root` in document order, headings opening
/// sections; with its own stack, however deep the tree.
fn walk(root: ElementRef<'_>, out: &mut SectionBuilder) {
    let mut steps: Vec<Step<_>> = root.children().rev().map(Step::Node).collect();
    while let Some(step) = steps.pop() {
        let node = match step {
            Step::Node(node) => node,
            Step::EndBlock => {
                out.end_paragraph();
                continue;
            }
        };
        match node.value() {
            Node::Text(text) => out.push_text(text),
            Node::Element(el) => {
                let Some(element) = ElementRef::wrap(node) else {
                    continue;
                };
                let name = el.name();
                if SKIPPED.contains(&name) || is_hidden_furniture(&element) {
                    continue;
                }
                if let Some(level) = heading_level(name) {
                    out.heading(level, &collapse(&element.text().collect::<String>()));
                    continue;
                }
                if BLOCKS.contains(&name) {
                    out.end_paragraph();
                    steps.push(Step::EndBlock);
                }
                if name == "li" {
                    out.push_text("• ");
                }
                steps.extend(node.children().rev().map(Step::Node));
            }
            _ => {}
        }
    }
}

fn heading_level(name: &str) -> Option<usize> {
    match name {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

/// Breadcrumbs, skip links, cookie banners and anything hidden from
/// everyone.
fn is_hidden_furniture(element: &ElementRef<'_>) -> bool {
    let el = element.value();
    if el.attr("hidden").is_some() || el.attr("aria-hidden") == Some("true") {
        return true;
    }
    if matches!(
        el.attr("role"),
        Some("navigation" | "banner" | "contentinfo" | "search")
    ) {
        return true;
    }
    el.classes().any(|class| {
        let class = class.to_ascii_lowercase();
        [
            "breadcrumb",
            "skip-link",
            "cookie",
            "visually-hidden",
            "sr-only",
            "site-header",
            "site-footer",
        ]
        .iter()
        .any(|furniture| class.contains(furniture))
    })
}

/// "Bin collection days | Anytown Council" → "Bin collection days".
fn site_suffix_removed(title: &str) -> String {
    for separator in [" | ", " - ", " – ", " — "] {
        if let Some((first, _)) = title.split_once(separator) {
            if !first.trim().is_empty() {
                return first.trim().to_owned();
            }
        }
    }
    title.trim().to_owned()
}

pub(crate) fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r##"<!doctype html><html><head>
        <title>Bin collection days | Anytown Council</title>
        <link rel="canonical" href="https://www.anytown.gov.uk/bins/collection-days">
        <script>var tracking = "secret";</script></head>
        <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header><nav><ul><li>Home</li><li>Council tax</li></ul></nav></header>
        <div class="breadcrumbs">Home › Bins</div>
        <main id="main">
          <h1>Bin collection days</h1>
          <p>Bins are collected <strong>once a fortnight</strong>.</p>
          <h2>Missed bins</h2>
          <p>Report a missed bin within two working days.</p>
          <ul><li>Leave the bin out</li><li>Tell us online</li></ul>
          <form><label>Postcode <input name="pc"></label><button>Find</button></form>
          <h3>Garden waste</h3><p>Brown bins are collected March to November.</p>
        </main>
        <footer>Copyright Anytown Council</footer>
        </body></html>"##;

    #[test]
    fn keeps_the_main_content_under_its_headings() {
        let page = extract(PAGE);
        assert_eq!(
            page.canonical.as_deref(),
            Some("https://www.anytown.gov.uk/bins/collection-days")
        );
        assert_eq!(page.title, "Bin collection days");
        assert_eq!(
            page.sections,
            vec![
                (vec![], "Bins are collected once a fortnight.".to_owned()),
                (
                    vec!["Missed bins".to_owned()],
                    "Report a missed bin within two working days.\n• Leave the bin out\n• Tell us online"
                        .to_owned()
                ),
                (
                    vec!["Missed bins".to_owned(), "Garden waste".to_owned()],
                    "Brown bins are collected March to November.".to_owned()
                ),
            ]
        );
        let all = format!("{page:?}");
        for furniture in [
            "Skip to content",
            "Council tax",
            "Copyright",
            "tracking",
            "Postcode",
            "Home ›",
        ] {
            assert!(!all.contains(furniture), "{furniture} leaked into {all}");
        }
    }

    #[test]
    fn without_main_or_h1_the_body_and_title_serve() {
        let page = extract(
            "<html><head><title>Libraries – Anytown</title></head><body><nav>menu</nav><p>Open daily.</p></body></html>",
        );
        assert_eq!(page.title, "Libraries");
        assert_eq!(page.canonical, None);
        assert_eq!(page.sections, vec![(vec![], "Open daily.".to_owned())]);
    }

    /// A page whose content sits at every level of a layout nested
    /// `depth` deep.
    fn nested_page(depth: usize) -> String {
        let mut html = String::from(
            "<!doctype html><html><head><title>Deep layout | Anytown Council</title></head>\
             <body><header><nav><a href=\"/\">Home</a></nav></header><main>",
        );
        let tag = |level: usize| if level % 2 == 0 { "div" } else { "section" };
        for level in 0..depth {
            html.push_str(&format!("<{} class=\"wrap-{level}\">", tag(level)));
            match level {
                0 => html.push_str("<h1>Deep layout</h1><p>Intro.</p>"),
                10 => html
                    .push_str("<h2>Fees</h2><p>Ten pounds.</p><ul><li>Cash</li><li>Card</li></ul>"),
                20 => html.push_str("<p>Nested <b>bold</b> text.</p>"),
                30 => html.push_str("<h3>Refunds</h3><p>Within 14 days.</p>"),
                _ => {}
            }
        }
        html.push_str("<span>Deepest </span><em>words</em>");
        for level in (0..depth).rev() {
            html.push_str(&format!("</{}>", tag(level)));
            if level == 25 {
                html.push_str("<p>Back out.</p>");
            }
        }
        html.push_str(
            "<h2>Contact</h2><p>Call us.</p></main><footer>Copyright</footer></body></html>",
        );
        html
    }

    #[test]
    fn a_page_nested_forty_deep_reads_in_full() {
        let page = extract(&nested_page(40));
        assert_eq!(page.title, "Deep layout");
        assert_eq!(page.cut, None);
        let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            page.sections,
            vec![
                (vec![], "Intro.".to_owned()),
                (
                    owned(&["Fees"]),
                    "Ten pounds.\n• Cash\n• Card\nNested bold text.".to_owned()
                ),
                (
                    owned(&["Fees", "Refunds"]),
                    "Within 14 days.\nDeepest words\nBack out.".to_owned()
                ),
                (owned(&["Contact"]), "Call us.".to_owned()),
            ]
        );
    }

    /// The walk as it once was, recursive, to compare with.
    fn walk_recursively(element: ElementRef<'_>, out: &mut SectionBuilder) {
        for child in element.children() {
            match child.value() {
                Node::Text(text) => out.push_text(text),
                Node::Element(el) => {
                    let Some(child) = ElementRef::wrap(child) else {
                        continue;
                    };
                    let name = el.name();
                    if SKIPPED.contains(&name) || is_hidden_furniture(&child) {
                        continue;
                    }
                    if let Some(level) = heading_level(name) {
                        out.heading(level, &collapse(&child.text().collect::<String>()));
                        continue;
                    }
                    let block = BLOCKS.contains(&name);
                    if block {
                        out.end_paragraph();
                    }
                    if name == "li" {
                        out.push_text("• ");
                    }
                    walk_recursively(child, out);
                    if block {
                        out.end_paragraph();
                    }
                }
                _ => {}
            }
        }
    }

    #[test]
    fn the_walk_reads_random_pages_as_the_recursive_one_did() {
        const PIECES: &[&str] = &[
            "<div>",
            "</div>",
            "<p>",
            "</p>",
            "<span>",
            "</span>",
            "<b>",
            "</b>",
            "<ul>",
            "</ul>",
            "<li>",
            "</li>",
            "<h1>",
            "</h1>",
            "<h2>",
            "</h2>",
            "<h3>",
            "</h3>",
            "<table>",
            "<tr>",
            "<td>",
            "</table>",
            "<nav>",
            "</nav>",
            "<br>",
            "<hr>",
            "<section>",
            "</section>",
            "<div class=cookie-banner>",
            "<p hidden>",
            "<script>x",
            "</script>",
            "Some words ",
            "more text ",
            "\n",
            "<pre>",
            "</pre>",
        ];
        let mut state = 11_u64;
        for _ in 0..300 {
            let mut html = String::from("<body>");
            for _ in 0..200 {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                html.push_str(PIECES[(state >> 33) as usize % PIECES.len()]);
            }
            let document = Html::parse_document(&html);
            let Some(body) = selector("body").and_then(|s| document.select(&s).next()) else {
                continue;
            };
            let mut now = SectionBuilder::default();
            let mut before = SectionBuilder::default();
            walk(body, &mut now);
            walk_recursively(body, &mut before);
            assert_eq!(
                now.first_top_heading(),
                before.first_top_heading(),
                "{html}"
            );
            assert_eq!(now.finish(), before.finish(), "{html}");
        }
    }

    #[test]
    fn very_deep_markup_is_cut_not_crashed() {
        let pages = [
            "<div>".repeat(5_000),
            "<div>".repeat(100_000),
            "<div><span><b>".repeat(100_000),
        ];
        // On a 2 MiB stack, as the test harness's threads and the server's
        // blocking threads have.
        let outcome = std::thread::Builder::new()
            .stack_size(2 * 1024 * 1024)
            .spawn(move || pages.iter().map(|p| extract(p)).collect::<Vec<_>>())
            .unwrap()
            .join()
            .unwrap();
        for page in outcome {
            assert!(page.sections.is_empty());
            assert_eq!(
                page.cut.map(|c| c.reason),
                Some(nesting::CutReason::TooDeep)
            );
        }
    }

    #[test]
    fn garbage_gives_an_empty_page_not_a_panic() {
        for input in [
            "",
            "<<<>>>",
            "<html><body><h1></h1></body>",
            "\u{0}\u{fffd}<p",
        ] {
            let page = extract(input);
            assert!(page.sections.iter().all(|(_, text)| !text.is_empty()));
        }
    }
}
