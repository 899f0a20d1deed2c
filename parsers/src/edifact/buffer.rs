//! The whole buffer: where each interchange starts (after transport headers, log prefixes and
//! junk), which service characters it uses, and what lies between interchanges. Each
//! interchange is then tokenized and split into messages by [`super::envelope`].

use crate::model::{Diagnostic, Severity};

use super::delimiters::{Delim, Delimiters};
use super::diag_at;
use super::envelope::{split_messages, Read};
use super::locate::{self, Start};
use super::tokenizer::{self, Finding};

/// Whether and where from the repetition separator (syntax version 4) is taken.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Repetition {
    /// Never (the default): PAXLST and PNRGOV do not repeat data elements, and real senders put
    /// `*` in plain data (`APIS*ABE`) under syntax version 4 (reference/messages.md §1.1).
    #[default]
    Off,
    /// The UNA's fifth service character, when a UNA gives one (not a space).
    FromUna,
    /// As ISO 9735 version 4 says: for interchanges whose UNB declares syntax version 4, the
    /// UNA's character, else `*`; a UNA with a space there means none.
    FromSyntaxVersion,
}

/// How [`read_with`] reads a buffer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The repetition separator; only [`super::Element::repetitions`] splits on it.
    pub repetition: Repetition,
}

/// Reads every interchange and message in `buf`.
pub fn read(buf: &[u8]) -> Read<'_> {
    read_with(buf, ReadOptions::default())
}

/// The repetition separator of the interchange starting at `start`: `None` when not asked
/// for or not declared, per [`Repetition`].
fn repetition(
    opts: ReadOptions,
    buf: &[u8],
    start: usize,
    una: Option<(usize, Delimiters)>,
    first: Option<&super::Segment>,
) -> Option<Delim> {
    // The UNA's character: Some(None) for a UNA that says "none" (space) or is not standard.
    let from_una = una.map(|(end, d)| {
        let b = *buf.get(start + 7)?;
        let taken = [
            Some(d.component),
            Some(d.element),
            d.release,
            Some(d.terminator),
        ];
        let clash = taken.iter().flatten().any(|x| x.as_bytes() == [b]);
        (end == start + 9 && b != b' ' && !clash).then(|| Delim::byte(b))
    });
    match opts.repetition {
        Repetition::Off => None,
        Repetition::FromUna => from_una.flatten(),
        Repetition::FromSyntaxVersion => {
            let v4 =
                first.is_some_and(|s| s.is("UNB") && s.value(0, 1).bytes().trim_ascii() == b"4");
            match from_una {
                _ if !v4 => None,
                Some(declared) => declared,
                None => Some(Delim::byte(b'*')),
            }
        }
    }
}

/// [`read`] with options (the repetition separator, off by default).
pub fn read_with(buf: &[u8], opts: ReadOptions) -> Read<'_> {
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
        let mut tokens = tokenizer::interchange(buf, seg_start, delims);
        if opts.repetition != Repetition::Off {
            let una = (kind == Start::Una).then_some((seg_start, delims));
            let rep = repetition(opts, buf, start, una, tokens.segments.first());
            for s in &mut tokens.segments {
                s.delims.repetition = rep;
            }
        }
        let findings = tokens.findings.iter().map(|f| finding(buf, f)).collect();
        split_messages(tokens.segments, kind, &mut out, findings);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn rep(text: &[u8], repetition: Repetition) -> Option<u8> {
        let r = read_with(text, ReadOptions { repetition });
        r.messages[0].segments[0]
            .delims
            .repetition
            .map(|d| d.first())
    }

    #[test]
    fn repetition_separator_by_option() {
        let v4 = b"UNB+UNOA:4+APIS*ABE+X+261129:0800+1'UNH+1+PAXLST'UNT+2+1'UNZ+1+1'";
        let v3 = b"UNB+UNOA:3+APIS*ABE+X+261129:0800+1'UNH+1+PAXLST'UNT+2+1'UNZ+1+1'";
        let una_space = b"UNA:+.? 'UNB+UNOA:4+A+X+261129:0800+1'UNH+1+PAXLST'UNT+2+1'UNZ+1+1'";
        let una_hash = b"UNA:+.?#'UNB+UNOA:3+A+X+261129:0800+1'UNH+1+PAXLST'UNT+2+1'UNZ+1+1'";
        for text in [&v4[..], v3, una_space, una_hash] {
            assert_eq!(rep(text, Repetition::Off), None, "off by default");
        }
        assert_eq!(rep(v4, Repetition::FromSyntaxVersion), Some(b'*'));
        assert_eq!(rep(v3, Repetition::FromSyntaxVersion), None);
        assert_eq!(rep(una_space, Repetition::FromSyntaxVersion), None);
        assert_eq!(rep(una_space, Repetition::FromUna), None);
        assert_eq!(rep(una_hash, Repetition::FromUna), Some(b'#'));
        assert_eq!(
            rep(una_hash, Repetition::FromSyntaxVersion),
            None,
            "version 3"
        );
        assert_eq!(rep(v4, Repetition::FromUna), None, "no UNA");
    }
}
