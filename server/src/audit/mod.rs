//! The append-only, hash-chained audit log. Rows name ids, never personal data, so the log can
//! outlive the data it speaks of.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::schema::audit_log;
use crate::db::{now_ms, DbConnection, DbError};

/// One event to record.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    /// User id, or `system` / `cli`.
    pub actor: &'a str,
    pub role: &'a str,
    /// What was done, e.g. `login`, `rule.create`, `traveller.read`.
    pub action: &'a str,
    /// Ids of what it was done to, e.g. `rule:0192…`.
    pub object: &'a str,
    /// `ok`, `denied`, `failed`...
    pub outcome: &'a str,
    /// Why personal data was read, as the caller stated it (`X-Purpose`) or as an unmask grant
    /// names it; pass it through [`purpose`] first. `None` when nothing was stated.
    pub purpose: Option<&'a str>,
}

/// Longest purpose kept, in characters.
pub const MAX_PURPOSE_CHARS: usize = 200;

/// A stated purpose as the log keeps it: trimmed, control characters removed, at most
/// [`MAX_PURPOSE_CHARS`] characters; `None` when nothing is left.
pub fn purpose(stated: &str) -> Option<String> {
    let kept: String = stated
        .chars()
        .filter(|c| !c.is_control())
        .collect::<String>()
        .trim()
        .chars()
        .take(MAX_PURPOSE_CHARS)
        .collect();
    let kept = kept.trim_end().to_string();
    (!kept.is_empty()).then_some(kept)
}

mod query;

pub use query::{search, Query, QueryError};

/// A stored row, as the API returns it.
#[derive(Debug, Serialize, Queryable)]
pub struct Row {
    pub seq: i64,
    pub at: i64,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub object: String,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
    pub purpose: Option<String>,
}

fn digest(prev: &str, at: i64, e: &Event<'_>) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &at.to_string(),
        e.actor,
        e.role,
        e.action,
        e.object,
        e.outcome,
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    // Rows without a purpose hash exactly as rows written before purposes existed, so an old
    // chain still verifies; a purpose, behind its own marker, is part of the digest.
    if let Some(p) = e.purpose {
        h.update([0x1e]);
        h.update(p.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

/// Appends an event, chained to the previous row's hash.
pub fn record(conn: &mut DbConnection, e: Event<'_>) -> Result<(), DbError> {
    // Whatever the caller passed, the log keeps only a bounded, printable purpose.
    let kept = e.purpose.and_then(purpose);
    let e = Event {
        purpose: kept.as_deref(),
        ..e
    };
    // An officer's read waits for its audit row. On SQLite the log has a file and a writer of its
    // own, so the row never waits for a worker loading a batch of manifests into the main file.
    crate::db::audit_transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            // Several servers append to one chain: take turns.
            diesel::sql_query("SELECT pg_advisory_xact_lock(72437)").execute(pg)?;
        }
        let prev: Option<String> = audit_log::table
            .order(audit_log::seq.desc())
            .select(audit_log::hash)
            .first(conn)
            .optional()?;
        // An empty log after pruning continues from the anchor the pruned rows left.
        let prev = match prev {
            Some(p) => p,
            None => crate::db::get_setting(conn, ANCHOR)
                .map_err(|e| diesel::result::Error::QueryBuilderError(e.to_string().into()))?
                .and_then(|a| a.split_once(':').map(|(_, h)| h.to_string()))
                .unwrap_or_default(),
        };
        let at = now_ms();
        let hash = digest(&prev, at, &e);
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(at),
                audit_log::actor.eq(e.actor),
                audit_log::role.eq(e.role),
                audit_log::action.eq(e.action),
                audit_log::object.eq(e.object),
                audit_log::outcome.eq(e.outcome),
                audit_log::prev_hash.eq(&prev),
                audit_log::hash.eq(&hash),
                audit_log::purpose.eq(e.purpose),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

/// The result of checking the chain.
#[derive(Debug, Serialize)]
pub struct Verification {
    pub rows: u64,
    /// The first row whose hash or link does not hold, if any.
    pub broken_at: Option<i64>,
}

/// Recomputes every hash and link, in order.
pub fn verify(conn: &mut DbConnection) -> Result<Verification, DbError> {
    // After retention pruned old rows, the chain starts from the anchor it left.
    let (mut after, mut prev) = match crate::db::get_setting(conn, ANCHOR)? {
        Some(a) => {
            let (seq, hash) = a.split_once(':').unwrap_or(("", ""));
            (seq.parse().unwrap_or(i64::MIN), hash.to_string())
        }
        None => (i64::MIN, String::new()),
    };
    let mut rows = 0;
    loop {
        let batch: Vec<Row> = audit_log::table
            .filter(audit_log::seq.gt(after))
            .order(audit_log::seq.asc())
            .limit(5000)
            .load(conn)?;
        if batch.is_empty() {
            return Ok(Verification {
                rows,
                broken_at: None,
            });
        }
        for r in &batch {
            let e = Event {
                actor: &r.actor,
                role: &r.role,
                action: &r.action,
                object: &r.object,
                outcome: &r.outcome,
                purpose: r.purpose.as_deref(),
            };
            if r.prev_hash != prev || digest(&prev, r.at, &e) != r.hash {
                return Ok(Verification {
                    rows,
                    broken_at: Some(r.seq),
                });
            }
            prev = r.hash.clone();
            rows += 1;
        }
        after = batch.last().map(|r| r.seq).unwrap_or(after);
    }
}

/// The most recent rows, newest first.
pub fn recent(conn: &mut DbConnection, limit: i64) -> Result<Vec<Row>, DbError> {
    Ok(audit_log::table
        .order(audit_log::seq.desc())
        .limit(limit)
        .load(conn)?)
}

/// The setting holding `seq:hash` of the last row retention removed.
const ANCHOR: &str = "audit_anchor";

/// Deletes rows older than `cutoff` (epoch ms), keeping the chain verifiable: the last removed
/// row's sequence number and hash become the anchor `verify` starts from. Returns rows removed.
pub fn prune_before(conn: &mut DbConnection, cutoff: i64, dry_run: bool) -> Result<usize, DbError> {
    let found: Option<(i64, String)> = audit_log::table
        .filter(audit_log::at.lt(cutoff))
        .order(audit_log::seq.desc())
        .select((audit_log::seq, audit_log::hash))
        .first(conn)
        .optional()?;
    let Some((last, hash)) = found else {
        return Ok(0);
    };
    let count: i64 = audit_log::table
        .filter(audit_log::seq.le(last))
        .count()
        .get_result(conn)?;
    if dry_run {
        return Ok(count as usize);
    }
    crate::db::transaction(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            diesel::sql_query("SELECT pg_advisory_xact_lock(72437)").execute(pg)?;
        }
        use crate::db::schema::settings;
        let anchor = format!("{last}:{hash}");
        let updated = diesel::update(settings::table.filter(settings::key.eq(ANCHOR)))
            .set(settings::value.eq(&anchor))
            .execute(conn)?;
        if updated == 0 {
            diesel::insert_into(settings::table)
                .values((settings::key.eq(ANCHOR), settings::value.eq(&anchor)))
                .execute(conn)?;
        }
        // On SQLite the log is in a file of its own, committed after the main one: a crash in
        // between leaves the anchor moved and the rows in place, which `verify` skips.
        crate::db::audit_transaction(conn, |conn| {
            diesel::delete(audit_log::table.filter(audit_log::seq.le(last))).execute(conn)
        })?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(count as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh SQLite store in the temp folder, removed when dropped.
    struct Store(std::path::PathBuf, crate::db::DbPool);

    impl Store {
        fn new(tag: &str) -> Store {
            let path = std::env::temp_dir().join(format!(
                "paxrisk-audit-{tag}-{}-{}.db",
                std::process::id(),
                crate::db::new_id()
            ));
            let pool = crate::db::open(&format!("sqlite://{}", path.display()), 1).unwrap();
            Store(path, pool)
        }
    }

    impl Drop for Store {
        fn drop(&mut self) {
            for file in crate::db::sqlite_files(&self.0.display().to_string()) {
                let _ = std::fs::remove_file(file);
            }
        }
    }

    fn event<'a>(action: &'a str, purpose: Option<&'a str>) -> Event<'a> {
        Event {
            actor: "0192-user",
            role: "officer",
            action,
            object: "traveller:0192-t",
            outcome: "ok",
            purpose,
        }
    }

    /// The digest exactly as rows were hashed before purposes existed, written out anew here.
    fn legacy_digest(prev: &str, at: i64, e: &Event<'_>) -> String {
        let mut h = Sha256::new();
        for part in [
            prev,
            &at.to_string(),
            e.actor,
            e.role,
            e.action,
            e.object,
            e.outcome,
        ] {
            h.update(part.as_bytes());
            h.update([0x1f]);
        }
        hex::encode(h.finalize())
    }

    /// Appends a row the way the code before purposes did (no purpose column written).
    fn append_legacy(conn: &mut DbConnection, e: &Event<'_>) {
        let prev: String = audit_log::table
            .order(audit_log::seq.desc())
            .select(audit_log::hash)
            .first(conn)
            .optional()
            .unwrap()
            .unwrap_or_default();
        let at = now_ms();
        diesel::insert_into(audit_log::table)
            .values((
                audit_log::at.eq(at),
                audit_log::actor.eq(e.actor),
                audit_log::role.eq(e.role),
                audit_log::action.eq(e.action),
                audit_log::object.eq(e.object),
                audit_log::outcome.eq(e.outcome),
                audit_log::prev_hash.eq(&prev),
                audit_log::hash.eq(legacy_digest(&prev, at, e)),
            ))
            .execute(conn)
            .unwrap();
    }

    fn seq_of(conn: &mut DbConnection, action: &str) -> i64 {
        audit_log::table
            .filter(audit_log::action.eq(action))
            .select(audit_log::seq)
            .first(conn)
            .unwrap()
    }

    fn tamper(conn: &mut DbConnection, seq: i64, purpose: Option<&str>) {
        diesel::update(audit_log::table.filter(audit_log::seq.eq(seq)))
            .set(audit_log::purpose.eq(purpose))
            .execute(conn)
            .unwrap();
    }

    #[test]
    fn a_row_without_purpose_hashes_as_before() {
        let e = event("traveller.read", None);
        assert_eq!(digest("abc", 42, &e), legacy_digest("abc", 42, &e));
        let with = event("traveller.read", Some("border check"));
        assert_ne!(digest("abc", 42, &with), legacy_digest("abc", 42, &with));
    }

    #[test]
    fn a_chain_of_old_and_new_rows_verifies_and_purpose_tampering_is_caught() {
        let store = Store::new("mix");
        let conn = &mut *store.1.get().unwrap();
        append_legacy(conn, &event("old.one", None));
        append_legacy(conn, &event("old.two", None));
        record(conn, event("new.purpose", Some("case 2026-118"))).unwrap();
        record(conn, event("new.none", None)).unwrap();
        record(conn, event("new.later", Some("secondary inspection"))).unwrap();
        let v = verify(conn).unwrap();
        assert_eq!((v.rows, v.broken_at), (5, None));
        let stored: Option<String> = audit_log::table
            .filter(audit_log::action.eq("new.purpose"))
            .select(audit_log::purpose)
            .first(conn)
            .unwrap();
        assert_eq!(stored.as_deref(), Some("case 2026-118"));

        // A changed purpose, a removed one, or one added to an old row: each breaks the chain
        // at that row; put back, the chain holds again.
        let row = seq_of(conn, "new.purpose");
        for (forged, then) in [
            (Some("routine"), Some("case 2026-118")),
            (None, Some("case 2026-118")),
        ] {
            tamper(conn, row, forged);
            assert_eq!(verify(conn).unwrap().broken_at, Some(row));
            tamper(conn, row, then);
            assert_eq!(verify(conn).unwrap().broken_at, None);
        }
        let old = seq_of(conn, "old.two");
        tamper(conn, old, Some("added afterwards"));
        assert_eq!(verify(conn).unwrap().broken_at, Some(old));
        tamper(conn, old, None);
        assert_eq!(verify(conn).unwrap().broken_at, None);
    }

    #[test]
    fn purposes_are_bounded_and_printable() {
        assert_eq!(purpose("  case 12\n"), Some("case 12".to_string()));
        assert_eq!(purpose(" \t "), None);
        assert_eq!(purpose("a\u{1f}b\u{1e}c"), Some("abc".to_string()));
        let long = "x".repeat(500);
        assert_eq!(purpose(&long).unwrap().chars().count(), MAX_PURPOSE_CHARS);
        let store = Store::new("bound");
        let conn = &mut *store.1.get().unwrap();
        record(conn, event("read", Some(&long))).unwrap();
        let stored: Option<String> = audit_log::table
            .select(audit_log::purpose)
            .first(conn)
            .unwrap();
        assert_eq!(stored.unwrap().len(), MAX_PURPOSE_CHARS);
        record(conn, event("read", Some("   "))).unwrap();
        assert_eq!(verify(conn).unwrap().broken_at, None);
    }
}
