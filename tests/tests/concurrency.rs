//! Concurrency (issue 11): 50 senders post at once while officers read the queue and race to
//! claim every item that appears. No response is a 5xx or says "database is locked" (SQLite's
//! single writer is the point of the test; PostgreSQL runs the same), every message is loaded
//! exactly once, and every item has exactly one winning claim.

mod common;
#[path = "common/store.rs"]
mod store;

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Barrier, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, TestApp};

const WRITERS: usize = 50;
const PER_WRITER: usize = 8;
const OFFICERS: usize = 6;
/// Every `PLANT_EVERY`-th message carries a listed person, so the queue fills while senders post.
const PLANT_EVERY: usize = 20;

fn fifty_writers(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    let total = WRITERS * PER_WRITER;
    // A list naming the first traveller of every planted message.
    let mut csv = String::from(
        "surname,given_names,date_of_birth,nationality,gender,document_number,document_country,category\n",
    );
    for i in (0..total).step_by(PLANT_EVERY) {
        csv.push_str(&format!(
            "KR{}W,Anna,1980-01-01,NOR,F,,,test: made-up person\n",
            store::letters(i)
        ));
    }
    let list = app.dir.path().join("list.csv");
    std::fs::write(&list, csv).unwrap();
    let out = app.cli(
        &[
            "watchlist",
            "import",
            "--name",
            "concurrency",
            "--format",
            "csv",
            list.to_str().unwrap(),
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.user("zz-carrier", "airline", Some("ZZ"));
    for o in 0..OFFICERS {
        app.user(&format!("officer-{o}"), "officer", None);
    }
    app.start();
    let airline = app.login("zz-carrier");
    let officers: Vec<String> = (0..OFFICERS)
        .map(|o| app.login(&format!("officer-{o}")))
        .collect();
    let base = app.base.clone();
    let client = || {
        reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .unwrap()
    };

    let start = Arc::new(Barrier::new(WRITERS + OFFICERS));
    let writers_done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let acked: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let bad: Arc<Mutex<Vec<String>>> = Arc::default();
    let t0 = Instant::now();
    let mut threads = Vec::new();
    for w in 0..WRITERS {
        let (start, acked, bad, done, base, token, http) = (
            start.clone(),
            acked.clone(),
            bad.clone(),
            writers_done.clone(),
            base.clone(),
            airline.clone(),
            client(),
        );
        threads.push(std::thread::spawn(move || {
            start.wait();
            for k in 0..PER_WRITER {
                let i = w * PER_WRITER + k;
                let r = http
                    .post(format!("{base}/api/v1/messages"))
                    .bearer_auth(&token)
                    .body(store::message(i, "W"))
                    .send()
                    .expect("the server answers");
                let status = r.status().as_u16();
                let body = r.text().unwrap_or_default();
                if status != 202 || body.contains("database is locked") {
                    bad.lock()
                        .unwrap()
                        .push(format!("POST message {i}: {status} {body}"));
                    continue;
                }
                let id = serde_json::from_str::<serde_json::Value>(&body).unwrap()["id"]
                    .as_str()
                    .unwrap()
                    .to_string();
                acked.lock().unwrap().insert(id, store::travellers(i));
            }
            done.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }));
    }
    let planted = total.div_ceil(PLANT_EVERY);
    let wins: Arc<Mutex<Vec<(String, usize)>>> = Arc::default();
    let claims = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    // Set once every message is processed: each officer then reads the queue once more and stops.
    let settled = Arc::new(std::sync::atomic::AtomicBool::new(false));
    for (o, token) in officers.iter().enumerate() {
        let (start, bad, settled, base, token, http, wins, claims) = (
            start.clone(),
            bad.clone(),
            settled.clone(),
            base.clone(),
            token.clone(),
            client(),
            wins.clone(),
            claims.clone(),
        );
        threads.push(std::thread::spawn(move || {
            start.wait();
            let mut tried = HashSet::new();
            let t0 = Instant::now();
            loop {
                let last = settled.load(std::sync::atomic::Ordering::SeqCst);
                let r = http
                    .get(format!("{base}/api/v1/queue?all=true&limit=1000"))
                    .bearer_auth(&token)
                    .send()
                    .expect("the server answers");
                let status = r.status().as_u16();
                let body = r.text().unwrap_or_default();
                if status != 200 || body.contains("database is locked") {
                    bad.lock()
                        .unwrap()
                        .push(format!("GET queue: {status} {body}"));
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                let ids: Vec<String> = v["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|x| x["id"].as_str().map(str::to_string))
                    .collect();
                for id in &ids {
                    if !tried.insert(id.clone()) {
                        continue;
                    }
                    claims.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let r = http
                        .post(format!("{base}/api/v1/queue/{id}/claim"))
                        .bearer_auth(&token)
                        .send()
                        .expect("the server answers");
                    let status = r.status().as_u16();
                    let body = r.text().unwrap_or_default();
                    match status {
                        200 => wins.lock().unwrap().push((id.clone(), o)),
                        409 => {}
                        _ => bad
                            .lock()
                            .unwrap()
                            .push(format!("claim {id}: {status} {body}")),
                    }
                }
                if last || t0.elapsed() > Duration::from_secs(180) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        }));
    }
    while writers_done.load(std::sync::atomic::Ordering::SeqCst) < WRITERS {
        std::thread::sleep(Duration::from_millis(50));
    }
    let elapsed = t0.elapsed();
    store::wait_processed(&app, Duration::from_secs(120));
    settled.store(true, std::sync::atomic::Ordering::SeqCst);
    for t in threads {
        t.join().expect("client thread");
    }
    let bad = bad.lock().unwrap();
    assert!(
        bad.is_empty(),
        "{} bad response(s): {:?}",
        bad.len(),
        &bad[..bad.len().min(5)]
    );
    let acked = acked.lock().unwrap();
    assert_eq!(acked.len(), total);
    let summary = store::prove_exactly_once(&app, &acked);

    // Exactly one winner per item; every planted traveller's item was claimed.
    let wins = wins.lock().unwrap();
    let mut per_item: BTreeMap<&str, usize> = BTreeMap::new();
    for (id, _) in wins.iter() {
        *per_item.entry(id).or_default() += 1;
    }
    assert!(
        per_item.values().all(|&n| n == 1),
        "an item was claimed by two officers: {per_item:?}"
    );
    let (s, q) = app.json(
        "GET",
        "/api/v1/queue?all=true&limit=1000",
        Some(&officers[0]),
        None,
    );
    assert_eq!(s, 200);
    let items: Vec<String> = q["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_string())
        .collect();
    assert!(
        items.len() >= planted,
        "{} items for {planted} listed travellers",
        items.len()
    );
    for id in &items {
        assert_eq!(
            per_item.get(id.as_str()),
            Some(&1),
            "item {id}: not exactly one winning claim"
        );
    }
    let log = app.log();
    assert!(
        !log.contains("database is locked"),
        "'database is locked' in the log"
    );
    assert!(!log.contains("panicked"), "a thread panicked");
    eprintln!(
        "{backend:?}: {WRITERS} senders × {PER_WRITER} messages and {OFFICERS} officers at once in \
         {elapsed:.1?}: 0 bad responses; {} claim attempts, {} items, one winner each; {summary}",
        claims.load(std::sync::atomic::Ordering::Relaxed),
        per_item.len()
    );
}

#[test]
fn fifty_concurrent_writers_on_sqlite() {
    fifty_writers(Backend::Sqlite);
}

#[test]
fn fifty_concurrent_writers_on_postgres() {
    fifty_writers(Backend::Postgres);
}
