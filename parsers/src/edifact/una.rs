//! Reading the service string advice `UNA`, including the broken ones met in real traffic
//! (reference/messages.md §1.1): an 8-character UNA missing its decimal mark, a UTF-8 curly
//! quote declared as terminator while the body uses `'`, a white-space terminator.

use nom::bytes::complete::{tag, take};
use nom::multi::count;
use nom::IResult;

use super::delimiters::{Delim, Delimiters};

/// What reading a UNA produced.
#[derive(Debug, Clone)]
pub struct Una {
    /// The service characters to use.
    pub delimiters: Delimiters,
    /// Offset just after the UNA (where the first segment may begin).
    pub end: usize,
    /// A sentence when the UNA had to be repaired or was ignored.
    pub problem: Option<String>,
}

/// One service character: an ASCII byte or a whole UTF-8 sequence.
fn service_char(input: &[u8]) -> IResult<&[u8], &[u8]> {
    let n = match input.first() {
        Some(0xC2..=0xDF) => 2,
        Some(0xE0..=0xEF) => 3,
        Some(0xF0..=0xF4) => 4,
        _ => 1,
    };
    take(n.min(input.len().max(1)))(input)
}

/// `UNA` followed by six service characters.
fn una_chars(input: &[u8]) -> IResult<&[u8], Vec<&[u8]>> {
    let (input, _) = tag("UNA")(input)?;
    count(service_char, 6)(input)
}

fn from_six(c: &[&[u8]]) -> Delimiters {
    let release = Delim::from_slice(c[3]);
    Delimiters {
        component: Delim::from_slice(c[0]),
        element: Delim::from_slice(c[1]),
        release: if release.is_space() {
            None
        } else {
            Some(release)
        },
        terminator: Delim::from_slice(c[5]),
        repetition: None,
    }
}

/// Whether `d` can be the service characters of the data that follow `rest`.
fn usable(d: &Delimiters, rest: &[u8]) -> bool {
    !d.terminator.is_space()
        && !d.component.is_space()
        && !d.element.is_space()
        && d.distinct()
        // A window keeps a buffer of many broken UNAs linear.
        && contains(&rest[..rest.len().min(1 << 16)], d.terminator.as_bytes())
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// Reads the UNA that starts at `buf[at..]` (which must begin with `UNA`).
pub fn read(buf: &[u8], at: usize) -> Una {
    let input = &buf[at..];
    let standard = una_chars(input)
        .ok()
        .map(|(rest, chars)| (from_six(&chars), buf.len() - rest.len()));
    if let Some((d, end)) = standard {
        if usable(&d, &buf[end..]) {
            return Una {
                delimiters: d,
                end,
                problem: None,
            };
        }
    }
    // The characters between "UNA" and the interchange header are the real service string
    // whatever its length: the last one is the terminator that precedes UNB/UNH.
    if let Some((d, end, n)) = repaired(buf, at) {
        if usable(&d, &buf[end..]) {
            return Una {
                delimiters: d,
                end,
                problem: Some(format!(
                    "The UNA service string advice has {n} characters instead of 6; it was read as \
                     component '{}', element '{}', terminator '{}'.",
                    show(&d.component),
                    show(&d.element),
                    show(&d.terminator)
                )),
            };
        }
    }
    if let Some((mut d, end)) = standard {
        // A non-ASCII terminator the body never uses: senders meant the ASCII apostrophe.
        d.terminator = Delim::byte(b'\'');
        if usable(&d, &buf[end..]) {
            return Una {
                delimiters: d,
                end,
                problem: Some(
                    "The terminator declared in UNA never occurs in the interchange; the \
                     apostrophe (') was used instead."
                        .to_string(),
                ),
            };
        }
    }
    let end = (at + 9).min(buf.len());
    Una {
        delimiters: Delimiters::default(),
        end,
        problem: Some(
            "The UNA service string advice is unusable; the default separators were used."
                .to_string(),
        ),
    }
}

fn show(d: &Delim) -> String {
    String::from_utf8_lossy(d.as_bytes()).into_owned()
}

/// Service string read as "everything up to the next UNB/UNH": returns the delimiters, the offset
/// where the segments begin and how many characters the UNA had.
fn repaired(buf: &[u8], at: usize) -> Option<(Delimiters, usize, usize)> {
    let start = at + 3;
    let window = &buf[start..buf.len().min(start + 32)];
    let header = window.windows(3).position(|w| w == b"UNB" || w == b"UNH")?;
    let mut s = &window[..header];
    while let [rest @ .., b' ' | b'\t' | b'\r' | b'\n'] = s {
        s = rest;
    }
    let mut chars = Vec::new();
    let mut rest = s;
    while !rest.is_empty() {
        let (r, c) = service_char(rest).ok()?;
        chars.push(c);
        rest = r;
    }
    let n = chars.len();
    if !(3..=7).contains(&n) {
        return None;
    }
    let component = Delim::from_slice(chars[0]);
    let element = Delim::from_slice(chars[1]);
    let terminator = Delim::from_slice(chars[n - 1]);
    // Of the middle characters, a '.' or ',' in third place is the decimal mark; the next one is
    // the release character.
    let middle: Vec<&[u8]> = chars[2..n - 1].to_vec();
    let release = match middle.as_slice() {
        [] => None,
        [d, r, ..] if *d == b"." || *d == b"," => Some(*r),
        [d] if *d == b"." || *d == b"," => None,
        [r, ..] => Some(*r),
    }
    .map(Delim::from_slice)
    .filter(|r| !r.is_space());
    Some((
        Delimiters {
            component,
            element,
            release,
            terminator,
            repetition: None,
        },
        start + header,
        n,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_una() {
        let b = b"UNA:+.? 'UNB+UNOA:4'";
        let u = read(b, 0);
        assert_eq!(u.delimiters, Delimiters::default());
        assert_eq!(u.end, 9);
        assert!(u.problem.is_none());
    }

    #[test]
    fn non_default_separators() {
        let b = b"UNA:-.? *UNB-IATA:1*";
        let u = read(b, 0);
        assert_eq!(u.delimiters.element, Delim::byte(b'-'));
        assert_eq!(u.delimiters.terminator, Delim::byte(b'*'));
        assert_eq!(u.delimiters.release, Some(Delim::byte(b'?')));
        assert!(u.problem.is_none());
    }

    #[test]
    fn eight_character_una_is_repaired() {
        let b = b"UNA:+\\*'\nUNB+IATA:1+1A'UNH+1'";
        let u = read(b, 0);
        assert_eq!(u.delimiters.terminator, Delim::byte(b'\''));
        assert_eq!(u.delimiters.release, Some(Delim::byte(b'\\')));
        assert_eq!(&b[u.end..u.end + 3], b"UNB");
        assert!(u.problem.is_some());
    }

    #[test]
    fn curly_quote_terminator_falls_back_to_apostrophe() {
        let b = "UNA:+.\\*\u{2019} UNB+IATA:1+1A'UNH+1'".as_bytes();
        let u = read(b, 0);
        assert_eq!(u.delimiters.terminator, Delim::byte(b'\''));
        assert_eq!(u.delimiters.release, Some(Delim::byte(b'\\')));
        assert!(u.problem.is_some());
    }

    #[test]
    fn curly_quote_terminator_is_honoured_when_used() {
        let b = "UNA:+.?*\u{2019}UNB+IATA:1+1A\u{2019}UNH+1\u{2019}".as_bytes();
        let u = read(b, 0);
        assert_eq!(u.delimiters.terminator.as_bytes(), "\u{2019}".as_bytes());
        assert!(u.problem.is_none());
    }

    #[test]
    fn truncated_una_does_not_panic() {
        for b in [&b"UNA"[..], b"UNA:", b"UNA:+.? "] {
            let u = read(b, 0);
            assert!(u.end <= b.len());
        }
    }
}
