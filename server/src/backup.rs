//! `paxrisk backup --out FILE`: a consistent copy of the store while the server runs.
//!
//! SQLite: `VACUUM INTO` writes a compact copy from one read transaction (a snapshot: writers go
//! on, the copy holds every commit before it began and none after), then the copy is opened and
//! checked (`PRAGMA integrity_check`); the audit log's file (see `db::sqlite_audit_path`) is copied
//! the same way beside it (`FILE` → `FILE`'s `.audit` sibling), after the main file, so it holds
//! at least the audit rows of everything the main copy holds. Restoring is copying both files back
//! while the server is stopped. PostgreSQL: `pg_dump -Fc` (a snapshot too), restored with `pg_restore` into a new
//! database; README "Backup and restore" gives the commands.
//!
//! The retention keyring (master keys by epoch, see `retention::keyring`) lives outside the
//! database and is never in a backup: it is backed up on its own, kept no longer than
//! `PAXRISK_BACKUP_RETENTION_DAYS`, and that is what makes old backups shreddable. An install of
//! before the keyring first has its stored master key moved out of the database, so the copy
//! never holds one.

use std::path::Path;

use anyhow::{bail, Context};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use crate::config::Config;
use crate::db::{parse_url, Backend};

/// What a backup wrote.
#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub backend: &'static str,
    pub file: String,
    pub bytes: u64,
    /// SQLite: the copy of the audit log's file.
    pub audit_file: Option<String>,
    /// Messages and travellers in the copy (SQLite; PostgreSQL dumps are not opened).
    pub messages: Option<i64>,
    pub travellers: Option<i64>,
    /// The retention keyring, which the backup does not hold.
    pub keyring: String,
    /// Always false: the keyring is never in the backup.
    pub keyring_included: bool,
    /// What to do about the keyring.
    pub note: &'static str,
}

const NOTE: &str =
    "the retention keyring is not in this backup: back it up separately, on its own \
                    short retention (PAXRISK_BACKUP_RETENTION_DAYS); restore it with the database";

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = diesel::sql_types::Text)]
    integrity_check: String,
}

/// Writes a backup of the database of `config` to `out`, which must not exist yet.
pub fn run(config: &Config, out: &Path) -> anyhow::Result<Report> {
    let url = config.database_url.as_str();
    if out.exists() {
        bail!(
            "{} exists already; a backup never overwrites a file",
            out.display()
        );
    }
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the folder {}", dir.display()))?;
    }
    let (backend, target) = parse_url(url);
    if backend == Backend::Sqlite {
        if !Path::new(&target).exists() {
            bail!("there is no SQLite database at {target}");
        }
        let audit = crate::db::sqlite_audit_path(&out.display().to_string());
        if Path::new(&audit).exists() {
            bail!("{audit} (where the audit log's copy goes) exists already; a backup never overwrites a file");
        }
    }
    // The store is opened (and migrated) the usual way, so the copy has the current schema; a
    // master key of before the keyring leaves the database before the copy is taken.
    let pool = crate::db::open(url, 1)?;
    {
        let mut conn = pool.get()?;
        if crate::db::get_setting(&mut conn, crate::retention::keyring::LEGACY_SETTING)?.is_some() {
            crate::retention::keyring::prepare(&mut conn, config, crate::db::now_ms())
                .context("the master key stored in the database cannot be moved to the keyring")?;
        }
    }
    let mut report = match backend {
        Backend::Sqlite => sqlite(&pool, out),
        Backend::Postgres => postgres(&target, out),
    }?;
    report.keyring = crate::retention::keyring::path(config)
        .display()
        .to_string();
    Ok(report)
}

fn sqlite(pool: &crate::db::DbPool, out: &Path) -> anyhow::Result<Report> {
    let mut conn = pool.get()?;
    let out_str = out
        .to_str()
        .context("the backup path must be valid UTF-8")?;
    let audit_out = crate::db::sqlite_audit_path(out_str);
    for (schema, dest) in [("main", out_str), ("audit", audit_out.as_str())] {
        conn.batch_execute(&format!(
            "VACUUM {schema} INTO '{}'",
            dest.replace('\'', "''")
        ))
        .with_context(|| format!("VACUUM INTO {dest} failed"))?;
    }
    drop(conn);
    // Check each copy on its own.
    for dest in [out_str, audit_out.as_str()] {
        let mut copy =
            SqliteConnection::establish(dest).context("cannot open the backup just written")?;
        let check: Vec<Check> = diesel::sql_query("PRAGMA integrity_check").load(&mut copy)?;
        if check.first().map(|c| c.integrity_check.as_str()) != Some("ok") {
            bail!("the backup failed its integrity check; it was left at {dest} for inspection");
        }
    }
    let mut copy = SqliteConnection::establish(out_str)?;
    let count = |conn: &mut SqliteConnection, table: &str| -> anyhow::Result<i64> {
        let c: Count =
            diesel::sql_query(format!("SELECT COUNT(*) AS n FROM {table}")).get_result(conn)?;
        Ok(c.n)
    };
    let messages = count(&mut copy, "messages")?;
    let travellers = count(&mut copy, "travellers")?;
    Ok(Report {
        backend: "sqlite",
        file: out.display().to_string(),
        bytes: std::fs::metadata(out)?.len(),
        audit_file: Some(audit_out),
        messages: Some(messages),
        travellers: Some(travellers),
        keyring: String::new(),
        keyring_included: false,
        note: NOTE,
    })
}

fn postgres(url: &str, out: &Path) -> anyhow::Result<Report> {
    // Custom format: compressed, restorable table by table, in parallel with `pg_restore -j`.
    let status = std::process::Command::new("pg_dump")
        .arg("--format=custom")
        .arg("--no-owner")
        .arg("--file")
        .arg(out)
        .arg("--dbname")
        .arg(url)
        .status()
        .context(
            "cannot run pg_dump; install the PostgreSQL client tools of the server's major version",
        )?;
    if !status.success() {
        let _ = std::fs::remove_file(out);
        bail!("pg_dump failed ({status}); nothing was written");
    }
    Ok(Report {
        backend: "postgres",
        file: out.display().to_string(),
        bytes: std::fs::metadata(out)?.len(),
        audit_file: None,
        messages: None,
        travellers: None,
        keyring: String::new(),
        keyring_included: false,
        note: NOTE,
    })
}
