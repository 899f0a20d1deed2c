//! PAXLST (Advance Passenger Information) → [`Manifest`]: the UN directories D02B, D05B, D12B and
//! D15B as profiled by the WCO/IATA/ICAO guidelines and US CBP, plus the legacy US format
//! (reference/messages.md §2).
//!
//! The reader walks the segments once with a small scope state (header, flight, person,
//! document). Anything it cannot use costs that segment and leaves a diagnostic; every person
//! group that starts with a traveller NAD (or a PDT) yields a traveller.

mod flight;
mod legacy;
mod parts;
mod person;

pub use flight::split_flight_id;
pub use parts::{reassemble, reassembly_key, Incomplete};
pub use person::{expand_tags, expand_tags_into};

use chrono::NaiveDate;

use crate::edifact::{shown_code, RawMessage, Reader, Segment};
use crate::model::{CompactString, Envelope, Manifest, Traveller, TravellerKind};
use compact_str::format_compact;

use flight::FlightBuilder;
use legacy::Legacy;

/// Where in the message the reader is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    /// Before the flight: BGM, RFF, reporting party.
    Header,
    Flight,
    /// Inside a traveller's group; `true` while a DOC group is open.
    Person(bool),
    /// Inside a NAD group of a party that is not a traveller: its segments are skipped.
    OtherParty,
    Totals,
}

/// Whether a message (or fragment) is in the legacy US format.
pub fn is_legacy(raw: &RawMessage) -> bool {
    raw.header
        .as_ref()
        .is_some_and(|h| h.version.starts_with("001"))
        || raw.segments.iter().any(|s| s.is("PDT"))
}

/// Whether a fragment without UNH looks like PAXLST (it has traveller NADs or PDTs).
pub fn looks_like(raw: &RawMessage) -> bool {
    raw.segments.iter().any(|s| {
        s.is("PDT")
            || (s.is("NAD")
                && person::kind_of(&String::from_utf8_lossy(&s.value(0, 0).bytes())).is_some())
    })
}

/// Reads one PAXLST message. `today` decides the century of two-digit birth years.
pub fn read(raw: &RawMessage, today: NaiveDate) -> Manifest {
    let mut r = Reader::for_message(raw, today);
    let mut m = Manifest {
        envelope: envelope(raw),
        part: raw.header.as_ref().and_then(|h| h.part),
        ..Manifest::default()
    };
    let legacy = is_legacy(raw);
    let mut old = Legacy::default();
    let mut flight = FlightBuilder::default();
    let mut scope = Scope::Header;
    let mut current: Option<Traveller> = None;
    // Travellers are large structs: growing the vector by doubling would move them repeatedly.
    let people = raw
        .segments
        .iter()
        .filter(|s| s.is("NAD") || s.is("PDT"))
        .count();
    m.travellers.reserve_exact(people);

    for seg in &raw.segments {
        if seg.is("UNH") || seg.is("UNT") {
            continue;
        }
        if legacy && old.segment(&mut r, seg, &mut m) {
            continue;
        }
        let q = r.code(seg, 0, 0);
        match seg.tag {
            b"BGM" => {
                m.document_code = r.opt(seg, 0, 0);
                if let Some(id) = r.opt(seg, 1, 0) {
                    m.references.push(format_compact!("BGM:{id}"));
                }
            }
            b"NAD" => {
                if let Some(t) = current.take() {
                    m.travellers.push(t);
                }
                match (&*q, person::kind_of(&q)) {
                    (_, Some(kind)) => {
                        current = Some(person::nad(&mut r, seg, kind));
                        scope = Scope::Person(false);
                    }
                    ("MS", _) => {
                        let name = CompactString::from(r.components(seg, 3, 0).join(" "));
                        m.reporting_party = Some(name).filter(|n| !n.is_empty()).or_else(|| r.opt(seg, 1, 0));
                        scope = Scope::Header;
                    }
                    _ => {
                        r.warn(
                            seg,
                            format!("NAD qualifier {} is not a traveller role (FL, FM, DDU, DDT); the party was skipped.", shown_code(&q)),
                        );
                        scope = Scope::OtherParty;
                    }
                }
            }
            b"TDT" => {
                close(&mut current, &mut m, &mut r, seg);
                flight.tdt(&mut r, seg);
                scope = Scope::Flight;
            }
            b"CNT" => {
                if let Some(t) = current.take() {
                    m.travellers.push(t);
                }
                scope = Scope::Totals;
                let value = r.opt(seg, 0, 1).or_else(|| r.opt(seg, 1, 0)).unwrap_or_default();
                match value.parse::<u32>() {
                    Ok(n) => m.totals.push((q.as_ref().into(), n)),
                    Err(_) => r.warn(seg, "CNT holds no readable count; it was skipped.".into()),
                }
            }
            _ => match scope {
                Scope::Header => header_segment(&mut r, seg, &q, &mut m),
                Scope::Flight => match seg.tag {
                    b"LOC" if flight.loc(&mut r, seg, &q) => {}
                    b"DTM" => flight.dtm(&mut r, seg, &q),
                    _ => r.warn(seg, format!("Segment {} with qualifier {} is not expected in the flight block; it was skipped.", seg.tag_str(), shown_code(&q))),
                },
                Scope::Person(in_doc) => {
                    if let Some(t) = current.as_mut() {
                        scope = Scope::Person(person::apply(&mut r, seg, &q, t, in_doc));
                    }
                }
                Scope::OtherParty => {}
                Scope::Totals => r.warn(seg, format!("Segment {} after CNT was skipped.", seg.tag_str())),
            },
        }
    }
    if let Some(t) = current.take() {
        m.travellers.push(t);
    }
    if legacy {
        old.finish(&mut m);
    } else {
        m.flight = flight.finish();
    }
    check(&mut r, raw, &m);
    m.diagnostics = r.diagnostics;
    m
}

/// A traveller group closed by something other than NAD/CNT (a TDT after travellers).
fn close<'a>(
    current: &mut Option<Traveller>,
    m: &mut Manifest,
    r: &mut Reader<'a>,
    seg: &Segment<'a>,
) {
    if let Some(t) = current.take() {
        m.travellers.push(t);
        r.warn(
            seg,
            "A flight block (TDT) follows the travellers; it was read as another leg.".into(),
        );
    }
}

fn header_segment<'a>(r: &mut Reader<'a>, seg: &Segment<'a>, q: &str, m: &mut Manifest) {
    match seg.tag {
        b"RFF" => {
            if let Some(v) = r.opt(seg, 0, 1) {
                m.references.push(format_compact!("{q}:{v}"));
            }
        }
        b"COM" => {
            for e in 0..r.element_count(seg) {
                if let Some(c) = r.opt(seg, e, 0) {
                    m.reporting_contacts.push(c);
                }
            }
        }
        b"DTM" | b"CTA" => {}
        _ => r.warn(
            seg,
            format!(
                "Segment {} is not expected before the flight block; it was skipped.",
                seg.tag_str()
            ),
        ),
    }
}

/// Control totals against what was read, and the things a manifest cannot do without.
fn check(r: &mut Reader, raw: &RawMessage, m: &Manifest) {
    let Some(anchor) = raw
        .segments
        .iter()
        .find(|s| s.is("CNT"))
        .or(raw.segments.last())
    else {
        return;
    };
    let single = m.part.is_none_or(|p| p.first && p.last);
    if single {
        let passengers = m
            .travellers
            .iter()
            .filter(|t| {
                matches!(
                    t.kind,
                    TravellerKind::Passenger | TravellerKind::TransitPassenger
                )
            })
            .count();
        let crew = m.travellers.len() - passengers;
        for (q, n) in &m.totals {
            let (have, what) = match q.as_str() {
                "42" => (passengers, "passengers"),
                "41" => (crew, "crew members"),
                _ => continue,
            };
            if *n as usize != have {
                r.warn(
                    anchor,
                    format!(
                        "CNT {} declares {n} {what} but the message holds {have}.",
                        shown_code(q)
                    ),
                );
            }
        }
    }
    if m.flight.legs.is_empty() && raw.header.is_some() {
        r.warn(anchor, "The message has no flight (TDT) block.".into());
    }
    if raw.header.is_none() {
        r.warn(
            anchor,
            "No UNH message header was found; the segments were read as a PAXLST fragment.".into(),
        );
    }
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
