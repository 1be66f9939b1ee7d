//! Turns a stream of headings and text into passages: one per heading, each
//! carrying the headings above it, long ones split at paragraph boundaries.

/// Passages longer than this many characters are split.
pub const MAX_PASSAGE_CHARS: usize = 1_500;

#[derive(Debug, Default)]
pub(crate) struct SectionBuilder {
    title: Option<String>,
    headings: Vec<(usize, String)>,
    paragraphs: Vec<String>,
    buffer: String,
    sections: Vec<(Vec<String>, String)>,
}

impl SectionBuilder {
    pub fn push_text(&mut self, text: &str) {
        self.buffer.push_str(text);
    }

    pub fn end_paragraph(&mut self) {
        let paragraph = super::html::collapse(&self.buffer);
        self.buffer.clear();
        if !paragraph.is_empty() && paragraph != "•" {
            self.paragraphs.push(paragraph);
        }
    }

    /// A heading: the first level-one heading is the page's title; the rest
    /// open a section.
    pub fn heading(&mut self, level: usize, text: &str) {
        self.end_paragraph();
        self.flush();
        if text.is_empty() {
            return;
        }
        if level == 1 && self.title.is_none() && self.sections.is_empty() {
            self.title = Some(text.to_owned());
            return;
        }
        while self.headings.last().is_some_and(|(l, _)| *l >= level) {
            self.headings.pop();
        }
        self.headings.push((level, text.to_owned()));
    }

    pub fn first_top_heading(&self) -> Option<String> {
        self.title.clone()
    }

    fn flush(&mut self) {
        if self.paragraphs.is_empty() {
            return;
        }
        let headings: Vec<String> = self.headings.iter().map(|(_, h)| h.clone()).collect();
        for chunk in split_long(std::mem::take(&mut self.paragraphs)) {
            self.sections.push((headings.clone(), chunk));
        }
    }

    pub fn finish(mut self) -> Vec<(Vec<String>, String)> {
        self.end_paragraph();
        self.flush();
        self.sections
    }
}

/// Joins paragraphs into chunks of at most [`MAX_PASSAGE_CHARS`]; a single
/// paragraph longer than that is cut at word boundaries.
fn split_long(paragraphs: Vec<String>) -> Vec<String> {
    let mut chunks = Vec::new();
    let mut current = String::new();
    for paragraph in paragraphs {
        for piece in cut_at_words(&paragraph, MAX_PASSAGE_CHARS) {
            let needed = current.chars().count() + piece.chars().count() + 1;
            if !current.is_empty() && needed > MAX_PASSAGE_CHARS {
                chunks.push(std::mem::take(&mut current));
            }
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(&piece);
        }
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

fn cut_at_words(text: &str, limit: usize) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    let mut count = 0;
    for word in text.split(' ') {
        let len = word.chars().count();
        if count > 0 && count + 1 + len > limit {
            pieces.push(std::mem::take(&mut current));
            count = 0;
        }
        if count > 0 {
            current.push(' ');
            count += 1;
        }
        current.push_str(word);
        count += len;
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sections_split_at_paragraphs_and_words() {
        let mut builder = SectionBuilder::default();
        builder.heading(2, "Fees");
        for _ in 0..3 {
            builder.push_text(&"word ".repeat(200));
            builder.end_paragraph();
        }
        builder.push_text(&"long ".repeat(700));
        let sections = builder.finish();
        assert!(sections.len() >= 3);
        for (headings, text) in &sections {
            assert_eq!(headings, &vec!["Fees".to_owned()]);
            assert!(text.chars().count() <= MAX_PASSAGE_CHARS, "{}", text.len());
        }
        let words: usize = sections
            .iter()
            .map(|(_, t)| t.split_whitespace().count())
            .sum();
        assert_eq!(words, 1_300, "no word lost");
    }

    #[test]
    fn deeper_headings_nest_and_siblings_replace() {
        let mut b = SectionBuilder::default();
        b.heading(1, "Title");
        b.heading(2, "A");
        b.heading(3, "A1");
        b.push_text("x");
        b.heading(2, "B");
        b.push_text("y");
        assert_eq!(b.first_top_heading().as_deref(), Some("Title"));
        assert_eq!(
            b.finish(),
            vec![
                (vec!["A".to_owned(), "A1".to_owned()], "x".to_owned()),
                (vec!["B".to_owned()], "y".to_owned())
            ]
        );
    }
}
