//! TVL (travel product: dates, airports, carriers, flight number) and its date formats.

use crate::edifact::dates::{self, Pivot};
use crate::edifact::{Delimiters, Reader, Segment as Seg};
use crate::model::{Leg, Segment};
use compact_str::CompactString;

/// Departure and arrival of a TVL C310 (`DDMMYY:HHMM:DDMMYY:HHMM`); senders also write the
/// arrival time alone in the third place (`280918:1220:1505`) or leave the arrival date out.
pub fn times<'a>(
    r: &mut Reader<'a>,
    seg: &Seg<'a>,
) -> (Option<CompactString>, Option<CompactString>) {
    // Borrowed: only the reformatted dates are kept.
    let dd = r.str(seg, 0, 0);
    let dt = r.str(seg, 0, 1);
    let ad = r.str(seg, 0, 2);
    let at = r.str(seg, 0, 3);
    let dep_date = dates::dmy_date(&dd, Pivot::Future, r.today);
    if dep_date.is_none() && !dd.is_empty() {
        r.warn(
            seg,
            "The TVL departure date is not a valid DDMMYY date; it was left out.".into(),
        );
    }
    // Each date written once, with its time.
    let join = |d: Option<dates::Ymd>, t: &str| d.map(|d| dates::iso_at(d, t));
    let departure = join(dep_date, &dt);
    let arrival = if ad.len() == 4 && at.is_empty() {
        join(dep_date, &ad)
    } else if ad.is_empty() {
        if at.is_empty() {
            None
        } else {
            join(dep_date, &at)
        }
    } else {
        join(dates::dmy_date(&ad, Pivot::Future, r.today), &at)
    };
    (departure, arrival)
}

/// A TVL as an itinerary segment; `None` for a TVL without airports (the ≤13.1 codeshare
/// continuation `TVL+++++972:M`, OPEN and ARNK segments).
pub fn segment<'a>(r: &mut Reader<'a>, seg: &Seg<'a>) -> Option<Segment> {
    let origin = r.text(seg, 1, 0);
    let destination = r.text(seg, 2, 0);
    if origin.is_empty() && destination.is_empty() {
        return None;
    }
    let (departure_local, arrival_local) = times(r, seg);
    Some(Segment {
        carrier: r.text(seg, 3, 0),
        number: r.text(seg, 4, 0),
        origin,
        destination,
        departure_local,
        arrival_local,
        operating_carrier: r.opt(seg, 3, 1),
    })
}

/// How many distinct TVL bodies [`Memo`] remembers.
const MEMO: usize = 8;

/// Itinerary segments already read in one message, by TVL body. Every PNR of a push repeats
/// the pushed flight's TVL byte for byte (and PNRs flying back share a few return flights):
/// reading each of them again (split, dates, five copies) was a tenth of a PNRGOV parse.
#[derive(Debug, Default)]
pub struct Memo<'a> {
    /// (body, delimiters, what [`segment`] made of it), most recently used first, at most
    /// [`MEMO`]: the pushed flight, met in every PNR, stays while return flights come and go.
    seen: Vec<(&'a [u8], Delimiters, Option<Segment>)>,
}

/// [`segment`], remembered in `memo`: a TVL whose body was read before in the message (same
/// reader, so same repertoire and reference date) gives the same segment. Only a reading that
/// reported nothing is remembered, so that every TVL still reports its own problems.
pub fn segment_memo<'a>(r: &mut Reader<'a>, seg: &Seg<'a>, memo: &mut Memo<'a>) -> Option<Segment> {
    let seen = &mut memo.seen;
    if let Some(k) = seen
        .iter()
        .position(|(body, delims, _)| *body == seg.body && *delims == seg.delims)
    {
        seen[..=k].rotate_right(1);
        return seen[0].2.clone();
    }
    let reported = r.diagnostics.len();
    let s = segment(r, seg);
    if r.diagnostics.len() == reported {
        seen.truncate(MEMO - 1);
        seen.insert(0, (seg.body, seg.delims, s.clone()));
    }
    s
}

/// The level-0 TVL (the flight being pushed) as a leg plus its carrier and number.
pub fn pushed<'a>(
    r: &mut Reader<'a>,
    seg: &Seg<'a>,
) -> Option<(Leg, CompactString, CompactString)> {
    let s = segment(r, seg)?;
    Some((
        Leg {
            origin: s.origin,
            destination: s.destination,
            departure_local: s.departure_local,
            arrival_local: s.arrival_local,
        },
        s.carrier,
        s.number,
    ))
}
