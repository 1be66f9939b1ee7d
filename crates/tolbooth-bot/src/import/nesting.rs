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

use std::fmt;
use std::hash::{Hash, Hasher};

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

// --- Tokens ---------------------------------------------------------------

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// A start or end tag as the parser's tokenizer reads it.
struct Tag<'a> {
    end: usize,
    name: &'a str,
    lower: Lower,
    /// Everything between the name and the closing `>`.
    attrs: &'a str,
    attr_count: usize,
    self_closing: bool,
    /// A `color`, `face` or `size` attribute: a `<font>` with one leaves
    /// SVG and MathML content.
    font_breakout: bool,
    /// `encoding="text/html"` (or XHTML): a MathML `<annotation-xml>` with
    /// it holds HTML.
    html_encoding: bool,
    /// `type=hidden`, for an `<input>`.
    hidden: bool,
}

/// A tag name in ASCII lower case, if short enough to be one the rules
/// name (longer ones match none of them).
#[derive(Clone, Copy)]
struct Lower {
    buf: [u8; 16],
    len: usize,
}

impl Lower {
    fn of(name: &str) -> Lower {
        let mut lower = Lower {
            buf: [0; 16],
            len: 0,
        };
        if name.len() <= lower.buf.len() {
            for (slot, byte) in lower.buf.iter_mut().zip(name.bytes()) {
                *slot = byte.to_ascii_lowercase();
            }
            lower.len = name.len();
        }
        lower
    }

    fn get(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

enum AttrState {
    BeforeName,
    Name,
    AfterName,
    BeforeValue,
    Quoted(u8),
    Unquoted,
    AfterQuoted,
    SelfClosing,
}

/// What the attribute reader does after looking at a byte.
enum Step {
    /// On to the next byte.
    Next,
    /// The same byte again, in the new state.
    Again,
    /// The byte is the tag's closing `>`.
    End,
}

/// The tokenizer's reading of a tag's attributes, a byte at a time, and
/// what it has learnt of them so far.
struct Attrs {
    state: AttrState,
    count: usize,
    /// Where the attribute being read starts...
    name_start: usize,
    /// ...and its value.
    value_start: usize,
    /// Whether the attribute being read is `encoding` or `type`.
    encoding: bool,
    kind: bool,
    self_closing: bool,
    font_breakout: bool,
    html_encoding: bool,
    hidden: bool,
}

impl Attrs {
    fn new(at: usize) -> Self {
        Attrs {
            state: AttrState::BeforeName,
            count: 0,
            name_start: at,
            value_start: at,
            encoding: false,
            kind: false,
            self_closing: false,
            font_breakout: false,
            html_encoding: false,
            hidden: false,
        }
    }

    /// Reads the byte at `j` of `b`.
    fn step(&mut self, b: &[u8], j: usize) -> Step {
        let c = b[j];
        match self.state {
            AttrState::BeforeName => {
                if c == b'>' {
                    return Step::End;
                } else if c == b'/' {
                    self.state = AttrState::SelfClosing;
                } else if !is_space(c) {
                    self.start_name(j);
                }
            }
            AttrState::Name => {
                if is_space(c) || matches!(c, b'/' | b'>' | b'=') {
                    self.end_name(&b[self.name_start..j]);
                    match c {
                        b'>' => return Step::End,
                        b'/' => self.state = AttrState::SelfClosing,
                        b'=' => self.state = AttrState::BeforeValue,
                        _ => self.state = AttrState::AfterName,
                    }
                }
            }
            AttrState::AfterName => match c {
                b'>' => return Step::End,
                b'/' => self.state = AttrState::SelfClosing,
                b'=' => self.state = AttrState::BeforeValue,
                c if is_space(c) => {}
                _ => self.start_name(j),
            },
            AttrState::BeforeValue => match c {
                b'"' | b'\'' => {
                    self.state = AttrState::Quoted(c);
                    self.value_start = j + 1;
                }
                b'>' => return Step::End,
                c if is_space(c) => {}
                _ => {
                    self.state = AttrState::Unquoted;
                    self.value_start = j;
                }
            },
            AttrState::Quoted(quote) => {
                if c == quote {
                    self.end_value(&b[self.value_start..j]);
                    self.state = AttrState::AfterQuoted;
                }
            }
            AttrState::Unquoted => {
                if c == b'>' || is_space(c) {
                    self.end_value(&b[self.value_start..j]);
                    if c == b'>' {
                        return Step::End;
                    }
                    self.state = AttrState::BeforeName;
                }
            }
            AttrState::AfterQuoted => match c {
                b'>' => return Step::End,
                b'/' => self.state = AttrState::SelfClosing,
                c if is_space(c) => self.state = AttrState::BeforeName,
                _ => {
                    self.state = AttrState::BeforeName;
                    return Step::Again;
                }
            },
            AttrState::SelfClosing => {
                if c == b'>' {
                    self.self_closing = true;
                    return Step::End;
                }
                self.state = AttrState::BeforeName;
                return Step::Again;
            }
        }
        Step::Next
    }

    fn start_name(&mut self, at: usize) {
        self.count += 1;
        self.name_start = at;
        self.state = AttrState::Name;
    }

    fn end_name(&mut self, attr: &[u8]) {
        self.font_breakout |= [&b"color"[..], b"face", b"size"]
            .iter()
            .any(|n| attr.eq_ignore_ascii_case(n));
        self.encoding = attr.eq_ignore_ascii_case(b"encoding");
        self.kind = attr.eq_ignore_ascii_case(b"type");
    }

    fn end_value(&mut self, value: &[u8]) {
        self.html_encoding |= self.encoding && is_html_encoding(value);
        self.hidden |= self.kind && value.eq_ignore_ascii_case(b"hidden");
    }
}

/// Reads the tag whose name starts at `name_start`; `None` when the input
/// ends inside it (the tokenizer then drops it).
fn read_tag(html: &str, name_start: usize) -> Option<Tag<'_>> {
    let b = html.as_bytes();
    let mut j = name_start;
    while j < b.len() && !is_space(b[j]) && b[j] != b'/' && b[j] != b'>' {
        j += 1;
    }
    let name_end = j;
    let mut attrs = Attrs::new(j);
    loop {
        b.get(j)?;
        match attrs.step(b, j) {
            Step::Next => j += 1,
            Step::Again => {}
            Step::End => break,
        }
    }
    let name = html.get(name_start..name_end)?;
    Some(Tag {
        end: j + 1,
        name,
        lower: Lower::of(name),
        attrs: html.get(name_end..j)?,
        attr_count: attrs.count,
        self_closing: attrs.self_closing,
        font_breakout: attrs.font_breakout,
        html_encoding: attrs.html_encoding,
        hidden: attrs.hidden,
    })
}

fn is_html_encoding(value: &[u8]) -> bool {
    value.eq_ignore_ascii_case(b"text/html") || value.eq_ignore_ascii_case(b"application/xhtml+xml")
}

fn is_blank(text: &[u8]) -> bool {
    text.iter().all(|&c| is_space(c))
}

fn find_seq(b: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
    let first = *seq.first()?;
    let mut q = from;
    while let Some(i) = find_byte(b, q, first) {
        if b.get(i..i + seq.len()) == Some(seq) {
            return Some(i);
        }
        q = i + 1;
    }
    None
}

/// `</name` followed by white space, `/` or `>` at `lt`.
fn is_end_tag_of(b: &[u8], lt: usize, name: &[u8]) -> bool {
    is_tag_of(b, lt + 2, name) && b.get(lt + 1) == Some(&b'/')
}

/// `name` at `at`, followed by white space, `/` or `>`.
fn is_tag_of(b: &[u8], at: usize, name: &[u8]) -> bool {
    b.get(at..at + name.len())
        .is_some_and(|n| n.eq_ignore_ascii_case(name))
        && b.get(at + name.len())
            .is_some_and(|&c| is_space(c) || c == b'/' || c == b'>')
}

/// Where the `</script` that ends a script starts. Inside `<!--` a script
/// ends at `</script` too, except inside a nested `<script` up to its own
/// `</script`; `-->` leaves both.
fn script_end(b: &[u8], from: usize) -> Option<usize> {
    #[derive(PartialEq)]
    enum State {
        Data,
        Escaped,
        DoubleEscaped,
    }
    let mut state = State::Data;
    let mut dashes = 0;
    let mut i = from;
    while let Some(&c) = b.get(i) {
        match c {
            b'-' if state != State::Data => {
                dashes += 1;
                i += 1;
                continue;
            }
            b'>' if state != State::Data && dashes >= 2 => state = State::Data,
            b'<' => match state {
                State::Data => {
                    if is_end_tag_of(b, i, b"script") {
                        return Some(i);
                    }
                    if b.get(i + 1..i + 4) == Some(&b"!--"[..]) {
                        state = State::Escaped;
                        dashes = 2;
                        i += 4;
                        continue;
                    }
                }
                State::Escaped => {
                    if is_end_tag_of(b, i, b"script") {
                        return Some(i);
                    }
                    if is_tag_of(b, i + 1, b"script") {
                        state = State::DoubleEscaped;
                        i += 7;
                        dashes = 0;
                        continue;
                    }
                }
                State::DoubleEscaped => {
                    if is_end_tag_of(b, i, b"script") {
                        state = State::Escaped;
                        i += 8;
                        dashes = 0;
                        continue;
                    }
                }
            },
            _ => {}
        }
        dashes = 0;
        i += 1;
    }
    None
}

fn find_byte(b: &[u8], from: usize, byte: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == byte)
        .map(|i| from + i)
}

/// Just after the next `>` from `from`, or the end.
fn after_gt(b: &[u8], from: usize) -> usize {
    find_byte(b, from, b'>').map_or(b.len(), |i| i + 1)
}

/// Just after the comment whose text starts at `from` (after `<!--`).
fn comment_end(b: &[u8], from: usize) -> usize {
    // `<!-->` and `<!--->` are complete (empty) comments.
    if b.get(from) == Some(&b'>') {
        return from + 1;
    }
    if b.get(from..from + 2) == Some(&b"->"[..]) {
        return from + 2;
    }
    let mut q = from;
    while let Some(dash) = find_byte(b, q, b'-') {
        if b.get(dash + 1) == Some(&b'-') {
            match b.get(dash + 2) {
                Some(b'>') => return dash + 3,
                Some(b'!') if b.get(dash + 3) == Some(&b'>') => return dash + 4,
                _ => {}
            }
        }
        q = dash + 1;
    }
    b.len()
}

// --- Element categories (HTML names, lower case) ---------------------------

fn is_void(n: &[u8]) -> bool {
    matches!(
        n,
        b"area"
            | b"base"
            | b"basefont"
            | b"bgsound"
            | b"br"
            | b"col"
            | b"embed"
            | b"frame"
            | b"hr"
            | b"image"
            | b"img"
            | b"input"
            | b"keygen"
            | b"link"
            | b"meta"
            | b"param"
            | b"source"
            | b"track"
            | b"wbr"
    )
}

/// Elements whose contents are text up to their end tag.
fn is_raw_text(n: &[u8]) -> bool {
    matches!(
        n,
        b"script"
            | b"style"
            | b"title"
            | b"textarea"
            | b"xmp"
            | b"iframe"
            | b"noembed"
            | b"noframes"
            | b"noscript"
    )
}

fn is_formatting(n: &[u8]) -> bool {
    matches!(
        n,
        b"a" | b"b"
            | b"big"
            | b"code"
            | b"em"
            | b"font"
            | b"i"
            | b"nobr"
            | b"s"
            | b"small"
            | b"strike"
            | b"strong"
            | b"tt"
            | b"u"
    )
}

fn is_heading(n: &[u8]) -> bool {
    matches!(n, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6")
}

/// The parser's "special" elements, which stop the search for the element
/// an unrecognised end tag closes.
fn is_special(n: &[u8]) -> bool {
    is_heading(n)
        || matches!(
            n,
            b"address"
                | b"applet"
                | b"area"
                | b"article"
                | b"aside"
                | b"base"
                | b"basefont"
                | b"bgsound"
                | b"blockquote"
                | b"body"
                | b"br"
                | b"button"
                | b"caption"
                | b"center"
                | b"col"
                | b"colgroup"
                | b"dd"
                | b"details"
                | b"dir"
                | b"div"
                | b"dl"
                | b"dt"
                | b"embed"
                | b"fieldset"
                | b"figcaption"
                | b"figure"
                | b"footer"
                | b"form"
                | b"frame"
                | b"frameset"
                | b"head"
                | b"header"
                | b"hgroup"
                | b"hr"
                | b"html"
                | b"iframe"
                | b"img"
                | b"input"
                | b"isindex"
                | b"li"
                | b"link"
                | b"listing"
                | b"main"
                | b"marquee"
                | b"menu"
                | b"meta"
                | b"nav"
                | b"noembed"
                | b"noframes"
                | b"noscript"
                | b"object"
                | b"ol"
                | b"p"
                | b"param"
                | b"plaintext"
                | b"pre"
                | b"script"
                | b"section"
                | b"select"
                | b"source"
                | b"style"
                | b"summary"
                | b"table"
                | b"tbody"
                | b"td"
                | b"template"
                | b"textarea"
                | b"tfoot"
                | b"th"
                | b"thead"
                | b"title"
                | b"tr"
                | b"track"
                | b"ul"
                | b"wbr"
                | b"xmp"
        )
}

/// Start tags that first close an open `<p>`.
fn closes_p(n: &[u8]) -> bool {
    is_heading(n)
        || matches!(
            n,
            b"address"
                | b"article"
                | b"aside"
                | b"blockquote"
                | b"center"
                | b"details"
                | b"dialog"
                | b"dir"
                | b"div"
                | b"dl"
                | b"fieldset"
                | b"figcaption"
                | b"figure"
                | b"footer"
                | b"header"
                | b"hgroup"
                | b"main"
                | b"menu"
                | b"nav"
                | b"ol"
                | b"p"
                | b"search"
                | b"section"
                | b"summary"
                | b"ul"
                | b"pre"
                | b"listing"
                | b"plaintext"
        )
}

/// End tags that close everything up to their element when it is in scope.
fn is_block_end(n: &[u8]) -> bool {
    matches!(
        n,
        b"address"
            | b"article"
            | b"aside"
            | b"blockquote"
            | b"button"
            | b"center"
            | b"details"
            | b"dialog"
            | b"dir"
            | b"div"
            | b"dl"
            | b"fieldset"
            | b"figcaption"
            | b"figure"
            | b"footer"
            | b"header"
            | b"hgroup"
            | b"listing"
            | b"main"
            | b"menu"
            | b"nav"
            | b"ol"
            | b"pre"
            | b"search"
            | b"section"
            | b"select"
            | b"summary"
            | b"ul"
    )
}

/// Elements the parser closes on its own when something else needs it.
fn is_implied_end(n: &[u8]) -> bool {
    matches!(
        n,
        b"dd" | b"dt" | b"li" | b"option" | b"optgroup" | b"p" | b"rb" | b"rp" | b"rt" | b"rtc"
    )
}

/// `<svg>` and `<math>` elements that breaking-out HTML tags leave.
fn is_breakout(n: &[u8]) -> bool {
    is_heading(n)
        || matches!(
            n,
            b"b" | b"big"
                | b"blockquote"
                | b"body"
                | b"br"
                | b"center"
                | b"code"
                | b"dd"
                | b"div"
                | b"dl"
                | b"dt"
                | b"em"
                | b"embed"
                | b"head"
                | b"hr"
                | b"i"
                | b"img"
                | b"li"
                | b"listing"
                | b"menu"
                | b"meta"
                | b"nobr"
                | b"ol"
                | b"p"
                | b"pre"
                | b"ruby"
                | b"s"
                | b"small"
                | b"span"
                | b"strong"
                | b"strike"
                | b"sub"
                | b"sup"
                | b"table"
                | b"tt"
                | b"u"
                | b"ul"
                | b"var"
        )
}

// --- The model ---------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ns {
    Html,
    Svg,
    Math,
}

struct Open<'a> {
    /// Strictly increasing from the bottom of the stack to the top.
    id: u64,
    name: &'a str,
    lower: Lower,
    ns: Ns,
    /// In the list of active formatting elements.
    listed: bool,
    /// A MathML `<annotation-xml>` holding HTML.
    html_point: bool,
    /// For a `<template>`: what its contents have been so far.
    template: TemplateState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum TemplateState {
    /// Nothing but head elements yet.
    Fresh,
    /// Started with `<col>`: the parser then ignores all but `<col>` and
    /// templates.
    Columns,
    /// Started with a table's part: it holds rows and cells as a table
    /// would.
    Table,
    Other,
}

/// Start tags that go in the head, before any body.
fn is_head_content(n: &[u8]) -> bool {
    matches!(
        n,
        b"html"
            | b"head"
            | b"base"
            | b"basefont"
            | b"bgsound"
            | b"link"
            | b"meta"
            | b"noframes"
            | b"noscript"
            | b"script"
            | b"style"
            | b"template"
            | b"title"
    )
}

/// Start tags after which a `<frameset>` in the body is ignored.
fn rules_out_frameset(tag: &Tag<'_>) -> bool {
    let n = tag.lower.get();
    (n == b"input" && !tag.hidden)
        || matches!(
            n,
            b"body"
                | b"template"
                | b"pre"
                | b"listing"
                | b"li"
                | b"dd"
                | b"dt"
                | b"button"
                | b"applet"
                | b"marquee"
                | b"object"
                | b"table"
                | b"area"
                | b"br"
                | b"embed"
                | b"img"
                | b"image"
                | b"keygen"
                | b"wbr"
                | b"hr"
                | b"textarea"
                | b"xmp"
                | b"iframe"
                | b"select"
        )
}

impl Open<'_> {
    fn html(&self, n: &[u8]) -> bool {
        self.ns == Ns::Html && self.lower.get() == n
    }

    fn special(&self) -> bool {
        self.ns == Ns::Html && is_special(self.lower.get())
    }

    /// Where a search "in scope" stops.
    fn scope_boundary(&self) -> bool {
        let n = self.lower.get();
        match self.ns {
            Ns::Html => matches!(
                n,
                b"applet"
                    | b"caption"
                    | b"html"
                    | b"table"
                    | b"td"
                    | b"th"
                    | b"marquee"
                    | b"object"
                    | b"select"
                    | b"template"
            ),
            Ns::Svg => matches!(n, b"foreignobject" | b"desc" | b"title"),
            Ns::Math => matches!(n, b"mi" | b"mo" | b"mn" | b"ms" | b"mtext"),
        }
    }

    fn table_boundary(&self) -> bool {
        self.ns == Ns::Html && matches!(self.lower.get(), b"html" | b"table" | b"template")
    }

    /// Foreign content whose start tags follow the HTML rules.
    fn takes_html_start(&self, tag: &[u8]) -> bool {
        let n = self.lower.get();
        match self.ns {
            Ns::Html => true,
            Ns::Svg => matches!(n, b"foreignobject" | b"desc" | b"title"),
            Ns::Math => {
                (matches!(n, b"mi" | b"mo" | b"mn" | b"ms" | b"mtext")
                    && !matches!(tag, b"mglyph" | b"malignmark"))
                    || (n == b"annotation-xml" && (self.html_point || tag == b"svg"))
            }
        }
    }

    /// Where HTML tags that break out of foreign content stop.
    fn ends_breakout(&self) -> bool {
        let n = self.lower.get();
        match self.ns {
            Ns::Html => true,
            Ns::Svg => matches!(n, b"foreignobject" | b"desc" | b"title"),
            Ns::Math => matches!(n, b"mi" | b"mo" | b"mn" | b"ms" | b"mtext"),
        }
    }
}

enum Entry<'a> {
    Marker,
    Element {
        name: &'a str,
        /// The attributes' length and hash: equal keys mean equal
        /// attributes (the parser compares them regardless of order, so
        /// it may find more of them equal than this does).
        key: (usize, u64),
        /// The open element's id, or `None` once it has been closed
        /// without its end tag, to be re-opened.
        open: Option<u64>,
    },
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

    // --- Stack and list operations ---------------------------------------

    fn push(&mut self, name: &'a str, lower: Lower, ns: Ns) -> Result<u64, Cut> {
        let id = self.next_id;
        self.next_id += 1;
        if ns == Ns::Html && lower.get() == b"template" {
            self.templates += 1;
        }
        self.stack.push(Open {
            id,
            name,
            lower,
            ns,
            listed: false,
            html_point: false,
            template: TemplateState::Fresh,
        });
        self.check_depth()?;
        Ok(id)
    }

    fn push_tag(&mut self, tag: &Tag<'a>, ns: Ns) -> Result<u64, Cut> {
        self.push(tag.name, tag.lower, ns)
    }

    fn push_marker(&mut self) -> Result<(), Cut> {
        self.list.push(Entry::Marker);
        self.markers += 1;
        self.check_depth()
    }

    /// Closes the elements from `index` up: formatting ones among them
    /// stay in the list, to be re-opened.
    fn pop_to(&mut self, index: usize) {
        while self.stack.len() > index {
            let Some(open) = self.stack.pop() else {
                break;
            };
            if open.html(b"template") {
                self.templates -= 1;
            }
            if open.listed {
                if let Some(pos) = self.list_position(open.id) {
                    if let Entry::Element { open: state, .. } = &mut self.list[pos] {
                        *state = None;
                        self.closed += 1;
                    }
                }
            }
        }
    }

    /// Takes one element off the stack, and out of the list.
    fn remove_open(&mut self, index: usize) {
        if index >= self.stack.len() {
            return;
        }
        let open = self.stack.remove(index);
        if open.html(b"template") {
            self.templates -= 1;
        }
        if open.listed {
            if let Some(pos) = self.list_position(open.id) {
                self.list.remove(pos);
            }
        }
    }

    fn list_position(&self, id: u64) -> Option<usize> {
        self.list
            .iter()
            .rposition(|e| matches!(e, Entry::Element { open: Some(o), .. } if *o == id))
    }

    fn stack_position(&self, id: u64) -> Option<usize> {
        self.stack.binary_search_by_key(&id, |o| o.id).ok()
    }

    fn remove_entry(&mut self, pos: usize) {
        if pos >= self.list.len() {
            return;
        }
        match self.list.remove(pos) {
            Entry::Marker => self.markers -= 1,
            Entry::Element { open: None, .. } => self.closed -= 1,
            Entry::Element { open: Some(id), .. } => {
                if let Some(index) = self.stack_position(id) {
                    self.stack[index].listed = false;
                }
            }
        }
    }

    fn clear_to_marker(&mut self) {
        while let Some(last) = self.list.len().checked_sub(1) {
            let marker = matches!(self.list[last], Entry::Marker);
            self.remove_entry(last);
            if marker {
                break;
            }
        }
    }

    /// The last formatting entry named `name` since the last marker.
    fn formatting_entry(&self, name: &str) -> Option<usize> {
        for (pos, entry) in self.list.iter().enumerate().rev() {
            match entry {
                Entry::Marker => return None,
                Entry::Element { name: n, .. } if n.eq_ignore_ascii_case(name) => {
                    return Some(pos);
                }
                Entry::Element { .. } => {}
            }
        }
        None
    }

    /// Re-opens the formatting elements closed since the last marker or
    /// the last one still open.
    fn reconstruct(&mut self) -> Result<(), Cut> {
        let mut first = self.list.len();
        while first > 0 && matches!(self.list[first - 1], Entry::Element { open: None, .. }) {
            first -= 1;
        }
        for pos in first..self.list.len() {
            let Entry::Element { name, .. } = self.list[pos] else {
                continue;
            };
            let id = self.push(name, Lower::of(name), Ns::Html)?;
            if let Some(open) = self.stack.last_mut() {
                open.listed = true;
            }
            if let Entry::Element { open, .. } = &mut self.list[pos] {
                *open = Some(id);
            }
            self.closed -= 1;
            self.reopened += 1;
            if self.reopened > self.limits.reopened {
                return Err(self.cut(CutReason::TooMuchReopening));
            }
        }
        Ok(())
    }

    fn push_formatting(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        let attrs = tag
            .attrs
            .trim_matches(|c: char| c.is_ascii_whitespace() || c == '/');
        let mut hasher = std::hash::DefaultHasher::new();
        attrs.hash(&mut hasher);
        let key = (attrs.len(), hasher.finish());
        // At most three identical entries since the last marker: a fourth
        // drops the earliest.
        let mut same = 0;
        let mut earliest = None;
        for (pos, entry) in self.list.iter().enumerate().rev() {
            match entry {
                Entry::Marker => break,
                Entry::Element { name, key: k, .. } => {
                    if name.eq_ignore_ascii_case(tag.name) && *k == key {
                        same += 1;
                        earliest = Some(pos);
                    }
                }
            }
        }
        if same >= 3 {
            if let Some(pos) = earliest {
                self.remove_entry(pos);
            }
        }
        let id = self.push_tag(tag, Ns::Html)?;
        if let Some(open) = self.stack.last_mut() {
            open.listed = true;
        }
        self.list.push(Entry::Element {
            name: tag.name,
            key,
            open: Some(id),
        });
        Ok(())
    }

    /// The topmost open HTML element named `n`, searching down to an
    /// element for which `boundary` holds.
    fn in_scope(&self, n: &[u8], boundary: impl Fn(&Open<'a>) -> bool) -> Option<usize> {
        for (index, open) in self.stack.iter().enumerate().rev() {
            if open.html(n) {
                return Some(index);
            }
            if boundary(open) {
                return None;
            }
        }
        None
    }

    fn in_default_scope(&self, n: &[u8]) -> Option<usize> {
        self.in_scope(n, Open::scope_boundary)
    }

    fn close_p(&mut self) {
        let p = self.in_scope(b"p", |o| o.scope_boundary() || o.html(b"button"));
        if let Some(index) = p {
            self.pop_to(index);
        }
    }

    fn generate_implied_ends(&mut self, except: &[u8]) {
        while let Some(top) = self.stack.last() {
            let n = top.lower.get();
            if top.ns != Ns::Html || !is_implied_end(n) || n == except {
                break;
            }
            self.pop_to(self.stack.len() - 1);
        }
    }

    fn top_is(&self, n: &[u8]) -> bool {
        self.stack.last().is_some_and(|o| o.html(n))
    }

    /// What the parser does for a formatting element's end tag (and for a
    /// misnested `<a>` or `<nobr>`), kept to its effect on the stack: the
    /// element goes, and with it everything above when nothing special is.
    fn adoption(&mut self, tag: &Tag<'a>) {
        let n = tag.lower.get();
        if let Some(top) = self.stack.last() {
            if top.html(n) && !top.listed {
                self.pop_to(self.stack.len() - 1);
                return;
            }
        }
        let Some(pos) = self.formatting_entry(tag.name) else {
            self.any_other_end(tag);
            return;
        };
        let Entry::Element { open, .. } = self.list[pos] else {
            return;
        };
        let Some(index) = open.and_then(|id| self.stack_position(id)) else {
            self.remove_entry(pos);
            return;
        };
        if self.stack[index + 1..].iter().any(Open::scope_boundary) {
            return;
        }
        if self.stack[index + 1..].iter().any(Open::special) {
            self.remove_open(index);
        } else {
            self.remove_entry(pos);
            self.pop_to(index);
        }
    }

    // --- Start tags --------------------------------------------------------

    fn start_tag(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
        let n = tag.lower.get();
        if let Some(top) = self.stack.last() {
            if !top.takes_html_start(n) {
                let breakout = is_breakout(n) || (n == b"font" && tag.font_breakout);
                if !breakout {
                    let ns = top.ns;
                    if !tag.self_closing {
                        self.push_tag(tag, ns)?;
                        if let Some(open) = self.stack.last_mut() {
                            open.html_point =
                                ns == Ns::Math && n == b"annotation-xml" && tag.html_encoding;
                        }
                    }
                    return Ok(tag.end);
                }
                self.pop_foreign();
            }
        }
        self.html_start(tag)
    }

    fn pop_foreign(&mut self) {
        while self.stack.last().is_some_and(|o| !o.ends_breakout()) {
            self.pop_to(self.stack.len() - 1);
        }
    }

    fn html_start(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
        let n = tag.lower.get();
        if self.in_frameset {
            return self.frameset_start(tag);
        }
        if let Some(end) = self.template_start(tag)? {
            return Ok(end);
        }
        if n == b"frameset" {
            // A frameset replaces the body if nothing of one came first,
            // or only things that leave it possible; otherwise it is
            // ignored.
            if self.templates == 0 && (!self.in_body || self.frameset_ok) {
                self.pop_to(0);
                self.in_frameset = true;
                self.push_tag(tag, Ns::Html)?;
            }
            return Ok(tag.end);
        }
        if self.templates == 0 && !is_head_content(n) {
            self.in_body = true;
        }
        if rules_out_frameset(tag) {
            self.frameset_ok = false;
        }
        self.body_start(tag)
    }

    /// In a frameset only framesets nest; the rest is ignored.
    fn frameset_start(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
        match tag.lower.get() {
            b"frameset" => {
                self.push_tag(tag, Ns::Html)?;
            }
            b"noframes" => return self.skip_raw_text(tag),
            _ => {}
        }
        Ok(tag.end)
    }

    /// A start tag directly in a `<template>`: what its contents have
    /// been so far decides what it holds. `Some` where the tag ends there.
    fn template_start(&mut self, tag: &Tag<'a>) -> Result<Option<usize>, Cut> {
        let n = tag.lower.get();
        let Some(top) = self.stack.last_mut() else {
            return Ok(None);
        };
        if top.ns != Ns::Html || top.lower.get() != b"template" {
            return Ok(None);
        }
        match top.template {
            TemplateState::Columns => {
                if n == b"template" {
                    self.push_tag(tag, Ns::Html)?;
                    self.push_marker()?;
                }
                return Ok(Some(tag.end));
            }
            TemplateState::Fresh if n == b"col" => {
                top.template = TemplateState::Columns;
                return Ok(Some(tag.end));
            }
            TemplateState::Fresh
                if matches!(
                    n,
                    b"caption"
                        | b"colgroup"
                        | b"tbody"
                        | b"thead"
                        | b"tfoot"
                        | b"tr"
                        | b"td"
                        | b"th"
                ) =>
            {
                top.template = TemplateState::Table;
            }
            TemplateState::Fresh => {
                let head = matches!(
                    n,
                    b"base"
                        | b"basefont"
                        | b"bgsound"
                        | b"link"
                        | b"meta"
                        | b"noframes"
                        | b"script"
                        | b"style"
                        | b"template"
                        | b"title"
                );
                if !head {
                    top.template = TemplateState::Other;
                }
            }
            TemplateState::Table | TemplateState::Other => {}
        }
        Ok(None)
    }

    /// A start tag in the body, by the parser's rules for it.
    fn body_start(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
        let n = tag.lower.get();
        match n {
            b"html" | b"head" | b"body" => {}
            b"svg" | b"math" => {
                self.reconstruct()?;
                if !tag.self_closing {
                    let ns = if n == b"svg" { Ns::Svg } else { Ns::Math };
                    self.push_tag(tag, ns)?;
                }
            }
            _ if is_void(n) => self.void_start(n)?,
            _ if is_raw_text(n) => {
                if n == b"xmp" {
                    self.close_p();
                    self.reconstruct()?;
                }
                return self.skip_raw_text(tag);
            }
            b"plaintext" => {
                // The rest of the input is text.
                self.close_p();
                self.push_tag(tag, Ns::Html)?;
                self.done = true;
            }
            b"li" | b"dd" | b"dt" => self.list_item_start(tag)?,
            _ if closes_p(n) => {
                self.close_p();
                if is_heading(n)
                    && self
                        .stack
                        .last()
                        .is_some_and(|o| o.ns == Ns::Html && is_heading(o.lower.get()))
                {
                    self.pop_to(self.stack.len() - 1);
                }
                self.push_tag(tag, Ns::Html)?;
            }
            b"form" => {
                if self.form.is_none() || self.templates > 0 {
                    self.close_p();
                    let id = self.push_tag(tag, Ns::Html)?;
                    if self.templates == 0 {
                        self.form = Some(id);
                    }
                }
            }
            b"button" => {
                if let Some(button) = self.in_default_scope(b"button") {
                    self.pop_to(button);
                }
                self.reconstruct()?;
                self.push_tag(tag, Ns::Html)?;
            }
            b"a" => self.anchor_start(tag)?,
            b"nobr" => {
                self.reconstruct()?;
                if self.in_default_scope(b"nobr").is_some() {
                    self.adoption(tag);
                    self.reconstruct()?;
                }
                self.push_formatting(tag)?;
            }
            _ if is_formatting(n) => {
                self.reconstruct()?;
                self.push_formatting(tag)?;
            }
            _ => self.other_body_start(tag)?,
        }
        Ok(tag.end)
    }

    /// The start tags of the body after the formatting elements: objects,
    /// templates, tables and their parts, selects, options and ruby.
    fn other_body_start(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        let n = tag.lower.get();
        match n {
            b"applet" | b"marquee" | b"object" => {
                self.reconstruct()?;
                self.push_tag(tag, Ns::Html)?;
                self.push_marker()?;
            }
            b"template" => {
                self.push_tag(tag, Ns::Html)?;
                self.push_marker()?;
            }
            b"table" => self.table_start(tag)?,
            b"select" => {
                if let Some(select) = self.in_default_scope(b"select") {
                    self.pop_to(select);
                } else {
                    self.reconstruct()?;
                    self.push_tag(tag, Ns::Html)?;
                }
            }
            b"option" | b"optgroup" => {
                if self.in_default_scope(b"select").is_some() {
                    let except: &[u8] = if n == b"option" { b"optgroup" } else { b"" };
                    self.generate_implied_ends(except);
                } else if self.top_is(b"option") {
                    self.pop_to(self.stack.len() - 1);
                }
                self.reconstruct()?;
                self.push_tag(tag, Ns::Html)?;
            }
            b"rb" | b"rtc" | b"rp" | b"rt" => {
                if self.in_default_scope(b"ruby").is_some() {
                    let except: &[u8] = if matches!(n, b"rp" | b"rt") {
                        b"rtc"
                    } else {
                        b""
                    };
                    self.generate_implied_ends(except);
                }
                self.push_tag(tag, Ns::Html)?;
            }
            b"caption" | b"colgroup" | b"tbody" | b"thead" | b"tfoot" | b"tr" | b"td" | b"th" => {
                self.table_part(tag)?;
            }
            _ => {
                self.reconstruct()?;
                self.push_tag(tag, Ns::Html)?;
            }
        }
        Ok(())
    }

    /// A void element opens nothing, but some first close a `<p>` or a
    /// `<select>`, or re-open formatting.
    fn void_start(&mut self, n: &[u8]) -> Result<(), Cut> {
        if n == b"hr" {
            self.close_p();
        }
        if n == b"input" {
            if let Some(select) = self.in_default_scope(b"select") {
                self.pop_to(select);
            }
        }
        if matches!(
            n,
            b"area" | b"br" | b"embed" | b"img" | b"image" | b"keygen" | b"wbr" | b"input"
        ) {
            self.reconstruct()?;
        }
        Ok(())
    }

    /// `<li>`, `<dd>` and `<dt>` close the open item of their kind, unless
    /// something special other than `<address>`, `<div>` or `<p>` is open
    /// above it.
    fn list_item_start(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        let closes: &[&[u8]] = if tag.lower.get() == b"li" {
            &[b"li"]
        } else {
            &[b"dd", b"dt"]
        };
        let mut close = None;
        for (index, open) in self.stack.iter().enumerate().rev() {
            if open.ns == Ns::Html && closes.contains(&open.lower.get()) {
                close = Some(index);
                break;
            }
            if open.special() && !open.html(b"address") && !open.html(b"div") && !open.html(b"p") {
                break;
            }
        }
        if let Some(index) = close {
            self.pop_to(index);
        }
        self.close_p();
        self.push_tag(tag, Ns::Html)?;
        Ok(())
    }

    /// An `<a>` first closes an `<a>` still in the list.
    fn anchor_start(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        if let Some(pos) = self.formatting_entry("a") {
            match self.list[pos] {
                Entry::Element { open: Some(id), .. } => {
                    if let Some(index) = self.stack_position(id) {
                        if self.stack[index + 1..]
                            .iter()
                            .any(|o| o.scope_boundary() || o.special())
                        {
                            self.remove_open(index);
                        } else {
                            self.remove_entry(pos);
                            self.pop_to(index);
                        }
                    }
                }
                _ => self.remove_entry(pos),
            }
        }
        self.reconstruct()?;
        self.push_formatting(tag)
    }

    /// A `<table>` directly in a table's part closes the open table.
    fn table_start(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        let in_table_part = self.stack.last().is_some_and(|o| {
            o.ns == Ns::Html
                && matches!(
                    o.lower.get(),
                    b"table" | b"tbody" | b"thead" | b"tfoot" | b"tr" | b"colgroup"
                )
        });
        if in_table_part {
            if let Some(table) = self.in_scope(b"table", Open::table_boundary) {
                self.pop_to(table);
            }
        }
        self.push_tag(tag, Ns::Html)?;
        Ok(())
    }

    /// Skips the contents of a raw-text element, up to and past its end tag.
    fn skip_raw_text(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
        let b = self.html.as_bytes();
        let name = tag.name.as_bytes();
        let found = if tag.lower.get() == b"script" {
            script_end(b, tag.end)
        } else {
            let mut found = None;
            let mut q = tag.end;
            while let Some(lt) = find_byte(b, q, b'<') {
                if is_end_tag_of(b, lt, name) {
                    found = Some(lt);
                    break;
                }
                q = lt + 1;
            }
            found
        };
        let Some(lt) = found else {
            return Ok(b.len());
        };
        let Some(end) = read_tag(self.html, lt + 2) else {
            return Ok(b.len());
        };
        self.at = lt;
        self.check_attributes(&end)?;
        Ok(end.end)
    }

    /// A table's own parts: they close what is open inside the table down
    /// to the right level, and rows and cells get the sections and rows
    /// the parser adds when they are missing.
    fn table_part(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
        let Some(table) = self
            .stack
            .iter()
            .rposition(|o| o.html(b"table") || o.html(b"template"))
        else {
            // Outside a table the parser ignores them.
            return Ok(());
        };
        // A template that began with a table's part holds them as a table
        // does, without the sections and rows the parser adds to one.
        let template = self.stack[table].html(b"template");
        if template && self.stack[table].template != TemplateState::Table {
            return Ok(());
        }
        let n = tag.lower.get();
        let nearest = |scan: &Self, names: &[&[u8]]| {
            (table + 1..scan.stack.len()).rev().find(|&i| {
                scan.stack[i].ns == Ns::Html && names.contains(&scan.stack[i].lower.get())
            })
        };
        let row = nearest(self, &[b"tr"]);
        let section = nearest(self, &[b"tbody", b"thead", b"tfoot"]);
        let keep = match n {
            b"td" | b"th" => row.or(section).unwrap_or(table),
            b"tr" => section.unwrap_or(table),
            _ => table,
        };
        self.close_inside(keep + 1);
        if !template && matches!(n, b"td" | b"th" | b"tr") && self.stack.len() == table + 1 {
            self.push("tbody", Lower::of("tbody"), Ns::Html)?;
        }
        if !template && matches!(n, b"td" | b"th") && !self.top_is(b"tr") {
            self.push("tr", Lower::of("tr"), Ns::Html)?;
        }
        self.push_tag(tag, Ns::Html)?;
        if matches!(n, b"td" | b"th" | b"caption") {
            self.push_marker()?;
        }
        Ok(())
    }

    /// Closes everything from `index` up inside a table; closing a cell or
    /// a caption drops the formatting opened in it.
    fn close_inside(&mut self, index: usize) {
        let cell = self.stack[index.min(self.stack.len())..]
            .iter()
            .any(|o| o.ns == Ns::Html && matches!(o.lower.get(), b"td" | b"th" | b"caption"));
        self.pop_to(index);
        if cell {
            self.clear_to_marker();
        }
    }

    // --- End tags ------------------------------------------------------------

    fn end_tag(&mut self, tag: &Tag<'a>) {
        let n = tag.lower.get();
        if self.stack.last().is_some_and(|o| o.ns != Ns::Html) {
            if matches!(n, b"br" | b"p") {
                self.pop_foreign();
            } else {
                // Foreign elements close by name, case aside, until an HTML
                // element is reached; that one follows the HTML rules.
                let mut reached_html = false;
                for index in (0..self.stack.len()).rev() {
                    let open = &self.stack[index];
                    if open.ns == Ns::Html {
                        reached_html = true;
                        break;
                    }
                    if open.name.eq_ignore_ascii_case(tag.name) {
                        self.pop_to(index);
                        return;
                    }
                }
                if !reached_html {
                    return;
                }
            }
        }
        self.html_end(tag);
    }

    fn html_end(&mut self, tag: &Tag<'a>) {
        let n = tag.lower.get();
        if self.in_frameset {
            self.frameset_end(n);
            return;
        }
        let columns = self
            .stack
            .last()
            .is_some_and(|o| o.html(b"template") && o.template == TemplateState::Columns);
        if columns && n != b"template" {
            return;
        }
        if matches!(n, b"html" | b"body" | b"br") && self.templates == 0 {
            self.in_body = true;
        }
        match n {
            b"html" | b"body" | b"head" => {}
            b"br" => self.frameset_ok = false,
            b"p" => self.close_p(),
            b"li" => {
                if let Some(index) = self.in_scope(b"li", |o| {
                    o.scope_boundary() || o.html(b"ol") || o.html(b"ul")
                }) {
                    self.pop_to(index);
                }
            }
            b"dd" | b"dt" => {
                if let Some(index) = self.in_default_scope(n) {
                    self.pop_to(index);
                }
            }
            _ if is_heading(n) => self.heading_end(),
            _ if is_block_end(n) => {
                if let Some(index) = self.in_default_scope(n) {
                    self.pop_to(index);
                }
            }
            b"form" => self.form_end(),
            b"applet" | b"marquee" | b"object" => {
                if let Some(index) = self.in_default_scope(n) {
                    self.pop_to(index);
                    self.clear_to_marker();
                }
            }
            b"template" => {
                if let Some(index) = self.stack.iter().rposition(|o| o.html(b"template")) {
                    self.pop_to(index);
                    self.clear_to_marker();
                }
            }
            b"td" | b"th" | b"tr" | b"tbody" | b"thead" | b"tfoot" | b"table" | b"caption" => {
                let boundary = |o: &Open<'_>| {
                    (n != b"table" && o.table_boundary()) || o.html(b"html") || o.html(b"template")
                };
                if let Some(index) = self.in_scope(n, boundary) {
                    self.close_inside(index);
                }
            }
            b"colgroup" => {
                if self.top_is(b"colgroup") {
                    self.pop_to(self.stack.len() - 1);
                }
            }
            _ if is_formatting(n) => self.adoption(tag),
            _ => self.any_other_end(tag),
        }
    }

    /// In a frameset only framesets close.
    fn frameset_end(&mut self, n: &[u8]) {
        if n == b"frameset" && self.top_is(b"frameset") {
            self.pop_to(self.stack.len() - 1);
            // After the outermost frameset nothing opens any more.
            self.done = !self.stack.iter().any(|o| o.html(b"frameset"));
        }
    }

    /// A heading's end tag closes whichever heading is open in scope.
    fn heading_end(&mut self) {
        for index in (0..self.stack.len()).rev() {
            let open = &self.stack[index];
            if open.ns == Ns::Html && is_heading(open.lower.get()) {
                self.pop_to(index);
                return;
            }
            if open.scope_boundary() {
                return;
            }
        }
    }

    fn form_end(&mut self) {
        if self.templates > 0 {
            if let Some(index) = self.in_default_scope(b"form") {
                self.pop_to(index);
            }
            return;
        }
        // Only the form being filled closes, and only that element: what
        // is open inside it stays open.
        let Some(index) = self.form.take().and_then(|id| self.stack_position(id)) else {
            return;
        };
        if !self.stack[index + 1..].iter().any(Open::scope_boundary) {
            self.remove_open(index);
        }
    }

    /// An end tag closes its element if nothing special is open above it.
    fn any_other_end(&mut self, tag: &Tag<'a>) {
        for index in (0..self.stack.len()).rev() {
            let open = &self.stack[index];
            if open.ns == Ns::Html && open.name.eq_ignore_ascii_case(tag.name) {
                self.pop_to(index);
                return;
            }
            if open.special() {
                return;
            }
        }
    }
}

#[cfg(test)]
#[expect(
    clippy::too_many_lines,
    reason = "a table of markup cases reads best as one list"
)]
mod tests;
