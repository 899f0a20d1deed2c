//! The rules pages over HTTP with the browser's session cookie, on SQLite and PostgreSQL: an
//! analyst writes a rule in the editor (an invalid one is shown with the error's path and saves
//! nothing), tests it against a flagged traveller, backtests it (totals and a bar per day),
//! promotes and retires it; the report shows its hits per week; an administrator accepts the
//! suggested weight (a stale one is refused with 409); an officer reads the pages but may not
//! post; a cross-site post is refused; every action is audited.

mod common;

use std::time::{Duration, Instant};

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::json;

#[path = "common/browser.rs"]
mod browser;
use browser::Browser;

/// As the templates escape text (minijinja's HTML escaping).
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#x27;")
        .replace('/', "&#x2f;")
}

/// Posts a form from this site and returns the status and the page (for posts that answer
/// with a page rather than a redirect).
fn post_page(b: &Browser, path: &str, form: &[(&str, &str)]) -> (u16, String) {
    let r = b
        .client
        .post(format!("{}{path}", b.app.base))
        .header("Cookie", &b.cookie)
        .header("Origin", &b.app.base)
        .form(form)
        .send()
        .unwrap();
    (r.status().as_u16(), r.text().unwrap())
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

fn spec(name: &str, weight: u8, state: &str, nationality: &str) -> String {
    serde_json::to_string_pretty(&json!({
        "name": name, "category": "ui-test", "severity": "medium", "weight": weight,
        "state": state, "rationale": "page test",
        "condition": {"all": [
            {"field": "traveller.nationality", "op": "in", "value": [nationality]},
            {"field": "flight.origin", "op": "eq", "value": "SIN"}]}}))
    .unwrap()
}

fn count(html: &str, needle: &str) -> usize {
    html.matches(needle).count()
}

fn rules_pages(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("chief-r", "admin", None);
    app.user("analyst-r", "analyst", None);
    app.user("officer-r", "officer", None);
    app.user("zz-r", "airline", Some("ZZ"));
    app.import_csv_list("ui-list", "watchlists/e2e.csv");
    app.start();
    let (zz, officer, analyst) = (
        app.login("zz-r"),
        app.login("officer-r"),
        app.login("analyst-r"),
    );
    // One flight from SIN: a listed GBR traveller (queued by the watchlist) and a NOR one.
    let now = Utc::now().naive_utc();
    let departed = now - chrono::Duration::hours(3);
    let text = manifest(
        "781",
        departed,
        now + chrono::Duration::hours(2),
        &[
            ("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567"),
            ("SOLBERG", "INGRID", "900412", "NOR", "QN7654321"),
        ],
        "01:F",
        "81",
    );
    let item = app.flagged(&zz, &officer, &text, "VANTERPOLL");
    let gbr = item["traveller"]["id"].as_str().unwrap().to_string();
    let flight = item["flight"]["id"].as_str().unwrap().to_string();
    let (_, list) = app.json(
        "GET",
        &format!("/api/v1/flights/{flight}/travellers"),
        Some(&officer),
        None,
    );
    let nor = list["travellers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["surname"] == "SOLBERG")
        .expect("the NOR traveller is on the flight")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let b = Browser::new(&app, "analyst-r");
    let officer_b = Browser::new(&app, "officer-r");
    let chief = Browser::new(&app, "chief-r");
    let stored_rules = || {
        let (s, v) = app.json("GET", "/api/v1/rules", Some(&analyst), None);
        assert_eq!(s, 200);
        v["rules"].as_array().unwrap().len()
    };

    // The list and the editor: a "New rule" link for writers, the field catalogue beside it.
    let (s, html) = b.get("/rules");
    assert_eq!(s, 200);
    assert!(html.contains("href=\"/rules/new\"") && html.contains("No rules yet."));
    let (s, html) = b.get("/rules/new");
    assert_eq!(s, 200);
    assert!(html.contains("<textarea id=\"rule-spec\" name=\"spec\""));
    assert!(html.contains(&esc("\"state\": \"draft\"")), "example text");
    assert!(
        html.contains("<code>traveller.nationality</code>")
            && html.contains("<code>pnr.booking_lead_days</code>"),
        "the catalogue"
    );
    // A boolean field takes only eq ne is_empty is_not_empty.
    assert!(html.contains("<span class=\"rule-ops\">eq, ne, is_empty, is_not_empty</span>"));

    // An invalid rule: 422, the path and message, the typed text kept, nothing saved.
    let bad =
        spec("Bad rule", 40, "draft", "GBR").replace("traveller.nationality", "traveller.religion");
    let (s, html) = post_page(&b, "/rules", &[("spec", &bad)]);
    assert_eq!(s, 422, "{html}");
    assert!(
        html.contains(&format!(
            "<code class=\"rule-path\">{}</code>",
            esc("/condition/all/0/field")
        )),
        "{html}"
    );
    assert!(html.contains("nothing was saved") && html.contains("traveller.religion"));
    assert!(html.contains("aria-invalid=\"true\""));
    let (s, html) = post_page(&b, "/rules", &[("spec", "{\"name\": ")]);
    assert_eq!(s, 400);
    assert!(html.contains("the text is not valid JSON"), "{html}");
    assert_eq!(stored_rules(), 0, "nothing saved");

    // Created through the form.
    let good = spec("GBR from SIN (pages)", 40, "draft", "GBR");
    let (s, to) = b.post("/rules", &[("spec", &good)], None);
    assert_eq!(s, 303);
    let id = to
        .strip_prefix("/rules/")
        .and_then(|r| r.strip_suffix("?m=rule_created"))
        .unwrap_or_else(|| panic!("redirect to the new rule: {to}"))
        .to_string();
    assert_eq!(stored_rules(), 1);
    let page = format!("/rules/{id}");
    let (s, html) = b.get(&to);
    assert_eq!(s, 200);
    assert!(html.contains("The rule is created (version 1)."));
    assert!(html.contains("Rule: GBR from SIN (pages)"));
    assert!(html.contains("id=\"rule-state\">draft<") && html.contains("id=\"rule-version\">1<"));
    // Only the other states are offered.
    assert!(html.contains("Promote to live") && !html.contains("Back to draft"));

    // An invalid edit of the stored rule saves no version.
    let heavy = spec("GBR from SIN (pages)", 150, "draft", "GBR");
    let (s, html) = post_page(&b, &page, &[("spec", &heavy)]);
    assert_eq!(s, 422);
    assert!(html.contains(&format!(
        "<code class=\"rule-path\">{}</code>",
        esc("/weight")
    )));
    let (_, v) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/versions"),
        Some(&analyst),
        None,
    );
    assert_eq!(v["versions"].as_array().unwrap().len(), 1);

    // Tested against the flagged traveller (a match, the stored version), the other one (no
    // match), and a draft text on the new-rule page.
    let test_path = format!("{page}/test");
    let (s, html) = post_page(&b, &test_path, &[("spec", &good), ("traveller_id", &gbr)]);
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("<b>Matches</b>"), "{html}");
    assert!(html.contains("testing version 1 as stored"));
    assert!(
        html.contains("nationality is GBR"),
        "the engine's reasons: {html}"
    );
    let (_, html) = post_page(&b, &test_path, &[("spec", &good), ("traveller_id", &nor)]);
    assert!(
        html.contains("<b>Does not match</b>") && html.contains("nationality is NOR"),
        "{html}"
    );
    let nor_rule = spec("NOR from SIN (draft)", 30, "draft", "NOR");
    let (s, html) = post_page(
        &b,
        "/rules/test",
        &[("spec", &nor_rule), ("traveller_id", &nor)],
    );
    assert_eq!(s, 200);
    assert!(html.contains("<b>Matches</b>") && html.contains("the text in the editor, not saved"));
    let (s, html) = post_page(&b, &test_path, &[("spec", &good), ("traveller_id", "")]);
    assert_eq!(s, 400);
    assert!(html.contains("Enter the traveller"));
    let (s, _) = post_page(
        &b,
        &test_path,
        &[("spec", &good), ("traveller_id", "no-such-traveller")],
    );
    assert_eq!(s, 404);
    assert_eq!(stored_rules(), 1, "tests save nothing");

    // Backtest over the last 3 days: one bar per day, one with the hit, and the totals.
    let (s, html) = post_page(
        &b,
        &format!("{page}/backtest"),
        &[("spec", &good), ("days", "3")],
    );
    assert_eq!(s, 200, "{html}");
    for (field, n) in [
        ("flights", 1),
        ("screened", 2),
        ("hits", 1),
        ("affected", 1),
        ("reviewed", 0),
        ("resultant", 0),
    ] {
        assert!(
            html.contains(&format!("id=\"bt-{field}\">{n}<")),
            "{field} = {n}: {html}"
        );
    }
    assert_eq!(count(&html, "<g class=\"period\">"), 3, "{html}");
    assert_eq!(count(&html, "<rect class=\"bar-series\""), 1);
    assert!(
        html.contains(&format!("<title>{}: 1</title>", departed.date())),
        "{html}"
    );
    let (s, html) = post_page(
        &b,
        &format!("{page}/backtest"),
        &[("spec", &good), ("days", "0")],
    );
    assert_eq!(s, 400);
    assert!(html.contains(&esc("/days")));
    // The draft NOR rule matches the other traveller only.
    let (_, html) = post_page(&b, "/rules/backtest", &[("spec", &nor_rule), ("days", "2")]);
    assert!(
        html.contains("id=\"bt-hits\">1<") && count(&html, "<g class=\"period\">") == 2,
        "{html}"
    );

    // Promoted to live: the rule now hits the GBR traveller.
    let state_path = format!("{page}/state");
    assert_eq!(
        b.post(&state_path, &[("state", "live")], None),
        (303, format!("{page}?m=rule_state"))
    );
    let (_, html) = b.get(&page);
    assert!(html.contains("id=\"rule-state\">live<") && !html.contains("Promote to live"));
    eventually("the live rule's hit is stored", || {
        let (_, v) = app.json(
            "GET",
            &format!("/api/v1/rules/{id}/versions"),
            Some(&analyst),
            None,
        );
        (v["versions"][0]["hits"].as_i64() == Some(1)).then_some(())
    });

    // The report: the rule's row and a bar per week of the default 90 days.
    let (s, html) = officer_b.get("/rules/report");
    assert_eq!(s, 200, "{html}");
    assert!(html.contains("2 traveller records screened"), "{html}");
    let row = format!("<a href=\"/rules/{id}\">GBR from SIN (pages)</a></th><td>live</td><td class=\"num\">1</td><td class=\"num\">1</td>");
    assert!(html.contains(&row), "{html}");
    let today = Utc::now().date_naive();
    let mut weeks: Vec<String> = (0..90)
        .map(|d| {
            (today - chrono::Duration::days(d))
                .format("%G-W%V")
                .to_string()
        })
        .collect();
    weeks.dedup();
    assert_eq!(count(&html, "<g class=\"period\">"), weeks.len());
    assert_eq!(count(&html, "<rect class=\"bar-series\""), 1);
    // Groups under 10 screened records are pooled; with a smaller minimum, GBR shows alone.
    assert!(
        html.contains("<th scope=\"row\">other (1 small group pooled)</th><td class=\"num\">1</td><td class=\"num\">2</td><td class=\"num\">50.00 %</td>"),
        "{html}"
    );
    let (_, html) = officer_b.get("/rules/report?min_group=1&from=&to=");
    assert!(
        html.contains("<th scope=\"row\">GBR</th><td class=\"num\">1</td><td class=\"num\">1</td><td class=\"num\">100.00 %</td>"),
        "{html}"
    );
    let (s, _) = officer_b.get("/rules/report?from=yesterday");
    assert_eq!(s, 400);

    // An officer finds the item resultant; the suggestion rises; only an admin may accept it,
    // and a stale weight is refused with 409.
    let (s, _) = app.json(
        "POST",
        &format!("/api/v1/queue/{}/disposition", item["id"].as_str().unwrap()),
        Some(&officer),
        Some(&json!({"disposition": "resultant"})),
    );
    assert_eq!(s, 200);
    let (_, sg) = app.json(
        "GET",
        &format!("/api/v1/rules/{id}/suggestion"),
        Some(&analyst),
        None,
    );
    let w = sg["suggested_weight"].as_u64().unwrap();
    assert!(w > 40 && sg["actionable"] == true, "{sg}");
    let (_, html) = b.get(&page);
    assert!(
        html.contains(&format!("Suggested weight <b>{w}</b> (now 40")),
        "{html}"
    );
    assert!(html.contains("An administrator may accept") && !html.contains("/accept\""));
    let accept = format!("{page}/accept");
    let ws = w.to_string();
    assert_eq!(b.post(&accept, &[("weight", &ws)], None).0, 403);
    let (_, html) = chief.get(&page);
    assert!(
        html.contains(&format!("Accept weight {w} as a new version")),
        "{html}"
    );
    let stale = (w - 1).to_string();
    let (s, html) = post_page(&chief, &accept, &[("weight", &stale)]);
    assert_eq!(s, 409);
    assert!(
        html.contains(&format!(
            "the suggestion changed from {stale} to {w}; review it again"
        )),
        "{html}"
    );
    assert_eq!(
        chief.post(&accept, &[("weight", &ws)], None),
        (303, format!("{page}?m=rule_accepted"))
    );
    let (_, html) = chief.get(&format!("{page}?m=rule_accepted"));
    assert!(html.contains("id=\"rule-version\">2<") && html.contains("Nothing to accept"));

    // An edit is a new version; the same text again changes nothing.
    let edited = spec("GBR from SIN (pages)", 35, "live", "GBR");
    assert_eq!(
        b.post(&page, &[("spec", &edited)], None),
        (303, format!("{page}?m=rule_saved"))
    );
    assert_eq!(
        b.post(&page, &[("spec", &edited)], None),
        (303, format!("{page}?m=rule_unchanged"))
    );
    let (_, html) = b.get(&page);
    assert!(html.contains("id=\"rule-version\">3<"));
    assert_eq!(count(&html, "<details><summary>Version "), 3, "the history");

    // Read-only for an officer: the pages open, the posts are refused.
    let (s, html) = officer_b.get(&page);
    assert_eq!(s, 200);
    assert!(html.contains("Rule: GBR from SIN (pages)") && !html.contains("<textarea"));
    assert!(!html.contains("Suggested weight") && !html.contains("/state\""));
    let (_, html) = officer_b.get("/rules");
    assert!(html.contains(&page) && !html.contains("href=\"/rules/new\""));
    assert_eq!(officer_b.get("/rules/new").0, 403);
    assert_eq!(
        officer_b.post(&state_path, &[("state", "retired")], None).0,
        403
    );
    assert_eq!(officer_b.post("/rules", &[("spec", &good)], None).0, 403);
    assert_eq!(officer_b.post(&page, &[("spec", &edited)], None).0, 403);
    assert_eq!(
        officer_b
            .post(&test_path, &[("spec", &good), ("traveller_id", &gbr)], None)
            .0,
        403
    );
    // Another site's form is refused.
    let (s, _) = b.post(
        &state_path,
        &[("state", "retired")],
        Some("https://evil.example"),
    );
    assert_eq!(s, 403);
    let (_, html) = b.get(&page);
    assert!(html.contains("id=\"rule-state\">live<"), "still live");

    // Retired.
    assert_eq!(
        b.post(&state_path, &[("state", "retired")], None),
        (303, format!("{page}?m=rule_state"))
    );
    let (_, html) = b.get(&page);
    assert!(html.contains("id=\"rule-state\">retired<") && !html.contains(">Retire<"));
    assert!(
        html.contains("id=\"rule-version\">3<"),
        "a state change keeps the version"
    );

    // Every action is in the audit log, by id.
    let (_, audit) = chief.get("/audit");
    for action in [
        "rule.create",
        "rule.test",
        "rule.backtest",
        "rule.state",
        "rule.update",
        "rule.suggestion.accept",
        "rules.report",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    assert!(audit.contains(&format!("rule:{id} traveller:{gbr}")));
    assert!(!audit.contains("VANTERPOLL") && !audit.contains("SOLBERG"));
}

#[test]
fn rules_pages_on_sqlite() {
    rules_pages(Backend::Sqlite);
}

#[test]
fn rules_pages_on_postgres() {
    rules_pages(Backend::Postgres);
}
