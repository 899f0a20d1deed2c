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
pub struct Reader {
    /// The repertoire values are decoded in.
    pub charset: Charset,
    /// Reference date for the century of two-digit years.
    pub today: NaiveDate,
    /// Everything reported so far, syntax-layer findings first.
    pub diagnostics: Vec<Diagnostic>,
    /// Index of the last segment a decoding problem was reported for (one report per segment).
    decode_reported: Option<usize>,
    /// Element ranges of the segment last read, keyed by its position (a reader asks for several
    /// values of one segment in a row; splitting it once is what keeps parsing fast).
    cached: Option<usize>,
    ranges: Vec<(usize, usize)>,
    /// Whether the cached segment is plain ([`Segment::split_ranges`]).
    plain: bool,
}

impl Reader {
    /// A reader for values in `charset`, with `today` as reference date.
    pub fn new(charset: Charset, today: NaiveDate, diagnostics: Vec<Diagnostic>) -> Self {
        Reader {
            charset,
            today,
            diagnostics,
            decode_reported: None,
            cached: None,
            ranges: Vec::with_capacity(16),
            plain: false,
        }
    }

    fn split(&mut self, seg: &Segment) {
        if self.cached != Some(seg.position) {
            self.plain = seg.split_ranges(&mut self.ranges);
            self.cached = Some(seg.position);
        }
    }

    /// Number of data elements of `seg`.
    pub fn element_count(&mut self, seg: &Segment) -> usize {
        self.split(seg);
        self.ranges.len()
    }

    /// Component `c` of element `e`, raw (still escaped); empty when absent.
    pub fn value<'a>(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Value<'a> {
        self.split(seg);
        match self.ranges.get(e) {
            Some(&r) if self.plain => seg.plain_element_at(r).component(c),
            Some(&r) => seg.element_at(r).component(c),
            None => seg.element_at((0, 0)).component(usize::MAX),
        }
    }

    /// A code (qualifier, type) without allocating when it is plain ASCII, trimmed.
    pub fn code<'a>(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
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
    pub fn text(&mut self, seg: &Segment, e: usize, c: usize) -> String {
        self.str(seg, e, c).into_owned()
    }

    /// [`Reader::text`] borrowed from the buffer when nothing had to change (plain value in an
    /// ASCII-compatible repertoire): values that are only looked at (dates, counts, codes) then
    /// cost no allocation.
    pub fn str<'a>(&mut self, seg: &Segment<'a>, e: usize, c: usize) -> Cow<'a, str> {
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
    pub fn opt(&mut self, seg: &Segment, e: usize, c: usize) -> Option<String> {
        let t = self.text(seg, e, c);
        (!t.is_empty()).then_some(t)
    }

    /// All non-empty components of element `e` from `from` on, decoded.
    pub fn components(&mut self, seg: &Segment, e: usize, from: usize) -> Vec<String> {
        self.split(seg);
        let Some(&range) = self.ranges.get(e) else {
            return Vec::new();
        };
        let element = if self.plain {
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
