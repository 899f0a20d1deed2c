//! The nom tokenizer: bytes in, a flat stream of [`Segment`]s out. Grouping into messages is the
//! job of [`super::envelope`]; meaning is the job of the message readers.
//!
//! Policy (reference/messages.md §1.4): after a terminator, white space and control characters
//! are skipped; line breaks *inside* a segment are kept in the raw bytes and dropped when a value
//! is read. A line break followed by a known segment tag ends a segment whose terminator was
//! lost, and the last segment of a buffer ends at its first line break when no terminator
//! follows (junk after `UNZ`).

use nom::bytes::complete::take_while_m_n;
use nom::character::complete::space0;
use nom::IResult;

use super::delimiters::Delimiters;
use super::segment::Segment;

/// Tags of the messages we read plus the service segments: a line break followed by one of these
/// and a separator starts a new segment even when the terminator is missing.
const KNOWN_TAGS: &[&[u8; 3]] = &[
    b"UNA", b"UNB", b"UNG", b"UNH", b"UNT", b"UNE", b"UNZ", b"BGM", b"RFF", b"NAD", b"COM", b"CTA",
    b"TDT", b"LOC", b"DTM", b"ATT", b"MEA", b"GEI", b"FTX", b"EMP", b"NAT", b"DOC", b"CNT", b"PDT",
    b"UNS", b"MSG", b"ORG", b"TVL", b"EQN", b"SRC", b"RCI", b"SSR", b"DAT", b"IFT", b"ADD", b"EBD",
    b"TIF", b"FTI", b"REF", b"FAR", b"TKT", b"MON", b"PTK", b"TXD", b"FOP", b"TRA", b"RPI", b"APD",
    b"TRI", b"SSD", b"TBD", b"ABI", b"SAC", b"LTS",
];

/// Something the tokenizer noticed, turned into a diagnostic by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// Bytes that are not a segment were skipped.
    Junk {
        /// Where they start.
        position: usize,
        /// How many.
        len: usize,
    },
    /// A segment ended at a line break because its terminator was missing.
    MissingTerminator {
        /// Where the segment starts.
        position: usize,
    },
    /// The buffer ended inside a segment (no terminator).
    Unterminated {
        /// Where the segment starts.
        position: usize,
        /// Bytes dropped after the segment's first line break (0 when it had none).
        cut: usize,
    },
}

/// Result of tokenizing one interchange.
#[derive(Debug)]
pub struct Tokens<'a> {
    /// The segments, numbered from 0.
    pub segments: Vec<Segment<'a>>,
    /// Offset where tokenizing stopped (after `UNZ`, before a new interchange, or the end).
    pub end: usize,
    /// Damage noticed while tokenizing.
    pub findings: Vec<Finding>,
}

fn is_tag_byte(b: u8) -> bool {
    b.is_ascii_uppercase() || b.is_ascii_digit()
}

/// The segment tag: three upper-case letters or digits, then optional stray spaces.
fn tag(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let (rest, t) = take_while_m_n(3, 3, is_tag_byte)(input)?;
    let (rest, _) = space0(rest)?;
    Ok((rest, t))
}

/// Skips what may separate two segments: white space, control characters (Type B SOH/STX/ETX)
/// and a UTF-8 byte order mark.
fn skip_filler(input: &[u8]) -> usize {
    let mut i = 0;
    loop {
        match input.get(i) {
            Some(&b) if b <= b' ' || b == 0x7F => i += 1,
            Some(0xEF) if input[i..].starts_with(&[0xEF, 0xBB, 0xBF]) => i += 3,
            _ => return i,
        }
    }
}

/// Whether `input` (just after a line break) starts a known segment.
fn starts_known_segment(input: &[u8], d: &Delimiters) -> bool {
    let k = skip_filler(input);
    let s = &input[k..];
    if s.len() < 4 || !KNOWN_TAGS.iter().any(|t| s.starts_with(&t[..])) {
        return false;
    }
    let mut after = &s[3..];
    while let [b' ', rest @ ..] = after {
        after = rest;
    }
    d.element.starts(after) || d.terminator.starts(after)
}

/// What [`body`] found: the segment bytes and how the segment ended.
struct Scan<'a> {
    raw: &'a [u8],
    rest: &'a [u8],
    ended: End,
}

#[derive(PartialEq)]
enum End {
    Terminator,
    LineBreak,
    Eof,
}

/// The search for the bytes that can end a segment (terminator, release character, line
/// feed), set up once per interchange: `memchr3` prepares its vectors and picks its
/// implementation on every call, an eighth of the search for segments of some thirty bytes.
struct Stops {
    t0: u8,
    r0: u8,
    #[cfg(target_arch = "x86_64")]
    avx2: Option<memchr::arch::x86_64::avx2::memchr::Three>,
}

impl Stops {
    fn new(d: &Delimiters) -> Self {
        let t0 = d.terminator.first();
        // With no release character the terminator stands in for it.
        let r0 = d.release.map_or(t0, |r| r.first());
        Stops {
            t0,
            r0,
            #[cfg(target_arch = "x86_64")]
            avx2: memchr::arch::x86_64::avx2::memchr::Three::new(t0, r0, b'\n'),
        }
    }

    /// The first of the three bytes in `hay`.
    fn find(&self, hay: &[u8]) -> Option<usize> {
        #[cfg(target_arch = "x86_64")]
        if let Some(three) = &self.avx2 {
            return three.find(hay);
        }
        memchr::memchr3(self.t0, self.r0, b'\n', hay)
    }
}

/// Reads up to the next unescaped terminator (a nom-style parser over the runtime delimiters).
fn body<'a>(input: &'a [u8], d: &Delimiters, stops: &Stops) -> Scan<'a> {
    let t0 = d.terminator.first();
    let r0 = d.release.map(|r| r.first());
    let mut i = 0;
    while i < input.len() {
        // Jump to the next byte that can matter (memchr's SIMD search).
        let rest = &input[i..];
        let Some(k) = stops.find(rest) else {
            break;
        };
        i += k;
        let b = input[i];
        if Some(b) == r0 && d.release.is_some_and(|r| r.starts(&input[i..])) {
            i += d.release.map_or(1, |r| r.len()) + 1;
            continue;
        }
        if b == t0 && d.terminator.starts(&input[i..]) {
            return Scan {
                raw: &input[..i],
                rest: &input[i + d.terminator.len()..],
                ended: End::Terminator,
            };
        }
        if b == b'\n' {
            if starts_known_segment(&input[i + 1..], d) {
                return Scan {
                    raw: &input[..i],
                    rest: &input[i + 1..],
                    ended: End::LineBreak,
                };
            }
            // Skip the rest of this run of white space now: looking ahead again from each of
            // its line breaks would make a long run quadratic.
            let run = input[i + 1..]
                .iter()
                .take_while(|&&c| {
                    matches!(c, b'\n' | b'\r' | b' ' | b'\t') && c != t0 && Some(c) != r0
                })
                .count();
            i += 1 + run;
            continue;
        }
        i += 1;
    }
    Scan {
        raw: input,
        rest: &input[input.len()..],
        ended: End::Eof,
    }
}

/// Tokenizes one interchange starting at `buf[start..]` with delimiters `d`. Stops after `UNZ`,
/// before a `UNA` or `UNB` that opens another interchange, or at the end of the buffer.
/// Segments are numbered from 0 (a UNA is not a segment).
pub fn interchange<'a>(buf: &'a [u8], start: usize, d: Delimiters) -> Tokens<'a> {
    // Segments average 15 to 30 bytes (API person segments are short): reserving for the short
    // end up front avoids regrowing, and so copying, a large vector (a profiled 2 % of a parse).
    let mut segments =
        Vec::with_capacity((buf.len().saturating_sub(start) / 16).clamp(16, 1 << 20));
    let mut findings = Vec::new();
    let stops = Stops::new(&d);
    let mut pos = start.min(buf.len());
    loop {
        pos += skip_filler(&buf[pos..]);
        if pos >= buf.len() {
            break;
        }
        let input = &buf[pos..];
        let Ok((after_tag, t)) = tag(input) else {
            // Not a segment: skip to just past the next terminator and report the bytes.
            let scan = body(input, &d, &stops);
            let len = input.len() - scan.rest.len();
            findings.push(Finding::Junk { position: pos, len });
            pos += len.max(1);
            continue;
        };
        if !segments.is_empty() && (t == b"UNB" || (t == b"UNA" && after_tag.len() >= 6)) {
            break; // another interchange begins; the caller reports the missing UNZ
        }
        // A segment without data (`SRC'`) has no separator after its tag.
        let body_start = if d.element.starts(after_tag) {
            &after_tag[d.element.len()..]
        } else {
            after_tag
        };
        let mut scan = body(body_start, &d, &stops);
        if scan.ended == End::Eof {
            let trimmed_len = scan.raw.len() - trailing_space(scan.raw);
            let raw = &scan.raw[..trimmed_len];
            if let Some(nl) = raw.iter().position(|&b| b == b'\n' || b == b'\r') {
                findings.push(Finding::Unterminated {
                    position: pos,
                    cut: raw.len() - nl,
                });
                scan.raw = &raw[..nl];
            } else {
                findings.push(Finding::Unterminated {
                    position: pos,
                    cut: 0,
                });
                scan.raw = raw;
            }
        } else if scan.ended == End::LineBreak {
            findings.push(Finding::MissingTerminator { position: pos });
        }
        let index = segments.len();
        segments.push(Segment {
            tag: t,
            body: strip_cr(scan.raw),
            position: pos,
            index,
            delims: d,
        });
        pos = buf.len() - scan.rest.len();
        if t == b"UNZ" {
            break;
        }
    }
    Tokens {
        segments,
        end: pos.min(buf.len()),
        findings,
    }
}

fn trailing_space(s: &[u8]) -> usize {
    s.iter().rev().take_while(|&&b| b <= b' ').count()
}

/// A CR left before a line break that ended a segment belongs to the line break, not the value.
fn strip_cr(s: &[u8]) -> &[u8] {
    let mut s = s;
    while let [rest @ .., b'\r'] = s {
        s = rest;
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(t: &Tokens) -> Vec<String> {
        t.segments.iter().map(|s| s.tag_str()).collect()
    }

    #[test]
    fn one_line_and_crlf_files() {
        let b = b"UNB+UNOA:4+X'UNH+1+PAXLST'\r\n  BGM+745'\r\nUNT+3+1'UNZ+1+1'";
        let t = interchange(b, 0, Delimiters::default());
        assert_eq!(tags(&t), ["UNB", "UNH", "BGM", "UNT", "UNZ"]);
        assert_eq!(t.segments[2].position, 30);
        assert!(t.findings.is_empty());
    }

    #[test]
    fn stops_after_unz_and_leaves_junk() {
        let b = b"UNB+X'UNZ+1+1'\n13Nov09";
        let t = interchange(b, 0, Delimiters::default());
        assert_eq!(tags(&t), ["UNB", "UNZ"]);
        assert_eq!(&b[t.end..], b"\n13Nov09");
    }

    #[test]
    fn segment_broken_across_lines_stays_whole() {
        let b = b"UNH+1+PNRGOV:11:1:IA+AUTZ0006SIN201305\n28'MSG+:22'";
        let t = interchange(b, 0, Delimiters::default());
        assert_eq!(tags(&t), ["UNH", "MSG"]);
        assert_eq!(&*t.segments[0].value(2, 0).bytes(), b"AUTZ0006SIN20130528");
    }

    #[test]
    fn missing_terminator_before_known_tag() {
        let b = b"LTS+4/Z/1AINV RM SQ\nLTS+0/5/C'";
        let t = interchange(b, 0, Delimiters::default());
        assert_eq!(tags(&t), ["LTS", "LTS"]);
        assert_eq!(t.findings, vec![Finding::MissingTerminator { position: 0 }]);
    }

    #[test]
    fn unterminated_last_segment_is_cut_at_line_break() {
        let b = b"UNZ+1+00102181551362\n\nModify above message.";
        let t = interchange(b, 0, Delimiters::default());
        assert_eq!(&*t.segments[0].value(1, 0).bytes(), b"00102181551362");
        assert!(matches!(t.findings[0], Finding::Unterminated { cut, .. } if cut > 0));
    }

    #[test]
    fn tag_with_trailing_space() {
        let b = b"UNG *PAXLST*X$";
        use super::super::delimiters::Delim;
        let d = Delimiters {
            element: Delim::byte(b'*'),
            terminator: Delim::byte(b'$'),
            ..Delimiters::default()
        };
        let t = interchange(b, 0, d);
        assert_eq!(tags(&t), ["UNG"]);
        assert_eq!(&*t.segments[0].value(0, 0).bytes(), b"PAXLST");
    }
}
