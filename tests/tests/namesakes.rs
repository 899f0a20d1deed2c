//! Namesakes on one flight: two people with the same surname and given names but different dates
//! of birth stay two travellers, in one message and across messages (they were merged into one,
//! the later overwriting the earlier, until session 2 found it). Without dates of birth (PNR
//! travellers without DOCS), namesakes in different bookings, or in one booking with different
//! further given names or traveller references, stay apart too (session 3).

mod common;

use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use serde_json::Value;

fn flight_travellers(app: &TestApp, token: &str, want: usize) -> Vec<Value> {
    let t0 = Instant::now();
    loop {
        let (s, flights) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
        assert_eq!(s, 200, "{flights}");
        if let Some(f) = flights["flights"].as_array().and_then(|f| f.first()) {
            let path = format!("/api/v1/flights/{}/travellers", f["id"].as_str().unwrap());
            let (s, t) = app.json("GET", &path, Some(token), None);
            assert_eq!(s, 200, "{t}");
            let list = t["travellers"].as_array().cloned().unwrap_or_default();
            if list.len() >= want || t0.elapsed() > Duration::from_secs(30) {
                return list;
            }
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the flight never appeared"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn run(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("carrier", "airline", Some("ZZ"));
    app.user("officer", "officer", None);
    app.start();
    let (carrier, officer) = (app.login("carrier"), app.login("officer"));
    let dep = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
        .unwrap()
        .and_hms_opt(2, 0, 0)
        .unwrap();
    let arr = dep + chrono::Duration::hours(7);
    let post = |people: &[(&str, &str, &str, &str, &str)], reference: &str| {
        let body = common::manifest("777", dep, arr, people, "", reference);
        let (s, b) = app.http(
            "POST",
            "/api/v1/messages",
            Some(&carrier),
            Some((body.as_bytes(), "application/edifact")),
        );
        assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    };
    // One message with two namesakes and a third person.
    post(
        &[
            ("NAMESAKE", "ANNA MARIA", "800101", "FRA", "N1000001"),
            ("NAMESAKE", "ANNA MARIA", "920615", "FRA", "N1000002"),
            ("OTHER", "PAUL", "750303", "DEU", "N1000003"),
        ],
        "NS1",
    );
    let first = flight_travellers(&app, &officer, 3);
    let births = |list: &[Value]| {
        let mut b: Vec<String> = list
            .iter()
            .filter(|t| t["surname"] == "NAMESAKE")
            .map(|t| t["date_of_birth"].as_str().unwrap_or_default().to_string())
            .collect();
        b.sort();
        b
    };
    assert_eq!(first.len(), 3, "{first:?}");
    assert_eq!(births(&first), ["1980-01-01", "1992-06-15"]);

    // An update listing them in the other order: each still matches herself, nobody is added.
    post(
        &[
            ("NAMESAKE", "ANNA MARIA", "920615", "FRA", "N1000002"),
            ("OTHER", "PAUL", "750303", "DEU", "N1000003"),
            ("NAMESAKE", "ANNA MARIA", "800101", "FRA", "N1000001"),
        ],
        "NS2",
    );
    let t0 = Instant::now();
    while app.json("GET", "/api/v1/messages", Some(&officer), None).1["messages"]
        .as_array()
        .is_some_and(|m| {
            m.iter()
                .any(|x| x["status"] == "received" || x["status"] == "processing")
        })
        && t0.elapsed() < Duration::from_secs(30)
    {
        std::thread::sleep(Duration::from_millis(200));
    }
    let second = flight_travellers(&app, &officer, 3);
    assert_eq!(second.len(), 3, "{second:?}");
    assert_eq!(births(&second), ["1980-01-01", "1992-06-15"]);
}

/// A PNRGOV push for flight ZZ777 SIN→DXB with the given bookings: (locator, [(surname, given
/// names, traveller reference)]), no DOCS, so no dates of birth.
fn push(bookings: &[(&str, &[(&str, &str, &str)])], reference: &str) -> Vec<u8> {
    use paxrisk_parsers::{Flight, Leg, Pnr, PnrPush, Segment, Traveller};
    let leg = Leg {
        origin: "SIN".into(),
        destination: "DXB".into(),
        departure_local: Some("2026-12-02T10:00".into()),
        arrival_local: Some("2026-12-02T13:00".into()),
    };
    let flight = Flight {
        carrier: "ZZ".into(),
        number: "777".into(),
        legs: vec![leg.clone()],
    };
    let pnrs = bookings
        .iter()
        .map(|(locator, people)| Pnr {
            record_locator: (*locator).into(),
            travellers: people
                .iter()
                .map(|(surname, given, tif)| Traveller {
                    surname: (*surname).into(),
                    given_names: (*given).into(),
                    traveller_ref: Some((*tif).into()),
                    ..Traveller::default()
                })
                .collect(),
            itinerary: vec![Segment {
                carrier: "ZZ".into(),
                number: "777".into(),
                origin: leg.origin.clone(),
                destination: leg.destination.clone(),
                departure_local: leg.departure_local.clone(),
                arrival_local: leg.arrival_local.clone(),
                operating_carrier: None,
            }],
            ..Pnr::default()
        })
        .collect();
    let p = PnrPush {
        flight,
        pnrs,
        ..PnrPush::default()
    };
    paxrisk_parsers::write::write_pnrgov(
        &p,
        &paxrisk_parsers::write::WriteOptions {
            interchange_ref: Some(reference.into()),
            ..Default::default()
        },
    )
}

fn run_pnr(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("carrier", "airline", Some("ZZ"));
    app.user("officer", "officer", None);
    app.start();
    let (carrier, officer) = (app.login("carrier"), app.login("officer"));
    let post = |body: Vec<u8>| {
        let (s, b) = app.http(
            "POST",
            "/api/v1/messages",
            Some(&carrier),
            Some((&body, "application/edifact")),
        );
        assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    };
    // Two JOHN NAMESAKEs in two bookings; in one booking a father and son PAWEL TOMASZ and PAWEL
    // WOJCIECH KOWALSKI, and two ANNA NOWAKs told apart only by their traveller references.
    let first: &[(&str, &[(&str, &str, &str)])] = &[
        (
            "AAA111",
            &[
                ("NAMESAKE", "JOHN", "1"),
                ("KOWALSKI", "PAWEL TOMASZ", "2"),
                ("KOWALSKI", "PAWEL WOJCIECH", "3"),
                ("NOWAK", "ANNA", "4"),
                ("NOWAK", "ANNA", "5"),
            ],
        ),
        ("BBB222", &[("NAMESAKE", "JOHN", "1")]),
    ];
    post(push(first, "1"));
    let list = flight_travellers(&app, &officer, 6);
    assert_eq!(list.len(), 6, "{list:?}");
    // The update lists the bookings and their people in the other order.
    let second: &[(&str, &[(&str, &str, &str)])] = &[
        ("BBB222", &[("NAMESAKE", "JOHN", "1")]),
        (
            "AAA111",
            &[
                ("NOWAK", "ANNA", "5"),
                ("NOWAK", "ANNA", "4"),
                ("KOWALSKI", "PAWEL WOJCIECH", "3"),
                ("KOWALSKI", "PAWEL TOMASZ", "2"),
                ("NAMESAKE", "JOHN", "1"),
            ],
        ),
    ];
    post(push(second, "2"));
    let t0 = Instant::now();
    loop {
        let (s, m) = app.json("GET", "/api/v1/messages", Some(&officer), None);
        assert_eq!(s, 200, "{m}");
        let done = m["messages"].as_array().is_some_and(|m| {
            m.len() == 2
                && m.iter()
                    .all(|x| x["status"] != "received" && x["status"] != "processing")
        });
        if done {
            break;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "{m}");
        std::thread::sleep(Duration::from_millis(200));
    }
    let list = flight_travellers(&app, &officer, 6);
    assert_eq!(list.len(), 6, "nobody added by the update: {list:?}");
    // Each traveller has exactly one version from each push, and keeps their own given names.
    for t in &list {
        let path = format!("/api/v1/travellers/{}", t["id"].as_str().unwrap());
        let (s, view) = app.json("GET", &path, Some(&officer), None);
        assert_eq!(s, 200, "{view}");
        let versions = view["versions"].as_array().expect("versions");
        assert_eq!(versions.len(), 2, "{view}");
        let messages: std::collections::BTreeSet<String> = versions
            .iter()
            .map(|v| v["message_id"].as_str().unwrap_or_default().to_string())
            .collect();
        assert_eq!(messages.len(), 2, "one version per message: {view}");
        for v in versions {
            assert_eq!(
                v["data"]["given_names"], t["given_names"],
                "versions of one traveller name one person: {view}"
            );
        }
    }
}

#[test]
fn pnr_namesakes_without_dates_of_birth_stay_apart_on_sqlite() {
    run_pnr(Backend::Sqlite);
}

#[test]
fn pnr_namesakes_without_dates_of_birth_stay_apart_on_postgres() {
    run_pnr(Backend::Postgres);
}

#[test]
fn namesakes_stay_two_travellers_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn namesakes_stay_two_travellers_on_postgres() {
    run(Backend::Postgres);
}
