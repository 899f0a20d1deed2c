//! Scale-out (issue 10): two `paxrisk serve` processes on one PostgreSQL share the work. Every
//! message is processed exactly once, and the messages of one flight are loaded in the order
//! they were received, although the two servers take work at the same time.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::{binary, Backend, TestApp};

/// Flights, and successive manifests of each (every one a full, distinct version). Few flights
/// with many versions, so that the oldest waiting messages often belong to one flight and the
/// workers would load them side by side if nothing kept them in order.
const FLIGHTS: usize = 8;
const VERSIONS: usize = 250;
const TRAVELLERS: usize = 3;

/// A server on the test database, with its own data folder.
struct Server {
    child: Child,
    base: String,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start(database: &str, role: &str, keyring: &std::path::Path) -> Server {
        let dir = tempfile::tempdir().unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let log = std::fs::File::create(dir.path().join("server.log")).unwrap();
        let child = Command::new(binary())
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .args(["--database", database, "--role", role])
            .env("PAXRISK_DATA_DIR", dir.path())
            // Several servers share one keyring file (README "Backup and restore").
            .env("PAXRISK_KEYRING", keyring)
            .env("PAXRISK_WORKER_IDLE_MS", "20")
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            .stdin(Stdio::null())
            .spawn()
            .expect("spawn a server");
        let base = format!("http://127.0.0.1:{port}");
        let t0 = Instant::now();
        while reqwest::blocking::get(format!("{base}/healthz"))
            .map(|r| r.status() != 200)
            .unwrap_or(true)
        {
            assert!(
                t0.elapsed() < Duration::from_secs(60),
                "a server never answered /healthz"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Server {
            child,
            base,
            _dir: dir,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs SQL on the test database and returns the rows, fields separated by tabs.
fn psql(database: &str, sql: &str) -> Vec<Vec<String>> {
    let out = Command::new("psql")
        .args([database, "-XAtq", "-F", "\t", "-c", sql])
        .output()
        .expect("run psql");
    assert!(
        out.status.success(),
        "psql: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.split('\t').map(str::to_string).collect())
        .collect()
}

fn counter(base: &str, name: &str) -> f64 {
    let text = reqwest::blocking::get(format!("{base}/metrics"))
        .and_then(|r| r.text())
        .unwrap_or_default();
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.trim().parse().ok())
        .unwrap_or(0.0)
}

#[test]
fn two_servers_process_every_message_once_in_flight_order() {
    let Some(mut app) = TestApp::new(Backend::Postgres) else {
        return;
    };
    app.user("carrier", "airline", Some("ZZ"));
    let keyring = app.dir.path().join("keyring");
    // First both servers only take messages (role `api`), so that a backlog builds up; then both
    // restart with every role and share the backlog and further messages posted meanwhile.
    let mut servers = [
        Server::start(&app.database, "api", &keyring),
        Server::start(&app.database, "api", &keyring),
    ];
    app.base = servers[0].base.clone();
    let token = app.login("carrier");
    let backlog = VERSIONS * 4 / 5;
    let mut accepted = post_versions(&servers, &token, 0..backlog);
    servers = [
        Server::start(&app.database, "all", &keyring),
        Server::start(&app.database, "all", &keyring),
    ];
    accepted.extend(post_versions(&servers, &token, backlog..VERSIONS));
    let total = FLIGHTS * VERSIONS;
    assert_eq!(accepted.len(), total);

    // Wait until both servers have loaded and screened everything.
    let t0 = Instant::now();
    loop {
        let left = psql(
            &app.database,
            "SELECT (SELECT count(*) FROM messages WHERE state IN ('received', 'processing')) \
             + (SELECT count(*) FROM jobs)",
        );
        if left[0][0] == "0" {
            break;
        }
        assert!(
            t0.elapsed() < Duration::from_secs(300),
            "{} messages or jobs still open after 5 minutes",
            left[0][0]
        );
        std::thread::sleep(Duration::from_millis(250));
    }

    let states = psql(
        &app.database,
        "SELECT state, count(*) FROM messages GROUP BY state",
    );
    assert_eq!(
        states,
        vec![vec!["screened".to_string(), total.to_string()]],
        "every message loaded and screened"
    );

    // Exactly once: each message was claimed once, and loaded one version per traveller.
    let rows = psql(
        &app.database,
        "SELECT m.id, m.attempts, m.load_order, m.order_key, m.received_at, \
         (SELECT count(*) FROM traveller_versions v WHERE v.message_id = m.id) \
         FROM messages m",
    );
    assert_eq!(
        rows.len(),
        total,
        "one stored message per acknowledged post"
    );
    let by_id: HashMap<&str, &Vec<String>> = rows.iter().map(|r| (r[0].as_str(), r)).collect();
    // A claim whose transaction failed (and rolled back) is retried: that is a second claim, not a
    // second load. What proves a single load is one version per traveller and one load order.
    let mut retried = 0;
    for (_, _, id) in &accepted {
        let row = by_id
            .get(id.as_str())
            .expect("every acknowledged message is stored");
        retried += usize::from(row[1] != "1");
        assert_eq!(
            row[5],
            TRAVELLERS.to_string(),
            "each traveller version stored exactly once"
        );
        assert!(!row[2].is_empty(), "every message has a load order");
    }

    eprintln!("messages claimed more than once (retried after a rollback): {retried}");
    let orders: std::collections::HashSet<&str> = rows.iter().map(|r| r[2].as_str()).collect();
    assert_eq!(orders.len(), total, "load order numbers are unique");

    // Per-flight order: within a flight, versions were loaded in the order they were posted.
    let mut per_flight: HashMap<usize, Vec<(usize, i64)>> = HashMap::new();
    for (f, v, id) in &accepted {
        let load_order: i64 = by_id[id.as_str()][2].parse().unwrap();
        per_flight.entry(*f).or_default().push((*v, load_order));
    }
    assert_eq!(per_flight.len(), FLIGHTS);
    for (f, mut loads) in per_flight {
        loads.sort();
        for w in loads.windows(2) {
            assert!(
                w[0].1 < w[1].1,
                "flight {f}: version {} was loaded after version {}",
                w[0].0,
                w[1].0
            );
        }
    }
    let keys = psql(
        &app.database,
        "SELECT count(DISTINCT order_key), count(*) FILTER (WHERE order_key IS NULL) FROM messages",
    );
    assert_eq!(keys[0], vec![FLIGHTS.to_string(), "0".to_string()]);

    // Both servers did part of the work, and each flight's travellers hold its last version.
    let a = counter(&servers[0].base, "paxrisk_messages_processed_total");
    let b = counter(&servers[1].base, "paxrisk_messages_processed_total");
    assert_eq!(a + b, total as f64, "processed counts: {a} + {b}");
    assert!(
        a > 0.0 && b > 0.0,
        "both servers processed messages: {a}, {b}"
    );
    // The same three people are on every version (same passports, a new given name each time):
    // what the store holds as current is the last version posted.
    let current = psql(
        &app.database,
        &format!(
            "SELECT count(*), count(*) FILTER (WHERE data LIKE '%V{:03}%') FROM travellers",
            VERSIONS - 1
        ),
    );
    assert_eq!(
        current[0],
        vec![
            (FLIGHTS * TRAVELLERS).to_string(),
            (FLIGHTS * TRAVELLERS).to_string()
        ],
        "travellers, and those whose current data is the last version"
    );
}

/// Posts versions `versions` of every flight, one thread per flight: each flight's versions go
/// out one after the other (a 202 means the message is stored, so the received order is the
/// posting order), alternating between the servers, while the other threads post other flights'.
/// Returns (flight, version, message id) of each accepted message.
fn post_versions(
    servers: &[Server; 2],
    token: &str,
    versions: std::ops::Range<usize>,
) -> Vec<(usize, usize, String)> {
    let bases = [servers[0].base.clone(), servers[1].base.clone()];
    let dep = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .unwrap()
        .and_hms_opt(1, 0, 0)
        .unwrap();
    let threads = FLIGHTS;
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let (token, bases, versions) = (token.to_string(), bases.clone(), versions.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::new();
                let mut accepted = Vec::new();
                for v in versions {
                    for f in (t..FLIGHTS).step_by(threads) {
                        let people: Vec<(String, String, String)> = (0..TRAVELLERS)
                            .map(|i| {
                                (
                                    format!("ORDERTEST{}", ["A", "B", "C"][i]),
                                    format!("V{v:03}"),
                                    format!("P{f:03}{i}"),
                                )
                            })
                            .collect();
                        let rows: Vec<(&str, &str, &str, &str, &str)> = people
                            .iter()
                            .map(|(s, g, p)| (s.as_str(), g.as_str(), "800101", "FRA", p.as_str()))
                            .collect();
                        let body = common::manifest(
                            &format!("{}", 500 + f),
                            dep,
                            dep + chrono::Duration::hours(7),
                            &rows,
                            "",
                            &format!("R{f}V{v}"),
                        );
                        let base = &bases[(f + v) % 2];
                        let r = client
                            .post(format!("{base}/api/v1/messages"))
                            .bearer_auth(&token)
                            .body(body)
                            .send()
                            .expect("post a message");
                        assert_eq!(r.status().as_u16(), 202);
                        let id = r.json::<serde_json::Value>().unwrap()["id"]
                            .as_str()
                            .unwrap()
                            .to_string();
                        accepted.push((f, v, id));
                    }
                }
                accepted
            })
        })
        .collect();
    handles
        .into_iter()
        .flat_map(|h| h.join().expect("posting thread"))
        .collect()
}
