//! The [`Scan`]'s end-tag rules: foreign elements closing by name, and
//! HTML end tags (blocks, list items, headings, forms, tables, templates,
//! formatting elements and the rest).

use super::elements::{is_block_end, is_formatting, is_heading};
use super::stack::{Ns, Open, TemplateState};
use super::tag::Tag;
use super::Scan;

impl<'a> Scan<'a> {
    pub(super) fn end_tag(&mut self, tag: &Tag<'a>) {
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
    pub(super) fn any_other_end(&mut self, tag: &Tag<'a>) {
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
