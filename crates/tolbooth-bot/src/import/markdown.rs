//! Markdown pages and FAQ files: an optional front matter block
//! (`title:`, `url:`, `area:` between `---` lines), the first `#` heading as
//! the title, and a passage under each further heading — in an FAQ file,
//! each `##` question with its answer.

use super::sections::SectionBuilder;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrontMatter {
    pub title: Option<String>,
    pub url: Option<String>,
    pub area: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkdownPage {
    pub front: FrontMatter,
    pub title: String,
    pub sections: Vec<(Vec<String>, String)>,
}

pub fn extract(source: &str) -> MarkdownPage {
    let (front, body) = front_matter(source);
    let mut builder = SectionBuilder::default();
    let mut heading: Option<(usize, String)> = None;
    for event in Parser::new(body) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => {
                builder.end_paragraph();
                heading = Some((level_number(level), String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, text)) = heading.take() {
                    builder.heading(level, &super::html::collapse(&text));
                }
            }
            Event::Text(text) | Event::Code(text) => match heading.as_mut() {
                Some((_, h)) => h.push_str(&text),
                None => builder.push_text(&text),
            },
            Event::SoftBreak | Event::HardBreak => match heading.as_mut() {
                Some((_, h)) => h.push(' '),
                None => builder.push_text(" "),
            },
            Event::Start(Tag::Item) => {
                builder.end_paragraph();
                builder.push_text("• ");
            }
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow) => {
                builder.end_paragraph()
            }
            Event::End(TagEnd::TableCell) => builder.push_text(" "),
            _ => {}
        }
    }
    let title = front
        .title
        .clone()
        .or_else(|| builder.first_top_heading())
        .unwrap_or_default();
    MarkdownPage {
        front,
        title,
        sections: builder.finish(),
    }
}

fn level_number(level: HeadingLevel) -> usize {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Splits `---\nkey: value\n---\n` off the top. Unknown keys are ignored.
fn front_matter(source: &str) -> (FrontMatter, &str) {
    let source = source.strip_prefix('\u{feff}').unwrap_or(source);
    let Some(rest) = source
        .strip_prefix("---\n")
        .or_else(|| source.strip_prefix("---\r\n"))
    else {
        return (FrontMatter::default(), source);
    };
    let mut front = FrontMatter::default();
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        offset += line.len();
        let line = line.trim();
        if line == "---" {
            return (front, &rest[offset..]);
        }
        if let Some((key, value)) = line.split_once(':') {
            let value = value.trim().trim_matches('"').trim().to_owned();
            if value.is_empty() {
                continue;
            }
            match key.trim() {
                "title" => front.title = Some(value),
                "url" => front.url = Some(value),
                "area" => front.area = Some(value),
                _ => {}
            }
        }
    }
    // No closing line: not front matter after all.
    (FrontMatter::default(), source)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_faq_file_gives_a_passage_per_question() {
        let page = extract(
            "---\ntitle: Council tax questions\nurl: https://www.anytown.gov.uk/council-tax/faq\narea: Council tax\n---\n\
             # Council tax FAQ\n\n## How do I pay?\n\nBy **direct debit**, online or by phone.\n\n\
             ## Can I get a discount?\n\n- Single person discount: 25%\n- Students: exempt\n",
        );
        assert_eq!(page.title, "Council tax questions");
        assert_eq!(
            page.front.url.as_deref(),
            Some("https://www.anytown.gov.uk/council-tax/faq")
        );
        assert_eq!(page.front.area.as_deref(), Some("Council tax"));
        assert_eq!(
            page.sections,
            vec![
                (
                    vec!["How do I pay?".to_owned()],
                    "By direct debit, online or by phone.".to_owned()
                ),
                (
                    vec!["Can I get a discount?".to_owned()],
                    "• Single person discount: 25%\n• Students: exempt".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn without_front_matter_the_heading_is_the_title() {
        let page = extract("# Libraries\n\nOpen every day.\n\n---\n\nnot front matter: x\n");
        assert_eq!(page.title, "Libraries");
        assert_eq!(page.front, FrontMatter::default());
        assert!(page.sections[0].1.starts_with("Open every day.\n"));
    }
}
