//! The pages over HTTP with the browser's session cookie, on SQLite and PostgreSQL: the
//! traveller page shows the matched watchlist entry beside the traveller; notes, manual hits,
//! lookouts, disposition and reopening work from forms and are audited; a cross-site post is
//! refused; the intake log shows a failed message's diagnostics; the queue filters and pages;
//! an admin creates an account (a weak password is shown on the form) and disables it.

mod common;

use chrono::Utc;
use common::{manifest, Backend, TestApp};

#[path = "common/browser.rs"]
mod browser;
use browser::Browser;

fn pages(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("chief", "admin", None);
    app.user("officer-ui", "officer", None);
    app.user("zz-ui", "airline", Some("ZZ"));
    app.import_csv_list("ui-list", "watchlists/e2e.csv");
    app.start();
    let (zz, officer) = (app.login("zz-ui"), app.login("officer-ui"));
    let now = Utc::now().naive_utc();
    let text = manifest(
        "777",
        now - chrono::Duration::hours(3),
        now + chrono::Duration::hours(2),
        &[("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567")],
        "01:F",
        "77",
    );
    let item = app.flagged(&zz, &officer, &text, "VANTERPOLL");
    let (item_id, traveller) = (
        item["id"].as_str().unwrap().to_string(),
        item["traveller"]["id"].as_str().unwrap().to_string(),
    );
    let page = format!("/travellers/{traveller}");
    let b = Browser::new(&app, "officer-ui");

    // The entry beside the traveller: the listed spelling, its date of birth, the list name.
    let (s, html) = b.get(&page);
    assert_eq!(s, 200);
    assert!(html.contains("VANTERPOLL, AMBROSE"), "traveller shown");
    assert!(
        html.contains("VANTERPOOL, Ambrose Kestrel (matched)"),
        "{html}"
    );
    assert!(html.contains("1966-05-19") && html.contains("Watchlist ui-list"));
    // Arrival at DXB in UTC and local time (UTC+4).
    assert!(
        html.contains(" UTC") && html.contains("DXB (+04)"),
        "{html}"
    );

    // Forms: each redirects back to the page with a flash.
    let back = |flash: &str| format!("/travellers/{traveller}?m={flash}");
    let tf = ("traveller", traveller.as_str());
    let note = "Spoke to the airline desk";
    let notes_path = format!("/queue/{item_id}/notes");
    assert_eq!(
        b.post(&notes_path, &[tf, ("body", note)], None),
        (303, back("noted"))
    );
    assert_eq!(
        b.post(&notes_path, &[tf, ("body", "   ")], None),
        (303, back("empty"))
    );
    // Another site's form is refused and saves nothing.
    let (s, _) = b.post(
        &notes_path,
        &[tf, ("body", "forged")],
        Some("https://evil.example"),
    );
    assert_eq!(s, 403);
    assert_eq!(
        b.post(
            &format!("{page}/manual-hits"),
            &[
                ("category", "tip-off"),
                ("band", "high"),
                ("reason", "partner report")
            ],
            None
        ),
        (303, back("flagged"))
    );
    assert_eq!(
        b.post(
            &format!("{page}/lookout"),
            &[("reason", "check at the gate")],
            None
        ),
        (303, back("lookout"))
    );
    assert_eq!(
        b.post(&format!("{page}/lookout"), &[("reason", "again")], None),
        (303, back("lookout_exists"))
    );
    assert_eq!(
        b.post(
            &format!("/queue/{item_id}/disposition"),
            &[tf, ("disposition", "referred")],
            None
        ),
        (303, back("closed"))
    );
    assert_eq!(
        b.post(&notes_path, &[tf, ("body", "late")], None),
        (303, back("item_closed"))
    );
    assert_eq!(
        b.post(
            &format!("/queue/{item_id}/reopen"),
            &[tf, ("body", "new information")],
            None
        ),
        (303, back("reopened"))
    );
    let (_, html) = b.get(&back("reopened"));
    assert!(html.contains("The item is reopened"));
    assert!(html.contains(note) && !html.contains("forged") && !html.contains(">late<"));
    assert!(html.contains("Reopened (disposition was referred): new information"));
    assert!(html.contains("flagged by an officer (high band): partner report"));
    assert!(html.contains("Lookout status <b>active</b>"));

    // The queue: filter by flight and band, paging links keep the filter.
    let (_, q) = b.get("/queue?band=high&flight=ZZ777&status=");
    assert!(
        q.contains("VANTERPOLL") && q.contains("Items 1–1 of 1."),
        "{q}"
    );
    let (_, q) = b.get("/queue?band=medium");
    assert!(!q.contains("VANTERPOLL"));
    let (_, q) = b.get("/queue?band=nonsense");
    assert!(q.contains("band must be high, medium or low"));

    // The intake log: a message that failed, with its diagnostics.
    let (s, body) = app.http(
        "POST",
        "/api/v1/messages",
        Some(&zz),
        Some((
            b"UNA:+.? 'UNB+UNOA:4+X+Y'UNH+1+CUSCAR:D:95B:UN'UNT+2+1'",
            "text/plain",
        )),
    );
    assert_eq!(s, 202);
    let id = serde_json::from_slice::<serde_json::Value>(&body).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let t0 = std::time::Instant::now();
    let html = loop {
        let (s, html) = b.get(&format!("/messages/{id}"));
        assert_eq!(s, 200);
        if html.contains("failed") || t0.elapsed().as_secs() > 20 {
            break html;
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    };
    assert!(html.contains("state-failed"), "{html}");
    assert!(
        html.contains("CUSCAR"),
        "the diagnostic names the type: {html}"
    );
    let (_, log) = b.get("/messages");
    assert!(log.contains(&format!("/messages/{id}")));

    // Every action is audited by id; no traveller's name is in the log.
    let chief = Browser::new(&app, "chief");
    let (_, audit) = chief.get("/audit");
    for action in [
        "item.note",
        "item.manual_hit",
        "lookout.create",
        "item.dispose",
        "item.reopen",
        "traveller.read",
    ] {
        assert!(audit.contains(action), "{action} audited");
    }
    assert!(!audit.contains("VANTERPOLL"));
    // The chain is checked when asked (it reads every row), not on each visit.
    assert!(audit.contains("href=\"/audit?verify=1\""), "{audit}");
    assert!(!audit.contains("Chain intact"));
    let (s, checked) = chief.get("/audit?verify=1");
    assert_eq!(s, 200);
    assert!(checked.contains("Chain intact over "), "{checked}");

    // Users: officers may not open the page; a weak password is shown on the form.
    assert_eq!(b.get("/admin").0, 403);
    let (s, _) = chief.post(
        "/admin/users",
        &[
            ("username", "new-one"),
            ("role", "officer"),
            ("password", "short"),
        ],
        None,
    );
    assert_eq!(s, 422);
    let r = chief
        .client
        .post(format!("{}/admin/users", app.base))
        .header("Cookie", &chief.cookie)
        .form(&[
            ("username", "new-one"),
            ("role", "officer"),
            ("password", "short"),
        ])
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(r.contains("at least 12 characters") && r.contains("value=\"new-one\""));
    assert_eq!(
        chief.post(
            "/admin/users",
            &[
                ("username", "new-one"),
                ("role", "officer"),
                ("password", "Quiet-Harbour-Lantern-93")
            ],
            None
        ),
        (303, "/admin?m=user_created".to_string())
    );
    let (s, _) = app.try_login("new-one", "Quiet-Harbour-Lantern-93");
    assert_eq!(s, 200);
    let (_, users) = chief.get("/admin");
    let new_id = users
        .split("action=\"/admin/users/")
        .map(|s| s.split('"').next().unwrap_or_default())
        .find(|id| users.contains(&format!("/admin/users/{id}\" class=\"inline\"><input type=\"hidden\" name=\"action\" value=\"disable\"><button type=\"submit\" class=\"secondary\" aria-label=\"Disable new-one\"")))
        .expect("a disable button for new-one")
        .to_string();
    assert_eq!(
        chief.post(
            &format!("/admin/users/{new_id}"),
            &[("action", "disable")],
            None
        ),
        (303, "/admin?m=user_changed".to_string())
    );
    let (s, _) = app.try_login("new-one", "Quiet-Harbour-Lantern-93");
    assert_ne!(s, 200, "a disabled account cannot sign in");
}

#[test]
fn pages_on_sqlite() {
    pages(Backend::Sqlite);
}

#[test]
fn pages_on_postgres() {
    pages(Backend::Postgres);
}
