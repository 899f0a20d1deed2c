//! The whole buffer: where each interchange starts (after transport headers, log prefixes and
//! junk), which service characters it uses, and what lies between interchanges. Each
//! interchange is then tokenized and split into messages by [`super::envelope`].

use crate::model::{Diagnostic, Severity};

use super::delimiters::Delimiters;
use super::diag_at;
use super::envelope::{split_messages, Read};
use super::locate::{self, Start};
use super::tokenizer::{self, Finding};

/// Reads every interchange and message in `buf`.
pub fn read(buf: &[u8]) -> Read<'_> {
    let mut out = Read::default();
    // One check of the whole buffer (fast on long inputs) spares one per value.
    let text = if buf.is_ascii() {
        std::str::from_utf8(buf).ok()
    } else {
        None
    };
    let mut pos = 0;
    let mut first = true;
    loop {
        let found = locate::next_start(buf, pos).or_else(|| {
            if first {
                locate::fragment_start(buf)
            } else {
                None
            }
        });
        let Some((start, kind)) = found else {
            let rest = &buf[pos.min(buf.len())..];
            let junk = rest.iter().filter(|&&b| b > b' ').count();
            if first {
                out.diagnostics.push(diag_at(
                    Severity::Error,
                    pos,
                    "No EDIFACT segment was found: the data holds no UNA, UNB or UNH header."
                        .into(),
                ));
            } else if junk > 0 {
                out.diagnostics.push(diag_at(
                    Severity::Warning,
                    pos,
                    format!(
                        "{} bytes after the last interchange were ignored.",
                        rest.len()
                    ),
                ));
            }
            break;
        };
        let skipped = &buf[pos..start];
        if skipped
            .iter()
            .any(|&b| b > b' ' && b != 0x7F && !matches!(b, 0xEF | 0xBB | 0xBF))
        {
            let (sev, what) = if first {
                (
                    Severity::Info,
                    "before the first segment were skipped (transport header or log prefix)",
                )
            } else {
                (Severity::Warning, "between interchanges were ignored")
            };
            out.diagnostics.push(diag_at(
                sev,
                pos,
                format!("{} bytes {what}.", skipped.len()),
            ));
        }
        first = false;
        let (delims, seg_start) = if kind == Start::Una {
            let una = super::una::read(buf, start);
            if let Some(p) = una.problem {
                out.diagnostics.push(Diagnostic {
                    segment: "UNA".into(),
                    ..diag_at(Severity::Warning, start, p)
                });
            }
            (una.delimiters, una.end)
        } else {
            (Delimiters::default(), start)
        };
        let tokens = tokenizer::interchange(buf, seg_start, delims);
        let findings = tokens.findings.iter().map(|f| finding(buf, f)).collect();
        split_messages(&tokens.segments, kind, &mut out, findings);
        // max(): a start that yielded nothing must still move the search forward.
        pos = tokens.end.max(start + 3);
        if pos >= buf.len() {
            break;
        }
    }
    for m in &mut out.messages {
        m.buffer_text = text;
    }
    out
}

fn finding(buf: &[u8], f: &Finding) -> Diagnostic {
    let mut d = match *f {
        Finding::Junk { position, len } => diag_at(
            Severity::Error,
            position,
            format!("{len} bytes that do not start with a segment tag were skipped."),
        ),
        Finding::MissingTerminator { position } => diag_at(
            Severity::Warning,
            position,
            "The segment has no terminator; it was ended at the line break before the next segment.".into(),
        ),
        Finding::Unterminated { position, cut } if cut > 0 => diag_at(
            Severity::Warning,
            position,
            format!(
                "The data end inside this segment (no terminator); {cut} bytes after its first line \
                 break were ignored."
            ),
        ),
        Finding::Unterminated { position, .. } => diag_at(
            Severity::Warning,
            position,
            "The data end inside this segment (no terminator); it was read as complete.".into(),
        ),
    };
    if !matches!(f, Finding::Junk { .. }) {
        // The finding is about the segment that starts there: name it.
        let tag = buf.get(d.position..d.position + 3).unwrap_or_default();
        if tag
            .iter()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        {
            d.segment = String::from_utf8_lossy(tag).into_owned();
        }
    }
    d
}
