//! The rest of issue 7 end to end, on both backends: user groups scoped by hit category (queue,
//! item reads and actions, e-mail notices), the first-admin setup token, and the purpose of a
//! read on audit rows.

mod common;
#[path = "common/store.rs"]
mod store;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::{json, Value};
use store::Store;

/// A live rule of `category` that flags travellers of `nationality` from SIN in the high band.
fn rule(name: &str, category: &str, nationality: &str) -> Value {
    json!({"name": name, "category": category, "severity": "high", "weight": 80,
           "state": "live", "rationale": "groups test",
           "condition": {"all": [
               {"field": "traveller.nationality", "op": "in", "value": [nationality]},
               {"field": "flight.origin", "op": "eq", "value": "SIN"}]}})
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// A GET with an `X-Purpose` header; status and body.
fn get_with_purpose(app: &TestApp, path: &str, token: &str, purpose: &str) -> (u16, String) {
    let r = client()
        .get(format!("{}{path}", app.base))
        .bearer_auth(token)
        .header("X-Purpose", purpose)
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// A page as the browser gets it, with the session cookie.
fn page_with_cookie(app: &TestApp, path: &str, token: &str) -> (u16, String) {
    let r = client()
        .get(format!("{}{path}", app.base))
        .header("Cookie", format!("paxrisk_session={token}"))
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
}

/// Posts a form as a page of this site would (Origin set, session cookie if any); status,
/// Location and body.
fn post_form(
    app: &TestApp,
    path: &str,
    token: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, String, String) {
    let c = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let mut req = c
        .post(format!("{}{path}", app.base))
        .header("Origin", &app.base)
        .form(form);
    if let Some(t) = token {
        req = req.header("Cookie", format!("paxrisk_session={t}"));
    }
    let r = req.send().unwrap();
    let location = r
        .headers()
        .get("Location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or("")
        .to_string();
    (r.status().as_u16(), location, r.text().unwrap())
}

fn login_as(app: &TestApp, name: &str, password: &str) -> String {
    let (s, b) = app.try_login(name, password);
    assert_eq!(s, 200, "{b}");
    b["token"].as_str().unwrap().to_string()
}

fn surnames(items: &Value) -> Vec<String> {
    let mut v: Vec<String> = items["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["traveller"]["surname"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn queue(app: &TestApp, token: &str) -> Vec<String> {
    let (s, b) = app.json("GET", "/api/v1/queue", Some(token), None);
    assert_eq!(s, 200, "{b}");
    surnames(&b)
}

fn user_id(app: &TestApp, admin: &str, name: &str) -> String {
    let (_, b) = app.json("GET", "/api/v1/users", Some(admin), None);
    b["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == name)
        .unwrap_or_else(|| panic!("no user {name}"))["id"]
        .as_str()
        .unwrap()
        .to_string()
}

fn groups_scope(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("chief", "admin", None);
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.user("free-officer", "officer", None);
    app.user("narc-officer", "officer", None);
    // The CLI makes a group and puts a new user in it.
    let out = app.cli(
        &["group", "add", "terror-desk", "--categories", "Terrorism"],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pw = "Granite-Orchard-77-Lake-2026";
    let out = app.cli(
        &[
            "user",
            "add",
            "--username",
            "terror-officer",
            "--role",
            "officer",
            "--group",
            "terror-desk",
        ],
        Some(pw),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.passwords.insert("terror-officer".into(), pw.into());
    let out = app.cli(
        &[
            "user",
            "add",
            "--username",
            "lost-officer",
            "--role",
            "officer",
            "--group",
            "no-such-group",
        ],
        Some(pw),
    );
    assert!(!out.status.success(), "an unknown group is refused");
    let mail_dir = app.dir.path().join("mail");
    app.start_with_env(&[("PAXRISK_MAIL_DIR", mail_dir.to_str().unwrap())]);
    let admin = app.login("chief");
    for (name, cat, nat) in [
        ("Narcotics route", "narcotics", "ISL"),
        ("Terror route", "terrorism", "FJI"),
    ] {
        let (s, b) = app.json(
            "POST",
            "/api/v1/rules",
            Some(&admin),
            Some(&rule(name, cat, nat)),
        );
        assert_eq!(s, 201, "{b}");
    }

    // Groups: bad input, a duplicate name, unknown members.
    let narc = user_id(&app, &admin, "narc-officer");
    let free = user_id(&app, &admin, "free-officer");
    let terror = user_id(&app, &admin, "terror-officer");
    for (body, status) in [
        (json!({"name": "", "categories": ["narcotics"]}), 422),
        (json!({"name": "x", "categories": []}), 422),
        (json!({"name": "x"}), 400),
        (json!({"name": "x", "categories": ["a"], "extra": 1}), 400),
    ] {
        let (s, b) = app.json("POST", "/api/v1/groups", Some(&admin), Some(&body));
        assert_eq!(s, status, "{body}: {b}");
        assert!(b["code"].is_string(), "{b}");
    }
    let (s, g) = app.json(
        "POST",
        "/api/v1/groups",
        Some(&admin),
        Some(&json!({"name": "narcotics-desk", "categories": ["narcotics", " NARCOTICS "]})),
    );
    assert_eq!(s, 201, "{g}");
    assert_eq!(g["categories"], json!(["narcotics"]));
    let gid = g["id"].as_str().unwrap().to_string();
    let (s, b) = app.json(
        "POST",
        "/api/v1/groups",
        Some(&admin),
        Some(&json!({"name": "narcotics-desk", "categories": ["x"]})),
    );
    assert_eq!((s, b["code"].as_str()), (409, Some("conflict")), "{b}");
    let members = format!("/api/v1/groups/{gid}/members");
    let (s, b) = app.json(
        "PUT",
        &members,
        Some(&admin),
        Some(&json!({"user_ids": [narc, "no-such-user"]})),
    );
    assert_eq!(
        (s, b["code"].as_str()),
        (422, Some("validation_failed")),
        "{b}"
    );
    let (s, b) = app.json(
        "PUT",
        &members,
        Some(&admin),
        Some(&json!({"user_ids": [narc]})),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(b["members"], json!([narc]));
    let (s, b) = app.json("GET", &format!("/api/v1/users/{narc}"), Some(&admin), None);
    assert_eq!(s, 200);
    assert_eq!(
        b["groups"],
        json!([{"id": gid, "name": "narcotics-desk"}]),
        "{b}"
    );
    let (_, b) = app.json("GET", &format!("/api/v1/users/{free}"), Some(&admin), None);
    assert_eq!(b["groups"], json!([]));
    let (s, b) = app.json("GET", "/api/v1/groups", Some(&admin), None);
    assert_eq!(s, 200);
    assert_eq!(b["groups"].as_array().unwrap().len(), 2, "{b}");

    // Subscriptions: three officers subscribe; each high item reaches only those in scope.
    for id in [&narc, &free, &terror] {
        let body = json!({"email": format!("{id}@customs.example"), "notify_high_hits": true});
        let (s, b) = app.json(
            "PATCH",
            &format!("/api/v1/users/{id}"),
            Some(&admin),
            Some(&body),
        );
        assert_eq!(s, 200, "{b}");
    }

    // One flight: a narcotics hit, a terrorism hit, and a traveller without a hit.
    let now = Utc::now().naive_utc();
    let text = manifest(
        "611",
        now - chrono::Duration::hours(3),
        now + chrono::Duration::hours(2),
        &[
            ("ARNADOTTIR", "HELGA", "850203", "ISL", "QI6110001"),
            ("TUILAGI", "SEMI", "790911", "FJI", "QF6110002"),
            ("BERGSTROM", "ODD", "700101", "NOR", "QN6110003"),
        ],
        "01:F",
        "611",
    );
    let zz = app.login("zz-carrier");
    let free_t = app.login("free-officer");
    let narc_t = app.login("narc-officer");
    let terror_t = app.login("terror-officer");
    app.flagged(&zz, &free_t, &text, "ARNADOTTIR");
    let items = app.queue_until(&free_t, |i| i.len() >= 2);
    let id_of = |surname: &str| -> String {
        items
            .iter()
            .find(|i| i["traveller"]["surname"] == surname)
            .unwrap_or_else(|| panic!("{surname} not queued"))["id"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (narc_item, terror_item) = (id_of("ARNADOTTIR"), id_of("TUILAGI"));

    // Who sees what.
    assert_eq!(
        queue(&app, &free_t),
        ["ARNADOTTIR", "TUILAGI"],
        "no group: all"
    );
    assert_eq!(
        queue(&app, &admin),
        ["ARNADOTTIR", "TUILAGI"],
        "admins: all"
    );
    assert_eq!(queue(&app, &narc_t), ["ARNADOTTIR"]);
    assert_eq!(queue(&app, &terror_t), ["TUILAGI"]);
    let (_, b) = app.json(
        "GET",
        "/api/v1/queue?category=terrorism",
        Some(&narc_t),
        None,
    );
    assert_eq!(b["total"], 0, "a filter does not widen the scope: {b}");

    // The e-mail notices of the two high items (recipients are chosen when a notice is sent, so
    // before the groups change below): the free officer and the one in scope each.
    let mut store = Store::open(&app);
    let t0 = Instant::now();
    let details = loop {
        let d = store.pairs(
            "SELECT object_id AS k, detail AS v FROM notify_events WHERE kind = 'high_item' AND state = 'sent'",
        );
        if d.len() >= 2 || t0.elapsed() > Duration::from_secs(30) {
            break d;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    assert_eq!(
        details.get(&narc_item).map(String::as_str),
        Some("2 recipient(s)"),
        "{details:?}"
    );
    assert_eq!(
        details.get(&terror_item).map(String::as_str),
        Some("2 recipient(s)"),
        "{details:?}"
    );

    // The admin page lists the groups and makes new ones.
    let (s, html) = page_with_cookie(&app, "/admin", &admin);
    assert_eq!(s, 200);
    assert!(
        html.contains("terror-desk") && html.contains("terror-officer"),
        "{html}"
    );
    let (s, location, _) = post_form(
        &app,
        "/admin/groups",
        Some(&admin),
        &[
            ("name", "docs-desk"),
            ("categories", "forged_documents, visa_fraud"),
        ],
    );
    assert_eq!((s, location.as_str()), (303, "/admin?m=group_created"));
    let (s, location, _) = post_form(
        &app,
        "/admin/groups",
        Some(&admin),
        &[("name", "empty-desk"), ("categories", " , ")],
    );
    assert_eq!((s, location.as_str()), (303, "/admin?m=group_refused"));
    let (_, b) = app.json("GET", "/api/v1/groups", Some(&admin), None);
    let docs = b["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["name"] == "docs-desk")
        .expect("the group made on the page")
        .clone();
    assert_eq!(
        docs["categories"],
        json!(["forged_documents", "visa_fraud"])
    );
    let (s, location, _) = post_form(
        &app,
        &format!("/admin/groups/{}", docs["id"].as_str().unwrap()),
        Some(&admin),
        &[("action", "members"), ("members", "free-officer")],
    );
    assert_eq!((s, location.as_str()), (303, "/admin?m=group_changed"));
    assert_eq!(
        queue(&app, &free_t),
        Vec::<String>::new(),
        "no hit in docs-desk's categories"
    );
    let (s, location, _) = post_form(
        &app,
        &format!("/admin/groups/{}", docs["id"].as_str().unwrap()),
        Some(&admin),
        &[("action", "delete")],
    );
    assert_eq!((s, location.as_str()), (303, "/admin?m=group_deleted"));
    assert_eq!(queue(&app, &free_t), ["ARNADOTTIR", "TUILAGI"]);

    // Outside the scope an item does not exist: read, notes, claim, dispose, reopen.
    let out_of_scope = [
        ("GET", format!("/api/v1/queue/{terror_item}"), None),
        ("GET", format!("/api/v1/queue/{terror_item}/notes"), None),
        (
            "POST",
            format!("/api/v1/queue/{terror_item}/notes"),
            Some(json!({"body": "a note"})),
        ),
        ("POST", format!("/api/v1/queue/{terror_item}/claim"), None),
        (
            "POST",
            format!("/api/v1/queue/{terror_item}/disposition"),
            Some(json!({"disposition": "no_action"})),
        ),
        (
            "POST",
            format!("/api/v1/queue/{terror_item}/reopen"),
            Some(json!({"reason": "r"})),
        ),
    ];
    for (method, path, body) in &out_of_scope {
        let (s, b) = app.json(method, path, Some(&narc_t), body.as_ref());
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("not_found")),
            "{method} {path}: {b}"
        );
    }
    // The traveller view and link graph follow the same scope: a traveller flagged only outside
    // it is not found; one flagged inside it, or not flagged at all, is readable.
    let traveller_of = |surname: &str| -> String {
        items
            .iter()
            .find(|i| i["traveller"]["surname"] == surname)
            .unwrap()["traveller"]["id"]
            .as_str()
            .expect("the item names its traveller")
            .to_string()
    };
    let (terror_traveller, narc_traveller) = (traveller_of("TUILAGI"), traveller_of("ARNADOTTIR"));
    for path in [
        format!("/api/v1/travellers/{terror_traveller}"),
        format!("/api/v1/travellers/{terror_traveller}/links"),
    ] {
        let (s, b) = app.json("GET", &path, Some(&narc_t), None);
        assert_eq!(
            (s, b["code"].as_str()),
            (404, Some("not_found")),
            "{path}: {b}"
        );
        assert_eq!(
            app.json("GET", &path, Some(&terror_t), None).0,
            200,
            "{path}"
        );
    }
    let page = format!("/travellers/{terror_traveller}");
    assert_eq!(page_with_cookie(&app, &page, &narc_t).0, 404, "{page}");
    assert_eq!(page_with_cookie(&app, &page, &terror_t).0, 200, "{page}");
    // The flight's traveller list leaves out travellers flagged only outside the scope.
    let flight_id = items[0]["flight"]["id"].as_str().unwrap().to_string();
    let listed = |token: &str| -> Vec<String> {
        let (s, b) = app.json(
            "GET",
            &format!("/api/v1/flights/{flight_id}/travellers"),
            Some(token),
            None,
        );
        assert_eq!(s, 200, "{b}");
        let mut names: Vec<String> = b["travellers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["surname"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    assert_eq!(listed(&narc_t), ["ARNADOTTIR", "BERGSTROM"]);
    assert_eq!(listed(&free_t), ["ARNADOTTIR", "BERGSTROM", "TUILAGI"]);
    let (s, html) = page_with_cookie(&app, &format!("/flights/{flight_id}"), &narc_t);
    assert_eq!(s, 200);
    assert!(
        html.contains("ARNADOTTIR") && !html.contains("TUILAGI"),
        "{html}"
    );
    let (s, b) = app.json(
        "GET",
        &format!("/api/v1/travellers/{narc_traveller}"),
        Some(&narc_t),
        None,
    );
    assert_eq!(s, 200, "{b}");
    // ...and the same calls on an id that does not exist answer alike.
    let (s, b) = app.json(
        "GET",
        "/api/v1/queue/0190f0f0-0000-7000-8000-000000000000",
        Some(&narc_t),
        None,
    );
    assert_eq!((s, b["code"].as_str()), (404, Some("not_found")));
    // In scope, the officer works as before; with a stated purpose, the read is audited with it.
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/queue/{narc_item}/claim"),
        Some(&narc_t),
        None,
    );
    assert_eq!(s, 200, "{b}");
    let (s, b) = get_with_purpose(
        &app,
        &format!("/api/v1/queue/{narc_item}"),
        &narc_t,
        "  case NARC-2026-7 secondary check\t",
    );
    assert_eq!(s, 200, "{b}");
    let (s, b) = get_with_purpose(
        &app,
        &format!("/api/v1/queue/{narc_item}"),
        &narc_t,
        &"p".repeat(300),
    );
    assert_eq!(s, 200, "{b}");
    // The queue page shows each officer his scope.
    let page = |token: &str| {
        let (s, b) = page_with_cookie(&app, "/queue", token);
        assert_eq!(s, 200);
        b
    };
    let narc_page = page(&narc_t);
    assert!(narc_page.contains("ARNADOTTIR") && !narc_page.contains("TUILAGI"));
    let free_page = page(&free_t);
    assert!(free_page.contains("ARNADOTTIR") && free_page.contains("TUILAGI"));
    // The terror officer disposes of his item.
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/queue/{terror_item}/disposition"),
        Some(&terror_t),
        Some(&json!({"disposition": "no_action"})),
    );
    assert_eq!(s, 200, "{b}");

    // A manual hit's category counts, case-insensitively.
    let flight = &items[0]["flight"]["id"].as_str().unwrap().to_string();
    let (_, b) = app.json(
        "GET",
        &format!("/api/v1/flights/{flight}/travellers"),
        Some(&free_t),
        None,
    );
    let bergstrom = b["travellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["surname"] == "BERGSTROM")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, b) = app.json(
        "POST",
        &format!("/api/v1/travellers/{bergstrom}/manual-hits"),
        Some(&free_t),
        Some(&json!({"category": "Lost_Stolen_Documents", "reason": "document reported stolen", "band": "medium"})),
    );
    assert_eq!(s, 201, "{b}");
    assert_eq!(queue(&app, &narc_t), ["ARNADOTTIR"]);
    let (s, b) = app.json(
        "PATCH",
        &format!("/api/v1/groups/{gid}"),
        Some(&admin),
        Some(&json!({"categories": ["narcotics", "lost_stolen_documents"]})),
    );
    assert_eq!(s, 200, "{b}");
    assert_eq!(queue(&app, &narc_t), ["ARNADOTTIR", "BERGSTROM"]);
    // Without his group, the officer sees everything again.
    let (s, _) = app.json(
        "DELETE",
        &format!("/api/v1/groups/{gid}"),
        Some(&admin),
        None,
    );
    assert_eq!(s, 204);
    assert_eq!(queue(&app, &narc_t), ["ARNADOTTIR", "BERGSTROM"]);
    let (_, b) = app.json("GET", "/api/v1/queue?all=true", Some(&narc_t), None);
    assert_eq!(surnames(&b), ["ARNADOTTIR", "BERGSTROM", "TUILAGI"]);
    let (s, _) = app.json("GET", &format!("/api/v1/groups/{gid}"), Some(&admin), None);
    assert_eq!(s, 404);

    // The audit log: group changes, and the stated purpose (bounded), found by filter.
    let (s, b) = app.json("GET", "/api/v1/audit?action=group.", Some(&admin), None);
    assert_eq!(s, 200);
    let actions: Vec<&str> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for a in [
        "group.create",
        "group.members",
        "group.update",
        "group.delete",
    ] {
        assert!(actions.contains(&a), "{a} not audited: {actions:?}");
    }
    let (s, b) = app.json(
        "GET",
        "/api/v1/audit?purpose=NARC-2026-7",
        Some(&admin),
        None,
    );
    assert_eq!(s, 200);
    let rows = b["entries"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{b}");
    assert_eq!(rows[0]["action"], "item.read");
    assert_eq!(rows[0]["purpose"], "case NARC-2026-7 secondary check");
    assert_eq!(rows[0]["object"], format!("item:{narc_item}"));
    let (_, b) = app.json("GET", "/api/v1/audit?purpose=pppp", Some(&admin), None);
    let long = b["entries"][0]["purpose"].as_str().unwrap();
    assert_eq!(long.len(), 200, "purposes are cut at 200 characters");
    assert_eq!(b["verification"]["broken_at"], Value::Null);
    let (_, html) = page_with_cookie(&app, "/audit", &admin);
    assert!(
        html.contains("case NARC-2026-7 secondary check"),
        "the audit page shows purposes"
    );
    app.stop();
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn groups_scope_the_queue_on_sqlite() {
    groups_scope(Backend::Sqlite);
}

#[test]
fn groups_scope_the_queue_on_postgres() {
    groups_scope(Backend::Postgres);
}

/// The setup token the server printed, once it has.
fn printed_token(app: &TestApp) -> String {
    let t0 = Instant::now();
    loop {
        if let Some(line) = app.log().lines().find(|l| l.starts_with("setup token: ")) {
            return line["setup token: ".len()..].trim().to_string();
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "no token: {}",
            app.log()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn setup(app: &TestApp, token: &str, username: &str, password: &str) -> (u16, Value) {
    app.json(
        "POST",
        "/api/v1/setup",
        None,
        Some(&json!({"token": token, "username": username, "password": password})),
    )
}

fn first_admin(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.start_with_env(&[("PAXRISK_MAX_FAILED_LOGINS", "3")]);
    let token = printed_token(&app);
    assert_eq!(token.len(), 64, "32 random bytes, hex");
    assert!(app.log().contains("/api/v1/setup"), "the URL is printed");
    // The token is on the console only: no log record (JSON lines) and not in the store.
    assert!(
        app.log()
            .lines()
            .filter(|l| l.contains(&token))
            .all(|l| !l.trim_start().starts_with('{')),
        "the token is in a log record"
    );
    assert!(!common::contains_secret(
        &common::database_bytes(&app),
        &token
    ));

    // Bad bodies, a wrong token (twice: below the lockout), a weak password.
    let (s, b) = app.http(
        "POST",
        "/api/v1/setup",
        None,
        Some((b"{", "application/json")),
    );
    assert_eq!(s, 400, "{}", String::from_utf8_lossy(&b));
    let (s, b) = app.json(
        "POST",
        "/api/v1/setup",
        None,
        Some(&json!({"token": token})),
    );
    assert_eq!((s, b["code"].as_str()), (400, Some("bad_request")));
    let strong = "Harbour-Lantern-58-Quay";
    for _ in 0..2 {
        let (s, b) = setup(&app, &"0".repeat(64), "chief", strong);
        assert_eq!(
            (s, b["code"].as_str()),
            (401, Some("setup_token_invalid")),
            "{b}"
        );
    }
    let (s, b) = setup(&app, &token, "chief", "short");
    assert_eq!((s, b["code"].as_str()), (422, Some("weak_password")), "{b}");
    let (s, b) = setup(&app, &token, "no spaces allowed", strong);
    assert_eq!(
        (s, b["code"].as_str()),
        (422, Some("validation_failed")),
        "{b}"
    );

    // The right token makes the first admin, once.
    let (s, b) = setup(&app, &format!(" {token}\n"), "chief", strong);
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["role"], "admin");
    let (s, b) = app.try_login("chief", strong);
    assert_eq!((s, b["role"].as_str()), (200, Some("admin")), "{b}");
    let (s, b) = setup(&app, &token, "second", strong);
    assert_eq!(
        (s, b["code"].as_str()),
        (409, Some("setup_complete")),
        "{b}"
    );
    let (s, b) = setup(&app, "anything", "third", strong);
    assert_eq!(
        (s, b["code"].as_str()),
        (409, Some("setup_complete")),
        "{b}"
    );

    // A restart with an admin prints no token.
    app.stop();
    app.start();
    std::thread::sleep(Duration::from_millis(300));
    assert!(!app.log().contains("setup token:"), "{}", app.log());
    let (s, b) = app.json(
        "GET",
        "/api/v1/audit?action=setup.",
        Some(&login_as(&app, "chief", strong)),
        None,
    );
    assert_eq!(s, 200);
    let outcomes: Vec<&str> = b["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["outcome"].as_str().unwrap())
        .collect();
    for o in ["issued", "denied", "refused", "ok", "closed"] {
        assert!(
            outcomes.contains(&o),
            "setup outcome {o} not audited: {outcomes:?}"
        );
    }
    app.stop();
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn the_first_admin_comes_with_the_setup_token_on_sqlite() {
    first_admin(Backend::Sqlite);
}

#[test]
fn the_first_admin_comes_with_the_setup_token_on_postgres() {
    first_admin(Backend::Postgres);
}

fn setup_lockout_and_one_token(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.start_with_env(&[("PAXRISK_MAX_FAILED_LOGINS", "3")]);
    let token = printed_token(&app);
    // A second server on the same store while the token is live: it issues none of its own.
    let mut second = std::process::Command::new(common::binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &app.database,
        ])
        .env("PAXRISK_DATA_DIR", app.dir.path())
        // Each test database has its keyring beside it (PostgreSQL ones would default to the
        // user's data directory).
        .env("PAXRISK_KEYRING", app.dir.path().join("keyring"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut said = String::new();
    {
        use std::io::BufRead;
        let out = std::io::BufReader::new(second.stdout.take().unwrap());
        for line in out.lines().map_while(Result::ok) {
            said.push_str(&line);
            said.push('\n');
            if line.contains("valid until") || line.starts_with("setup token:") {
                break;
            }
        }
    }
    let _ = second.kill();
    let _ = second.wait();
    assert!(!said.contains("setup token:"), "a second token: {said}");
    assert!(said.contains("a setup token printed earlier"), "{said}");

    // Three wrong tokens lock setup: then even the right one is refused, with its code.
    for _ in 0..3 {
        let (s, b) = setup(&app, "guess", "chief", "Harbour-Lantern-58-Quay");
        assert_eq!(
            (s, b["code"].as_str()),
            (401, Some("setup_token_invalid")),
            "{b}"
        );
    }
    let (s, b) = setup(&app, &token, "chief", "Harbour-Lantern-58-Quay");
    assert_eq!((s, b["code"].as_str()), (429, Some("locked")), "{b}");
    let (s, _) = app.try_login("chief", "Harbour-Lantern-58-Quay");
    assert_eq!(s, 401, "no admin was made");
    // `paxrisk user add` remains the other way in; then setup is closed.
    app.user("chief", "admin", None);
    let (s, b) = setup(&app, &token, "other", "Harbour-Lantern-58-Quay");
    assert_eq!(
        (s, b["code"].as_str()),
        (409, Some("setup_complete")),
        "{b}"
    );
}

#[test]
fn setup_locks_out_guessing_and_keeps_one_token_on_sqlite() {
    setup_lockout_and_one_token(Backend::Sqlite);
}

#[test]
fn setup_locks_out_guessing_and_keeps_one_token_on_postgres() {
    setup_lockout_and_one_token(Backend::Postgres);
}

fn setup_page(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.start();
    let token = printed_token(&app);
    let (s, html) = page_with_cookie(&app, "/setup", "none");
    assert_eq!(s, 200);
    assert!(html.contains("name=\"token\""), "{html}");
    let strong = "Harbour-Lantern-58-Quay";
    let (s, _, html) = post_form(
        &app,
        "/setup",
        None,
        &[
            ("token", "wrong"),
            ("username", "chief"),
            ("password", strong),
        ],
    );
    assert_eq!(s, 401);
    assert!(html.contains("setup token is wrong"), "{html}");
    assert!(!html.contains("wrong\""), "the typed token is not echoed");
    let (s, _, html) = post_form(
        &app,
        "/setup",
        None,
        &[
            ("token", &token),
            ("username", "chief"),
            ("password", strong),
        ],
    );
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("Setup is complete"), "{html}");
    login_as(&app, "chief", strong);
    let (_, html) = page_with_cookie(&app, "/setup", "none");
    assert!(html.contains("Setup is complete") && !html.contains("name=\"token\""));
}

#[test]
fn the_setup_page_makes_the_first_admin_on_sqlite() {
    setup_page(Backend::Sqlite);
}

#[test]
fn the_setup_page_makes_the_first_admin_on_postgres() {
    setup_page(Backend::Postgres);
}
