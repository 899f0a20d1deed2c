//! Multi-part manifests and PNR pushes: parts load as they arrive (out of order, one sent twice), their set is
//! tracked until complete, and a set that never completes is marked `timed_out` after
//! `PAXRISK_PART_TIMEOUT_SECONDS` with a warning on its messages; a late part still completes it.

mod common;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, Utc};
use common::{Backend, TestApp};
use paxrisk_parsers::write::{write_paxlst, write_pnrgov, WriteOptions};
use paxrisk_parsers::{Document, Flight, Leg, Manifest, Part, PnrPush, Traveller};
use serde_json::Value;

const TIMEOUT_SECONDS: u64 = 3;

fn flight(number: &str) -> Flight {
    // Singapore is UTC+8 all year.
    let dep = Utc::now().naive_utc() + Span::days(1) + Span::hours(8);
    let local = |t: chrono::NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    Flight {
        carrier: "QX".into(),
        number: number.into(),
        legs: vec![Leg {
            origin: "SIN".into(),
            destination: "DXB".into(),
            departure_local: Some(local(dep).into()),
            arrival_local: Some(local(dep + Span::hours(3)).into()),
        }],
    }
}

/// Made-up travellers `TESTPART<part><i>`.
fn travellers(part: u32, n: usize, nationality: &str) -> Vec<Traveller> {
    (0..n)
        .map(|i| Traveller {
            surname: format!("TESTPART{}{}", part, (b'A' + i as u8) as char).into(),
            given_names: "SAMPLE".into(),
            date_of_birth: Some(format!("1980-0{}-1{i}", part).into()),
            nationality: Some(nationality.into()),
            documents: vec![Document {
                doc_type: "P".into(),
                number: format!("X{part}{i}0000").into(),
                issuing_country: Some(nationality.into()),
                expiry: Some("2031-01-01".into()),
                issue_date: None,
            }],
            ..Traveller::default()
        })
        .collect()
}

/// Part `sequence` of `of` of the flight's passenger list, sent in interchange `reference`.
fn part(f: &Flight, sequence: u32, of: u32, people: Vec<Traveller>, reference: &str) -> Vec<u8> {
    let m = Manifest {
        part: Some(Part {
            sequence,
            first: sequence == 1,
            last: sequence == of,
        }),
        flight: f.clone(),
        document_code: Some("745".into()),
        travellers: people,
        ..Manifest::default()
    };
    write_paxlst(
        &m,
        &WriteOptions {
            interchange_ref: Some(reference.into()),
            common_access_ref: Some(format!("QX{}/PARTS", f.number)),
            ..WriteOptions::default()
        },
    )
}

fn post(app: &TestApp, token: &str, body: &[u8]) -> String {
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(token),
        Some((body, "application/edifact")),
    );
    assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    let v: Value = serde_json::from_slice(&b).unwrap();
    v["id"].as_str().unwrap().to_string()
}

fn message(app: &TestApp, token: &str, id: &str) -> Value {
    let (s, b) = app.json("GET", &format!("/api/v1/messages/{id}"), Some(token), None);
    assert_eq!(s, 200, "{b}");
    b
}

fn wait_loaded(app: &TestApp, token: &str, ids: &[&String]) {
    let t0 = Instant::now();
    for id in ids {
        loop {
            let m = message(app, token, id);
            let status = m["status"].as_str().unwrap_or("").to_string();
            if ["loaded", "screened"].contains(&status.as_str()) {
                break;
            }
            assert_ne!(status, "failed", "{m}");
            assert!(t0.elapsed() < Duration::from_secs(60), "{id} stuck: {m}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// The flight's list item and its travellers' surnames.
fn flight_state(app: &TestApp, token: &str, number: &str) -> (Value, Vec<String>) {
    let (s, list) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
    assert_eq!(s, 200, "{list}");
    let item = list["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["number"] == number)
        .unwrap_or_else(|| panic!("flight {number} missing: {list}"))
        .clone();
    let path = format!(
        "/api/v1/flights/{}/travellers",
        item["id"].as_str().unwrap()
    );
    let (s, t) = app.json("GET", &path, Some(token), None);
    assert_eq!(s, 200, "{t}");
    let mut names: Vec<String> = t["travellers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["surname"].as_str().unwrap().to_string())
        .collect();
    names.sort();
    (item, names)
}

fn diagnostics_text(m: &Value) -> String {
    m["diagnostics"].to_string()
}

/// A server with a QX carrier and an officer, the part timeout shortened; their tokens. `None`
/// where the backend is not available.
fn start(backend: Backend) -> Option<(TestApp, String, String)> {
    let mut app = TestApp::new(backend)?;
    app.user("carrier", "airline", Some("QX"));
    app.user("officer", "officer", None);
    app.start_with_env(&[("PAXRISK_PART_TIMEOUT_SECONDS", &TIMEOUT_SECONDS.to_string())]);
    let (carrier, officer) = (app.login("carrier"), app.login("officer"));
    Some((app, carrier, officer))
}

fn run(backend: Backend) {
    let Some((app, carrier, officer)) = start(backend) else {
        return;
    };

    // Flight 300: three parts, sent 3, 1, 2, then 2 again (a new copy: one nationality changed).
    let a = flight("300");
    let third = post(
        &app,
        &carrier,
        &part(&a, 3, 3, travellers(3, 2, "FRA"), "31"),
    );
    let first = post(
        &app,
        &carrier,
        &part(&a, 1, 3, travellers(1, 2, "FRA"), "32"),
    );
    let second = post(
        &app,
        &carrier,
        &part(&a, 2, 3, travellers(2, 2, "FRA"), "33"),
    );
    let again = post(
        &app,
        &carrier,
        &part(&a, 2, 3, travellers(2, 2, "DEU"), "34"),
    );
    wait_loaded(&app, &carrier, &[&third, &first, &second, &again]);
    for (id, number) in [(&third, 3), (&first, 1), (&second, 2), (&again, 2)] {
        let m = message(&app, &carrier, id);
        assert_eq!(m["parts"]["number"], number, "{m}");
        assert_eq!(m["parts"]["of"], 3, "{m}");
        assert_eq!(m["parts"]["seen"], 3, "{m}");
        assert_eq!(m["parts"]["set_state"], "complete", "{m}");
    }
    let dup = message(&app, &carrier, &again);
    assert!(
        diagnostics_text(&dup).contains("part 2 of this multi-part manifest was received before"),
        "{dup}"
    );
    assert!(
        !diagnostics_text(&message(&app, &carrier, &second)).contains("received before"),
        "the first copy of part 2 is no duplicate"
    );
    let (item, names) = flight_state(&app, &officer, "300");
    assert_eq!(
        names,
        [
            "TESTPART1A",
            "TESTPART1B",
            "TESTPART2A",
            "TESTPART2B",
            "TESTPART3A",
            "TESTPART3B"
        ],
        "every part's travellers, once each"
    );
    let sets = item["manifest_parts"].as_array().expect("part sets shown");
    assert_eq!(sets.len(), 1, "{item}");
    assert_eq!(sets[0]["state"], "complete");
    assert_eq!(sets[0]["parts_expected"], 3);
    assert_eq!(sets[0]["parts_seen"], 3);
    assert_eq!(sets[0]["duplicates"], 1);

    // Flight 301: parts 1 and 3 of 3 come, part 2 does not.
    let b = flight("301");
    let sent = Instant::now();
    let b1 = post(
        &app,
        &carrier,
        &part(&b, 1, 3, travellers(1, 2, "ITA"), "41"),
    );
    let b3 = post(
        &app,
        &carrier,
        &part(&b, 3, 3, travellers(3, 1, "ITA"), "42"),
    );
    wait_loaded(&app, &carrier, &[&b1, &b3]);
    let early = message(&app, &carrier, &b3);
    if sent.elapsed() < Duration::from_secs(TIMEOUT_SECONDS - 1) {
        assert_eq!(early["parts"]["set_state"], "incomplete", "{early}");
        assert_eq!(early["parts"]["seen"], 2, "{early}");
    }
    // Officers see the travellers of the parts that came at once.
    let (_, names) = flight_state(&app, &officer, "301");
    assert_eq!(names, ["TESTPART1A", "TESTPART1B", "TESTPART3A"]);
    // After the timeout the worker marks the set and warns on both messages.
    let t0 = Instant::now();
    let timed_out = loop {
        let m = message(&app, &carrier, &b1);
        if m["parts"]["set_state"] == "timed_out" {
            break m;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(30),
            "the set never timed out: {m}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    assert!(
        sent.elapsed() >= Duration::from_secs(TIMEOUT_SECONDS),
        "timed out before the timeout"
    );
    assert_eq!(timed_out["parts"]["of"], 3);
    for id in [&b1, &b3] {
        let m = message(&app, &carrier, id);
        let text = diagnostics_text(&m);
        assert!(
            text.contains("incomplete") && text.contains("part(s) 2 of 3 have not arrived"),
            "{m}"
        );
        assert!(text.contains("\"severity\":\"warning\""), "{m}");
        assert!(!text.contains("TESTPART"), "no names in diagnostics: {m}");
    }
    let (item, _) = flight_state(&app, &officer, "301");
    assert_eq!(item["manifest_parts"][0]["state"], "timed_out", "{item}");
    assert_eq!(item["manifest_parts"][0]["parts_seen"], 2, "{item}");
    // The carrier's quality report counts the partial manifest.
    let quality = |token: &str| {
        let (s, r) = app.json("GET", "/api/v1/carriers/quality", Some(token), None);
        assert_eq!(s, 200, "{r}");
        r["totals"].clone()
    };
    let totals = quality(&carrier);
    assert_eq!(
        (&totals["part_sets"], &totals["part_sets_timed_out"]),
        (&Value::from(2), &Value::from(1)),
        "{totals}"
    );
    // The flight page tells the officer too.
    let html = reqwest::blocking::Client::new()
        .get(format!(
            "{}/flights/{}",
            app.base,
            item["id"].as_str().unwrap()
        ))
        .header("Cookie", format!("paxrisk_session={officer}"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(html.contains("2 of 3 parts received · timed out"), "{html}");
    assert!(
        html.contains("still incomplete after the part timeout"),
        "{html}"
    );
    // The flight of the complete set was not touched.
    let (item, _) = flight_state(&app, &officer, "300");
    assert_eq!(item["manifest_parts"][0]["state"], "complete", "{item}");

    // The missing part comes late: the set completes and every traveller is there.
    let b2 = post(
        &app,
        &carrier,
        &part(&b, 2, 3, travellers(2, 1, "ITA"), "43"),
    );
    wait_loaded(&app, &carrier, &[&b2]);
    let late = message(&app, &carrier, &b2);
    assert_eq!(late["parts"]["set_state"], "complete", "{late}");
    assert!(
        diagnostics_text(&late).contains("after it had been marked timed out"),
        "{late}"
    );
    let (item, names) = flight_state(&app, &officer, "301");
    assert_eq!(item["manifest_parts"][0]["state"], "complete", "{item}");
    assert_eq!(quality(&officer)["part_sets_timed_out"], 0);
    assert_eq!(
        names,
        ["TESTPART1A", "TESTPART1B", "TESTPART2A", "TESTPART3A"]
    );

    // One file holding a whole set (parts 1 and 2 of 2, two interchanges): one message, complete.
    let c = flight("303");
    let mut both = part(&c, 1, 2, travellers(1, 2, "NLD"), "51");
    both.extend(part(&c, 2, 2, travellers(2, 1, "NLD"), "52"));
    let id = post(&app, &carrier, &both);
    wait_loaded(&app, &carrier, &[&id]);
    let m = message(&app, &carrier, &id);
    assert_eq!(m["parts"]["set_state"], "complete", "{m}");
    assert_eq!(m["parts"]["of"], 2, "{m}");
    let (item, names) = flight_state(&app, &officer, "303");
    assert_eq!(item["manifest_parts"][0]["parts_seen"], 2, "{item}");
    assert_eq!(names, ["TESTPART1A", "TESTPART1B", "TESTPART2A"]);

    // A manifest sent whole has no part set.
    let whole = Manifest {
        flight: flight("302"),
        travellers: travellers(4, 1, "ESP"),
        ..Manifest::default()
    };
    let id = post(
        &app,
        &carrier,
        &write_paxlst(&whole, &WriteOptions::default()),
    );
    wait_loaded(&app, &carrier, &[&id]);
    let m = message(&app, &carrier, &id);
    assert!(m.get("parts").is_none(), "{m}");
    let (item, _) = flight_state(&app, &officer, "302");
    assert!(item.get("manifest_parts").is_none(), "{item}");
}

/// Part `sequence` of `of` of a PNR push for the flight: one booking per traveller.
fn pnr_part(
    f: &Flight,
    sequence: u32,
    of: u32,
    people: Vec<Traveller>,
    reference: &str,
) -> Vec<u8> {
    let push = PnrPush {
        part: Some(Part {
            sequence,
            first: sequence == 1,
            last: sequence == of,
        }),
        ..common::pnr_push_of(f, people, &format!("PT{sequence}"))
    };
    write_pnrgov(
        &push,
        &WriteOptions {
            interchange_ref: Some(reference.into()),
            common_access_ref: Some(format!("QX{}/PNR", f.number)),
            ..WriteOptions::default()
        },
    )
}

/// A PNR push in parts is tracked as a set like a manifest's; the flight's next push, with the
/// same common access reference, starts a set of its own rather than counting as copies; a push
/// left incomplete times out with a warning that says so.
fn pnr_pushes(backend: Backend) {
    let Some((app, carrier, officer)) = start(backend) else {
        return;
    };
    let f = flight("400");
    let second = post(
        &app,
        &carrier,
        &pnr_part(&f, 2, 2, travellers(2, 2, "FRA"), "41"),
    );
    wait_loaded(&app, &carrier, &[&second]);
    let m = message(&app, &carrier, &second);
    assert_eq!(
        (m["parts"]["number"].as_i64(), m["parts"]["of"].as_i64()),
        (Some(2), Some(2)),
        "{m}"
    );
    assert_eq!(m["parts"]["set_state"], "incomplete", "{m}");
    let first = post(
        &app,
        &carrier,
        &pnr_part(&f, 1, 2, travellers(1, 2, "FRA"), "42"),
    );
    wait_loaded(&app, &carrier, &[&first]);
    for id in [&first, &second] {
        let m = message(&app, &carrier, id);
        assert_eq!(m["parts"]["set_state"], "complete", "{m}");
        assert!(!diagnostics_text(&m).contains("received before"), "{m}");
    }
    // The next push: its first part opens a new set, which never completes.
    let next = post(
        &app,
        &carrier,
        &pnr_part(&f, 1, 2, travellers(3, 1, "FRA"), "43"),
    );
    wait_loaded(&app, &carrier, &[&next]);
    let m = message(&app, &carrier, &next);
    assert_eq!(m["parts"]["seen"], 1, "{m}");
    assert!(!diagnostics_text(&m).contains("received before"), "{m}");
    let t0 = Instant::now();
    let item = loop {
        let (item, _) = flight_state(&app, &officer, "400");
        let sets = item["manifest_parts"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if sets.iter().any(|s| s["state"] == "timed_out") {
            break item;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(60),
            "no time-out: {item}"
        );
        std::thread::sleep(Duration::from_millis(200));
    };
    let sets = item["manifest_parts"].as_array().unwrap();
    assert_eq!(sets.len(), 2, "{item}");
    assert!(sets.iter().all(|s| s["document"] == "PNRGOV"), "{item}");
    let states: Vec<&str> = sets.iter().map(|s| s["state"].as_str().unwrap()).collect();
    assert_eq!(states, ["complete", "timed_out"], "{item}");
    let m = message(&app, &carrier, &next);
    assert!(
        diagnostics_text(&m).contains("the multi-part PNR push is incomplete"),
        "{m}"
    );
}

#[test]
fn pnr_pushes_on_sqlite() {
    pnr_pushes(Backend::Sqlite);
}

#[test]
fn pnr_pushes_on_postgres() {
    pnr_pushes(Backend::Postgres);
}

#[test]
fn parts_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn parts_on_postgres() {
    run(Backend::Postgres);
}
