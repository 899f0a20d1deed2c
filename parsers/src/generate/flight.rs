//! One flight's traffic: its bookings and PNR pushes, its crew and passenger manifests (in parts
//! when long), a later update push, and the planted travellers among the passengers.

use chrono::NaiveDateTime;
use compact_str::format_compact;
use rand::seq::index::sample;
use rand::Rng;

use super::booking;
use super::people::{self, Context};
use super::plant::{make_variant, PlantPerson, VariantKind};
use super::schedule::{schedule, Schedule};
use super::GenerateOptions;
use crate::model::{Manifest, Part, Pnr, PnrPush, Traveller, TravellerKind};
use crate::write::{write_paxlst, write_pnrgov, WriteOptions};

/// Passenger lists longer than this are sent in parts, each at most [`PART_SIZE`] travellers.
const SPLIT_ABOVE: usize = 200;
const PART_SIZE: usize = 150;

/// One file of a flight, before it gets its place in the whole traffic's order.
pub(crate) struct Event {
    /// When the carrier sends it (UTC); files are numbered in this order.
    pub at: NaiveDateTime,
    /// `pnrgov`, `crew`, `paxlst-01`, `pnrgov-update`.
    pub label: String,
    pub bytes: Vec<u8>,
}

/// A planted traveller of this flight and the index of the event (manifest part) holding them.
pub(crate) struct PlantedHere {
    pub event: usize,
    pub entry_id: String,
    pub kind: VariantKind,
    pub traveller: Traveller,
}

/// The files and planted travellers of one flight.
pub(crate) struct FlightTraffic {
    pub schedule: Schedule,
    pub events: Vec<Event>,
    pub planted: Vec<PlantedHere>,
    /// Travellers linked to planted ones (carrier and flight filled by the caller).
    pub linked: Vec<super::PlantedLink>,
}

/// A party with its PNR locator and whether it boarded.
struct Party {
    travellers: Vec<Traveller>,
    planted: Option<(String, VariantKind)>,
    boarded: bool,
    /// A phone its booking must carry (planted links).
    phone: Option<String>,
    /// An e-mail address its booking must carry (planted links).
    email: Option<String>,
    /// The entry this party is linked to, in how many hops, through which phone (planted links).
    linked_to: Option<(String, u32, String)>,
}

/// Builds flight `index`. Everything random comes from `rng`, which the caller seeds per flight,
/// so a flight's files do not depend on how many flights precede it.
pub(crate) fn build(
    rng: &mut impl Rng,
    index: usize,
    opts: &GenerateOptions,
    plants: &[(&PlantPerson, Option<String>)],
    associates: &[(String, String)],
) -> FlightTraffic {
    let s = schedule(rng, index, opts.date);
    let ctx = Context {
        departure: s.dep_local_naive.date(),
        countries: [s.origin.country, s.destination.country],
        origin: s.origin.code,
        destination: s.destination.code,
    };
    let (lo, hi) = (
        opts.min_travellers.min(opts.max_travellers),
        opts.max_travellers.max(opts.min_travellers),
    );
    let wanted = rng.gen_range(lo..=hi) as usize;
    let ordinary = wanted.saturating_sub(plants.len());

    let mut parties = Vec::new();
    let mut count = 0;
    while count < ordinary {
        let travellers = people::party(rng, &ctx, ordinary - count);
        count += travellers.len();
        // A few bookings do not turn up; planted travellers always do.
        parties.push(Party {
            travellers,
            planted: None,
            boarded: !rng.gen_bool(0.03),
            phone: None,
            email: None,
            linked_to: None,
        });
    }
    for (entry, phone) in associates {
        // The associate's booking carries the planted phone; a companion on a booking of their
        // own shares only its e-mail address (one hop more).
        let culture = super::names::pick_culture(rng, &ctx.countries);
        let a = people::person(rng, &ctx, culture, None, people::Age::Adult);
        let b = people::person(rng, &ctx, culture, None, people::Age::Adult);
        let email = format!(
            "{}.{}@EXAMPLE.NET",
            a.given_names.split(' ').next().unwrap_or("A"),
            a.surname.replace(' ', "")
        );
        let phone_of_plant = phone.clone();
        for (t, phone, hops) in [(a, Some(phone.clone()), 1), (b, None, 2)] {
            let at = rng.gen_range(0..=parties.len());
            parties.insert(
                at,
                Party {
                    travellers: vec![t],
                    planted: None,
                    boarded: true,
                    phone,
                    email: Some(email.clone()),
                    linked_to: Some((entry.clone(), hops, phone_of_plant.clone())),
                },
            );
        }
    }
    for (p, phone) in plants {
        let v = make_variant(rng, p, ctx.departure);
        let culture = super::names::pick_culture(rng, &ctx.countries);
        let mut t = people::person(rng, &ctx, culture, Some(&v.surname), people::Age::Adult);
        t.given_names = v.given_names.into();
        t.date_of_birth = Some(super::airports::iso_date(v.date_of_birth).into());
        let at = rng.gen_range(0..=parties.len());
        parties.insert(
            at,
            Party {
                travellers: vec![t],
                planted: Some((p.id.clone(), v.kind)),
                boarded: true,
                phone: phone.clone(),
                email: None,
                linked_to: None,
            },
        );
    }

    let locators = assign(rng, &mut parties, &s);
    let mut pnrs = Vec::with_capacity(parties.len());
    for (party, locator) in parties.iter().zip(&locators) {
        let docs = rng.gen_bool(0.85) || party.planted.is_some();
        let mut pnr = booking::pnr(rng, &s, &party.travellers, locator.clone(), docs);
        for (kind, value) in [("phone", &party.phone), ("email", &party.email)] {
            if let Some(v) = value {
                pnr.contacts.retain(|c| c.kind != kind);
                pnr.contacts.push(crate::model::Contact {
                    kind: kind.into(),
                    value: v.clone().into(),
                });
            }
        }
        pnrs.push(pnr);
    }
    let mut linked = Vec::new();
    for (party, locator) in parties.iter().zip(&locators) {
        let Some((entry, hops, phone)) = &party.linked_to else {
            continue;
        };
        for t in &party.travellers {
            linked.push(super::PlantedLink {
                entry_id: entry.clone(),
                role: if *hops == 1 { "associate" } else { "companion" }.into(),
                hops: *hops,
                phone: phone.clone(),
                email: party.email.clone().unwrap_or_default(),
                carrier: String::new(),
                flight_number: String::new(),
                record_locator: locator.clone(),
                surname: t.surname.to_string(),
                given_names: t.given_names.to_string(),
            });
        }
    }

    // Passengers connecting at the destination to a flight abroad stay airside: the manifest
    // lists them in transit (NAD DDU), as the API guidelines ask. No random draw is spent, so
    // everything else a seed gives is unchanged.
    for (party, pnr) in parties.iter_mut().zip(&pnrs) {
        if party.planted.is_none() && connects_abroad(pnr, &s) {
            for t in &mut party.travellers {
                if t.kind == TravellerKind::Passenger {
                    t.kind = TravellerKind::TransitPassenger;
                }
            }
        }
    }

    let mut events = Vec::new();
    let flight = s.flight();
    let refs = |n: usize| format!("{:06}{:02}", index + 1, n);
    let sent = |at: NaiveDateTime| Some(super::airports::local_string(s.origin, at));

    // The full PNR push a day before departure.
    let at = s.dep_utc - chrono::Duration::hours(24);
    let push = PnrPush {
        flight: flight.clone(),
        pnrs,
        ..PnrPush::default()
    };
    let opts_pnr = WriteOptions {
        interchange_ref: Some(refs(1)),
        prepared: sent(at),
        ..WriteOptions::default()
    };
    events.push(Event {
        at,
        label: "pnrgov".into(),
        bytes: write_pnrgov(&push, &opts_pnr),
    });

    // Crew list, then the passenger list (in parts) about an hour before departure.
    let crew: Vec<Traveller> = (0..rng.gen_range(8..17))
        .map(|_| people::crew_member(rng, &ctx, s.carrier_home()))
        .collect();
    let at = s.dep_utc - chrono::Duration::minutes(100);
    let crew_list = Manifest {
        flight: flight.clone(),
        document_code: Some("250".into()),
        reporting_party: Some(format_compact!("{} OPERATIONS", s.carrier.code)),
        totals: vec![("41".into(), crew.len() as u32)],
        travellers: crew,
        ..Manifest::default()
    };
    let o = WriteOptions {
        interchange_ref: Some(refs(2)),
        prepared: sent(at),
        ..WriteOptions::default()
    };
    events.push(Event {
        at,
        label: "crew".into(),
        bytes: write_paxlst(&crew_list, &o),
    });

    let mut boarded: Vec<(Traveller, Option<(String, VariantKind)>)> = Vec::new();
    for (party, locator) in parties.into_iter().zip(locators) {
        if !party.boarded {
            continue;
        }
        for mut t in party.travellers {
            t.record_locator = Some(locator.clone().into());
            boarded.push((t, party.planted.clone()));
        }
    }
    let total = boarded.len();
    let parts = if total > SPLIT_ABOVE {
        total.div_ceil(PART_SIZE)
    } else {
        1
    };
    let size = total.div_ceil(parts).max(1);
    let mut planted = Vec::new();
    let mut rest = boarded.into_iter().peekable();
    for k in 0..parts {
        let chunk: Vec<_> = rest.by_ref().take(size).collect();
        let at = s.dep_utc - chrono::Duration::minutes(60 - k as i64);
        let event = events.len();
        let mut travellers = Vec::with_capacity(chunk.len());
        for (t, plant) in chunk {
            if let Some((entry_id, kind)) = plant {
                planted.push(PlantedHere {
                    event,
                    entry_id,
                    kind,
                    traveller: t.clone(),
                });
            }
            travellers.push(t);
        }
        let m = Manifest {
            part: (parts > 1).then_some(Part {
                sequence: k as u32 + 1,
                first: k == 0,
                last: k + 1 == parts,
            }),
            flight: flight.clone(),
            document_code: Some("745".into()),
            reporting_party: Some(format_compact!("{} OPERATIONS", s.carrier.code)),
            totals: vec![("42".into(), total as u32)],
            travellers,
            ..Manifest::default()
        };
        let o = WriteOptions {
            interchange_ref: Some(refs(3 + k)),
            prepared: sent(at),
            ..WriteOptions::default()
        };
        events.push(Event {
            at,
            label: format!("paxlst-{:02}", k + 1),
            bytes: write_paxlst(&m, &o),
        });
    }

    // Some bookings change after the manifest went out: an update push with only those PNRs.
    let mut push = push;
    let candidates: Vec<usize> = (0..push.pnrs.len())
        .filter(|&i| !planted_pnr(&push, i, &planted))
        .filter(|&i| {
            !linked
                .iter()
                .any(|l| l.record_locator == push.pnrs[i].record_locator)
        })
        .collect();
    let changes = rng.gen_range(1..4).min(candidates.len());
    if changes > 0 {
        let mut changed = Vec::with_capacity(changes);
        for i in sample(rng, candidates.len(), changes).into_iter() {
            let mut p = push.pnrs[candidates[i]].clone();
            booking::change(rng, &mut p);
            changed.push(p);
        }
        changed.sort_by(|a, b| a.record_locator.cmp(&b.record_locator));
        push.pnrs = changed;
        let at = s.dep_utc - chrono::Duration::minutes(20);
        let o = WriteOptions {
            interchange_ref: Some(refs(3 + parts)),
            prepared: sent(at),
            pnr_function: Some("141".into()),
            ..WriteOptions::default()
        };
        events.push(Event {
            at,
            label: "pnrgov-update".into(),
            bytes: write_pnrgov(&push, &o),
        });
    }
    FlightTraffic {
        schedule: s,
        events,
        planted,
        linked,
    }
}

/// Whether the booking continues from the destination to another country right after this
/// flight (the onward segments `booking` adds leave within hours; a return goes back to the
/// origin days later).
fn connects_abroad(pnr: &Pnr, s: &Schedule) -> bool {
    let this = pnr.itinerary.iter().position(|seg| {
        seg.carrier == s.carrier.code && seg.number == s.number && seg.origin == s.origin.code
    });
    let Some(next) = this.and_then(|i| pnr.itinerary.get(i + 1)) else {
        return false;
    };
    next.origin == s.destination.code
        && next.destination != s.origin.code
        && super::airports::airport(&next.destination).country != s.destination.country
}

/// True when PNR `i` is a planted traveller's (those are left unchanged, so the ground truth
/// describes every file they are in).
fn planted_pnr(push: &PnrPush, i: usize, planted: &[PlantedHere]) -> bool {
    let locator = &push.pnrs[i].record_locator;
    planted
        .iter()
        .any(|p| p.traveller.record_locator.as_ref() == Some(locator))
}

/// Gives each party a record locator, seats (together, in booking order) and checked bags.
fn assign(rng: &mut impl Rng, parties: &mut [Party], s: &Schedule) -> Vec<String> {
    let total: usize = parties.iter().map(|p| p.travellers.len()).sum();
    let letters: &[u8] = if total > 180 {
        b"ABCDEFGHJK"
    } else {
        b"ABCDEF"
    };
    let mut seat = 0usize;
    let mut tag = rng.gen_range(100_000..800_000u32);
    let mut locators: Vec<String> = Vec::with_capacity(parties.len());
    let mut taken = std::collections::HashSet::with_capacity(parties.len());
    for party in parties.iter_mut() {
        let mut locator = booking::locator(rng);
        while !taken.insert(locator.clone()) {
            locator = booking::locator(rng);
        }
        locators.push(locator);
        for t in &mut party.travellers {
            if t.kind == TravellerKind::Passenger && !t.infant && rng.gen_bool(0.9) {
                t.seat = Some(format_compact!(
                    "{}{}",
                    seat / letters.len() + 1,
                    letters[seat % letters.len()] as char
                ));
            }
            seat += 1;
            let bags = if t.infant { 0 } else { rng.gen_range(0..3u32) };
            if bags > 0 {
                t.bag_count = Some(bags);
                for _ in 0..bags {
                    tag += 1;
                    t.bag_tags
                        .push(format_compact!("0{}{tag:06}", s.carrier.prefix));
                }
            }
        }
    }
    locators
}

impl Schedule {
    /// The country of the carrier's hub, where most of its crew come from.
    fn carrier_home(&self) -> &'static str {
        super::airports::airport(self.carrier.hub).country
    }
}
