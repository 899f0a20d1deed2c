//! `TestApp`: the real `paxrisk` binary on a random port with its own database (a fresh SQLite
//! file, or a fresh PostgreSQL database when `PAXRISK_TEST_DATABASE_URL` is set).

#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The built binary: next to the test executable's `deps` folder.
pub fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target profile dir");
    let bin = dir.join(format!("paxrisk{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build` (or `cargo test --workspace`) first",
        bin.display()
    );
    bin
}

/// The PostgreSQL server URL for tests, if configured.
pub fn postgres_url() -> Option<String> {
    std::env::var("PAXRISK_TEST_DATABASE_URL")
        .ok()
        .filter(|u| u.starts_with("postgres"))
}

/// A running (or not yet started) paxrisk with its own data.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub database: String,
    pub backend: Backend,
    pub base: String,
    server: Option<Child>,
    pub passwords: std::collections::HashMap<String, String>,
    client: reqwest::blocking::Client,
}

fn fresh_pg_database(server: &str) -> String {
    let name = format!("paxrisk_test_{}_{}", std::process::id(), uuid_like());
    let out = Command::new("psql")
        .arg(server)
        .arg("-qc")
        .arg(format!("CREATE DATABASE {name}"))
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "cannot create a test database: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (base, _) = server.rsplit_once('/').expect("URL with a database name");
    format!("{base}/{name}")
}

fn uuid_like() -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros();
    format!(
        "{n:x}_{}",
        NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    )
}

/// A file under the repository's `fixtures/`.
pub fn fixture(path: &str) -> String {
    format!("{}/../fixtures/{path}", env!("CARGO_MANIFEST_DIR"))
}

impl TestApp {
    /// Imports a CSV watchlist from `fixtures/` under `name` through the CLI (before `start`).
    pub fn import_csv_list(&self, name: &str, fixture_path: &str) {
        let out = self.cli(
            &[
                "watchlist",
                "import",
                "--name",
                name,
                "--format",
                "csv",
                &fixture(fixture_path),
            ],
            None,
        );
        assert!(
            out.status.success(),
            "import of {fixture_path}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// A new app on `backend`; `None` when that backend is not available (the caller skips).
    pub fn new(backend: Backend) -> Option<TestApp> {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = match backend {
            Backend::Sqlite => format!("sqlite://{}", dir.path().join("paxrisk.db").display()),
            Backend::Postgres => {
                let Some(server) = postgres_url() else {
                    eprintln!("skipped on PostgreSQL: PAXRISK_TEST_DATABASE_URL is not set");
                    return None;
                };
                fresh_pg_database(&server)
            }
        };
        Some(TestApp {
            dir,
            database,
            backend,
            base: String::new(),
            server: None,
            passwords: Default::default(),
            client: reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .unwrap(),
        })
    }

    /// Runs a CLI command against this app's database.
    pub fn cli(&self, args: &[&str], stdin: Option<&str>) -> std::process::Output {
        let mut child = Command::new(binary())
            .args(args)
            .arg("--database")
            .arg(&self.database)
            .env("PAXRISK_DATA_DIR", self.dir.path())
            // Each test database has its keyring beside it (PostgreSQL ones would default to the
            // user's data directory).
            .env("PAXRISK_KEYRING", self.dir.path().join("keyring"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn paxrisk");
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("paxrisk output")
    }

    /// Adds a user through the CLI with a policy-compliant password.
    pub fn user(&mut self, name: &str, role: &str, carrier: Option<&str>) {
        let pw = format!("Granite-Orchard-{}-Lake-2026", self.passwords.len() + 3);
        let mut args = vec!["user", "add", "--username", name, "--role", role];
        if let Some(c) = carrier {
            args.extend(["--carrier", c]);
        }
        let out = self.cli(&args, Some(&pw));
        assert!(
            out.status.success(),
            "user add failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        self.passwords.insert(name.to_string(), pw);
    }

    /// Starts `paxrisk serve` on a free port and waits for /healthz.
    pub fn start(&mut self) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        self.base = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(self.dir.path().join("server.log")).unwrap();
        let child = Command::new(binary())
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--database",
                &self.database,
            ])
            .env("PAXRISK_DATA_DIR", self.dir.path())
            // Each test database has its keyring beside it (PostgreSQL ones would default to the
            // user's data directory).
            .env("PAXRISK_KEYRING", self.dir.path().join("keyring"))
            .env("PAXRISK_WORKER_IDLE_MS", "50")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .spawn()
            .expect("spawn paxrisk serve");
        self.server = Some(child);
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(60) {
            if self
                .client
                .get(format!("{}/healthz", self.base))
                .send()
                .map(|r| r.status() == 200)
                .unwrap_or(false)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server never answered /healthz; log: {}", self.log());
    }

    /// The server's log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    /// Stops the server.
    pub fn stop(&mut self) {
        if let Some(mut c) = self.server.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Any HTTP request; returns status and body.
    pub fn http(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<(&[u8], &str)>,
    ) -> (u16, Vec<u8>) {
        let mut req = self
            .client
            .request(method.parse().unwrap(), format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some((b, ty)) = body {
            req = req.header("Content-Type", ty).body(b.to_vec());
        }
        let r = req.send().expect("HTTP request");
        (r.status().as_u16(), r.bytes().unwrap().to_vec())
    }

    /// JSON request; returns status and parsed body (Null when not JSON).
    pub fn json(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
        let (s, b) = self.http(
            method,
            path,
            token,
            bytes.as_deref().map(|b| (b, "application/json")),
        );
        (s, serde_json::from_slice(&b).unwrap_or(Value::Null))
    }

    /// Logs in and returns the token.
    pub fn login(&self, name: &str) -> String {
        let body = serde_json::json!({"username": name, "password": self.passwords[name]});
        let (s, b) = self.json("POST", "/api/v1/auth/login", None, Some(&body));
        assert_eq!(s, 200, "login {name}: {b}");
        b["token"].as_str().unwrap().to_string()
    }

    /// Polls the queue until `pred` holds on its items (or 30 s pass); returns the last items.
    pub fn queue_until(&self, token: &str, pred: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let t0 = Instant::now();
        loop {
            let (s, b) = self.json("GET", "/api/v1/queue", Some(token), None);
            assert_eq!(s, 200);
            let items = b["items"].as_array().cloned().unwrap_or_default();
            if pred(&items) || t0.elapsed() > Duration::from_secs(30) {
                return items;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A small PAXLST D05B interchange, times in each airport's local time (SIN +8, DXB +4).
/// `travellers`: (surname, given names, date of birth YYMMDD, nationality, passport).
pub fn manifest(
    number: &str,
    dep_utc: chrono::NaiveDateTime,
    arr_utc: chrono::NaiveDateTime,
    travellers: &[(&str, &str, &str, &str, &str)],
    part: &str,
    reference: &str,
) -> String {
    let dep = dep_utc + chrono::Duration::hours(8);
    let arr = arr_utc + chrono::Duration::hours(4);
    let mut segs = vec![
        format!(
            "UNH+{reference}+PAXLST:D:05B:UN:IATA+ZZ{number}/{}+{part}",
            dep.format("%y%m%d")
        ),
        "BGM+745".to_string(),
        "NAD+MS+++OPS DESK".to_string(),
        format!("TDT+20+ZZ{number}+++ZZ"),
        "LOC+125+SIN".to_string(),
        format!("DTM+189:{}:201", dep.format("%y%m%d%H%M")),
        "LOC+87+DXB".to_string(),
        format!("DTM+232:{}:201", arr.format("%y%m%d%H%M")),
    ];
    for (surname, given, dob, nat, passport) in travellers {
        segs.push(format!("NAD+FL+++{surname}:{given}"));
        segs.push(format!("DTM+329:{dob}"));
        segs.push(format!("NAT+2+{nat}"));
        segs.push(format!("DOC+P:110:111+{passport}"));
        segs.push("DTM+36:301231".to_string());
        segs.push(format!("LOC+91+{nat}"));
    }
    segs.push(format!("CNT+42:{}", travellers.len()));
    segs.push(format!("UNT+{}+{reference}", segs.len() + 1));
    let mut all = vec![format!(
        "UNB+UNOA:4+ZZAIR+CUSTOMS+{}:{}+{reference}",
        dep.format("%y%m%d"),
        dep.format("%H%M")
    )];
    all.extend(segs);
    all.push(format!("UNZ+1+{reference}"));
    format!("UNA:+.? '{}'\n", all.join("'\n"))
}

/// Every byte of the app's database as stored: the SQLite file and its WAL, or a PostgreSQL
/// `pg_dump --data-only` (where `bytea` appears hex-encoded; see `contains_secret`).
/// Where the server keeps a SQLite store's audit log: `x/paxrisk.db` → `x/paxrisk.audit.db`.
pub fn sqlite_audit_file(main: &str) -> String {
    let (stem, ext) = main
        .rsplit_once('.')
        .expect("the test stores' files have an extension");
    format!("{stem}.audit.{ext}")
}

pub fn database_bytes(app: &TestApp) -> Vec<u8> {
    match app.backend {
        Backend::Sqlite => {
            // The data and the audit log's file beside it (paxrisk.db, paxrisk.audit.db).
            let path = app.database.trim_start_matches("sqlite://").to_string();
            let audit = sqlite_audit_file(&path);
            [
                path.clone(),
                format!("{path}-wal"),
                audit.clone(),
                format!("{audit}-wal"),
            ]
            .iter()
            .filter_map(|p| std::fs::read(p).ok())
            .flatten()
            .collect()
        }
        Backend::Postgres => {
            let out = Command::new("pg_dump")
                .arg("--data-only")
                .arg(&app.database)
                .output()
                .expect("run pg_dump");
            assert!(
                out.status.success(),
                "pg_dump failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            out.stdout
        }
    }
}

/// True when `secret` is in `bytes` in clear, as text or as hex (PostgreSQL dumps `bytea` so).
pub fn contains_secret(bytes: &[u8], secret: &str) -> bool {
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let has = |needle: &[u8]| {
        bytes
            .windows(needle.len())
            .any(|w| w.eq_ignore_ascii_case(needle))
    };
    has(secret.as_bytes()) || has(hex.as_bytes())
}

// Helpers of the accounts, authorisation and notification tests (issue 7).

impl TestApp {
    /// Starts `paxrisk serve` like `start`, with extra `PAXRISK_*` settings.
    pub fn start_with_env(&mut self, env: &[(&str, &str)]) {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        self.base = format!("http://127.0.0.1:{port}");
        let log = std::fs::File::create(self.dir.path().join("server.log")).unwrap();
        let mut cmd = Command::new(binary());
        cmd.args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database",
            &self.database,
        ])
        .env("PAXRISK_DATA_DIR", self.dir.path())
        // Each test database has its keyring beside it (PostgreSQL ones would default to the
        // user's data directory).
        .env("PAXRISK_KEYRING", self.dir.path().join("keyring"))
        .env("PAXRISK_WORKER_IDLE_MS", "50")
        .stdout(log.try_clone().unwrap())
        .stderr(log);
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.server = Some(cmd.spawn().expect("spawn paxrisk serve"));
        let t0 = Instant::now();
        while t0.elapsed() < Duration::from_secs(60) {
            if self
                .client
                .get(format!("{}/healthz", self.base))
                .send()
                .map(|r| r.status() == 200)
                .unwrap_or(false)
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("server never answered /healthz; log: {}", self.log());
    }

    /// Logs in with a password and returns status and body (no assertion).
    pub fn try_login(&self, name: &str, password: &str) -> (u16, Value) {
        self.json(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&serde_json::json!({"username": name, "password": password})),
        )
    }

    /// Posts a manifest as `carrier_token` and waits until the queue (seen by `officer_token`)
    /// holds an item for `surname`; returns that item.
    pub fn flagged(
        &self,
        carrier_token: &str,
        officer_token: &str,
        manifest: &str,
        surname: &str,
    ) -> Value {
        let (s, b) = self.http(
            "POST",
            "/api/v1/messages",
            Some(carrier_token),
            Some((manifest.as_bytes(), "application/edifact")),
        );
        assert_eq!(s, 202, "{}", String::from_utf8_lossy(&b));
        let items = self.queue_until(officer_token, |i| {
            i.iter().any(|x| x["traveller"]["surname"] == surname)
        });
        items
            .into_iter()
            .find(|x| x["traveller"]["surname"] == surname)
            .unwrap_or_else(|| panic!("{surname} never queued"))
    }
}

/// A PNR push for `f` with one booking per traveller, record locators `LOCATOR000`, `LOCATOR001`…
pub fn pnr_push_of(
    f: &paxrisk_parsers::Flight,
    people: Vec<paxrisk_parsers::Traveller>,
    locator: &str,
) -> paxrisk_parsers::PnrPush {
    let segment = segment_of(f);
    let pnrs = people
        .into_iter()
        .enumerate()
        .map(|(i, t)| paxrisk_parsers::Pnr {
            record_locator: format!("{locator}{i:03}").into(),
            travellers: vec![t],
            itinerary: vec![segment.clone()],
            ..paxrisk_parsers::Pnr::default()
        })
        .collect();
    paxrisk_parsers::PnrPush {
        flight: f.clone(),
        pnrs,
        ..paxrisk_parsers::PnrPush::default()
    }
}

/// The itinerary segment `f` flies: its carrier, number and first leg (for PNRs booked on it).
pub fn segment_of(f: &paxrisk_parsers::Flight) -> paxrisk_parsers::Segment {
    let leg = &f.legs[0];
    paxrisk_parsers::Segment {
        carrier: f.carrier.clone(),
        number: f.number.clone(),
        origin: leg.origin.clone(),
        destination: leg.destination.clone(),
        departure_local: leg.departure_local.clone(),
        arrival_local: leg.arrival_local.clone(),
        operating_carrier: None,
    }
}
