//! The pages in a real browser: headless Chromium driven over WebDriver (chromedriver on a free
//! port per test, its own profile in a temporary folder), against the real server on SQLite and
//! PostgreSQL. An officer signs in through the login form, works the queue with the keyboard
//! alone (j/k move, c claims, o and Enter open, ? shows the help), then opens a flagged
//! traveller, claims and closes the item through the forms and sees it leave the open queue.
//! An administrator then visits every main page at 1280×800 and at a tablet's 820×1180, and
//! each view is saved as a PNG under `$CARGO_TARGET_DIR/ui-screenshots/<backend>/`.
//!
//! Without Chromium or chromedriver the test is skipped with a message, except under `CI=true`
//! where that is a failure. `PAXRISK_CHROMIUM` and `PAXRISK_CHROMEDRIVER` name other binaries.

mod common;

use std::path::PathBuf;

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use fantoccini::{Client, Locator};

#[path = "common/seats.rs"]
mod seats;
#[path = "common/webdriver.rs"]
mod webdriver;
use webdriver::{
    browser_tools, fail, focused, press, screenshot_dir, session, viewport, wait_path, wait_text,
    Driver, Step,
};

/// Window sizes the screenshots are taken at: a laptop and a tablet held upright.
const SIZES: [(u32, u32, &str); 2] = [(1280, 800, "1280x800"), (820, 1180, "820x1180")];

/// What the browser part needs to know of the prepared data.
struct Scene {
    base: String,
    officer: (String, String),
    admin: (String, String),
    /// Flagged on the flight arriving first: the keyboard's first row.
    first: String,
    /// Flagged on the flight with the seat map: the one closed through the forms.
    second: String,
    seat_flight: String,
    message: String,
    shots: PathBuf,
}

fn browser_pages(backend: Backend) {
    let Some((chromium, chromedriver)) = browser_tools() else {
        return;
    };
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("officer-br", "officer", None);
    app.user("chief-br", "admin", None);
    app.user("zz-br", "airline", Some("ZZ"));
    app.import_csv_list("browser-list", "watchlists/e2e.csv");
    app.start();
    let (zz, officer) = (app.login("zz-br"), app.login("officer-br"));
    let now = Utc::now().naive_utc();
    let hours = chrono::Duration::hours;
    // ILLYRIANOVA lands in an hour, VANTERPOLL in three: that is their order in the queue.
    let first = app.flagged(
        &zz,
        &officer,
        &manifest(
            "791",
            now - hours(4),
            now + hours(1),
            &[("ILLYRIANOVA", "SVETA", "770303", "UKR", "UK7700001")],
            "01:F",
            "91",
        ),
        "ILLYRIANOVA",
    );
    let seated = seats::with_bookings(
        &manifest(
            "792",
            now - hours(2),
            now + hours(3),
            &[
                ("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567"),
                ("QUILLFEATHER", "MARGO", "700101", "GBR", "QP7654321"),
                ("OSTRANDERLY", "PIM", "811111", "NLD", "NX0000001"),
                ("BRAMBLECOTE", "WREN", "900202", "IRL", "IR0000002"),
            ],
            "01:F",
            "92",
        ),
        &[
            (Some("BKG101"), Some("3A")),
            (Some("BKG101"), Some("3B")),
            (Some("BKG102"), Some("5D")),
            (None, None),
        ],
    );
    let second = app.flagged(&zz, &officer, &seated, "VANTERPOLL");
    let (_, messages) = app.json("GET", "/api/v1/messages", Some(&officer), None);
    let message = messages["messages"][0]["id"]
        .as_str()
        .unwrap_or_else(|| panic!("a message in the intake log: {messages}"))
        .to_string();
    let id = |v: &serde_json::Value, k: &str| v[k]["id"].as_str().unwrap().to_string();
    let shots = screenshot_dir(backend);
    println!("screenshots: {}", shots.display());
    let scene = Scene {
        base: app.base.clone(),
        officer: ("officer-br".into(), app.passwords["officer-br"].clone()),
        admin: ("chief-br".into(), app.passwords["chief-br"].clone()),
        first: id(&first, "traveller"),
        second: id(&second, "traveller"),
        seat_flight: id(&second, "flight"),
        message,
        shots,
    };

    let driver = Driver::start(&chromedriver, &app.dir.path().join("chromedriver.log"));
    let profile = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = rt.block_on(async {
        let c = session(&driver.url, &chromium, profile.path()).await;
        let r = scenario(&c, &scene).await;
        // Close the session whatever happened, so no browser outlives the test.
        let _ = c.close().await;
        r
    });
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", app.log());
    }
}

async fn sign_in(c: &Client, base: &str, (user, password): &(String, String)) -> Step {
    c.goto(&format!("{base}/login"))
        .await
        .map_err(|e| e.to_string())?;
    let field = |css| c.find(Locator::Css(css));
    let e = |e: fantoccini::error::CmdError| e.to_string();
    field("#username")
        .await
        .map_err(e)?
        .send_keys(user)
        .await
        .map_err(e)?;
    field("#password")
        .await
        .map_err(e)?
        .send_keys(password)
        .await
        .map_err(e)?;
    field("form[action='/login'] button[type=submit]")
        .await
        .map_err(e)?
        .click()
        .await
        .map_err(e)?;
    wait_path(c, "/queue").await
}

async fn scenario(c: &Client, s: &Scene) -> Step {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    // Signed out: the login page, at both sizes.
    c.goto(&format!("{}/login", s.base)).await.map_err(e)?;
    for (w, h, size) in SIZES {
        shoot(c, s, w, h, size, "login").await?;
    }
    viewport(c, 1280, 800).await?;
    sign_in(c, &s.base, &s.officer).await?;

    // The queue: both flagged travellers, ILLYRIANOVA (landing first) on top; the script runs
    // (its countdown replaced the printed time) and the key legend is shown.
    wait_text(c, "VANTERPOLL, AMBROSE").await?;
    wait_text(c, "ILLYRIANOVA, SVETA").await?;
    wait_text(c, "Keys: j/k").await?;
    let countdown = c
        .find(Locator::Css("time.countdown"))
        .await
        .map_err(e)?
        .text()
        .await
        .map_err(e)?;
    if !countdown.starts_with("in ") {
        return Err(fail(c, &format!("app.js did not run: countdown {countdown:?}")).await);
    }
    let css = c
        .find(Locator::Css("link[rel=stylesheet]"))
        .await
        .map_err(e)?
        .attr("href")
        .await
        .map_err(e)?
        .unwrap_or_default();
    if !css.starts_with("/static/app.css?v=") {
        return Err(format!("the stylesheet is not versioned: {css}"));
    }

    // Keyboard only: j, j, k move the selection (focus on the row's traveller link, ringed).
    let expect_focus = |want: &'static str| async move {
        let (text, ring) = focused(c).await?;
        if !text.contains(want) || !ring {
            return Err(fail(c, &format!("focus on {text:?} (ring {ring}), not {want}")).await);
        }
        Ok::<_, String>(())
    };
    press(c, 'j').await?;
    expect_focus("ILLYRIANOVA").await?;
    press(c, 'j').await?;
    expect_focus("VANTERPOLL").await?;
    press(c, 'k').await?;
    expect_focus("ILLYRIANOVA").await?;
    let selected = c
        .find_all(Locator::Css("table.queue tr.selected"))
        .await
        .map_err(e)?;
    if selected.len() != 1 {
        return Err(format!("{} rows marked selected", selected.len()));
    }
    // ? shows the help, Escape hides it.
    let help = c.find(Locator::Css("#key-help")).await.map_err(e)?;
    press(c, '?').await?;
    if !help.is_displayed().await.map_err(e)? {
        return Err(fail(c, "? did not show the key help").await);
    }
    shoot(c, s, 1280, 800, "1280x800", "queue-keys").await?;
    press(c, '\u{E00C}').await?; // Escape
    if help.is_displayed().await.map_err(e)? {
        return Err(fail(c, "Escape did not hide the key help").await);
    }
    // c claims the selected item; the queue comes back with it still selected.
    press(c, 'c').await?;
    wait_text(c, "You hold the item now.").await?;
    expect_focus("ILLYRIANOVA").await?;
    let row = c
        .find(Locator::Css("table.queue tr.selected"))
        .await
        .map_err(e)?
        .text()
        .await
        .map_err(e)?;
    if !row.contains("claimed (yours)") {
        return Err(fail(c, &format!("the claimed row reads {row:?}")).await);
    }
    // o opens it.
    press(c, 'o').await?;
    wait_path(c, &format!("/travellers/{}", s.first)).await?;
    wait_text(c, "status claimed").await?;
    // Enter on the selected row opens it too.
    c.goto(&format!("{}/queue", s.base)).await.map_err(e)?;
    press(c, 'j').await?;
    press(c, '\u{E007}').await?; // Enter
    wait_path(c, &format!("/travellers/{}", s.first)).await?;

    // The mouse and the forms: open VANTERPOLL from the queue, claim, close as no action.
    c.goto(&format!("{}/queue", s.base)).await.map_err(e)?;
    c.find(Locator::XPath(
        "//table[contains(@class,'queue')]//a[contains(., 'VANTERPOLL')]",
    ))
    .await
    .map_err(e)?
    .click()
    .await
    .map_err(e)?;
    wait_path(c, &format!("/travellers/{}", s.second)).await?;
    c.find(Locator::XPath("//form[contains(@action,'/claim')]//button"))
        .await
        .map_err(e)?
        .click()
        .await
        .map_err(e)?;
    wait_text(c, "You hold the item now.").await?;
    c.find(Locator::Css("#disposition"))
        .await
        .map_err(e)?
        .select_by_value("no_action")
        .await
        .map_err(e)?;
    c.find(Locator::XPath(
        "//form[contains(@action,'/disposition')]//button",
    ))
    .await
    .map_err(e)?
    .click()
    .await
    .map_err(e)?;
    wait_text(c, "The item is closed.").await?;
    wait_text(c, "status closed (no action)").await?;
    // Back to the queue by its nav link: VANTERPOLL has left the open queue.
    c.find(Locator::LinkText("Queue"))
        .await
        .map_err(e)?
        .click()
        .await
        .map_err(e)?;
    wait_path(c, "/queue").await?;
    wait_text(c, "ILLYRIANOVA, SVETA").await?;
    let queue = c
        .find(Locator::Css("main"))
        .await
        .map_err(e)?
        .text()
        .await
        .map_err(e)?;
    if queue.contains("VANTERPOLL") {
        return Err(fail(c, "the closed item is still in the open queue").await);
    }

    // The flight's seat map in the browser: the flagged seat links to the traveller.
    c.goto(&format!("{}/flights/{}", s.base, s.seat_flight))
        .await
        .map_err(e)?;
    let seat = c
        .find(Locator::Css("td[data-seat='3A'] a"))
        .await
        .map_err(e)?;
    let href = seat.attr("href").await.map_err(e)?.unwrap_or_default();
    if href != format!("/travellers/{}", s.second) {
        return Err(fail(c, &format!("seat 3A links to {href}")).await);
    }

    // Sign out, sign in as the administrator, and photograph every main page at both sizes.
    c.find(Locator::Css("form[action='/logout'] button"))
        .await
        .map_err(e)?
        .click()
        .await
        .map_err(e)?;
    wait_path(c, "/login").await?;
    sign_in(c, &s.base, &s.admin).await?;
    let pages = [
        ("queue", "/queue".to_string(), "Review queue"),
        ("flights", "/flights".to_string(), "Queue load by hour"),
        // Scrolled to the seat map.
        (
            "flight",
            format!("/flights/{}#seat-map-title", s.seat_flight),
            "Seat map",
        ),
        (
            "flight-messages",
            format!("/flights/{}#received-title", s.seat_flight),
            "Messages received",
        ),
        (
            "traveller",
            format!("/travellers/{}", s.second),
            "VANTERPOLL",
        ),
        ("watchlists", "/watchlists".to_string(), "browser-list"),
        ("rules", "/rules".to_string(), "Targeting rules"),
        (
            "rule-report",
            "/rules/report".to_string(),
            "Rule effectiveness",
        ),
        (
            "retention",
            "/retention".to_string(),
            "When each class of data",
        ),
        ("unmask", "/unmask".to_string(), "Unmask"),
        ("audit", "/audit".to_string(), "item.dispose"),
        ("carriers", "/carriers".to_string(), "Carrier data quality"),
        ("messages", "/messages".to_string(), "Intake"),
        ("message", format!("/messages/{}", s.message), "PAXLST"),
        ("admin", "/admin".to_string(), "chief-br"),
    ];
    for (w, h, size) in SIZES {
        for (name, path, shows) in &pages {
            viewport(c, w, h).await?;
            c.goto(&format!("{}{path}", s.base)).await.map_err(e)?;
            wait_text(c, shows).await?;
            shoot(c, s, w, h, size, name).await?;
        }
    }
    Ok(())
}

/// Saves a PNG of the viewport at `w`×`h` as `<size>-<name>.png`, checking it is one.
async fn shoot(c: &Client, s: &Scene, w: u32, h: u32, size: &str, name: &str) -> Step {
    viewport(c, w, h).await?;
    let png = c.screenshot().await.map_err(|e| e.to_string())?;
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") || png.len() < 2_000 {
        return Err(format!("{name} at {size}: not a PNG ({} bytes)", png.len()));
    }
    std::fs::write(s.shots.join(format!("{size}-{name}.png")), png).map_err(|e| e.to_string())
}

#[test]
fn browser_on_sqlite() {
    browser_pages(Backend::Sqlite);
}

#[test]
fn browser_on_postgres() {
    browser_pages(Backend::Postgres);
}
