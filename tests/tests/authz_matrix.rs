//! Every route of the route table × every role (and no token): allowed or forbidden as the
//! table says. The expectations come from the table itself, read through the document the
//! server generates from it (`x-access`, `x-roles` of each operation of
//! `/api/v1/openapi.json`), and every cell is a real HTTP call; a few of the most sensitive routes
//! are also pinned here by hand, so a table that widened them would not pass. Plus the token's own
//! defences: tampering, forgery, expiry, replay after logout and refresh, lockout after repeated
//! failures, and carrier isolation.

mod common;

use common::{Backend, TestApp};
use serde_json::{json, Value};

const ROLES: [&str; 7] = [
    "airline", "officer", "analyst", "admin", "dpo", "approver", "auditor",
];

/// Bodies that get an allowed caller past "bad request" to the route's own answer; a route
/// not listed is called without a body.
const BODIES: &[(&str, &str, &str)] = &[
    (
        "POST",
        "/api/v1/auth/login",
        r#"{"username":"nobody","password":"x"}"#,
    ),
    ("PATCH", "/api/v1/auth/me", r#"{"notify_high_hits":false}"#),
    (
        "POST",
        "/api/v1/auth/password",
        r#"{"current":"not-the-password","new":"x"}"#,
    ),
    (
        "POST",
        "/api/v1/messages",
        "UNA:+.? 'UNB+UNOA:4+X+Y+261129:0800+1'UNZ+0+1'",
    ),
    (
        "POST",
        "/api/v1/travellers/{id}/manual-hits",
        r#"{"category":"c","reason":"r"}"#,
    ),
    (
        "POST",
        "/api/v1/queue/{id}/disposition",
        r#"{"disposition":"no_action"}"#,
    ),
    ("POST", "/api/v1/queue/{id}/notes", r#"{"body":"a note"}"#),
    (
        "POST",
        "/api/v1/queue/{id}/reopen",
        r#"{"reason":"new evidence"}"#,
    ),
    (
        "POST",
        "/api/v1/queue/{id}/assign",
        r#"{"user_id":"nobody"}"#,
    ),
    (
        "POST",
        "/api/v1/lookouts",
        r#"{"traveller_id":"nobody","reason":"r"}"#,
    ),
    (
        "POST",
        "/api/v1/lookouts/{id}/status",
        r#"{"status":"enroute"}"#,
    ),
    ("POST", "/api/v1/rules", r#"{"name":"x"}"#),
    ("POST", "/api/v1/rules/validate", r#"{"name":"x"}"#),
    ("POST", "/api/v1/rules/test", "{}"),
    ("POST", "/api/v1/rules/backtest", "{}"),
    ("PUT", "/api/v1/rules/{id}", "{}"),
    ("POST", "/api/v1/rules/{id}/state", r#"{"state":"retired"}"#),
    ("POST", "/api/v1/rules/{id}/test", "{}"),
    ("POST", "/api/v1/rules/{id}/backtest", "{}"),
    ("POST", "/api/v1/rules/{id}/suggestion/accept", "{}"),
    ("POST", "/api/v1/watchlists/{name}/import", "{}"),
    ("PUT", "/api/v1/watchlists/{id}", "{}"),
    ("POST", "/api/v1/watchlists/{id}/entries", "{}"),
    (
        "POST",
        "/api/v1/users",
        r#"{"username":"x","password":"short","role":"officer"}"#,
    ),
    (
        "PATCH",
        "/api/v1/users/{id}",
        r#"{"notify_high_hits":true}"#,
    ),
    ("POST", "/api/v1/users/{id}/keys", r#"{"label":"feed"}"#),
    ("PUT", "/api/v1/retention/policy", "{}"),
    ("POST", "/api/v1/retention/run", r#"{"dry_run":true}"#),
    ("PUT", "/api/v1/retention/sensitive-terms", "{}"),
    ("POST", "/api/v1/unmask-requests", "{}"),
    (
        "POST",
        "/api/v1/unmask-requests/{id}/decision",
        r#"{"approve":false,"reason":"no"}"#,
    ),
    // An admin exists in the matrix's store: setup answers 409 setup_complete to anyone.
    (
        "POST",
        "/api/v1/setup",
        r#"{"token":"x","username":"y","password":"z"}"#,
    ),
    ("POST", "/api/v1/groups", r#"{"name":"","categories":[]}"#),
    ("PATCH", "/api/v1/groups/{id}", r#"{"name":"n"}"#),
    ("PUT", "/api/v1/groups/{id}/members", r#"{"user_ids":[]}"#),
];

/// Calls that spend the caller's token (each role gets a fresh one for them).
const SPENDS_TOKEN: &[(&str, &str)] = &[
    ("POST", "/api/v1/auth/logout"),
    ("POST", "/api/v1/auth/refresh"),
];

/// Pinned by hand, independently of the table: who may call the most sensitive routes.
const PINNED: &[(&str, &str, &[&str])] = &[
    ("POST", "/api/v1/messages", &["airline"]),
    ("GET", "/api/v1/users", &["admin"]),
    ("POST", "/api/v1/users", &["admin"]),
    ("POST", "/api/v1/users/{id}/keys", &["admin"]),
    ("DELETE", "/api/v1/keys/{id}", &["admin"]),
    ("POST", "/api/v1/queue/{id}/assign", &["admin"]),
    ("POST", "/api/v1/rules/{id}/suggestion/accept", &["admin"]),
    ("PUT", "/api/v1/retention/policy", &["admin"]),
    ("POST", "/api/v1/retention/run", &["admin"]),
    ("PUT", "/api/v1/retention/sensitive-terms", &["dpo"]),
    ("GET", "/api/v1/audit", &["admin", "dpo", "auditor"]),
    (
        "POST",
        "/api/v1/unmask-requests/{id}/decision",
        &["approver"],
    ),
    ("POST", "/api/v1/unmask-requests/{id}/dpo-review", &["dpo"]),
    (
        "GET",
        "/api/v1/unmask-requests/{id}/travellers",
        &["officer", "analyst"],
    ),
    (
        "GET",
        "/api/v1/travellers/{id}",
        &["officer", "analyst", "admin"],
    ),
    ("GET", "/api/v1/queue", &["officer", "analyst", "admin"]),
    ("POST", "/api/v1/groups", &["admin"]),
    ("PUT", "/api/v1/groups/{id}/members", &["admin"]),
];

/// One row of the table as the server documents it.
struct Route {
    method: String,
    path: String,
    /// No credentials needed.
    public: bool,
    /// Roles allowed (when not public).
    allowed: Vec<String>,
}

/// The routes of the table, read from the served document.
fn routes_of(doc: &Value) -> Vec<Route> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("a path item") {
            let access = op["x-access"]
                .as_str()
                .expect("x-access on every operation");
            let allowed: Vec<String> = op["x-roles"]
                .as_array()
                .expect("x-roles on every operation")
                .iter()
                .map(|r| r.as_str().unwrap().to_string())
                .collect();
            assert!(
                access == "public" || !allowed.is_empty(),
                "{method} {path}: no role may call it"
            );
            out.push(Route {
                method: method.to_ascii_uppercase(),
                path: path.clone(),
                public: access == "public",
                allowed,
            });
        }
    }
    out
}

fn setup(backend: Backend) -> Option<TestApp> {
    let mut app = TestApp::new(backend)?;
    for role in ROLES {
        let carrier = (role == "airline").then_some("ZZ");
        app.user(&format!("{role}-user"), role, carrier);
    }
    app.start();
    Some(app)
}

/// An id nothing has.
const UNKNOWN: &str = "0190f0f0-0000-7000-8000-000000000000";

fn call(app: &TestApp, route: &Route, token: Option<&str>) -> (u16, Value) {
    let path = route
        .path
        .replace("{id}", UNKNOWN)
        .replace("{name}", UNKNOWN);
    let path = if route.path.ends_with("/import") {
        format!("{path}?format=csv")
    } else {
        path
    };
    let ty = if route.path == "/api/v1/messages" {
        "application/edifact"
    } else {
        "application/json"
    };
    let body = BODIES
        .iter()
        .find(|(m, p, _)| *m == route.method && *p == route.path)
        .map(|(_, _, b)| *b);
    let (s, b) = app.http(
        &route.method,
        &path,
        token,
        body.map(|b| (b.as_bytes(), ty)),
    );
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

fn matrix(backend: Backend) {
    let Some(app) = setup(backend) else { return };
    let (s, doc) = app.json("GET", "/api/v1/openapi.json", None, None);
    assert_eq!(s, 200, "the document");
    let table = routes_of(&doc);
    // The table has every route the service had when this test was written (a lost row would
    // otherwise go untested), and the hand-pinned rows agree with it.
    assert!(table.len() >= 66, "only {} routes documented", table.len());
    for (method, path, roles) in PINNED {
        let row = table
            .iter()
            .find(|r| r.method == *method && r.path == *path)
            .unwrap_or_else(|| panic!("{method} {path} is not in the table"));
        assert!(!row.public, "{method} {path} is public");
        assert_eq!(row.allowed, *roles, "{method} {path}");
    }
    for (method, path, _) in BODIES {
        assert!(
            table.iter().any(|r| r.method == *method && r.path == *path),
            "a sample body for {method} {path}, which is not in the table"
        );
    }
    let tokens: Vec<(&str, String)> = ROLES
        .iter()
        .map(|r| (*r, app.login(&format!("{r}-user"))))
        .collect();
    let mut failures = Vec::new();
    let mut cells = 0;
    for route in &table {
        let (s, b) = call(&app, route, None);
        cells += 1;
        let ok = if route.public {
            s != 403 && s < 500
        } else {
            s == 401 && b["code"] == "unauthorized"
        };
        if !ok {
            failures.push(format!(
                "{} {} without a token: {s} {b}",
                route.method, route.path
            ));
        }
        let spends = SPENDS_TOKEN.contains(&(route.method.as_str(), route.path.as_str()));
        for (role, token) in &tokens {
            let fresh;
            let token = if spends {
                fresh = app.login(&format!("{role}-user"));
                &fresh
            } else {
                token
            };
            let (s, b) = call(&app, route, Some(token));
            cells += 1;
            let allowed = route.public || route.allowed.iter().any(|a| a == role);
            // A public route owes a caller nothing but "not forbidden" (login with a wrong
            // password is 401 whoever asks).
            let ok = if route.public {
                s != 403 && s < 500
            } else if allowed {
                s != 401 && s != 403 && s < 500
            } else {
                s == 403 && b["code"] == "forbidden"
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {role}: {s} {b} (allowed: {allowed})",
                    route.method, route.path
                ));
            }
        }
    }
    assert_eq!(cells, table.len() * (ROLES.len() + 1));
    assert!(
        failures.is_empty(),
        "{} cells of the matrix do not hold:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_route_by_every_role_on_sqlite() {
    matrix(Backend::Sqlite);
}

#[test]
fn every_route_by_every_role_on_postgres() {
    matrix(Backend::Postgres);
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

fn claims_of(token: &str) -> Value {
    use jsonwebtoken::{decode, DecodingKey, Validation};
    let mut v = Validation::new(jsonwebtoken::Algorithm::HS256);
    v.insecure_disable_signature_validation();
    v.validate_aud = false;
    v.validate_exp = false;
    decode::<Value>(token, &DecodingKey::from_secret(b"unused"), &v)
        .unwrap()
        .claims
}

fn sign(claims: &Value, secret: &[u8]) -> String {
    use jsonwebtoken::{encode, EncodingKey, Header};
    encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret),
    )
    .unwrap()
}

const SECRET: &str = "a-test-signing-key-that-only-this-test-knows";

fn token_defences(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.user("yy-carrier", "airline", Some("YY"));
    app.user("officer-one", "officer", None);
    app.start_with_env(&[
        ("PAXRISK_JWT_SECRET", SECRET),
        ("PAXRISK_MAX_FAILED_LOGINS", "3"),
    ]);
    let officer = app.login("officer-one");
    let me = |t: &str| app.http("GET", "/api/v1/auth/me", Some(t), None).0;
    assert_eq!(me(&officer), 200);

    // Tampering: a changed signature, a changed payload, another key.
    let parts: Vec<&str> = officer.split('.').collect();
    let mut sig = parts[2].to_string();
    let flipped = if sig.starts_with('A') { "B" } else { "A" };
    sig.replace_range(0..1, flipped);
    assert_eq!(
        me(&format!("{}.{}.{sig}", parts[0], parts[1])),
        401,
        "a changed signature"
    );
    let mut claims = claims_of(&officer);
    claims["role"] = json!("admin");
    let forged_payload = b64url(serde_json::to_string(&claims).unwrap().as_bytes());
    assert_eq!(
        me(&format!("{}.{forged_payload}.{}", parts[0], parts[2])),
        401,
        "a changed payload"
    );
    assert_eq!(me(&sign(&claims, b"some-other-key")), 401, "another key");
    // Even with the real key, the role comes from the account, not from the token.
    let forged = sign(&claims, SECRET.as_bytes());
    assert_eq!(
        app.http("GET", "/api/v1/users", Some(&forged), None).0,
        403,
        "a role claim is not trusted"
    );
    // Expiry: the same session, re-signed with an expiry in the past, is refused.
    let mut expired = claims_of(&officer);
    expired["exp"] = json!(chrono::Utc::now().timestamp() - 3600);
    expired["nbf"] = json!(chrono::Utc::now().timestamp() - 7200);
    assert_eq!(
        me(&sign(&expired, SECRET.as_bytes())),
        401,
        "an expired token"
    );
    assert_eq!(
        me(&sign(&claims_of(&officer), SECRET.as_bytes())),
        200,
        "the control: a faithful re-signing works"
    );
    assert_eq!(me("Bearer-but-garbage"), 401);

    // Refresh: a new token works, the old one stops.
    let (s, b) = app.json("POST", "/api/v1/auth/refresh", Some(&officer), None);
    assert_eq!(s, 200, "{b}");
    let fresh = b["token"].as_str().unwrap().to_string();
    assert_eq!(me(&officer), 401, "the refreshed-away token");
    assert_eq!(me(&fresh), 200);
    // Replay after logout.
    assert_eq!(
        app.http("POST", "/api/v1/auth/logout", Some(&fresh), None)
            .0,
        204
    );
    assert_eq!(me(&fresh), 401, "a token replayed after logout");

    // Lockout after three wrong passwords: then even the right one is refused, with its code.
    for _ in 0..3 {
        let (s, b) = app.try_login("officer-one", "wrong-password-here");
        assert_eq!((s, b["code"].as_str()), (401, Some("unauthorized")));
    }
    let (s, b) = app.try_login("officer-one", &app.passwords["officer-one"].clone());
    assert_eq!((s, b["code"].as_str()), (429, Some("locked")), "{b}");
    // Unknown users are told nothing different from wrong passwords.
    let (s, b) = app.try_login("no-such-user", "wrong-password-here");
    assert_eq!((s, b["code"].as_str()), (401, Some("unauthorized")));

    // Carrier isolation: another carrier's message is 404, like one that does not exist.
    let zz = app.login("zz-carrier");
    let yy = app.login("yy-carrier");
    let (s, b) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&zz),
        Some((b"UNA:+.? 'garbage'", "text/plain")),
    );
    assert_eq!(s, 202);
    let id = serde_json::from_slice::<Value>(&b).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, b) = app.json("GET", &format!("/api/v1/messages/{id}"), Some(&yy), None);
    assert_eq!((s, b["code"].as_str()), (404, Some("not_found")));
    assert_eq!(
        app.http("GET", &format!("/api/v1/messages/{id}"), Some(&zz), None)
            .0,
        200
    );
    let listed = app.json("GET", "/api/v1/messages", Some(&yy), None).1;
    assert!(
        listed["messages"].as_array().unwrap().is_empty(),
        "another carrier's message is listed: {listed}"
    );

    // Every login attempt above is in the audit log, and the chain holds.
    app.stop();
    let out = app.cli(&["audit", "verify"], None);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn token_defences_on_sqlite() {
    token_defences(Backend::Sqlite);
}

#[test]
fn token_defences_on_postgres() {
    token_defences(Backend::Postgres);
}

#[test]
fn a_zero_minute_token_is_refused_at_once() {
    let Some(mut app) = TestApp::new(Backend::Sqlite) else {
        return;
    };
    app.user("officer-one", "officer", None);
    app.start_with_env(&[("PAXRISK_TOKEN_MINUTES", "0")]);
    let t = app.login("officer-one");
    assert_eq!(app.http("GET", "/api/v1/auth/me", Some(&t), None).0, 401);
}
