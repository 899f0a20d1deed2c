//! Watchlists in the store: import (a new version per import), and an in-memory index per list
//! version, built once and shared by every screening.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

use diesel::prelude::*;
use paxrisk_screening::matcher::Index;
use paxrisk_screening::watchlist::{self, Entry};
use serde::Serialize;

use crate::db::schema::{watchlist_entries, watchlists};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// One list version, ready to screen against.
pub struct LoadedList {
    pub id: String,
    pub name: String,
    pub version: i32,
    pub threshold: f64,
    /// The list's category, named in hit details.
    pub category: String,
    pub entries: Vec<Entry>,
    pub index: Index,
}

fn cache() -> &'static RwLock<HashMap<String, Arc<LoadedList>>> {
    static CACHE: std::sync::OnceLock<RwLock<HashMap<String, Arc<LoadedList>>>> =
        std::sync::OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// Why an import failed as a whole.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("unknown format {0:?}; use csv, ofac or json")]
    Format(String),
    #[error("{0}")]
    Read(String),
    #[error("{0} row(s) failed and --strict was given; nothing was imported")]
    Strict(usize),
    #[error("the file holds no usable entries")]
    Empty,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for ImportError {
    fn from(e: diesel::result::Error) -> Self {
        ImportError::Db(e.into())
    }
}

/// Largest list file accepted over HTTP, by the API and the upload page (a consolidated
/// sanctions list is tens of megabytes).
pub const MAX_LIST_BYTES: usize = 256 * 1024 * 1024;

/// What an import did.
#[derive(Debug, Serialize)]
pub struct ImportSummary {
    pub watchlist_id: String,
    pub name: String,
    pub version: i32,
    pub entries: usize,
    /// Rows that failed: row number and why (never the row's personal data).
    pub errors: Vec<(usize, String)>,
}

/// Imports list bytes (`csv` or `json`) as the next version of list `name`.
pub fn import_bytes(
    conn: &mut DbConnection,
    name: &str,
    format: &str,
    bytes: &[u8],
    strict: bool,
) -> Result<ImportSummary, ImportError> {
    let report = match format {
        "csv" => watchlist::import_csv(bytes),
        "json" => watchlist::import_json(bytes),
        other => return Err(ImportError::Format(other.into())),
    };
    finish_import(conn, name, report, strict)
}

fn finish_import(
    conn: &mut DbConnection,
    name: &str,
    report: watchlist::ImportReport,
    strict: bool,
) -> Result<ImportSummary, ImportError> {
    let errors: Vec<(usize, String)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.message.clone()))
        .collect();
    if strict && !errors.is_empty() {
        return Err(ImportError::Strict(errors.len()));
    }
    if report.entries.is_empty() {
        return Err(ImportError::Empty);
    }
    let (id, version) = store(conn, name, &report.entries)?;
    Ok(ImportSummary {
        watchlist_id: id,
        name: name.into(),
        version,
        entries: report.entries.len(),
        errors,
    })
}

/// Reads a list file (or OFAC folder) and stores it as the next version of list `name`.
pub fn import_path(
    conn: &mut DbConnection,
    name: &str,
    format: &str,
    path: &Path,
    strict: bool,
) -> Result<ImportSummary, ImportError> {
    if !matches!(format, "csv" | "ofac" | "json") {
        return Err(ImportError::Format(format.into()));
    }
    let report = watchlist::import(format, path).map_err(|e| ImportError::Read(e.to_string()))?;
    let errors: Vec<(usize, String)> = report
        .errors
        .iter()
        .map(|e| (e.row, e.message.clone()))
        .collect();
    if strict && !errors.is_empty() {
        return Err(ImportError::Strict(errors.len()));
    }
    if report.entries.is_empty() {
        return Err(ImportError::Empty);
    }
    let (id, version) = store(conn, name, &report.entries)?;
    Ok(ImportSummary {
        watchlist_id: id,
        name: name.into(),
        version,
        entries: report.entries.len(),
        errors,
    })
}

/// Stores entries as a new version of a list (creating the list the first time).
pub fn store(
    conn: &mut DbConnection,
    name: &str,
    entries: &[Entry],
) -> Result<(String, i32), DbError> {
    let now = now_ms();
    let out = crate::db::transaction(conn, |conn| {
        let existing: Option<(String, i32)> = watchlists::table
            .filter(watchlists::name.eq(name))
            .select((watchlists::id, watchlists::version))
            .first(conn)
            .optional()?;
        let (id, version) = match existing {
            Some((id, v)) => {
                diesel::update(watchlists::table.filter(watchlists::id.eq(&id)))
                    .set((
                        watchlists::version.eq(v + 1),
                        watchlists::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                (id, v + 1)
            }
            None => {
                let id = new_id();
                diesel::insert_into(watchlists::table)
                    .values((
                        watchlists::id.eq(&id),
                        watchlists::name.eq(name),
                        watchlists::category.eq("sanctions"),
                        watchlists::severity.eq("high"),
                        watchlists::threshold.eq(paxrisk_screening::names::DEFAULT_NAME_THRESHOLD),
                        watchlists::version.eq(1),
                        watchlists::created_at.eq(now),
                        watchlists::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                (id, 1)
            }
        };
        // Older versions' entries stay until retention or an admin prunes them: hits link to them.
        for chunk in entries.chunks(500) {
            let rows: Vec<_> = chunk
                .iter()
                .map(|e| {
                    (
                        watchlist_entries::id.eq(new_id()),
                        watchlist_entries::watchlist_id.eq(id.clone()),
                        watchlist_entries::version.eq(version),
                        watchlist_entries::entry.eq(serde_json::to_string(e).unwrap_or_default()),
                    )
                })
                .collect();
            // Multi-row inserts are per backend: the MultiConnection cannot express them.
            match conn {
                DbConnection::Sqlite(c) => diesel::insert_into(watchlist_entries::table)
                    .values(&rows)
                    .execute(c)?,
                DbConnection::Pg(c) => diesel::insert_into(watchlist_entries::table)
                    .values(&rows)
                    .execute(c)?,
            };
        }
        Ok::<_, diesel::result::Error>((id, version))
    })?;
    Ok(out)
}

/// Every list's current version, indexed (from the cache when the version is unchanged).
pub fn current(conn: &mut DbConnection) -> Result<Vec<Arc<LoadedList>>, DbError> {
    type Row = (String, String, i32, f64, String);
    let rows: Vec<Row> = watchlists::table
        .select((
            watchlists::id,
            watchlists::name,
            watchlists::version,
            watchlists::threshold,
            watchlists::category,
        ))
        .load(conn)?;
    let mut out = Vec::with_capacity(rows.len());
    let cached = |id: &str, version: i32| {
        cache()
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(id)
            .filter(|l| l.version == version)
            .cloned()
    };
    for (id, name, version, threshold, category) in rows {
        if let Some(l) = cached(&id, version) {
            out.push(l);
            continue;
        }
        // One thread builds a missing index while the others wait for it (an index of a large
        // list takes seconds of CPU; several workers building the same one would each pay).
        static BUILDING: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _building = BUILDING.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(l) = cached(&id, version) {
            out.push(l);
            continue;
        }
        let texts: Vec<String> = watchlist_entries::table
            .filter(
                watchlist_entries::watchlist_id
                    .eq(&id)
                    .and(watchlist_entries::version.eq(version)),
            )
            .select(watchlist_entries::entry)
            .load(conn)?;
        let entries: Vec<Entry> = texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect();
        let index = Index::build(&entries);
        let list = Arc::new(LoadedList {
            id: id.clone(),
            name,
            version,
            threshold,
            category,
            entries,
            index,
        });
        cache()
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, list.clone());
        out.push(list);
    }
    Ok(out)
}

/// Builds the indexes of every list's current version on a thread of its own, so that the first
/// screening does not wait for them (`paxrisk ingest` and `serve` start it while messages are
/// still being stored and loaded). Failures are only logged: the first screening builds them.
pub fn warm(pool: crate::db::DbPool) {
    let spawned = std::thread::Builder::new()
        .name("paxrisk-list-index".into())
        .spawn(move || {
            let built = pool
                .get()
                .map_err(DbError::from)
                .and_then(|mut conn| current(&mut conn));
            if let Err(e) = built {
                tracing::warn!(error = %e, "watchlist indexes could not be built ahead; the first screening builds them");
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread for building watchlist indexes ahead");
    }
}

/// A list as the API shows it.
#[derive(Debug, Serialize, Queryable)]
pub struct ListInfo {
    pub id: String,
    pub name: String,
    pub category: String,
    pub severity: String,
    pub threshold: f64,
    pub version: i32,
}

/// Every list, by name.
pub fn list_all(conn: &mut DbConnection) -> Result<Vec<ListInfo>, DbError> {
    Ok(watchlists::table
        .order(watchlists::name.asc())
        .select((
            watchlists::id,
            watchlists::name,
            watchlists::category,
            watchlists::severity,
            watchlists::threshold,
            watchlists::version,
        ))
        .load(conn)?)
}

/// Every current entry of a list as stored (JSON text), in entry order; `None` when the list is
/// unknown. For a search over the whole list in one read rather than page after page.
pub fn entry_texts(conn: &mut DbConnection, list_id: &str) -> Result<Option<Vec<String>>, DbError> {
    let version: Option<i32> = watchlists::table
        .filter(watchlists::id.eq(list_id))
        .select(watchlists::version)
        .first(conn)
        .optional()?;
    let Some(version) = version else {
        return Ok(None);
    };
    Ok(Some(
        watchlist_entries::table
            .filter(
                watchlist_entries::watchlist_id
                    .eq(list_id)
                    .and(watchlist_entries::version.eq(version)),
            )
            .order(watchlist_entries::id.asc())
            .select(watchlist_entries::entry)
            .load(conn)?,
    ))
}

/// A list's current entries, paged.
pub fn entries(
    conn: &mut DbConnection,
    list_id: &str,
    offset: i64,
    limit: i64,
) -> Result<Option<Vec<Entry>>, DbError> {
    let version: Option<i32> = watchlists::table
        .filter(watchlists::id.eq(list_id))
        .select(watchlists::version)
        .first(conn)
        .optional()?;
    let Some(version) = version else {
        return Ok(None);
    };
    let texts: Vec<String> = watchlist_entries::table
        .filter(
            watchlist_entries::watchlist_id
                .eq(list_id)
                .and(watchlist_entries::version.eq(version)),
        )
        .order(watchlist_entries::id.asc())
        .offset(offset.max(0))
        .limit(limit.clamp(1, 1000))
        .select(watchlist_entries::entry)
        .load(conn)?;
    Ok(Some(
        texts
            .iter()
            .filter_map(|t| serde_json::from_str(t).ok())
            .collect(),
    ))
}

/// The name of a list, by id.
pub fn name_of(conn: &mut DbConnection, list_id: &str) -> Result<Option<String>, DbError> {
    Ok(watchlists::table
        .filter(watchlists::id.eq(list_id))
        .select(watchlists::name)
        .first(conn)
        .optional()?)
}

/// Checks a settings change (each part optional) as the API and the pages accept it; the
/// refusal says what is wrong.
pub fn check_settings(
    threshold: Option<f64>,
    category: Option<&str>,
    severity: Option<&str>,
) -> Result<(), &'static str> {
    if threshold.is_some_and(|t| !(t > 0.0 && t <= 1.0)) {
        return Err("threshold must be in (0, 1]");
    }
    if severity.is_some_and(|v| !matches!(v, "low" | "medium" | "high")) {
        return Err("severity must be low, medium or high");
    }
    if category.is_some_and(|c| {
        c.trim().is_empty() || c.chars().count() > 100 || c.chars().any(char::is_control)
    }) {
        return Err("category must be 1 to 100 characters, without control characters");
    }
    Ok(())
}

/// Changes a list's settings (threshold in (0, 1], category, severity); not a new version of
/// its entries.
pub fn update_settings(
    conn: &mut DbConnection,
    list_id: &str,
    threshold: Option<f64>,
    category: Option<&str>,
    severity: Option<&str>,
) -> Result<bool, DbError> {
    let now = now_ms();
    let mut changed = 0;
    if let Some(t) = threshold {
        changed += diesel::update(watchlists::table.filter(watchlists::id.eq(list_id)))
            .set((watchlists::threshold.eq(t), watchlists::updated_at.eq(now)))
            .execute(conn)?;
    }
    if let Some(c) = category {
        changed += diesel::update(watchlists::table.filter(watchlists::id.eq(list_id)))
            .set((watchlists::category.eq(c), watchlists::updated_at.eq(now)))
            .execute(conn)?;
    }
    if let Some(s) = severity {
        changed += diesel::update(watchlists::table.filter(watchlists::id.eq(list_id)))
            .set((watchlists::severity.eq(s), watchlists::updated_at.eq(now)))
            .execute(conn)?;
    }
    // The cached index keeps its old threshold until the version changes: drop it.
    cache()
        .write()
        .unwrap_or_else(|p| p.into_inner())
        .remove(list_id);
    Ok(changed > 0 || name_of(conn, list_id)?.is_some())
}

/// Adds entries to a list, or removes the entries with the given ids: a new version either way.
pub fn edit_entries(
    conn: &mut DbConnection,
    list_id: &str,
    add: &[Entry],
    remove: &[String],
) -> Result<Option<i32>, DbError> {
    let Some(name) = name_of(conn, list_id)? else {
        return Ok(None);
    };
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page = entries(conn, list_id, offset, 1000)?.unwrap_or_default();
        if page.is_empty() {
            break;
        }
        offset += page.len() as i64;
        all.extend(page);
    }
    all.retain(|e| !remove.contains(&e.id));
    let mut next_id = all
        .iter()
        .filter_map(|e| e.id.parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    for e in add {
        let mut e = e.clone();
        if e.id.is_empty() || all.iter().any(|x| x.id == e.id) {
            e.id = next_id.to_string();
            next_id += 1;
        }
        all.push(e);
    }
    let (_, version) = store(conn, &name, &all)?;
    Ok(Some(version))
}
