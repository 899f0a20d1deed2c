//! Crash safety (issue 11): the server is killed with SIGKILL at random moments while client
//! threads post a few thousand distinct messages, and restarted each time; the clients retry
//! until they get a 202, as a sender would. Afterwards every acknowledged message is in the
//! store, processed, and loaded exactly once, with nothing half-loaded.
//!
//! Knobs (a longer soak: `scripts/soak-crash.sh`): `PAXRISK_CRASH_MESSAGES` (default 3000),
//! `PAXRISK_CRASH_KILLS` (default 6), `PAXRISK_CRASH_SEED` (default: from the clock; printed).

mod common;
#[path = "common/store.rs"]
mod store;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use rand::{Rng, SeedableRng};
use store::{post_until_accepted, prove_exactly_once, wait_processed, Posted};

fn knob(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Short leases, so a message whose worker was killed is taken over within seconds.
const ENV: &[(&str, &str)] = &[("PAXRISK_LEASE_SECONDS", "2")];

fn kill_and_restart(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    let messages = knob("PAXRISK_CRASH_MESSAGES", 3000).min(9000) as usize;
    let kills = knob("PAXRISK_CRASH_KILLS", 6);
    let seed = knob(
        "PAXRISK_CRASH_SEED",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos() as u64,
    );
    eprintln!(
        "crash test on {backend:?}: {messages} messages, {kills} kills, seed {seed} \
         (rerun with PAXRISK_CRASH_SEED={seed})"
    );
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.start_with_env(ENV);
    let token = app.login("zz-carrier");
    let base = Arc::new(Mutex::new(app.base.clone()));
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let acked: Arc<Mutex<Vec<(usize, Posted)>>> = Arc::default();
    let deadline = Instant::now() + Duration::from_secs(300.max(messages as u64 / 10));
    let t0 = Instant::now();
    let clients: Vec<_> = (0..4)
        .map(|_| {
            let (base, next, acked, token) =
                (base.clone(), next.clone(), acked.clone(), token.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(20))
                    .build()
                    .unwrap();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if i >= messages {
                        return;
                    }
                    let bytes = store::message(i, "C");
                    let posted =
                        post_until_accepted(&client, &base, &token, bytes.as_bytes(), deadline);
                    acked.lock().unwrap().push((i, posted));
                }
            })
        })
        .collect();

    // Kill at random moments while the clients post: when the number of acknowledgements passes
    // each of `kills` random marks, after a further random delay of up to 300 ms.
    let mut marks: Vec<usize> = (0..kills).map(|_| rng.gen_range(1..messages)).collect();
    marks.sort_unstable();
    let mut kill_log = Vec::new();
    // Each start truncates server.log: keep every run's log for the personal-data check.
    let mut log = String::new();
    let mut kill =
        |app: &mut TestApp, log: &mut String, what: String, rng: &mut rand::rngs::StdRng| {
            app.stop(); // SIGKILL: no shutdown code runs
            log.push_str(&app.log());
            kill_log.push(what);
            std::thread::sleep(Duration::from_millis(rng.gen_range(0..400)));
            app.start_with_env(ENV);
            *base.lock().unwrap() = app.base.clone();
        };
    for mark in marks {
        while acked.lock().unwrap().len() < mark && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(rng.gen_range(0..300)));
        let done = acked.lock().unwrap().len();
        kill(&mut app, &mut log, format!("{done} acks"), &mut rng);
    }
    for c in clients {
        c.join().expect("client thread");
    }
    let posting = t0.elapsed();
    // Then while the worker catches up: kills at random moments while messages wait.
    let mut during_processing = 0;
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(rng.gen_range(100..1500)));
        let waiting = store::Store::open(&app)
            .count("SELECT COUNT(*) AS n FROM messages WHERE state IN ('received', 'processing')");
        if waiting == 0 {
            break;
        }
        during_processing += 1;
        kill(&mut app, &mut log, format!("{waiting} waiting"), &mut rng);
    }
    wait_processed(&app, Duration::from_secs(180.max(messages as u64 / 10)));

    let acked = acked.lock().unwrap();
    assert_eq!(acked.len(), messages);
    let refused: usize = acked.iter().map(|(_, p)| p.refused).sum();
    let statuses: Vec<(u16, bool, String)> = acked
        .iter()
        .flat_map(|(_, p)| p.statuses.iter().cloned())
        .collect();
    for (s, retry_after, code) in &statuses {
        assert!(
            *s == 503 && *retry_after && code == "unavailable",
            "a sender saw {s} (only 503 with Retry-After is acceptable while restarting)"
        );
    }
    let by_id: BTreeMap<String, usize> = acked
        .iter()
        .map(|(i, p)| (p.id.clone(), store::travellers(*i)))
        .collect();
    assert_eq!(by_id.len(), messages, "two different messages got one id");
    let summary = prove_exactly_once(&app, &by_id);
    // Personal data stays out of the log across crashes too.
    log.push_str(&app.log());
    assert!(!log.contains("panicked"), "a thread panicked: {log}");
    for i in [0, messages / 2, messages - 1] {
        let surname = format!("KR{}C", store::letters(i));
        assert!(!log.contains(&surname), "a traveller name is in the log");
    }
    eprintln!(
        "crash test on {backend:?}, seed {seed}: {} kills ({during_processing} after intake); \
         posting took {posting:.1?}; {refused} attempt(s) found no server, {} 503(s); {summary}; \
         killed at: {}",
        kill_log.len(),
        statuses.len(),
        kill_log.join(", ")
    );
}

#[test]
fn sigkill_during_intake_on_sqlite() {
    kill_and_restart(Backend::Sqlite);
}

#[test]
fn sigkill_during_intake_on_postgres() {
    kill_and_restart(Backend::Postgres);
}
