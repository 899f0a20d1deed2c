//! Finding where EDIFACT data begin inside a larger buffer: after a Type B header, a log prefix,
//! a byte order mark or leading white space (reference/messages.md §1.7).

/// What opens the data found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// A service string advice.
    Una,
    /// An interchange header.
    Unb,
    /// A message header without an interchange around it.
    Unh,
    /// No service segment at all, but something shaped like a segment (`NAD+...`) at the start of
    /// a line: a fragment, read with the default separators.
    Fragment,
}

fn is_alnum(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// The first UNA, UNB or UNH at or after `from` that stands where a segment may begin (not in
/// the middle of a word) and is followed by a separator rather than more letters.
pub fn next_start(buf: &[u8], from: usize) -> Option<(usize, Start)> {
    let mut i = from;
    while i + 3 <= buf.len() {
        let rel = buf[i..].windows(2).position(|w| w == b"UN")?;
        i += rel;
        let &kind = buf.get(i + 2)?;
        let preceded_ok = i == 0 || !is_alnum(buf[i - 1]);
        if preceded_ok {
            match kind {
                b'A' if buf.len() >= i + 9 && !is_alnum(buf[i + 3]) => {
                    return Some((i, Start::Una))
                }
                b'B' | b'H' => {
                    let mut j = i + 3;
                    while buf.get(j) == Some(&b' ') {
                        j += 1;
                    }
                    if buf.get(j).is_some_and(|&b| !is_alnum(b) && b > b' ') {
                        return Some((i, if kind == b'B' { Start::Unb } else { Start::Unh }));
                    }
                }
                _ => {}
            }
        }
        i += 2;
    }
    None
}

/// A segment-shaped line (`ABC+`) at the start of the buffer or of a line, for buffers that hold
/// no service segment at all.
pub fn fragment_start(buf: &[u8]) -> Option<(usize, Start)> {
    let mut line_start = true;
    for i in 0..buf.len() {
        if line_start
            && buf.len() >= i + 4
            && buf[i..i + 3]
                .iter()
                .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit())
            && buf[i + 3] == b'+'
        {
            return Some((i, Start::Fragment));
        }
        line_start = matches!(buf[i], b'\n' | b'\r' | b' ' | b'\t' | b'\'')
            || (line_start && buf[i] == 0xEF);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_una_after_log_prefix() {
        let b = b"2024-05-01 INFO got message: UNA:+.? 'UNB+UNOA:4'";
        assert_eq!(next_start(b, 0), Some((29, Start::Una)));
    }

    #[test]
    fn skips_names_containing_un() {
        let b = b"NAD+FL+++DUNBAR:HUNH'UNH+1+PAXLST'";
        assert_eq!(next_start(b, 0), Some((21, Start::Unh)));
    }

    #[test]
    fn type_b_header_then_unb() {
        let b = b"\x01QK LONPPXS\r\n.MUCKMTS 250521\r\n\x02UNB+UNOA:4+X'";
        assert_eq!(next_start(b, 0), Some((31, Start::Unb)));
    }

    #[test]
    fn fragment() {
        assert_eq!(fragment_start(b"NAD+FL+++DOE'"), Some((0, Start::Fragment)));
        assert_eq!(fragment_start(b"hello"), None);
    }
}
