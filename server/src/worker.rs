//! The job worker: processes received messages and runs screening jobs, in a loop on its own
//! thread. Several workers (threads or processes) may share one PostgreSQL database.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::db::DbPool;
use crate::metrics::Metrics;

/// What a worker needs.
#[derive(Clone)]
pub struct Worker {
    pub pool: DbPool,
    pub config: crate::config::Config,
    pub metrics: Metrics,
    pub stop: Arc<AtomicBool>,
}

impl Worker {
    /// Starts the loop on a new thread.
    pub fn spawn(self) -> std::thread::JoinHandle<()> {
        std::thread::Builder::new()
            .name("paxrisk-worker".into())
            .spawn(move || self.run())
            .expect("spawn worker thread")
    }

    fn run(self) {
        let folders = match crate::ingest::folder::Folders::under(&self.config.data_dir) {
            Ok(f) => Some(f),
            Err(e) => {
                tracing::warn!(error = %e, "the intake folder cannot be created; folder intake is off");
                None
            }
        };
        let mut last_sweep = std::time::Instant::now() - Duration::from_secs(10);
        while !self.stop.load(Ordering::Relaxed) {
            if let Some(f) = folders
                .as_ref()
                .filter(|_| last_sweep.elapsed() >= Duration::from_secs(1))
            {
                last_sweep = std::time::Instant::now();
                let swept = self
                    .pool
                    .get()
                    .map_err(crate::db::DbError::from)
                    .and_then(|mut c| crate::ingest::folder::sweep(&mut c, f));
                if let Err(e) = swept {
                    tracing::warn!(error = %e, "intake folder sweep failed; retrying");
                }
            }
            match self.step() {
                Ok(true) => {}
                Ok(false) => std::thread::sleep(Duration::from_millis(self.config.worker_idle_ms)),
                Err(e) => {
                    tracing::warn!(error = %e, "worker step failed; retrying");
                    std::thread::sleep(Duration::from_millis(1000));
                }
            }
        }
    }

    /// Does one unit of work; false when there was none.
    pub fn step(&self) -> Result<bool, crate::db::DbError> {
        let mut conn = self.pool.get()?;
        if let Some(id) = crate::ingest::process::claim_next(&mut conn)? {
            let span = tracing::info_span!("message", id = %id);
            let _g = span.enter();
            crate::ingest::process::process(&mut conn, &id, self.config.home_country.as_deref())?;
            self.metrics.messages_processed.inc();
            return Ok(true);
        }
        if let Some(job) = crate::screening::jobs::claim_next(&mut conn)? {
            let span = tracing::info_span!("screen", flight = %job.flight_id);
            let _g = span.enter();
            let n =
                crate::screening::screen::screen_flight(&mut conn, &job.flight_id, &self.config)?;
            crate::screening::jobs::finish(&mut conn, &job.id)?;
            self.metrics.flights_screened.inc();
            self.metrics.travellers_screened.add(n as u64);
            return Ok(true);
        }
        Ok(false)
    }

    /// Works until nothing is left (CLI ingest, demo seeding, tests).
    pub fn drain(&self) -> Result<(), crate::db::DbError> {
        while self.step()? {}
        Ok(())
    }
}
