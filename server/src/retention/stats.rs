//! Statistics without personal data (Art. 20): per calendar month (UTC), what was received,
//! flagged, reviewed, unmasked, filtered and deleted.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;

use crate::db::schema::{retention_runs, sensitive_removals, unmask_requests};
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

const DAY: i64 = 86_400_000;

/// Rows of one table on one UTC day (days since the epoch), and how many of them meet a
/// condition.
#[derive(QueryableByName)]
struct DayCount {
    #[diesel(sql_type = BigInt)]
    day: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
    #[diesel(sql_type = BigInt)]
    flagged: i64,
}

/// Counts `table`'s rows per UTC day of `column` (epoch milliseconds, never negative here), and
/// those meeting `condition`; the same SQL on both backends. The arguments are constants of this
/// module, never user input.
fn per_day(
    conn: &mut DbConnection,
    table: &str,
    column: &str,
    condition: &str,
) -> Result<Vec<DayCount>, DbError> {
    Ok(diesel::sql_query(format!(
        "SELECT {column} / {DAY} AS day, COUNT(*) AS n, \
         SUM(CASE WHEN {condition} THEN 1 ELSE 0 END) AS flagged \
         FROM {table} GROUP BY {column} / {DAY}"
    ))
    .load(conn)?)
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
    // The big tables are counted per UTC day by the database (a million travellers must not
    // travel to this process one by one); days then fold into months here.
    for c in per_day(conn, "messages", "received_at", "message_type = 'PNRGOV'")? {
        add(at(c.day * DAY), &|p| {
            p.messages += c.n;
            p.pnr_messages += c.flagged;
            p.api_messages += c.n - c.flagged;
        });
    }
    for c in per_day(conn, "travellers", "received_at", "1 = 0")? {
        add(at(c.day * DAY), &|p| p.travellers += c.n);
    }
    for c in per_day(conn, "hits", "created_at", "1 = 0")? {
        add(at(c.day * DAY), &|p| p.hits += c.n);
    }
    let confirmed = format!("disposition = '{}'", super::holds::CONFIRMED);
    for c in per_day(conn, "review_items", "created_at", &confirmed)? {
        add(at(c.day * DAY), &|p| {
            p.review_items += c.n;
            p.confirmed += c.flagged;
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
