//! Carrier to officer over HTTP, on SQLite and (when configured) PostgreSQL: a watchlisted
//! traveller reaches the queue with a reason; roles, idempotency and carrier isolation hold; the
//! officer claims and disposes; the audit chain verifies.

mod common;

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::{json, Value};

fn fixture(path: &str) -> String {
    format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn surnames(items: &[Value]) -> Vec<String> {
    items
        .iter()
        .map(|i| i["traveller"]["surname"].as_str().unwrap_or("").to_string())
        .collect()
}

fn carrier_to_officer(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.user("yy-carrier", "airline", Some("YY"));
    app.user("officer-one", "officer", None);
    app.user("officer-two", "officer", None);
    let out = app.cli(
        &[
            "watchlist",
            "import",
            "--name",
            "test-list",
            "--format",
            "csv",
            &fixture("watchlists/e2e.csv"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.start();
    let (zz, yy, officer, officer2) = (
        app.login("zz-carrier"),
        app.login("yy-carrier"),
        app.login("officer-one"),
        app.login("officer-two"),
    );

    let now = Utc::now().naive_utc();
    let text = manifest(
        "501",
        now - chrono::Duration::hours(3),
        now + chrono::Duration::hours(2),
        &[
            // A variant of a listed person: typo in the surname, middle name dropped.
            ("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567"),
            ("MADEUPSON", "PETRA", "900101", "NOR", "QP7654321"),
        ],
        "01:F",
        "77",
    );
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&zz),
        Some((text.as_bytes(), "application/edifact")),
    );
    assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    let first: Value = serde_json::from_slice(&b).unwrap();
    let id = first["id"].as_str().unwrap().to_string();

    // The same bytes again: the first id.
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&zz),
        Some((text.as_bytes(), "text/plain")),
    );
    assert!(s == 202 || s == 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["id"],
        first["id"]
    );
    // Carrier isolation, roles, tokens.
    assert_eq!(
        app.http("GET", &format!("/api/v1/messages/{id}"), Some(&yy), None)
            .0,
        404
    );
    assert_eq!(
        app.http("GET", &format!("/api/v1/messages/{id}"), Some(&zz), None)
            .0,
        200
    );
    assert_eq!(app.http("GET", "/api/v1/queue", None, None).0, 401);
    assert_eq!(
        app.http("GET", "/api/v1/queue", Some("not-a-token"), None)
            .0,
        401
    );
    assert_eq!(app.http("GET", "/api/v1/queue", Some(&zz), None).0, 403);
    assert_eq!(
        app.http(
            "POST",
            "/api/v1/messages",
            Some(&officer),
            Some((text.as_bytes(), "text/plain"))
        )
        .0,
        403
    );

    let items = app.queue_until(&officer, |i| {
        surnames(i).contains(&"VANTERPOLL".to_string())
    });
    assert_eq!(
        surnames(&items),
        vec!["VANTERPOLL"],
        "only the listed person is flagged"
    );
    let item = &items[0];
    assert_eq!(item["band"], "high");
    assert_eq!(item["flight"]["carrier"], "ZZ");
    assert!(item["eta"].as_str().unwrap().ends_with('Z'));
    let reason = item["hits"][0]["reason"].as_str().unwrap();
    assert_eq!(item["hits"][0]["kind"], "watchlist");
    assert!(
        reason.contains("test-list"),
        "the reason names the list: {reason}"
    );

    // The traveller view: current data, every message version, hits with reasons.
    let tid = item["traveller"]["id"].as_str().unwrap();
    let (s, t) = app.json(
        "GET",
        &format!("/api/v1/travellers/{tid}"),
        Some(&officer),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(t["surname"], "VANTERPOLL");
    assert_eq!(t["versions"].as_array().unwrap().len(), 1);
    assert_eq!(t["versions"][0]["message_id"], first["id"]);
    assert_eq!(t["hits"][0]["kind"], "watchlist");
    assert_eq!(t["documents"][0]["number"], "QP1234567");
    assert_eq!(
        app.http("GET", "/api/v1/travellers/no-such-id", Some(&officer), None)
            .0,
        404
    );

    // The message's state reads back as screened.
    let (_, st) = app.json("GET", &format!("/api/v1/messages/{id}"), Some(&zz), None);
    assert_eq!(st["status"], "screened");

    // Claim: one owner at a time; dispose closes it.
    let item_id = item["id"].as_str().unwrap();
    assert_eq!(
        app.http(
            "POST",
            &format!("/api/v1/queue/{item_id}/claim"),
            Some(&officer),
            None
        )
        .0,
        200
    );
    assert_eq!(
        app.http(
            "POST",
            &format!("/api/v1/queue/{item_id}/claim"),
            Some(&officer2),
            None
        )
        .0,
        409
    );
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{item_id}/disposition"),
        Some(&officer),
        Some(&json!({"disposition": "bogus"})),
    );
    assert_eq!(s, 422);
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{item_id}/disposition"),
        Some(&officer),
        Some(&json!({"disposition": "no_action"})),
    );
    assert_eq!(s, 200);
    let (_, q) = app.json("GET", "/api/v1/queue", Some(&officer), None);
    assert!(
        q["items"].as_array().unwrap().is_empty(),
        "a closed item leaves the default queue"
    );

    // Logout revokes the token at once.
    assert_eq!(
        app.http("POST", "/api/v1/auth/logout", Some(&officer2), None)
            .0,
        204
    );
    assert_eq!(
        app.http("GET", "/api/v1/queue", Some(&officer2), None).0,
        401
    );

    app.stop();
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("chain intact"));
    // No personal data in the server log.
    let log = app.log();
    for secret in ["VANTERPOLL", "MADEUPSON", "QP1234567", "QP7654321"] {
        assert!(!log.contains(secret), "{secret} appears in the server log");
    }
}

#[test]
fn carrier_to_officer_on_sqlite() {
    carrier_to_officer(Backend::Sqlite);
}

#[test]
fn carrier_to_officer_on_postgres() {
    carrier_to_officer(Backend::Postgres);
}

fn bad_input(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.start();
    let zz = app.login("zz-carrier");
    // Garbage is stored, marked failed with diagnostics, never a 5xx.
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&zz),
        Some((b"\x00\xffnot edifact at all", "application/octet-stream")),
    );
    assert_eq!(s, 202);
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let mut status = Value::Null;
    for _ in 0..100 {
        status = app
            .json("GET", &format!("/api/v1/messages/{id}"), Some(&zz), None)
            .1;
        if status["status"] == "failed" {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(status["status"], "failed");
    assert!(!status["diagnostics"].as_array().unwrap().is_empty());
    // Malformed JSON, unknown ids, empty bodies.
    let (s, b) = app.http(
        "POST",
        "/api/v1/auth/login",
        None,
        Some((b"{not json", "application/json")),
    );
    assert_eq!(s, 400);
    assert_eq!(
        serde_json::from_slice::<Value>(&b).unwrap()["code"],
        "bad_request"
    );
    assert_eq!(
        app.http("GET", "/api/v1/messages/does-not-exist", Some(&zz), None)
            .0,
        404
    );
    assert_eq!(
        app.http(
            "POST",
            "/api/v1/messages",
            Some(&zz),
            Some((b"", "text/plain"))
        )
        .0,
        400
    );
    let big = vec![b'A'; 17 * 1024 * 1024];
    assert_eq!(
        app.http(
            "POST",
            "/api/v1/messages",
            Some(&zz),
            Some((&big, "text/plain"))
        )
        .0,
        413
    );
    let (s, b) = app.json(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&json!({"username": "zz-carrier", "password": "wrong-password-1"})),
    );
    assert_eq!(s, 401);
    assert_eq!(b["code"], "unauthorized");
}

#[test]
fn bad_input_on_sqlite() {
    bad_input(Backend::Sqlite);
}

#[test]
fn bad_input_on_postgres() {
    bad_input(Backend::Postgres);
}
