//! One retention run as of a given time: delete what is due, mask what is kept, drop raw bytes,
//! expire grants, rotate the keyring (master keys older than the backup window destroyed, once the
//! surviving data keys they wrapped are re-wrapped under the epoch of `now`), then leave nothing
//! readable behind.
//! Idempotent: a second run at the same time finds nothing to do.

use std::collections::HashSet;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;

use super::keyring::{self, Keyring};
use super::policy::{self, DataClass, RetentionPolicy, Source, DAY_MS};
use super::{crypto, holds, mask, purge, unmask, Actor, RetentionError};
use crate::config::Config;
use crate::db::schema::{
    message_bytes, messages, pnrs, retention_keys, retention_runs, traveller_versions, travellers,
};
use crate::db::{new_id, now_ms, DbConnection};

/// What a run did (or, dry, would do). Counts only: no personal data.
#[derive(Debug, Default, Serialize)]
pub struct Report {
    /// The policy's profile.
    pub profile: String,
    /// The policy's version.
    pub policy_version: i32,
    /// True when nothing was changed.
    pub dry_run: bool,
    /// The time the run was computed as of (RFC 3339).
    pub as_of: String,
    /// Travellers deleted with everything derived from them.
    pub travellers_deleted: usize,
    /// Travellers masked (originals sealed).
    pub travellers_masked: usize,
    /// Travellers past an age that an open case keeps from deletion.
    pub travellers_held: usize,
    /// PNRs deleted.
    pub pnrs_deleted: usize,
    /// PNRs with classes masked in this run.
    pub pnrs_masked: usize,
    /// Raw messages whose bytes were deleted.
    pub raw_messages_deleted: usize,
    /// Unmask grants that expired.
    pub grants_expired: usize,
    /// Audit-log rows past the audit class's deletion age (the chain stays verifiable).
    pub audit_rows_deleted: usize,
    /// The keyring epoch (UTC date of `as_of`) that data keys are wrapped under after the run.
    pub key_epoch: Option<String>,
    /// Data keys re-wrapped under that epoch's master key (those of epochs past the window).
    pub keys_rewrapped: usize,
    /// Raw messages stored in clear before sealing existed, sealed by this run.
    pub raw_messages_sealed: usize,
    /// Data keys found under a destroyed master key (a restored old backup): removed.
    pub keys_dead: usize,
    /// Master keys destroyed because they are older than the backup retention window.
    pub epochs_destroyed: usize,
}

/// What is due, computed before anything changes.
#[derive(Default)]
struct Plan {
    delete: Vec<String>,
    mask: Vec<String>,
    held: usize,
    pnr_delete: Vec<String>,
    pnr_mask: Vec<(String, String, Vec<DataClass>)>,
    raw: Vec<String>,
}

fn due(age_ms: i64, days: i64) -> bool {
    age_ms >= days * DAY_MS
}

fn plan(conn: &mut DbConnection, p: &RetentionPolicy, now: i64) -> Result<Plan, RetentionError> {
    let h = holds::load(conn)?;
    let mut out = Plan::default();
    let horizon = now - p.earliest_days() * DAY_MS;
    let candidates: Vec<(String, String, i64, bool, String, Option<String>)> = travellers::table
        .filter(travellers::received_at.le(horizon))
        .select((
            travellers::id,
            travellers::source,
            travellers::received_at,
            travellers::masked,
            travellers::flight_id,
            travellers::record_locator,
        ))
        .load(conn)?;
    let mut deleted = HashSet::new();
    for (id, source, received, masked, _, _) in &candidates {
        let s = p.schedule(DataClass::Identity, Source::of(source));
        let age = now - received;
        let (held, retained) = (h.held.contains(id), h.retained.contains(id));
        let delete_due =
            (!retained && due(age, s.delete_after_days)) || due(age, s.delete_retained_after_days);
        if delete_due && held {
            out.held += 1;
        }
        if delete_due && !held {
            out.delete.push(id.clone());
            deleted.insert(id.clone());
        } else if !masked && s.mask_after_days.is_some_and(|m| due(age, m)) {
            out.mask.push(id.clone());
        }
    }
    plan_pnrs(conn, p, now, horizon, &h, &deleted, &mut out)?;
    let raw: Vec<(String, Option<String>, i64)> = messages::table
        .inner_join(message_bytes::table.on(message_bytes::message_id.eq(messages::id)))
        .filter(messages::received_at.le(horizon))
        .select((messages::id, messages::message_type, messages::received_at))
        .load(conn)?;
    for (id, kind, received) in raw {
        let s = p.schedule(
            DataClass::RawMessages,
            Source::of(kind.as_deref().unwrap_or("PAXLST")),
        );
        let first = s
            .mask_after_days
            .unwrap_or(i64::MAX)
            .min(s.delete_after_days);
        if due(now - received, first) {
            out.raw.push(id);
        }
    }
    // The raw bytes of every message that names a traveller being masked go too: masking keeps
    // the clear data only sealed, and the raw message would hold it in clear for the system.
    let mut raw: HashSet<String> = out.raw.iter().cloned().collect();
    for chunk in out.mask.chunks(500) {
        let carrying: Vec<String> = traveller_versions::table
            .inner_join(
                message_bytes::table
                    .on(message_bytes::message_id.eq(traveller_versions::message_id)),
            )
            .filter(traveller_versions::traveller_id.eq_any(chunk))
            .select(message_bytes::message_id)
            .distinct()
            .load(conn)?;
        for id in carrying {
            if raw.insert(id.clone()) {
                out.raw.push(id);
            }
        }
    }
    Ok(out)
}

/// A PNR goes when none of its travellers remain and its itinerary is due, or when its
/// retained age has passed and no open case holds one of them; otherwise its due classes are
/// masked.
fn plan_pnrs(
    conn: &mut DbConnection,
    p: &RetentionPolicy,
    now: i64,
    horizon: i64,
    h: &holds::Holds,
    deleted: &HashSet<String>,
    out: &mut Plan,
) -> Result<(), RetentionError> {
    let rows: Vec<(String, String, String, String, i64)> = pnrs::table
        .filter(pnrs::received_at.le(horizon))
        .select((
            pnrs::id,
            pnrs::flight_id,
            pnrs::record_locator,
            pnrs::data,
            pnrs::received_at,
        ))
        .load(conn)?;
    for (id, flight_id, locator, data, received) in rows {
        let age = now - received;
        let on_it: Vec<String> = travellers::table
            .filter(
                travellers::flight_id
                    .eq(&flight_id)
                    .and(travellers::record_locator.eq(&locator)),
            )
            .select(travellers::id)
            .load(conn)?;
        let remaining: Vec<&String> = on_it.iter().filter(|t| !deleted.contains(*t)).collect();
        let itinerary = p.schedule(DataClass::Itinerary, Source::Pnr);
        let any_held = remaining.iter().any(|t| h.held.contains(*t));
        if (remaining.is_empty() && due(age, itinerary.delete_after_days))
            || (due(age, itinerary.delete_retained_after_days) && !any_held)
        {
            out.pnr_delete.push(id);
            continue;
        }
        let already = mask::masked_classes(&data);
        let classes: Vec<DataClass> = [
            DataClass::Identity,
            DataClass::Contacts,
            DataClass::Payment,
            DataClass::FrequentFlyer,
            DataClass::Remarks,
        ]
        .into_iter()
        .filter(|c| !already.contains(c))
        .filter(|c| {
            let s = p.schedule(*c, Source::Pnr);
            s.mask_after_days.is_some_and(|m| due(age, m)) || due(age, s.delete_after_days)
        })
        .collect();
        if !classes.is_empty() {
            out.pnr_mask.push((id, data, classes));
        }
    }
    Ok(())
}

/// Runs retention as of `now` (epoch ms) under the active policy.
pub fn run(
    conn: &mut DbConnection,
    config: &Config,
    now: i64,
    dry_run: bool,
) -> Result<Report, RetentionError> {
    let p = policy::active(conn, config)?;
    let plan = plan(conn, &p, now)?;
    let mut report = Report {
        profile: p.profile.clone(),
        policy_version: p.version,
        dry_run,
        as_of: crate::api::rfc3339(now),
        travellers_deleted: plan.delete.len(),
        travellers_masked: plan.mask.len(),
        travellers_held: plan.held,
        pnrs_deleted: plan.pnr_delete.len(),
        pnrs_masked: plan.pnr_mask.len(),
        raw_messages_deleted: plan.raw.len(),
        grants_expired: unmask::count_expiring(conn, now)?,
        audit_rows_deleted: 0,
        ..Report::default()
    };
    let audit_cutoff = now
        - p.schedule(policy::DataClass::AuditLog, policy::Source::Api)
            .delete_retained_after_days
            * 86_400_000;
    if dry_run {
        report.audit_rows_deleted = crate::audit::prune_before(conn, audit_cutoff, true)?;
        return Ok(report);
    }
    // The keyring is made on first need only, so a database that never sealed anything needs none.
    let needs_keys = !plan.mask.is_empty()
        || !plan.pnr_mask.is_empty()
        || retention_keys::table.count().get_result::<i64>(conn)? > 0
        || crate::db::get_setting(conn, keyring::LEGACY_SETTING)?.is_some()
        || message_bytes::table
            .filter(message_bytes::sealed.eq(false))
            .count()
            .get_result::<i64>(conn)?
            > 0;
    let mut ring = Keyring::open(conn, config, needs_keys)?;
    let sealing = if ring.exists() {
        let s = ring.sealing_key(now)?;
        report.key_epoch = Some(keyring::epoch_date(s.epoch));
        Some(s)
    } else {
        None
    };
    let system = Actor::system();
    for chunk in plan.delete.chunks(200) {
        crate::db::transaction(conn, |c| purge::delete_travellers(c, chunk))?;
        for id in chunk {
            system.audit(conn, "retention.delete", &format!("traveller:{id}"), "ok")?;
        }
    }
    let seal_key = || {
        sealing
            .clone()
            .ok_or_else(|| RetentionError::Keyring("no keyring to seal with".into()))
    };
    for id in &plan.mask {
        let s = seal_key()?;
        crate::db::transaction(conn, |c| mask::mask_traveller(c, &s, id))?;
        system.audit(conn, "retention.mask", &format!("traveller:{id}"), "ok")?;
    }
    for chunk in plan.pnr_delete.chunks(200) {
        crate::db::transaction(conn, |c| purge::delete_pnrs(c, chunk))?;
        for id in chunk {
            system.audit(conn, "retention.delete", &format!("pnr:{id}"), "ok")?;
        }
    }
    for (id, data, classes) in &plan.pnr_mask {
        let s = seal_key()?;
        crate::db::transaction(conn, |c| {
            let masked = mask::mask_pnr(c, &s, id, data, classes)?;
            // Links derived from the masked classes go with them.
            let on_it = crate::links::store::travellers_of_pnrs(c, std::slice::from_ref(id))?;
            let kinds: Vec<&str> = classes
                .iter()
                .flat_map(|k| crate::links::Kind::of_class(*k))
                .collect();
            crate::links::store::delete_kinds(c, &on_it, &kinds, Some("pnr"))?;
            diesel::update(pnrs::table.filter(pnrs::id.eq(id)))
                .set(pnrs::data.eq(masked))
                .execute(c)?;
            Ok::<_, RetentionError>(())
        })?;
        system.audit(conn, "retention.mask", &format!("pnr:{id}"), "ok")?;
    }
    for chunk in plan.raw.chunks(500) {
        // The bytes and their data keys go together.
        crate::db::transaction(conn, |c| crate::ingest::raw::delete(c, chunk))?;
        for id in chunk {
            system.audit(conn, "retention.delete_raw", &format!("message:{id}"), "ok")?;
        }
    }
    report.grants_expired = unmask::expire(conn, now)?;
    report.audit_rows_deleted = crate::audit::prune_before(conn, audit_cutoff, false)?;
    if let Some(s) = &sealing {
        report.raw_messages_sealed = crate::ingest::raw::seal_stored(conn, s)?;
        rotate(conn, config, &mut ring, s, &mut report)?;
    }
    let changed = report.travellers_deleted
        + report.travellers_masked
        + report.pnrs_deleted
        + report.pnrs_masked
        + report.raw_messages_deleted
        + report.grants_expired
        + report.audit_rows_deleted
        + report.raw_messages_sealed
        + report.keys_rewrapped
        + report.keys_dead
        + report.epochs_destroyed;
    if changed > 0 {
        let run_id = record(conn, &report, now)?;
        system.audit(
            conn,
            "retention.run",
            &format!("retention_run:{run_id}"),
            "ok",
        )?;
        scrub(conn)?;
    }
    Ok(report)
}

/// Re-wraps the surviving data keys of epochs older than the backup window under the run's epoch,
/// then destroys those epochs' master keys (never the current one). The order matters: a master
/// key is destroyed only after every data key of the live database has left it.
fn rotate(
    conn: &mut DbConnection,
    config: &Config,
    ring: &mut Keyring,
    sealing: &keyring::SealingKey,
    report: &mut Report,
) -> Result<(), RetentionError> {
    let before = sealing.epoch - config.backup_retention_days;
    let r = crypto::rotate(conn, ring, sealing, Some(before))?;
    report.keys_rewrapped = r.rewrapped;
    report.keys_dead = r.dead;
    if crypto::drop_legacy_setting(conn)? {
        Actor::system().audit(
            conn,
            "retention.legacy_key_removed",
            "setting:retention_master_key",
            "ok",
        )?;
    }
    let destroyed_epochs: Vec<i64> = ring
        .epochs()
        .into_iter()
        .filter(|e| *e < before && *e != sealing.epoch)
        .collect();
    report.epochs_destroyed = ring.destroy_before(before, sealing.epoch)?;
    for e in destroyed_epochs {
        Actor::system().audit(
            conn,
            "retention.key_destroyed",
            &format!("keyring_epoch:{}", keyring::epoch_date(e)),
            "ok",
        )?;
    }
    Ok(())
}

fn record(conn: &mut DbConnection, r: &Report, now: i64) -> Result<String, RetentionError> {
    let id = new_id();
    let n = |v: usize| v as i64;
    diesel::insert_into(retention_runs::table)
        .values((
            retention_runs::id.eq(&id),
            retention_runs::as_of.eq(now),
            retention_runs::started_at.eq(now_ms()),
            retention_runs::profile.eq(&r.profile),
            retention_runs::travellers_deleted.eq(n(r.travellers_deleted)),
            retention_runs::travellers_masked.eq(n(r.travellers_masked)),
            retention_runs::pnrs_deleted.eq(n(r.pnrs_deleted)),
            retention_runs::pnrs_masked.eq(n(r.pnrs_masked)),
            retention_runs::raw_deleted.eq(n(r.raw_messages_deleted)),
            retention_runs::grants_expired.eq(n(r.grants_expired)),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Leaves nothing readable behind: SQLite empties the WAL into the file and rewrites it
/// (`secure_delete` is on for every connection); PostgreSQL vacuums the touched tables.
fn scrub(conn: &mut DbConnection) -> Result<(), RetentionError> {
    let sql = match conn {
        DbConnection::Sqlite(_) => "PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);",
        DbConnection::Pg(_) => {
            "VACUUM travellers, traveller_versions, documents, hits, manual_hits, lookouts, review_items, \
             review_notes, pnrs, messages, retention_keys, sealed_originals, links, link_nodes, \
             settings;"
        }
    };
    conn.batch_execute(sql)
        .map_err(|e| RetentionError::Db(e.into()))
}
