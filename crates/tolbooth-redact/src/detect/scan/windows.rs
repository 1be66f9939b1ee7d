//! Finding digits and building whitespace-aligned, merged windows.

use std::ops::Range;

/// Windows closer than this are merged.
const MERGE_GAP: usize = 32;

/// Whether the digits at `start..end` can be a house number that a street
/// follows: one to four digits, perhaps a letter ("114a"), perhaps a
/// comma, then whitespace and a letter. Street windows are opened only
/// there: phone numbers, postcodes, dates and prices do not start streets.
pub(super) fn starts_a_street(bytes: &[u8], start: usize, end: usize) -> bool {
    if end - start > 4 {
        return false;
    }
    let mut at = end;
    if bytes.get(at).is_some_and(u8::is_ascii_alphabetic)
        && !bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric)
    {
        at += 1;
    }
    if bytes.get(at) == Some(&b',') {
        at += 1;
    }
    let spaces = bytes.get(at..).map_or(0, |rest| {
        rest.iter().take_while(|b| b.is_ascii_whitespace()).count()
    });
    spaces > 0
        && bytes
            .get(at + spaces)
            .is_some_and(|&b| b.is_ascii_alphabetic() || b >= 0x80)
}

/// Offsets of the ASCII digits in `bytes`, ascending. Reads eight bytes at
/// a time and looks closer only at words that hold a digit.
pub(super) fn digits(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    const ONES: u64 = u64::MAX / 255;
    const HIGHS: u64 = ONES * 0x80;
    bytes.chunks(8).enumerate().flat_map(|(n, chunk)| {
        let word = match <[u8; 8]>::try_from(chunk) {
            Ok(full) => {
                let x = u64::from_le_bytes(full);
                // A byte b has its high bit set in `t` when 0x2f < b < 0x3a
                // (and b < 0x80): the classic "has a byte between" test.
                let low = x & (ONES * 127);
                (ONES * (127 + 0x3a)).wrapping_sub(low) & !x & (low + ONES * (127 - 0x2f)) & HIGHS
            }
            Err(_) => HIGHS,
        };
        let base = n * 8;
        chunk
            .iter()
            .enumerate()
            .filter(move |(_, b)| word != 0 && b.is_ascii_digit())
            .map(move |(i, _)| base + i)
    })
}

/// Builds merged, whitespace-aligned windows from ranges added in
/// ascending order of start.
pub(super) struct Windows<'t> {
    text: &'t str,
    done: Vec<Range<usize>>,
}

impl<'t> Windows<'t> {
    pub(super) fn new(text: &'t str) -> Self {
        Self {
            text,
            done: Vec::new(),
        }
    }

    pub(super) fn add(&mut self, from: usize, to: usize) {
        let bytes = self.text.as_bytes();
        let floor = self.done.last().map_or(0, |w| w.end);
        let to = to.min(bytes.len());
        // Windows closer than MERGE_GAP are searched as one: a search
        // costs more to start than a short gap costs to read.
        if let Some(last) = self.done.last_mut() {
            if from <= last.end + MERGE_GAP {
                if to > last.end {
                    last.end = align_end(bytes, to);
                }
                return;
            }
        }
        let start = align_start(bytes, from, floor);
        let end = align_end(bytes, to);
        match self.done.last_mut() {
            Some(last) if start <= last.end => last.end = last.end.max(end),
            _ => self.done.push(start..end),
        }
    }

    pub(super) fn done(self) -> Vec<Range<usize>> {
        self.done
    }
}

/// Moves `i` left to just after whitespace (or to `floor`, the end of the
/// previous window, or to 0).
pub(super) fn align_start(bytes: &[u8], i: usize, floor: usize) -> usize {
    let mut i = i.min(bytes.len());
    while i > floor && !bytes.get(i - 1).is_some_and(u8::is_ascii_whitespace) {
        i -= 1;
    }
    i
}

/// Moves `i` right to whitespace (or the end of the text).
pub(super) fn align_end(bytes: &[u8], i: usize) -> usize {
    let mut i = i.min(bytes.len());
    while i < bytes.len() && !bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
        i += 1;
    }
    i
}
