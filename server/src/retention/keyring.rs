//! The keyring: master keys by epoch, kept **outside the database** so that `paxrisk backup`
//! never copies them, and rotated so that old backups lose the power to open sealed originals.
//!
//! - A master key belongs to an *epoch*: the UTC day of the retention run that made it (the run's
//!   own notion of now, so `paxrisk retention run --now` time travel moves epochs too). Every data
//!   key in `retention_keys` is wrapped under one epoch's master key and names that epoch.
//! - New data keys are wrapped under the current epoch's key. Each retention run re-wraps the
//!   surviving data keys of epochs older than `PAXRISK_BACKUP_RETENTION_DAYS` (default 30) under
//!   the current epoch, then destroys those epochs' master keys. A backup taken on day T holds
//!   data keys wrapped under epochs up to T only; once every one of those is destroyed (the first
//!   run after T + window) the backup opens nothing sealed, and a subject deleted on day T is
//!   unrecoverable from every backup after T + window. Each data key moves once per window.
//! - The file (`PAXRISK_KEYRING`, default `DATA_DIR/keyring`) is JSON with a random id and a
//!   SHA-256 checksum, mode 0600, rewritten atomically (temporary file, fsync, rename) under an
//!   advisory lock on `KEYRING.lock`, so several processes never lose each other's keys. The
//!   database records the keyring's id (`settings.retention_keyring_id`, not a secret).
//! - Missing or corrupt: an error that names the file, never a silently regenerated keyring. A new
//!   keyring is made only for a database that never had one (no recorded id, nothing wrapped),
//!   and a keyring holding keys is never taken over by a database that did not record it (two
//!   databases sharing one keyring would destroy each other's keys in rotation).
//! - Several servers on PostgreSQL: `PAXRISK_KEYRING` names one file on storage every server
//!   mounts (NFS or similar, readable by the paxrisk user only). Readers open it afresh for each
//!   use; writers (retention runs) take the lock.
//! - Existing installs: the old single master key (`PAXRISK_RETENTION_KEY`, or the one generated
//!   into `settings.retention_master_key`) is a *legacy* key. At the first start the data keys it
//!   wrapped are re-wrapped under the current epoch and the stored one is deleted from the
//!   database; `PAXRISK_RETENTION_KEY` keeps opening data keys of backups taken before the upgrade.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::crypto::SecretKey;
use super::policy::DAY_MS;
use super::RetentionError;
use crate::config::Config;
use crate::db::schema::retention_keys;
use crate::db::{get_setting, DbConnection};

const FORMAT: &str = "paxrisk-keyring/1";
/// Where the database records which keyring wraps its data keys.
pub const ID_SETTING: &str = "retention_keyring_id";
/// Where installs before the keyring kept a generated master key.
pub const LEGACY_SETTING: &str = "retention_master_key";

/// The epoch (UTC day number) of a time in epoch milliseconds.
pub fn epoch_of(ms: i64) -> i64 {
    ms.div_euclid(DAY_MS)
}

/// An epoch as a date, `YYYY-MM-DD`.
pub fn epoch_date(epoch: i64) -> String {
    chrono::DateTime::from_timestamp_millis(epoch * DAY_MS)
        .map(|d| d.date_naive().to_string())
        .unwrap_or_else(|| epoch.to_string())
}

fn date_epoch(date: &str) -> Option<i64> {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
    Some(epoch_of(
        d.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis(),
    ))
}

#[derive(Serialize, Deserialize)]
struct File {
    format: String,
    id: String,
    /// Date of the epoch → master key, 64 hex digits.
    keys: BTreeMap<String, String>,
    checksum: String,
}

fn checksum(id: &str, keys: &BTreeMap<String, String>) -> String {
    let mut h = Sha256::new();
    h.update(FORMAT.as_bytes());
    h.update(b"\n");
    h.update(id.as_bytes());
    for (k, v) in keys {
        h.update(format!("\n{k}={v}").as_bytes());
    }
    hex::encode(h.finalize())
}

/// The master keys by epoch, as read from the file (or empty when no keyring exists yet).
pub struct Keyring {
    path: PathBuf,
    id: String,
    keys: BTreeMap<i64, SecretKey>,
    /// The legacy master keys (`PAXRISK_RETENTION_KEY`, the stored one), for data keys that name
    /// no epoch.
    legacy: Vec<SecretKey>,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("path", &self.path)
            .field("epochs", &self.keys.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// The key new data keys are wrapped under: the current epoch's.
#[derive(Debug, Clone)]
pub struct SealingKey {
    /// The epoch (UTC day number).
    pub epoch: i64,
    /// Its master key.
    pub key: SecretKey,
}

fn problem(path: &Path, what: &str) -> RetentionError {
    RetentionError::Keyring(format!("the keyring {}: {what}", path.display()))
}

/// The keyring's path: `PAXRISK_KEYRING`; else, for a PostgreSQL database, one file per database
/// in the user's data directory (`$XDG_DATA_HOME` or `~/.local/share`, then
/// `paxrisk/keyrings/HOST_PORT_DATABASE`), so that every server of one database on this machine
/// shares it whatever its own data directory; else `DATA_DIR/keyring` (the embedded SQLite file
/// lives there too).
pub fn path(config: &Config) -> PathBuf {
    if let Some(p) = &config.keyring {
        return p.clone();
    }
    match (postgres_name(&config.database_url), user_keyrings()) {
        (Some(name), Some(dir)) => dir.join(name),
        _ => config.data_dir.join("keyring"),
    }
}

/// Where per-database keyrings of PostgreSQL databases live by default.
fn user_keyrings() -> Option<PathBuf> {
    std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".local").join("share"))
        })
        .map(|d| d.join("paxrisk").join("keyrings"))
}

/// `host_port_database` of a PostgreSQL URL (no user, password or parameters), as a file name.
fn postgres_name(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("postgres://")
        .or_else(|| url.strip_prefix("postgresql://"))?;
    let rest = rest.split('?').next().unwrap_or_default();
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let name: String = rest
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    (!name.is_empty()).then_some(name)
}

/// A keyring's id and its master keys by epoch.
type Contents = (String, BTreeMap<i64, SecretKey>);

/// Reads the file; `None` when it does not exist. Unreadable or corrupt is an error.
fn read(path: &Path) -> Result<Option<Contents>, RetentionError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(problem(path, &format!("cannot be read ({})", e.kind()))),
    };
    let corrupt = || {
        problem(
            path,
            "is corrupt (not a paxrisk keyring, or its checksum does not match); restore it from \
             its backup",
        )
    };
    let file: File = serde_json::from_slice(&bytes).map_err(|_| corrupt())?;
    if file.format != FORMAT || checksum(&file.id, &file.keys) != file.checksum {
        return Err(corrupt());
    }
    let mut keys = BTreeMap::new();
    for (date, hexkey) in &file.keys {
        let epoch = date_epoch(date).ok_or_else(corrupt)?;
        keys.insert(epoch, SecretKey::from_hex(hexkey).ok_or_else(corrupt)?);
    }
    #[cfg(unix)]
    if let Ok(meta) = std::fs::metadata(path) {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            tracing::warn!(path = %path.display(), "the keyring is readable by others than its owner; chmod 600 it");
        }
    }
    Ok(Some((file.id, keys)))
}

/// Writes the file atomically: a temporary file (mode 0600) beside it, fsync, rename, fsync of
/// the folder.
fn write(path: &Path, id: &str, keys: &BTreeMap<i64, SecretKey>) -> Result<(), RetentionError> {
    let keys: BTreeMap<String, String> = keys
        .iter()
        .map(|(e, k)| (epoch_date(*e), k.to_hex()))
        .collect();
    let file = File {
        format: FORMAT.into(),
        id: id.into(),
        checksum: checksum(id, &keys),
        keys,
    };
    let body = serde_json::to_vec_pretty(&file).map_err(|_| problem(path, "cannot be encoded"))?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| problem(path, &format!("cannot be written ({})", e.kind()));
    std::fs::create_dir_all(dir).map_err(fail)?;
    let tmp = dir.join(format!(
        ".{}.{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("keyring"),
        std::process::id()
    ));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&tmp).map_err(fail)?;
    f.write_all(&body)
        .and_then(|_| f.sync_all())
        .map_err(fail)?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(fail)?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// Holds the keyring's write lock (an advisory lock on `KEYRING.lock`) until dropped.
struct Lock {
    _file: std::fs::File,
}

fn lock(path: &Path) -> Result<Lock, RetentionError> {
    let mut name = path.as_os_str().to_owned();
    name.push(".lock");
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| problem(path, &format!("has no folder ({})", e.kind())))?;
    }
    let f = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(PathBuf::from(name))
        .map_err(|e| problem(path, &format!("cannot be locked ({})", e.kind())))?;
    f.lock()
        .map_err(|e| problem(path, &format!("cannot be locked ({})", e.kind())))?;
    Ok(Lock { _file: f })
}

fn wrapped_rows_with_epoch(conn: &mut DbConnection) -> Result<i64, RetentionError> {
    Ok(retention_keys::table
        .filter(retention_keys::epoch.is_not_null())
        .count()
        .get_result(conn)?)
}

fn legacy_keys(conn: &mut DbConnection, config: &Config) -> Result<Vec<SecretKey>, RetentionError> {
    let mut out = Vec::new();
    if let Some(hexkey) = &config.retention_key {
        out.push(SecretKey::from_hex(hexkey).ok_or_else(|| {
            RetentionError::Invalid("PAXRISK_RETENTION_KEY must be 64 hexadecimal digits".into())
        })?);
    }
    if let Some(stored) = get_setting(conn, LEGACY_SETTING)? {
        out.push(SecretKey::from_hex(&stored).ok_or(RetentionError::Crypto(
            "the stored legacy master key is malformed",
        ))?);
    }
    Ok(out)
}

impl Keyring {
    /// Opens the keyring this database's data keys are wrapped with. With `create`, a database
    /// that never had a keyring gets a new one (and records its id); without, it gets an empty
    /// one in memory. A keyring the database knows of but that is missing, corrupt or another
    /// one is an error.
    pub fn open(
        conn: &mut DbConnection,
        config: &Config,
        create: bool,
    ) -> Result<Keyring, RetentionError> {
        let path = path(config);
        let legacy = legacy_keys(conn, config)?;
        let recorded = get_setting(conn, ID_SETTING)?;
        let found = read(&path)?;
        let (id, keys) =
            match (found, recorded) {
                (Some((id, keys)), Some(rec)) if id == rec => (id, keys),
                (Some(_), Some(_)) => {
                    return Err(problem(
                        &path,
                        "is not the keyring of this database (their ids differ); point \
                     PAXRISK_KEYRING at the keyring kept with this database",
                    ))
                }
                (Some(_), None) => {
                    // Another process of this database may be making it right now: look again
                    // under the lock. A keyring with keys that this database never recorded is
                    // another database's; adopting it would let that one's rotation destroy ours.
                    let _guard = lock(&path)?;
                    let (id, keys) =
                        read(&path)?.ok_or_else(|| problem(&path, "disappeared while in use"))?;
                    match get_setting(conn, ID_SETTING)? {
                        Some(rec) if rec == id => {}
                        None if keys.is_empty() => record_id(conn, &path, &id)?,
                        _ => {
                            return Err(problem(
                                &path,
                                "belongs to another database (this one never used it); give \
                                 this database a keyring of its own with PAXRISK_KEYRING",
                            ))
                        }
                    }
                    (id, keys)
                }
                (None, Some(_)) => {
                    return Err(problem(
                        &path,
                        "is missing, and this database's sealed originals are wrapped with keys \
                     from it; restore it from its backup or point PAXRISK_KEYRING at it (paxrisk \
                     never makes a new keyring for a database that had one)",
                    ))
                }
                (None, None) if wrapped_rows_with_epoch(conn)? > 0 => return Err(problem(
                    &path,
                    "is missing, and this database holds data keys wrapped with it; restore it \
                     from its backup or point PAXRISK_KEYRING at it",
                )),
                (None, None) if !create => (String::new(), BTreeMap::new()),
                (None, None) => {
                    let _guard = lock(&path)?;
                    // Another process may have made it meanwhile.
                    let (id, keys) = match read(&path)? {
                        Some(found) => found,
                        None => {
                            let id = crate::db::new_id();
                            write(&path, &id, &BTreeMap::new())?;
                            tracing::info!(path = %path.display(), "a new keyring was created");
                            (id, BTreeMap::new())
                        }
                    };
                    record_id(conn, &path, &id)?;
                    (id, keys)
                }
            };
        Ok(Keyring {
            path,
            id,
            keys,
            legacy,
        })
    }

    /// The master key of `epoch`, if it still exists.
    pub fn key(&self, epoch: i64) -> Option<&SecretKey> {
        self.keys.get(&epoch)
    }

    /// The legacy master keys, for data keys that name no epoch.
    pub fn legacy(&self) -> &[SecretKey] {
        &self.legacy
    }

    /// The epochs whose master keys exist, oldest first.
    pub fn epochs(&self) -> Vec<i64> {
        self.keys.keys().copied().collect()
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// True when this keyring exists as a file (false: empty, in memory).
    pub fn exists(&self) -> bool {
        !self.id.is_empty()
    }

    /// The sealing key of the epoch of `now`, made (and written) when it does not exist yet.
    pub fn sealing_key(&mut self, now: i64) -> Result<SealingKey, RetentionError> {
        let epoch = epoch_of(now);
        if !self.exists() {
            return Err(problem(&self.path, "was opened read-only"));
        }
        if let Some(key) = self.keys.get(&epoch) {
            return Ok(SealingKey {
                epoch,
                key: key.clone(),
            });
        }
        self.update(|keys| {
            keys.entry(epoch).or_insert_with(SecretKey::random);
        })?;
        let key = self
            .keys
            .get(&epoch)
            .cloned()
            .ok_or_else(|| problem(&self.path, "lost the key just made"))?;
        Ok(SealingKey { epoch, key })
    }

    /// Destroys the master keys of epochs before `before` except `keep`; returns how many went.
    pub fn destroy_before(&mut self, before: i64, keep: i64) -> Result<usize, RetentionError> {
        let doomed = self
            .keys
            .keys()
            .filter(|e| **e < before && **e != keep)
            .count();
        if doomed == 0 {
            return Ok(0);
        }
        let mut n = 0;
        self.update(|keys| {
            let old = keys.len();
            keys.retain(|e, _| *e >= before || *e == keep);
            n = old - keys.len();
        })?;
        Ok(n)
    }

    /// Read, change, write under the lock, so keys another process added are kept.
    fn update(
        &mut self,
        change: impl FnOnce(&mut BTreeMap<i64, SecretKey>),
    ) -> Result<(), RetentionError> {
        let _guard = lock(&self.path)?;
        let (id, mut keys) =
            read(&self.path)?.ok_or_else(|| problem(&self.path, "disappeared while in use"))?;
        if id != self.id {
            return Err(problem(
                &self.path,
                "was replaced by another keyring while in use",
            ));
        }
        change(&mut keys);
        write(&self.path, &id, &keys)?;
        self.keys = keys;
        Ok(())
    }
}

/// At start (and before a backup): checks the keyring, and moves an install of before the keyring
/// onto it: the data keys the legacy master key wrapped are re-wrapped under the epoch of `now`
/// and the master key stored in the database is deleted from it. Errors when the keyring is
/// missing, corrupt or another database's.
pub fn prepare(
    conn: &mut DbConnection,
    config: &Config,
    now: i64,
) -> Result<Keyring, RetentionError> {
    let legacy_rows: i64 = retention_keys::table
        .filter(retention_keys::epoch.is_null())
        .count()
        .get_result(conn)?;
    let stored = get_setting(conn, LEGACY_SETTING)?.is_some();
    let mut ring = Keyring::open(conn, config, legacy_rows > 0 || stored)?;
    if legacy_rows > 0 || stored {
        let sealing = ring.sealing_key(now)?;
        let r = super::crypto::rotate(conn, &ring, &sealing, None)?;
        if super::crypto::drop_legacy_setting(conn)? {
            super::Actor::system().audit(
                conn,
                "retention.legacy_key_removed",
                &format!("setting:{LEGACY_SETTING}"),
                "ok",
            )?;
            if matches!(conn, DbConnection::Pg(_)) {
                // The deleted row must not linger as a dead tuple.
                use diesel::connection::SimpleConnection;
                conn.batch_execute("VACUUM settings")
                    .map_err(|e| RetentionError::Db(e.into()))?;
            }
        }
        tracing::info!(
            rewrapped = r.rewrapped,
            path = %ring.path().display(),
            "data keys of before the keyring moved onto it"
        );
    }
    Ok(ring)
}

/// What `paxrisk retention keyring` prints: the epochs and what they still open (no keys).
#[derive(Debug, Serialize)]
pub struct Status {
    /// The keyring file.
    pub path: String,
    /// False when this database has no keyring yet (nothing was ever sealed).
    pub exists: bool,
    /// Dates of the epochs whose master keys exist, oldest first.
    pub epochs: Vec<String>,
    /// Days master keys are kept (`PAXRISK_BACKUP_RETENTION_DAYS`).
    pub backup_retention_days: i64,
    /// Data keys by whether this keyring opens them.
    #[serde(flatten)]
    pub counts: super::crypto::KeyCounts,
}

/// The keyring's status against this database.
pub fn status(conn: &mut DbConnection, config: &Config) -> Result<Status, RetentionError> {
    let ring = Keyring::open(conn, config, false)?;
    Ok(Status {
        path: ring.path().display().to_string(),
        exists: ring.exists(),
        epochs: ring.epochs().into_iter().map(epoch_date).collect(),
        backup_retention_days: config.backup_retention_days,
        counts: super::crypto::count_openable(conn, &ring)?,
    })
}

/// Records the keyring's id in the database; a different id recorded meanwhile is an error.
fn record_id(conn: &mut DbConnection, path: &Path, id: &str) -> Result<(), RetentionError> {
    let stored = crate::db::setting_or_create(conn, ID_SETTING, || id.to_string())?;
    if stored != id {
        return Err(problem(
            path,
            "is not the keyring of this database (another one was recorded meanwhile)",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {

    #[test]
    fn postgres_keyrings_are_named_by_server_and_database() {
        assert_eq!(
            super::postgres_name(
                "postgres://postgres:secret@127.0.0.1:5432/paxrisk?sslmode=disable"
            )
            .as_deref(),
            Some("127_0_0_1_5432_paxrisk")
        );
        assert_eq!(
            super::postgres_name("postgresql://db.example:6432/pax").as_deref(),
            Some("db_example_6432_pax")
        );
        assert_eq!(super::postgres_name("sqlite:///tmp/x.db"), None);
    }

    use super::*;

    #[test]
    fn a_written_keyring_reads_back_and_a_changed_byte_is_corrupt() {
        let dir = std::env::temp_dir().join(format!("paxrisk-keyring-{}", crate::db::new_id()));
        let path = dir.join("keyring");
        assert!(read(&path).unwrap().is_none());
        let keys = BTreeMap::from([(20_000, SecretKey::random()), (20_001, SecretKey::random())]);
        write(&path, "ring-1", &keys).unwrap();
        let (id, back) = read(&path).unwrap().unwrap();
        assert_eq!(id, "ring-1");
        assert_eq!(
            back.keys().copied().collect::<Vec<_>>(),
            vec![20_000, 20_001]
        );
        assert_eq!(back[&20_000].to_hex(), keys[&20_000].to_hex());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // One hex digit of one key changed: the checksum catches it.
        let text = std::fs::read_to_string(&path).unwrap();
        let k = keys[&20_001].to_hex();
        let flipped = format!("{}{}", if k.starts_with('0') { '1' } else { '0' }, &k[1..]);
        std::fs::write(&path, text.replace(&k, &flipped)).unwrap();
        let err = read(&path).unwrap_err().to_string();
        assert!(err.contains("corrupt"), "{err}");
        std::fs::write(&path, b"not json").unwrap();
        assert!(read(&path).unwrap_err().to_string().contains("corrupt"));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Two databases in one data folder: the second may not take over the first one's keyring
    /// (its rotation would destroy the first one's keys), but an empty keyring is anyone's.
    #[test]
    fn a_keyring_with_keys_is_never_taken_over_by_another_database() {
        let dir = std::env::temp_dir().join(format!("paxrisk-adopt-{}", crate::db::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let config_of = |name: &str| {
            let mut c = Config::from_env();
            c.data_dir = dir.clone();
            c.database_url = format!("sqlite://{}", dir.join(name).display());
            c.keyring = None;
            c.retention_key = None;
            c
        };
        let (one, two) = (config_of("one.db"), config_of("two.db"));
        let (p1, p2) = (
            crate::db::open(&one.database_url, 1).unwrap(),
            crate::db::open(&two.database_url, 1).unwrap(),
        );
        let (mut c1, mut c2) = (p1.get().unwrap(), p2.get().unwrap());
        let mut ring = Keyring::open(&mut c1, &one, true).unwrap();
        // Still empty: the second database may use it too.
        Keyring::open(&mut c2, &two, true).unwrap();
        ring.sealing_key(0).unwrap();
        let three = config_of("three.db");
        let p3 = crate::db::open(&three.database_url, 1).unwrap();
        let err = Keyring::open(&mut p3.get().unwrap(), &three, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("belongs to another database"), "{err}");
        // The first database still opens it.
        assert_eq!(
            Keyring::open(&mut c1, &one, false).unwrap().epochs(),
            vec![0]
        );
        drop((c1, c2));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn epochs_are_utc_days_and_print_as_dates() {
        let t = chrono::DateTime::parse_from_rfc3339("2026-11-29T23:59:59Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(epoch_date(epoch_of(t)), "2026-11-29");
        assert_eq!(epoch_of(t + 1000), epoch_of(t) + 1);
        assert_eq!(date_epoch("2026-11-29"), Some(epoch_of(t)));
        assert_eq!(format!("{:?}", SecretKey::random()), "SecretKey(..)");
    }
}
