//! Date and time formats of the messages, from the model's ISO strings.
//!
//! The model holds `YYYY-MM-DD` dates and `YYYY-MM-DDTHH:MM` local times; PAXLST wants `YYMMDD`
//! and `YYMMDDHHMM`, PNRGOV `DDMMYY` with `HHMM`, and AIRIMP free text (SSR DOCS) `DDMMMYY`.
//! A value that is not in the expected ISO shape is written as it is, so nothing is lost silently.

const MONTHS: [&[u8; 3]; 12] = [
    b"JAN", b"FEB", b"MAR", b"APR", b"MAY", b"JUN", b"JUL", b"AUG", b"SEP", b"OCT", b"NOV", b"DEC",
];

/// A converted date (a few bytes, kept on the stack: writers convert several per traveller), or
/// the model's value itself when it could not be read.
pub(crate) enum Text<'a> {
    Short([u8; 12], usize),
    Raw(&'a str),
}

impl std::ops::Deref for Text<'_> {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            // Only ASCII digits and month letters are ever put in.
            Text::Short(b, n) => std::str::from_utf8(&b[..*n]).unwrap_or(""),
            Text::Raw(s) => s,
        }
    }
}

impl Default for Text<'_> {
    fn default() -> Self {
        Text::Raw("")
    }
}

impl std::fmt::Display for Text<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self)
    }
}

fn short(parts: &[&[u8]]) -> Text<'static> {
    let mut b = [0u8; 12];
    let mut n = 0;
    for p in parts {
        b[n..n + p.len()].copy_from_slice(p);
        n += p.len();
    }
    Text::Short(b, n)
}

/// (YY, MM, DD) of `YYYY-MM-DD` (optionally followed by `THH:MM...`).
fn ymd(iso: &str) -> Option<(&[u8], &[u8], &[u8])> {
    let b = iso.as_bytes();
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if b.len() >= 10
        && digits(0..4)
        && b[4] == b'-'
        && digits(5..7)
        && b[7] == b'-'
        && digits(8..10)
    {
        Some((&b[2..4], &b[5..7], &b[8..10]))
    } else {
        None
    }
}

/// `HHMM` from the `THH:MM` part of an ISO date-time, if any.
fn hhmm(iso: &str) -> Option<[u8; 4]> {
    let b = iso.as_bytes();
    let ok = b.len() >= 16
        && matches!(b[10], b'T' | b' ')
        && b[11..13].iter().all(u8::is_ascii_digit)
        && b[13] == b':'
        && b[14..16].iter().all(u8::is_ascii_digit);
    ok.then(|| [b[11], b[12], b[14], b[15]])
}

/// `YYMMDD` (PAXLST DTM 329/36/182).
pub(crate) fn yymmdd(iso: &str) -> Text<'_> {
    match ymd(iso) {
        Some((y, m, d)) => short(&[y, m, d]),
        None => Text::Raw(iso),
    }
}

/// `YYMMDDHHMM` (PAXLST DTM 189/232, format 201); a date without time gets `0000`.
pub(crate) fn yymmddhhmm(iso: &str) -> Text<'_> {
    match ymd(iso) {
        Some((y, m, d)) => short(&[y, m, d, &hhmm(iso).unwrap_or(*b"0000")]),
        None => Text::Raw(iso),
    }
}

/// (`DDMMYY`, optional `HHMM`) for PNRGOV TVL, RCI and DAT.
pub(crate) fn ddmmyy_hhmm(iso: &str) -> (Text<'_>, Option<Text<'static>>) {
    match ymd(iso) {
        Some((y, m, d)) => (short(&[d, m, y]), hhmm(iso).map(|t| short(&[&t]))),
        None => (Text::Raw(iso), None),
    }
}

/// `DDMMMYY` (AIRIMP, inside SSR DOCS free text).
pub(crate) fn ddmmmyy(iso: &str) -> Text<'_> {
    let Some((y, m, d)) = ymd(iso) else {
        return Text::Raw(iso);
    };
    let month = usize::from(m[0] - b'0') * 10 + usize::from(m[1] - b'0');
    match month.checked_sub(1).and_then(|i| MONTHS.get(i)) {
        Some(mon) => short(&[d, &mon[..], y]),
        None => Text::Raw(iso),
    }
}

/// `YYMMDD` and `HHMM` of a local time, for the UNB/UNG preparation stamp.
pub(crate) fn stamp(iso: &str) -> Option<(String, String)> {
    let (y, m, d) = ymd(iso)?;
    let t = hhmm(iso).unwrap_or(*b"0000");
    let s = |parts: &[&[u8]]| short(parts).to_string();
    Some((s(&[y, m, d]), s(&[&t])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_each_format() {
        assert_eq!(&*yymmdd("1980-02-01"), "800201");
        assert_eq!(&*yymmddhhmm("2026-11-29T08:05"), "2611290805");
        assert_eq!(&*yymmddhhmm("2026-11-29"), "2611290000");
        let (d, t) = ddmmyy_hhmm("2026-11-29T23:40");
        assert_eq!((&*d, t.as_deref()), ("291126", Some("2340")));
        assert_eq!(&*ddmmmyy("1967-12-12"), "12DEC67");
        assert_eq!(
            stamp("2026-01-02T03:04"),
            Some(("260102".into(), "0304".into()))
        );
    }

    #[test]
    fn keeps_what_it_cannot_read() {
        assert_eq!(&*yymmdd("1980"), "1980");
        assert_eq!(&*ddmmmyy("1980-13-01"), "1980-13-01");
        assert_eq!(&*ddmmmyy("1980-00-01"), "1980-00-01");
        let (d, t) = ddmmyy_hhmm("soon");
        assert_eq!((&*d, t.is_none()), ("soon", true));
    }
}
