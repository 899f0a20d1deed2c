//! Statistics over the store for the people who tune the system: the per-rule effectiveness
//! report. Reports are counts and rates, never people.
//!
//! Plain Rust rather than polars: at a unit's volumes (10⁵ travellers a day) the report is a
//! few grouped scans, and polars would add minutes to every cold build (see the report of
//! issue 6 and BENCHMARKS.md, "Targeting rules").

pub mod effectiveness;
