//! Namesakes on one flight: two people with the same surname and given names but different dates
//! of birth stay two travellers, in one message and across messages (they were merged into one,
//! the later overwriting the earlier, until session 2 found it).

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

#[test]
fn namesakes_stay_two_travellers_on_sqlite() {
    run(Backend::Sqlite);
}

#[test]
fn namesakes_stay_two_travellers_on_postgres() {
    run(Backend::Postgres);
}
