//! Date and time formats of API and PNR messages, normalised to ISO 8601 text
//! (reference/messages.md §1.8). Two-digit years need a century: dates of birth are never in the
//! future, document expiry and travel dates are taken in this century unless that puts them
//! absurdly far ahead.

use chrono::{Datelike, NaiveDate};
use compact_str::{format_compact, CompactString};

/// How a two-digit year is given its century.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pivot {
    /// Never after `today` (dates of birth, issue dates).
    Past,
    /// 20YY unless that is more than 50 years after `today` (expiry, travel).
    Future,
}

/// A calendar date as year, month and day, checked by [`valid`]. Dates are read and compared
/// as plain numbers: chrono's constructors and formatter were the largest single cost of a
/// typed parse, and these few rules (proleptic Gregorian, as chrono) are all a message needs.
pub(crate) type Ymd = (i32, u32, u32);

fn leap(y: i32) -> bool {
    y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)
}

/// Whether `(y, m, d)` is a day of the proleptic Gregorian calendar.
fn valid((y, m, d): Ymd) -> Option<Ymd> {
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap(y) => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m, d))
}

/// Up to 16 bytes of ASCII text being written (a date and a time), aligned to a word so that
/// `str::from_utf8` checks the whole buffer as two words instead of byte by byte: that check
/// was half the cost of writing a date.
#[repr(C, align(8))]
struct Ascii16([u8; 16]);

impl Ascii16 {
    /// The first `len` bytes as a `CompactString` (inline: at most 16 bytes).
    fn text(&self, len: usize) -> CompactString {
        // Every byte is ASCII (the unused ones are zero): this cannot fail.
        let s = std::str::from_utf8(&self.0).unwrap_or_default();
        CompactString::from(s.get(..len).unwrap_or_default())
    }
}

/// `YYYY-MM-DD`.
fn iso(date: Ymd) -> CompactString {
    let (y, m, d) = date;
    if !(0..=9999).contains(&y) {
        return format_compact!("{y:04}-{m:02}-{d:02}");
    }
    // Written into a buffer and copied once: the result is inline (at most 24 bytes, even with
    // a `THH:MM` appended by [`with_time`]), and pushing character by character costs more.
    let mut b = Ascii16([0; 16]);
    write_iso(&mut b, date);
    b.text(10)
}

/// `YYYY-MM-DD` into the first ten bytes of `b`, for a year of four digits.
fn write_iso(b: &mut Ascii16, (y, m, d): Ymd) {
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let y = y as u32;
    b.0[..10].copy_from_slice(&[
        digit(y / 1000),
        digit(y / 100),
        digit(y / 10),
        digit(y),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(d / 10),
        digit(d),
    ]);
}

/// [`with_time`] of the [`iso`] text of `date`, written at once rather than the date first and
/// then again with the time.
pub(crate) fn iso_at(date: Ymd, time: &str) -> CompactString {
    let t = super::trim(time);
    if !(0..=9999).contains(&date.0) || !hhmm_ok(t) {
        return with_time(iso(date), time);
    }
    let mut b = Ascii16([0; 16]);
    write_iso(&mut b, date);
    let h = t.as_bytes();
    b.0[10..].copy_from_slice(&[b'T', h[0], h[1], b':', h[2], h[3]]);
    b.text(16)
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The number written by ASCII digits (checked by the caller with [`digits`]).
fn num(b: &[u8]) -> u32 {
    b.iter().fold(0, |n, &c| n * 10 + u32::from(c - b'0'))
}

fn century(yy: i32, month: u32, day: u32, pivot: Pivot, today: NaiveDate) -> Option<Ymd> {
    let this = valid((2000 + yy, month, day));
    let last = valid((1900 + yy, month, day));
    match pivot {
        Pivot::Past => match this {
            Some(d) if d <= (today.year(), today.month(), today.day()) => Some(d),
            _ => last,
        },
        Pivot::Future => {
            if 2000 + yy > today.year() + 50 {
                last
            } else {
                this
            }
        }
    }
}

/// `YYMMDD` or `CCYYMMDD` → `YYYY-MM-DD`; `None` for anything else or an impossible date.
pub fn ymd(s: &str, pivot: Pivot, today: NaiveDate) -> Option<CompactString> {
    let s = super::trim(s);
    if !digits(s) {
        return None;
    }
    let b = s.as_bytes();
    let date = match b.len() {
        6 => century(
            num(&b[0..2]) as i32,
            num(&b[2..4]),
            num(&b[4..6]),
            pivot,
            today,
        )?,
        8 => valid((num(&b[0..4]) as i32, num(&b[4..6]), num(&b[6..8])))?,
        _ => return None,
    };
    Some(iso(date))
}

/// `DDMMYY` (PNRGOV) → `YYYY-MM-DD`.
pub fn dmy(s: &str, pivot: Pivot, today: NaiveDate) -> Option<CompactString> {
    dmy_date(s, pivot, today).map(iso)
}

/// The date of [`dmy`], not yet written (see [`iso_at`]).
pub(crate) fn dmy_date(s: &str, pivot: Pivot, today: NaiveDate) -> Option<Ymd> {
    let s = super::trim(s);
    if !digits(s) || s.len() != 6 {
        return None;
    }
    let b = s.as_bytes();
    let (dd, mm, yy) = (num(&b[0..2]), num(&b[2..4]), num(&b[4..6]));
    century(yy as i32, mm, dd, pivot, today)
}

#[cfg(test)]
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];

/// `JAN` → 1 … `DEC` → 12, any case, with one comparison (a test checks it against `MONTHS`).
fn month_number(m: &str) -> Option<u32> {
    let [a, b, c] = <[u8; 3]>::try_from(m.as_bytes()).ok()?;
    let n = match [a, b, c].map(|x| x.to_ascii_uppercase()) {
        [b'J', b'A', b'N'] => 1,
        [b'F', b'E', b'B'] => 2,
        [b'M', b'A', b'R'] => 3,
        [b'A', b'P', b'R'] => 4,
        [b'M', b'A', b'Y'] => 5,
        [b'J', b'U', b'N'] => 6,
        [b'J', b'U', b'L'] => 7,
        [b'A', b'U', b'G'] => 8,
        [b'S', b'E', b'P'] => 9,
        [b'O', b'C', b'T'] => 10,
        [b'N', b'O', b'V'] => 11,
        [b'D', b'E', b'C'] => 12,
        _ => return None,
    };
    Some(n)
}

/// AIRIMP `DDMMMYY` (SSR free text, e.g. `12JUL64`) → `YYYY-MM-DD`. A four-digit year is accepted.
pub fn dmmmy(s: &str, pivot: Pivot, today: NaiveDate) -> Option<CompactString> {
    let s = super::trim(s);
    if !s.is_ascii() || !(s.len() == 7 || s.len() == 9) {
        return None;
    }
    let dd = s.get(0..2).filter(|d| digits(d))?;
    let month = s.get(2..5)?;
    let mm = month_number(month)?;
    let y = s.get(5..).filter(|d| digits(d))?;
    let (dd, yn) = (num(dd.as_bytes()), num(y.as_bytes()));
    let date = if y.len() == 2 {
        century(yn as i32, mm, dd, pivot, today)?
    } else {
        valid((yn as i32, mm, dd))?
    };
    Some(iso(date))
}

/// `HHMM` → `HH:MM`.
pub fn hhmm(s: &str) -> Option<CompactString> {
    let s = super::trim(s);
    if !digits(s) || s.len() != 4 {
        return None;
    }
    let b = s.as_bytes();
    let (h, m) = (num(&b[0..2]), num(&b[2..4]));
    if h >= 24 || m >= 60 {
        return None;
    }
    let b = s.as_bytes();
    CompactString::from_utf8([b[0], b[1], b':', b[2], b[3]]).ok()
}

/// `date` with `THH:MM` appended when `time` is a valid `HHMM` ([`hhmm`]), else `date` as it is.
pub fn with_time(mut date: CompactString, time: &str) -> CompactString {
    let t = super::trim(time);
    if hhmm_ok(t) {
        let b = t.as_bytes();
        let time = [b'T', b[0], b[1], b':', b[2], b[3]];
        if date.len() == 10 {
            // A date of [`iso`]: the whole text written once.
            let mut out = Ascii16([0; 16]);
            out.0[..10].copy_from_slice(date.as_bytes());
            out.0[10..].copy_from_slice(&time);
            return out.text(16);
        }
        // One append: `push` per character costs more than the copy.
        date.push_str(std::str::from_utf8(&time).unwrap_or_default());
    }
    date
}

fn hhmm_ok(s: &str) -> bool {
    if !digits(s) || s.len() != 4 {
        return false;
    }
    let b = s.as_bytes();
    num(&b[0..2]) < 24 && num(&b[2..4]) < 60
}

/// A DTM C507 value by its format code: `201` `YYMMDDHHMM`, `203` `CCYYMMDDHHMM`, `102`
/// `CCYYMMDD`, and `204`/`303` (seconds or a time zone after `CCYYMMDDHHMM`, dropped: the
/// contract keeps local times); without a code the length decides. Result `YYYY-MM-DDTHH:MM` or
/// `YYYY-MM-DD`.
pub fn dtm(value: &str, format: &str, today: NaiveDate) -> Option<CompactString> {
    let v = super::trim(value);
    // Dates are digits; anything else (and slicing multi-byte text by length) is not a date.
    if !v.is_ascii() {
        return None;
    }
    let v = match format.trim() {
        "204" | "303" | "305" if v.len() > 12 && v.is_char_boundary(12) => &v[..12],
        _ => v,
    };
    let format = if matches!(format.trim(), "204" | "303" | "305") {
        "203"
    } else {
        format
    };
    let (date_len, has_time) = match (format.trim(), v.len()) {
        ("201", _) | ("", 10) => (6, true),
        ("203", _) | ("", 12) => (8, true),
        ("102", _) | ("", 8) => (8, false),
        ("101", _) | ("", 6) => (6, false),
        _ => return None,
    };
    if v.len() != date_len + if has_time { 4 } else { 0 } {
        return None;
    }
    let d = ymd(&v[..date_len], Pivot::Future, today)?;
    if has_time {
        hhmm_ok(&v[date_len..]).then(|| with_time(d, &v[date_len..]))
    } else {
        Some(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    #[test]
    fn date_and_time_written_at_once() {
        for date in [(2026, 11, 29), (1999, 1, 2), (10000, 1, 1), (-1, 12, 31)] {
            for time in ["1220", " 0005 ", "2460", "12", "", "12:20"] {
                assert_eq!(
                    iso_at(date, time),
                    with_time(iso(date), time),
                    "{date:?} {time}"
                );
            }
        }
    }

    #[test]
    fn month_names_any_case() {
        for (i, m) in MONTHS.iter().enumerate() {
            let want = Some(i as u32 + 1);
            assert_eq!(month_number(m), want);
            assert_eq!(month_number(&m.to_ascii_lowercase()), want);
            assert_eq!(month_number(&m[..2]), None);
        }
        assert_eq!(month_number("JUX"), None);
    }

    #[test]
    fn birth_dates_are_never_in_the_future() {
        assert_eq!(
            ymd("570121", Pivot::Past, today()).as_deref(),
            Some("1957-01-21")
        );
        assert_eq!(
            ymd("130414", Pivot::Past, today()).as_deref(),
            Some("2013-04-14")
        );
        assert_eq!(
            ymd("261128", Pivot::Past, today()).as_deref(),
            Some("2026-11-28")
        );
        assert_eq!(
            ymd("261130", Pivot::Past, today()).as_deref(),
            Some("1926-11-30")
        );
        assert_eq!(
            ymd("19350919", Pivot::Past, today()).as_deref(),
            Some("1935-09-19")
        );
    }

    #[test]
    fn expiry_dates_are_this_century() {
        assert_eq!(
            ymd("300101", Pivot::Future, today()).as_deref(),
            Some("2030-01-01")
        );
        assert_eq!(
            ymd("081021", Pivot::Future, today()).as_deref(),
            Some("2008-10-21")
        );
        assert_eq!(
            ymd("950130", Pivot::Future, today()).as_deref(),
            Some("1995-01-30")
        );
    }

    #[test]
    fn impossible_dates_are_none() {
        assert_eq!(ymd("502010", Pivot::Past, today()), None);
        assert_eq!(ymd("", Pivot::Past, today()), None);
        assert_eq!(ymd("5701X1", Pivot::Past, today()), None);
        assert_eq!(dmmmy("31FEB80", Pivot::Past, today()), None);
    }

    #[test]
    fn airimp_and_pnr_dates() {
        assert_eq!(
            dmmmy("12JUL64", Pivot::Past, today()).as_deref(),
            Some("1964-07-12")
        );
        assert_eq!(
            dmmmy("01jan30", Pivot::Future, today()).as_deref(),
            Some("2030-01-01")
        );
        assert_eq!(
            dmy("270513", Pivot::Future, today()).as_deref(),
            Some("2013-05-27")
        );
    }

    #[test]
    fn dtm_formats() {
        assert_eq!(
            dtm("0704291230", "201", today()).as_deref(),
            Some("2007-04-29T12:30")
        );
        assert_eq!(
            dtm("200412301530", "203", today()).as_deref(),
            Some("2004-12-30T15:30")
        );
        assert_eq!(
            dtm("20041230", "102", today()).as_deref(),
            Some("2004-12-30")
        );
        assert_eq!(dtm("0704292460", "201", today()), None);
        assert_eq!(
            dtm("200704291230+01", "303", today()).as_deref(),
            Some("2007-04-29T12:30")
        );
    }
}
