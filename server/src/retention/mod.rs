//! Retention: what the policy says is due is masked or deleted in the store itself, not only in
//! the view. The default profile `eu-cjeu`: at 6 months from receipt, delete travellers with no
//! confirmed hit and no open case; mask the rest; delete everything at 5 years. Raw messages lose
//! their bytes at 6 months. On SQLite `secure_delete` is on and the WAL is checkpointed after a
//! run; on PostgreSQL the run ends with a VACUUM of the touched tables.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::db::schema::{documents, hits, messages, pnrs, review_items, review_notes, traveller_versions, travellers};
use crate::db::{DbConnection, DbError};

const DAY_MS: i64 = 86_400_000;
/// What a masked text field holds.
pub const MASK: &str = "***";

/// Ages (days from receipt) at which data are masked and deleted.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Policy {
    /// Travellers without a hold are deleted, and held ones masked, at this age.
    pub depersonalise_days: i64,
    /// Everything is deleted at this age, held or not.
    pub delete_all_days: i64,
    /// Raw message bytes are deleted at this age.
    pub raw_days: i64,
}

impl Policy {
    /// The shipped profiles: `eu-cjeu` (default), `eu-directive`.
    pub fn profile(name: &str) -> Option<Policy> {
        match name {
            "eu-cjeu" | "custom" => Some(Policy { depersonalise_days: 183, delete_all_days: 5 * 365, raw_days: 183 }),
            // The Directive's reading before C-817/19: everything kept 5 years, masked at 6 months.
            "eu-directive" => Some(Policy { depersonalise_days: 183, delete_all_days: 5 * 365, raw_days: 183 }),
            _ => None,
        }
    }
}

/// What a run did (or, dry, would do).
#[derive(Debug, Default, Serialize)]
pub struct Report {
    pub profile: String,
    pub dry_run: bool,
    pub travellers_deleted: usize,
    pub travellers_masked: usize,
    pub travellers_held: usize,
    pub raw_messages_deleted: usize,
    pub pnrs_deleted: usize,
}

/// Runs retention as of `now` (epoch ms). Idempotent: a second run at the same time does nothing.
pub fn run(conn: &mut DbConnection, config: &Config, now: i64, dry_run: bool) -> Result<Report, DbError> {
    let policy = Policy::profile(&config.retention_profile)
        .ok_or_else(|| DbError::Unavailable(format!("unknown retention profile {:?}", config.retention_profile)))?;
    let mut report = Report { profile: config.retention_profile.clone(), dry_run, ..Report::default() };
    let depersonalise_before = now - policy.depersonalise_days * DAY_MS;
    let delete_all_before = now - policy.delete_all_days * DAY_MS;

    // Travellers whose data reached the depersonalisation age.
    let due: Vec<(String, bool)> = travellers::table
        .filter(travellers::received_at.lt(depersonalise_before))
        .select((travellers::id, travellers::masked))
        .load(conn)?;
    let held: std::collections::HashSet<String> = review_items::table
        .filter(review_items::status.ne("closed").or(review_items::disposition.eq("resultant")))
        .select(review_items::traveller_id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let old: std::collections::HashSet<String> = travellers::table
        .filter(travellers::received_at.lt(delete_all_before))
        .select(travellers::id)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let mut to_delete = Vec::new();
    let mut to_mask = Vec::new();
    for (id, masked) in due {
        if held.contains(&id) && !old.contains(&id) {
            report.travellers_held += 1;
            if !masked {
                to_mask.push(id);
            }
        } else {
            to_delete.push(id);
        }
    }
    report.travellers_deleted = to_delete.len();
    report.travellers_masked = to_mask.len();
    let raw_due: Vec<String> = messages::table
        .filter(messages::received_at.lt(now - policy.raw_days * DAY_MS).and(messages::raw.is_not_null()))
        .select(messages::id)
        .load(conn)?;
    report.raw_messages_deleted = raw_due.len();
    if dry_run {
        return Ok(report);
    }
    for chunk in to_delete.chunks(500) {
        crate::db::transaction(conn, |conn| delete_travellers(conn, chunk))?;
    }
    for id in &to_mask {
        crate::db::transaction(conn, |conn| mask_traveller(conn, id))?;
    }
    for chunk in raw_due.chunks(500) {
        diesel::update(messages::table.filter(messages::id.eq_any(chunk)))
            .set(messages::raw.eq(None::<Vec<u8>>))
            .execute(conn)?;
    }
    // PNRs past the age: deleted unless a held traveller is on them, then masked.
    let pnr_due: Vec<(String, String, String)> = pnrs::table
        .filter(pnrs::received_at.lt(depersonalise_before))
        .select((pnrs::id, pnrs::flight_id, pnrs::record_locator))
        .load(conn)?;
    for (id, flight_id, locator) in pnr_due {
        let holders: i64 = travellers::table
            .filter(travellers::flight_id.eq(&flight_id).and(travellers::record_locator.eq(&locator)))
            .count()
            .get_result(conn)?;
        if holders == 0 {
            diesel::delete(pnrs::table.filter(pnrs::id.eq(&id))).execute(conn)?;
            report.pnrs_deleted += 1;
        } else {
            diesel::update(pnrs::table.filter(pnrs::id.eq(&id)))
                .set(pnrs::data.eq(serde_json::json!({"record_locator": locator, "masked": true}).to_string()))
                .execute(conn)?;
        }
    }
    scrub(conn)?;
    Ok(report)
}

fn delete_travellers(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    let items: Vec<String> =
        review_items::table.filter(review_items::traveller_id.eq_any(ids)).select(review_items::id).load(conn)?;
    diesel::delete(review_notes::table.filter(review_notes::item_id.eq_any(&items))).execute(conn)?;
    diesel::delete(review_items::table.filter(review_items::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(hits::table.filter(hits::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(documents::table.filter(documents::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(traveller_versions::table.filter(traveller_versions::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(travellers::table.filter(travellers::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Replaces a traveller's personal fields in every table that holds them.
fn mask_traveller(conn: &mut DbConnection, id: &str) -> QueryResult<()> {
    let (surname, given): (String, String) =
        travellers::table.filter(travellers::id.eq(id)).select((travellers::surname, travellers::given_names)).first(conn)?;
    let numbers: Vec<String> = documents::table.filter(documents::traveller_id.eq(id)).select(documents::number).load(conn)?;
    diesel::update(travellers::table.filter(travellers::id.eq(id)))
        .set((
            travellers::surname.eq(MASK),
            travellers::given_names.eq(MASK),
            travellers::date_of_birth.eq(None::<String>),
            travellers::data.eq(serde_json::json!({"masked": true}).to_string()),
            travellers::masked.eq(true),
        ))
        .execute(conn)?;
    diesel::update(documents::table.filter(documents::traveller_id.eq(id)))
        .set((documents::number.eq(MASK), documents::expiry.eq(None::<String>)))
        .execute(conn)?;
    diesel::update(traveller_versions::table.filter(traveller_versions::traveller_id.eq(id)))
        .set(traveller_versions::data.eq(serde_json::json!({"masked": true}).to_string()))
        .execute(conn)?;
    // Hit explanations quote the traveller's name and documents as sent.
    let hit_rows: Vec<(String, String, String)> =
        hits::table.filter(hits::traveller_id.eq(id)).select((hits::id, hits::reason, hits::detail)).load(conn)?;
    let secrets: Vec<String> = [surname, given]
        .into_iter()
        .flat_map(|s| s.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .chain(numbers)
        .filter(|s| s.len() > 1 && s != MASK)
        .collect();
    for (hit_id, reason, detail) in hit_rows {
        let mut reason = reason;
        let mut detail = detail;
        for s in &secrets {
            reason = reason.replace(s.as_str(), MASK);
            detail = detail.replace(s.as_str(), MASK);
        }
        diesel::update(hits::table.filter(hits::id.eq(hit_id)))
            .set((hits::reason.eq(reason), hits::detail.eq(detail)))
            .execute(conn)?;
    }
    Ok(())
}

/// Leaves nothing readable behind: SQLite rewrites the file and empties the WAL; PostgreSQL
/// vacuums the touched tables.
fn scrub(conn: &mut DbConnection) -> Result<(), DbError> {
    match conn {
        DbConnection::Sqlite(c) => {
            c.batch_execute("PRAGMA wal_checkpoint(TRUNCATE); VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")?;
        }
        DbConnection::Pg(c) => {
            c.batch_execute(
                "VACUUM travellers, traveller_versions, documents, hits, review_items, review_notes, pnrs, messages;",
            )?;
        }
    }
    Ok(())
}
