//! The UN/EDIFACT syntax layer (ISO 9735 as met in API and PNR traffic): finding the data in a
//! buffer, the service string advice, a nom tokenizer on bytes, envelopes and control counts,
//! and decoding values per the declared character repertoire.
//!
//! Nothing here knows PAXLST or PNRGOV; [`read`] yields [`RawMessage`]s that the message readers
//! interpret through a [`Reader`].

pub mod charset;
pub mod dates;
pub mod delimiters;
pub mod envelope;
pub mod locate;
pub mod reader;
pub mod segment;
pub mod tokenizer;
pub mod una;

pub use charset::Charset;
pub use delimiters::{Delim, Delimiters};
pub use envelope::{read, InterchangeInfo, MessageHeader, RawMessage, Read};
pub use reader::Reader;
pub use segment::{Element, Segment, Value};

use crate::model::{Diagnostic, Severity};

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
    Diagnostic { severity, segment: String::new(), position, index: None, message }
}
