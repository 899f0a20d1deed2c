//! What message readers share: decoding values in the interchange's repertoire, dates with the
//! right century, and collecting diagnostics that never quote personal data.

use chrono::NaiveDate;

use crate::model::{Diagnostic, Severity};

use super::charset::{Charset, DecodeIssue};
use super::dates::{self, Pivot};
use super::diag;
use super::segment::{Segment, Value};
use compact_str::CompactString;
use std::borrow::Cow;

use split::{trim_ascii_text, Split};

mod split;

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
    /// Fast and released paths: byte ranges of every component of every element, in order.
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

    /// Number of data elements of `seg`.
    pub fn element_count(&mut self, seg: &Segment<'a>) -> usize {
        self.split(seg);
        match self.split {
            Split::Fast(_) | Split::Released => self.elems.len(),
            Split::Slow(_) => self.ranges.len(),
        }
    }

    /// Component `c` of element `e`, raw (still escaped); empty when absent.
    pub fn value(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Value<'a> {
        self.split(seg);
        match (self.split, self.ranges.get(e)) {
            (Split::Fast(_), _) => Value::plain(self.fast_bytes(seg, e, c), seg.delims.release),
            (Split::Released, _) => Value::escaped(self.fast_bytes(seg, e, c), seg.delims.release),
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
    pub fn text(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> CompactString {
        CompactString::from(self.str(seg, e, c))
    }

    /// [`Reader::text`] borrowed from the buffer when nothing had to change (plain value in an
    /// ASCII-compatible repertoire): values that are only looked at (dates, counts, codes) then
    /// cost no allocation.
    #[inline]
    pub fn str(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
        self.split(seg);
        // The common case inline, the rest out of line: as one function, most of each call was
        // its set-up and tear-down around a lookup and a slice (3 % of a PNRGOV parse).
        if self.split == Split::Fast(true) {
            return Cow::Borrowed(trim_ascii_text(self.fast_text(e, c)));
        }
        self.str_other(seg, e, c)
    }

    /// [`Reader::str`] of a segment that is not plain ASCII.
    #[inline(never)]
    fn str_other(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
        match self.split {
            Split::Fast(true) => return Cow::Borrowed(trim_ascii_text(self.fast_text(e, c))),
            Split::Fast(false) => {
                let b = self.fast_bytes(seg, e, c);
                if b.is_empty() {
                    return Cow::Borrowed("");
                }
                return self.decode_cow(seg, b);
            }
            Split::Slow(_) | Split::Released => {}
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
    pub fn opt(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Option<CompactString> {
        let t = self.str(seg, e, c);
        (!t.is_empty()).then(|| CompactString::from(t))
    }

    /// The last non-empty component of element `e` from `from` on, decoded: the last of
    /// [`Reader::components`] without collecting the others.
    pub fn last_component(
        &mut self,
        seg: &Segment<'a>,
        e: usize,
        from: usize,
    ) -> Option<CompactString> {
        self.split(seg);
        // Only an ASCII segment can skip decoding the others: elsewhere decoding them may
        // report the segment's characters, as `components` does.
        if let Split::Fast(true) = self.split {
            let n = self.elems.get(e).map_or(0, |&(_, n)| n as usize);
            return (from..n)
                .rev()
                .map(|c| self.str(seg, e, c))
                .find(|s| !s.is_empty())
                .map(CompactString::from);
        }
        self.components(seg, e, from).pop()
    }

    /// All non-empty components of element `e` from `from` on, decoded.
    pub fn components(&mut self, seg: &Segment<'a>, e: usize, from: usize) -> Vec<CompactString> {
        self.split(seg);
        if let Split::Fast(_) | Split::Released = self.split {
            let n = self.elems.get(e).map_or(0, |&(_, n)| n as usize);
            return (from..n)
                .map(|c| self.str(seg, e, c))
                .filter(|s| !s.is_empty())
                .map(CompactString::from)
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
            .map(|v| CompactString::from(self.decode(seg, &v.bytes())))
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
    pub fn ymd(
        &mut self,
        seg: &Segment,
        value: &str,
        pivot: Pivot,
        what: &str,
    ) -> Option<CompactString> {
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
    ) -> Option<CompactString> {
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

    /// [`Reader::dmy`] with [`dates::with_time`] of `time`, the text written once.
    pub fn dmy_at(
        &mut self,
        seg: &Segment,
        value: &str,
        time: &str,
        pivot: Pivot,
        what: &str,
    ) -> Option<CompactString> {
        if value.trim().is_empty() {
            return None;
        }
        let d = dates::dmy_date(value, pivot, self.today);
        if d.is_none() {
            self.warn(
                seg,
                format!("The {what} is not a valid DDMMYY date and was left out."),
            );
        }
        d.map(|d| dates::iso_at(d, time))
    }

    /// A `DDMMYY` date (PNRGOV), reported like [`Reader::ymd`].
    pub fn dmy(
        &mut self,
        seg: &Segment,
        value: &str,
        pivot: Pivot,
        what: &str,
    ) -> Option<CompactString> {
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
