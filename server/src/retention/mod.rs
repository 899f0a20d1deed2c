//! Retention: what the policy says is due is masked or deleted in the store itself, not only in
//! the view (DESIGN.md, How data flows, step 6).
//!
//! - `policy`: schedules per data class and source; profiles `eu-cjeu` (default), `eu-directive`,
//!   `custom` (stored, edited by administrators).
//! - `run`: one idempotent run as of a time; `schedule` runs it periodically inside `serve`.
//! - `holds`: open review items hold data from deletion (never from masking).
//! - `mask`, `crypto`, `purge`: masking with originals sealed under per-subject data keys that
//!   deletion destroys (crypto-shredding); deletion of travellers and everything derived.
//! - `keyring`: the master keys that wrap the data keys, by epoch, in a file outside the
//!   database; each run rotates them so backups older than the backup window open nothing.
//! - `unmask`: re-personalisation requests, independent approval, time-boxed personal grants.
//! - `sensitive`, `redact`: the intake filter of sensitive SSR codes and free text.
//! - `stats`: Art. 20 statistics.

pub mod crypto;
mod error;
pub mod holds;
pub mod keyring;
pub mod mask;
pub mod policy;
mod purge;
mod redact;
mod run;
// Until `app::serve` spawns it (the lead wires it), the schedule is unused in the binary.
mod schedule;
pub mod sensitive;
pub mod stats;
pub mod unmask;

pub use error::RetentionError;
pub use run::run;
/// For `app::serve`: `retention::spawn_schedule(pool.clone(), config.clone())`.
#[allow(unused_imports)]
pub use schedule::spawn_schedule;

use crate::db::{DbConnection, DbError};

/// Who acts, for the audit log (ids and roles only).
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// A user id, or `system` / `cli`.
    pub id: &'a str,
    /// The actor's role.
    pub role: &'a str,
}

impl Actor<'static> {
    /// The retention job itself.
    pub fn system() -> Self {
        Actor {
            id: "system",
            role: "system",
        }
    }
}

impl Actor<'_> {
    /// Records an audit event by this actor.
    pub fn audit(
        &self,
        conn: &mut DbConnection,
        action: &str,
        object: &str,
        outcome: &str,
    ) -> Result<(), DbError> {
        self.audit_for(conn, action, object, outcome, None)
    }

    /// Records an audit event by this actor with the purpose it serves (an unmask grant's).
    pub fn audit_for(
        &self,
        conn: &mut DbConnection,
        action: &str,
        object: &str,
        outcome: &str,
        purpose: Option<&str>,
    ) -> Result<(), DbError> {
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: self.id,
                role: self.role,
                action,
                object,
                outcome,
                purpose,
            },
        )
    }
}
