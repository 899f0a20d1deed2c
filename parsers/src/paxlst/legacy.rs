//! The pre-2005 US PAXLST ("CEDIPAX", `PAXLST:001:000:NZ`, reference/messages.md §2.3): CTA
//! contact, TDT, LOC 005/008/PT with UN/LOCODEs, DTM 136/132 with separate date and time
//! elements, UNS, and one PDT segment per person:
//! `PDT+P/<number>:<expiry>:<country>+SURNAME:GIVEN:MIDDLE:DOB:SEX+PAX+ORIG:DEST`.

use crate::edifact::dates::{self, Pivot};
use crate::edifact::{shown_code, Reader, Segment};
use crate::model::{CompactString, Document, Leg, Manifest, Traveller, TravellerKind};
use compact_str::format_compact;

use super::flight::FlightBuilder;

/// An airport from a UN/LOCODE (`NZAKL` → `AKL`); three-letter codes pass through.
fn airport(code: &str) -> CompactString {
    if code.len() == 5 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        code[2..].into()
    } else {
        code.into()
    }
}

/// A stop of the legacy flight block: airport and the times given for it.
#[derive(Debug, Default)]
struct Stop {
    airport: CompactString,
    departure: Option<CompactString>,
    arrival: Option<CompactString>,
}

/// Reader state for the legacy format.
#[derive(Debug, Default)]
pub struct Legacy {
    stops: Vec<Stop>,
    carrier: Option<CompactString>,
    number: Option<CompactString>,
}

impl Legacy {
    /// Handles a legacy segment; returns false when the segment is not one of the legacy ones.
    pub fn segment<'a>(&mut self, r: &mut Reader<'a>, seg: &Segment<'a>, m: &mut Manifest) -> bool {
        match seg.tag {
            b"CTA" => {
                m.reporting_party = r.opt(seg, 1, 1).or_else(|| r.opt(seg, 1, 0));
                for e in 2..r.element_count(seg) {
                    if let Some(c) = r.opt(seg, e, 0) {
                        m.reporting_contacts.push(c);
                    }
                }
            }
            b"TDT" => {
                let mut b = FlightBuilder::default();
                b.tdt(r, seg);
                let f = b.finish();
                self.carrier = Some(f.carrier).filter(|c| !c.is_empty());
                self.number = Some(f.number).filter(|c| !c.is_empty());
            }
            b"LOC" => {
                let q = r.text(seg, 0, 0);
                let place = airport(&r.text(seg, 1, 0));
                match q.trim_start_matches('0') {
                    "5" | "8" | "PT" => self.stops.push(Stop {
                        airport: place,
                        ..Stop::default()
                    }),
                    _ => r.info(
                        seg,
                        format!("LOC qualifier {} was not used.", shown_code(&q)),
                    ),
                }
            }
            b"DTM" => {
                let q = r.text(seg, 0, 0);
                let date = r.text(seg, 1, 0);
                let time = r.text(seg, 2, 0);
                let t =
                    dates::ymd(&date, Pivot::Future, r.today).map(|d| match dates::hhmm(&time) {
                        Some(hm) => format_compact!("{d}T{hm}"),
                        None => d,
                    });
                let Some(t) = t else {
                    r.warn(
                        seg,
                        format!(
                            "DTM {} does not hold a valid date; it was left out.",
                            shown_code(&q)
                        ),
                    );
                    return true;
                };
                match (q.as_str(), self.stops.last_mut()) {
                    ("136", Some(s)) => s.departure = Some(t),
                    ("132", Some(s)) => s.arrival = Some(t),
                    _ => r.info(seg, format!("DTM {} was not used.", shown_code(&q))),
                }
            }
            b"UNS" => {}
            b"PDT" => m.travellers.push(pdt(r, seg)),
            _ => return false,
        }
        true
    }

    /// Turns the stops into legs.
    pub fn finish(self, m: &mut Manifest) {
        let mut b = FlightBuilder::default();
        for pair in self.stops.windows(2) {
            b.push(
                Leg {
                    origin: pair[0].airport.clone(),
                    destination: pair[1].airport.clone(),
                    departure_local: pair[0].departure.clone(),
                    arrival_local: pair[1].arrival.clone(),
                },
                "",
                "",
            );
        }
        m.flight = b.finish();
        m.flight.carrier = self.carrier.unwrap_or_default();
        m.flight.number = self.number.unwrap_or_default();
    }
}

/// One PDT person.
fn pdt<'a>(r: &mut Reader<'a>, seg: &Segment<'a>) -> Traveller {
    let surname = r.text(seg, 1, 0);
    let given: Vec<CompactString> = [1, 2]
        .iter()
        .map(|&c| r.text(seg, 1, c))
        .filter(|s| !s.is_empty())
        .collect();
    let dob = r.text(seg, 1, 3);
    let role = r.text(seg, 2, 0);
    let kind = match role.as_str() {
        "CRW" | "CREW" | "CR" => TravellerKind::Crew,
        _ => TravellerKind::Passenger,
    };
    let mut t = Traveller {
        kind,
        surname,
        given_names: given.join(" ").into(),
        ..Traveller::default()
    };
    if t.surname.is_empty() {
        r.warn(
            seg,
            "The PDT person has no surname; the traveller was kept without one.".into(),
        );
    }
    t.date_of_birth = r.ymd(seg, &dob, Pivot::Past, "date of birth");
    t.gender = r.opt(seg, 1, 4);
    let doc = r.text(seg, 0, 0);
    if !doc.is_empty() {
        let (doc_type, number) = match doc.split_once('/') {
            Some((a, b)) => (a.trim().into(), b.trim().into()),
            None => (CompactString::default(), doc),
        };
        let expiry_raw = r.text(seg, 0, 1);
        let expiry = r.ymd(seg, &expiry_raw, Pivot::Future, "document expiry date");
        t.documents.push(Document {
            doc_type,
            number,
            issuing_country: r.opt(seg, 0, 2),
            expiry,
            ..Document::default()
        });
    }
    t.embarkation = r.opt(seg, 3, 0).map(|s| airport(&s));
    t.debarkation = r.opt(seg, 3, 1).map(|s| airport(&s));
    t
}
