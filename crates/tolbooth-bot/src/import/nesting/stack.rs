//! The model of the parser's state: its stack of open elements ([`Open`],
//! in a namespace [`Ns`], a `<template>` with its [`TemplateState`]) and
//! its list of active formatting elements ([`Entry`]), with the
//! [`Scan`]'s operations on both: pushing and popping, scope searches,
//! re-opening formatting elements and the adoption of misnested ones.

use super::elements::{is_implied_end, is_special};
use super::tag::{Lower, Tag};
use super::{Cut, CutReason, Scan};
use std::hash::{Hash, Hasher};

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ns {
    Html,
    Svg,
    Math,
}

pub(super) struct Open<'a> {
    /// Strictly increasing from the bottom of the stack to the top.
    pub(super) id: u64,
    pub(super) name: &'a str,
    pub(super) lower: Lower,
    pub(super) ns: Ns,
    /// In the list of active formatting elements.
    pub(super) listed: bool,
    /// A MathML `<annotation-xml>` holding HTML.
    pub(super) html_point: bool,
    /// For a `<template>`: what its contents have been so far.
    pub(super) template: TemplateState,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TemplateState {
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

impl Open<'_> {
    pub(super) fn html(&self, n: &[u8]) -> bool {
        self.ns == Ns::Html && self.lower.get() == n
    }

    pub(super) fn special(&self) -> bool {
        self.ns == Ns::Html && is_special(self.lower.get())
    }

    /// Where a search "in scope" stops.
    pub(super) fn scope_boundary(&self) -> bool {
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

    pub(super) fn table_boundary(&self) -> bool {
        self.ns == Ns::Html && matches!(self.lower.get(), b"html" | b"table" | b"template")
    }

    /// Foreign content whose start tags follow the HTML rules.
    pub(super) fn takes_html_start(&self, tag: &[u8]) -> bool {
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
    pub(super) fn ends_breakout(&self) -> bool {
        let n = self.lower.get();
        match self.ns {
            Ns::Html => true,
            Ns::Svg => matches!(n, b"foreignobject" | b"desc" | b"title"),
            Ns::Math => matches!(n, b"mi" | b"mo" | b"mn" | b"ms" | b"mtext"),
        }
    }
}

pub(super) enum Entry<'a> {
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

impl<'a> Scan<'a> {
    pub(super) fn push(&mut self, name: &'a str, lower: Lower, ns: Ns) -> Result<u64, Cut> {
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

    pub(super) fn push_tag(&mut self, tag: &Tag<'a>, ns: Ns) -> Result<u64, Cut> {
        self.push(tag.name, tag.lower, ns)
    }

    pub(super) fn push_marker(&mut self) -> Result<(), Cut> {
        self.list.push(Entry::Marker);
        self.markers += 1;
        self.check_depth()
    }

    /// Closes the elements from `index` up: formatting ones among them
    /// stay in the list, to be re-opened.
    pub(super) fn pop_to(&mut self, index: usize) {
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
    pub(super) fn remove_open(&mut self, index: usize) {
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

    pub(super) fn stack_position(&self, id: u64) -> Option<usize> {
        self.stack.binary_search_by_key(&id, |o| o.id).ok()
    }

    pub(super) fn remove_entry(&mut self, pos: usize) {
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

    pub(super) fn clear_to_marker(&mut self) {
        while let Some(last) = self.list.len().checked_sub(1) {
            let marker = matches!(self.list[last], Entry::Marker);
            self.remove_entry(last);
            if marker {
                break;
            }
        }
    }

    /// The last formatting entry named `name` since the last marker.
    pub(super) fn formatting_entry(&self, name: &str) -> Option<usize> {
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
    pub(super) fn reconstruct(&mut self) -> Result<(), Cut> {
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

    pub(super) fn push_formatting(&mut self, tag: &Tag<'a>) -> Result<(), Cut> {
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
    pub(super) fn in_scope(&self, n: &[u8], boundary: impl Fn(&Open<'a>) -> bool) -> Option<usize> {
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

    pub(super) fn in_default_scope(&self, n: &[u8]) -> Option<usize> {
        self.in_scope(n, Open::scope_boundary)
    }

    pub(super) fn close_p(&mut self) {
        let p = self.in_scope(b"p", |o| o.scope_boundary() || o.html(b"button"));
        if let Some(index) = p {
            self.pop_to(index);
        }
    }

    pub(super) fn generate_implied_ends(&mut self, except: &[u8]) {
        while let Some(top) = self.stack.last() {
            let n = top.lower.get();
            if top.ns != Ns::Html || !is_implied_end(n) || n == except {
                break;
            }
            self.pop_to(self.stack.len() - 1);
        }
    }

    pub(super) fn top_is(&self, n: &[u8]) -> bool {
        self.stack.last().is_some_and(|o| o.html(n))
    }

    /// What the parser does for a formatting element's end tag (and for a
    /// misnested `<a>` or `<nobr>`), kept to its effect on the stack: the
    /// element goes, and with it everything above when nothing special is.
    pub(super) fn adoption(&mut self, tag: &Tag<'a>) {
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
}
