//! Notification e-mail through a real SMTP conversation: the test runs a tiny SMTP server on
//! loopback (enough of RFC 5321 for a client: greeting, EHLO, MAIL, RCPT, DATA, QUIT) and the
//! real `paxrisk serve` sends to it with lettre. Subscribed officers hear of a high-band item of
//! a flight landing soon, and no one else does; account holders hear of their account events;
//! no mail names a traveller.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{manifest, Backend, TestApp};
use serde_json::json;

/// One message the sink received.
#[derive(Debug, Clone)]
struct Mail {
    recipients: Vec<String>,
    data: String,
}

/// A loopback SMTP server that accepts everything and keeps it.
struct Sink {
    port: u16,
    mails: Arc<Mutex<Vec<Mail>>>,
}

impl Sink {
    fn start() -> Sink {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let mails = Arc::new(Mutex::new(Vec::new()));
        let store = mails.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let store = store.clone();
                std::thread::spawn(move || {
                    let _ = converse(conn, &store);
                });
            }
        });
        Sink { port, mails }
    }

    /// Waits until `pred` holds on the mail so far (or 20 s pass); returns the mail.
    fn wait(&self, pred: impl Fn(&[Mail]) -> bool) -> Vec<Mail> {
        let t0 = Instant::now();
        loop {
            let mails = self.mails.lock().unwrap().clone();
            if pred(&mails) || t0.elapsed() > Duration::from_secs(20) {
                return mails;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

fn converse(conn: TcpStream, store: &Mutex<Vec<Mail>>) -> std::io::Result<()> {
    let mut out = conn.try_clone()?;
    let mut lines = BufReader::new(conn);
    out.write_all(b"220 sink.test ESMTP\r\n")?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        match verb.as_str() {
            "EHLO" | "HELO" => out.write_all(b"250-sink.test\r\n250 8BITMIME\r\n")?,
            "MAIL" => {
                recipients.clear();
                out.write_all(b"250 OK\r\n")?
            }
            "RCPT" => {
                let addr = line.split(['<', '>']).nth(1).unwrap_or("").to_string();
                recipients.push(addr);
                out.write_all(b"250 OK\r\n")?
            }
            "DATA" => {
                out.write_all(b"354 go ahead\r\n")?;
                let mut data = String::new();
                loop {
                    line.clear();
                    lines.read_line(&mut line)?;
                    if line == ".\r\n" || line.is_empty() {
                        break;
                    }
                    data.push_str(&line);
                }
                store.lock().unwrap().push(Mail {
                    recipients: recipients.clone(),
                    data,
                });
                out.write_all(b"250 queued\r\n")?
            }
            "QUIT" => {
                out.write_all(b"221 bye\r\n")?;
                return Ok(());
            }
            _ => out.write_all(b"250 OK\r\n")?,
        }
    }
}

fn subject_has(m: &Mail, s: &str) -> bool {
    m.data
        .lines()
        .any(|l| l.starts_with("Subject:") && l.contains(s))
}

fn notifications(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    let sink = Sink::start();
    app.user("chief", "admin", None);
    app.user("zz-carrier", "airline", Some("ZZ"));
    let out = app.cli(
        &[
            "watchlist",
            "import",
            "--name",
            "test-list",
            "--format",
            "csv",
            &format!(
                "{}/../fixtures/watchlists/e2e.csv",
                env!("CARGO_MANIFEST_DIR")
            ),
        ],
        None,
    );
    assert!(out.status.success());
    let port = sink.port.to_string();
    app.start_with_env(&[
        ("PAXRISK_SMTP_HOST", "127.0.0.1"),
        ("PAXRISK_SMTP_PORT", &port),
        ("PAXRISK_SMTP_FROM", "paxrisk@customs.example"),
        ("PAXRISK_MAX_FAILED_LOGINS", "2"),
    ]);
    let admin = app.login("chief");
    let pw = "Copper-Meadow-42-Signal";
    for (name, email, subscribed) in [
        ("duty-officer", "duty@customs.example", true),
        ("quiet-officer", "quiet@customs.example", false),
    ] {
        let body = json!({"username": name, "password": pw, "role": "officer", "email": email, "notify_high_hits": subscribed});
        assert_eq!(
            app.json("POST", "/api/v1/users", Some(&admin), Some(&body))
                .0,
            201
        );
    }
    // Account events reach the account holder.
    let mails = sink.wait(|m| {
        m.iter()
            .filter(|x| subject_has(x, "account was created"))
            .count()
            == 2
    });
    let created: Vec<&Mail> = mails
        .iter()
        .filter(|m| subject_has(m, "account was created"))
        .collect();
    assert_eq!(created.len(), 2, "{mails:?}");
    assert!(created
        .iter()
        .any(|m| m.recipients == ["duty@customs.example"]));

    // A watchlisted traveller on a flight landing in two hours: the subscribed officer hears.
    let (s, b) = app.try_login("duty-officer", pw);
    assert_eq!(s, 200);
    let officer = b["token"].as_str().unwrap().to_string();
    let now = Utc::now().naive_utc();
    let text = manifest(
        "501",
        now - chrono::Duration::hours(3),
        now + chrono::Duration::hours(2),
        &[("VANTERPOLL", "AMBROSE", "660519", "GBR", "QP1234567")],
        "01:F",
        "81",
    );
    let zz = app.login("zz-carrier");
    let item = app.flagged(&zz, &officer, &text, "VANTERPOLL");
    let mails = sink.wait(|m| m.iter().any(|x| subject_has(x, "High-band")));
    let high: Vec<&Mail> = mails
        .iter()
        .filter(|m| subject_has(m, "High-band"))
        .collect();
    assert_eq!(high.len(), 1, "one notice per item: {mails:?}");
    assert_eq!(
        high[0].recipients,
        ["duty@customs.example"],
        "only the subscriber"
    );
    assert!(high[0].data.contains("ZZ501"));
    assert!(high[0].data.contains(item["id"].as_str().unwrap()));
    assert!(
        !high[0].data.contains("quiet@"),
        "no recipient sees the others"
    );

    // Repeated failed logins lock the account and tell its holder.
    for _ in 0..2 {
        assert_eq!(app.try_login("quiet-officer", "not-the-right-one").0, 401);
    }
    let mails = sink.wait(|m| m.iter().any(|x| subject_has(x, "locked")));
    let locked: Vec<&Mail> = mails.iter().filter(|m| subject_has(m, "locked")).collect();
    assert_eq!(locked.len(), 1, "{mails:?}");
    assert_eq!(locked[0].recipients, ["quiet@customs.example"]);

    for m in &mails {
        for secret in ["VANTERPOLL", "AMBROSE", "QP1234567", pw] {
            assert!(!m.data.contains(secret), "{secret} is in an e-mail");
        }
    }
    // No address reaches the log.
    assert!(
        !app.log().contains("@customs.example"),
        "an address is in the server log"
    );
}

#[test]
fn notifications_on_sqlite() {
    notifications(Backend::Sqlite);
}

#[test]
fn notifications_on_postgres() {
    notifications(Backend::Postgres);
}
