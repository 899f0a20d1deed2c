//! Statistics without personal data (Art. 20): per calendar month (UTC), what was received,
//! flagged, reviewed, unmasked, filtered and deleted.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::BigInt;
use serde::Serialize;

use crate::db::schema::{retention_runs, sensitive_removals, travellers, unmask_requests};
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

/// The first millisecond of the UTC month holding `ms`.
fn month_start(ms: i64) -> i64 {
    use chrono::{Datelike, TimeZone};
    let t = chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default();
    chrono::Utc
        .with_ymd_and_hms(t.year(), t.month(), 1, 0, 0, 0)
        .single()
        .map_or(ms, |d| d.timestamp_millis())
}

/// The first millisecond of the UTC month after the one starting at `start`.
fn next_month(start: i64) -> i64 {
    month_start(start + 32 * DAY)
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
    // Travellers, the biggest table: one range count per month over `travellers_received`.
    let span: (Option<i64>, Option<i64>) = travellers::table
        .select((
            diesel::dsl::min(travellers::received_at),
            diesel::dsl::max(travellers::received_at),
        ))
        .first(conn)?;
    if let (Some(first), Some(last)) = span {
        let mut start = month_start(first);
        while start <= last {
            let end = next_month(start);
            let n: i64 = travellers::table
                .filter(
                    travellers::received_at
                        .ge(start)
                        .and(travellers::received_at.lt(end)),
                )
                .count()
                .get_result(conn)?;
            if n > 0 {
                add(at(start), &|p| p.travellers += n);
            }
            start = end;
        }
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

#[cfg(test)]
mod tests {
    use super::{month, month_start, next_month};

    fn ms(s: &str) -> i64 {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .timestamp_millis()
    }

    #[test]
    fn months_start_on_the_first_and_follow_each_other() {
        assert_eq!(
            month_start(ms("2026-11-29T17:00:00Z")),
            ms("2026-11-01T00:00:00Z")
        );
        assert_eq!(
            month_start(ms("2026-11-01T00:00:00Z")),
            ms("2026-11-01T00:00:00Z")
        );
        assert_eq!(
            next_month(ms("2026-12-01T00:00:00Z")),
            ms("2027-01-01T00:00:00Z")
        );
        // February, short or long, and the 31-day months are each stepped over once.
        let mut at = ms("2028-01-01T00:00:00Z");
        let mut seen = Vec::new();
        for _ in 0..14 {
            seen.push(month(at));
            at = next_month(at);
        }
        assert_eq!(seen[1], "2028-02");
        assert_eq!(seen[2], "2028-03");
        assert_eq!(seen[13], "2029-02");
        assert_eq!(
            seen.iter().collect::<std::collections::BTreeSet<_>>().len(),
            14
        );
    }
}
