//! The flight page over HTTP (no browser), on SQLite and PostgreSQL: the seat map labels seats
//! and shows empty ones, marks two travellers on one booking with the same group marker and a
//! flagged traveller with their band, lists a traveller without a seat apart; the messages
//! received for the flight are listed with links to the intake log. The queue offers a claim
//! button and the `c` key to those who act on items only. Static assets are linked by
//! a content-hash URL that may be cached for a year; the bare URL keeps working.

mod common;

use chrono::Utc;
use common::{manifest, Backend, TestApp};

#[path = "common/browser.rs"]
mod browser;
use browser::Browser;

#[path = "common/seats.rs"]
mod seats;

/// The `<td>` of a seat on the page.
fn seat_cell<'a>(html: &'a str, seat: &str) -> &'a str {
    let at = html
        .find(&format!("data-seat=\"{seat}\""))
        .unwrap_or_else(|| panic!("no seat {seat} on the page"));
    let start = html[..at].rfind("<td").expect("seat in a cell");
    let end = at + html[at..].find("</td>").expect("cell closes");
    &html[start..end]
}

fn flight_page(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("officer-fl", "officer", None);
    app.user("analyst-fl", "analyst", None);
    app.user("zz-fl", "airline", Some("ZZ"));
    app.import_csv_list("fl-list", "watchlists/e2e.csv");
    app.start();
    let (zz, officer) = (app.login("zz-fl"), app.login("officer-fl"));
    let now = Utc::now().naive_utc();
    let (dep, arr) = (
        now - chrono::Duration::hours(2),
        now + chrono::Duration::hours(3),
    );
    let people = [
        ("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567"),
        ("QUILLFEATHER", "MARGO", "700101", "GBR", "QP7654321"),
        ("OSTRANDERLY", "PIM", "811111", "NLD", "NX0000001"),
        ("BRAMBLECOTE", "WREN", "900202", "IRL", "IR0000002"),
    ];
    let first = seats::with_bookings(
        &manifest("781", dep, arr, &people, "01:F", "81"),
        &[
            (Some("BKG001"), Some("12A")),
            (Some("BKG001"), Some("12B")),
            (Some("BKG002"), Some("14C")),
            (None, None),
        ],
    );
    let post = |text: &str| {
        let (s, b) = app.http(
            "POST",
            "/api/v1/messages",
            Some(&zz),
            Some((text.as_bytes(), "application/edifact")),
        );
        assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        v["id"].as_str().unwrap().to_string()
    };
    let first_id = post(&first);
    app.queue_until(&officer, |i| {
        i.iter().any(|x| x["traveller"]["surname"] == "VANTERPOLL")
    });
    // An update of the same flight: a second message version, OSTRANDERLY moves to 15C.
    let second = seats::with_bookings(
        &manifest("781", dep, arr, &people[2..3], "01:F", "82"),
        &[(Some("BKG002"), Some("15C"))],
    );
    let second_id = post(&second);
    let items = app.queue_until(&officer, |i| {
        i.iter().any(|x| x["traveller"]["surname"] == "VANTERPOLL")
    });
    let item = items
        .iter()
        .find(|x| x["traveller"]["surname"] == "VANTERPOLL")
        .unwrap();
    let (flight, flagged) = (
        item["flight"]["id"].as_str().unwrap().to_string(),
        item["traveller"]["id"].as_str().unwrap().to_string(),
    );
    let band = item["band"].as_str().unwrap().to_string();
    let b = Browser::new(&app, "officer-fl");

    // The queue: a claim button per claimable row and the key legend with c for those who act;
    // an analyst (who reads but does not act) gets neither.
    let claim = format!("action=\"/queue/{}/claim\"", item["id"].as_str().unwrap());
    let (s, queue) = b.get("/queue");
    assert_eq!(s, 200);
    assert!(queue.contains(&claim), "{queue}");
    assert!(queue.contains("<kbd>c</kbd> claim") && queue.contains("id=\"key-help\""));
    let (s, queue) = Browser::new(&app, "analyst-fl").get("/queue");
    assert_eq!(s, 200);
    assert!(queue.contains("VANTERPOLL, AMBROSE"), "{queue}");
    assert!(!queue.contains(&claim) && !queue.contains("<kbd>c</kbd> claim"));
    // The second message is loaded when the flight page shows its seat.
    let t0 = std::time::Instant::now();
    let html = loop {
        let (s, html) = b.get(&format!("/flights/{flight}"));
        assert_eq!(s, 200, "{html}");
        if html.contains("data-seat=\"15C\"") && html.contains(&second_id) {
            break html;
        }
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(30),
            "the update never showed: {html}"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    };

    // Rows 12 to 15, letters A to C: labelled, the empty ones too.
    for seat in ["12A", "12B", "12C", "13A", "13B", "13C", "14A", "15C"] {
        seat_cell(&html, seat);
    }
    assert!(!html.contains("data-seat=\"12D\""), "no letter beyond C");
    assert!(html.contains("<th scope=\"row\">13</th>"), "row headers");
    assert!(seat_cell(&html, "12C").contains("seat empty"));
    assert!(
        seat_cell(&html, "14C").contains("seat empty"),
        "the moved traveller left 14C"
    );
    // The flagged traveller: their link, their band on the seat.
    let a12 = seat_cell(&html, "12A");
    assert!(a12.contains(&format!("/travellers/{flagged}")), "{a12}");
    assert!(a12.contains("VANTERPOLL, AMBROSE"), "{a12}");
    assert!(a12.contains(&format!("seat-{band}")), "{a12}");
    assert!(
        a12.contains(&format!("<span class=\"band band-{band}\">{band}</span>")),
        "{a12}"
    );
    // Two on one booking share group 1; the one alone on BKG002 has none.
    let b12 = seat_cell(&html, "12B");
    assert!(b12.contains("QUILLFEATHER, MARGO") && !b12.contains("band band-"));
    for cell in [a12, b12] {
        assert!(
            cell.contains("group-1") && cell.contains(">G1</span>"),
            "{cell}"
        );
    }
    let c15 = seat_cell(&html, "15C");
    assert!(
        c15.contains("OSTRANDERLY") && !c15.contains("group-marker"),
        "{c15}"
    );
    assert!(html.contains("booking BKG001, 2 travellers"), "legend");
    assert!(
        !html.contains("booking BKG002"),
        "a booking of one is no group"
    );
    // Without a seat: listed apart.
    let apart = &html[html.find("Without a seat").expect("list of unseated")..];
    assert!(apart.contains("BRAMBLECOTE, WREN"));
    assert!(html.contains("3 of 4 travellers have a seat"));

    // Messages received: both versions, newest first, linking to the intake log.
    let received = &html[html.find("Messages received").unwrap()..];
    let (at_first, at_second) = (
        received
            .find(&format!("<a href=\"/messages/{first_id}\">"))
            .expect("first message listed"),
        received
            .find(&format!("<a href=\"/messages/{second_id}\">"))
            .expect("second message listed"),
    );
    assert!(at_second < at_first, "newest first");
    assert!(received.contains("PAXLST"));
    assert!(received.contains("state-screened") || received.contains("state-loaded"));
    // Another flight's message is not listed.
    let other = manifest(
        "782",
        dep,
        arr,
        &[("ELSEWHERE", "ANNA", "800101", "GBR", "QP0000003")],
        "01:F",
        "83",
    );
    let other_id = post(&other);
    let (_, html) = b.get(&format!("/flights/{flight}"));
    assert!(!html.contains(&other_id));

    // Claiming from a filtered queue returns to the queue as it was filtered; a form that names
    // anything but a queue page returns to the plain queue.
    let filtered = format!("/queue?band={band}&offset=0");
    let (_, queue) = b.get(&format!("/queue?band={band}"));
    let field = "name=\"queue\" value=\"";
    let at = queue
        .find(field)
        .expect("the claim form names its queue page")
        + field.len();
    let value = &queue[at..at + queue[at..].find('"').unwrap()];
    assert_eq!(
        value.replace("&#x2f;", "/").replace("&amp;", "&"),
        filtered,
        "{value}"
    );
    let claim = format!("/queue/{}/claim", item["id"].as_str().unwrap());
    let (s, to) = b.post(&claim, &[("queue", &filtered)], None);
    assert_eq!(
        (s, to.as_str()),
        (303, format!("{filtered}&m=claimed").as_str())
    );
    let (s, to) = b.post(
        &claim,
        &[("queue", "https://elsewhere.example/queue?offset=0")],
        None,
    );
    assert_eq!((s, to.as_str()), (303, "/queue?m=claimed"));
}

/// The page links `/static/app.css?v=<hash>`: that URL is cached for a year, the bare one and an
/// outdated version's for five minutes, with the same content.
#[test]
fn assets_are_versioned() {
    let Some(mut app) = TestApp::new(Backend::Sqlite) else {
        return;
    };
    app.start();
    let get = |path: &str| {
        let r = reqwest::blocking::get(format!("{}{path}", app.base)).unwrap();
        let cache = r
            .headers()
            .get("cache-control")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status().as_u16(), cache, r.text().unwrap())
    };
    let (s, _, login) = get("/login");
    assert_eq!(s, 200);
    let at = login
        .find("href=\"/static/app.css?v=")
        .expect("versioned stylesheet");
    let url = &login[at + 6..];
    let url = &url[..url.find('"').unwrap()];
    let hash = url.rsplit('=').next().unwrap();
    assert_eq!(hash.len(), 12, "{url}");
    assert!(login.contains("/static/app.js?v="), "{login}");
    let (s, cache, versioned) = get(url);
    assert_eq!(s, 200);
    assert_eq!(cache, "public, max-age=31536000, immutable");
    for old in ["/static/app.css", "/static/app.css?v=000000000000"] {
        let (s, cache, body) = get(old);
        assert_eq!((s, cache.as_str()), (200, "max-age=300"), "{old}");
        assert_eq!(body, versioned, "{old}");
    }
    assert_eq!(get("/static/nothing.css").0, 404);
}

#[test]
fn flight_page_on_sqlite() {
    flight_page(Backend::Sqlite);
}

#[test]
fn flight_page_on_postgres() {
    flight_page(Backend::Postgres);
}
