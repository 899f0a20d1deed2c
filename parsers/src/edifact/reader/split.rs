//! Splitting a segment for the [`Reader`]: one pass that records every element's and
//! component's range, so that a reader asking for several values of a segment in a row finds
//! each with two lookups, and, in an all-ASCII buffer, takes values as slices of text checked
//! once.

use super::super::segment::{char_len, Segment};
use super::Reader;

/// How the cached segment was split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Split {
    /// Release characters, line breaks or multi-byte separators: element ranges only, values
    /// resolved one by one ([`Segment::split_ranges`]); `true` when the segment is plain.
    Slow(bool),
    /// No release character, no line break, one-byte separators: every component's range is
    /// known and its bytes are the value. `true` when the segment is all ASCII, so values need
    /// no decoding (nearly all traffic).
    Fast(bool),
    /// As `Fast`, but the segment holds (one-byte) release characters: every component's range
    /// is known, escapes skipped as [`Segment::split_ranges`] skips them, and each value is
    /// resolved ([`super::super::Value::bytes`]) as the slow path resolves it (a `+` released in
    /// a phone number, `/?+44...`, sent the whole SSR through the slow path before).
    Released,
}

/// `str::trim` for ASCII text (the same characters: tab, line feed, vertical tab, form feed,
/// carriage return, space), without the Unicode tables.
pub(super) fn trim_ascii_text(s: &str) -> &str {
    let ws = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let b = s.as_bytes();
    // Nearly every value starts and ends with a printable character: nothing to scan then.
    if b.first().is_none_or(|&c| c > b' ') && b.last().is_none_or(|&c| c > b' ') {
        return s;
    }
    let Some(start) = b.iter().position(|c| !ws(c)) else {
        return "";
    };
    let end = b.len() - b.iter().rev().position(|c| !ws(c)).unwrap_or(0);
    s.get(start..end).unwrap_or_default()
}

impl<'a> Reader<'a> {
    /// The body of `seg` as text, when it lies inside the ASCII buffer (compared by address,
    /// so a segment from elsewhere is never mistaken for one of it).
    pub(super) fn body_in_buffer(&self, seg: &Segment<'a>) -> Option<&'a str> {
        let buf = self.buffer?;
        let off = (seg.body.as_ptr() as usize).checked_sub(buf.as_ptr() as usize)?;
        let text = buf.get(off..off.checked_add(seg.body.len())?)?;
        (text.as_ptr() == seg.body.as_ptr()).then_some(text)
    }

    #[inline]
    pub(super) fn split(&mut self, seg: &Segment<'a>) {
        if self.cached != Some(seg.position) {
            self.split_new(seg);
        }
    }

    /// Splits a segment not seen before (kept out of line: [`Reader::split`] is called for
    /// every value and nearly always finds the segment cached).
    #[inline(never)]
    pub(super) fn split_new(&mut self, seg: &Segment<'a>) {
        {
            self.split = match self.split_fast(seg) {
                Some(Split::Fast(true)) => {
                    // ASCII is valid UTF-8: this cannot fail.
                    self.text = match self.body_in_buffer(seg) {
                        Some(t) => t,
                        None => std::str::from_utf8(seg.body).unwrap_or_default(),
                    };
                    Split::Fast(true)
                }
                Some(split) => split,
                None => Split::Slow(seg.split_ranges(&mut self.ranges)),
            };
            self.cached = Some(seg.position);
        }
    }

    /// One pass over a segment finding every element and component boundary; `None` (the
    /// caller falls back to [`Segment::split_ranges`]) when the segment holds a line break, or
    /// the separators are not single distinct bytes, or a release character is longer than a
    /// byte. [`Split::Fast`] (`true` when the segment is all ASCII) or, when release characters
    /// were skipped, [`Split::Released`].
    pub(super) fn split_fast(&mut self, seg: &Segment) -> Option<Split> {
        let d = &seg.delims;
        if d.element.len() != 1 || d.component.len() != 1 {
            return None;
        }
        let (s0, c0) = (d.element.first(), d.component.first());
        // Without a release character, the line feed stands in (it sends us to the slow path
        // anyway).
        let r0 = d.release.map_or(b'\n', |r| r.first());
        let one_byte_release = d.release.is_some_and(|r| r.len() == 1);
        if s0 == c0 || s0 == r0 || c0 == r0 || [s0, c0].iter().any(|b| matches!(b, b'\n' | b'\r')) {
            return None;
        }
        let body = seg.body;
        if body.len() > u32::MAX as usize {
            return None;
        }
        if self.classes_for != Some((s0, c0, r0)) {
            // What each byte means to the split: 0 nothing, 1 component separator, 2 element
            // separator, 3 a release character or line break (the slow path, or
            // [`Reader::split_released`] for a one-byte release character). One table lookup
            // per byte instead of a chain of comparisons.
            self.classes = [0; 256];
            self.classes[usize::from(c0)] = 1;
            self.classes[usize::from(s0)] = 2;
            for b in [r0, b'\n', b'\r'] {
                self.classes[usize::from(b)] = 3;
            }
            self.classes_for = Some((s0, c0, r0));
        }
        self.comps.clear();
        self.elems.clear();
        let mut start = 0u32;
        let mut first = 0u32;
        let mut high = 0u8;
        for (i, &b) in body.iter().enumerate() {
            high |= b;
            match self.classes[usize::from(b)] {
                0 => {}
                1 => {
                    self.comps.push((start, i as u32));
                    start = i as u32 + 1;
                }
                2 => {
                    self.comps.push((start, i as u32));
                    let n = self.comps.len() as u32;
                    self.elems.push((first, n - first));
                    first = n;
                    start = i as u32 + 1;
                }
                // Rare: out of the hot loop, whose code stays as it was without escapes.
                _ if b == r0 && one_byte_release => return self.split_released(body, r0),
                _ => return None,
            }
        }
        self.comps.push((start, body.len() as u32));
        let n = self.comps.len() as u32;
        self.elems.push((first, n - first));
        Some(Split::Fast(high < 0x80))
    }

    /// [`Reader::split_fast`] again from the start for a segment found to hold a one-byte
    /// release character: the same split, skipping each escape as [`Segment::split_ranges`]
    /// does. Apart from the hot loop above, which stays as simple as it can be.
    #[cold]
    fn split_released(&mut self, body: &[u8], release: u8) -> Option<Split> {
        self.comps.clear();
        self.elems.clear();
        let mut start = 0u32;
        let mut first = 0u32;
        let mut bytes = body.iter().enumerate();
        while let Some((i, &b)) = bytes.next() {
            match self.classes[usize::from(b)] {
                0 => {}
                1 => {
                    self.comps.push((start, i as u32));
                    start = i as u32 + 1;
                }
                2 => {
                    self.comps.push((start, i as u32));
                    let n = self.comps.len() as u32;
                    self.elems.push((first, n - first));
                    first = n;
                    start = i as u32 + 1;
                }
                3 if b == release => {
                    // The released character is data, whatever it is (as in `split_ranges`).
                    let n = body.get(i + 1).map_or(0, |&b| char_len(b));
                    for _ in 0..n {
                        bytes.next();
                    }
                }
                _ => return None,
            }
        }
        self.comps.push((start, body.len() as u32));
        let n = self.comps.len() as u32;
        self.elems.push((first, n - first));
        Some(Split::Released)
    }

    /// Fast path, ASCII segment: component `c` of element `e`, as text.
    pub(super) fn fast_text(&self, e: usize, c: usize) -> &'a str {
        match self.elems.get(e) {
            Some(&(first, n)) if c < n as usize => {
                let (a, b) = self.comps[first as usize + c];
                self.text.get(a as usize..b as usize).unwrap_or_default()
            }
            _ => "",
        }
    }

    /// Fast path: the bytes of component `c` of element `e` of the cached segment.
    pub(super) fn fast_bytes(&self, seg: &Segment<'a>, e: usize, c: usize) -> &'a [u8] {
        match self.elems.get(e) {
            Some(&(first, n)) if c < n as usize => {
                let (a, b) = self.comps[first as usize + c];
                seg.body.get(a as usize..b as usize).unwrap_or_default()
            }
            _ => &[],
        }
    }
}
