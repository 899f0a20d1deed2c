//! Link analysis through the real binary, on SQLite and (when configured) PostgreSQL: generated
//! traffic with planted watchlist travellers whose booking's phone is also on a two-person
//! booking on the next flight. The associate (one hop: same phone, two bookings) and their
//! companion (two hops: another booking with the associate's e-mail address) are flagged by a rule on
//! `links.hops_to_hit` with the path as the reason; the graph API and page show the path; filters
//! narrow it; retention takes the links with their sources.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use serde_json::{json, Value};

/// Made-up people, planted into the traffic by the generator.
const LIST: &str =
    "surname,given_names,date_of_birth,nationality,gender,document_number,document_country,category
VORTANEK,Kasimir,1968-04-12,,,,,test
MELQUIST,Orsolya Brigid,1975-09-30,,,,,test
";

fn eventually<T>(what: &str, secs: u64, mut f: impl FnMut() -> Option<T>) -> T {
    let t0 = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(secs),
            "timed out: {what}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// One value from the database (sqlite3 or psql), as text.
fn sql(app: &TestApp, query: &str) -> String {
    let out = match app.backend {
        Backend::Sqlite => Command::new("sqlite3")
            .arg(app.database.trim_start_matches("sqlite://"))
            .arg(query)
            .output(),
        Backend::Postgres => Command::new("psql")
            .arg(&app.database)
            .args(["-tAc", query])
            .output(),
    }
    .expect("run the database shell");
    assert!(
        out.status.success(),
        "{query}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// A page with the browser's session cookie (no redirects followed).
fn page(app: &TestApp, token: &str, path: &str) -> (u16, String) {
    let r = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(format!("{}{path}", app.base))
        .header("Cookie", format!("paxrisk_session={token}"))
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap_or_default())
}

fn generate(app: &TestApp, out: &Path) -> Value {
    let list = app.dir.path().join("plant.csv");
    std::fs::write(&list, LIST).unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let o = app.cli(
        &[
            "generate",
            "--flights",
            "3",
            "--seed",
            "12",
            "--date",
            &today,
            "--plant",
            list.to_str().unwrap(),
            "--plant-links",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("linked.json")).unwrap()).unwrap()
}

/// The traveller id of a generated person on a flight, through the API.
fn find(
    app: &TestApp,
    token: &str,
    carrier: &str,
    number: &str,
    surname: &str,
    given: &str,
) -> String {
    let (s, b) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
    assert_eq!(s, 200, "{b}");
    let f = b["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["carrier"] == carrier && f["number"] == number)
        .unwrap_or_else(|| panic!("flight {carrier}{number}"))
        .clone();
    let (s, t) = app.json(
        "GET",
        &format!("/api/v1/flights/{}/travellers", f["id"].as_str().unwrap()),
        Some(token),
        None,
    );
    assert_eq!(s, 200);
    t["travellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["surname"] == surname && x["given_names"] == given)
        .unwrap_or_else(|| panic!("{surname} on {carrier}{number}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn scenario(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("link-analyst", "analyst", None);
    app.user("link-officer", "officer", None);
    app.user("link-carrier", "airline", Some("ZZ"));
    app.start();
    let analyst = app.login("link-analyst");
    let officer = app.login("link-officer");
    let carrier = app.login("link-carrier");

    // The list and a rule on the new field, before the traffic arrives.
    let (s, b) = app.http(
        "POST",
        "/api/v1/watchlists/local/import?format=csv",
        Some(&analyst),
        Some((LIST.as_bytes(), "text/csv")),
    );
    assert_eq!(s, 201, "{}", String::from_utf8_lossy(&b));
    let (s, fields) = app.json("GET", "/api/v1/rules/fields", Some(&analyst), None);
    assert_eq!(s, 200);
    assert!(
        fields.to_string().contains("links.hops_to_hit"),
        "the field is in the catalogue: {fields}"
    );
    let rule = json!({"name": "Linked to a hit", "category": "links", "severity": "medium",
        "weight": 60, "state": "live", "rationale": "link analysis end-to-end test",
        "condition": {"field": "links.hops_to_hit", "op": "le", "value": 2}});
    let (s, b) = app.json("POST", "/api/v1/rules", Some(&analyst), Some(&rule));
    assert_eq!(s, 201, "{b}");
    let bad = json!({"name": "Too far", "category": "links", "severity": "medium", "weight": 60,
        "state": "live", "rationale": "x",
        "condition": {"field": "links.hops_to_hit", "op": "le", "value": 7}});
    let (s, b) = app.json("POST", "/api/v1/rules", Some(&analyst), Some(&bad));
    assert_eq!(s, 422, "more than 3 hops is refused: {b}");

    let dir = app.dir.path().join("traffic");
    let linked = generate(&app, &dir);
    let linked = linked.as_array().unwrap().clone();
    assert_eq!(
        linked.len(),
        4,
        "an associate and a companion for each of 2 plants"
    );
    // `paxrisk ingest` loads and screens; one SQLite writer at a time, so the server waits.
    app.stop();
    let o = app.cli(&["ingest", dir.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    app.start();

    // Every associate and companion is flagged, with the path as the reason.
    for l in &linked {
        let surname = l["surname"].as_str().unwrap();
        let given = l["given_names"].as_str().unwrap();
        let hops = l["hops"].as_u64().unwrap();
        let phone = l["phone"].as_str().unwrap();
        let item = eventually(&format!("{surname} flagged"), 60, || {
            let (s, b) = app.json(
                "GET",
                "/api/v1/queue?all=true&limit=500",
                Some(&officer),
                None,
            );
            assert_eq!(s, 200);
            b["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|i| {
                    i["traveller"]["surname"] == surname
                        && i["traveller"]["given_names"] == given
                        && i["hits"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .any(|h| h["reason"].as_str().unwrap_or("").contains("linked in"))
                })
                .cloned()
        });
        let reason = item["hits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["reason"].as_str().unwrap_or(""))
            .find(|r| r.contains("linked in"))
            .unwrap()
            .to_string();
        let plural = if hops == 1 { "" } else { "s" };
        assert!(
            reason.contains(&format!(
                "linked in {hops} hop{plural} to a traveller with a watchlist hit"
            )),
            "{reason}"
        );
        let last4 = &phone[phone.len() - 4..];
        assert!(reason.contains(&format!("phone …{last4}")), "{reason}");
        assert!(
            !reason.contains(&phone[3..]),
            "the phone is masked: {reason}"
        );
        if hops == 2 {
            assert!(reason.contains("e-mail …@example.net"), "{reason}");
        }

        // The graph: the path runs from the traveller through the two bookings and the phone to
        // the watchlisted traveller.
        let id = find(
            &app,
            &officer,
            l["carrier"].as_str().unwrap(),
            l["flight_number"].as_str().unwrap(),
            surname,
            given,
        );
        let (s, g) = app.json(
            "GET",
            &format!("/api/v1/travellers/{id}/links?hops=2"),
            Some(&officer),
            None,
        );
        assert_eq!(s, 200, "{g}");
        let node = |nid: &str| {
            g["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["id"] == nid)
                .cloned()
                .unwrap_or(Value::Null)
        };
        let path: Vec<Value> = g["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| node(p.as_str().unwrap()))
            .collect();
        assert_eq!(path.first().unwrap()["id"], id.as_str(), "{g}");
        assert_eq!(path.last().unwrap()["hit"], "watchlist hit", "{g}");
        let kinds: Vec<&str> = path.iter().map(|n| n["kind"].as_str().unwrap()).collect();
        let bookings: std::collections::BTreeSet<&str> = path
            .iter()
            .filter(|n| n["kind"] == "booking")
            .map(|n| n["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            bookings.len(),
            hops as usize + 1,
            "PNRs on the path: {kinds:?}"
        );
        assert!(kinds.contains(&"phone"), "{kinds:?}");
        let phone_node = path.iter().find(|n| n["kind"] == "phone").unwrap();
        assert_eq!(phone_node["label"], format!("phone …{last4}"));
        // Consecutive path nodes are joined by edges of the graph.
        for w in g["path"].as_array().unwrap().windows(2) {
            assert!(
                g["edges"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| (e["from"] == w[0] && e["to"] == w[1])
                        || (e["from"] == w[1] && e["to"] == w[0])),
                "no edge {} — {}",
                w[0],
                w[1]
            );
        }
        assert!(
            !g.to_string().contains(&phone[3..]),
            "no clear phone in the graph"
        );

        // Filters: without phones there is no path; one hop is not enough for the companion;
        // a time window before the flights hides everyone else.
        let (_, g) = app.json(
            "GET",
            &format!("/api/v1/travellers/{id}/links?hops=3&kinds=email,card,booking"),
            Some(&officer),
            None,
        );
        assert!(
            g["path"].as_array().unwrap().is_empty()
                || !g["nodes"].to_string().contains("\"phone\""),
            "{g}"
        );
        assert!(!g["edges"].to_string().contains("\"phone\""), "{g}");
        if hops == 2 {
            let (_, g) = app.json(
                "GET",
                &format!("/api/v1/travellers/{id}/links?hops=1"),
                Some(&officer),
                None,
            );
            assert!(g["path"].as_array().unwrap().is_empty(), "{g}");
        }
        let (_, g) = app.json(
            "GET",
            &format!("/api/v1/travellers/{id}/links?until=2001-01-01"),
            Some(&officer),
            None,
        );
        let travellers = g["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["type"] == "traveller")
            .count();
        assert_eq!(travellers, 1, "only the root before 2001: {g}");

        // The page shows the same path, and ships the graph to its script.
        let (s, html) = page(&app, &officer, &format!("/travellers/{id}/links"));
        assert_eq!(s, 200, "{html}");
        assert!(
            html.contains("Path to the nearest traveller with a hit"),
            "{html}"
        );
        assert!(html.contains(&format!("phone …{last4}")), "{html}");
        assert!(html.contains("(watchlist hit)"), "{html}");
        assert!(html.contains("src=\"/static/links.js?v="), "{html}");
        assert!(html.contains("data-graph=\""), "{html}");
        let (s, _) = page(&app, &carrier, &format!("/travellers/{id}/links"));
        assert_eq!(s, 403, "carriers may not open the page");
    }

    // An officer confirms the associate's item: the associate is now a confirmed hit, one hop
    // (the shared e-mail) from the companion, who is screened again and says so.
    let (assoc, comp) = (&linked[0], &linked[1]);
    assert_eq!(
        (assoc["hops"].as_u64(), comp["hops"].as_u64()),
        (Some(1), Some(2))
    );
    assert_eq!(assoc["entry_id"], comp["entry_id"]);
    let (s, b) = app.json(
        "GET",
        "/api/v1/queue?all=true&limit=500",
        Some(&officer),
        None,
    );
    assert_eq!(s, 200);
    let item = b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| {
            i["traveller"]["surname"] == assoc["surname"]
                && i["traveller"]["given_names"] == assoc["given_names"]
        })
        .unwrap()
        .clone();
    let item_id = item["id"].as_str().unwrap();
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/queue/{item_id}/claim"),
        Some(&officer),
        None,
    );
    assert_eq!(s, 200, "{b}");
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/queue/{item_id}/disposition"),
        Some(&officer),
        Some(&json!({"disposition": "resultant"})),
    );
    assert_eq!(s, 200, "{b}");
    eventually("the companion's reason names the confirmed hit", 60, || {
        let (_, b) = app.json(
            "GET",
            "/api/v1/queue?all=true&limit=500",
            Some(&officer),
            None,
        );
        b["items"].as_array().unwrap().iter().find(|i| {
            i["traveller"]["surname"] == comp["surname"]
                && i["traveller"]["given_names"] == comp["given_names"]
                && i["hits"].as_array().unwrap().iter().any(|h| {
                    h["reason"]
                        .as_str()
                        .unwrap_or("")
                        .contains("linked in 1 hop to a traveller with a confirmed hit: e-mail …@example.net")
                })
        }).cloned()
    });

    // Bad input and roles.
    let some = find(
        &app,
        &officer,
        linked[0]["carrier"].as_str().unwrap(),
        linked[0]["flight_number"].as_str().unwrap(),
        linked[0]["surname"].as_str().unwrap(),
        linked[0]["given_names"].as_str().unwrap(),
    );
    for q in ["hops=9", "hops=x", "kinds=religion", "since=yesterday"] {
        let (s, b) = app.json(
            "GET",
            &format!("/api/v1/travellers/{some}/links?{q}"),
            Some(&officer),
            None,
        );
        assert_eq!(s, 400, "{q}: {b}");
    }
    let (s, _) = app.json(
        "GET",
        "/api/v1/travellers/nobody/links",
        Some(&officer),
        None,
    );
    assert_eq!(s, 404);
    let (s, _) = app.json(
        "GET",
        &format!("/api/v1/travellers/{some}/links"),
        Some(&carrier),
        None,
    );
    assert_eq!(s, 403);

    // The links table holds hashes, never a phone number or e-mail address in clear.
    let phone = linked[0]["phone"].as_str().unwrap();
    assert_eq!(
        sql(
            &app,
            &format!(
                "SELECT count(*) FROM links WHERE node LIKE '%{}%'",
                &phone[3..]
            )
        ),
        "0"
    );
    let email = linked[0]["email"].as_str().unwrap().to_lowercase();
    let local = email.split('@').next().unwrap();
    assert_eq!(
        sql(
            &app,
            &format!("SELECT count(*) FROM link_nodes WHERE lower(label) LIKE '%{local}%'")
        ),
        "0",
        "e-mail labels keep only the domain"
    );
    assert_eq!(
        sql(
            &app,
            "SELECT count(*) FROM link_nodes WHERE kind = 'email' AND label NOT LIKE 'e-mail …@%'"
        ),
        "0"
    );
    let before: u64 = sql(&app, "SELECT count(*) FROM links").parse().unwrap();
    assert!(before > 100, "links were derived at load: {before}");

    // Retention: ten years on, everything not held is deleted; held (open items) travellers are
    // masked. Links go with them: none of a deleted traveller, none but itinerary ones of a
    // masked one, no node without a link.
    app.stop();
    let later = (chrono::Utc::now() + chrono::Duration::days(3650))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let out = app.cli(&["retention", "run", "--now", &later], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        sql(
            &app,
            "SELECT count(*) FROM links WHERE traveller_id NOT IN (SELECT id FROM travellers)"
        ),
        "0",
        "links of deleted travellers are gone"
    );
    assert_eq!(
        sql(
            &app,
            "SELECT count(*) FROM links l JOIN travellers t ON t.id = l.traveller_id \
                   WHERE t.masked AND l.kind NOT IN ('booking', 'agency', 'seat_row')"
        ),
        "0",
        "masked travellers keep no personal links"
    );
    assert_eq!(
        sql(
            &app,
            "SELECT count(*) FROM link_nodes WHERE node NOT IN (SELECT node FROM links)"
        ),
        "0",
        "no orphan node"
    );
    assert_eq!(
        sql(&app, "SELECT count(*) FROM link_nodes WHERE kind IN ('phone', 'email', 'card', 'document', 'person', 'address', 'frequent_flyer')"),
        "0",
        "no personal value is left"
    );
    let after: u64 = sql(&app, "SELECT count(*) FROM links").parse().unwrap();
    assert!(after < before, "{after} < {before}");
}

#[test]
fn link_analysis_on_sqlite() {
    scenario(Backend::Sqlite);
}

#[test]
fn link_analysis_on_postgres() {
    scenario(Backend::Postgres);
}

/// A PNRGOV push for ZZ778 SIN→DXB with one booking of one traveller and one phone number.
fn phone_push(phone: &str, reference: &str) -> Vec<u8> {
    use paxrisk_parsers::{Contact, Flight, Leg, Pnr, PnrPush, Segment, Traveller};
    let leg = Leg {
        origin: "SIN".into(),
        destination: "DXB".into(),
        departure_local: Some("2026-12-03T10:00".into()),
        arrival_local: Some("2026-12-03T13:00".into()),
    };
    let pnr = Pnr {
        record_locator: "LNK111".into(),
        travellers: vec![Traveller {
            surname: "CHANGEWELL".into(),
            given_names: "ALEXA".into(),
            traveller_ref: Some("1".into()),
            ..Traveller::default()
        }],
        itinerary: vec![Segment {
            carrier: "ZZ".into(),
            number: "778".into(),
            origin: leg.origin.clone(),
            destination: leg.destination.clone(),
            departure_local: leg.departure_local.clone(),
            arrival_local: leg.arrival_local.clone(),
            operating_carrier: None,
        }],
        contacts: vec![Contact {
            kind: "phone".into(),
            value: phone.into(),
        }],
        ..Pnr::default()
    };
    let push = PnrPush {
        flight: Flight {
            carrier: "ZZ".into(),
            number: "778".into(),
            legs: vec![leg],
        },
        pnrs: vec![pnr],
        ..PnrPush::default()
    };
    paxrisk_parsers::write::write_pnrgov(
        &push,
        &paxrisk_parsers::write::WriteOptions {
            interchange_ref: Some(reference.into()),
            ..Default::default()
        },
    )
}

/// Link rows follow what each message gives: an update with the same values leaves them as they
/// are, a changed phone number replaces its link and leaves no orphan node.
fn links_follow_updates(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("carrier", "airline", Some("ZZ"));
    app.user("officer", "officer", None);
    app.start();
    let (carrier, officer) = (app.login("carrier"), app.login("officer"));
    let mut sent = 0;
    let mut post = |body: Vec<u8>| {
        let (s, b) = app.http(
            "POST",
            "/api/v1/messages",
            Some(&carrier),
            Some((&body, "application/edifact")),
        );
        assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
        sent += 1;
        let t0 = Instant::now();
        loop {
            let (_, m) = app.json("GET", "/api/v1/messages", Some(&officer), None);
            let list = m["messages"].as_array().cloned().unwrap_or_default();
            if list.len() == sent
                && list
                    .iter()
                    .all(|x| x["status"] != "received" && x["status"] != "processing")
            {
                break;
            }
            assert!(t0.elapsed() < Duration::from_secs(30), "{m}");
            std::thread::sleep(Duration::from_millis(100));
        }
    };
    let phone_links = |app: &TestApp| {
        sql(
            app,
            "SELECT node || ' ' || at FROM links WHERE kind = 'phone' ORDER BY node",
        )
    };
    post(phone_push("+6591234567", "1"));
    let first = phone_links(&app);
    assert_eq!(first.lines().count(), 1, "{first}");
    post(phone_push("+6591234567", "2"));
    assert_eq!(
        phone_links(&app),
        first,
        "the same value again changes nothing"
    );
    post(phone_push("+6598765432", "3"));
    let changed = phone_links(&app);
    assert_eq!(changed.lines().count(), 1, "{changed}");
    assert_ne!(changed, first, "the new number replaced the old one");
    assert_eq!(
        sql(
            &app,
            "SELECT count(*) FROM link_nodes WHERE node NOT IN (SELECT node FROM links)"
        ),
        "0",
        "no orphan node"
    );
}

#[test]
fn links_follow_updates_on_sqlite() {
    links_follow_updates(Backend::Sqlite);
}

#[test]
fn links_follow_updates_on_postgres() {
    links_follow_updates(Backend::Postgres);
}
