//! Main-content extraction from an HTML page: the canonical URL, the title,
//! and the text under each heading, with navigation, headers, footers,
//! scripts and forms left out.

use super::sections::SectionBuilder;
use scraper::{ElementRef, Html, Node, Selector};

/// What one HTML page holds for the knowledge base.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractedPage {
    pub canonical: Option<String>,
    pub title: String,
    pub sections: Vec<(Vec<String>, String)>,
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
    let document = Html::parse_document(html);
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
    }
}

fn walk(element: ElementRef<'_>, out: &mut SectionBuilder) {
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
                walk(child, out);
                if block {
                    out.end_paragraph();
                }
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
