//! Targeting rules through the real binary, on SQLite and (when configured) PostgreSQL: an
//! analyst writes a rule, tests and backtests it, shadows it (no queue item), promotes it (an
//! item with the rule as reason), edits it (a new version; old hits keep theirs) and retires
//! one (its untouched items are withdrawn); officers' outcomes feed a suggested weight that only
//! an admin can accept; invalid rules are refused with the path of the offending node.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::{json, Value};

const ISL: &[(&str, &str, &str, &str, &str)] = &[
    ("HALLDORSDOTTIR", "SIGRUN", "850301", "ISL", "QI1000001"),
    ("GUNNARSSON", "EINAR", "790715", "ISL", "QI1000002"),
    ("OKONKWO", "ADAEZE", "920210", "GBR", "QG1000003"),
    ("LINDQVIST", "ASTRID", "880808", "NOR", "QN1000004"),
];

fn rule(name: &str, weight: u8, state: &str, nationality: &str) -> Value {
    json!({"name": name, "category": "test", "severity": "medium", "weight": weight,
           "state": state, "rationale": "end-to-end test",
           "condition": {"all": [
               {"field": "traveller.nationality", "op": "in", "value": [nationality]},
               {"field": "flight.origin", "op": "eq", "value": "SIN"}]}})
}

/// Polls `f` until it returns `Some` (or 30 s pass, which fails the test with `what`).
fn eventually<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let t0 = Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(t0.elapsed() < Duration::from_secs(30), "timed out: {what}");
        std::thread::sleep(Duration::from_millis(150));
    }
}

fn post_manifest(app: &TestApp, carrier: &str, number: &str, hours_ago: i64, reference: &str) {
    let now = Utc::now().naive_utc();
    let text = manifest(
        number,
        now - chrono::Duration::hours(hours_ago),
        now - chrono::Duration::hours(hours_ago - 5),
        ISL,
        "01:F",
        reference,
    );
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(carrier),
        Some((text.as_bytes(), "application/edifact")),
    );
    assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    eventually("the manifest is screened", || {
        let (_, m) = app.json(
            "GET",
            &format!("/api/v1/messages/{id}"),
            Some(carrier),
            None,
        );
        (m["status"] == "screened").then_some(())
    });
}

/// Hits per version of a rule, from its history.
fn hits_by_version(app: &TestApp, token: &str, id: &str) -> Vec<(i64, i64)> {
    let (s, b) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/versions"),
        Some(token),
        None,
    );
    assert_eq!(s, 200, "{b}");
    b["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_i64().unwrap(), v["hits"].as_i64().unwrap()))
        .collect()
}

fn queued_surnames(app: &TestApp, token: &str) -> Vec<String> {
    let (_, b) = app.json("GET", "/api/v1/queue", Some(token), None);
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["traveller"]["surname"].as_str().unwrap_or("").to_string())
        .collect()
}

fn invalid_rules_are_refused_with_paths(app: &TestApp, analyst: &str) {
    let mut bad = rule("Bad", 10, "draft", "ISL");
    bad["condition"]["all"][1]["field"] = json!("traveller.religion");
    for (method, path) in [
        ("POST", "/api/v1/rules"),
        ("POST", "/api/v1/rules/validate"),
    ] {
        let (s, b) = app.json(method, path, Some(analyst), Some(&bad));
        assert_eq!(s, 422, "{method} {path}: {b}");
        assert_eq!(b["code"], "invalid_rule");
        assert_eq!(b["path"], "/condition/all/1/field");
        assert_eq!(b["reason"], "unknown_field");
    }
    let mut heavy = rule("Heavy", 10, "draft", "ISL");
    heavy["weight"] = json!(140);
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules/validate",
        Some(analyst),
        Some(&heavy),
    );
    assert_eq!((s, b["path"].as_str()), (422, Some("/weight")), "{b}");
    // A bare condition, and a draft backtest with its rule nested under `rule`.
    let cond = json!({"condition": {"any": [{"field": "traveller.age", "op": "sounds_like", "value": 3}]}});
    let (s, b) = app.json("POST", "/api/v1/rules/validate", Some(analyst), Some(&cond));
    assert_eq!(
        (s, b["path"].as_str()),
        (422, Some("/condition/any/0/op")),
        "{b}"
    );
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules/backtest",
        Some(analyst),
        Some(&json!({"rule": bad})),
    );
    assert_eq!(
        (s, b["path"].as_str()),
        (422, Some("/rule/condition/all/1/field")),
        "{b}"
    );
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules/validate",
        Some(analyst),
        Some(&rule("Good", 10, "draft", "ISL")),
    );
    assert_eq!((s, b["valid"].as_bool()), (200, Some(true)), "{b}");
    // The catalogue has no sensitive field to offer.
    let (s, b) = app.json("GET", "/api/v1/rules/fields", Some(analyst), None);
    assert_eq!(s, 200);
    let names: Vec<&str> = b["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"traveller.nationality") && names.contains(&"pnr.payment_type"));
    assert!(!names
        .iter()
        .any(|n| n.contains("religion") || n.contains("meal")));
}

fn lifecycle(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("rule-analyst", "analyst", None);
    app.user("rule-admin", "admin", None);
    app.user("rule-officer", "officer", None);
    app.user("rule-carrier", "airline", Some("ZZ"));
    app.start();
    let analyst = app.login("rule-analyst");
    let admin = app.login("rule-admin");
    let officer = app.login("rule-officer");
    let carrier = app.login("rule-carrier");

    invalid_rules_are_refused_with_paths(&app, &analyst);
    // Officers read rules but may not write them.
    let (s, _) = app.json(
        "POST",
        "/api/v1/rules",
        Some(&officer),
        Some(&rule("X", 1, "draft", "ISL")),
    );
    assert_eq!(s, 403);

    // An open flight (landed two hours ago) is in the store before the rule exists.
    post_manifest(&app, &carrier, "601", 7, "61");

    // 1. The analyst drafts a rule and backtests it over history: the two Icelanders.
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules",
        Some(&analyst),
        Some(&rule("Icelanders from SIN", 50, "draft", "ISL")),
    );
    assert_eq!(s, 201, "{b}");
    let id = b["id"].as_str().unwrap().to_string();
    let today = Utc::now().date_naive();
    let range =
        json!({"from": (today - chrono::Duration::days(5)).to_string(), "to": today.to_string()});
    let (s, bt) = app.json(
        "POST",
        &format!("/api/v1/rules/{id}/backtest"),
        Some(&analyst),
        Some(&range),
    );
    assert_eq!(s, 200, "{bt}");
    assert_eq!(bt["travellers_screened"], 4, "{bt}");
    assert_eq!(bt["hits"], 2, "{bt}");
    assert_eq!(bt["travellers_affected"], 2, "{bt}");
    assert_eq!(
        bt["per_day"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["hits"].as_u64().unwrap())
            .sum::<u64>(),
        2
    );
    // A draft condition backtests the same way, without being saved.
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules/backtest",
        Some(&analyst),
        Some(&json!({"condition": {"field": "traveller.nationality", "op": "eq", "value": "NOR"}, "from": range["from"]})),
    );
    assert_eq!((s, b["hits"].as_u64()), (200, Some(1)), "{b}");

    // 2. Tested against stored travellers, leaf by leaf.
    let (_, flights) = app.json("GET", "/api/v1/flights", Some(&officer), None);
    let flight = flights["flights"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["number"] == "601")
        .expect("flight 601")
        .clone();
    let (_, people) = app.json(
        "GET",
        &format!(
            "/api/v1/flights/{}/travellers",
            flight["id"].as_str().unwrap()
        ),
        Some(&officer),
        None,
    );
    let id_of = |surname: &str| {
        people["travellers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["surname"] == surname)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (s, t) = app.json(
        "POST",
        &format!("/api/v1/rules/{id}/test"),
        Some(&analyst),
        Some(&json!({"traveller_id": id_of("GUNNARSSON")})),
    );
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["matched"], true);
    assert_eq!(t["leaves"].as_array().unwrap().len(), 2);
    assert!(
        t["leaves"]
            .as_array()
            .unwrap()
            .iter()
            .all(|l| l["truth"] == "true"),
        "{t}"
    );
    let (_, t) = app.json(
        "POST",
        &format!("/api/v1/rules/{id}/test"),
        Some(&analyst),
        Some(&json!({"traveller_id": id_of("OKONKWO")})),
    );
    assert_eq!(t["matched"], false);
    assert_eq!(t["leaves"][0]["truth"], "false", "{t}");
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/rules/{id}/test"),
        Some(&analyst),
        Some(&json!({"traveller_id": "no-such-traveller"})),
    );
    assert_eq!(s, 404);

    // 3. Shadow: hits are recorded, nobody enters the queue. The same body in another state
    // moves the state and keeps the version.
    let (s, b) = app.json(
        "PUT",
        &format!("/api/v1/rules/{id}"),
        Some(&analyst),
        Some(&rule("Icelanders from SIN", 50, "shadow", "ISL")),
    );
    assert_eq!(
        (s, b["version"].as_i64(), b["changed"].as_bool()),
        (200, Some(1), Some(true)),
        "{b}"
    );
    let (_, b) = app.json("GET", &format!("/api/v1/rules/{id}"), Some(&officer), None);
    assert_eq!(b["state"], "shadow", "{b}");
    eventually("shadow hits recorded", || {
        (hits_by_version(&app, &analyst, &id) == vec![(1, 2)]).then_some(())
    });
    let queued = queued_surnames(&app, &officer);
    assert!(
        !queued
            .iter()
            .any(|s| s == "GUNNARSSON" || s == "HALLDORSDOTTIR"),
        "{queued:?}"
    );

    // 4. Live: the two Icelanders enter the queue with the rule as reason, band medium.
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/rules/{id}/state"),
        Some(&analyst),
        Some(&json!({"state": "live"})),
    );
    assert_eq!((s, b["previous"].as_str()), (200, Some("shadow")), "{b}");
    let items = app.queue_until(&officer, |items| items.len() >= 2);
    assert_eq!(items.len(), 2, "{items:?}");
    for i in &items {
        assert_eq!(i["band"], "medium");
        let reason = i["hits"][0]["reason"].as_str().unwrap();
        assert_eq!(i["hits"][0]["kind"], "rule");
        assert!(
            reason.contains("Icelanders from SIN") && reason.contains("ISL"),
            "{reason}"
        );
    }
    // A flight that landed days ago is screened with version 1 when its manifest arrives.
    post_manifest(&app, &carrier, "602", 96, "62");
    assert_eq!(hits_by_version(&app, &analyst, &id), vec![(1, 4)]);

    // 5. Edit: version 2; the open flight is re-screened with it, the closed one keeps v1.
    let (s, b) = app.json(
        "PUT",
        &format!("/api/v1/rules/{id}"),
        Some(&analyst),
        Some(&rule("Icelanders from SIN", 40, "live", "ISL")),
    );
    assert_eq!(
        (s, b["version"].as_i64(), b["changed"].as_bool()),
        (200, Some(2), Some(true)),
        "{b}"
    );
    eventually("open flight re-screened with v2", || {
        (hits_by_version(&app, &analyst, &id) == vec![(2, 2), (1, 2)]).then_some(())
    });
    let (_, v) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/versions"),
        Some(&officer),
        None,
    );
    assert_eq!(
        v["versions"][1]["rule"]["weight"], 50,
        "version 1 is kept as written"
    );
    let (s, b) = app.json(
        "PUT",
        &format!("/api/v1/rules/{id}"),
        Some(&analyst),
        Some(&rule("Icelanders from SIN", 40, "live", "ISL")),
    );
    assert_eq!(
        (s, b["changed"].as_bool(), b["version"].as_i64()),
        (200, Some(false), Some(2))
    );

    // 6. Outcomes: both items resultant → a higher suggested weight, accepted by an admin only.
    let items = app.queue_until(&officer, |items| items.iter().all(|i| i["score"] == 40));
    for i in &items {
        let (s, b) = app.json(
            "POST",
            &format!("/api/v1/queue/{}/disposition", i["id"].as_str().unwrap()),
            Some(&officer),
            Some(&json!({"disposition": "resultant"})),
        );
        assert_eq!(s, 200, "{b}");
    }
    let (s, sg) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/suggestion"),
        Some(&analyst),
        None,
    );
    assert_eq!(s, 200, "{sg}");
    assert_eq!(sg["outcomes"]["resultant"], 2, "{sg}");
    assert_eq!(sg["base_weight"], 40);
    // p = (2 + 2) / (10 + 2) = 1/3 against a prior mean of 0.2: 40 · 5/3 ≈ 67.
    assert_eq!(sg["suggested_weight"], 67, "{sg}");
    assert_eq!(sg["actionable"], true);
    assert_eq!(sg["effect"]["current"]["weight"], 40);
    assert!(
        sg["effect"]["suggested"]["high"].as_u64() >= sg["effect"]["current"]["high"].as_u64(),
        "{sg}"
    );
    let accept = format!("/api/v1/rules/{id}/suggestion/accept");
    assert_eq!(
        app.json(
            "POST",
            &accept,
            Some(&analyst),
            Some(&json!({"weight": 67}))
        )
        .0,
        403
    );
    assert_eq!(
        app.json("POST", &accept, Some(&admin), Some(&json!({"weight": 55})))
            .0,
        409
    );
    let (s, b) = app.json("POST", &accept, Some(&admin), Some(&json!({"weight": 67})));
    assert_eq!(
        (s, b["version"].as_i64(), b["weight"].as_u64()),
        (200, Some(3), Some(67)),
        "{b}"
    );
    let (_, sg) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/suggestion"),
        Some(&analyst),
        None,
    );
    assert_eq!(
        (sg["weight"].as_u64(), sg["actionable"].as_bool()),
        (Some(67), Some(false)),
        "accepting does not compound: {sg}"
    );
    assert_eq!(app.json("POST", &accept, Some(&admin), None).0, 409);

    // 7. Retire: a second live rule's untouched items are withdrawn; worked items stay.
    let (s, b) = app.json(
        "POST",
        "/api/v1/rules",
        Some(&analyst),
        Some(&rule("Norwegians from SIN", 45, "live", "NOR")),
    );
    assert_eq!(s, 201);
    let nor = b["id"].as_str().unwrap().to_string();
    app.queue_until(&officer, |items| {
        items
            .iter()
            .any(|i| i["traveller"]["surname"] == "LINDQVIST")
    });
    // The open flight was re-screened (LINDQVIST is queued) with version 3 of the Icelander
    // rule: the two decided items keep the version-2 hits they were decided on, and stay closed.
    assert_eq!(
        hits_by_version(&app, &analyst, &id),
        vec![(3, 0), (2, 2), (1, 2)],
        "closed items keep their hits at the version they were decided on"
    );
    for i in &items {
        let (s, b) = app.json(
            "GET",
            &format!("/api/v1/queue/{}", i["id"].as_str().unwrap()),
            Some(&officer),
            None,
        );
        assert_eq!(s, 200, "{b}");
        let item = if b["item"].is_object() {
            &b["item"]
        } else {
            &b
        };
        assert_eq!(item["status"], "closed", "{b}");
        assert_eq!(item["disposition"], "resultant", "{b}");
    }
    // New evidence reopens a decided item: a watchlist entry for one of them.
    let list = "surname,given_names,date_of_birth,nationality,gender,document_number,document_country,category
HALLDORSDOTTIR,Sigrun,1985-03-01,ISL,F,,,test
";
    let (s, b) = app.http(
        "POST",
        "/api/v1/watchlists/reopen-test/import?format=csv",
        Some(&analyst),
        Some((list.as_bytes(), "text/csv")),
    );
    assert_eq!(s, 201, "{}", String::from_utf8_lossy(&b));
    let reopened = app.queue_until(&officer, |items| {
        items.iter().any(|i| {
            i["traveller"]["surname"] == "HALLDORSDOTTIR"
                && i["status"] == "reopened"
                && i["hits"]
                    .as_array()
                    .is_some_and(|h| h.iter().any(|h| h["kind"] == "watchlist"))
        })
    });
    let item = reopened
        .iter()
        .find(|i| i["traveller"]["surname"] == "HALLDORSDOTTIR")
        .expect("the decided item is back in the queue with the new hit");
    assert_eq!(item["status"], "reopened", "{item}");
    assert!(
        item["hits"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["kind"] == "rule"),
        "the hit it was decided on is kept beside the new one: {item}"
    );
    let (_, notes) = app.json(
        "GET",
        &format!("/api/v1/queue/{}/notes", item["id"].as_str().unwrap()),
        Some(&officer),
        None,
    );
    assert!(
        notes.to_string().contains("Reopened by screening"),
        "{notes}"
    );
    let (_, b) = app.json(
        "GET",
        &format!(
            "/api/v1/queue/{}",
            items
                .iter()
                .find(|i| i["traveller"]["surname"] == "GUNNARSSON")
                .map(|i| i["id"].as_str().unwrap())
                .expect("GUNNARSSON was decided")
        ),
        Some(&officer),
        None,
    );
    let other = if b["item"].is_object() {
        &b["item"]
    } else {
        &b
    };
    assert_eq!(
        other["status"], "closed",
        "no new evidence, still closed: {b}"
    );
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/rules/{nor}/state"),
        Some(&analyst),
        Some(&json!({"state": "retired"})),
    );
    assert_eq!(s, 200);
    eventually("the retired rule's item is withdrawn", || {
        (!queued_surnames(&app, &officer).contains(&"LINDQVIST".to_string())).then_some(())
    });

    // 8. The report: hits, reviews, precision and hit rates by nationality.
    let (s, r) = app.json(
        "GET",
        &format!(
            "/api/v1/rules/report?from={}&min_group=1",
            range["from"].as_str().unwrap()
        ),
        Some(&officer),
        None,
    );
    assert_eq!(s, 200, "{r}");
    assert_eq!(r["screened"], 8, "{r}");
    let mine = r["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap();
    assert_eq!(mine["hits"], 4, "{mine}");
    // Two were decided; one of them was reopened by the watchlist hit and awaits a new decision.
    assert_eq!(mine["reviewed"], 1, "{mine}");
    assert_eq!(mine["precision"], 1.0);
    assert_eq!(mine["by_nationality"][0]["value"], "ISL");
    assert_eq!(mine["by_nationality"][0]["hit_rate"], 1.0);
    assert_eq!(mine["by_nationality"].as_array().unwrap().len(), 1);
    // By default groups under 10 screened records are pooled: eight travellers name no group.
    let (s, pooled) = app.json(
        "GET",
        &format!(
            "/api/v1/rules/report?from={}",
            range["from"].as_str().unwrap()
        ),
        Some(&officer),
        None,
    );
    assert_eq!(s, 200, "{pooled}");
    let mine_pooled = pooled["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == id.as_str())
        .unwrap();
    for breakdown in ["by_nationality", "by_sex"] {
        let groups = mine_pooled[breakdown].as_array().unwrap();
        assert_eq!(groups.len(), 1, "{mine_pooled}");
        assert_eq!(groups[0]["value"], "other", "{mine_pooled}");
        assert_eq!(groups[0]["flagged"], 4, "{mine_pooled}");
    }
    let out = app.cli(
        &["rules", "report", "--from", range["from"].as_str().unwrap()],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cli: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(cli["screened"], 8);

    // 9. Every change is in the audit log, by id.
    let (_, audit) = app.json(
        "GET",
        "/api/v1/audit?action=rule.&limit=100",
        Some(&admin),
        None,
    );
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in [
        "rule.create",
        "rule.state",
        "rule.update",
        "rule.test",
        "rule.backtest",
        "rule.suggestion.accept",
    ] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
    assert!(
        !audit.to_string().contains("GUNNARSSON"),
        "the audit log names ids only"
    );
}

#[test]
fn rule_lifecycle_on_sqlite() {
    lifecycle(Backend::Sqlite);
}

#[test]
fn rule_lifecycle_on_postgres() {
    lifecycle(Backend::Postgres);
}
