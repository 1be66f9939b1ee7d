//! A linear pre-scan of a page's markup that says where to cut it before the
//! HTML parser sees it.
//!
//! The parser keeps a stack of open elements and a list of "active
//! formatting elements" (`<b>`, `<font>`, `<a>`…), and on most tags it
//! searches them from the top. Markup nested thousands deep therefore costs
//! time that grows with the square of its length (a 3 MB page of nested
//! tags takes minutes), and misnested formatting tags, which the parser
//! re-opens at every run of text, can make it build a tree hundreds of times
//! larger than the page. A single element with tens of thousands of
//! attributes is quadratic too, since each new attribute is checked against
//! the earlier ones.
//!
//! [`cut_point`] follows the parser's tree-building rules closely enough to
//! know how deep that stack gets: it skips comments, doctypes and the
//! contents of `<script>`, `<style>`, `<textarea>` and the like; knows the
//! void elements (`<br>`, `<img>`…) and what implicitly closes a `<p>`,
//! `<li>`, `<dd>`, `<option>` or a table cell, so that ordinary sloppy pages
//! are not over-counted; and follows formatting elements and `<svg>` and
//! `<math>` content. Where it has to guess, it guesses high. It returns the
//! first place where the depth would pass [`MAX_DEPTH`] (or another limit
//! below), and the page is parsed only up to there. The scan itself is
//! linear: none of its searches goes further than the bounded stack.

mod elements;
mod end_tags;
mod stack;
mod start_tags;
mod tag;

use stack::{Entry, Ns, Open, TemplateState};
use std::fmt;
use tag::{after_gt, comment_end, find_byte, find_seq, is_blank, read_tag, Tag};

/// The deepest the parser's stack of open elements may get, counting the
/// formatting elements it would re-open and its table-cell markers. Real
/// pages stay far below (templated sites rarely pass 40, and browsers
/// already flatten trees a few hundred levels deep); the bound keeps the
/// parser's work per tag, and the depth of the tree, small.
pub const MAX_DEPTH: usize = 256;

/// The most attributes one tag may have. Real elements have a handful;
/// the parser's check for repeated attributes makes thousands slow.
pub const MAX_ATTRIBUTES: usize = 256;

/// The most formatting elements the parser may re-create for misnested
/// formatting tags (`<div><b>text</div>more text` re-opens the `<b>`). A
/// sloppy page needs a few per paragraph; far more means markup built to
/// make the tree explode.
pub const MAX_REOPENED: usize = 100_000;

/// Why a page's markup was cut short.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CutReason {
    TooDeep,
    TooManyAttributes,
    TooMuchReopening,
}

impl fmt::Display for CutReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CutReason::TooDeep => write!(f, "elements nested more than {MAX_DEPTH} deep"),
            CutReason::TooManyAttributes => {
                write!(f, "an element with more than {MAX_ATTRIBUTES} attributes")
            }
            CutReason::TooMuchReopening => write!(
                f,
                "misnested formatting tags that would be re-opened more than {MAX_REOPENED} times"
            ),
        }
    }
}

/// Where the markup is cut: `offset` is a byte offset at a character
/// boundary (always the start of a tag or of a run of text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cut {
    pub offset: usize,
    pub reason: CutReason,
}

/// The first place where `html` must be cut, if any.
pub fn cut_point(html: &str) -> Option<Cut> {
    Scan::new(html, Limits::STANDARD).run().err()
}

/// The part of `html` before `cut` (or all of it).
pub fn before(html: &str, cut: Option<Cut>) -> &str {
    let Some(cut) = cut else {
        return html;
    };
    let mut at = cut.offset.min(html.len());
    while !html.is_char_boundary(at) {
        at -= 1;
    }
    &html[..at]
}

#[derive(Debug, Clone, Copy)]
struct Limits {
    depth: usize,
    attributes: usize,
    reopened: usize,
}

impl Limits {
    const STANDARD: Limits = Limits {
        depth: MAX_DEPTH,
        attributes: MAX_ATTRIBUTES,
        reopened: MAX_REOPENED,
    };
}

/// What a scan without limits saw: for comparing the model with the parser.
#[cfg(test)]
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Measure {
    pub depth: usize,
}

#[cfg(test)]
pub(crate) fn measure(html: &str) -> Measure {
    let unlimited = Limits {
        depth: usize::MAX,
        attributes: usize::MAX,
        reopened: usize::MAX,
    };
    let mut scan = Scan::new(html, unlimited);
    let _ = scan.run();
    Measure {
        depth: scan.deepest,
    }
}

struct Scan<'a> {
    html: &'a str,
    limits: Limits,
    stack: Vec<Open<'a>>,
    list: Vec<Entry<'a>>,
    next_id: u64,
    /// Entries in `list` that are closed, waiting to be re-opened.
    closed: usize,
    markers: usize,
    /// Open templates.
    templates: usize,
    /// The form being filled, which a nested `<form>` does not replace
    /// (it stays set after the form is closed by other means).
    form: Option<u64>,
    /// The body has begun (outside templates)...
    in_body: bool,
    /// ...and a `<frameset>` could still replace it.
    frameset_ok: bool,
    /// The document is a frameset.
    in_frameset: bool,
    /// Set once the rest of the input can no longer open anything.
    done: bool,
    reopened: usize,
    /// Where the token being read starts (where a cut would go).
    at: usize,
    deepest: usize,
}

impl<'a> Scan<'a> {
    fn new(html: &'a str, limits: Limits) -> Self {
        Scan {
            html,
            limits,
            stack: Vec::new(),
            list: Vec::new(),
            next_id: 0,
            closed: 0,
            markers: 0,
            templates: 0,
            form: None,
            in_body: false,
            frameset_ok: true,
            in_frameset: false,
            done: false,
            reopened: 0,
            at: 0,
            deepest: 0,
        }
    }

    fn cut(&self, reason: CutReason) -> Cut {
        Cut {
            offset: self.at,
            reason,
        }
    }

    fn depth(&self) -> usize {
        self.stack.len() + self.closed + self.markers
    }

    fn check_depth(&mut self) -> Result<(), Cut> {
        let depth = self.depth();
        self.deepest = self.deepest.max(depth);
        if depth > self.limits.depth {
            return Err(self.cut(CutReason::TooDeep));
        }
        Ok(())
    }

    fn run(&mut self) -> Result<(), Cut> {
        let b = self.html.as_bytes();
        let mut i = 0;
        while i < b.len() && !self.done {
            let Some(lt) = find_byte(b, i, b'<') else {
                self.at = i;
                return self.text(is_blank(&b[i..]));
            };
            if lt > i {
                self.at = i;
                self.text(is_blank(&b[i..lt]))?;
            }
            self.at = lt;
            i = self.markup(lt)?;
        }
        Ok(())
    }

    /// Reads what starts with the `<` at `lt`; gives where to go on.
    fn markup(&mut self, lt: usize) -> Result<usize, Cut> {
        let b = self.html.as_bytes();
        let end = b.len();
        match b.get(lt + 1) {
            Some(b'!') => {
                if b.get(lt + 2..lt + 4) == Some(&b"--"[..]) {
                    Ok(comment_end(b, lt + 4))
                } else if b.get(lt + 2..lt + 9) == Some(&b"[CDATA["[..])
                    && self.stack.last().is_some_and(|o| o.ns != Ns::Html)
                {
                    // Text, in SVG and MathML.
                    Ok(find_seq(b, lt + 9, b"]]>").map_or(end, |i| i + 3))
                } else {
                    // A doctype or a bogus comment (CDATA in HTML).
                    Ok(after_gt(b, lt + 2))
                }
            }
            Some(b'?') => Ok(after_gt(b, lt + 2)),
            Some(b'/') => match b.get(lt + 2) {
                Some(c) if c.is_ascii_alphabetic() => {
                    let Some(tag) = read_tag(self.html, lt + 2) else {
                        return Ok(end);
                    };
                    self.check_attributes(&tag)?;
                    self.end_tag(&tag);
                    Ok(tag.end)
                }
                Some(b'>') => Ok(lt + 3),
                Some(_) => Ok(after_gt(b, lt + 2)),
                None => {
                    self.text(false)?;
                    Ok(end)
                }
            },
            Some(c) if c.is_ascii_alphabetic() => {
                let Some(tag) = read_tag(self.html, lt + 1) else {
                    return Ok(end);
                };
                self.check_attributes(&tag)?;
                self.start_tag(&tag)
            }
            _ => {
                self.text(false)?;
                Ok(lt + 1)
            }
        }
    }

    fn check_attributes(&self, tag: &Tag<'_>) -> Result<(), Cut> {
        if tag.attr_count > self.limits.attributes {
            return Err(self.cut(CutReason::TooManyAttributes));
        }
        Ok(())
    }

    /// A run of text (`blank` when only white space).
    fn text(&mut self, blank: bool) -> Result<(), Cut> {
        if self.in_frameset {
            return Ok(());
        }
        if !blank {
            self.frameset_ok = false;
            self.in_body |= self.templates == 0;
        }
        if self.closed > 0
            && self.stack.last().is_none_or(|top| {
                top.takes_html_start(b"") && top.template != TemplateState::Columns
            })
        {
            self.reconstruct()?;
        }
        Ok(())
    }
}

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "a table of markup cases reads best as one list"
)]
mod tests;
