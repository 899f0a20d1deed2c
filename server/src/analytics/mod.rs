//! Statistics over the store: the per-rule effectiveness report for the people who tune the
//! system, and the carrier data quality report for carriers and the unit. Reports are counts and
//! rates, never people.
//!
//! The effectiveness report is plain Rust (a few grouped scans; see the report of issue 6 and
//! BENCHMARKS.md, "Targeting rules"); the carrier quality report aggregates polars DataFrames.

pub mod effectiveness;
pub mod quality;
