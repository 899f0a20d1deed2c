//! The WebDriver side of the browser tests: finding Chromium and chromedriver (skip, or fail
//! under `CI=true`), a chromedriver per test on a free port, a headless session with its own
//! profile, and the small waits and key presses the scenarios are written with.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};

use super::common::Backend;

/// How long a page may take to show what a step waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// A program given by an environment variable or found on the PATH.
pub fn program(var: &str, name: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p)).filter(|p| p.exists());
    }
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, or `None` (the test is skipped) when either is missing; under
/// `CI=true` a missing browser fails the test instead, so CI cannot pass without running it.
pub fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = program("PAXRISK_CHROMIUM", "chromium");
    let driver = program("PAXRISK_CHROMEDRIVER", "chromedriver");
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        (c, d) => {
            let missing: Vec<&str> = [(c.is_none(), "chromium"), (d.is_none(), "chromedriver")]
                .into_iter()
                .filter_map(|(gone, name)| gone.then_some(name))
                .collect();
            let msg = format!(
                "browser tests need {} (Debian: apt-get install chromium chromium-driver; or set \
                 PAXRISK_CHROMIUM / PAXRISK_CHROMEDRIVER)",
                missing.join(" and ")
            );
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI=true: {msg}"
            );
            eprintln!("skipped: {msg}");
            None
        }
    }
}

/// A chromedriver on a free port, stopped when dropped.
pub struct Driver {
    child: Child,
    pub url: String,
}

impl Driver {
    pub fn start(program: &Path, log: &Path) -> Driver {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(log).unwrap();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let t0 = Instant::now();
        let client = reqwest::blocking::Client::new();
        loop {
            let ready = client
                .get(format!("{}/status", driver.url))
                .send()
                .ok()
                .and_then(|r| r.json::<serde_json::Value>().ok())
                .is_some_and(|v| v["value"]["ready"] == true);
            if ready {
                return driver;
            }
            assert!(
                t0.elapsed() < Duration::from_secs(30),
                "chromedriver never became ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Where screenshots go: `$CARGO_TARGET_DIR/ui-screenshots/<backend>/` (the target folder is
/// found from the test executable when the variable is not set).
pub fn screenshot_dir(backend: Backend) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let exe = std::env::current_exe().unwrap();
            // target/<profile>/deps/browser-… → target
            exe.ancestors().nth(3).expect("target folder").to_path_buf()
        });
    let dir = target.join("ui-screenshots").join(match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    });
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A WebDriver session on headless Chromium with its own profile.
pub async fn session(driver: &str, chromium: &Path, profile: &Path) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1280,800",
                format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a WebDriver session on chromedriver")
}

pub type Step = Result<(), String>;

/// Fails a step with what the page showed.
pub async fn fail(c: &Client, what: &str) -> String {
    let url = c
        .current_url()
        .await
        .map(|u| u.to_string())
        .unwrap_or_default();
    let text = match c.find(Locator::Css("main")).await {
        Ok(m) => m.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    };
    format!("{what}\nat {url}; the page read:\n{text}")
}

/// Waits until `main` contains `text`.
pub async fn wait_text(c: &Client, text: &str) -> Step {
    let t0 = Instant::now();
    loop {
        if let Ok(m) = c.find(Locator::Css("main")).await {
            if m.text().await.unwrap_or_default().contains(text) {
                return Ok(());
            }
        }
        if t0.elapsed() > PATIENCE {
            return Err(fail(c, &format!("never showed {text:?}")).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the address is `path` (query ignored).
pub async fn wait_path(c: &Client, path: &str) -> Step {
    let t0 = Instant::now();
    loop {
        if c.current_url().await.is_ok_and(|u| u.path() == path) {
            return Ok(());
        }
        if t0.elapsed() > PATIENCE {
            return Err(fail(c, &format!("never reached {path}")).await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Types one key into the page (to whatever holds the focus), as a person would.
pub async fn press(c: &Client, key: char) -> Step {
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    c.perform_actions(keys)
        .await
        .map_err(|e| format!("key {key:?}: {e}"))
}

/// The focused element's text, and whether its focus ring is drawn.
pub async fn focused(c: &Client) -> Result<(String, bool), String> {
    let el = c.active_element().await.map_err(|e| e.to_string())?;
    let text = el.text().await.map_err(|e| e.to_string())?;
    let outline = el
        .css_value("outline-style")
        .await
        .map_err(|e| e.to_string())?;
    Ok((text, outline != "none"))
}

/// Sizes the window so that the page itself (the viewport) is `w`×`h`.
pub async fn viewport(c: &Client, w: u32, h: u32) -> Step {
    let e = |e: fantoccini::error::CmdError| e.to_string();
    c.set_window_size(w, h).await.map_err(e)?;
    let inner = c
        .execute("return [window.innerWidth, window.innerHeight];", vec![])
        .await
        .map_err(e)?;
    let (iw, ih) = (
        inner[0].as_u64().unwrap_or(w as u64) as u32,
        inner[1].as_u64().unwrap_or(h as u64) as u32,
    );
    if (iw, ih) != (w, h) {
        // The window's own frame takes the difference.
        c.set_window_size(w + w.saturating_sub(iw), h + h.saturating_sub(ih))
            .await
            .map_err(e)?;
    }
    Ok(())
}
