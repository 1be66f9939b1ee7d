//! Tags and attributes as the parser's tokenizer reads them ([`Tag`],
//! [`Lower`], [`Attrs`], [`read_tag`]), and the byte searches the scan
//! skips comments, raw text and scripts with.

fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// A start or end tag as the parser's tokenizer reads it.
pub(super) struct Tag<'a> {
    pub(super) end: usize,
    pub(super) name: &'a str,
    pub(super) lower: Lower,
    /// Everything between the name and the closing `>`.
    pub(super) attrs: &'a str,
    pub(super) attr_count: usize,
    pub(super) self_closing: bool,
    /// A `color`, `face` or `size` attribute: a `<font>` with one leaves
    /// SVG and MathML content.
    pub(super) font_breakout: bool,
    /// `encoding="text/html"` (or XHTML): a MathML `<annotation-xml>` with
    /// it holds HTML.
    pub(super) html_encoding: bool,
    /// `type=hidden`, for an `<input>`.
    pub(super) hidden: bool,
}

/// A tag name in ASCII lower case, if short enough to be one the rules
/// name (longer ones match none of them).
#[derive(Clone, Copy)]
pub(super) struct Lower {
    buf: [u8; 16],
    len: usize,
}

impl Lower {
    pub(super) fn of(name: &str) -> Lower {
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

    pub(super) fn get(&self) -> &[u8] {
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
pub(super) fn read_tag(html: &str, name_start: usize) -> Option<Tag<'_>> {
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

pub(super) fn is_blank(text: &[u8]) -> bool {
    text.iter().all(|&c| is_space(c))
}

pub(super) fn find_seq(b: &[u8], from: usize, seq: &[u8]) -> Option<usize> {
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
pub(super) fn is_end_tag_of(b: &[u8], lt: usize, name: &[u8]) -> bool {
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
pub(super) fn script_end(b: &[u8], from: usize) -> Option<usize> {
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

pub(super) fn find_byte(b: &[u8], from: usize, byte: u8) -> Option<usize> {
    b.get(from..)?
        .iter()
        .position(|&c| c == byte)
        .map(|i| from + i)
}

/// Just after the next `>` from `from`, or the end.
pub(super) fn after_gt(b: &[u8], from: usize) -> usize {
    find_byte(b, from, b'>').map_or(b.len(), |i| i + 1)
}

/// Just after the comment whose text starts at `from` (after `<!--`).
pub(super) fn comment_end(b: &[u8], from: usize) -> usize {
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
