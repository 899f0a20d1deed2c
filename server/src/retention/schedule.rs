//! The retention schedule inside `paxrisk serve`: a thread that runs retention every
//! `retention_interval_minutes`. On PostgreSQL an advisory lock lets one server of several run it.

use std::time::Duration;

use diesel::prelude::*;
use diesel::sql_types::Bool;

use crate::config::Config;
use crate::db::{DbConnection, DbPool};

/// Arbitrary, fixed: the advisory lock key of the retention run.
const LOCK_KEY: i64 = 72_438;

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = Bool)]
    locked: bool,
}

/// Starts the schedule (no thread when the interval is 0). The first run comes one interval
/// after start, so a restart loop does not vacuum over and over.
pub fn spawn_schedule(pool: DbPool, config: Config) -> Option<std::thread::JoinHandle<()>> {
    let minutes = config.retention_interval_minutes;
    if minutes == 0 {
        return None;
    }
    let spawned = std::thread::Builder::new().name("retention".into()).spawn(move || loop {
        std::thread::sleep(Duration::from_secs(minutes * 60));
        match pool.get() {
            Ok(mut conn) => run_once(&mut conn, &config),
            Err(e) => tracing::warn!(error = %e, "retention: no database connection; next try in one interval"),
        }
    });
    match spawned {
        Ok(h) => Some(h),
        Err(e) => {
            tracing::error!(error = %e, "retention: cannot start the schedule thread");
            None
        }
    }
}

fn run_once(conn: &mut DbConnection, config: &Config) {
    let pg = matches!(conn, DbConnection::Pg(_));
    if pg {
        let got = diesel::sql_query(format!("SELECT pg_try_advisory_lock({LOCK_KEY}) AS locked"))
            .get_result::<Locked>(conn);
        if !got.map(|l| l.locked).unwrap_or(false) {
            tracing::debug!("retention: another server is running it");
            return;
        }
    }
    match super::run(conn, config, crate::db::now_ms(), false) {
        Ok(r) => tracing::info!(
            deleted = r.travellers_deleted,
            masked = r.travellers_masked,
            held = r.travellers_held,
            pnrs_deleted = r.pnrs_deleted,
            raw_deleted = r.raw_messages_deleted,
            grants_expired = r.grants_expired,
            "retention run done"
        ),
        // Retention errors carry ids and field names only.
        Err(e) => tracing::error!(error = %e, "retention run failed"),
    }
    if pg {
        let _ = diesel::sql_query(format!("SELECT pg_advisory_unlock({LOCK_KEY})")).execute(conn);
    }
}
