//! Database outage (issue 11): PostgreSQL goes away for a while and comes back. The shared
//! server is never stopped: a TCP proxy in this test stands between paxrisk and PostgreSQL, and
//! "stopping the database" is closing every proxied connection and refusing new ones. During the
//! outage intake answers 503 with a Retry-After header and a JSON body, the server stays up;
//! afterwards work resumes by itself and every acknowledged message is processed exactly once.
//! The same on a real server, stopped with pg_ctlcluster: `scripts/outage-postgres.sh`.

mod common;
#[path = "common/store.rs"]
mod store;

use std::collections::BTreeMap;
use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use store::{post_until_accepted, prove_exactly_once, wait_processed, Posted};

/// A TCP proxy that can play a database outage.
struct Proxy {
    addr: SocketAddr,
    up: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
    refused: Arc<AtomicUsize>,
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    let mut buf = [0u8; 16 * 1024];
    loop {
        match from.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                if to.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = from.shutdown(Shutdown::Both);
    let _ = to.shutdown(Shutdown::Both);
}

impl Proxy {
    fn start(upstream: SocketAddr) -> Proxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let proxy = Proxy {
            addr: listener.local_addr().unwrap(),
            up: Arc::new(AtomicBool::new(true)),
            stop: Arc::default(),
            open: Arc::default(),
            refused: Arc::default(),
        };
        let (up, stop, open, refused) = (
            proxy.up.clone(),
            proxy.stop.clone(),
            proxy.open.clone(),
            proxy.refused.clone(),
        );
        std::thread::spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                match listener.accept() {
                    Ok((client, _)) => {
                        client.set_nonblocking(false).unwrap();
                        if !up.load(Ordering::SeqCst) {
                            refused.fetch_add(1, Ordering::Relaxed);
                            let _ = client.shutdown(Shutdown::Both);
                            continue;
                        }
                        let Ok(server) = TcpStream::connect(upstream) else {
                            continue;
                        };
                        {
                            let mut o = open.lock().unwrap();
                            o.push(client.try_clone().unwrap());
                            o.push(server.try_clone().unwrap());
                        }
                        let (c2, s2) = (client.try_clone().unwrap(), server.try_clone().unwrap());
                        std::thread::spawn(move || pipe(client, server));
                        std::thread::spawn(move || pipe(s2, c2));
                    }
                    Err(e) if e.kind() == ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(5))
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
        proxy
    }

    /// The database "stops": every open connection is cut, new ones are closed at once.
    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        for s in self.open.lock().unwrap().drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    /// The database is back.
    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        self.down();
    }
}

/// host:port of a postgres:// URL.
fn host_port(url: &str) -> String {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let rest = rest.rsplit_once('@').map(|(_, r)| r).unwrap_or(rest);
    let hp = rest.split('/').next().unwrap_or(rest);
    if hp.contains(':') {
        hp.to_string()
    } else {
        format!("{hp}:5432")
    }
}

#[test]
fn postgres_outage_answers_503_and_recovers() {
    let Some(mut app) = TestApp::new(Backend::Postgres) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    let direct = app.database.clone();
    let upstream_hp = host_port(&direct);
    let upstream = upstream_hp
        .to_socket_addrs()
        .expect("PostgreSQL address")
        .next()
        .unwrap();
    let proxy = Proxy::start(upstream);
    app.database = direct.replacen(&upstream_hp, &proxy.addr.to_string(), 1);
    app.start_with_env(&[("PAXRISK_LEASE_SECONDS", "2")]);
    let token = app.login("zz-carrier");
    let base = Arc::new(Mutex::new(app.base.clone()));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(240);

    // Before: traffic flows.
    let mut acked: Vec<(usize, Posted)> = (0..60)
        .map(|i| {
            let b = store::message(i, "O");
            (
                i,
                post_until_accepted(&client, &base, &token, b.as_bytes(), deadline),
            )
        })
        .collect();

    // Senders keep posting through the outage, each retrying until it gets its 202.
    let next = Arc::new(AtomicUsize::new(60));
    let total = 400;
    let shared: Arc<Mutex<Vec<(usize, Posted)>>> = Arc::default();
    let senders: Vec<_> = (0..4)
        .map(|_| {
            let (base, next, shared, token) =
                (base.clone(), next.clone(), shared.clone(), token.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .unwrap();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= total {
                        return;
                    }
                    let b = store::message(i, "O");
                    let p = post_until_accepted(&client, &base, &token, b.as_bytes(), deadline);
                    shared.lock().unwrap().push((i, p));
                    std::thread::sleep(Duration::from_millis(50));
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(700));

    // The outage: longer than the pool's 10 s wait for a connection, so intake has to answer.
    proxy.down();
    let outage = Instant::now();
    let mut probes = Vec::new();
    while outage.elapsed() < Duration::from_secs(16) {
        // The process is alive and serving HTTP, and its health check tells the database is gone.
        let health = client
            .get(format!("{}/healthz", app.base))
            .send()
            .expect("the server went away during the outage");
        assert_eq!(health.status().as_u16(), 503, "health during the outage");
        std::thread::sleep(Duration::from_millis(500));
    }
    // One probe from a fresh request during the outage, looked at in full.
    let probe_bytes = store::message(total, "O");
    let probe_t0 = Instant::now();
    let probe = client
        .post(format!("{}/api/v1/messages", app.base))
        .bearer_auth(&token)
        .body(probe_bytes.clone())
        .send()
        .expect("the server answers during the outage");
    let probe_status = probe.status().as_u16();
    let probe_took = probe_t0.elapsed();
    let probe_retry = probe
        .headers()
        .get("retry-after")
        .and_then(|h| h.to_str().ok())
        .map(str::to_string);
    let probe_body: serde_json::Value = probe.json().unwrap_or_default();
    probes.push((probe_status, probe_retry.clone(), probe_body.clone()));
    let outage_len = outage.elapsed();
    proxy.restore();
    assert_eq!(
        probe_status, 503,
        "intake during the outage: {probe_status} {probe_body}"
    );
    assert!(
        probe_retry
            .as_deref()
            .and_then(|r| r.parse::<u32>().ok())
            .is_some(),
        "503 without a Retry-After in seconds"
    );
    assert_eq!(probe_body["code"], "unavailable", "{probe_body}");

    // After: the same process (no restart) takes traffic and finishes the work by itself.
    for s in senders {
        s.join().expect("sender");
    }
    acked.extend(shared.lock().unwrap().drain(..));
    let probe_ack = post_until_accepted(&client, &base, &token, probe_bytes.as_bytes(), deadline);
    acked.push((total, probe_ack));
    wait_processed(&app, Duration::from_secs(120));

    let statuses: Vec<(u16, bool, String)> = acked
        .iter()
        .flat_map(|(_, p)| p.statuses.iter().cloned())
        .collect();
    for (s, retry, code) in &statuses {
        assert!(
            *s == 503 && *retry && code == "unavailable",
            "a sender saw {s} {code} (retry-after: {retry}) during the outage"
        );
    }
    assert!(
        !statuses.is_empty(),
        "no sender saw a 503 during a {outage_len:?} outage"
    );
    let by_id: BTreeMap<String, usize> = acked
        .iter()
        .map(|(i, p)| (p.id.clone(), store::travellers(*i)))
        .collect();
    assert_eq!(by_id.len(), total + 1);
    // Read through the direct URL: the proof does not depend on the proxy.
    app.database = direct;
    let summary = prove_exactly_once(&app, &by_id);
    let log = app.log();
    assert!(!log.contains("panicked"), "a thread panicked: {log}");
    assert!(
        log.contains("database unavailable"),
        "the outage is logged as such"
    );
    eprintln!(
        "outage of {outage_len:.1?}: {} sender 503(s) with Retry-After (a fresh request's 503 \
         came after {probe_took:.1?}), {} connection(s) refused by the stopped database, server \
         never restarted; {summary}",
        statuses.len(),
        proxy.refused.load(Ordering::Relaxed)
    );
}
