//! Envelopes: splitting a buffer into interchanges and messages, and checking the control counts
//! and references of UNT, UNE and UNZ (reference/messages.md §1.5). Every mismatch is a
//! diagnostic, never a failure: most real files get at least one of them wrong.

use crate::model::{Diagnostic, Part, Severity};

use compact_str::{format_compact, CompactString};

use std::ops::Range;
use std::sync::Arc;

use super::charset::Charset;
use super::locate::Start;
use super::segment::Segment;
use super::{diag, shown_ref};

/// What the interchange header says, shared by every message inside it.
#[derive(Debug, Clone, Default)]
pub struct InterchangeInfo {
    /// Syntax identifier and version, e.g. `UNOA` (S001 0001).
    pub syntax: Option<CompactString>,
    /// Sender identification (S002 0004), e.g. `APIS*ABE`.
    pub sender: Option<CompactString>,
    /// Recipient identification (S003 0010).
    pub recipient: Option<CompactString>,
    /// Interchange control reference (0020).
    pub reference: Option<CompactString>,
    /// Version from the functional group header (UNG S008), e.g. `D:05B`.
    pub group_version: Option<CompactString>,
}

/// The message header (UNH).
#[derive(Debug, Clone, Default)]
pub struct MessageHeader {
    /// Message reference number (0062).
    pub reference: CompactString,
    /// Message type (S009 0065), e.g. `PAXLST`.
    pub message_type: CompactString,
    /// Version and release (S009 0052:0054), e.g. `D:05B` or `11:1`.
    pub version: CompactString,
    /// Common access reference (0068): carriers put the flight here.
    pub common_access_ref: Option<CompactString>,
    /// Sequence of transfers (S010).
    pub part: Option<Part>,
}

/// The segments of one message: a range of its interchange's segments, which the messages of
/// that interchange share instead of each copying its own (a profiled 5 % of a parse of
/// generated manifests). Derefs to a slice.
#[derive(Debug, Clone)]
pub struct Segments<'a> {
    all: Arc<Vec<Segment<'a>>>,
    range: Range<usize>,
}

impl<'a> Segments<'a> {
    /// `range` of `all` (clamped to it).
    fn of(all: &Arc<Vec<Segment<'a>>>, range: Range<usize>) -> Self {
        let end = range.end.min(all.len());
        Segments {
            all: Arc::clone(all),
            range: range.start.min(end)..end,
        }
    }
}

impl<'a> From<Vec<Segment<'a>>> for Segments<'a> {
    fn from(v: Vec<Segment<'a>>) -> Self {
        let range = 0..v.len();
        Segments {
            all: Arc::new(v),
            range,
        }
    }
}

impl<'a> std::ops::Deref for Segments<'a> {
    type Target = [Segment<'a>];
    fn deref(&self) -> &[Segment<'a>] {
        &self.all[self.range.clone()]
    }
}

impl<'s, 'a> IntoIterator for &'s Segments<'a> {
    type Item = &'s Segment<'a>;
    type IntoIter = std::slice::Iter<'s, Segment<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// One message: its segments from UNH to UNT (both included when present) plus what the syntax
/// layer found wrong with it.
#[derive(Debug)]
pub struct RawMessage<'a> {
    /// The segments, in order.
    pub segments: Segments<'a>,
    /// `None` for a fragment without UNH.
    pub header: Option<MessageHeader>,
    /// The interchange the message came in (empty for a message without UNB).
    pub interchange: InterchangeInfo,
    /// How its values are encoded (from the UNB syntax identifier).
    pub charset: Charset,
    /// What the syntax layer found wrong (envelope counts, missing trailers, junk...).
    pub diagnostics: Vec<Diagnostic>,
    /// The whole buffer the message was read from, as text, when it is all ASCII (nearly all
    /// traffic): validated once, so that readers take values as slices of it instead of
    /// checking each value again.
    pub buffer_text: Option<&'a str>,
}

/// Everything found in a buffer.
#[derive(Debug, Default)]
pub struct Read<'a> {
    /// Messages in buffer order.
    pub messages: Vec<RawMessage<'a>>,
    /// Diagnostics that belong to no message (nothing found, junk between interchanges...).
    pub diagnostics: Vec<Diagnostic>,
}

fn text(seg: &Segment, e: usize, c: usize) -> CompactString {
    let v = seg.value(e, c).bytes();
    CompactString::from(String::from_utf8_lossy(&v).trim())
}

fn opt(s: CompactString) -> Option<CompactString> {
    (!s.is_empty()).then_some(s)
}

fn count(seg: &Segment, e: usize) -> Option<usize> {
    text(seg, e, 0).parse().ok()
}

/// Builder state for the message being collected: its segments are `segs[start..end]`, which
/// are contiguous (envelope segments never sit inside a message), so they are a range.
struct Open {
    start: usize,
    end: usize,
    header: MessageHeader,
    diagnostics: Vec<Diagnostic>,
}

/// Splits the segments of one interchange into messages and checks its envelopes; results
/// and findings go into `out`.
pub(super) fn split_messages<'a>(
    segs: Vec<Segment<'a>>,
    kind: Start,
    out: &mut Read<'a>,
    mut findings: Vec<Diagnostic>,
) {
    let all = Arc::new(segs);
    let segs: &[Segment<'a>] = &all;
    let mut info = InterchangeInfo::default();
    let mut charset = Charset::Ascii;
    let mut unb: Option<&Segment> = None;
    let mut unz_seen = false;
    let mut group: Option<(CompactString, usize)> = None; // UNG reference, messages in the group
    let mut groups = 0usize;
    let mut messages_here: Vec<RawMessage<'a>> = Vec::new();
    let mut open: Option<Open> = None;
    let mut stray: Vec<Segment<'a>> = Vec::new();
    let mut env_diags: Vec<Diagnostic> = Vec::new();

    let close = |open: &mut Option<Open>,
                 done: &mut Vec<RawMessage<'a>>,
                 info: &InterchangeInfo,
                 charset: Charset,
                 why: Option<&Segment>| {
        if let Some(mut m) = open.take() {
            if let Some(s) = why {
                m.diagnostics.push(diag(
                    Severity::Warning,
                    s,
                    format!(
                        "The message has no UNT trailer; it was read up to this {}.",
                        s.tag_str()
                    ),
                ));
            }
            done.push(RawMessage {
                segments: Segments::of(&all, m.start..m.end),
                header: Some(m.header),
                interchange: info.clone(),
                charset,
                diagnostics: m.diagnostics,
                buffer_text: None,
            });
        }
    };

    for (i, seg) in segs.iter().enumerate() {
        match seg.tag {
            b"UNB" => {
                if unb.is_some() || seg.index != 0 {
                    env_diags.push(diag(
                        Severity::Warning,
                        seg,
                        "A second UNB inside one interchange was ignored.".into(),
                    ));
                    continue;
                }
                unb = Some(seg);
                let syntax = text(seg, 0, 0);
                charset = Charset::from_syntax_id(&syntax);
                info.syntax = opt(syntax);
                info.sender = opt(text(seg, 1, 0));
                info.recipient = opt(text(seg, 2, 0));
                info.reference = opt(text(seg, 4, 0));
            }
            b"UNG" => {
                if let Some((r, _)) = group.take() {
                    env_diags.push(diag(
                        Severity::Warning,
                        seg,
                        format!("Functional group {} has no UNE trailer.", shown_ref(&r)),
                    ));
                }
                groups += 1;
                group = Some((text(seg, 4, 0), 0));
                let v = format_compact!("{}:{}", text(seg, 6, 0), text(seg, 6, 1));
                info.group_version = (v != ":").then_some(v);
            }
            b"UNH" => {
                close(&mut open, &mut messages_here, &info, charset, Some(seg));
                if let Some((_, n)) = group.as_mut() {
                    *n += 1;
                }
                open = Some(Open {
                    start: i,
                    end: i + 1,
                    header: header(seg),
                    diagnostics: Vec::new(),
                });
            }
            b"UNT" => match open.as_mut() {
                Some(m) => {
                    m.end = i + 1;
                    let actual = m.end - m.start;
                    match count(seg, 0) {
                        Some(n) if n != actual => m.diagnostics.push(diag(
                            Severity::Warning,
                            seg,
                            format!("UNT declares {n} segments but the message has {actual} (UNH and UNT included)."),
                        )),
                        None => m.diagnostics.push(diag(
                            Severity::Warning,
                            seg,
                            "UNT has no readable segment count.".into(),
                        )),
                        _ => {}
                    }
                    let r = text(seg, 1, 0);
                    if r.is_empty() {
                        m.diagnostics.push(diag(
                            Severity::Warning,
                            seg,
                            "UNT has no message reference.".into(),
                        ));
                    } else if r != m.header.reference {
                        m.diagnostics.push(diag(
                            Severity::Warning,
                            seg,
                            format!(
                                "UNT reference '{}' does not match the UNH reference '{}'.",
                                shown_ref(&r),
                                shown_ref(&m.header.reference)
                            ),
                        ));
                    }
                    close(&mut open, &mut messages_here, &info, charset, None);
                }
                None => env_diags.push(diag(
                    Severity::Warning,
                    seg,
                    "UNT without a UNH was ignored.".into(),
                )),
            },
            b"UNE" => {
                close(&mut open, &mut messages_here, &info, charset, Some(seg));
                match group.take() {
                    Some((r, n)) => {
                        if let Some(c) = count(seg, 0).filter(|&c| c != n) {
                            env_diags.push(diag(
                                Severity::Warning,
                                seg,
                                format!("UNE declares {c} messages but the group has {n}."),
                            ));
                        }
                        let r2 = text(seg, 1, 0);
                        if r2 != r {
                            env_diags.push(diag(
                                Severity::Warning,
                                seg,
                                format!(
                                    "UNE reference '{}' does not match the UNG reference '{}'.",
                                    shown_ref(&r2),
                                    shown_ref(&r)
                                ),
                            ));
                        }
                    }
                    None => env_diags.push(diag(
                        Severity::Warning,
                        seg,
                        "UNE without a UNG was ignored.".into(),
                    )),
                }
            }
            b"UNZ" => {
                close(&mut open, &mut messages_here, &info, charset, Some(seg));
                unz_seen = true;
                let (expected, what) = if groups > 0 {
                    (groups, "functional groups")
                } else {
                    (messages_here.len(), "messages")
                };
                if let Some(c) = count(seg, 0).filter(|&c| c != expected) {
                    env_diags.push(diag(
                        Severity::Warning,
                        seg,
                        format!("UNZ declares {c} {what} but the interchange has {expected}."),
                    ));
                }
                let r = text(seg, 1, 0);
                match &info.reference {
                    Some(r0) if *r0 != r => env_diags.push(diag(
                        Severity::Warning,
                        seg,
                        format!(
                            "UNZ reference '{}' does not match the UNB reference '{}'.",
                            shown_ref(&r),
                            shown_ref(r0)
                        ),
                    )),
                    None if unb.is_none() => {
                        env_diags.push(diag(Severity::Warning, seg, "UNZ without a UNB.".into()))
                    }
                    _ => {}
                }
            }
            _ => match open.as_mut() {
                Some(m) => m.end = i + 1,
                None => stray.push(*seg),
            },
        }
    }
    let last = segs.last();
    if open.is_some() {
        let mut m = open.take();
        if let (Some(o), Some(l)) = (m.as_mut(), last) {
            o.diagnostics.push(diag(
                Severity::Warning,
                l,
                "The message ends without a UNT trailer; it was read up to the end of the data."
                    .into(),
            ));
        }
        close(&mut m, &mut messages_here, &info, charset, None);
    }
    if let Some((r, _)) = group {
        if let Some(l) = last {
            env_diags.push(diag(
                Severity::Warning,
                l,
                format!("Functional group {} has no UNE trailer.", shown_ref(&r)),
            ));
        }
    }
    if unb.is_some() && !unz_seen {
        if let Some(l) = last {
            env_diags.push(diag(
                Severity::Warning,
                l,
                "The interchange has no UNZ trailer.".into(),
            ));
        }
    }
    if !stray.is_empty() {
        if messages_here.is_empty() {
            // A fragment: content segments without UNH. The message readers decide what it is.
            let first = stray[0];
            let mut d = Vec::new();
            if kind != Start::Fragment || unb.is_some() {
                d.push(diag(
                    Severity::Warning,
                    &first,
                    "Segments were found outside any UNH message.".into(),
                ));
            }
            messages_here.push(RawMessage {
                segments: stray.into(),
                header: None,
                interchange: info.clone(),
                charset,
                diagnostics: d,
                buffer_text: None,
            });
        } else {
            for s in &stray {
                env_diags.push(diag(
                    Severity::Error,
                    s,
                    "Segment outside any message (between UNT and the next UNH) was skipped."
                        .into(),
                ));
            }
        }
    }
    // Interchange-level findings go with its last message, so that the carrier sees them.
    findings.extend(env_diags);
    match messages_here.last_mut() {
        Some(m) => {
            m.diagnostics.extend(findings);
            m.diagnostics.sort_by_key(|d| d.position);
        }
        None => out.diagnostics.extend(findings),
    }
    out.messages.extend(messages_here);
}

/// Reads UNH: reference, S009 type/version, 0068 and S010.
fn header(seg: &Segment) -> MessageHeader {
    let sequence = text(seg, 3, 0);
    let flag = text(seg, 3, 1);
    let part = sequence.parse::<u32>().ok().map(|n| {
        let (first, last) = match flag.as_str() {
            "C" => (true, false),
            "F" => (n <= 1, true),
            // "01" alone: not marked as the first of several, so a whole message.
            _ => (n <= 1, n <= 1),
        };
        Part {
            sequence: n,
            first,
            last,
        }
    });
    let v = text(seg, 1, 1);
    let r = text(seg, 1, 2);
    MessageHeader {
        reference: text(seg, 0, 0),
        message_type: text(seg, 1, 0).to_ascii_uppercase(),
        version: if r.is_empty() {
            v
        } else {
            format_compact!("{v}:{r}")
        },
        common_access_ref: opt(text(seg, 2, 0)),
        part,
    }
}
