//! The review queue: open items of open flights, soonest arrival first, then band and score.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::api::rfc3339;
use crate::db::schema::{flights, hits, review_items, travellers};
use crate::db::{DbConnection, DbError};

/// Filters of `GET /api/v1/queue`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Filter {
    pub flight: Option<String>,
    pub band: Option<String>,
    pub status: Option<String>,
    pub assignee: Option<String>,
    /// Include closed items.
    #[serde(default)]
    pub all: bool,
    pub limit: Option<i64>,
}

/// One queue item (the DESIGN.md shape).
#[derive(Debug, Serialize)]
pub struct Item {
    pub id: String,
    pub traveller: TravellerRef,
    pub flight: FlightRef,
    pub eta: Option<String>,
    pub etd: Option<String>,
    pub direction: String,
    pub score: i32,
    pub band: String,
    pub status: String,
    pub assignee: Option<String>,
    pub disposition: Option<String>,
    pub hits: Vec<HitView>,
}

/// The traveller of an item.
#[derive(Debug, Serialize)]
pub struct TravellerRef {
    pub id: String,
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
    pub nationality: Option<String>,
}

/// The flight of an item.
#[derive(Debug, Serialize)]
pub struct FlightRef {
    pub id: String,
    pub carrier: String,
    pub number: String,
    pub origin: String,
    pub destination: String,
}

/// A hit with its explanation.
#[derive(Debug, Serialize)]
pub struct HitView {
    pub kind: String,
    pub reason: String,
    pub score: f64,
    pub live: bool,
}

fn band_rank(b: &str) -> u8 {
    match b {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

type Row = (
    (String, i32, String, String, Option<String>, Option<String>),
    (String, String, String, Option<String>, Option<String>),
    (String, String, String, String, String, Option<i64>, Option<i64>, String),
);

/// The queue at `now`: flights landing after `now - open_ms` (or with no known arrival).
pub fn list(conn: &mut DbConnection, now: i64, open_ms: i64, f: &Filter) -> Result<Vec<Item>, DbError> {
    let mut q = review_items::table
        .inner_join(travellers::table.on(travellers::id.eq(review_items::traveller_id)))
        .inner_join(flights::table.on(flights::id.eq(review_items::flight_id)))
        .select((
            (
                review_items::id,
                review_items::score,
                review_items::band,
                review_items::status,
                review_items::assignee,
                review_items::disposition,
            ),
            (travellers::id, travellers::surname, travellers::given_names, travellers::date_of_birth, travellers::nationality),
            (
                flights::id,
                flights::carrier,
                flights::number,
                flights::origin,
                flights::destination,
                flights::etd,
                flights::eta,
                flights::direction,
            ),
        ))
        .into_boxed();
    if !f.all {
        q = q.filter(review_items::status.ne("closed"));
        q = q.filter(flights::eta.ge(now - open_ms).or(flights::eta.is_null()));
    }
    if let Some(fl) = &f.flight {
        q = q.filter(flights::id.eq(fl.clone()));
    }
    if let Some(b) = &f.band {
        q = q.filter(review_items::band.eq(b.clone()));
    }
    if let Some(s) = &f.status {
        q = q.filter(review_items::status.eq(s.clone()));
    }
    if let Some(a) = &f.assignee {
        q = q.filter(review_items::assignee.eq(a.clone()));
    }
    let limit = f.limit.unwrap_or(500).clamp(1, 5000);
    let mut rows: Vec<Row> = q.limit(limit).load(conn)?;
    // Soonest first: arrival for inbound flights, departure for outbound; then band, then score.
    rows.sort_by_key(|(i, _, fl)| {
        let when = if fl.7 == "outbound" { fl.5 } else { fl.6 };
        (when.unwrap_or(i64::MAX), std::cmp::Reverse(band_rank(&i.2)), std::cmp::Reverse(i.1))
    });
    let ids: Vec<&String> = rows.iter().map(|r| &r.1 .0).collect();
    let hit_rows: Vec<(String, String, String, f64, bool)> = hits::table
        .filter(hits::traveller_id.eq_any(&ids))
        .order(hits::score.desc())
        .select((hits::traveller_id, hits::kind, hits::reason, hits::score, hits::live))
        .load(conn)?;
    let mut by_traveller: HashMap<String, Vec<HitView>> = HashMap::new();
    for (t, kind, reason, score, live) in hit_rows {
        by_traveller.entry(t).or_default().push(HitView { kind, reason, score, live });
    }
    Ok(rows
        .into_iter()
        .map(|(i, t, fl)| Item {
            id: i.0,
            score: i.1,
            band: i.2,
            status: i.3,
            assignee: i.4,
            disposition: i.5,
            hits: by_traveller.remove(&t.0).unwrap_or_default().into_iter().filter(|h| h.live).collect(),
            traveller: TravellerRef { id: t.0, surname: t.1, given_names: t.2, date_of_birth: t.3, nationality: t.4 },
            eta: fl.6.map(rfc3339),
            etd: fl.5.map(rfc3339),
            direction: fl.7,
            flight: FlightRef { id: fl.0, carrier: fl.1, number: fl.2, origin: fl.3, destination: fl.4 },
        })
        .collect())
}
