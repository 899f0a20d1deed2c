//! Screening jobs: a queue table in the same database, claimed with a lease (`SKIP LOCKED` on
//! PostgreSQL so several servers share the work).

use diesel::prelude::*;

use crate::config::Config;
use crate::db::schema::{flights, jobs};
use crate::db::{now_ms, DbConnection, DbError};

/// A claimed job: the lease is ours while `attempts` is unchanged.
#[derive(Debug, QueryableByName)]
pub struct Job {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub flight_id: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
}

/// Claims the oldest runnable job whose flight no other worker is screening: one flight is
/// screened by one worker at a time. A queued job is runnable once it has been due for `waited_ms`;
/// a running job whose lease ran out is runnable again (its worker died); of several such jobs of
/// one flight, the oldest goes first.
pub fn claim_next(conn: &mut DbConnection, waited_ms: i64) -> Result<Option<Job>, DbError> {
    let now = now_ms();
    let candidate = "SELECT j.id FROM jobs j \
         WHERE ((j.state = 'queued' AND j.run_after <= $3) \
                OR (j.state = 'running' AND j.lease_until < $1)) \
         AND NOT EXISTS (SELECT 1 FROM jobs r WHERE r.flight_id = j.flight_id \
              AND r.state = 'running' AND r.id <> j.id \
              AND (r.lease_until >= $1 OR r.created_at < j.created_at \
                   OR (r.created_at = j.created_at AND r.id < j.id))) \
         ORDER BY j.created_at, j.id LIMIT 1";
    let update = |lock: &str| {
        format!(
            "UPDATE jobs SET state = 'running', lease_until = $2, attempts = attempts + 1 \
             WHERE id = ({candidate}{lock}) RETURNING id, flight_id, attempts"
        )
    };
    use diesel::sql_types::BigInt;
    let job = crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        match conn {
            DbConnection::Pg(pg) => diesel::sql_query(update(" FOR UPDATE SKIP LOCKED"))
                .bind::<BigInt, _>(now)
                .bind::<BigInt, _>(now + 2 * crate::config::lease_ms())
                .bind::<BigInt, _>(now - waited_ms)
                .get_result::<Job>(pg)
                .optional(),
            // Numbered parameters: SQLite numbers `$N` names by first appearance.
            DbConnection::Sqlite(lite) => diesel::sql_query(update("").replace('$', "?"))
                .bind::<BigInt, _>(now)
                .bind::<BigInt, _>(now + 2 * crate::config::lease_ms())
                .bind::<BigInt, _>(now - waited_ms)
                .get_result::<Job>(lite)
                .optional(),
        }
    })?;
    Ok(job)
}

/// Screens the job's flight and removes the job in the same transaction as the results, if the
/// claim still holds (the hits are the record). Returns the number of travellers screened.
pub fn run(conn: &mut DbConnection, job: &Job, config: &Config) -> Result<usize, DbError> {
    crate::screening::screen::screen_flight(conn, &job.flight_id, config, |conn| {
        let removed = diesel::delete(
            jobs::table.filter(
                jobs::id
                    .eq(&job.id)
                    .and(jobs::attempts.eq(job.attempts))
                    .and(jobs::state.eq("running")),
            ),
        )
        .execute(conn)?;
        if removed == 0 {
            return Err(diesel::result::Error::QueryBuilderError(Box::new(
                crate::ingest::process::LeaseLost,
            )));
        }
        Ok(())
    })
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
