//! Reading a test app's store directly, and the exactly-once proof of the reliability tests
//! (crash, outage, concurrency, backup): every acknowledged message is in the store, processed,
//! and loaded exactly once, with nothing half-loaded.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use diesel::prelude::*;

use crate::common::{manifest, Backend, TestApp};

/// A direct connection to a test app's database.
pub enum Store {
    Lite(SqliteConnection),
    Pg(PgConnection),
}

#[derive(QueryableByName)]
struct N {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct KN {
    #[diesel(sql_type = diesel::sql_types::Text)]
    k: String,
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct KV {
    #[diesel(sql_type = diesel::sql_types::Text)]
    k: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

impl Store {
    /// Opens the app's database (SQLite: waits on a busy writer instead of failing).
    pub fn open(app: &TestApp) -> Store {
        Self::open_url(app.backend, &app.database)
    }

    /// Opens a database by URL.
    pub fn open_url(backend: Backend, url: &str) -> Store {
        match backend {
            Backend::Sqlite => {
                let path = url.trim_start_matches("sqlite://");
                let mut c = SqliteConnection::establish(path).expect("open the SQLite store");
                diesel::connection::SimpleConnection::batch_execute(
                    &mut c,
                    "PRAGMA busy_timeout = 30000",
                )
                .unwrap();
                Store::Lite(c)
            }
            Backend::Postgres => Store::Pg(PgConnection::establish(url).expect("open PostgreSQL")),
        }
    }

    /// `SELECT COUNT(*) AS n ...`: one number.
    pub fn count(&mut self, sql: &str) -> i64 {
        let q = diesel::sql_query(sql);
        let r: N = match self {
            Store::Lite(c) => q.get_result(c),
            Store::Pg(c) => q.get_result(c),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
        r.n
    }

    /// `SELECT x AS k, COUNT(*) AS n ... GROUP BY x`: key → number.
    pub fn counts(&mut self, sql: &str) -> BTreeMap<String, i64> {
        let q = diesel::sql_query(sql);
        let rows: Vec<KN> = match self {
            Store::Lite(c) => q.load(c),
            Store::Pg(c) => q.load(c),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter().map(|r| (r.k, r.n)).collect()
    }

    /// `SELECT x AS k, y AS v ...`: key → text.
    pub fn pairs(&mut self, sql: &str) -> BTreeMap<String, String> {
        let q = diesel::sql_query(sql);
        let rows: Vec<KV> = match self {
            Store::Lite(c) => q.load(c),
            Store::Pg(c) => q.load(c),
        }
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
        rows.into_iter().map(|r| (r.k, r.v)).collect()
    }
}

#[derive(QueryableByName)]
struct Raw {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Binary>)]
    raw: Option<Vec<u8>>,
}

/// The raw bytes of every message as stored (sealed, or as received for older rows).
pub fn raw_messages(app: &TestApp) -> Vec<Vec<u8>> {
    let q = diesel::sql_query("SELECT raw FROM message_bytes");
    let rows: Vec<Raw> = match Store::open(app) {
        Store::Lite(mut c) => q.load(&mut c),
        Store::Pg(mut c) => q.load(&mut c),
    }
    .expect("read raw messages");
    rows.into_iter().filter_map(|r| r.raw).collect()
}

/// Sets every message's raw bytes, also where retention deleted them (`WHERE TRUE`: SQLite's
/// parser needs it before `ON CONFLICT` in an `INSERT … SELECT`).
const SET_RAW_IN_CLEAR: &str = "INSERT INTO message_bytes (message_id, raw, sealed) \
     SELECT id, $1, FALSE FROM messages WHERE TRUE \
     ON CONFLICT (message_id) DO UPDATE SET raw = excluded.raw, sealed = FALSE";

/// Stores `bytes` in clear as every message's raw bytes, as an install before sealing did.
pub fn set_raw_in_clear(app: &TestApp, bytes: &[u8]) {
    use diesel::sql_types::Binary;
    let n = match Store::open(app) {
        Store::Lite(mut c) => diesel::sql_query(SET_RAW_IN_CLEAR.replace("$1", "?"))
            .bind::<Binary, _>(bytes)
            .execute(&mut c),
        Store::Pg(mut c) => diesel::sql_query(SET_RAW_IN_CLEAR)
            .bind::<Binary, _>(bytes)
            .execute(&mut c),
    }
    .expect("store raw bytes in clear");
    assert!(n > 0);
}

/// The bytes of test message `i` (its own flight ZZ`i`, `travellers(i)` travellers with made-up
/// names and passports); `tag` keeps the bytes of different tests apart.
pub fn message(i: usize, tag: &str) -> String {
    let now = chrono::Utc::now().naive_utc();
    let dep = now + chrono::Duration::hours(2) + chrono::Duration::minutes(i as i64 % 600);
    let arr = dep + chrono::Duration::hours(5);
    let names = ["ANNA", "BORIS", "CLARA", "DMITRI", "EVA"];
    let surname = format!("KR{}{}", letters(i), tag);
    let people: Vec<(String, String, String)> = (0..travellers(i))
        .map(|j| {
            (
                surname.clone(),
                names[j].to_string(),
                format!("K{tag}{i:06}{j}"),
            )
        })
        .collect();
    let rows: Vec<(&str, &str, &str, &str, &str)> = people
        .iter()
        .map(|(s, g, p)| (s.as_str(), g.as_str(), "800101", "NOR", p.as_str()))
        .collect();
    manifest(
        &format!("{}", i + 1),
        dep,
        arr,
        &rows,
        "01:F",
        &format!("{}", i + 1),
    )
}

/// How many travellers message `i` carries (1 to 4).
pub fn travellers(i: usize) -> usize {
    1 + i % 4
}

/// Digits as letters (names hold no digits).
pub fn letters(i: usize) -> String {
    i.to_string()
        .bytes()
        .map(|d| (b'A' + (d - b'0')) as char)
        .collect()
}

/// Waits until nothing is `received` or `processing` and no screening job is left.
pub fn wait_processed(app: &TestApp, timeout: Duration) {
    let mut store = Store::open(app);
    let t0 = Instant::now();
    loop {
        let waiting = store
            .count("SELECT COUNT(*) AS n FROM messages WHERE state IN ('received', 'processing')");
        let jobs = store.count("SELECT COUNT(*) AS n FROM jobs");
        if waiting == 0 && jobs == 0 {
            return;
        }
        assert!(
            t0.elapsed() < timeout,
            "still {waiting} message(s) waiting and {jobs} job(s) after {timeout:?}; log tail: {}",
            tail(&app.log())
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// The proof: `acked` maps every message id answered 202 to its number of travellers. Every one is
/// in the store, processed (loaded or screened), loaded exactly once (one traveller version per
/// traveller, one traveller per identity per flight, one document each), and the store holds no
/// other message, flight or traveller. Returns a one-line summary.
pub fn prove_exactly_once(app: &TestApp, acked: &BTreeMap<String, usize>) -> String {
    let mut store = Store::open(app);
    let states = store.pairs("SELECT id AS k, state AS v FROM messages");
    for id in acked.keys() {
        let state = states
            .get(id)
            .unwrap_or_else(|| panic!("message {id} was acknowledged with 202 but is not stored"));
        assert!(
            state == "loaded" || state == "screened",
            "message {id} is {state}, not processed; diagnostics: {:?}",
            store.pairs(&format!(
                "SELECT id AS k, diagnostics AS v FROM messages WHERE id = '{id}'"
            ))
        );
    }
    assert_eq!(
        states.len(),
        acked.len(),
        "the store holds messages nobody was told about"
    );
    let versions = store.counts(
        "SELECT message_id AS k, COUNT(*) AS n FROM traveller_versions GROUP BY message_id",
    );
    let current =
        store.counts("SELECT message_id AS k, COUNT(*) AS n FROM travellers GROUP BY message_id");
    for (id, &k) in acked {
        assert_eq!(
            versions.get(id).copied().unwrap_or(0),
            k as i64,
            "message {id}: traveller versions != its {k} travellers (loaded twice or half)"
        );
        assert_eq!(
            current.get(id).copied().unwrap_or(0),
            k as i64,
            "message {id}: travellers != its {k} travellers"
        );
    }
    let total: i64 = acked.values().map(|&k| k as i64).sum();
    assert_eq!(store.count("SELECT COUNT(*) AS n FROM travellers"), total);
    assert_eq!(
        store.count("SELECT COUNT(*) AS n FROM documents"),
        total,
        "a traveller without its document (half-loaded) or a document twice"
    );
    assert_eq!(
        store.count("SELECT COUNT(*) AS n FROM flights"),
        acked.len() as i64,
        "one flight per message"
    );
    assert_eq!(
        store.count(
            "SELECT COUNT(*) AS n FROM (SELECT flight_id, identity_key FROM travellers \
             GROUP BY flight_id, identity_key HAVING COUNT(*) > 1) d"
        ),
        0,
        "a traveller stored twice on one flight"
    );
    let screened = states.values().filter(|s| *s == "screened").count();
    let attempts =
        store.count("SELECT CAST(COALESCE(MAX(attempts), 0) AS BIGINT) AS n FROM messages");
    format!(
        "{} messages, {total} travellers, each loaded once; {screened} screened; at most {attempts} attempt(s) per message",
        acked.len()
    )
}

/// A base URL the test moves when it restarts the server on a new port.
pub type SharedBase = Arc<Mutex<String>>;

/// What posting one message saw.
#[derive(Debug, Default, Clone)]
pub struct Posted {
    pub id: String,
    /// Attempts that found no server (killed, restarting) or a reset connection.
    pub refused: usize,
    /// Every HTTP status seen before the 202, whether it had a Retry-After header, and the
    /// `code` of its JSON body ("" when the body was not JSON).
    pub statuses: Vec<(u16, bool, String)>,
}

/// Posts `bytes` until a 202 (the sender's retry loop; the same bytes give the same id).
pub fn post_until_accepted(
    client: &reqwest::blocking::Client,
    base: &SharedBase,
    token: &str,
    bytes: &[u8],
    deadline: Instant,
) -> Posted {
    let mut seen = Posted::default();
    loop {
        assert!(
            Instant::now() < deadline,
            "no 202 before the deadline; seen {seen:?}"
        );
        let url = format!("{}/api/v1/messages", base.lock().unwrap());
        match client
            .post(url)
            .bearer_auth(token)
            .header("Content-Type", "application/edifact")
            .body(bytes.to_vec())
            .send()
        {
            Ok(r) if r.status() == 202 => {
                let v: serde_json::Value = r.json().expect("JSON 202 body");
                seen.id = v["id"].as_str().expect("id").to_string();
                return seen;
            }
            Ok(r) => {
                let status = r.status().as_u16();
                let retry = r.headers().contains_key("retry-after");
                let body = r.text().unwrap_or_default();
                assert!(
                    !body.contains("database is locked"),
                    "a response said 'database is locked': {body}"
                );
                let code = serde_json::from_str::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["code"].as_str().map(str::to_string))
                    .unwrap_or_default();
                seen.statuses.push((status, retry, code));
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(_) => {
                seen.refused += 1;
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}
