//! Generated traffic read back by the parsers: every file parses cleanly, the ground truth names
//! travellers that are really there, and bookings and manifests agree.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use paxrisk_parsers::generate::{generate, GenerateOptions, PlantPerson, Traffic};
use paxrisk_parsers::*;

fn traffic() -> Traffic {
    let mut opts = GenerateOptions::new(6, 2026, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    opts.plant = vec![
        PlantPerson {
            id: "A1".into(),
            surname: "Haddad".into(),
            given_names: "Karim Nabil".into(),
            date_of_birth: Some("1975-07-14".into()),
        },
        PlantPerson {
            id: "A2".into(),
            surname: "Schröder".into(),
            given_names: "Jürgen".into(),
            date_of_birth: Some("1962".into()),
        },
        PlantPerson {
            id: "A3".into(),
            surname: "Nguyen Van".into(),
            given_names: "Thanh".into(),
            date_of_birth: None,
        },
    ];
    opts.plant_count = Some(9);
    generate(&opts)
}

fn parse_file(name: &str, bytes: &[u8]) -> Message {
    let mut messages = parse_with(bytes, NaiveDate::from_ymd_opt(2026, 11, 29).unwrap());
    assert_eq!(messages.len(), 1, "{name}");
    let m = messages.remove(0);
    let serious: Vec<_> = m
        .diagnostics()
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    assert!(serious.is_empty(), "{name}: {serious:#?}");
    m
}

#[test]
fn generated_traffic_parses_and_agrees_with_itself() {
    let t = traffic();
    let mut manifests: BTreeMap<String, Vec<Manifest>> = BTreeMap::new();
    let mut bookings: BTreeMap<String, PnrPush> = BTreeMap::new();
    for f in &t.files {
        let key = f.name.split('-').nth(1).unwrap().to_string();
        match parse_file(&f.name, &f.bytes) {
            Message::Paxlst(m) => {
                assert_eq!(format!("{}{}", m.flight.carrier, m.flight.number), key);
                manifests.entry(key).or_default().push(m);
            }
            Message::Pnrgov(p) if f.name.ends_with("-pnrgov.edi") => {
                assert!(!p.pnrs.is_empty());
                bookings.insert(key, p);
            }
            Message::Pnrgov(p) => assert!(!p.pnrs.is_empty() && p.pnrs.len() <= 3, "{}", f.name),
            Message::Other(_) => panic!("{} is neither PAXLST nor PNRGOV", f.name),
        }
    }
    assert_eq!(manifests.len(), 6);
    for (key, lists) in &manifests {
        let push = &bookings[key];
        let passengers: Vec<&Traveller> = lists
            .iter()
            .flat_map(|m| &m.travellers)
            .filter(|t| {
                matches!(
                    t.kind,
                    TravellerKind::Passenger | TravellerKind::TransitPassenger
                )
            })
            .collect();
        let crew = lists
            .iter()
            .flat_map(|m| &m.travellers)
            .filter(|t| t.kind == TravellerKind::Crew)
            .count();
        assert!((8..=16).contains(&crew), "{key}: {crew} crew");
        // Every passenger was booked under the record locator the manifest gives, by name.
        for p in &passengers {
            let locator = p
                .record_locator
                .as_deref()
                .expect("API data carry the locator");
            let pnr = push
                .pnrs
                .iter()
                .find(|x| x.record_locator == locator)
                .expect("booked");
            assert!(
                pnr.travellers
                    .iter()
                    .any(|b| b.surname == p.surname && b.given_names == p.given_names),
                "{key}"
            );
            assert!(p.date_of_birth.is_some() && p.documents.len() == 1 && p.nationality.is_some());
        }
        // Every booked traveller holds an e-ticket (SSR TKNE under their reference).
        for pnr in &push.pnrs {
            for b in &pnr.travellers {
                let tkne = pnr
                    .ssrs
                    .iter()
                    .any(|s| s.code == "TKNE" && s.traveller_ref == b.traveller_ref);
                assert!(tkne, "{key} {}", pnr.record_locator);
            }
        }
        let booked: usize = push.pnrs.iter().map(|p| p.travellers.len()).sum();
        assert!(
            passengers.len() <= booked && passengers.len() * 100 >= booked * 85,
            "{key}: {} of {booked} boarded",
            passengers.len()
        );
        // Parts: numbered 1..n, first and last flagged, all repeating the same total.
        let parts: Vec<Part> = lists.iter().filter_map(|m| m.part).collect();
        for (i, p) in parts.iter().enumerate() {
            assert_eq!(
                (p.sequence, p.first, p.last),
                (i as u32 + 1, i == 0, i + 1 == parts.len())
            );
        }
    }
    for p in &t.ground_truth {
        let f = t.files.iter().find(|f| f.name == p.file).unwrap();
        let Message::Paxlst(m) = parse_file(&f.name, &f.bytes) else {
            panic!()
        };
        let found = m.travellers.iter().any(|t| {
            t.surname == p.surname
                && t.given_names == p.given_names
                && t.date_of_birth.as_deref() == p.date_of_birth.as_deref()
        });
        assert!(found, "planted {p:?} not in {}", p.file);
    }
}
