//! The oversight pages over HTTP with the browser's session cookie, on SQLite and PostgreSQL:
//! an analyst imports a CSV through the upload form and sees its row-error report, browses and
//! searches the entries and changes a list's settings; an admin issues a carrier API key on the
//! admin page, the key sends a manifest, revoking it stops it; the admin changes a retention
//! schedule (a bad value is refused with its reason), dry-runs and runs retention; an officer
//! asks on the masked traveller's page to unmask, an approver approves on the grants page, the
//! officer reads the field in clear (audited with the purpose), the DPO sees the read and
//! records the review and edits the sensitive-data list; roles without the right get 403 and
//! cross-site posts are refused.

mod common;

use chrono::Utc;
use common::{manifest, Backend, TestApp};

#[path = "common/browser.rs"]
mod browser;
use browser::Browser;

/// The text between `start` and the next `end` after it.
fn between<'h>(html: &'h str, start: &str, end: &str) -> &'h str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in the page: {html}"))
        + start.len();
    let len = html[from..].find(end).expect("end marker");
    &html[from..from + len]
}

/// A made-up person who comes in on the manifest (surname, given, YYMMDD, nationality, passport).
const PERSON: (&str, &str, &str, &str, &str) =
    ("HOLLOWMERE", "PERPETUA", "790214", "NZL", "RK4471902");

/// A list of 60 made-up people (to page) and one row with an impossible date of birth (row 5).
fn list_csv() -> String {
    let mut s = String::from(
        "surname,given_names,date_of_birth,nationality,gender,document_number,document_country,category\n",
    );
    for i in 1..=60 {
        if i == 4 {
            s.push_str("SORRELBANE,Tamsin,1984-13-45,IRL,F,,,test: made-up person\n");
        }
        s.push_str(&format!(
            "FILLERTON{i:02},Odo,1970,FRA,M,,,test: made-up person\n"
        ));
    }
    s
}

fn oversight(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    for (u, r, c) in [
        ("chief", "admin", None),
        ("officer-ov", "officer", None),
        ("officer-two", "officer", None),
        ("analyst-ov", "analyst", None),
        ("judge-ov", "approver", None),
        ("dpo-ov", "dpo", None),
        ("zz-ov", "airline", Some("ZZ")),
    ] {
        app.user(u, r, c);
    }
    app.start();
    let (admin, officer, officer2, analyst, judge, dpo) = (
        Browser::new(&app, "chief"),
        Browser::new(&app, "officer-ov"),
        Browser::new(&app, "officer-two"),
        Browser::new(&app, "analyst-ov"),
        Browser::new(&app, "judge-ov"),
        Browser::new(&app, "dpo-ov"),
    );
    let evil = Some("https://evil.example");

    // --- Watchlists: import through the form, with its row-error report -------------------
    let csv = list_csv();
    let file = [("file", "made-up.csv", csv.as_bytes())];
    let fields = [("name", "ov-list"), ("format", "csv")];
    assert_eq!(
        officer
            .post_multipart("/watchlists/import", &fields, &file, None)
            .0,
        403,
        "officers do not write lists"
    );
    let (s, body) = analyst.post_multipart("/watchlists/import", &fields, &file, evil);
    assert_eq!(
        (s, body.as_str()),
        (403, "cross-site form post refused"),
        "a cross-site upload is refused"
    );
    let strict = [("name", "ov-list"), ("format", "csv"), ("strict", "on")];
    let (s, html) = analyst.post_multipart("/watchlists/import", &strict, &file, None);
    assert_eq!(s, 422, "strict refuses a file with a bad row");
    assert!(
        html.contains("Nothing was imported: 1 row(s) failed and --strict was given"),
        "{html}"
    );
    let (s, html) = analyst.post_multipart("/watchlists/import", &fields, &file, None);
    assert_eq!(s, 201, "{html}");
    let report = between(&html, "id=\"import-report\"", "</section>");
    assert!(
        report.contains("version <b>1</b> with <b>61</b> entries; 1 row had problems"),
        "{report}"
    );
    assert!(
        report.contains(
            "<th scope=\"row\">5</th><td>date of birth is not YYYY or YYYY-MM-DD; left out</td>"
        ),
        "the row number and the reason: {report}"
    );
    for personal in ["SORRELBANE", "Tamsin", "1984-13-45"] {
        assert!(
            !report.contains(personal),
            "the report holds no personal data"
        );
    }
    let list_id = between(report, "<a href=\"/watchlists/", "\"").to_string();
    let (s, html) = analyst.post_multipart(
        "/watchlists/import",
        &[("name", "ov-list"), ("format", "xml")],
        &file,
        None,
    );
    assert_eq!(s, 422);
    assert!(
        html.contains("choose the format: csv, json or ofac"),
        "{html}"
    );

    // OFAC's legacy layout: sdn.csv; alt.csv left out, a problem of the file (no row).
    let sdn = "901,\"QUARRENDAL, Ivo\",\"individual\",\"TEST\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 03 Mar 1968; nationality Chile.\"\r\n";
    let (s, html) = analyst.post_multipart(
        "/watchlists/import",
        &[("name", "ov-ofac"), ("format", "ofac")],
        &[("file", "sdn.csv", sdn.as_bytes()), ("alt", "", b"")],
        None,
    );
    assert_eq!(s, 201, "{html}");
    let ofac = between(&html, "id=\"import-report\"", "</section>");
    assert!(
        ofac.contains("version <b>1</b> with <b>1</b> entries; 1 row had problems"),
        "{ofac}"
    );
    assert!(
        ofac.contains("<th scope=\"row\">file</th><td>alt.csv is missing or unreadable: aliases not imported</td>"),
        "{ofac}"
    );

    // Entries, paged; a search, by POST so the name stays out of URLs.
    let rows =
        |html: &str| html.matches(", Odo</th>").count() + html.matches(", Tamsin</th>").count();
    let (s, first) = officer.get(&format!("/watchlists/{list_id}"));
    assert_eq!(s, 200);
    assert!(first.contains("Entries 1–50"), "{first}");
    assert_eq!(rows(&first), 50, "{first}");
    assert!(first.contains(&format!("/watchlists/{list_id}?offset=50")));
    let (_, second) = officer.get(&format!("/watchlists/{list_id}?offset=50"));
    assert!(second.contains("Entries 51–61"), "{second}");
    assert_eq!(rows(&second), 11, "{second}");
    assert!(!second.contains("?offset=100"), "no page after the last");
    for i in 1..=60 {
        let name = format!("FILLERTON{i:02}, Odo");
        assert!(
            first.contains(&name) != second.contains(&name),
            "{name} is on exactly one page"
        );
    }
    let search = format!("/watchlists/{list_id}/search");
    let (s, html) = officer.post_page(&search, &[("q", "sorrel")], None);
    assert_eq!(s, 200);
    assert!(html.contains("SORRELBANE, Tamsin"), "{html}");
    assert!(
        !html.contains("FILLERTON"),
        "only the entries holding the text"
    );
    // The name as shown, across surname and given names; and a search's second page.
    let (_, html) = officer.post_page(&search, &[("q", "bane, tams")], None);
    assert!(html.contains("SORRELBANE, Tamsin"), "{html}");
    let (_, html) = officer.post_page(&search, &[("q", "fillerton")], None);
    assert_eq!(rows(&html), 50, "{html}");
    let (_, html) = officer.post_page(&search, &[("q", "fillerton"), ("offset", "50")], None);
    assert_eq!(rows(&html), 10, "60 FILLERTONs: 10 on the second page");
    let (_, html) = officer.post_page(&search, &[("q", "nobody-like-this")], None);
    assert!(html.contains("No entry holds that text."));

    // Settings: validated like the API; writers only.
    let settings = format!("/watchlists/{list_id}/settings");
    let good = [
        ("threshold", "0.93"),
        ("severity", "high"),
        ("category", "sanctions"),
    ];
    assert_eq!(officer.post(&settings, &good, None).0, 403);
    let (s, html) = analyst.post_page(
        &settings,
        &[
            ("threshold", "1.5"),
            ("severity", "high"),
            ("category", "x"),
        ],
        None,
    );
    assert_eq!(s, 422);
    assert!(
        html.contains("Nothing was changed: threshold must be in (0, 1]."),
        "{html}"
    );
    assert_eq!(
        analyst.post(&settings, &good, None),
        (303, "/watchlists?m=settings_saved".to_string())
    );
    let (_, html) = officer.get("/watchlists");
    assert!(
        html.contains("<td>sanctions</td><td>high</td><td>0.93</td>"),
        "{html}"
    );

    // --- API keys of carrier accounts -------------------------------------------------------
    let (_, html) = admin.get("/admin");
    let end = html.find("/keys\"").expect("an issue-key form");
    let zz_id = html[..end]
        .rsplit("/admin/users/")
        .next()
        .unwrap()
        .to_string();
    let issue = format!("/admin/users/{zz_id}/keys");
    assert_eq!(officer.post(&issue, &[("label", "x")], None).0, 403);
    assert_eq!(admin.post(&issue, &[("label", "x")], evil).0, 403);
    let (s, cache_html) = admin.post_page(&issue, &[("label", "production feed")], None);
    assert_eq!(s, 201, "{cache_html}");
    assert!(cache_html.contains("Copy it now: it is shown this once"));
    let key = between(
        &cache_html,
        "id=\"new-key\" class=\"issued-key\" readonly value=\"",
        "\"",
    )
    .to_string();
    assert!(key.starts_with("pxk_"), "{key}");
    let key_id = between(&key, "pxk_", ".").to_string();
    let (_, html) = admin.get("/admin");
    assert!(!html.contains(&key), "the key is shown once");
    let prefix = format!("pxk_{}…", &key_id[..8]);
    assert!(
        html.contains(&format!(
            "<code>{prefix}</code></th><td>production feed</td>"
        )),
        "{html}"
    );

    let now = Utc::now().naive_utc();
    let text = manifest(
        "919",
        now - chrono::Duration::hours(2),
        now + chrono::Duration::hours(3),
        &[PERSON],
        "01:F",
        "91",
    );
    let send = |token: &str| {
        app.http(
            "POST",
            "/api/v1/messages",
            Some(token),
            Some((text.as_bytes(), "application/edifact")),
        )
        .0
    };
    assert_eq!(send(&key), 202, "the issued key sends messages");
    let (_, html) = admin.get("/admin");
    let row = between(&html, &format!("<code>{prefix}</code>"), "</tr>");
    assert!(!row.contains("never"), "last use is shown: {row}");
    assert_eq!(
        admin.post(&format!("/admin/keys/{key_id}/revoke"), &[], None),
        (303, "/admin?m=key_revoked".to_string())
    );
    assert_eq!(send(&key), 401, "a revoked key stops working");

    // The traveller, once processed.
    let token = app.login("officer-ov");
    let t0 = std::time::Instant::now();
    let traveller = loop {
        let (_, flights) = app.json("GET", "/api/v1/flights?all=true", Some(&token), None);
        let found = flights["flights"]
            .as_array()
            .and_then(|f| f.first())
            .and_then(|f| {
                let (_, list) = app.json(
                    "GET",
                    &format!("/api/v1/flights/{}/travellers", f["id"].as_str()?),
                    Some(&token),
                    None,
                );
                list["travellers"][0]["id"].as_str().map(str::to_string)
            });
        if let Some(id) = found {
            break id;
        }
        assert!(t0.elapsed().as_secs() < 30, "the manifest was never loaded");
        std::thread::sleep(std::time::Duration::from_millis(200));
    };

    // --- Retention: a schedule, refused and accepted; dry run; run now ----------------------
    let (s, html) = admin.get("/retention");
    assert_eq!(s, 200);
    assert!(
        html.contains("Profile <b>eu-cjeu</b> (version 0)"),
        "{html}"
    );
    let schedule = |mask: &'static str, delete: &'static str, retained: &'static str| {
        vec![
            ("class", "identity"),
            ("source", "api"),
            ("mask", mask),
            ("delete", delete),
            ("retained", retained),
        ]
    };
    assert_eq!(
        officer
            .post("/retention/policy", &schedule("0", "1000", "2000"), None)
            .0,
        403
    );
    assert_eq!(
        dpo.post("/retention/policy", &schedule("0", "1000", "2000"), None)
            .0,
        403,
        "the DPO reads the policy; admins write it"
    );
    let (s, html) = admin.post_page("/retention/policy", &schedule("ten", "1000", "2000"), None);
    assert_eq!(s, 422);
    assert!(
        html.contains("Masked at: a whole number of days is needed (0 to 36500)"),
        "{html}"
    );
    let (s, html) = admin.post_page("/retention/policy", &schedule("0", "1000", "500"), None);
    assert_eq!(s, 422);
    assert!(
        html.contains(
            "classes.identity.api: delete_retained_after_days must not be before delete_after_days"
        ),
        "{html}"
    );
    assert!(html.contains("value=\"500\""), "the typed values stay");
    assert!(
        html.contains("role=\"alert\">Nothing was saved: classes.identity.api:"),
        "the refusal also shows at the top: {html}"
    );
    assert_eq!(
        admin.post("/retention/policy", &schedule("0", "1000", "2000"), None),
        (303, "/retention?m=policy_saved".to_string())
    );
    let (_, html) = admin.get("/retention?m=policy_saved");
    assert!(html.contains("Profile <b>custom</b> (version 1)"), "{html}");
    assert!(
        html.contains(
            "<th scope=\"row\">identity</th><td>api</td><td>0</td><td>1000</td><td>2000</td>"
        ),
        "{html}"
    );

    assert_eq!(
        admin.post("/retention/run", &[("mode", "dry")], evil).0,
        403
    );
    assert_eq!(
        judge.post("/retention/run", &[("mode", "dry")], None).0,
        403
    );
    let (s, html) = admin.post_page("/retention/run", &[("mode", "dry")], None);
    assert_eq!(s, 200);
    assert!(html.contains("What a run now would do"), "{html}");
    assert!(html.contains("id=\"r-travellers-masked\">1<"), "{html}");
    assert!(html.contains("id=\"r-travellers-deleted\">0<"), "{html}");
    let (_, page) = officer.get(&format!("/travellers/{traveller}"));
    assert!(page.contains(PERSON.0), "a dry run masks nothing");
    let (_, html) = admin.post_page("/retention/run", &[("mode", "run")], None);
    assert!(
        html.contains("What the run did") && html.contains("id=\"r-travellers-masked\">1<"),
        "{html}"
    );

    // --- Unmask: ask on the traveller page, approve, read in clear, DPO review -------------
    let page = format!("/travellers/{traveller}");
    let (s, html) = officer.get(&page);
    assert_eq!(s, 200);
    assert!(
        !html.contains(PERSON.0) && !html.contains(PERSON.4),
        "masked"
    );
    assert!(html.contains(&format!("action=\"/travellers/{traveller}/unmask\"")));
    let ask = format!("/travellers/{traveller}/unmask");
    let purpose = "6(2)(b) ref 2026-207";
    let reason = "reasoned request of the investigating judge";
    assert_eq!(
        officer.post(&ask, &[("purpose", purpose), ("reason", reason)], None),
        (
            303,
            format!("/travellers/{traveller}?m=unmask_invalid#unmask")
        ),
        "no field ticked"
    );
    let form = [
        ("purpose", purpose),
        ("reason", reason),
        ("hours", "2"),
        ("field_surname", "on"),
        ("field_documents", "on"),
    ];
    assert_eq!(judge.post(&ask, &form, None).0, 403, "approvers do not ask");
    assert_eq!(officer.post(&ask, &form, evil).0, 403);
    assert_eq!(
        officer.post(&ask, &form, None),
        (
            303,
            format!("/travellers/{traveller}?m=unmask_requested#unmask")
        )
    );
    let (_, html) = officer.get(&page);
    let block = between(&html, "id=\"h-unmask\"", "</section>");
    assert!(
        block.contains("<td>surname, documents</td><td>6(2)(b) ref 2026-207</td><td>pending"),
        "{block}"
    );

    let (_, html) = judge.get("/retention");
    assert!(
        html.contains("1 unmask request awaits your decision"),
        "{html}"
    );
    let (s, html) = judge.get("/unmask");
    assert_eq!(s, 200);
    assert!(html.contains("Awaiting your decision (1)"), "{html}");
    let rid = between(&html, "action=\"/unmask/", "/decision\"").to_string();
    let decision = format!("/unmask/{rid}/decision");
    assert_eq!(
        officer
            .post(
                &decision,
                &[("decision", "approve"), ("reason", "mine")],
                None
            )
            .0,
        403,
        "requesters do not decide"
    );
    assert_eq!(
        judge.post(
            &decision,
            &[("decision", "approve"), ("reason", "  ")],
            None
        ),
        (303, "/unmask?m=decision_invalid".to_string())
    );
    let clear = format!("/unmask/{rid}/clear");
    assert_eq!(officer.get(&clear).0, 403, "no clear data before approval");
    let approve = [
        ("decision", "approve"),
        ("reason", "necessary and proportionate"),
        ("hours", "1"),
    ];
    assert_eq!(judge.post(&decision, &approve, evil).0, 403);
    assert_eq!(
        judge.post(&decision, &approve, None),
        (303, "/unmask?m=approved".to_string())
    );
    let (_, html) = judge.get("/unmask?m=approved");
    assert!(html.contains("Awaiting your decision (0)"), "{html}");

    let (_, html) = officer.get(&page);
    assert!(html.contains(&format!("<a href=\"{clear}\">")), "{html}");
    let (s, cache, html) = officer.get_cached(&clear);
    assert_eq!((s, cache.as_str()), (200, "no-store"));
    assert!(
        html.contains(&format!(
            "<th scope=\"row\">surname</th><td>{}</td>",
            PERSON.0
        )),
        "{html}"
    );
    assert!(html.contains(PERSON.4), "the document number in clear");
    assert!(
        !html.contains(PERSON.1),
        "given names were not granted: {html}"
    );
    assert_eq!(officer2.get(&clear).0, 404, "a grant is personal");

    let (s, html) = dpo.get("/unmask");
    assert_eq!(s, 200);
    let row = between(&html, &format!("{}</a></td>", &traveller[..8]), "</tr>");
    assert!(
        row.contains("approved") && row.contains("judge-ov"),
        "{row}"
    );
    assert!(row.contains("<td>1 (last "), "one read counted: {row}");
    let (_, html) = dpo.get("/retention");
    assert!(
        html.contains("1 decided request awaits your review"),
        "{html}"
    );
    let review = format!("/unmask/{rid}/review");
    assert_eq!(judge.post(&review, &[], None).0, 403);
    assert_eq!(
        dpo.post(&review, &[], None),
        (303, "/unmask?m=reviewed".to_string())
    );
    let (_, html) = dpo.get("/unmask");
    let row = between(&html, &format!("{}</a></td>", &traveller[..8]), "</tr>");
    assert!(row.contains("<td>dpo-ov, "), "{row}");
    // The read is audited with the grant's purpose.
    let dpo_token = app.login("dpo-ov");
    let (_, audit) = app.json(
        "GET",
        "/api/v1/audit?action=unmask.read",
        Some(&dpo_token),
        None,
    );
    let reads = audit["entries"].as_array().cloned().unwrap_or_default();
    assert!(
        reads
            .iter()
            .any(|r| r["outcome"] == "ok" && r["purpose"] == purpose),
        "{audit}"
    );

    // --- The sensitive-data list, the DPO's ---------------------------------------------------
    let (_, html) = dpo.get("/retention");
    assert!(html.contains("(the shipped defaults)"), "{html}");
    let terms = [
        ("codes", "MOML, WCHR"),
        ("keywords", "wheelchair\nkosher meal"),
    ];
    assert_eq!(admin.post("/retention/terms", &terms, None).0, 403);
    let (s, html) = dpo.post_page(
        "/retention/terms",
        &[("codes", " "), ("keywords", "")],
        None,
    );
    assert_eq!(s, 422);
    assert!(html.contains("the list may not be empty"), "{html}");
    assert_eq!(
        dpo.post("/retention/terms", &terms, None),
        (303, "/retention?m=terms_saved".to_string())
    );
    let (_, html) = dpo.get("/retention");
    assert!(html.contains("Version 1. PNR entries"), "{html}");
    assert!(html.contains("<li>kosher meal</li>") && html.contains("<code>WCHR</code>"));
    assert!(
        !html.contains("action=\"/retention/run\""),
        "the DPO does not run retention"
    );
}

#[test]
fn oversight_pages_sqlite() {
    oversight(Backend::Sqlite);
}

#[test]
fn oversight_pages_postgres() {
    oversight(Backend::Postgres);
}
