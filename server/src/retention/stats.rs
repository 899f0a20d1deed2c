//! Statistics without personal data (Art. 20): per calendar month (UTC), what was received,
//! flagged, reviewed, unmasked, filtered and deleted.

use std::collections::BTreeMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::db::schema::{
    hits, messages, retention_runs, review_items, sensitive_removals, travellers, unmask_requests,
};
use crate::db::{DbConnection, DbError};

/// Figures of one month.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Period {
    /// `YYYY-MM` (UTC).
    pub period: String,
    /// Messages received (PAXLST and PNRGOV).
    pub messages: i64,
    /// Of which PAXLST.
    pub api_messages: i64,
    /// Of which PNRGOV.
    pub pnr_messages: i64,
    /// Travellers still stored, by month of receipt.
    pub travellers: i64,
    /// Hits produced.
    pub hits: i64,
    /// Review items opened.
    pub review_items: i64,
    /// Review items closed as confirmed (`resultant`).
    pub confirmed: i64,
    /// Unmask requests filed.
    pub unmask_requests: i64,
    /// Of which approved (including since expired).
    pub unmask_grants: i64,
    /// Sensitive entries removed at intake.
    pub sensitive_removed: i64,
    /// Travellers deleted by retention runs as of this month.
    pub travellers_deleted: i64,
    /// Travellers masked by retention runs.
    pub travellers_masked: i64,
    /// PNRs deleted.
    pub pnrs_deleted: i64,
    /// Raw messages whose bytes were deleted.
    pub raw_deleted: i64,
}

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// One row per month with any activity, oldest first.
    pub periods: Vec<Period>,
    /// Sums over every period.
    pub totals: Period,
}

fn month(ms: i64) -> String {
    crate::api::rfc3339(ms).get(..7).unwrap_or("").to_string()
}

/// Computes the report from the store.
pub fn report(conn: &mut DbConnection) -> Result<Stats, DbError> {
    let mut by: BTreeMap<String, Period> = BTreeMap::new();
    let at = month;
    let mut add = |key: String, f: &dyn Fn(&mut Period)| {
        let p = by.entry(key.clone()).or_insert_with(|| Period {
            period: key,
            ..Period::default()
        });
        f(p);
    };
    for (t, kind) in messages::table
        .select((messages::received_at, messages::message_type))
        .load::<(i64, Option<String>)>(conn)?
    {
        let pnr = kind.as_deref() == Some("PNRGOV");
        add(at(t), &|p| {
            p.messages += 1;
            if pnr {
                p.pnr_messages += 1
            } else {
                p.api_messages += 1
            }
        });
    }
    for t in travellers::table
        .select(travellers::received_at)
        .load::<i64>(conn)?
    {
        add(at(t), &|p| p.travellers += 1);
    }
    for t in hits::table.select(hits::created_at).load::<i64>(conn)? {
        add(at(t), &|p| p.hits += 1);
    }
    for (t, d) in review_items::table
        .select((review_items::created_at, review_items::disposition))
        .load::<(i64, Option<String>)>(conn)?
    {
        let confirmed = d.as_deref() == Some(super::holds::CONFIRMED);
        add(at(t), &|p| {
            p.review_items += 1;
            p.confirmed += i64::from(confirmed);
        });
    }
    for (t, s) in unmask_requests::table
        .select((unmask_requests::created_at, unmask_requests::status))
        .load::<(i64, String)>(conn)?
    {
        let granted = s == "approved" || s == "expired";
        add(at(t), &|p| {
            p.unmask_requests += 1;
            p.unmask_grants += i64::from(granted);
        });
    }
    for (day, n) in sensitive_removals::table
        .select((sensitive_removals::day, sensitive_removals::removed))
        .load::<(String, i64)>(conn)?
    {
        add(day.get(..7).unwrap_or("").to_string(), &|p| {
            p.sensitive_removed += n
        });
    }
    type RunRow = (i64, i64, i64, i64, i64);
    let runs: Vec<RunRow> = retention_runs::table
        .select((
            retention_runs::as_of,
            retention_runs::travellers_deleted,
            retention_runs::travellers_masked,
            retention_runs::pnrs_deleted,
            retention_runs::raw_deleted,
        ))
        .load(conn)?;
    for (t, d, m, pd, r) in runs {
        add(at(t), &|p| {
            p.travellers_deleted += d;
            p.travellers_masked += m;
            p.pnrs_deleted += pd;
            p.raw_deleted += r;
        });
    }
    let periods: Vec<Period> = by.into_values().collect();
    let mut totals = Period {
        period: "total".into(),
        ..Period::default()
    };
    for p in &periods {
        totals.messages += p.messages;
        totals.api_messages += p.api_messages;
        totals.pnr_messages += p.pnr_messages;
        totals.travellers += p.travellers;
        totals.hits += p.hits;
        totals.review_items += p.review_items;
        totals.confirmed += p.confirmed;
        totals.unmask_requests += p.unmask_requests;
        totals.unmask_grants += p.unmask_grants;
        totals.sensitive_removed += p.sensitive_removed;
        totals.travellers_deleted += p.travellers_deleted;
        totals.travellers_masked += p.travellers_masked;
        totals.pnrs_deleted += p.pnrs_deleted;
        totals.raw_deleted += p.raw_deleted;
    }
    Ok(Stats { periods, totals })
}
