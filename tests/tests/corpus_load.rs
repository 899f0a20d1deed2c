//! The GTAS synthetic-2017 corpus (../shared/corpus/gtas/synthetic-2017) loaded through
//! `paxrisk ingest`: every full-flight PNRGOV file becomes its flight with all its travellers, and
//! a story's PNR and passenger list merge into one flight whose travellers carry their booking.
//! Expectations: fixtures/corpus/gtas-synthetic-2017.tsv, written from an independent reading.

mod common;

use common::{Backend, TestApp};
use serde_json::Value;

fn corpus() -> Option<std::path::PathBuf> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/gtas/synthetic-2017");
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!(
            "skipped: {} is absent (the shared corpus is not on this machine)",
            p.display()
        );
        None
    }
}

fn flights(app: &TestApp, token: &str) -> Vec<Value> {
    let (s, b) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
    assert_eq!(s, 200);
    b["flights"].as_array().cloned().unwrap_or_default()
}

fn find<'a>(
    all: &'a [Value],
    carrier: &str,
    number: &str,
    origin: &str,
    destination: &str,
) -> Option<&'a Value> {
    all.iter().find(|f| {
        f["carrier"] == carrier
            && f["number"] == number
            && f["origin"] == origin
            && f["destination"] == destination
    })
}

fn load(backend: Backend) {
    let Some(dir) = corpus() else { return };
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("corpus-officer", "officer", None);
    let out = app.cli(&["ingest", dir.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "ingest: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.start();
    let token = app.login("corpus-officer");
    let all = flights(&app, &token);

    let table = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../fixtures/corpus/gtas-synthetic-2017.tsv"
    ))
    .unwrap();
    let mut checked = 0;
    for line in table.lines().filter(|l| !l.starts_with('#')).skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, carrier, number, origin, destination, travellers) =
            (f[0], f[1], f[2], f[3], f[4], f[6]);
        let flight = find(&all, carrier, number, origin, destination)
            .unwrap_or_else(|| panic!("{file}: no flight {carrier}{number}"));
        assert_eq!(
            flight["travellers"].to_string(),
            travellers,
            "{file}: travellers of {carrier}{number}"
        );
        checked += 1;
    }
    assert_eq!(checked, 40, "every full-flight file was checked");

    // Story 2: a PNR push and a passenger list of UA123 LHR→IAD are one flight of 268 travellers,
    // each with API identity data and the record locator of their booking.
    let ua = find(&all, "UA", "123", "LHR", "IAD").expect("story 2's flight");
    let (s, b) = app.json(
        "GET",
        &format!("/api/v1/flights/{}/travellers", ua["id"].as_str().unwrap()),
        Some(&token),
        None,
    );
    assert_eq!(s, 200);
    let travellers = b["travellers"].as_array().unwrap();
    assert_eq!(travellers.len(), 268);
    assert!(
        travellers.iter().all(|t| t["source"] == "api"),
        "API identity data win over PNR data"
    );
    assert!(
        travellers.iter().all(|t| t["record_locator"].is_string()),
        "every traveller is linked to their PNR"
    );
}

#[test]
fn gtas_synthetic_corpus_loads_on_sqlite() {
    load(Backend::Sqlite);
}

#[test]
fn gtas_synthetic_corpus_loads_on_postgres() {
    load(Backend::Postgres);
}
