//! Crypto-shredding that survives backups (issue 8), through the real binary on SQLite and (when
//! configured) PostgreSQL. A backup is taken after masking; retention then deletes travellers.
//! Restored with the keyring within the backup window, the old backup still opens their sealed
//! originals; after a run past the window (a later `--now`) the same backup, restored with the
//! current keyring, opens nothing. Unmask grants on the live database work across rotations, and
//! a missing or corrupt keyring stops `serve` with a clear error instead of being made anew.
//! Raw message bytes are sealed the same way, so the old backup's raw messages go with them.

mod common;
#[path = "common/store.rs"]
mod store;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::Utc;
use common::{
    binary, contains_secret, database_bytes, manifest, sqlite_audit_file, Backend, TestApp,
};
use serde_json::{json, Value};

/// Made-up travellers: (surname, given names, YYMMDD, nationality, passport). The first is on
/// the fixture watchlist: her hit keeps her data past the unlinked travellers' deletion.
const HELD: (&str, &str, &str, &str, &str) =
    ("BRISTLEWOOD", "MARGOT", "830930", "IRL", "RZ7730418");
const GONE: [(&str, &str, &str, &str, &str); 2] = [
    ("QUILLFEATHER", "ANSELM", "880101", "DEU", "RZ1029384"),
    ("TANNERSBY", "ROWENA", "920615", "FRA", "RZ5647382"),
];

fn at(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

fn date(days: i64) -> String {
    (Utc::now() + chrono::Duration::days(days))
        .date_naive()
        .to_string()
}

fn cli_json(app: &TestApp, args: &[&str]) -> Value {
    let out = app.cli(args, None);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn keyring_of(app: &TestApp) -> PathBuf {
    app.dir.path().join("keyring")
}

/// The master keys (hex) in a keyring file.
fn master_keys(path: &Path) -> Vec<String> {
    let v: Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    v["keys"]
        .as_object()
        .unwrap()
        .values()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

/// Restores `backup` into a fresh app of the same backend, with `keyring` put beside it, as
/// README "Backup and restore" says.
fn restore(from: &TestApp, backup: &Path, keyring: &Path) -> TestApp {
    let restored = {
        let mut r = TestApp::new(from.backend).expect("same backend");
        r.passwords = from.passwords.clone();
        r
    };
    match from.backend {
        Backend::Sqlite => {
            let path = restored.database.trim_start_matches("sqlite://");
            std::fs::copy(backup, path).expect("put the backup in place");
            let audit = sqlite_audit_file(backup.to_str().unwrap());
            std::fs::copy(audit, sqlite_audit_file(path))
                .expect("put the audit log's copy in place");
        }
        Backend::Postgres => {
            let out = Command::new("pg_restore")
                .args(["--no-owner", "--exit-on-error", "--dbname"])
                .arg(&restored.database)
                .arg(backup)
                .output()
                .expect("run pg_restore");
            assert!(
                out.status.success(),
                "pg_restore: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    std::fs::copy(keyring, keyring_of(&restored)).expect("put the keyring in place");
    restored
}

/// Asks for `fields` of `traveller`, has the approver grant it, and reads it as the officer.
fn unmask(app: &TestApp, traveller: &str) -> Value {
    let (officer, judge) = (app.login("officer-one"), app.login("judge-one"));
    let ask = json!({"traveller_ids": [traveller], "fields": ["surname", "documents"],
                     "purpose": "6(2)(b) ref 2026-201", "reason": "reasoned request", "hours": 2});
    let (s, req) = app.json(
        "POST",
        "/api/v1/unmask-requests",
        Some(&officer),
        Some(&ask),
    );
    assert_eq!(s, 201, "{req}");
    let rid = req["id"].as_str().unwrap();
    let (s, d) = app.json(
        "POST",
        &format!("/api/v1/unmask-requests/{rid}/decision"),
        Some(&judge),
        Some(&json!({"approve": true, "reason": "necessary and proportionate"})),
    );
    assert_eq!(s, 200, "{d}");
    let (s, clear) = app.json(
        "GET",
        &format!("/api/v1/unmask-requests/{rid}/travellers"),
        Some(&officer),
        None,
    );
    assert_eq!(s, 200, "{clear}");
    clear["travellers"][0].clone()
}

/// Starts `paxrisk serve` and expects it to exit with an error within 30 s; returns stderr.
fn serve_fails(app: &TestApp) -> String {
    let mut child = Command::new(binary())
        .args([
            "serve",
            "--bind",
            "127.0.0.1:0",
            "--database",
            &app.database,
        ])
        .env("PAXRISK_DATA_DIR", app.dir.path())
        // Each test database has its keyring beside it (PostgreSQL ones would default to the
        // user's data directory).
        .env("PAXRISK_KEYRING", app.dir.path().join("keyring"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn paxrisk serve");
    let t0 = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(!status.success(), "serve exited with success");
            let mut err = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
            return err;
        }
        if t0.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("serve started without its keyring");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn backups_are_shredded(backend: Backend) {
    let Some(mut app) = TestApp::new(backend) else {
        return;
    };
    for (u, r, c) in [
        ("zz-carrier", "airline", Some("ZZ")),
        ("officer-one", "officer", None),
        ("judge-one", "approver", None),
        ("admin-one", "admin", None),
    ] {
        app.user(u, r, c);
    }
    let list = format!(
        "{}/../fixtures/retention/watchlist.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let out = app.cli(
        &[
            "watchlist",
            "import",
            "--name",
            "shred-list",
            "--format",
            "csv",
            &list,
        ],
        None,
    );
    assert!(out.status.success());
    app.start();
    // Identity data masked after a day, deleted after five unless held; retained for long.
    let admin = app.login("admin-one");
    let policy = json!({"profile": "custom", "classes": {"identity": {"api":
        {"mask_after_days": 1, "delete_after_days": 5, "delete_retained_after_days": 1000}}}});
    let (s, p) = app.json(
        "PUT",
        "/api/v1/retention/policy",
        Some(&admin),
        Some(&policy),
    );
    assert_eq!(s, 200, "{p}");
    let (carrier, officer) = (app.login("zz-carrier"), app.login("officer-one"));
    let now = Utc::now().naive_utc();
    let text = manifest(
        "882",
        now - chrono::Duration::hours(2),
        now + chrono::Duration::hours(3),
        &[HELD, GONE[0], GONE[1]],
        "01:F",
        "82",
    );
    app.flagged(&carrier, &officer, &text, HELD.0);
    let (_, flights) = app.json("GET", "/api/v1/flights?all=true", Some(&officer), None);
    let fid = flights["flights"][0]["id"].as_str().unwrap().to_string();
    let (_, t) = app.json(
        "GET",
        &format!("/api/v1/flights/{fid}/travellers"),
        Some(&officer),
        None,
    );
    let id_of = |surname: &str| {
        t["travellers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["surname"] == surname)
            .and_then(|x| x["id"].as_str())
            .unwrap_or_else(|| panic!("{surname} not loaded: {t}"))
            .to_string()
    };
    let (held_id, gone_id) = (id_of(HELD.0), id_of(GONE[0].0));
    app.stop();
    // The raw bytes were sealed at intake: the keyring exists, and no raw message is in clear.
    assert!(keyring_of(&app).exists(), "intake made the keyring");
    let raw = store::raw_messages(&app);
    assert_eq!(raw.len(), 1);
    assert!(
        raw.iter()
            .all(|r| !contains_secret(r, GONE[0].4) && !contains_secret(r, "PAXLST")),
        "raw bytes are stored sealed"
    );
    // As an install from before sealing left them.
    store::set_raw_in_clear(&app, text.as_bytes());
    assert!(contains_secret(&store::raw_messages(&app)[0], GONE[0].4));

    // Day 2: everyone masked, originals sealed under the epoch of day 2; the raw message names
    // masked travellers, so its bytes (here in clear) are deleted.
    let r = cli_json(&app, &["retention", "run", "--now", &at(2)]);
    assert_eq!(
        (
            r["travellers_masked"].as_i64(),
            r["raw_messages_deleted"].as_i64(),
            r["raw_messages_sealed"].as_i64()
        ),
        (Some(3), Some(1), Some(0)),
        "{r}"
    );
    assert!(store::raw_messages(&app).is_empty(), "{r}");
    // Raw bytes left in clear by an install from before sealing, of travellers not being masked
    // now: the next run seals them.
    store::set_raw_in_clear(&app, text.as_bytes());
    let r = cli_json(&app, &["retention", "run", "--now", &at(2)]);
    assert_eq!(
        (
            r["travellers_masked"].as_i64(),
            r["raw_messages_sealed"].as_i64()
        ),
        (Some(0), Some(1)),
        "{r}"
    );
    assert!(
        !contains_secret(&store::raw_messages(&app)[0], GONE[0].4),
        "the raw bytes stored in clear were sealed"
    );
    assert_eq!(r["key_epoch"], date(2), "{r}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(keyring_of(&app))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the keyring is the owner's only");
    }
    let backup = app.dir.path().join("day2.backup");
    let b = cli_json(&app, &["backup", "--out", backup.to_str().unwrap()]);
    assert_eq!(b["keyring_included"], false, "{b}");
    if backend == Backend::Sqlite {
        // The audit log's file is copied beside the data's.
        let audit = sqlite_audit_file(backup.to_str().unwrap());
        assert_eq!(b["audit_file"], audit.as_str(), "{b}");
        assert!(std::path::Path::new(&audit).exists(), "{b}");
    }
    assert!(
        b["note"]
            .as_str()
            .unwrap()
            .contains("back it up separately"),
        "{b}"
    );
    let db = database_bytes(&app);
    for k in master_keys(&keyring_of(&app)) {
        assert!(!contains_secret(&db, &k), "a master key is in the database");
    }

    // Day 10: the unlinked travellers are deleted; no epoch is past the window yet.
    let r = cli_json(&app, &["retention", "run", "--now", &at(10)]);
    assert_eq!(r["travellers_deleted"], 2, "{r}");
    assert_eq!(
        (r["keys_rewrapped"].as_i64(), r["epochs_destroyed"].as_i64()),
        (Some(0), Some(0)),
        "{r}"
    );
    let within = keyring_of(&app).with_extension("day10");
    std::fs::copy(keyring_of(&app), &within).unwrap();

    // Within the window the day-2 backup, restored with the keyring, still opens the originals
    // of the travellers deleted since.
    let mut old = restore(&app, &backup, &within);
    // The restored store's audit log holds the rows of before the backup, chain intact.
    let verified = old.cli(&["audit", "verify"], None);
    let said = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{said}");
    let rows: u64 = said
        .split_whitespace()
        .find_map(|w| w.parse().ok())
        .expect("a row count");
    assert!(rows > 0, "{said}");
    let s = cli_json(&old, &["retention", "keyring"]);
    assert_eq!(
        (s["data_keys"].as_i64(), s["openable"].as_i64()),
        (Some(4), Some(4)),
        "{s}"
    );
    old.start();
    let person = unmask(&old, &gone_id);
    assert_eq!(person["surname"], GONE[0].0, "{person}");
    assert_eq!(person["documents"][0]["number"], GONE[0].4, "{person}");
    old.stop();
    drop(old);

    // Day 45: a run past the window moves the held traveller's and the raw message's data keys
    // to day 45, then destroys the master keys of days 0 (intake), 2 and 10.
    let r = cli_json(&app, &["retention", "run", "--now", &at(45)]);
    assert_eq!(
        (r["keys_rewrapped"].as_i64(), r["epochs_destroyed"].as_i64()),
        (Some(2), Some(3)),
        "{r}"
    );
    let s = cli_json(&app, &["retention", "keyring"]);
    assert_eq!(s["epochs"], json!([date(45)]), "{s}");
    assert_eq!(s["openable"], 2, "{s}");

    // The same backup with the current keyring: nothing of the deleted travellers opens.
    let mut late = restore(&app, &backup, &keyring_of(&app));
    let s = cli_json(&late, &["retention", "keyring"]);
    assert_eq!(
        (
            s["data_keys"].as_i64(),
            s["openable"].as_i64(),
            s["shredded"].as_i64()
        ),
        (Some(4), Some(0), Some(4)),
        "{s}"
    );
    // Sealed originals and raw bytes alike: nothing of anyone is in clear in the restored copy.
    let restored_db = database_bytes(&late);
    // (The held traveller's name is on the watchlist, which is not traveller data: her passport.)
    for secret in GONE
        .iter()
        .flat_map(|(s, g, _, _, p)| [*s, *g, *p])
        .chain([HELD.4])
    {
        assert!(
            !contains_secret(&restored_db, secret),
            "{secret} is readable in the restored backup"
        );
    }
    late.start();
    let person = unmask(&late, &gone_id);
    assert_eq!(person["masked"], true, "{person}");
    assert!(
        person.get("surname").is_none() && person.get("documents").is_none(),
        "a shredded original opened: {person}"
    );
    late.stop();
    drop(late);

    // The live database: a second move (day 45 to day 80), and the held traveller's original
    // still opens under a grant.
    let r = cli_json(&app, &["retention", "run", "--now", &at(80)]);
    assert_eq!(
        (r["keys_rewrapped"].as_i64(), r["epochs_destroyed"].as_i64()),
        (Some(2), Some(1)),
        "{r}"
    );
    app.start();
    let person = unmask(&app, &held_id);
    assert_eq!(person["surname"], HELD.0, "{person}");
    app.stop();

    // Missing keyring: a clear error, no new keyring; the same when it is corrupt.
    let ring = keyring_of(&app);
    let kept = ring.with_extension("kept");
    std::fs::rename(&ring, &kept).unwrap();
    let err = serve_fails(&app);
    assert!(
        err.contains("keyring") && err.contains("is missing"),
        "{err}"
    );
    assert!(!ring.exists(), "a keyring was made anew");
    let out = app.cli(&["retention", "run", "--now", &at(46)], None);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is missing"));
    assert!(!ring.exists(), "a keyring was made anew");
    let mut text = std::fs::read_to_string(&kept).unwrap();
    text = text.replacen("\"keys\"", "\"keyz\"", 1);
    std::fs::write(&ring, text).unwrap();
    let err = serve_fails(&app);
    assert!(err.contains("is corrupt"), "{err}");
    // The right keyring back: it starts, and the original still opens.
    std::fs::rename(&kept, &ring).unwrap();
    app.start();
    let person = unmask(&app, &held_id);
    assert_eq!(person["surname"], HELD.0, "{person}");
    eprintln!(
        "{backend:?}: a day-2 backup opened 3 sealed originals at day 10 and none after the day-45 \
         rotation; the live grant opened after two key moves; missing and corrupt keyrings refused"
    );
}

#[test]
fn backups_are_shredded_on_sqlite() {
    backups_are_shredded(Backend::Sqlite);
}

#[test]
fn backups_are_shredded_on_postgres() {
    backups_are_shredded(Backend::Postgres);
}
