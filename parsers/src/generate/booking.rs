//! Bookings: the PNR of one party, with what PNRs carry besides names (itinerary, contacts,
//! payment, agency, SSRs), and the changes a PNR goes through before departure.

use chrono::NaiveDateTime;
use compact_str::format_compact;
use rand::seq::SliceRandom;
use rand::Rng;

use super::airports::{self, Airport, CARRIERS};
use super::schedule::Schedule;
use crate::model::{Contact, Payment, Pnr, Segment, Ssr, Traveller};

const LOCATOR_CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A six-character record locator, as reservation systems issue them.
pub(crate) fn locator(rng: &mut impl Rng) -> String {
    (0..6)
        .map(|_| LOCATOR_CHARS[rng.gen_range(0..LOCATOR_CHARS.len())] as char)
        .collect()
}

/// The PNR of a party whose manifest records are `party`. `docs` says whether the booking
/// holds their passport data (SSR DOCS); many bookings made far ahead do not.
pub(crate) fn pnr(
    rng: &mut impl Rng,
    s: &Schedule,
    party: &[Traveller],
    locator: String,
    docs: bool,
) -> Pnr {
    let lead_days = lead_days(rng);
    let created = s.dep_local_naive
        - chrono::Duration::days(lead_days)
        - chrono::Duration::minutes(rng.gen_range(0..1440));
    let travellers: Vec<Traveller> = party
        .iter()
        .enumerate()
        .map(|(i, t)| pnr_traveller(t, i, docs))
        .collect();
    let lead = &party[0];
    let mut p = Pnr {
        record_locator: locator.into(),
        created: Some(airports::iso_minute(created).into()),
        itinerary: itinerary(rng, s),
        ..Pnr::default()
    };
    let email = format!(
        "{}.{}@EXAMPLE.{}",
        first_word(&lead.given_names),
        first_word(&lead.surname),
        pick(rng, &["COM", "NET", "ORG"])
    );
    p.contacts.push(Contact {
        kind: "email".into(),
        value: email.into(),
    });
    if rng.gen_bool(0.8) {
        // Numbers in the 555-01xx style that no real subscriber holds.
        p.contacts.push(Contact {
            kind: "phone".into(),
            value: format_compact!("+1555010{:04}", rng.gen_range(0..10000)),
        });
    }
    let fare = fare(s, p.itinerary.len(), travellers.len());
    let (kind, card) = match rng.gen_range(0..100) {
        0..=74 => (
            "CC",
            Some(format!("XXXXXXXXXXXX{:04}", rng.gen_range(0..10000))),
        ),
        75..=84 => ("CA", None),
        85..=94 => ("IN", None),
        _ => ("MS", None),
    };
    p.payments.push(Payment {
        payment_type: kind.into(),
        card: card.map(Into::into),
        amount: Some(format_compact!("{fare:.2}")),
    });
    if rng.gen_bool(0.45) {
        p.agency = Some(format_compact!(
            "{:08}",
            rng.gen_range(10_000_000..99_999_999)
        ));
    }
    if rng.gen_bool(0.2) {
        p.frequent_flyer.push(format_compact!(
            "{}{:09}",
            s.carrier.code,
            rng.gen_range(0..1_000_000_000)
        ));
    }
    if rng.gen_bool(0.04) {
        p.remarks.push(
            pick(
                rng,
                &[
                    "CORPORATE BOOKING",
                    "VIP HANDLE WITH CARE",
                    "GROUP FARE",
                    "PAID BY THIRD PARTY",
                ],
            )
            .into(),
        );
    }
    if rng.gen_bool(0.05) {
        p.bag_count = Some(1);
    }
    for (i, t) in travellers.iter().enumerate() {
        let reference = Some((i + 1).to_string());
        p.ssrs.push(Ssr {
            code: "TKNE".into(),
            text: Some(format_compact!(
                "{}{:010}C1",
                s.carrier.prefix,
                rng.gen_range(0..10_000_000_000u64)
            )),
            traveller_ref: reference.clone().map(Into::into),
        });
        // Meal and assistance requests: sensitive, here so the intake filter has work to do.
        if rng.gen_bool(0.05) {
            let code = pick(rng, &["VGML", "KSML", "MOML", "HNML", "AVML", "DBML"]);
            p.ssrs.push(Ssr {
                code: code.into(),
                text: None,
                traveller_ref: reference.clone().map(Into::into),
            });
        }
        if rng.gen_bool(0.02) && !t.infant {
            p.ssrs.push(Ssr {
                code: "WCHR".into(),
                text: None,
                traveller_ref: reference.map(Into::into),
            });
        }
    }
    p.travellers = travellers;
    p
}

/// The booking view of a manifest traveller: name always; identity data only when collected.
fn pnr_traveller(t: &Traveller, index: usize, docs: bool) -> Traveller {
    Traveller {
        surname: t.surname.clone(),
        given_names: t.given_names.clone(),
        date_of_birth: if docs { t.date_of_birth.clone() } else { None },
        gender: if docs { t.gender.clone() } else { None },
        nationality: if docs { t.nationality.clone() } else { None },
        documents: if docs {
            t.documents.clone()
        } else {
            Vec::new()
        },
        seat: t.seat.clone(),
        bag_count: t.bag_count,
        bag_tags: t.bag_tags.clone(),
        traveller_ref: Some(format_compact!("{}", index + 1)),
        infant: t.infant,
        ..Traveller::default()
    }
}

/// Days between booking and departure: many book within weeks, a long tail months ahead.
fn lead_days(rng: &mut impl Rng) -> i64 {
    match rng.gen_range(0..100) {
        0..=9 => rng.gen_range(0..3),
        10..=49 => rng.gen_range(3..30),
        50..=84 => rng.gen_range(30..120),
        _ => rng.gen_range(120..330),
    }
}

fn fare(s: &Schedule, segments: usize, people: usize) -> f64 {
    let one_way = 60.0 + airports::distance_km(s.origin, s.destination) * 0.08;
    (one_way * segments as f64 * people as f64 * 100.0).round() / 100.0
}

/// The booked segments: the flight itself, and often a return, a feeder or an onward flight.
fn itinerary(rng: &mut impl Rng, s: &Schedule) -> Vec<Segment> {
    let this = Segment {
        carrier: s.carrier.code.into(),
        number: s.number.clone().into(),
        origin: s.origin.code.into(),
        destination: s.destination.code.into(),
        departure_local: Some(s.dep_local.clone().into()),
        arrival_local: Some(s.arr_local.clone().into()),
        operating_carrier: None,
    };
    let mut out = Vec::with_capacity(3);
    if rng.gen_bool(0.15) {
        let from = other_airport(rng, &[s.origin, s.destination]);
        let arrive = s.dep_utc - chrono::Duration::minutes(rng.gen_range(90..300));
        out.push(segment(
            rng,
            from,
            s.origin,
            arrive - block(from, s.origin),
            None,
        ));
    }
    out.push(this);
    let roll: f64 = rng.gen();
    if roll < 0.6 {
        let back = s.dep_utc + chrono::Duration::days(rng.gen_range(3..30));
        let number = s
            .number
            .parse::<u32>()
            .map(|n| (n + 1).to_string())
            .unwrap_or_else(|_| s.number.clone());
        out.push(segment(
            rng,
            s.destination,
            s.origin,
            back,
            Some((s.carrier.code, number)),
        ));
    } else if roll < 0.8 {
        let to = other_airport(rng, &[s.origin, s.destination]);
        let leave = s.arr_utc + chrono::Duration::minutes(rng.gen_range(90..360));
        out.push(segment(rng, s.destination, to, leave, None));
    }
    out
}

fn block(a: &Airport, b: &Airport) -> chrono::Duration {
    chrono::Duration::minutes(airports::block_minutes(a, b))
}

/// A segment leaving `from` at `dep_utc`, by `flight` or by a random carrier and number.
fn segment(
    rng: &mut impl Rng,
    from: &Airport,
    to: &Airport,
    dep_utc: NaiveDateTime,
    flight: Option<(&str, String)>,
) -> Segment {
    let (carrier, number) = flight.unwrap_or_else(|| {
        let c = CARRIERS.choose(rng).map(|c| c.code).unwrap_or("ZZ");
        (c, rng.gen_range(100..1000).to_string())
    });
    let arr = dep_utc + block(from, to);
    Segment {
        carrier: carrier.into(),
        number: number.into(),
        origin: from.code.into(),
        destination: to.code.into(),
        departure_local: Some(airports::local_string(from, dep_utc).into()),
        arrival_local: Some(airports::local_string(to, arr).into()),
        operating_carrier: None,
    }
}

fn other_airport(rng: &mut impl Rng, not: &[&Airport]) -> &'static Airport {
    loop {
        let a = &airports::AIRPORTS[rng.gen_range(0..airports::AIRPORTS.len())];
        if not.iter().all(|n| n.code != a.code) {
            return a;
        }
    }
}

fn first_word(s: &str) -> &str {
    s.split([' ', '\'', '-'])
        .find(|w| !w.is_empty())
        .unwrap_or("GUEST")
}

fn pick<'a>(rng: &mut impl Rng, options: &[&'a str]) -> &'a str {
    options.choose(rng).copied().unwrap_or("")
}

/// Changes a PNR after its first push: a seat move, a new contact, a bag, or a corrected DOCS.
pub(crate) fn change(rng: &mut impl Rng, p: &mut Pnr) {
    let i = rng.gen_range(0..p.travellers.len());
    match rng.gen_range(0..3) {
        0 => {
            let row = rng.gen_range(1..60);
            let letter = b"ABCDEFHJK"[rng.gen_range(0..9)] as char;
            p.travellers[i].seat = Some(format_compact!("{row}{letter}"));
        }
        1 => p.contacts.push(Contact {
            kind: "phone".into(),
            value: format_compact!("+1555010{:04}", rng.gen_range(0..10000)),
        }),
        _ => p.travellers[i].bag_count = Some(p.travellers[i].bag_count.unwrap_or(0) + 1),
    }
}
