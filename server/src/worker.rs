//! The job worker: processes received messages and runs screening jobs, in a loop on its own
//! thread. Several workers (threads or processes) may share one PostgreSQL database.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::db::DbPool;
use crate::metrics::Metrics;

/// Messages claimed and loaded together on SQLite, in one transaction (of as many different
/// flights): a burst costs one commit, and one write of each page the messages share, per batch
/// instead of per message, while a lone message still loads at once. SQLite's writers take turns
/// anyway; on PostgreSQL, where workers write at once, a long transaction holding many messages'
/// row locks would make them wait for each other (and deadlock on values two flights share), so
/// there each message loads on its own (its commits do not wait for the disk: `db::redoable`).
const LOAD_BATCH: usize = 32;

/// The batch of a serving worker on SQLite: smaller, so that a write transaction lasts a few
/// hundred milliseconds at most; an officer's request, whose audit row is a write, waits its turn
/// behind it (a bulk load, where nobody waits, takes `LOAD_BATCH`).
const SERVE_BATCH: usize = 8;

/// How long a queued screening job may wait while messages keep arriving before it goes first.
const SCREEN_WAIT_MS: i64 = 500;

/// What a worker needs.
#[derive(Clone)]
pub struct Worker {
    pub pool: DbPool,
    pub config: crate::config::Config,
    pub metrics: Metrics,
    pub stop: Arc<AtomicBool>,
}

impl Worker {
    /// Starts the loop on a new thread; thread 0 also sweeps the intake folder.
    pub fn spawn(self, n: usize) -> std::thread::JoinHandle<()> {
        std::thread::Builder::new()
            .name(format!("paxrisk-worker-{n}"))
            .spawn(move || self.run(n == 0))
            .expect("spawn worker thread")
    }

    fn run(self, sweep_folder: bool) {
        let folders = match crate::ingest::folder::Folders::under(&self.config.data_dir) {
            Ok(f) => Some(f).filter(|_| sweep_folder),
            Err(e) => {
                tracing::warn!(error = %e, "the intake folder cannot be created; folder intake is off");
                None
            }
        };
        let mut last_sweep = std::time::Instant::now() - Duration::from_secs(10);
        let mut last_expiry = std::time::Instant::now();
        while !self.stop.load(Ordering::Relaxed) {
            // Thread 0 marks multi-part manifests that stayed incomplete too long (idempotent, so
            // several processes may all do it).
            if sweep_folder && last_expiry.elapsed() >= self.part_check_every() {
                last_expiry = std::time::Instant::now();
                self.expire_part_sets();
            }
            if let Some(f) = folders
                .as_ref()
                .filter(|_| last_sweep.elapsed() >= Duration::from_secs(1))
            {
                last_sweep = std::time::Instant::now();
                let swept = self
                    .pool
                    .get()
                    .map_err(crate::db::DbError::from)
                    .and_then(|mut c| crate::ingest::folder::sweep(&mut c, &self.config, f));
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

    /// How often incomplete part sets are checked: a tenth of the timeout, between 1 s and 30 s.
    fn part_check_every(&self) -> Duration {
        Duration::from_secs((self.config.part_timeout_seconds / 10).clamp(1, 30))
    }

    /// Marks part sets incomplete past `PAXRISK_PART_TIMEOUT_SECONDS` as timed out.
    pub fn expire_part_sets(&self) {
        let timeout_ms = self.config.part_timeout_seconds as i64 * 1000;
        let expired = self
            .pool
            .get()
            .map_err(crate::db::DbError::from)
            .and_then(|mut c| crate::ingest::parts::expire(&mut c, timeout_ms));
        if let Err(e) = expired {
            tracing::warn!(error = %e, "checking multi-part manifests for timeouts failed; retrying");
        }
    }

    /// Does one unit of work; false when there was none. Messages go first, so that a burst is
    /// loaded (and a flight's several messages are screened once) before screening starts; but a
    /// screening job that has waited `SCREEN_WAIT_MS` goes before further messages, so that hits
    /// reach the queue within seconds while carriers keep sending.
    pub fn step(&self) -> Result<bool, crate::db::DbError> {
        self.step_waiting(Some(SCREEN_WAIT_MS))
    }

    /// [`Worker::step`], with screening jobs taken before messages once they have waited
    /// `screen_wait_ms`, or only when no message is left (`None`: a bulk load, where nobody waits
    /// for the first hits and each flight is best screened once, after all its messages).
    fn step_waiting(&self, screen_wait_ms: Option<i64>) -> Result<bool, crate::db::DbError> {
        let mut conn = self.pool.get()?;
        if let Some(wait) = screen_wait_ms {
            if let Some(job) = crate::screening::jobs::claim_next(&mut conn, wait)? {
                self.screen(&mut conn, &job)?;
                return Ok(true);
            }
        }
        let batch = match (&*conn, screen_wait_ms) {
            (crate::db::DbConnection::Pg(_), _) => 1,
            (crate::db::DbConnection::Sqlite(_), Some(_)) => SERVE_BATCH,
            (crate::db::DbConnection::Sqlite(_), None) => LOAD_BATCH,
        };
        let claims = crate::ingest::process::claim_batch(&mut conn, batch)?;
        if !claims.is_empty() {
            let outcome = crate::ingest::process::process_batch(&mut conn, &claims, &self.config);
            self.metrics.messages_processed.add(outcome.loaded as u64);
            if outcome.lost > 0 {
                tracing::warn!(
                    messages = outcome.lost,
                    "lease ran out while processing; another worker took over"
                );
            }
            if let Some(e) = outcome.errors.into_iter().next() {
                return Err(e);
            }
            return Ok(true);
        }
        if let Some(job) = crate::screening::jobs::claim_next(&mut conn, 0)? {
            self.screen(&mut conn, &job)?;
            return Ok(true);
        }
        Ok(false)
    }

    fn screen(
        &self,
        conn: &mut crate::db::DbConnection,
        job: &crate::screening::jobs::Job,
    ) -> Result<(), crate::db::DbError> {
        let span = tracing::info_span!("screen", flight = %job.flight_id);
        let _g = span.enter();
        match crate::screening::jobs::run(conn, job, &self.config) {
            Ok(n) => {
                self.metrics.flights_screened.inc();
                self.metrics.travellers_screened.add(n as u64);
            }
            Err(e) if lease_lost(&e) => {
                tracing::warn!("lease ran out while screening; another worker took over")
            }
            Err(e) => return Err(e),
        }
        Ok(())
    }

    /// Works until nothing is left (CLI ingest, demo seeding, tests): every message first, then
    /// the screening jobs.
    /// A step that fails (a deadlock, a lost connection) is tried again a few times, as the
    /// serving loop would, before the error is given up on.
    pub fn drain(&self) -> Result<(), crate::db::DbError> {
        let mut failures = 0;
        loop {
            match self.step_waiting(None) {
                Ok(true) => failures = 0,
                Ok(false) => return Ok(()),
                Err(e) if failures < 5 => {
                    failures += 1;
                    tracing::warn!(error = %e, "worker step failed; retrying");
                    std::thread::sleep(Duration::from_millis(200 * failures));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Works on `threads` threads until nothing is left (CLI ingest): one flight's messages still
    /// load in order, and a thread that finds nothing to do stops. What the others queue after that
    /// (a flight's screening job) they take themselves, and a last single-threaded pass makes sure
    /// nothing is left behind.
    pub fn drain_parallel(&self, threads: usize) -> Result<(), crate::db::DbError> {
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads.max(1))
                .map(|_| s.spawn(|| self.drain()))
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("worker thread panicked"))
                .collect::<Result<Vec<()>, _>>()
        })?;
        self.drain()
    }
}

/// Whether an error says this worker's claim was taken over (its work was rolled back).
fn lease_lost(e: &crate::db::DbError) -> bool {
    crate::ingest::process::is_lease_lost(e)
}
