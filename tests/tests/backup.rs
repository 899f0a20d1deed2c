//! Backup and restore (issue 11): `paxrisk backup --out FILE` while the server runs and senders
//! keep posting; the copy is restored (SQLite: the file put in place; PostgreSQL: `pg_restore`
//! into a new database, as README "Backup and restore" says), paxrisk starts on it, and every
//! traveller acknowledged before the backup is found through the API. Messages posted during the
//! backup are in the copy whole or not at all.

mod common;
#[path = "common/store.rs"]
mod store;

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{Backend, TestApp};
use store::{post_until_accepted, Store};

const BEFORE: usize = 60;
const DURING: usize = 40;

fn backup_and_restore(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    app.user("zz-carrier", "airline", Some("ZZ"));
    app.user("officer-one", "officer", None);
    // Short leases: a message being processed when the copy is taken carries its lease's end
    // (an absolute time) into the copy, and the restored server waits for it.
    app.start_with_env(&[("PAXRISK_LEASE_SECONDS", "2")]);
    let airline = app.login("zz-carrier");
    let base = Arc::new(Mutex::new(app.base.clone()));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut acked: BTreeMap<String, usize> = BTreeMap::new();
    let mut before_ids = BTreeSet::new();
    for i in 0..BEFORE {
        let b = store::message(i, "B");
        let p = post_until_accepted(&client, &base, &airline, b.as_bytes(), deadline);
        before_ids.insert(p.id.clone());
        acked.insert(p.id, store::travellers(i));
    }
    store::wait_processed(&app, Duration::from_secs(60));

    // Back up while a sender keeps posting.
    let during: Arc<Mutex<Vec<(usize, String)>>> = Arc::default();
    let writer = {
        let (base, airline, during, client) = (
            base.clone(),
            airline.clone(),
            during.clone(),
            client.clone(),
        );
        std::thread::spawn(move || {
            for i in BEFORE..BEFORE + DURING {
                let b = store::message(i, "B");
                let p = post_until_accepted(&client, &base, &airline, b.as_bytes(), deadline);
                during.lock().unwrap().push((i, p.id));
            }
        })
    };
    std::thread::sleep(Duration::from_millis(100));
    let file = app.dir.path().join(match backend {
        Backend::Sqlite => "backup.db",
        Backend::Postgres => "backup.dump",
    });
    let out = app.cli(&["backup", "--out", file.to_str().unwrap()], None);
    assert!(
        out.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert!(report["bytes"].as_u64().unwrap() > 0, "{report}");
    if backend == Backend::Sqlite {
        assert!(
            report["messages"].as_i64().unwrap() >= BEFORE as i64,
            "{report}"
        );
    }
    // A second backup to the same file is refused, the first left as it was.
    let size = std::fs::metadata(&file).unwrap().len();
    let again = app.cli(&["backup", "--out", file.to_str().unwrap()], None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    assert_eq!(std::fs::metadata(&file).unwrap().len(), size);
    writer.join().expect("writer");
    for (i, id) in during.lock().unwrap().iter() {
        acked.insert(id.clone(), store::travellers(*i));
    }
    app.stop();

    // Restore into a fresh database and start paxrisk on it.
    let mut restored = TestApp::new(backend).expect("same backend");
    match backend {
        Backend::Sqlite => {
            let path = restored
                .database
                .trim_start_matches("sqlite://")
                .to_string();
            std::fs::copy(&file, &path).expect("put the backup in place");
            // The audit log's copy goes back beside it (a store does not open without its own).
            std::fs::copy(
                common::sqlite_audit_file(file.to_str().unwrap()),
                common::sqlite_audit_file(&path),
            )
            .expect("put the audit log's copy in place");
        }
        Backend::Postgres => {
            let out = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&restored.database)
                .arg(&file)
                .output()
                .expect("run pg_restore");
            assert!(
                out.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    // The keyring goes back beside the database (it is never in the backup; README "Backup and
    // restore"): the raw bytes and any sealed originals are wrapped with its keys.
    std::fs::copy(
        app.dir.path().join("keyring"),
        restored.dir.path().join("keyring"),
    )
    .expect("put the keyring in place");
    restored.passwords = app.passwords.clone();
    // A message that was being processed when the copy was taken is taken over when its lease
    // runs out (2 s here, 60 s by default).
    restored.start_with_env(&[("PAXRISK_LEASE_SECONDS", "2")]);
    let officer = restored.login("officer-one");

    // The copy holds every message acknowledged before the backup, and of those posted during
    // it, each whole or not at all; the restored server finishes any it had not processed.
    let in_copy: BTreeSet<String> = Store::open(&restored)
        .pairs("SELECT id AS k, state AS v FROM messages")
        .into_keys()
        .collect();
    assert!(
        before_ids.is_subset(&in_copy),
        "a message acknowledged before the backup is missing from it"
    );
    let expected: BTreeMap<String, usize> = acked
        .iter()
        .filter(|(id, _)| in_copy.contains(*id))
        .map(|(id, k)| (id.clone(), *k))
        .collect();
    store::wait_processed(&restored, Duration::from_secs(60));
    let summary = store::prove_exactly_once(&restored, &expected);

    // Every traveller, found through the API of the restored server.
    let (s, flights) = restored.json("GET", "/api/v1/flights?all=true", Some(&officer), None);
    assert_eq!(s, 200, "{flights}");
    let mut found = BTreeSet::new();
    for f in flights["flights"].as_array().unwrap() {
        let id = f["id"].as_str().unwrap();
        let (s, t) = restored.json(
            "GET",
            &format!("/api/v1/flights/{id}/travellers"),
            Some(&officer),
            None,
        );
        assert_eq!(s, 200, "{t}");
        for x in t["travellers"].as_array().unwrap() {
            found.insert(format!(
                "{} {}",
                x["surname"].as_str().unwrap_or_default(),
                x["given_names"].as_str().unwrap_or_default()
            ));
        }
    }
    let names = ["ANNA", "BORIS", "CLARA", "DMITRI", "EVA"];
    for i in 0..BEFORE {
        for name in names.iter().take(store::travellers(i)) {
            let who = format!("KR{}B {name}", store::letters(i));
            assert!(
                found.contains(&who),
                "traveller {i}/{name} not found after restore"
            );
        }
    }
    eprintln!(
        "{backend:?}: backup of {} bytes taken while a sender posted; restored copy holds all {BEFORE} \
         earlier messages and {} of {DURING} posted during the backup; {summary}; {} travellers \
         found through the API",
        report["bytes"],
        expected.len() - BEFORE,
        found.len()
    );
}

#[test]
fn backup_and_restore_on_sqlite() {
    backup_and_restore(Backend::Sqlite);
}

#[test]
fn backup_and_restore_on_postgres() {
    backup_and_restore(Backend::Postgres);
}
