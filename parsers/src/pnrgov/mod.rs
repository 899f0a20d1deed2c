//! PNRGOV (PNR push, IATA PADIS 10.1 to 21.1) → [`PnrPush`] (reference/messages.md §3).
//!
//! One grammar serves every version: the header (MSG, ORG, TVL, EQN), then one PNR per SRC. Each
//! PNR is read by a `PnrBuilder`; segments a version adds (TRA from 14.1) or that are out of
//! place are accepted where they make sense and kept raw otherwise. A PNR traveller without SSR
//! DOCS is still a traveller (GTAS issue #2082).

mod checkin;
mod index;
mod link;
mod names;
mod pnr;
mod requests;
mod ssr;
mod travel;

pub use crate::parts::Incomplete;
pub use checkin::bag_run;
pub use names::strip_title;

use chrono::NaiveDate;

use crate::edifact::{RawMessage, Reader};
use crate::model::{Envelope, Flight, PnrPush};

use pnr::{PnrBuilder, Pushed, Spare};

/// Whether a fragment without UNH looks like PNRGOV (it has SRC or TIF segments).
pub fn looks_like(raw: &RawMessage) -> bool {
    raw.segments.iter().any(|s| s.is("SRC") || s.is("TIF"))
}

/// Reads one PNRGOV message. `today` decides the century of two-digit birth years.
pub fn read(raw: &RawMessage, today: NaiveDate) -> PnrPush {
    let mut r = Reader::for_message(raw, today);
    let mut push = PnrPush {
        envelope: envelope(raw),
        part: raw.header.as_ref().and_then(|h| h.part),
        ..PnrPush::default()
    };
    let mut flight = Flight::default();
    let mut pushed = Pushed::default();
    let mut total: Option<(u32, usize, usize)> = None;
    let mut current: Option<PnrBuilder> = None;
    let mut spare = Spare::default();
    let mut itineraries = travel::Memo::default();
    // PNRs are large structs: growing the vector by doubling would move them repeatedly.
    push.pnrs
        .reserve_exact(raw.segments.iter().filter(|s| s.is("SRC")).count());

    for seg in &raw.segments {
        match seg.tag {
            b"UNH" | b"UNT" => continue,
            b"SRC" => {
                if let Some(b) = current.take() {
                    let (pnr, emptied) = b.finish(&mut r);
                    push.pnrs.push(pnr);
                    spare = emptied;
                }
                current = Some(PnrBuilder::new(seg, std::mem::take(&mut spare)));
                continue;
            }
            _ => {}
        }
        if let Some(b) = current.as_mut() {
            b.segment(&mut r, seg, &pushed, &mut itineraries);
            continue;
        }
        // Message level, before the first SRC.
        match seg.tag {
            b"MSG" => {}
            b"ORG" => {
                if flight.carrier.is_empty() {
                    flight.carrier = r.text(seg, 0, 0);
                }
            }
            b"TVL" => match travel::pushed(&mut r, seg) {
                Some((leg, carrier, number)) => {
                    if flight.legs.is_empty() {
                        pushed = Pushed {
                            carrier: carrier.clone(),
                            number: number.clone(),
                            origin: leg.origin.clone(),
                        };
                        if !carrier.is_empty() {
                            flight.carrier = carrier;
                        }
                        flight.number = number;
                    }
                    flight.legs.push(leg);
                }
                None => r.warn(
                    seg,
                    "The pushed flight's TVL has no airports; it was skipped.".into(),
                ),
            },
            b"EQN" => {
                total = r
                    .text(seg, 0, 0)
                    .parse()
                    .ok()
                    .map(|n| (n, seg.position, seg.index));
            }
            b"TIF" | b"RCI" | b"SSR" | b"DAT" | b"IFT" | b"ADD" => {
                // PNR content without SRC: keep it as a PNR rather than lose it.
                r.warn(
                    seg,
                    format!(
                        "Segment {} appears before any SRC; a PNR was started here.",
                        seg.tag_str()
                    ),
                );
                let mut b = PnrBuilder::new(seg, std::mem::take(&mut spare));
                b.segment(&mut r, seg, &pushed, &mut itineraries);
                current = Some(b);
            }
            _ => r.info(
                seg,
                format!(
                    "Segment {} before the first PNR was not used.",
                    seg.tag_str()
                ),
            ),
        }
    }
    if let Some(b) = current.take() {
        push.pnrs.push(b.finish(&mut r).0);
    }
    push.flight = flight;
    let single = push.part.is_none_or(|p| p.first && p.last);
    if let (Some((n, position, index)), true) = (total, single) {
        if n as usize != push.pnrs.len() {
            r.diagnostics.push(crate::model::Diagnostic {
                severity: crate::model::Severity::Warning,
                segment: "EQN".into(),
                position,
                index: Some(index),
                message: format!(
                    "EQN declares {n} PNRs but the message holds {}.",
                    push.pnrs.len()
                ),
            });
        }
    }
    if raw.header.is_none() {
        if let Some(s) = raw.segments.first() {
            r.warn(
                s,
                "No UNH message header was found; the segments were read as a PNRGOV fragment."
                    .into(),
            );
        }
    }
    push.diagnostics = r.diagnostics;
    push
}

/// The key the parts of one push share: sender and common access reference (the flight).
pub fn reassembly_key(p: &PnrPush) -> (Option<&str>, Option<&str>) {
    (
        p.envelope.sender.as_deref(),
        p.envelope.common_access_ref.as_deref(),
    )
}

/// Merges the parts of one multi-part push (all with the same [`reassembly_key`]) into one,
/// PNRs in sequence order. A part sent twice counts once (the copy that came last wins); a
/// push without S010 is complete by itself and is returned as it is.
pub fn reassemble(parts: Vec<PnrPush>) -> Result<PnrPush, Incomplete> {
    crate::parts::reassemble(parts)
}

fn envelope(raw: &RawMessage) -> Envelope {
    let h = raw.header.as_ref();
    Envelope {
        sender: raw.interchange.sender.clone(),
        recipient: raw.interchange.recipient.clone(),
        interchange_ref: raw.interchange.reference.clone(),
        message_ref: h.map(|h| h.reference.clone()).filter(|s| !s.is_empty()),
        common_access_ref: h.and_then(|h| h.common_access_ref.clone()),
        version: h
            .map(|h| h.version.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| raw.interchange.group_version.clone()),
        syntax: raw.interchange.syntax.clone(),
    }
}
