//! What message readers share: decoding values in the interchange's repertoire, dates with the
//! right century, and collecting diagnostics that never quote personal data.

use chrono::NaiveDate;

use crate::model::{Diagnostic, Severity};

use super::charset::{Charset, DecodeIssue};
use super::dates::{self, Pivot};
use super::diag;
use super::segment::Segment;

/// Reading context of one message.
#[derive(Debug)]
pub struct Reader {
    pub charset: Charset,
    /// Reference date for the century of two-digit years.
    pub today: NaiveDate,
    pub diagnostics: Vec<Diagnostic>,
    /// Index of the last segment a decoding problem was reported for (one report per segment).
    decode_reported: Option<usize>,
}

impl Reader {
    /// A reader for values in `charset`, with `today` as reference date.
    pub fn new(charset: Charset, today: NaiveDate, diagnostics: Vec<Diagnostic>) -> Self {
        Reader { charset, today, diagnostics, decode_reported: None }
    }

    /// Component `c` of element `e`, decoded and trimmed of surrounding spaces.
    pub fn text(&mut self, seg: &Segment, e: usize, c: usize) -> String {
        let raw = seg.value(e, c);
        if raw.raw.is_empty() {
            return String::new();
        }
        self.decode(seg, &raw.bytes())
    }

    /// Like [`Reader::text`], `None` when empty.
    pub fn opt(&mut self, seg: &Segment, e: usize, c: usize) -> Option<String> {
        let t = self.text(seg, e, c);
        (!t.is_empty()).then_some(t)
    }

    /// All non-empty components of element `e` from `from` on, decoded.
    pub fn components(&mut self, seg: &Segment, e: usize, from: usize) -> Vec<String> {
        let el = seg.element(e);
        let raws: Vec<_> = el.components().skip(from).collect();
        raws.into_iter()
            .map(|v| self.decode(seg, &v.bytes()))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Decodes bytes of `seg`, reporting a repertoire problem once per segment.
    pub fn decode(&mut self, seg: &Segment, bytes: &[u8]) -> String {
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
        s.trim().to_string()
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
            self.warn(seg, format!("The {what} is not a valid YYMMDD date and was left out."));
        }
        d
    }

    /// A `DDMMMYY` date from SSR free text, reported like [`Reader::ymd`].
    pub fn dmmmy(&mut self, seg: &Segment, value: &str, pivot: Pivot, what: &str) -> Option<String> {
        if value.trim().is_empty() {
            return None;
        }
        let d = dates::dmmmy(value, pivot, self.today);
        if d.is_none() {
            self.warn(seg, format!("The {what} is not a valid DDMMMYY date and was left out."));
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
            self.warn(seg, format!("The {what} is not a valid DDMMYY date and was left out."));
        }
        d
    }
}
