//! paxrisk-screening: watchlist matching and targeting rules, as pure functions over traveller
//! records. No I/O beyond reading list files, no database: the server stores lists and rules and
//! calls these functions.
//!
//! - [`names`]: name normalisation and person-name similarity (`paxrisk names compare`).
//! - [`watchlist`]: list entries and their import from CSV, JSON and OFAC's legacy CSV.
//! - [`matcher`]: the candidate index built once per list version, and scoring with reasons.
//! - [`rules`]: the targeting-rule condition language, its field catalogue and evaluation.

pub mod matcher;
pub mod names;
pub mod rules;
pub mod watchlist;
