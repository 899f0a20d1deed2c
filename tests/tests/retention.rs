//! Time-travel tests of retention through the real binary, on SQLite and (when configured)
//! PostgreSQL: after six months nothing of a non-retained traveller remains anywhere in the
//! database; retained travellers are masked and readable in clear only under an approved,
//! unexpired, personal grant; an open case holds data from deletion until it is closed; five
//! years delete the rest; the sensitive-data filter keeps only counts; the audit log records it.

mod common;

use chrono::{Duration, Utc};
use common::{contains_secret, database_bytes, manifest, Backend, TestApp};
use serde_json::{json, Value};

fn fixture(path: &str) -> String {
    format!(
        "{}/../fixtures/retention/{path}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Made-up travellers: (surname, given names, YYMMDD, nationality, passport).
const RETAINED: (&str, &str, &str, &str, &str) =
    ("KORVANDEL", "OSWIN", "710412", "NLD", "RZ5512094");
const HELD: (&str, &str, &str, &str, &str) =
    ("BRISTLEWOOD", "MARGOT", "830930", "IRL", "RZ7730418");
const UNLINKED: [(&str, &str, &str, &str, &str); 2] = [
    ("QUILLFEATHER", "ANSELM", "880101", "DEU", "RZ1029384"),
    ("TANNERSBY", "ROWENA", "920615", "FRA", "RZ5647382"),
];
/// The PNR passenger of the fixture and his personal and sensitive data.
const PNR_SECRETS: &[&str] = &[
    "PELLINGHAM",
    "PX4455667",
    "FF8803311",
    "EXAMPLE.INVALID",
    "WHEELCHAIR",
];

fn at(days: i64, hours: i64) -> String {
    (Utc::now() + Duration::days(days) + Duration::hours(hours))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn retention(app: &TestApp, args: &[&str]) -> Value {
    let mut all = vec!["retention"];
    all.extend_from_slice(args);
    let out = app.cli(&all, None);
    assert!(
        out.status.success(),
        "retention {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn traveller_ids(app: &TestApp, token: &str) -> Vec<(String, String)> {
    let (s, b) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
    assert_eq!(s, 200, "{b}");
    let mut out = Vec::new();
    for f in b["flights"].as_array().unwrap() {
        let (s, t) = app.json(
            "GET",
            &format!("/api/v1/flights/{}/travellers", f["id"].as_str().unwrap()),
            Some(token),
            None,
        );
        assert_eq!(s, 200);
        for x in t["travellers"].as_array().unwrap() {
            out.push((
                x["surname"].as_str().unwrap().to_string(),
                x["id"].as_str().unwrap().to_string(),
            ));
        }
    }
    out
}

/// Every endpoint that returns traveller data, concatenated, as the officer sees it.
fn everything_the_api_shows(app: &TestApp, token: &str) -> Vec<u8> {
    let mut all = Vec::new();
    let (_, flights) = app.json("GET", "/api/v1/flights?all=true", Some(token), None);
    for f in flights["flights"].as_array().unwrap() {
        let (_, b) = app.http(
            "GET",
            &format!("/api/v1/flights/{}/travellers", f["id"].as_str().unwrap()),
            Some(token),
            None,
        );
        let list: Value = serde_json::from_slice(&b).unwrap();
        all.extend(b);
        for t in list["travellers"].as_array().unwrap() {
            all.extend(
                app.http(
                    "GET",
                    &format!("/api/v1/travellers/{}", t["id"].as_str().unwrap()),
                    Some(token),
                    None,
                )
                .1,
            );
        }
    }
    all.extend(
        app.http("GET", "/api/v1/queue?all=true", Some(token), None)
            .1,
    );
    all
}

fn audited(bytes: &[u8], action: &str) -> bool {
    contains_secret(bytes, action)
}

fn lifecycle(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    for (u, r, c) in [
        ("zz-carrier", "airline", Some("ZZ")),
        ("officer-one", "officer", None),
        ("officer-two", "officer", None),
        ("judge-one", "approver", None),
        ("dpo-one", "dpo", None),
    ] {
        app.user(u, r, c);
    }
    let out = app.cli(
        &[
            "watchlist",
            "import",
            "--name",
            "retention-list",
            "--format",
            "csv",
            &fixture("watchlist.csv"),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.start();
    let (carrier, officer) = (app.login("zz-carrier"), app.login("officer-one"));

    let now = Utc::now().naive_utc();
    let people = [RETAINED, HELD, UNLINKED[0], UNLINKED[1]];
    let text = manifest(
        "881",
        now - Duration::hours(2),
        now + Duration::hours(3),
        &people,
        "01:F",
        "81",
    );
    assert_eq!(
        app.http(
            "POST",
            "/api/v1/messages",
            Some(&carrier),
            Some((text.as_bytes(), "application/edifact"))
        )
        .0,
        202
    );
    let pnr = std::fs::read(fixture("pnrgov_sensitive.edi")).unwrap();
    assert_eq!(
        app.http(
            "POST",
            "/api/v1/messages",
            Some(&carrier),
            Some((&pnr, "application/edifact"))
        )
        .0,
        202
    );

    let items = app.queue_until(&officer, |i| i.len() >= 2);
    let item_of = |surname: &str| {
        items
            .iter()
            .find(|i| i["traveller"]["surname"] == surname)
            .unwrap_or_else(|| panic!("{surname} not queued: {items:?}"))
    };
    let confirmed = item_of(RETAINED.0)["id"].as_str().unwrap().to_string();
    let open_case = item_of(HELD.0)["id"].as_str().unwrap().to_string();
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{confirmed}/disposition"),
        Some(&officer),
        Some(&json!({"disposition": "resultant"})),
    );
    assert_eq!(s, 200);
    let ids = traveller_ids(&app, &officer);
    let id_of = |surname: &str| {
        ids.iter()
            .find(|(s, _)| s == surname)
            .map(|(_, id)| id.clone())
            .expect(surname)
    };
    let (retained_id, held_id) = (id_of(RETAINED.0), id_of(HELD.0));
    assert!(
        ids.iter().any(|(s, _)| s == "PELLINGHAM"),
        "the PNR passenger is loaded: {ids:?}"
    );

    // The sensitive-data filter: counted per carrier, never stored in the parsed PNR.
    let dpo = app.login("dpo-one");
    let (s, removed) = app.json(
        "GET",
        "/api/v1/retention/sensitive-removals",
        Some(&dpo),
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(removed["removals"][0]["carrier"], "ZZ");
    assert_eq!(
        removed["removals"][0]["removed"], 3,
        "MOML, WCHR and the wheelchair remark: {removed}"
    );
    app.stop();
    let before = database_bytes(&app);
    assert!(
        !contains_secret(&before, "\"code\":\"MOML\""),
        "the stored PNR keeps no sensitive SSR"
    );

    // A dry run at +200 days reports and changes nothing.
    let dry = retention(&app, &["run", "--now", &at(200, 0), "--dry-run"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["travellers_deleted"], 3, "{dry}");
    assert_eq!(dry["travellers_masked"], 2, "{dry}");
    assert!(
        contains_secret(&database_bytes(&app), UNLINKED[0].4),
        "a dry run deletes nothing"
    );

    let report = retention(&app, &["run", "--now", &at(200, 0)]);
    assert_eq!(
        (
            report["travellers_deleted"].as_i64(),
            report["travellers_masked"].as_i64()
        ),
        (Some(3), Some(2)),
        "{report}"
    );
    assert!(
        report["raw_messages_deleted"].as_i64().unwrap() >= 2,
        "{report}"
    );
    let again = retention(&app, &["run", "--now", &at(200, 0)]);
    assert_eq!(
        (
            again["travellers_deleted"].as_i64(),
            again["travellers_masked"].as_i64()
        ),
        (Some(0), Some(0)),
        "idempotent: {again}"
    );

    // Nothing of the unlinked travellers anywhere; retained travellers' documents not in clear.
    let dump = database_bytes(&app);
    for (surname, given, _, _, passport) in UNLINKED {
        for secret in [surname, given, passport] {
            assert!(
                !contains_secret(&dump, secret),
                "{secret} is still in the database"
            );
        }
    }
    for secret in PNR_SECRETS
        .iter()
        .chain(&[RETAINED.4, HELD.4, "MOML", "WCHR"])
    {
        assert!(
            !contains_secret(&dump, secret),
            "{secret} is still in the database in clear"
        );
    }

    // The API never returns a masked field in clear.
    app.start();
    let (officer, officer2, judge, dpo) = (
        app.login("officer-one"),
        app.login("officer-two"),
        app.login("judge-one"),
        app.login("dpo-one"),
    );
    let shown = everything_the_api_shows(&app, &officer);
    for secret in [
        RETAINED.0,
        RETAINED.1,
        RETAINED.4,
        HELD.0,
        HELD.1,
        HELD.4,
        "1971-04-12",
        "1983-09-30",
    ] {
        assert!(
            !contains_secret(&shown, secret),
            "the API shows {secret} without a grant"
        );
    }
    let (_, t) = app.json(
        "GET",
        &format!("/api/v1/travellers/{retained_id}"),
        Some(&officer),
        None,
    );
    assert_eq!(
        (t["surname"].as_str(), t["masked"].as_bool()),
        (Some("***"), Some(true)),
        "{t}"
    );
    let (_, q) = app.json("GET", "/api/v1/queue", Some(&officer), None);
    assert!(
        q["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["id"] == open_case.as_str()),
        "the open case stays in the queue"
    );

    // Re-personalisation: request, refusal of the wrong people, approval, personal reads.
    let ask = json!({"traveller_ids": [retained_id], "fields": ["surname", "documents"], "purpose": "6(2)(b) ref 2026-114",
                     "reason": "reasoned request of the prosecutor", "hours": 4});
    assert_eq!(
        app.json("POST", "/api/v1/unmask-requests", Some(&judge), Some(&ask))
            .0,
        403
    );
    assert_eq!(
        app.json(
            "POST",
            "/api/v1/unmask-requests",
            Some(&officer),
            Some(&json!({"fields": []}))
        )
        .0,
        400
    );
    let bad = json!({"traveller_ids": [retained_id], "fields": ["religion"], "purpose": "x", "reason": "y"});
    assert_eq!(
        app.json(
            "POST",
            "/api/v1/unmask-requests",
            Some(&officer),
            Some(&bad)
        )
        .0,
        422
    );
    let (s, req) = app.json(
        "POST",
        "/api/v1/unmask-requests",
        Some(&officer),
        Some(&ask),
    );
    assert_eq!((s, req["status"].as_str()), (201, Some("pending")), "{req}");
    let rid = req["id"].as_str().unwrap().to_string();
    let read = format!("/api/v1/unmask-requests/{rid}/travellers");
    assert_eq!(
        app.json("GET", &read, Some(&officer), None).0,
        403,
        "no clear data before approval"
    );
    let decision = format!("/api/v1/unmask-requests/{rid}/decision");
    assert_eq!(
        app.json(
            "POST",
            &decision,
            Some(&officer),
            Some(&json!({"approve": true, "reason": "mine"}))
        )
        .0,
        403
    );
    let (s, d) = app.json(
        "POST",
        &decision,
        Some(&judge),
        Some(&json!({"approve": true, "reason": "necessary and proportionate", "hours": 2})),
    );
    assert_eq!((s, d["status"].as_str()), (200, Some("approved")), "{d}");
    assert_eq!(
        app.json(
            "POST",
            &decision,
            Some(&judge),
            Some(&json!({"approve": false, "reason": "again"}))
        )
        .0,
        409
    );
    assert_eq!(
        app.json("GET", &read, Some(&officer2), None).0,
        404,
        "a grant is personal"
    );
    let (s, clear) = app.json("GET", &read, Some(&officer), None);
    assert_eq!(s, 200, "{clear}");
    let person = &clear["travellers"][0];
    assert_eq!(person["surname"], RETAINED.0);
    assert_eq!(person["documents"][0]["number"], RETAINED.4);
    assert!(
        person.get("given_names").is_none(),
        "only the granted fields: {person}"
    );
    let (_, seen) = app.json("GET", "/api/v1/unmask-requests", Some(&dpo), None);
    assert!(
        seen["requests"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == rid.as_str()),
        "the DPO sees every grant"
    );
    assert_eq!(
        app.json(
            "POST",
            &format!("/api/v1/unmask-requests/{rid}/dpo-review"),
            Some(&dpo),
            None
        )
        .0,
        200
    );
    app.stop();

    // The grant expires.
    let expired = retention(&app, &["run", "--now", &at(200, 3)]);
    assert_eq!(expired["grants_expired"], 1, "{expired}");
    app.start();
    let officer = app.login("officer-one");
    assert_eq!(
        app.json("GET", &read, Some(&officer), None).0,
        403,
        "an expired grant shows nothing"
    );
    // The grant's purpose is on the rows of the request and of each read under it.
    let (s, b) = app.json(
        "GET",
        "/api/v1/audit?purpose=ref%202026-114",
        Some(&dpo),
        None,
    );
    assert_eq!(s, 200, "{b}");
    let with_purpose: Vec<(&str, &str)> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["action"].as_str().unwrap(),
                e["purpose"].as_str().unwrap(),
            )
        })
        .collect();
    for action in ["unmask.request", "unmask.read"] {
        assert!(
            with_purpose.contains(&(action, "6(2)(b) ref 2026-114")),
            "{action} without the grant's purpose: {with_purpose:?}"
        );
    }
    app.stop();

    // The audit log records it all, with ids only (checked before five years prune it).
    let dump = database_bytes(&app);
    for action in [
        "retention.delete",
        "retention.mask",
        "retention.delete_raw",
        "retention.run",
        "unmask.request",
        "unmask.approve",
        "unmask.read",
        "unmask.expire",
        "unmask.dpo_review",
    ] {
        assert!(audited(&dump, action), "no audit row for {action}");
    }

    // Five years: the confirmed hit goes; the open case holds its traveller until closed.
    let five = retention(&app, &["run", "--now", &at(5 * 366, 0)]);
    assert_eq!(
        (
            five["travellers_deleted"].as_i64(),
            five["travellers_held"].as_i64()
        ),
        (Some(1), Some(1)),
        "{five}"
    );
    app.start();
    let officer = app.login("officer-one");
    assert_eq!(
        app.json(
            "GET",
            &format!("/api/v1/travellers/{retained_id}"),
            Some(&officer),
            None
        )
        .0,
        404
    );
    assert_eq!(
        app.json(
            "GET",
            &format!("/api/v1/travellers/{held_id}"),
            Some(&officer),
            None
        )
        .0,
        200
    );
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{open_case}/disposition"),
        Some(&officer),
        Some(&json!({"disposition": "no_action"})),
    );
    assert_eq!(s, 200);
    app.stop();
    let last = retention(&app, &["run", "--now", &at(5 * 366, 0)]);
    assert_eq!(
        last["travellers_deleted"], 1,
        "closing the case released the hold: {last}"
    );

    let stats = retention(&app, &["stats"]);
    assert_eq!(stats["totals"]["travellers"], 0, "{stats}");
    assert_eq!(stats["totals"]["travellers_deleted"], 5, "{stats}");
    assert_eq!(stats["totals"]["unmask_grants"], 1, "{stats}");
    assert_eq!(stats["totals"]["sensitive_removed"], 3, "{stats}");

    // Five years on, the audit log's own class is due: its old rows went, the chain still holds
    // from the anchor they left, and the run itself is recorded.
    let dump = database_bytes(&app);
    assert!(
        five["audit_rows_deleted"].as_i64().unwrap_or(0) > 0,
        "{five}"
    );
    assert!(
        !audited(&dump, "unmask.request"),
        "audit rows past five years are deleted"
    );
    assert!(audited(&dump, "retention.run"));
    for secret in [RETAINED.0, RETAINED.4, HELD.0, HELD.4] {
        // The watchlist keeps the listed names; the travellers' documents are gone everywhere.
        if secret.starts_with("RZ") {
            assert!(
                !contains_secret(&dump, secret),
                "{secret} is still in the database"
            );
        }
    }
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn retention_lifecycle_on_sqlite() {
    lifecycle(Backend::Sqlite);
}

#[test]
fn retention_lifecycle_on_postgres() {
    lifecycle(Backend::Postgres);
}

fn policy_and_sensitive_list(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    for (u, r) in [
        ("admin-one", "admin"),
        ("officer-one", "officer"),
        ("dpo-one", "dpo"),
    ] {
        app.user(u, r, None);
    }
    app.start();
    let (admin, officer, dpo) = (
        app.login("admin-one"),
        app.login("officer-one"),
        app.login("dpo-one"),
    );
    let (s, p) = app.json("GET", "/api/v1/retention/policy", Some(&admin), None);
    assert_eq!((s, p["profile"].as_str()), (200, Some("eu-cjeu")), "{p}");
    assert_eq!(p["classes"]["identity"]["api"]["delete_after_days"], 183);
    assert_eq!(
        p["classes"]["identity"]["api"]["delete_retained_after_days"],
        1826
    );
    assert_eq!(
        app.json("GET", "/api/v1/retention/policy", Some(&officer), None)
            .0,
        403
    );

    let custom = json!({"profile": "custom", "classes": {"identity": {"api": {"mask_after_days": 1, "delete_after_days": 2, "delete_retained_after_days": 30}}}});
    assert_eq!(
        app.json(
            "PUT",
            "/api/v1/retention/policy",
            Some(&officer),
            Some(&custom)
        )
        .0,
        403
    );
    let wrong = json!({"profile": "custom", "classes": {"identity": {"api": {"mask_after_days": 1, "delete_after_days": 40, "delete_retained_after_days": 30}}}});
    assert_eq!(
        app.json(
            "PUT",
            "/api/v1/retention/policy",
            Some(&admin),
            Some(&wrong)
        )
        .0,
        422
    );
    assert_eq!(
        app.json(
            "PUT",
            "/api/v1/retention/policy",
            Some(&admin),
            Some(&json!({"profile": "lax"}))
        )
        .0,
        422
    );
    let (s, p) = app.json(
        "PUT",
        "/api/v1/retention/policy",
        Some(&admin),
        Some(&custom),
    );
    assert_eq!((s, p["version"].as_i64()), (200, Some(1)), "{p}");
    assert_eq!(p["classes"]["identity"]["api"]["delete_after_days"], 2);
    assert_eq!(
        p["classes"]["identity"]["pnr"]["delete_after_days"], 183,
        "unnamed schedules keep their values"
    );
    let (s, p) = app.json(
        "PUT",
        "/api/v1/retention/policy",
        Some(&admin),
        Some(&json!({"profile": "eu-directive"})),
    );
    assert_eq!((s, p["version"].as_i64()), (200, Some(2)));
    assert_eq!(p["classes"]["identity"]["api"]["delete_after_days"], 1826);

    let (s, list) = app.json("GET", "/api/v1/retention/sensitive-terms", Some(&dpo), None);
    assert_eq!((s, list["version"].as_i64()), (200, Some(0)));
    assert!(list["codes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "KSML"));
    let edit = json!({"codes": ["ksml", "MOML"], "keywords": ["Kosher"]});
    assert_eq!(
        app.json(
            "PUT",
            "/api/v1/retention/sensitive-terms",
            Some(&admin),
            Some(&edit)
        )
        .0,
        403
    );
    let (s, list) = app.json(
        "PUT",
        "/api/v1/retention/sensitive-terms",
        Some(&dpo),
        Some(&edit),
    );
    assert_eq!((s, list["version"].as_i64()), (200, Some(1)), "{list}");
    assert_eq!(list["codes"], json!(["KSML", "MOML"]));
    assert_eq!(list["keywords"], json!(["kosher"]));
    let (s, stats) = app.json("GET", "/api/v1/retention/stats", Some(&dpo), None);
    assert_eq!(s, 200);
    assert!(stats["periods"].is_array());
    app.stop();
    let dump = database_bytes(&app);
    assert!(audited(&dump, "retention.policy.update") && audited(&dump, "sensitive_list.update"));
    assert_eq!(retention(&app, &["policy"])["profile"], "eu-directive");
}

/// Under a policy that masks identities before raw messages are due, masking a traveller drops
/// the raw bytes of every message that names them (issue 8: "raw messages of masked travellers
/// are deleted"), and nothing else.
fn masking_drops_raw_messages(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.user("admin-one", "admin", None);
    app.start();
    let (carrier, admin) = (app.login("zz-carrier"), app.login("admin-one"));
    let custom = json!({"profile": "custom", "classes": {"identity": {"api": {"mask_after_days": 1, "delete_after_days": 30, "delete_retained_after_days": 60}}}});
    let (s, p) = app.json(
        "PUT",
        "/api/v1/retention/policy",
        Some(&admin),
        Some(&custom),
    );
    assert_eq!(s, 200, "{p}");
    assert_eq!(
        p["classes"]["raw_messages"]["api"]["delete_after_days"], 183,
        "raw messages themselves are not due for months: {p}"
    );
    let now = Utc::now().naive_utc();
    let text = manifest(
        "883",
        now - Duration::hours(2),
        now + Duration::hours(3),
        &UNLINKED,
        "01:F",
        "83",
    );
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&carrier),
        Some((text.as_bytes(), "application/edifact")),
    );
    assert_eq!(s, 202);
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t0 = std::time::Instant::now();
    while app
        .json(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Some(&carrier),
            None,
        )
        .1["status"]
        != "screened"
    {
        assert!(t0.elapsed() < std::time::Duration::from_secs(30));
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    let early = retention(&app, &["run", "--now", &at(0, 12)]);
    assert_eq!(
        (
            early["travellers_masked"].as_i64(),
            early["raw_messages_deleted"].as_i64()
        ),
        (Some(0), Some(0)),
        "nothing is due after half a day: {early}"
    );
    let report = retention(&app, &["run", "--now", &at(1, 12)]);
    assert_eq!(
        (
            report["travellers_masked"].as_i64(),
            report["raw_messages_deleted"].as_i64()
        ),
        (Some(2), Some(1)),
        "the message naming the masked travellers loses its raw bytes: {report}"
    );
}

#[test]
fn masking_drops_raw_messages_on_sqlite() {
    masking_drops_raw_messages(Backend::Sqlite);
}

#[test]
fn masking_drops_raw_messages_on_postgres() {
    masking_drops_raw_messages(Backend::Postgres);
}

#[test]
fn policy_and_sensitive_list_on_sqlite() {
    policy_and_sensitive_list(Backend::Sqlite);
}

#[test]
fn policy_and_sensitive_list_on_postgres() {
    policy_and_sensitive_list(Backend::Postgres);
}
