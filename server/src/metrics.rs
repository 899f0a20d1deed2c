//! Prometheus counters, rendered by `GET /metrics`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// A monotonically increasing counter.
#[derive(Default, Clone)]
pub struct Counter(Arc<AtomicU64>);

impl Counter {
    /// Adds one.
    pub fn inc(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
    /// Adds `n`.
    pub fn add(&self, n: u64) {
        self.0.fetch_add(n, Ordering::Relaxed);
    }
    fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// The service's counters, shared between the HTTP workers and the job worker.
#[derive(Default, Clone)]
pub struct Metrics {
    pub messages_received: Counter,
    pub messages_processed: Counter,
    pub messages_failed: Counter,
    pub flights_screened: Counter,
    pub travellers_screened: Counter,
}

impl Metrics {
    /// Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, help, c) in [
            (
                "paxrisk_messages_received_total",
                "Messages accepted at intake.",
                &self.messages_received,
            ),
            (
                "paxrisk_messages_processed_total",
                "Messages parsed and loaded.",
                &self.messages_processed,
            ),
            (
                "paxrisk_messages_failed_total",
                "Messages that ended in state failed.",
                &self.messages_failed,
            ),
            (
                "paxrisk_flights_screened_total",
                "Screening jobs completed.",
                &self.flights_screened,
            ),
            (
                "paxrisk_travellers_screened_total",
                "Travellers screened.",
                &self.travellers_screened,
            ),
        ] {
            out.push_str(&format!(
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}\n",
                c.get()
            ));
        }
        out
    }
}
