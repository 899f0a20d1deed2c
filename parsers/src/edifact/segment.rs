//! A tokenized segment and lazy, release-aware access to its elements and components.
//!
//! Nothing is split or copied until a reader asks for a value: most segments are read for two or
//! three values, and the throughput target (DESIGN.md, issue 2) rules out allocating per element.

use std::borrow::Cow;

use super::delimiters::{Delim, Delimiters};

/// One segment as it appears in the buffer.
#[derive(Debug, Clone, Copy)]
pub struct Segment<'a> {
    /// Segment tag (usually three upper-case characters), trimmed of the stray spaces some
    /// senders put after it (`UNG `).
    pub tag: &'a [u8],
    /// The bytes after the tag's element separator, up to (not including) the terminator.
    pub body: &'a [u8],
    /// Byte offset of the tag in the input buffer.
    pub position: usize,
    /// Zero-based index of the segment in its interchange.
    pub index: usize,
    /// The service characters in force.
    pub delims: Delimiters,
}

impl<'a> Segment<'a> {
    /// The tag as text; tags are ASCII in every message we read, anything else shows as `?`.
    pub fn tag_str(&self) -> String {
        self.tag
            .iter()
            .map(|&b| if b.is_ascii_graphic() { b as char } else { '?' })
            .collect()
    }

    /// Whether the tag is `t`.
    pub fn is(&self, t: &str) -> bool {
        self.tag == t.as_bytes()
    }

    /// Data element `i` (0 = the first after the tag); empty when absent.
    pub fn element(&self, i: usize) -> Element<'a> {
        let mut rest = self.body;
        for _ in 0..i {
            match split_once(rest, &self.delims.element, self.delims.release) {
                (_, Some(tail)) => rest = tail,
                (_, None) => {
                    return Element {
                        raw: &[],
                        delims: self.delims,
                        plain: true,
                    }
                }
            }
        }
        let (head, _) = split_once(rest, &self.delims.element, self.delims.release);
        Element {
            raw: head,
            delims: self.delims,
            plain: false,
        }
    }

    /// All data elements in order.
    pub fn elements(&self) -> impl Iterator<Item = Element<'a>> + 'a {
        let delims = self.delims;
        Splitter::new(self.body, delims.element, delims.release).map(move |raw| Element {
            raw,
            delims,
            plain: false,
        })
    }

    /// Number of data elements (trailing empty ones included).
    pub fn element_count(&self) -> usize {
        Splitter::new(self.body, self.delims.element, self.delims.release).count()
    }

    /// Shortcut: component `c` of element `e`.
    pub fn value(&self, e: usize, c: usize) -> Value<'a> {
        self.element(e).component(c)
    }

    /// Byte ranges (within [`Segment::body`]) of every data element, written into `out`: one
    /// pass, so that readers asking for several elements do not rescan the segment each time.
    pub fn element_ranges(&self, out: &mut Vec<(usize, usize)>) {
        self.split_ranges(out);
    }

    /// [`Segment::element_ranges`], also telling whether the body is *plain*: no release
    /// character and no line break anywhere, so that every value of it can be borrowed as it is
    /// and split without release handling. Same splitting rules as [`split_once`], in the same
    /// single pass that finds the boundaries (most segments are plain: this is what spares a
    /// second scan of every value read).
    pub fn split_ranges(&self, out: &mut Vec<(usize, usize)>) -> bool {
        out.clear();
        let body = self.body;
        let sep = self.delims.element;
        let s0 = sep.first();
        let release = self.delims.release;
        // Without a release character the separator stands in, as in `split_once`.
        let r0 = release.map_or(s0, |r| r.first());
        let mut plain = true;
        let mut start = 0;
        let mut i = 0;
        while i < body.len() {
            let b = body[i];
            if b == r0 {
                if let Some(r) = release.filter(|r| r.starts(&body[i..])) {
                    plain = false;
                    let next = i + r.len();
                    i = next + body.get(next).map_or(0, |&b| char_len(b));
                    continue;
                }
            }
            if b == s0 && sep.starts(&body[i..]) {
                out.push((start, i));
                i += sep.len();
                start = i;
                continue;
            }
            if b == b'\n' || b == b'\r' {
                plain = false;
            }
            i += 1;
        }
        out.push((start, body.len().max(start)));
        plain
    }

    /// The element at a range returned by [`Segment::element_ranges`].
    pub fn element_at(&self, range: (usize, usize)) -> Element<'a> {
        let raw = self.body.get(range.0..range.1).unwrap_or_default();
        Element {
            raw,
            delims: self.delims,
            plain: false,
        }
    }

    /// The element at a range of a segment [`Segment::split_ranges`] found plain: its values
    /// are borrowed without looking for release characters or line breaks.
    pub(crate) fn plain_element_at(&self, range: (usize, usize)) -> Element<'a> {
        Element {
            plain: true,
            ..self.element_at(range)
        }
    }
}

/// A data element: one or more components.
#[derive(Debug, Clone, Copy)]
pub struct Element<'a> {
    /// Raw bytes, still escaped.
    pub raw: &'a [u8],
    delims: Delimiters,
    /// No release character and no line break inside (see [`Segment::split_ranges`]).
    plain: bool,
}

impl<'a> Element<'a> {
    /// Component `i`; empty when absent.
    pub fn component(&self, i: usize) -> Value<'a> {
        // In a plain element no release character can hide a separator.
        let release = if self.plain {
            None
        } else {
            self.delims.release
        };
        let empty = Value {
            raw: &[],
            release: self.delims.release,
            plain: true,
        };
        if self.raw.is_empty() && i > 0 {
            return empty;
        }
        if self.plain && self.delims.component.len() == 1 {
            // Nothing is escaped: a plain byte split finds the same components, without the
            // release bookkeeping of `split_once` (the common case, and the hot one).
            let c0 = self.delims.component.first();
            return match self.raw.split(|&b| b == c0).nth(i) {
                Some(raw) => Value {
                    raw,
                    release: self.delims.release,
                    plain: true,
                },
                None => empty,
            };
        }
        let mut rest = self.raw;
        for _ in 0..i {
            match split_once(rest, &self.delims.component, release) {
                (_, Some(tail)) => rest = tail,
                (_, None) => return empty,
            }
        }
        let (head, _) = split_once(rest, &self.delims.component, release);
        Value {
            raw: head,
            release: self.delims.release,
            plain: self.plain,
        }
    }

    /// All components in order.
    pub fn components(&self) -> impl Iterator<Item = Value<'a>> + 'a {
        let release = self.delims.release;
        let plain = self.plain;
        Splitter::new(self.raw, self.delims.component, release.filter(|_| !plain)).map(move |raw| {
            Value {
                raw,
                release,
                plain,
            }
        })
    }

    /// The occurrences of a repeating data element, split on the repetition separator when
    /// one was asked for ([`super::ReadOptions::repetition`]); otherwise, and for an element
    /// that does not repeat, the element itself. Release characters escape the separator.
    pub fn repetitions(&self) -> Vec<Element<'a>> {
        match self.delims.repetition {
            None => vec![*self],
            Some(r) => Splitter::new(self.raw, r, self.delims.release)
                .map(|raw| Element { raw, ..*self })
                .collect(),
        }
    }

    /// Whether the element holds nothing but separators and line breaks.
    pub fn is_empty(&self) -> bool {
        self.components().all(|v| v.is_empty())
    }
}

/// A simple data element value, still escaped until [`Value::bytes`] is called.
#[derive(Debug, Clone, Copy)]
pub struct Value<'a> {
    /// Raw bytes as in the buffer.
    pub raw: &'a [u8],
    release: Option<Delim>,
    /// Known to hold no release character and no line break: [`Value::bytes`] borrows at once.
    plain: bool,
}

impl<'a> Value<'a> {
    /// A value known to hold no release character and no line break (see
    /// [`Segment::split_ranges`]): [`Value::bytes`] borrows it as it is.
    pub(crate) fn plain(raw: &'a [u8], release: Option<Delim>) -> Self {
        Value {
            raw,
            release,
            plain: true,
        }
    }

    /// A value that may hold release characters and line breaks: [`Value::bytes`] resolves
    /// them.
    pub(crate) fn escaped(raw: &'a [u8], release: Option<Delim>) -> Self {
        Value {
            raw,
            release,
            plain: false,
        }
    }

    /// The value with release characters resolved and line breaks dropped (line breaks inside a
    /// segment are transport artefacts, reference/messages.md §1.4). Borrows when nothing changes.
    pub fn bytes(&self) -> Cow<'a, [u8]> {
        if self.plain {
            return Cow::Borrowed(self.raw);
        }
        let r0 = self.release.map_or(b'\n', |r| r.first());
        let needs_work = self
            .raw
            .iter()
            .any(|&b| b == b'\r' || b == b'\n' || b == r0);
        if !needs_work {
            return Cow::Borrowed(self.raw);
        }
        let mut out = Vec::with_capacity(self.raw.len());
        let mut i = 0;
        while i < self.raw.len() {
            let b = self.raw[i];
            if b == b'\r' || b == b'\n' {
                i += 1;
                continue;
            }
            if let Some(r) = self.release {
                if r.starts(&self.raw[i..]) {
                    let next = i + r.len();
                    // A release character as the very last byte is kept literally (lenient).
                    if next >= self.raw.len() {
                        out.extend_from_slice(&self.raw[i..]);
                        break;
                    }
                    let n = char_len(self.raw[next]).min(self.raw.len() - next);
                    out.extend_from_slice(&self.raw[next..next + n]);
                    i = next + n;
                    continue;
                }
            }
            out.push(b);
            i += 1;
        }
        Cow::Owned(out)
    }

    /// True when the value is empty or only line breaks.
    pub fn is_empty(&self) -> bool {
        self.raw.iter().all(|&b| b == b'\r' || b == b'\n')
    }
}

/// Length of the UTF-8 sequence a lead byte starts (1 for ASCII and for stray bytes), so that an
/// escaped multi-byte service character is released whole.
pub(crate) fn char_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// Splits `input` at the first unescaped `sep`: (head, Some(tail)) or (input, None).
fn split_once<'a>(
    input: &'a [u8],
    sep: &Delim,
    release: Option<Delim>,
) -> (&'a [u8], Option<&'a [u8]>) {
    let s0 = sep.first();
    let r0 = release.map(|r| r.first());
    // Without a release character the separator byte itself stands in, so the scan below looks
    // for one or two byte values only (the hot loop of value access).
    let r0b = r0.unwrap_or(s0);
    let mut i = 0;
    while i < input.len() {
        let Some(k) = input[i..].iter().position(|&b| b == s0 || b == r0b) else {
            break;
        };
        i += k;
        let b = input[i];
        if Some(b) == r0 && release.is_some_and(|r| r.starts(&input[i..])) {
            let next = i + release.map_or(1, |r| r.len());
            i = next + input.get(next).map_or(0, |&b| char_len(b));
            continue;
        }
        if b == s0 && sep.starts(&input[i..]) {
            return (&input[..i], Some(&input[i + sep.len()..]));
        }
        i += 1;
    }
    (input, None)
}

/// Iterator over the pieces of a slice separated by an unescaped separator.
struct Splitter<'a> {
    rest: Option<&'a [u8]>,
    sep: Delim,
    release: Option<Delim>,
}

impl<'a> Splitter<'a> {
    fn new(input: &'a [u8], sep: Delim, release: Option<Delim>) -> Self {
        Splitter {
            rest: Some(input),
            sep,
            release,
        }
    }
}

impl<'a> Iterator for Splitter<'a> {
    type Item = &'a [u8];
    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.rest?;
        let (head, tail) = split_once(rest, &self.sep, self.release);
        self.rest = tail;
        Some(head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(body: &'static [u8]) -> Segment<'static> {
        Segment {
            tag: b"NAD",
            body,
            position: 0,
            index: 0,
            delims: Delimiters::default(),
        }
    }

    #[test]
    fn elements_and_components_are_positional() {
        let s = seg(b"FL+++DOE:JOHN:WAYNE+20 MAIN ST");
        assert_eq!(&*s.value(0, 0).bytes(), b"FL");
        assert!(s.element(1).is_empty());
        assert_eq!(&*s.value(3, 1).bytes(), b"JOHN");
        assert_eq!(&*s.value(3, 2).bytes(), b"WAYNE");
        assert!(s.value(3, 3).is_empty());
        assert_eq!(&*s.value(4, 0).bytes(), b"20 MAIN ST");
        assert!(s.value(9, 0).is_empty());
        assert_eq!(s.element_count(), 5);
    }

    #[test]
    fn release_character_makes_separators_literal() {
        let s = seg(b"FL+++O?'LEARY:KRIS?+ANN?:X??");
        assert_eq!(&*s.value(3, 0).bytes(), b"O'LEARY");
        assert_eq!(&*s.value(3, 1).bytes(), b"KRIS+ANN:X?");
        assert_eq!(s.element_count(), 4);
    }

    #[test]
    fn line_breaks_inside_values_are_dropped() {
        let s = seg(b"FL+++VANDENBE\r\nRG:JO");
        assert_eq!(&*s.value(3, 0).bytes(), b"VANDENBERG");
    }

    #[test]
    fn repetitions_only_when_asked_for() {
        let mut s = seg(b"UNOA:4+APIS*ABE+X?*Y");
        assert_eq!(s.element(1).repetitions().len(), 1, "off by default");
        assert_eq!(&*s.value(1, 0).bytes(), b"APIS*ABE");
        s.delims.repetition = Some(Delim::byte(b'*'));
        let reps: Vec<_> = s.element(1).repetitions();
        assert_eq!(reps.len(), 2);
        assert_eq!(&*reps[0].component(0).bytes(), b"APIS");
        assert_eq!(&*reps[1].component(0).bytes(), b"ABE");
        // Escaped, the separator is data; and values themselves never split on it.
        assert_eq!(s.element(2).repetitions().len(), 1);
        assert_eq!(&*s.value(1, 0).bytes(), b"APIS*ABE");
    }

    #[test]
    fn trailing_release_is_kept() {
        let s = seg(b"A?");
        assert_eq!(&*s.value(0, 0).bytes(), b"A?");
    }
}
