//! The [`Scan`]'s start-tag rules: foreign content and what breaks out of
//! it, framesets, templates, and the body's start tags by the parser's
//! rules for each (formatting, list items, anchors, tables and their
//! parts, raw text).

use super::elements::{
    closes_p, is_breakout, is_formatting, is_head_content, is_heading, is_raw_text, is_void,
    rules_out_frameset,
};
use super::stack::{Entry, Ns, Open, TemplateState};
use super::tag::{find_byte, is_end_tag_of, read_tag, script_end, Lower, Tag};
use super::{Cut, Scan};

impl<'a> Scan<'a> {
    pub(super) fn start_tag(&mut self, tag: &Tag<'a>) -> Result<usize, Cut> {
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

    pub(super) fn pop_foreign(&mut self) {
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
    pub(super) fn close_inside(&mut self, index: usize) {
        let cell = self.stack[index.min(self.stack.len())..]
            .iter()
            .any(|o| o.ns == Ns::Html && matches!(o.lower.get(), b"td" | b"th" | b"caption"));
        self.pop_to(index);
        if cell {
            self.clear_to_marker();
        }
    }
}
