//! Screening jobs: a queue table in the same database, claimed with a lease (`SKIP LOCKED` on
//! PostgreSQL so several servers share the work).

use diesel::prelude::*;

use crate::db::schema::{flights, jobs};
use crate::db::{now_ms, DbConnection, DbError};

/// A claimed job.
pub struct Job {
    pub id: String,
    pub flight_id: String,
}

/// Claims the oldest runnable job.
pub fn claim_next(conn: &mut DbConnection) -> Result<Option<Job>, DbError> {
    let now = now_ms();
    let job = crate::db::transaction(conn, |conn| {
        let runnable = jobs::table
            .filter(
                (jobs::state.eq("queued").and(jobs::run_after.le(now)))
                    .or(jobs::state.eq("running").and(jobs::lease_until.lt(now))),
            )
            .order(jobs::created_at.asc())
            .select((jobs::id, jobs::flight_id));
        let found: Option<(String, String)> = match conn {
            DbConnection::Pg(pg) => runnable.for_update().skip_locked().first(pg).optional()?,
            DbConnection::Sqlite(lite) => runnable.first(lite).optional()?,
        };
        if let Some((id, _)) = &found {
            diesel::update(jobs::table.filter(jobs::id.eq(id)))
                .set((
                    jobs::state.eq("running"),
                    jobs::lease_until.eq(now + 2 * crate::config::lease_ms()),
                    jobs::attempts.eq(jobs::attempts + 1),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(found.map(|(id, flight_id)| Job { id, flight_id }))
    })?;
    Ok(job)
}

/// Marks a job done (the row is removed: the hits it made are the record).
pub fn finish(conn: &mut DbConnection, id: &str) -> Result<(), DbError> {
    diesel::delete(jobs::table.filter(jobs::id.eq(id))).execute(conn)?;
    Ok(())
}

/// Queues screening of every open flight (after a list or rule change).
pub fn rescreen_open(conn: &mut DbConnection, open_ms: i64) -> Result<usize, DbError> {
    let since = now_ms() - open_ms;
    let ids: Vec<String> = flights::table
        .filter(flights::eta.ge(since).or(flights::eta.is_null()))
        .select(flights::id)
        .load(conn)?;
    for id in &ids {
        crate::ingest::load::enqueue_screening(conn, id)?;
    }
    Ok(ids.len())
}
