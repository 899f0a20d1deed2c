//! Carrier data quality (`GET /api/v1/carriers/quality`, `paxrisk carriers quality`): a carrier
//! that sends a late manifest, a failed message and travellers with missing data, against one
//! that sends everything on time and complete; exact figures, and an airline sees only its own.

mod common;

use std::time::{Duration, Instant};

use chrono::{Duration as Span, NaiveDateTime, Utc};
use common::{Backend, TestApp};
use paxrisk_parsers::write::{write_paxlst, write_pnrgov, WriteOptions};
use paxrisk_parsers::{Document, Flight, Leg, Manifest, Traveller, TravellerKind};
use serde_json::Value;

/// A made-up person; `None` leaves the field out of the message.
fn person(
    surname: &str,
    dob: Option<&str>,
    nationality: Option<&str>,
    passport: Option<&str>,
) -> Traveller {
    Traveller {
        kind: TravellerKind::Passenger,
        surname: surname.into(),
        given_names: "TESTA".into(),
        date_of_birth: dob.map(str::to_string).map(Into::into),
        nationality: nationality.map(str::to_string).map(Into::into),
        documents: passport
            .map(|n| Document {
                doc_type: "P".into(),
                number: n.into(),
                issuing_country: nationality.map(str::to_string).map(Into::into),
                expiry: Some("2031-01-01".into()),
                issue_date: None,
            })
            .into_iter()
            .collect(),
        ..Traveller::default()
    }
}

/// A flight from London (local time = UTC in winter) to New York, departing at `dep` (UTC).
fn flight(carrier: &str, number: &str, dep: NaiveDateTime) -> Flight {
    let local = |t: NaiveDateTime| t.format("%Y-%m-%dT%H:%M").to_string();
    // London is UTC+1 in summer: keep the test right whatever the date.
    let offset = chrono_offset_london(dep);
    Flight {
        carrier: carrier.into(),
        number: number.into(),
        legs: vec![Leg {
            origin: "LHR".into(),
            destination: "JFK".into(),
            departure_local: Some(local(dep + offset).into()),
            arrival_local: Some(local(dep + offset + Span::hours(3)).into()),
        }],
    }
}

fn chrono_offset_london(t: NaiveDateTime) -> Span {
    // British Summer Time: last Sunday of March to last Sunday of October (01:00 UTC).
    use chrono::Datelike;
    let last_sunday = |month: u32| {
        let mut d = chrono::NaiveDate::from_ymd_opt(t.year(), month, 31).unwrap();
        while d.weekday() != chrono::Weekday::Sun {
            d = d.pred_opt().unwrap();
        }
        d.and_hms_opt(1, 0, 0).unwrap()
    };
    if t >= last_sunday(3) && t < last_sunday(10) {
        Span::hours(1)
    } else {
        Span::zero()
    }
}

fn manifest(f: &Flight, travellers: Vec<Traveller>, reference: &str) -> Vec<u8> {
    let m = Manifest {
        flight: f.clone(),
        totals: vec![("42".into(), travellers.len() as u32)],
        travellers,
        ..Manifest::default()
    };
    write_paxlst(
        &m,
        &WriteOptions {
            interchange_ref: Some(reference.into()),
            ..WriteOptions::default()
        },
    )
}

fn pnr_push(f: &Flight, people: &[&str], reference: &str) -> Vec<u8> {
    let people = people
        .iter()
        .map(|surname| person(surname, None, None, None))
        .collect();
    let push = common::pnr_push_of(f, people, "LOC");
    write_pnrgov(
        &push,
        &WriteOptions {
            interchange_ref: Some(reference.into()),
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

/// Waits until every message has been loaded (or failed) and its flight screened or not.
fn wait_done(app: &TestApp, token: &str, ids: &[String]) {
    let t0 = Instant::now();
    for id in ids {
        loop {
            let (s, b) = app.json("GET", &format!("/api/v1/messages/{id}"), Some(token), None);
            assert_eq!(s, 200, "{b}");
            let status = b["status"].as_str().unwrap_or("").to_string();
            if ["loaded", "screened", "failed"].contains(&status.as_str()) {
                break;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "message {id} stuck in {status}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn carrier_total<'a>(report: &'a Value, carrier: &str) -> &'a Value {
    report["carriers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["carrier"] == carrier)
        .unwrap_or_else(|| panic!("no totals for {carrier}: {report}"))
}

fn run(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("good-air", "airline", Some("GA"));
    app.user("sloppy-air", "airline", Some("QX"));
    app.user("analyst", "analyst", None);
    app.user("approver", "approver", None);
    app.start();
    let (good, sloppy, analyst) = (
        app.login("good-air"),
        app.login("sloppy-air"),
        app.login("analyst"),
    );
    let now = Utc::now().naive_utc();

    // GA: one manifest a day ahead, complete; a PNR push naming both passengers.
    let ga = flight("GA", "100", now + Span::days(1));
    let mut ids = vec![
        post(
            &app,
            &good,
            &manifest(
                &ga,
                vec![
                    person(
                        "ALPHAFIELD",
                        Some("1980-01-02"),
                        Some("GBR"),
                        Some("P100001"),
                    ),
                    person("BETAWOOD", Some("1975-03-04"), Some("FRA"), Some("P100002")),
                ],
                "11",
            ),
        ),
        post(
            &app,
            &good,
            &pnr_push(&ga, &["ALPHAFIELD", "BETAWOOD"], "12"),
        ),
    ];
    // QX: a manifest ten minutes before departure with three incomplete passengers (no
    // document, no date of birth, no nationality), of whom a PNR names one; a crew list on time;
    // and a message that cannot be read.
    let qx = flight("QX", "200", now + Span::minutes(10));
    let mut crew = person(
        "GAMMACREW",
        Some("1970-05-06"),
        Some("USA"),
        Some("C300001"),
    );
    crew.kind = TravellerKind::Crew;
    ids.extend([
        post(
            &app,
            &sloppy,
            &manifest(
                &qx,
                vec![
                    person("DELTAMOOR", Some("1990-07-08"), Some("DEU"), None),
                    person("EPSILONDALE", None, Some("ITA"), Some("P200002")),
                    person("ZETAHOLM", Some("1985-09-10"), None, Some("P200003")),
                ],
                "21",
            ),
        ),
        post(&app, &sloppy, &pnr_push(&qx, &["DELTAMOOR"], "22")),
        post(
            &app,
            &sloppy,
            &manifest(
                &flight("QX", "201", now + Span::days(1)),
                vec![crew],
                "23",
            ),
        ),
        post(
            &app,
            &sloppy,
            b"UNA:+.? 'UNB+UNOA:4+QXAIR+CUSTOMS+261129:1200+24'UNH+1+CUSCAR:D:05B:UN'UNT+2+1'UNZ+1+24'",
        ),
    ]);
    wait_done(&app, &analyst, &ids);

    let today = Utc::now().date_naive();
    let range = format!(
        "from={}&to={}",
        today - Span::days(1),
        today + Span::days(1)
    );
    let (s, all) = app.json(
        "GET",
        &format!("/api/v1/carriers/quality?{range}"),
        Some(&analyst),
        None,
    );
    assert_eq!(s, 200, "{all}");
    assert_eq!(all["on_time_minutes"], 30);
    let qx_total = carrier_total(&all, "QX");
    let expect_qx = [
        ("messages", 4),
        ("api_messages", 2),
        ("pnr_messages", 1),
        ("failed", 1),
        ("api_timed", 2),
        ("api_on_time", 1),
        ("api_late", 1),
        ("api_travellers", 4),
        ("missing_document", 1),
        ("missing_date_of_birth", 1),
        ("missing_nationality", 1),
        ("api_passengers", 3),
        ("pnr_matched", 1),
    ];
    for (field, want) in expect_qx {
        assert_eq!(qx_total[field], want, "QX {field}: {qx_total}");
    }
    assert_eq!(qx_total["on_time_rate"], 0.5);
    assert_eq!(qx_total["part_sets"], 0, "no manifest came in parts");
    assert_eq!(qx_total["missing_document_share"], 0.25);
    assert_eq!(qx_total["pnr_match_rate"], 0.3333);
    assert!(
        qx_total["diagnostics"]["error"].as_i64().unwrap() >= 1,
        "{qx_total}"
    );
    let ga_total = carrier_total(&all, "GA");
    let expect_ga = [
        ("messages", 2),
        ("api_messages", 1),
        ("pnr_messages", 1),
        ("failed", 0),
        ("api_timed", 1),
        ("api_on_time", 1),
        ("api_late", 0),
        ("api_travellers", 2),
        ("missing_document", 0),
        ("missing_date_of_birth", 0),
        ("missing_nationality", 0),
        ("api_passengers", 2),
        ("pnr_matched", 2),
    ];
    for (field, want) in expect_ga {
        assert_eq!(ga_total[field], want, "GA {field}: {ga_total}");
    }
    assert_eq!(ga_total["pnr_match_rate"], 1.0);
    assert_eq!(ga_total["diagnostics"]["error"], 0, "{ga_total}");
    assert_eq!(all["totals"]["messages"], 6);
    // Rows are carrier × day and add up to the carrier's totals.
    let rows = all["rows"].as_array().unwrap();
    let qx_rows: i64 = rows
        .iter()
        .filter(|r| r["carrier"] == "QX")
        .map(|r| {
            assert!(r["day"].as_str().unwrap().len() == 10, "{r}");
            r["messages"].as_i64().unwrap()
        })
        .sum();
    assert_eq!(qx_rows, 4);
    // No personal data in the report.
    let text = all.to_string();
    for surname in [
        "ALPHAFIELD",
        "DELTAMOOR",
        "GAMMACREW",
        "P200002",
        "1990-07-08",
    ] {
        assert!(!text.contains(surname), "{surname} in the report");
    }

    // The threshold is a parameter: at 5 minutes the late manifest is on time.
    let (s, loose) = app.json(
        "GET",
        &format!("/api/v1/carriers/quality?{range}&on_time_minutes=5&carrier=qx"),
        Some(&analyst),
        None,
    );
    assert_eq!(s, 200, "{loose}");
    assert_eq!(loose["carriers"].as_array().unwrap().len(), 1, "{loose}");
    assert_eq!(carrier_total(&loose, "QX")["api_on_time"], 2);

    // An airline sees its own carrier only, whatever it asks for.
    let (s, own) = app.json(
        "GET",
        &format!("/api/v1/carriers/quality?{range}"),
        Some(&sloppy),
        None,
    );
    assert_eq!(s, 200, "{own}");
    let carriers: Vec<&Value> = own["carriers"].as_array().unwrap().iter().collect();
    assert_eq!(carriers.len(), 1, "{own}");
    assert_eq!(carriers[0]["carrier"], "QX");
    assert_eq!(own["totals"]["messages"], 4);
    assert!(own["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["carrier"] == "QX"));
    let (s, other) = app.json(
        "GET",
        &format!("/api/v1/carriers/quality?{range}&carrier=GA"),
        Some(&sloppy),
        None,
    );
    assert_eq!(s, 200, "{other}");
    assert_eq!(other["rows"], serde_json::json!([]), "{other}");
    assert_eq!(other["carriers"], serde_json::json!([]), "{other}");
    assert_eq!(other["totals"]["messages"], 0, "{other}");

    // Bad input and roles.
    for (query, code) in [
        ("from=29-11-2026", 400),
        ("from=2026-11-29&to=2026-11-01", 400),
        ("carrier=QXX", 400),
        ("on_time_minutes=soon", 400),
        ("on_time_minutes=-5", 400),
    ] {
        let (s, b) = app.json(
            "GET",
            &format!("/api/v1/carriers/quality?{query}"),
            Some(&analyst),
            None,
        );
        assert_eq!(s, code, "{query}: {b}");
        assert_eq!(b["code"], "bad_request", "{query}: {b}");
    }
    let approver = app.login("approver");
    let (s, _) = app.json("GET", "/api/v1/carriers/quality", Some(&approver), None);
    assert_eq!(s, 403);
    let (s, _) = app.json("GET", "/api/v1/carriers/quality", None, None);
    assert_eq!(s, 401);

    // The page shows the same table; an airline's page holds its own carrier only.
    let page = |token: &str| {
        let r = reqwest::blocking::Client::new()
            .get(format!("{}/carriers?{range}", app.base))
            .header("Cookie", format!("paxrisk_session={token}"))
            .send()
            .unwrap();
        (r.status().as_u16(), r.text().unwrap())
    };
    let (s, html) = page(&analyst);
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Carrier data quality"), "{html}");
    assert!(
        html.contains("<td>QX</td>") && html.contains("<td>GA</td>"),
        "{html}"
    );
    assert!(html.contains("1 of 2 (50.0%)"), "QX on time: {html}");
    // A chart per carrier above the table, each point with its value (issue 9).
    assert!(
        html.contains("data-carrier=\"QX\"") && html.contains("data-carrier=\"GA\""),
        "{html}"
    );
    assert!(html.contains("<desc id=\"trend-desc-"), "{html}");
    assert!(
        html.contains("<title>API manifests on time, ") && html.contains(": 50.0%</title>"),
        "{html}"
    );
    let (s, html) = page(&sloppy);
    assert_eq!(s, 200, "{html}");
    assert!(
        html.contains("<td>QX</td>") && !html.contains("<td>GA</td>"),
        "{html}"
    );
    assert!(!html.contains("data-carrier=\"GA\""), "{html}");
    assert_eq!(page(&approver).0, 403);

    // The CLI prints the same figures.
    let from = (today - Span::days(1)).to_string();
    let to = (today + Span::days(1)).to_string();
    let out = app.cli(
        &[
            "carriers",
            "quality",
            "--from",
            &from,
            "--to",
            &to,
            "--carrier",
            "QX",
            "--format",
            "json",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["totals"]["missing_nationality"], 1, "{cli}");
    assert_eq!(cli["totals"]["api_late"], 1, "{cli}");
    let out = app.cli(
        &[
            "carriers", "quality", "--from", &from, "--to", &to, "--format", "csv",
        ],
        None,
    );
    assert!(out.status.success());
    let csv = String::from_utf8(out.stdout).unwrap();
    assert!(csv.starts_with("carrier,day,messages,"), "{csv}");
    assert!(
        csv.lines()
            .any(|l| l.starts_with("QX,total,4,2,1,1,2,1,1,0.5,")),
        "{csv}"
    );
    let out = app.cli(&["carriers", "quality", "--format", "xml"], None);
    assert!(!out.status.success());
}

#[test]
fn quality_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn quality_on_postgres() {
    run(Backend::Postgres);
}
