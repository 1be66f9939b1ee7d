//! Element categories by HTML name, lower case: void, raw-text,
//! formatting, heading and special elements; the start tags that close a
//! `<p>`, go in the head or rule out a frameset; the end tags that close
//! blocks; the elements implied end tags close; and the tags that break
//! out of SVG and MathML content.

use super::tag::Tag;

pub(super) fn is_void(n: &[u8]) -> bool {
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
pub(super) fn is_raw_text(n: &[u8]) -> bool {
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

pub(super) fn is_formatting(n: &[u8]) -> bool {
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

pub(super) fn is_heading(n: &[u8]) -> bool {
    matches!(n, b"h1" | b"h2" | b"h3" | b"h4" | b"h5" | b"h6")
}

/// The parser's "special" elements, which stop the search for the element
/// an unrecognised end tag closes.
pub(super) fn is_special(n: &[u8]) -> bool {
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
pub(super) fn closes_p(n: &[u8]) -> bool {
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
pub(super) fn is_block_end(n: &[u8]) -> bool {
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
pub(super) fn is_implied_end(n: &[u8]) -> bool {
    matches!(
        n,
        b"dd" | b"dt" | b"li" | b"option" | b"optgroup" | b"p" | b"rb" | b"rp" | b"rt" | b"rtc"
    )
}

/// `<svg>` and `<math>` elements that breaking-out HTML tags leave.
pub(super) fn is_breakout(n: &[u8]) -> bool {
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

/// Start tags that go in the head, before any body.
pub(super) fn is_head_content(n: &[u8]) -> bool {
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
pub(super) fn rules_out_frameset(tag: &Tag<'_>) -> bool {
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
