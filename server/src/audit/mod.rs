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
        let prev = prev.unwrap_or_default();
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
    let mut prev = String::new();
    let mut rows = 0;
    let mut after = i64::MIN;
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
