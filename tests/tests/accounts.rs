//! Accounts and the review workflow over HTTP, on SQLite and PostgreSQL: an admin creates
//! accounts (password policy) and a carrier API key; the carrier posts with the key; two officers
//! race for an item (exactly one wins); notes, manual hits, filters and paging, disposition,
//! locked closed items, reopening with a reason, assignment, lookouts; disabling an account and
//! revoking a key stop them at once; every action is in the audit log, which names no traveller,
//! and `paxrisk audit verify` catches a row edited in the database.

mod common;

use std::sync::{Arc, Barrier};

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::{json, Value};

fn fixture(path: &str) -> String {
    format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

const PW: &str = "Copper-Meadow-42-Signal";

fn create_user(app: &TestApp, admin: &str, body: Value) -> String {
    let (s, b) = app.json("POST", "/api/v1/users", Some(admin), Some(&body));
    assert_eq!(s, 201, "{b}");
    b["id"].as_str().unwrap().to_string()
}

fn login_pw(app: &TestApp, name: &str) -> String {
    let (s, b) = app.try_login(name, PW);
    assert_eq!(s, 200, "{b}");
    b["token"].as_str().unwrap().to_string()
}

fn workflow(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("chief", "admin", None);
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
    let admin = app.login("chief");

    // Accounts: policy, duplicates, roles.
    let (s, b) = app.json(
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({"username": "weak", "password": "short", "role": "officer"})),
    );
    assert_eq!((s, b["code"].as_str()), (422, Some("weak_password")), "{b}");
    let (s, b) = app.json(
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({"username": "x1", "password": PW, "role": "pilot"})),
    );
    assert_eq!((s, b["code"].as_str()), (422, Some("validation_failed")));
    let officer_a = create_user(
        &app,
        &admin,
        json!({"username": "officer-a", "password": PW, "role": "officer"}),
    );
    let officer_b = create_user(
        &app,
        &admin,
        json!({"username": "officer-b", "password": PW, "role": "officer", "email": "b@customs.example"}),
    );
    let carrier = create_user(
        &app,
        &admin,
        json!({"username": "zz-feed", "password": PW, "role": "airline", "carrier": "ZZ"}),
    );
    let (s, _) = app.json(
        "POST",
        "/api/v1/users",
        Some(&admin),
        Some(&json!({"username": "officer-a", "password": PW, "role": "officer"})),
    );
    assert_eq!(s, 409);
    let (_, users) = app.json("GET", "/api/v1/users", Some(&admin), None);
    let listed: Vec<&str> = users["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(listed, vec!["chief", "officer-a", "officer-b", "zz-feed"]);
    assert!(
        users.to_string().find("password").is_none(),
        "no hash leaves the server"
    );

    // A carrier API key: only for airline accounts; usable as a bearer token.
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/users/{officer_a}/keys"),
        Some(&admin),
        Some(&json!({"label": "x"})),
    );
    assert_eq!(s, 422);
    let (s, k) = app.json(
        "POST",
        &format!("/api/v1/users/{carrier}/keys"),
        Some(&admin),
        Some(&json!({"label": "production feed"})),
    );
    assert_eq!(s, 201, "{k}");
    let key = k["key"].as_str().unwrap().to_string();
    let (_, keys) = app.json("GET", "/api/v1/keys", Some(&admin), None);
    assert!(
        !keys.to_string().contains(&key[key.len() - 20..]),
        "the secret is shown once only"
    );

    let (a, b) = (login_pw(&app, "officer-a"), login_pw(&app, "officer-b"));
    let now = Utc::now().naive_utc();
    let text = manifest(
        "501",
        now - chrono::Duration::hours(3),
        now + chrono::Duration::hours(2),
        &[
            ("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567"),
            ("MADEUPSON", "PETRA", "900101", "NOR", "QP7654321"),
        ],
        "01:F",
        "71",
    );
    let item = app.flagged(&key, &a, &text, "VANTERPOLL");
    let id = item["id"].as_str().unwrap().to_string();
    assert_eq!(item["band"], "high");
    assert!(!item["categories"].as_array().unwrap().is_empty(), "{item}");

    // Two officers claim at the same moment: exactly one wins.
    let barrier = Arc::new(Barrier::new(2));
    let app = Arc::new(app);
    let racers: Vec<_> = [a.clone(), b.clone()]
        .into_iter()
        .map(|t| {
            let (app, barrier, id) = (app.clone(), barrier.clone(), id.clone());
            std::thread::spawn(move || {
                barrier.wait();
                app.http("POST", &format!("/api/v1/queue/{id}/claim"), Some(&t), None)
                    .0
            })
        })
        .collect();
    let mut codes: Vec<u16> = racers.into_iter().map(|h| h.join().unwrap()).collect();
    codes.sort();
    assert_eq!(codes, vec![200, 409], "exactly one claim wins");
    let (_, detail) = app.json("GET", &format!("/api/v1/queue/{id}"), Some(&a), None);
    let winner = detail["assignee"].as_str().unwrap().to_string();
    let (owner, other) = if winner == officer_a {
        (&a, &b)
    } else {
        (&b, &a)
    };
    assert_eq!(
        app.http(
            "POST",
            &format!("/api/v1/queue/{id}/disposition"),
            Some(other),
            Some((br#"{"disposition":"no_action"}"#, "application/json"))
        )
        .0,
        409
    );

    // Notes.
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/notes"),
        Some(owner),
        Some(&json!({"body": "Checked the travel history."})),
    );
    assert_eq!(s, 201);
    assert_eq!(
        app.json(
            "POST",
            &format!("/api/v1/queue/{id}/notes"),
            Some(owner),
            Some(&json!({"body": "  "}))
        )
        .0,
        422
    );

    // A manual hit on the other traveller puts them in the queue under its category.
    let flight = item["flight"]["id"].as_str().unwrap();
    let (_, travellers) = app.json(
        "GET",
        &format!("/api/v1/flights/{flight}/travellers"),
        Some(&a),
        None,
    );
    let other_traveller = travellers["travellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["surname"] == "MADEUPSON")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, m) = app.json(
        "POST",
        &format!("/api/v1/travellers/{other_traveller}/manual-hits"),
        Some(&a),
        Some(&json!({"category": "intel", "reason": "seen with the first traveller", "band": "medium"})),
    );
    assert_eq!(s, 201, "{m}");

    // Filters and paging.
    let q = |query: &str| {
        app.json("GET", &format!("/api/v1/queue?{query}"), Some(&a), None)
            .1
    };
    let surnames = |v: &Value| -> Vec<String> {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["traveller"]["surname"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        surnames(&q("")),
        vec!["VANTERPOLL", "MADEUPSON"],
        "band orders items of one flight"
    );
    assert_eq!(surnames(&q("category=intel")), vec!["MADEUPSON"]);
    assert_eq!(surnames(&q("band=high")), vec!["VANTERPOLL"]);
    assert_eq!(surnames(&q("flight=ZZ501")).len(), 2);
    assert_eq!(surnames(&q("flight=ZZ999")).len(), 0);
    assert_eq!(surnames(&q("assignee=none")), vec!["MADEUPSON"]);
    assert_eq!(surnames(&q("status=claimed")), vec!["VANTERPOLL"]);
    let page = q("limit=1&offset=1");
    assert_eq!(
        (surnames(&page), page["total"].as_i64()),
        (vec!["MADEUPSON".to_string()], Some(2))
    );
    let later = (Utc::now() + chrono::Duration::hours(5))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    assert_eq!(
        surnames(&q(&format!("from={later}"))).len(),
        0,
        "the flight lands before the window"
    );
    assert_eq!(
        app.http("GET", "/api/v1/queue?from=yesterday", Some(&a), None)
            .0,
        400
    );

    // Disposition closes and locks; only reopening (with a reason) unlocks.
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/disposition"),
        Some(owner),
        Some(&json!({"disposition": "false_match"})),
    );
    assert_eq!(s, 200);
    let (s, e) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/notes"),
        Some(owner),
        Some(&json!({"body": "late thought"})),
    );
    assert_eq!((s, e["code"].as_str()), (409, Some("item_closed")));
    let (s, e) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/claim"),
        Some(other),
        None,
    );
    assert_eq!((s, e["code"].as_str()), (409, Some("item_closed")));
    assert_eq!(
        app.json(
            "POST",
            &format!("/api/v1/queue/{id}/reopen"),
            Some(other),
            Some(&json!({"reason": ""}))
        )
        .0,
        422
    );
    assert_eq!(
        app.json(
            "POST",
            &format!("/api/v1/queue/{id}/reopen"),
            Some(other),
            Some(&json!({"reason": "new information from the airline"}))
        )
        .0,
        200
    );
    assert_eq!(
        app.json(
            "POST",
            &format!("/api/v1/queue/{id}/reopen"),
            Some(other),
            Some(&json!({"reason": "again"}))
        )
        .0,
        409
    );
    let (_, detail) = app.json("GET", &format!("/api/v1/queue/{id}"), Some(owner), None);
    assert_eq!(detail["status"], "reopened");
    let kinds: Vec<&str> = detail["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["general", "reopen"]);
    assert!(detail["notes"][1]["body"]
        .as_str()
        .unwrap()
        .contains("false_match"));

    // Assignment (admin) to an officer, not to a carrier.
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/assign"),
        Some(&admin),
        Some(&json!({"user_id": carrier})),
    );
    assert_eq!(s, 422);
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{id}/assign"),
        Some(&admin),
        Some(&json!({"user_id": officer_b})),
    );
    assert_eq!(s, 200);
    assert!(
        q("assignee=me")["items"].as_array().unwrap().is_empty(),
        "officer-a holds nothing now"
    );

    // Lookouts with status tracking.
    let traveller = item["traveller"]["id"].as_str().unwrap();
    let (s, l) = app.json(
        "POST",
        "/api/v1/lookouts",
        Some(&a),
        Some(&json!({"traveller_id": traveller, "reason": "secondary at arrival"})),
    );
    assert_eq!((s, l["status"].as_str()), (201, Some("active")), "{l}");
    let lid = l["id"].as_str().unwrap();
    assert_eq!(
        app.json(
            "POST",
            "/api/v1/lookouts",
            Some(&a),
            Some(&json!({"traveller_id": traveller, "reason": "again"}))
        )
        .0,
        409
    );
    let set = |st: &str| {
        app.json(
            "POST",
            &format!("/api/v1/lookouts/{lid}/status"),
            Some(&a),
            Some(&json!({"status": st})),
        )
        .0
    };
    assert_eq!(set("positive"), 422, "no outcome before an encounter");
    assert_eq!(set("enroute"), 200);
    assert_eq!(set("encountered"), 200);
    assert_eq!(set("negative"), 200);
    let (_, board) = app.json("GET", "/api/v1/lookouts", Some(&a), None);
    assert_eq!(board["lookouts"][0]["status"], "negative");

    // Disabling an account and revoking a key take effect at once.
    let (s, _) = app.json(
        "PATCH",
        &format!("/api/v1/users/{officer_b}"),
        Some(&admin),
        Some(&json!({"active": false})),
    );
    assert_eq!(s, 200);
    assert_eq!(app.http("GET", "/api/v1/auth/me", Some(&b), None).0, 401);
    assert_eq!(app.try_login("officer-b", PW).0, 401);
    let kid = k["id"].as_str().unwrap();
    assert_eq!(app.http("GET", "/api/v1/messages", Some(&key), None).0, 200);
    assert_eq!(
        app.http("DELETE", &format!("/api/v1/keys/{kid}"), Some(&admin), None)
            .0,
        204
    );
    assert_eq!(app.http("GET", "/api/v1/messages", Some(&key), None).0, 401);

    // The audit log: every action, ids only.
    let (s, log) = app.json(
        "GET",
        "/api/v1/audit?action=item.&limit=100",
        Some(&admin),
        None,
    );
    assert_eq!(s, 200);
    let actions: Vec<&str> = log["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for want in [
        "item.claim",
        "item.note",
        "item.manual_hit",
        "item.dispose",
        "item.reopen",
        "item.assign",
        "item.read",
    ] {
        assert!(
            actions.contains(&want),
            "{want} is not audited: {actions:?}"
        );
    }
    assert!(actions.iter().all(|a| a.starts_with("item.")));
    let (_, all) = app.json("GET", "/api/v1/audit?limit=5000", Some(&admin), None);
    let text = all.to_string();
    for secret in [
        "VANTERPOLL",
        "MADEUPSON",
        "QP1234567",
        "officer-a",
        "b@customs.example",
        "seen with",
    ] {
        assert!(!text.contains(secret), "{secret} is in the audit log");
    }
    for want in [
        "user.create",
        "user.disable",
        "key.issue",
        "key.revoke",
        "lookout.status",
        "login",
        "users.read",
    ]
    .iter()
    .chain(["travellers.read", "queue.read"].iter())
    {
        assert!(
            text.contains(&format!("\"action\":\"{want}\"")),
            "{want} is not audited"
        );
    }
    assert!(all["verification"]["broken_at"].is_null());

    let mut app = Arc::try_unwrap(app).ok().expect("no other holders");
    app.stop();
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // Edit one row behind the service's back: the chain no longer holds.
    let sql = "UPDATE audit_log SET outcome = 'denied' WHERE seq = 3";
    let edited = match backend {
        // On SQLite the log is in a file of its own beside the data's.
        Backend::Sqlite => std::process::Command::new("sqlite3")
            .arg(common::sqlite_audit_file(
                app.database.trim_start_matches("sqlite://"),
            ))
            .arg(sql)
            .output()
            .expect("sqlite3"),
        Backend::Postgres => std::process::Command::new("psql")
            .arg(&app.database)
            .arg("-qc")
            .arg(sql)
            .output()
            .expect("psql"),
    };
    assert!(
        edited.status.success(),
        "{}",
        String::from_utf8_lossy(&edited.stderr)
    );
    let out = app.cli(&["audit", "verify"], None);
    assert!(!out.status.success(), "a tampered log verifies");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("BROKEN at row 3"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn accounts_and_review_workflow_on_sqlite() {
    workflow(Backend::Sqlite);
}

#[test]
fn accounts_and_review_workflow_on_postgres() {
    workflow(Backend::Postgres);
}
