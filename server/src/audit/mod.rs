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
    hex::encode(h.finalize())
}

/// Appends an event, chained to the previous row's hash.
pub fn record(conn: &mut DbConnection, e: Event<'_>) -> Result<(), DbError> {
    crate::db::transaction(conn, |conn| {
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
        diesel::delete(audit_log::table.filter(audit_log::seq.le(last))).execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(count as usize)
}
