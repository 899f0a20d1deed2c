//! Every route of the route table × every role (and no token): allowed or forbidden as one
//! declared table says. Plus the token's own defences: tampering, forgery, expiry, replay after
//! logout and refresh, lockout after repeated failures, and carrier isolation.

mod common;

use common::{Backend, TestApp};
use serde_json::{json, Value};

const ROLES: [&str; 7] = [
    "airline", "officer", "analyst", "admin", "dpo", "approver", "auditor",
];
const REVIEWERS: &[&str] = &["officer", "analyst", "admin"];
const ACTORS: &[&str] = &["officer", "admin"];
const STAFF: &[&str] = &["officer", "analyst", "admin", "dpo", "approver", "auditor"];
const OVERSIGHT: &[&str] = &["admin", "dpo", "auditor"];
const ADMIN: &[&str] = &["admin"];
/// The carrier data quality report: staff who follow carriers, and airlines (own carrier).
const QUALITY_READERS: &[&str] = &["airline", "officer", "analyst", "admin", "dpo", "auditor"];
const WRITERS: &[&str] = &["analyst", "admin"];
/// Any signed-in account.
const ANY: &[&str] = &ROLES;
/// No token needed.
const PUBLIC: &[&str] = &[];

/// One route: method, path as in the route table, roles allowed (`PUBLIC`: no token needed),
/// a body to send, and whether the call spends the caller's token (logout, refresh).
struct Route {
    method: &'static str,
    path: &'static str,
    allowed: &'static [&'static str],
    body: Option<&'static str>,
    spends_token: bool,
}

const fn r(
    method: &'static str,
    path: &'static str,
    allowed: &'static [&'static str],
    body: Option<&'static str>,
) -> Route {
    Route {
        method,
        path,
        allowed,
        body,
        spends_token: false,
    }
}

/// The declared matrix. `{id}` becomes an id that does not exist, so an allowed role gets a 4xx
/// of its own (404, 400, 422, 409) and never 401 or 403.
const TABLE: &[Route] = &[
    r("GET", "/openapi.json", PUBLIC, None),
    r(
        "POST",
        "/auth/login",
        PUBLIC,
        Some(r#"{"username":"nobody","password":"x"}"#),
    ),
    Route {
        method: "POST",
        path: "/auth/logout",
        allowed: ANY,
        body: None,
        spends_token: true,
    },
    Route {
        method: "POST",
        path: "/auth/refresh",
        allowed: ANY,
        body: None,
        spends_token: true,
    },
    r("GET", "/auth/me", ANY, None),
    r(
        "PATCH",
        "/auth/me",
        STAFF,
        Some(r#"{"notify_high_hits":false}"#),
    ),
    r(
        "POST",
        "/auth/password",
        ANY,
        Some(r#"{"current":"not-the-password","new":"x"}"#),
    ),
    r(
        "POST",
        "/messages",
        &["airline"],
        Some("UNA:+.? 'UNB+UNOA:4+X+Y+261129:0800+1'UNZ+0+1'"),
    ),
    r("GET", "/messages", ANY, None),
    r("GET", "/messages/{id}", ANY, None),
    r("GET", "/flights", REVIEWERS, None),
    r("GET", "/flights/{id}/travellers", REVIEWERS, None),
    r("GET", "/travellers/{id}", REVIEWERS, None),
    r("GET", "/travellers/{id}/links", REVIEWERS, None),
    r("GET", "/carriers/quality", QUALITY_READERS, None),
    r(
        "POST",
        "/travellers/{id}/manual-hits",
        ACTORS,
        Some(r#"{"category":"c","reason":"r"}"#),
    ),
    r("GET", "/queue", REVIEWERS, None),
    r("GET", "/queue/{id}", REVIEWERS, None),
    r("POST", "/queue/{id}/claim", ACTORS, None),
    r(
        "POST",
        "/queue/{id}/disposition",
        ACTORS,
        Some(r#"{"disposition":"no_action"}"#),
    ),
    r("GET", "/queue/{id}/notes", REVIEWERS, None),
    r(
        "POST",
        "/queue/{id}/notes",
        REVIEWERS,
        Some(r#"{"body":"a note"}"#),
    ),
    r(
        "POST",
        "/queue/{id}/reopen",
        ACTORS,
        Some(r#"{"reason":"new evidence"}"#),
    ),
    r(
        "POST",
        "/queue/{id}/assign",
        ADMIN,
        Some(r#"{"user_id":"nobody"}"#),
    ),
    r("GET", "/lookouts", REVIEWERS, None),
    r(
        "POST",
        "/lookouts",
        ACTORS,
        Some(r#"{"traveller_id":"nobody","reason":"r"}"#),
    ),
    r(
        "POST",
        "/lookouts/{id}/status",
        ACTORS,
        Some(r#"{"status":"enroute"}"#),
    ),
    r("GET", "/rules", REVIEWERS, None),
    r("POST", "/rules", WRITERS, Some(r#"{"name":"x"}"#)),
    r("GET", "/rules/fields", REVIEWERS, None),
    r("GET", "/rules/report", REVIEWERS, None),
    r("POST", "/rules/validate", WRITERS, Some(r#"{"name":"x"}"#)),
    r("POST", "/rules/test", WRITERS, Some("{}")),
    r("POST", "/rules/backtest", WRITERS, Some("{}")),
    r("GET", "/rules/{id}", REVIEWERS, None),
    r("PUT", "/rules/{id}", WRITERS, Some("{}")),
    r(
        "POST",
        "/rules/{id}/state",
        WRITERS,
        Some(r#"{"state":"retired"}"#),
    ),
    r("GET", "/rules/{id}/versions", REVIEWERS, None),
    r("POST", "/rules/{id}/test", WRITERS, Some("{}")),
    r("POST", "/rules/{id}/backtest", WRITERS, Some("{}")),
    r("GET", "/rules/{id}/suggestion", WRITERS, None),
    r("POST", "/rules/{id}/suggestion/accept", ADMIN, Some("{}")),
    r("GET", "/watchlists", REVIEWERS, None),
    r("POST", "/watchlists/{name}/import", WRITERS, Some("{}")),
    r("PUT", "/watchlists/{id}", WRITERS, Some("{}")),
    r("GET", "/watchlists/{id}/entries", REVIEWERS, None),
    r("POST", "/watchlists/{id}/entries", WRITERS, Some("{}")),
    r("GET", "/audit", OVERSIGHT, None),
    r("GET", "/users", ADMIN, None),
    r(
        "POST",
        "/users",
        ADMIN,
        Some(r#"{"username":"x","password":"short","role":"officer"}"#),
    ),
    r("GET", "/users/{id}", ADMIN, None),
    r(
        "PATCH",
        "/users/{id}",
        ADMIN,
        Some(r#"{"notify_high_hits":true}"#),
    ),
    r(
        "POST",
        "/users/{id}/keys",
        ADMIN,
        Some(r#"{"label":"feed"}"#),
    ),
    r("GET", "/keys", ADMIN, None),
    r("DELETE", "/keys/{id}", ADMIN, None),
    r("GET", "/retention/policy", OVERSIGHT, None),
    r("PUT", "/retention/policy", ADMIN, Some("{}")),
    r("POST", "/retention/run", ADMIN, Some(r#"{"dry_run":true}"#)),
    r("GET", "/retention/stats", OVERSIGHT, None),
    r("GET", "/retention/sensitive-terms", OVERSIGHT, None),
    r("PUT", "/retention/sensitive-terms", &["dpo"], Some("{}")),
    r("GET", "/retention/sensitive-removals", OVERSIGHT, None),
    r(
        "POST",
        "/unmask-requests",
        &["officer", "analyst"],
        Some("{}"),
    ),
    r(
        "GET",
        "/unmask-requests",
        &["officer", "analyst", "approver", "dpo", "auditor", "admin"],
        None,
    ),
    r(
        "POST",
        "/unmask-requests/{id}/decision",
        &["approver"],
        Some(r#"{"approve":false,"reason":"no"}"#),
    ),
    r("POST", "/unmask-requests/{id}/dpo-review", &["dpo"], None),
    r(
        "GET",
        "/unmask-requests/{id}/travellers",
        &["officer", "analyst"],
        None,
    ),
];

/// The `(method, path)` pairs of the `/api/v1` scope, read from the route table's source, so a
/// route added without a row here fails this test.
fn routes_in_table() -> Vec<(String, String)> {
    let src = include_str!("../../server/src/api/mod.rs");
    let scope = &src[src
        .find("web::scope(\"/api/v1\")")
        .expect("the /api/v1 scope")..];
    let scope = &scope[..scope.find(".default_service").expect("end of the scope")];
    scope
        .split(".route(")
        .skip(1)
        .map(|chunk| {
            let chunk = chunk
                .trim_start()
                .strip_prefix('"')
                .expect("a route path literal");
            let path = chunk[..chunk.find('"').unwrap()].to_string();
            let method = chunk
                .split("web::")
                .nth(1)
                .and_then(|m| m.split('(').next())
                .unwrap()
                .to_ascii_uppercase();
            (method, path)
        })
        .collect()
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
    let path = format!(
        "/api/v1{}",
        route
            .path
            .replace("{id}", UNKNOWN)
            .replace("{name}", UNKNOWN)
    );
    // The import route reads its query before the role (a wrong role without `format` gets 400).
    let path = if route.path.ends_with("/import") {
        format!("{path}?format=csv")
    } else {
        path
    };
    let ty = if route.path == "/messages" {
        "application/edifact"
    } else {
        "application/json"
    };
    let (s, b) = app.http(
        route.method,
        &path,
        token,
        route.body.map(|b| (b.as_bytes(), ty)),
    );
    (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
}

fn matrix(backend: Backend) {
    let Some(app) = setup(backend) else { return };
    let declared: Vec<(String, String)> = TABLE
        .iter()
        .map(|r| (r.method.to_string(), r.path.to_string()))
        .collect();
    for route in routes_in_table() {
        assert!(
            declared.contains(&route),
            "route {route:?} of the route table has no row in the matrix"
        );
    }
    let tokens: Vec<(&str, String)> = ROLES
        .iter()
        .map(|r| (*r, app.login(&format!("{r}-user"))))
        .collect();
    let mut failures = Vec::new();
    for route in TABLE {
        let (s, b) = call(&app, route, None);
        let public = route.allowed.is_empty();
        if !public && (s != 401 || b["code"] != "unauthorized") {
            failures.push(format!(
                "{} {} without a token: {s} {b}",
                route.method, route.path
            ));
        }
        for (role, token) in &tokens {
            let fresh;
            let token = if route.spends_token {
                fresh = app.login(&format!("{role}-user"));
                &fresh
            } else {
                token
            };
            let (s, b) = call(&app, route, Some(token));
            let allowed = public || route.allowed.contains(role);
            // A public route owes a caller nothing but "not forbidden" (login with a wrong
            // password is 401 whoever asks).
            let ok = if public {
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
