//! Screening in the service: watchlists and rules in the store, the job queue, and the per-flight
//! screening that turns matches into hits and review items. The matching itself is the pure
//! `paxrisk-screening` crate.

pub mod jobs;
pub mod lists;
pub mod offline;
pub mod rules;
pub mod screen;
pub mod suppress;
