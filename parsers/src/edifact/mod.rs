//! The UN/EDIFACT syntax layer (ISO 9735 as met in API and PNR traffic): finding the data in a
//! buffer, the service string advice, a nom tokenizer on bytes, envelopes and control counts,
//! and decoding values per the declared character repertoire.
//!
//! Nothing here knows PAXLST or PNRGOV; [`read`] yields [`RawMessage`]s that the message readers
//! interpret through a [`Reader`].

pub mod buffer;
pub mod charset;
pub mod dates;
pub mod delimiters;
pub mod envelope;
pub mod locate;
pub mod reader;
pub mod segment;
pub mod tokenizer;
pub mod una;

pub use buffer::{read, read_with, ReadOptions, Repetition};
pub use charset::Charset;
pub use delimiters::{Delim, Delimiters};
pub use envelope::{InterchangeInfo, MessageHeader, RawMessage, Read, Segments};
pub use reader::Reader;
pub use segment::{Element, Segment, Value};

use crate::model::{Diagnostic, Severity};

/// `str::trim`, without decoding a character when the text starts and ends with printable
/// ASCII (nearly every value: codes, names, dates), where there is nothing to trim.
pub fn trim(s: &str) -> &str {
    let printable = |b: Option<&u8>| b.is_some_and(|&b| b > b' ' && b < 0x80);
    if printable(s.as_bytes().first()) && printable(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}

/// A diagnostic about a segment.
pub fn diag(severity: Severity, seg: &Segment, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        segment: seg.tag_str(),
        position: seg.position,
        index: Some(seg.index),
        message,
    }
}

/// A diagnostic about a byte position outside any segment.
pub fn diag_at(severity: Severity, position: usize, message: String) -> Diagnostic {
    Diagnostic {
        severity,
        segment: String::new(),
        position,
        index: None,
        message,
    }
}

/// A code (qualifier, type) as a diagnostic may quote it: short and alphanumeric, else a
/// placeholder, so that a value misplaced into a code slot (a name, a number) never leaks.
pub fn shown_code(code: &str) -> String {
    if !code.is_empty() && code.len() <= 4 && code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        code.to_string()
    } else if code.is_empty() {
        "(empty)".to_string()
    } else {
        "(not a code)".to_string()
    }
}

/// A control reference (UNB/UNG/UNH 0020/0048/0062, at most 14 characters) as a diagnostic may
/// quote it.
pub fn shown_ref(r: &str) -> String {
    if r.len() <= 14 && r.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        r.to_string()
    } else {
        "(unprintable)".to_string()
    }
}
