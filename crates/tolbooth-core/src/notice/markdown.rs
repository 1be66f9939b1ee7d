//! The notice as Markdown: written when a version is adopted, and read back
//! by the pages, which render the archived text through their templates.

use super::{section, Block, Notice, Section};
use std::fmt::Write;

impl Notice {
    pub fn to_markdown(&self) -> String {
        let mut out = format!("# {}\n", self.title);
        for s in &self.sections {
            let _ = write!(out, "\n## {}\n", s.heading);
            for b in &s.blocks {
                out.push('\n');
                match b {
                    Block::Paragraph(t) => {
                        let _ = writeln!(out, "{t}");
                    }
                    Block::List(items) => {
                        for i in items {
                            let _ = writeln!(out, "- {i}");
                        }
                    }
                }
            }
        }
        out
    }

    /// Reads back a notice written by [`Notice::to_markdown`]: the archived
    /// Markdown of an adopted version is the one stored form of its notice,
    /// and the pages render from it.
    pub fn from_markdown(text: &str) -> Notice {
        let mut title = String::new();
        let mut sections: Vec<Section> = Vec::new();
        for chunk in text.split("\n\n") {
            let chunk = chunk.trim_matches('\n');
            if chunk.is_empty() {
                continue;
            }
            let (heading, body) = match chunk.split_once('\n') {
                Some((first, rest)) => (first, rest),
                None => (chunk, ""),
            };
            if let Some(t) = heading.strip_prefix("# ") {
                title = t.to_owned();
                continue;
            }
            if let Some(h) = heading.strip_prefix("## ") {
                sections.push(section(h, Vec::new()));
                if body.is_empty() {
                    continue;
                }
                let block = read_block(body);
                if let Some(s) = sections.last_mut() {
                    s.blocks.push(block);
                }
                continue;
            }
            let block = read_block(chunk);
            match sections.last_mut() {
                Some(s) => s.blocks.push(block),
                None => sections.push(section("", vec![block])),
            }
        }
        Notice { title, sections }
    }
}

/// One block of the Markdown: a list when its first line is an item.
fn read_block(text: &str) -> Block {
    if !text.starts_with("- ") {
        return Block::Paragraph(text.to_owned());
    }
    let mut items: Vec<String> = Vec::new();
    for line in text.split('\n') {
        match (line.strip_prefix("- "), items.last_mut()) {
            (Some(item), _) => items.push(item.to_owned()),
            (None, Some(last)) => {
                last.push('\n');
                last.push_str(line);
            }
            (None, None) => items.push(line.to_owned()),
        }
    }
    Block::List(items)
}
