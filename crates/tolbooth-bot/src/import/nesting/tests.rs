use super::*;

/// The depth of the tree the parser builds, counted without recursion.
fn parsed_depth(html: &str) -> usize {
    let document = scraper::Html::parse_document(html);
    let mut deepest = 0;
    let mut pending = vec![(document.tree.root(), 0)];
    while let Some((node, depth)) = pending.pop() {
        deepest = deepest.max(depth);
        pending.extend(node.children().map(|child| (child, depth + 1)));
    }
    deepest
}

/// A small deterministic generator (a linear congruential one).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn ordinary_sloppy_pages_are_not_cut() {
    let pieces: &[&str] = &[
        "<p>An unclosed paragraph",
        "<ul><li>one<li>two</ul>",
        "<li>an item outside a list",
        "<dl><dt>term<dd>definition</dl>",
        "<table><tr><td>a<td>b<tr><td><font face=Arial>c</table>",
        "<select><option>one<option>two<optgroup><option>three</select>",
        "<option>stray",
        "<br><img src=x.png><input name=q><hr><meta charset=utf-8><link rel=x><wbr>",
        "<!-- <div><div> --><!----><!-->",
        "<script>if (a<b && c>d) { document.write('<div><div>'); }</script>",
        "<style>div > p { color: red }</style><noscript><div></noscript>",
        "<textarea><div></textarea><title><div></title><xmp><div></xmp>",
        "<p><b>bold that never closes</p>",
        "<div><font face=Arial>text</div>",
        "<b><p>misnested</b></p>",
        "<font face=Arial><p>misnested</font></p>",
        "<a href=/one>one<a href=/two>two",
        "<p><span>an unclosed span<p>next",
        "<h2>Heading<h3>Unclosed",
        "<svg viewBox=\"0 0 1 1\"><path d=\"M0 0\"/><g><rect/></g><circle r=1 /></svg>",
        "<math><mi>x</mi><mo>=</mo><mn>1</mn></math>",
        "<!doctype html><![CDATA[ x ]]><?php echo 1 ?>",
        "<tr><td>a table cell outside a table",
        "<div title=\"a > b\" data-x='</div>'>quoted</div>",
        "<center><font size=2>legacy</center>",
        "<form><p>fields</form>",
        "<object><embed src=x></object>",
        "<ruby>kanji<rt>reading<rp>(</rp></ruby>",
        "</span></b></div></table></td>",
    ];
    for piece in pieces {
        let page = format!(
            "<html><body><main>{}</main></body></html>",
            piece.repeat(3_000)
        );
        assert_eq!(cut_point(&page), None, "{piece}");
    }
    // One big table of sloppy cells, and a long list of links.
    let mut table = String::from("<table>");
    let mut list = String::from("<ul>");
    for i in 0..5_000 {
        table.push_str(&format!("<tr><td><b>{i}<td><a href=/{i}>x"));
        list.push_str(&format!("<li><a href=\"/page/{i}\">page {i}</li>"));
    }
    assert_eq!(cut_point(&table), None);
    assert_eq!(cut_point(&list), None);
}

#[test]
fn deep_nesting_is_cut_where_it_passes_the_limit() {
    let divs = "<div>".repeat(5_000);
    assert_eq!(
        cut_point(&divs),
        Some(Cut {
            offset: MAX_DEPTH * "<div>".len(),
            reason: CutReason::TooDeep
        })
    );
    let mixed = "<div><span><b>".repeat(100_000);
    let cut = cut_point(&mixed).unwrap();
    assert_eq!(cut.reason, CutReason::TooDeep);
    assert!(cut.offset < 2 * MAX_DEPTH * "<div><span><b>".len() / 3);
    assert!(parsed_depth(before(&mixed, Some(cut))) <= MAX_DEPTH + 4);
}

#[test]
fn nesting_the_parser_keeps_despite_end_tags_is_cut() {
    let cases = [
        // An end tag does not close past a special element...
        "<span><div></span>".to_owned(),
        // ...nor a list item past a definition.
        "<li><dd>".to_owned(),
        "<rt>".to_owned(),
        "<option><span>".to_owned(),
        "<table><td><table><td>".to_owned(),
        "<svg><g>".to_owned(),
        "<svg><foreignObject><div>".to_owned(),
        // Raw text only where the parser reads it so.
        "<svg><style><g>".to_owned(),
        "<template><col><style><div>".to_owned(),
        // `<!-->` is a whole comment.
        "<!--><div>".to_owned(),
        "<p title=\"</div>\"><div>".to_owned(),
        "<b><div></b>".to_owned(),
        "<form><div></form>".to_owned(),
        "<a><div><a><div>".to_owned(),
        "<frameset>".to_owned(),
    ];
    for case in &cases {
        let page = case.repeat(20_000);
        let cut = cut_point(&page);
        assert_eq!(cut.map(|c| c.reason), Some(CutReason::TooDeep), "{case}");
        let kept = before(&page, cut);
        assert!(parsed_depth(kept) <= 3 * MAX_DEPTH, "{case}");
    }
    // Formatting elements closed by a block and re-opened by its text.
    let reopened: String = (0..5_000)
        .map(|i| format!("<div><b id={i}>x</div>"))
        .collect();
    let cut = cut_point(&reopened);
    assert_eq!(cut.map(|c| c.reason), Some(CutReason::TooDeep));
    assert!(parsed_depth(before(&reopened, cut)) <= 2 * MAX_DEPTH);
}

#[test]
fn re_opening_formatting_without_end_is_cut() {
    // Two hundred open formatting elements, closed and re-opened by every
    // block: each `x` makes the parser build all of them again.
    let mut page = String::from("<div>");
    for i in 0..200 {
        page.push_str(&format!("<b id={i}>"));
    }
    page.push_str(&"</div><div>x".repeat(5_000));
    let cut = cut_point(&page).unwrap();
    assert_eq!(cut.reason, CutReason::TooMuchReopening);
    let kept = before(&page, Some(cut));
    let nodes = scraper::Html::parse_document(kept).tree.nodes().count();
    assert!(nodes < MAX_REOPENED + kept.len(), "{nodes}");
}

#[test]
fn an_element_with_too_many_attributes_is_cut() {
    let mut page = String::from("<p>Before.</p><div");
    let offset = "<p>Before.</p>".len();
    for i in 0..=MAX_ATTRIBUTES {
        page.push_str(&format!(" a{i}=\"{i}\""));
    }
    page.push_str(">After.</div>");
    assert_eq!(
        cut_point(&page),
        Some(Cut {
            offset,
            reason: CutReason::TooManyAttributes
        })
    );
    let fine = page.replacen(" a0=\"0\"", "", 1);
    assert_eq!(cut_point(&fine), None);
}

#[test]
fn the_cut_keeps_whole_characters() {
    let page = format!("<p>Caf\u{e9} \u{1f600}</p>{}", "<div>".repeat(1_000));
    let cut = cut_point(&page);
    let kept = before(&page, cut);
    assert!(kept.starts_with("<p>Caf\u{e9} \u{1f600}</p>"));
    // A cut in the middle of a character keeps the whole characters before it.
    let odd = Cut {
        offset: "<p>Caf".len() + 1,
        reason: CutReason::TooDeep,
    };
    assert_eq!(before(&page, Some(odd)), "<p>Caf");
    assert_eq!(before(&page, None), page);
}

/// Random tag soup: the scan's depth never falls far below the depth of the
/// tree the parser builds, and the part before a cut parses shallow.
#[test]
fn the_scan_keeps_up_with_the_parser_on_tag_soup() {
    const NAMES: &[&str] = &[
        "div",
        "span",
        "p",
        "b",
        "i",
        "a",
        "font",
        "nobr",
        "em",
        "li",
        "ul",
        "ol",
        "dl",
        "dd",
        "dt",
        "table",
        "tbody",
        "tr",
        "td",
        "th",
        "caption",
        "colgroup",
        "col",
        "select",
        "option",
        "optgroup",
        "svg",
        "g",
        "foreignObject",
        "desc",
        "math",
        "mi",
        "mtext",
        "annotation-xml",
        "template",
        "form",
        "button",
        "object",
        "h2",
        "h3",
        "pre",
        "ruby",
        "rt",
        "rp",
        "br",
        "img",
        "input",
        "hr",
        "style",
        "script",
        "textarea",
        "title",
        "noscript",
        "xmp",
        "iframe",
        "section",
        "x-widget",
        "frameset",
        "body",
        "html",
        "head",
        "plaintext",
        "marquee",
        "applet",
        "center",
        "blockquote",
        "main",
    ];
    let mut rng = Lcg(20_240_601);
    let mut worst = (0usize, 0usize, String::new());
    for _ in 0..400 {
        let mut page = String::new();
        for _ in 0..rng.below(600) + 50 {
            let name = NAMES[rng.below(NAMES.len())];
            match rng.below(10) {
                0..=4 => {
                    page.push('<');
                    page.push_str(name);
                    match rng.below(6) {
                        0 => page.push_str(&format!(" id={}", rng.below(4))),
                        1 => page.push_str(" color=red"),
                        2 => page.push('/'),
                        _ => {}
                    }
                    page.push('>');
                }
                5..=7 => {
                    page.push_str("</");
                    page.push_str(name);
                    page.push('>');
                }
                8 => page.push_str(["x", " ", "<!---->", "<!-->", "a<b"][rng.below(5)]),
                _ => page.push_str("text"),
            }
        }
        let scanned = measure(&page).depth;
        let parsed = parsed_depth(&page);
        if parsed > scanned && parsed - scanned > worst.0 {
            worst = (parsed - scanned, scanned, page.clone());
        }
        assert!(
            parsed <= 2 * scanned + 8,
            "parsed {parsed}, scanned {scanned}: {page}"
        );
    }
    println!(
        "largest excess of parsed over scanned depth: {} (scanned {})",
        worst.0, worst.1
    );
}
