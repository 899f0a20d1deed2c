//! What message readers share: decoding values in the interchange's repertoire, dates with the
//! right century, and collecting diagnostics that never quote personal data.

use chrono::NaiveDate;

use crate::model::{Diagnostic, Severity};

use super::charset::{Charset, DecodeIssue};
use super::dates::{self, Pivot};
use super::diag;
use super::segment::{Segment, Value};
use std::borrow::Cow;

/// Reading context of one message.
#[derive(Debug)]
pub struct Reader<'a> {
    /// The repertoire values are decoded in.
    pub charset: Charset,
    /// Reference date for the century of two-digit years.
    pub today: NaiveDate,
    /// Everything reported so far, syntax-layer findings first.
    pub diagnostics: Vec<Diagnostic>,
    /// Index of the last segment a decoding problem was reported for (one report per segment).
    decode_reported: Option<usize>,
    /// The segment last split, keyed by its position (a reader asks for several values of one
    /// segment in a row; splitting it once is what keeps parsing fast).
    cached: Option<usize>,
    /// How the cached segment was split.
    split: Split,
    /// Slow path: element byte ranges ([`Segment::split_ranges`]).
    ranges: Vec<(usize, usize)>,
    /// Fast path: byte ranges of every component of every element, in order.
    comps: Vec<(u32, u32)>,
    /// Fast path: per element, its first index in `comps` and its number of components.
    elems: Vec<(u32, u32)>,
    /// Byte classes of the fast split, for the separators in `classes_for`.
    classes: [u8; 256],
    classes_for: Option<(u8, u8, u8)>,
    /// Fast path, all-ASCII segment: its body as text, validated once, so that values are
    /// slices of it.
    text: &'a str,
    /// The whole buffer as text when it is all ASCII ([`super::RawMessage::buffer_text`]):
    /// segment bodies are then slices of it, with no validation at all.
    buffer: Option<&'a str>,
}

/// How the cached segment was split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Split {
    /// Release characters, line breaks or multi-byte separators: element ranges only, values
    /// resolved one by one ([`Segment::split_ranges`]); `true` when the segment is plain.
    Slow(bool),
    /// No release character, no line break, one-byte separators: every component's range is
    /// known and its bytes are the value. `true` when the segment is all ASCII, so values need
    /// no decoding (nearly all traffic).
    Fast(bool),
}

/// `str::trim` for ASCII text (the same characters: tab, line feed, vertical tab, form feed,
/// carriage return, space), without the Unicode tables.
fn trim_ascii_text(s: &str) -> &str {
    let ws = |b: &u8| matches!(b, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    let b = s.as_bytes();
    let Some(start) = b.iter().position(|c| !ws(c)) else {
        return "";
    };
    let end = b.len() - b.iter().rev().position(|c| !ws(c)).unwrap_or(0);
    s.get(start..end).unwrap_or_default()
}

impl<'a> Reader<'a> {
    /// A reader for values in `charset`, with `today` as reference date.
    pub fn new(charset: Charset, today: NaiveDate, diagnostics: Vec<Diagnostic>) -> Self {
        Reader {
            charset,
            today,
            diagnostics,
            decode_reported: None,
            cached: None,
            split: Split::Slow(false),
            ranges: Vec::with_capacity(16),
            comps: Vec::with_capacity(32),
            elems: Vec::with_capacity(16),
            classes: [0; 256],
            classes_for: None,
            text: "",
            buffer: None,
        }
    }

    /// A reader for the values of `raw`, with `today` as reference date.
    pub fn for_message(raw: &super::RawMessage<'a>, today: NaiveDate) -> Self {
        Reader {
            buffer: raw.buffer_text,
            ..Reader::new(raw.charset, today, raw.diagnostics.clone())
        }
    }

    /// The body of `seg` as text, when it lies inside the ASCII buffer (compared by address,
    /// so a segment from elsewhere is never mistaken for one of it).
    fn body_in_buffer(&self, seg: &Segment<'a>) -> Option<&'a str> {
        let buf = self.buffer?;
        let off = (seg.body.as_ptr() as usize).checked_sub(buf.as_ptr() as usize)?;
        let text = buf.get(off..off.checked_add(seg.body.len())?)?;
        (text.as_ptr() == seg.body.as_ptr()).then_some(text)
    }

    #[inline]
    fn split(&mut self, seg: &Segment<'a>) {
        if self.cached != Some(seg.position) {
            self.split_new(seg);
        }
    }

    /// Splits a segment not seen before (kept out of line: [`Reader::split`] is called for
    /// every value and nearly always finds the segment cached).
    #[inline(never)]
    fn split_new(&mut self, seg: &Segment<'a>) {
        {
            self.split = match self.split_fast(seg) {
                Some(true) => {
                    // ASCII is valid UTF-8: this cannot fail.
                    self.text = match self.body_in_buffer(seg) {
                        Some(t) => t,
                        None => std::str::from_utf8(seg.body).unwrap_or_default(),
                    };
                    Split::Fast(true)
                }
                Some(false) => Split::Fast(false),
                None => Split::Slow(seg.split_ranges(&mut self.ranges)),
            };
            self.cached = Some(seg.position);
        }
    }

    /// One pass over a segment finding every element and component boundary; `None` (the
    /// caller falls back to [`Segment::split_ranges`]) when the segment holds a release
    /// character or a line break, or the separators are not single distinct bytes.
    /// `Some(true)` when the segment is all ASCII.
    fn split_fast(&mut self, seg: &Segment) -> Option<bool> {
        let d = &seg.delims;
        if d.element.len() != 1 || d.component.len() != 1 {
            return None;
        }
        let (s0, c0) = (d.element.first(), d.component.first());
        // Without a release character, the line feed stands in (it sends us to the slow path
        // anyway).
        let r0 = d.release.map_or(b'\n', |r| r.first());
        if s0 == c0 || s0 == r0 || c0 == r0 || [s0, c0].iter().any(|b| matches!(b, b'\n' | b'\r')) {
            return None;
        }
        let body = seg.body;
        if body.len() > u32::MAX as usize {
            return None;
        }
        if self.classes_for != Some((s0, c0, r0)) {
            // What each byte means to the split: 0 nothing, 1 component separator, 2 element
            // separator, 3 a release character or line break (slow path). One table lookup per
            // byte instead of a chain of comparisons.
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
                _ => return None,
            }
        }
        self.comps.push((start, body.len() as u32));
        let n = self.comps.len() as u32;
        self.elems.push((first, n - first));
        Some(high < 0x80)
    }

    /// Fast path, ASCII segment: component `c` of element `e`, as text.
    fn fast_text(&self, e: usize, c: usize) -> &'a str {
        match self.elems.get(e) {
            Some(&(first, n)) if c < n as usize => {
                let (a, b) = self.comps[first as usize + c];
                self.text.get(a as usize..b as usize).unwrap_or_default()
            }
            _ => "",
        }
    }

    /// Fast path: the bytes of component `c` of element `e` of the cached segment.
    fn fast_bytes(&self, seg: &Segment<'a>, e: usize, c: usize) -> &'a [u8] {
        match self.elems.get(e) {
            Some(&(first, n)) if c < n as usize => {
                let (a, b) = self.comps[first as usize + c];
                seg.body.get(a as usize..b as usize).unwrap_or_default()
            }
            _ => &[],
        }
    }

    /// Number of data elements of `seg`.
    pub fn element_count(&mut self, seg: &Segment<'a>) -> usize {
        self.split(seg);
        match self.split {
            Split::Fast(_) => self.elems.len(),
            Split::Slow(_) => self.ranges.len(),
        }
    }

    /// Component `c` of element `e`, raw (still escaped); empty when absent.
    pub fn value(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Value<'a> {
        self.split(seg);
        match (self.split, self.ranges.get(e)) {
            (Split::Fast(_), _) => Value::plain(self.fast_bytes(seg, e, c), seg.delims.release),
            (Split::Slow(true), Some(&r)) => seg.plain_element_at(r).component(c),
            (Split::Slow(false), Some(&r)) => seg.element_at(r).component(c),
            (Split::Slow(_), None) => seg.element_at((0, 0)).component(usize::MAX),
        }
    }

    /// A code (qualifier, type) without allocating when it is plain ASCII, trimmed.
    pub fn code(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
        self.split(seg);
        if self.split == Split::Fast(true) {
            // ASCII: `trim_ascii` on the text is what the byte path below does.
            return Cow::Borrowed(self.fast_text(e, c).trim_ascii());
        }
        match self.value(seg, e, c).bytes() {
            Cow::Borrowed(b) => match std::str::from_utf8(b.trim_ascii()) {
                // Trimming ASCII spaces first gives what `str::trim` would on codes, which are
                // ASCII; anything else takes the lossy path below and is trimmed there.
                Ok(s) if s.is_ascii() => Cow::Borrowed(s),
                Ok(_) => Cow::Owned(String::from_utf8_lossy(b).trim().to_string()),
                Err(_) => Cow::Owned(String::from_utf8_lossy(b).trim().to_string()),
            },
            Cow::Owned(b) => Cow::Owned(String::from_utf8_lossy(&b).trim().to_string()),
        }
    }

    /// Component `c` of element `e`, decoded and trimmed of surrounding spaces.
    pub fn text(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> String {
        self.str(seg, e, c).into_owned()
    }

    /// [`Reader::text`] borrowed from the buffer when nothing had to change (plain value in an
    /// ASCII-compatible repertoire): values that are only looked at (dates, counts, codes) then
    /// cost no allocation.
    pub fn str(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
        self.split(seg);
        match self.split {
            Split::Fast(true) => return Cow::Borrowed(trim_ascii_text(self.fast_text(e, c))),
            Split::Fast(false) => {
                let b = self.fast_bytes(seg, e, c);
                if b.is_empty() {
                    return Cow::Borrowed("");
                }
                return self.decode_cow(seg, b);
            }
            Split::Slow(_) => {}
        }
        let raw = self.value(seg, e, c);
        if raw.raw.is_empty() {
            return Cow::Borrowed("");
        }
        match raw.bytes() {
            Cow::Borrowed(b) => self.decode_cow(seg, b),
            Cow::Owned(b) => Cow::Owned(self.decode_cow(seg, &b).into_owned()),
        }
    }
    /// Like [`Reader::text`], `None` when empty.
    pub fn opt(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Option<String> {
        let t = self.str(seg, e, c);
        (!t.is_empty()).then(|| t.into_owned())
    }

    /// The last non-empty component of element `e` from `from` on, decoded: the last of
    /// [`Reader::components`] without collecting the others.
    pub fn last_component(&mut self, seg: &Segment<'a>, e: usize, from: usize) -> Option<String> {
        self.split(seg);
        // Only an ASCII segment can skip decoding the others: elsewhere decoding them may
        // report the segment's characters, as `components` does.
        if let Split::Fast(true) = self.split {
            let n = self.elems.get(e).map_or(0, |&(_, n)| n as usize);
            return (from..n)
                .rev()
                .map(|c| self.str(seg, e, c))
                .find(|s| !s.is_empty())
                .map(Cow::into_owned);
        }
        self.components(seg, e, from).pop()
    }

    /// All non-empty components of element `e` from `from` on, decoded.
    pub fn components(&mut self, seg: &Segment<'a>, e: usize, from: usize) -> Vec<String> {
        self.split(seg);
        if let Split::Fast(_) = self.split {
            let n = self.elems.get(e).map_or(0, |&(_, n)| n as usize);
            return (from..n)
                .map(|c| self.str(seg, e, c))
                .filter(|s| !s.is_empty())
                .map(Cow::into_owned)
                .collect();
        }
        let Some(&range) = self.ranges.get(e) else {
            return Vec::new();
        };
        let element = if self.split == Split::Slow(true) {
            seg.plain_element_at(range)
        } else {
            seg.element_at(range)
        };
        let raws: Vec<_> = element.components().skip(from).collect();
        raws.into_iter()
            .map(|v| self.decode(seg, &v.bytes()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Decodes bytes of `seg`, reporting a repertoire problem once per segment.
    pub fn decode(&mut self, seg: &Segment, bytes: &[u8]) -> String {
        self.decode_cow(seg, bytes).into_owned()
    }

    /// [`Reader::decode`], trimmed, borrowing `bytes` when they decode to themselves.
    fn decode_cow<'b>(&mut self, seg: &Segment, bytes: &'b [u8]) -> Cow<'b, str> {
        let (s, issue) = self.charset.decode(bytes);
        if let Some(issue) = issue {
            if self.decode_reported != Some(seg.index) {
                self.decode_reported = Some(seg.index);
                let msg = match issue {
                    DecodeIssue::OutsideRepertoire => {
                        "The segment holds characters outside the declared character set; they were read as UTF-8."
                    }
                    DecodeIssue::EightBit => {
                        "The segment holds 8-bit bytes outside the declared character set; they were read as Windows-1252."
                    }
                    DecodeIssue::Replaced => {
                        "The segment holds bytes that are not valid in the declared character set; they were replaced by U+FFFD."
                    }
                };
                self.warn(seg, msg.to_string());
            }
        }
        match s {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => {
                let t = o.trim();
                if t.len() == o.len() {
                    Cow::Owned(o)
                } else {
                    Cow::Owned(t.to_string())
                }
            }
        }
    }

    /// Records an error: data of this segment were lost.
    pub fn error(&mut self, seg: &Segment, message: String) {
        self.diagnostics.push(diag(Severity::Error, seg, message));
    }

    /// Records a warning: something was wrong but nothing was lost.
    pub fn warn(&mut self, seg: &Segment, message: String) {
        self.diagnostics.push(diag(Severity::Warning, seg, message));
    }

    /// Records a note.
    pub fn info(&mut self, seg: &Segment, message: String) {
        self.diagnostics.push(diag(Severity::Info, seg, message));
    }

    /// A `YYMMDD`/`CCYYMMDD` date; reports (without quoting it) a value that is not one.
    pub fn ymd(&mut self, seg: &Segment, value: &str, pivot: Pivot, what: &str) -> Option<String> {
        if value.trim().is_empty() {
            return None;
        }
        let d = dates::ymd(value, pivot, self.today);
        if d.is_none() {
            self.warn(
                seg,
                format!("The {what} is not a valid YYMMDD date and was left out."),
            );
        }
        d
    }

    /// A `DDMMMYY` date from SSR free text, reported like [`Reader::ymd`].
    pub fn dmmmy(
        &mut self,
        seg: &Segment,
        value: &str,
        pivot: Pivot,
        what: &str,
    ) -> Option<String> {
        if value.trim().is_empty() {
            return None;
        }
        let d = dates::dmmmy(value, pivot, self.today);
        if d.is_none() {
            self.warn(
                seg,
                format!("The {what} is not a valid DDMMMYY date and was left out."),
            );
        }
        d
    }

    /// A `DDMMYY` date (PNRGOV), reported like [`Reader::ymd`].
    pub fn dmy(&mut self, seg: &Segment, value: &str, pivot: Pivot, what: &str) -> Option<String> {
        if value.trim().is_empty() {
            return None;
        }
        let d = dates::dmy(value, pivot, self.today);
        if d.is_none() {
            self.warn(
                seg,
                format!("The {what} is not a valid DDMMYY date and was left out."),
            );
        }
        d
    }
}
