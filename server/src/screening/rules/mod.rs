//! Targeting rules in the store and around it.
//!
//! - [`store`]: create, edit (every edit is a new version; a version is never changed once
//!   written, so the version a hit names is the condition and weight that produced it), change
//!   state, list versions.
//! - [`active`]: the compiled set of live and shadow rules that screening evaluates.
//! - [`try_on`]: one rule against one stored traveller, leaf by leaf (the editor's "test").
//! - [`backtest`]: one rule over stored history, before it goes live.
//! - [`outcomes`]: officers' dispositions turned into a suggested weight that an administrator
//!   may accept (never applied by itself).
//!
//! The condition language, validation and evaluation are the pure `paxrisk-screening` crate.

pub mod active;
pub mod backtest;
mod facts;
pub mod outcomes;
pub mod store;
pub mod try_on;

use paxrisk_screening::rules::{Bands, RuleError};

pub use active::{active, evaluate};
pub use store::{create, list};

use crate::config::Config;
use crate::db::DbError;

/// The bands of the configuration.
pub fn bands(config: &Config) -> Bands {
    Bands {
        high: config.band_high,
        medium: config.band_medium,
    }
}

/// Why a rule operation failed.
#[derive(Debug, thiserror::Error)]
pub enum RuleStoreError {
    /// The rule body (or state, or range) breaks the rules of the language: `422` with a path.
    #[error(transparent)]
    Invalid(#[from] RuleError),
    /// No such rule, version or traveller.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The request no longer fits the rule's state (a suggestion that changed or is moot).
    #[error("{0}")]
    Conflict(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for RuleStoreError {
    fn from(e: diesel::result::Error) -> Self {
        RuleStoreError::Db(e.into())
    }
}
