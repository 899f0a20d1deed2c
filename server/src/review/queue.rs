//! The review queue: open items of open flights, soonest arrival first, then band and score.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::api::rfc3339;
use crate::auth::Scope;
use crate::db::schema::{flights, hits, manual_hits, review_items, rules, travellers, watchlists};
use crate::db::{DbConnection, DbError};

/// Filters and paging of `GET /api/v1/queue`.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct Filter {
    /// A flight id, or a designator such as `ZZ501`.
    pub flight: Option<String>,
    pub band: Option<String>,
    /// An item status (`new`, `claimed`, `reopened`, `closed`); closed items show only when asked.
    pub status: Option<String>,
    /// A user id, `me`, or `none` (unassigned).
    pub assignee: Option<String>,
    /// A hit category: of the list or rule behind a hit, or of a manual hit.
    pub category: Option<String>,
    /// Countdown time window (arrival inbound, departure outbound), RFC 3339. Either bound
    /// replaces the default "open flights" window.
    pub from: Option<String>,
    pub to: Option<String>,
    /// Include closed items and flights long landed.
    #[serde(default)]
    pub all: bool,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
    /// One item by id (internal: the item view).
    #[serde(skip)]
    pub id: Option<String>,
    /// The caller's user id, for `assignee=me` (internal).
    #[serde(skip)]
    pub me: Option<String>,
}

/// Why a filter was refused.
#[derive(Debug, thiserror::Error)]
pub enum FilterError {
    #[error("{0} must be an RFC 3339 time such as 2026-11-29T08:00:00Z")]
    BadTime(&'static str),
    #[error("band must be high, medium or low")]
    BadBand,
    #[error("limit must be 1 to 5000 and offset at least 0")]
    BadPage,
}

impl Filter {
    /// Checks the values a caller typed; returns the window in epoch ms.
    pub fn validate(&self) -> Result<(Option<i64>, Option<i64>), FilterError> {
        let time = |v: &Option<String>, name| {
            v.as_deref()
                .map(|t| {
                    chrono::DateTime::parse_from_rfc3339(t)
                        .map(|d| d.timestamp_millis())
                        .map_err(|_| FilterError::BadTime(name))
                })
                .transpose()
        };
        if self
            .band
            .as_deref()
            .is_some_and(|b| !matches!(b, "high" | "medium" | "low"))
        {
            return Err(FilterError::BadBand);
        }
        if self.limit.is_some_and(|l| !(1..=5000).contains(&l))
            || self.offset.is_some_and(|o| o < 0)
        {
            return Err(FilterError::BadPage);
        }
        Ok((time(&self.from, "from")?, time(&self.to, "to")?))
    }
}

/// A page of the queue.
#[derive(Debug, Serialize)]
pub struct Page {
    pub items: Vec<Item>,
    /// Items matching the filter, on every page.
    pub total: i64,
    pub offset: i64,
    pub limit: i64,
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
    /// Categories of the item's hits (lists, rules, manual hits).
    pub categories: Vec<String>,
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
    /// `watchlist`, `rule` or `manual`.
    pub kind: String,
    pub reason: String,
    pub score: f64,
    pub live: bool,
    /// The category of the list or rule behind the hit, or of the manual hit.
    pub category: Option<String>,
}

type Row = (
    (String, i32, String, String, Option<String>, Option<String>),
    (String, String, String, Option<String>, Option<String>),
    (
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        String,
    ),
);

/// Applies a filter to a boxed queue query (the page and its count share it).
macro_rules! filtered {
    ($q:expr, $f:expr, $now:expr, $open_ms:expr, $window:expr, $sources:expr, $scope:expr) => {{
        let (f, mut q) = ($f, $q);
        let (from, to): (Option<i64>, Option<i64>) = $window;
        if let Some(id) = &f.id {
            q = q.filter(review_items::id.eq(id.clone()));
        } else {
            match &f.status {
                Some(s) => q = q.filter(review_items::status.eq(s.clone())),
                None if !f.all => q = q.filter(review_items::status.ne("closed")),
                None => {}
            }
            if from.is_none() && to.is_none() && !f.all {
                q = q.filter(flights::eta.ge($now - $open_ms).or(flights::eta.is_null()));
            }
        }
        if let Some(t) = from {
            q = q.filter(
                (flights::direction.eq("outbound").and(flights::etd.ge(t)))
                    .or(flights::direction.ne("outbound").and(flights::eta.ge(t))),
            );
        }
        if let Some(t) = to {
            q = q.filter(
                (flights::direction.eq("outbound").and(flights::etd.le(t)))
                    .or(flights::direction.ne("outbound").and(flights::eta.le(t))),
            );
        }
        if let Some(fl) = &f.flight {
            q = q.filter(
                flights::id.eq(fl.clone()).or(flights::carrier
                    .concat(flights::number)
                    .eq(fl.to_ascii_uppercase())),
            );
        }
        if let Some(b) = &f.band {
            q = q.filter(review_items::band.eq(b.clone()));
        }
        match f.assignee.as_deref() {
            None => {}
            Some("none") => q = q.filter(review_items::assignee.is_null()),
            Some("me") => q = q.filter(review_items::assignee.eq(f.me.clone().unwrap_or_default())),
            Some(a) => q = q.filter(review_items::assignee.eq(a.to_string())),
        }
        if let Some(c) = &f.category {
            let sources: Vec<String> = $sources;
            let by_hits = hits::table
                .filter(hits::live.eq(true).and(hits::source_id.eq_any(sources)))
                .select(hits::traveller_id);
            let by_hand = manual_hits::table
                .filter(manual_hits::category.eq(c.clone()))
                .select(manual_hits::traveller_id);
            q = q.filter(
                review_items::traveller_id
                    .eq_any(by_hits)
                    .or(review_items::traveller_id.eq_any(by_hand)),
            );
        }
        // A caller in groups sees only items with a live hit (or a manual hit) in a category of
        // one of their groups.
        if let Some((sources, cats)) = $scope {
            let (sources, cats): (Vec<String>, Vec<String>) = (sources, cats);
            let by_hits = hits::table
                .filter(hits::live.eq(true).and(hits::source_id.eq_any(sources)))
                .select(hits::traveller_id);
            let by_hand = manual_hits::table
                .filter(lower(manual_hits::category).eq_any(cats))
                .select(manual_hits::traveller_id);
            q = q.filter(
                review_items::traveller_id
                    .eq_any(by_hits)
                    .or(review_items::traveller_id.eq_any(by_hand)),
            );
        }
        q
    }};
}

diesel::define_sql_function!(fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text);

/// Soonest first: arrival for inbound flights, departure for outbound (unknown times last);
/// then band, then score.
const COUNTDOWN: &str =
    "COALESCE(CASE WHEN flights.direction = 'outbound' THEN flights.etd ELSE flights.eta END, 9223372036854775807)";
const BAND_ORDER: &str =
    "CASE review_items.band WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END";

/// The queue at `now` (the first page; see `page`). A filter with values that do not parse
/// matches nothing (the pages pass what a person typed).
pub fn list(
    conn: &mut DbConnection,
    now: i64,
    open_ms: i64,
    f: &Filter,
    scope: &Scope,
) -> Result<Vec<Item>, DbError> {
    match page(conn, now, open_ms, f, scope) {
        Ok(p) => Ok(p.items),
        Err(PageError::Filter(_)) => Ok(Vec::new()),
        Err(PageError::Db(d)) => Err(d),
    }
}

/// What can go wrong with a page.
#[derive(Debug, thiserror::Error)]
pub enum PageError {
    #[error(transparent)]
    Filter(#[from] FilterError),
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for PageError {
    fn from(e: diesel::result::Error) -> Self {
        PageError::Db(e.into())
    }
}

/// A page of the queue at `now`: by default open items of flights landing after
/// `now - open_ms` (or with no known arrival), in countdown order; only the items in the
/// caller's `scope` (see `auth::groups`).
pub fn page(
    conn: &mut DbConnection,
    now: i64,
    open_ms: i64,
    f: &Filter,
    scope: &Scope,
) -> Result<Page, PageError> {
    let window = f.validate()?;
    let (limit, offset) = (f.limit.unwrap_or(500), f.offset.unwrap_or(0));
    let (list_cat, rule_cat) = categories(conn)?;
    let sources = || -> Vec<String> {
        let c = f.category.as_deref().unwrap_or_default();
        list_cat
            .iter()
            .chain(rule_cat.iter())
            .filter(|(_, cat)| cat.as_str() == c)
            .map(|(id, _)| id.clone())
            .collect()
    };
    let in_scope = || -> Option<(Vec<String>, Vec<String>)> {
        let Scope::Categories(cats) = scope else {
            return None;
        };
        let ids = list_cat
            .iter()
            .chain(rule_cat.iter())
            .filter(|(_, cat)| scope.covers(cat))
            .map(|(id, _)| id.clone())
            .collect();
        Some((ids, cats.clone()))
    };
    let base = review_items::table
        .inner_join(travellers::table.on(travellers::id.eq(review_items::traveller_id)))
        .inner_join(flights::table.on(flights::id.eq(review_items::flight_id)));
    let total: i64 = filtered!(
        base.select(diesel::dsl::count_star()).into_boxed(),
        f,
        now,
        open_ms,
        window,
        sources(),
        in_scope()
    )
    .first(conn)?;
    let q = base
        .select((
            (
                review_items::id,
                review_items::score,
                review_items::band,
                review_items::status,
                review_items::assignee,
                review_items::disposition,
            ),
            (
                travellers::id,
                travellers::surname,
                travellers::given_names,
                travellers::date_of_birth,
                travellers::nationality,
            ),
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
    let rows: Vec<Row> = filtered!(q, f, now, open_ms, window, sources(), in_scope())
        .order_by(diesel::dsl::sql::<diesel::sql_types::BigInt>(COUNTDOWN))
        .then_order_by(diesel::dsl::sql::<diesel::sql_types::Integer>(BAND_ORDER))
        .then_order_by(review_items::score.desc())
        .then_order_by(review_items::id.asc())
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.1 .0).collect();
    let hit_rows: Vec<(String, String, String, String, f64, bool)> = hits::table
        .filter(hits::traveller_id.eq_any(&ids))
        .filter(hits::live.eq(true))
        .order(hits::score.desc())
        .select((
            hits::traveller_id,
            hits::kind,
            hits::source_id,
            hits::reason,
            hits::score,
            hits::live,
        ))
        .load(conn)?;
    let category_of: HashMap<String, String> = list_cat.into_iter().chain(rule_cat).collect();
    let mut by_traveller: HashMap<String, Vec<HitView>> = HashMap::new();
    for (t, kind, source, reason, score, live) in hit_rows {
        let category = category_of.get(&source).cloned();
        by_traveller.entry(t).or_default().push(HitView {
            kind,
            reason,
            score,
            live,
            category,
        });
    }
    for m in super::manual::of_travellers(conn, &ids)? {
        by_traveller
            .entry(m.traveller_id)
            .or_default()
            .push(HitView {
                kind: "manual".into(),
                reason: format!("flagged by an officer ({} band): {}", m.band, m.reason),
                score: 1.0,
                live: true,
                category: Some(m.category),
            });
    }
    let items = rows
        .into_iter()
        .map(|(i, t, fl)| {
            let hits = by_traveller.remove(&t.0).unwrap_or_default();
            let mut categories: Vec<String> =
                hits.iter().filter_map(|h| h.category.clone()).collect();
            categories.sort();
            categories.dedup();
            Item {
                id: i.0,
                score: i.1,
                band: i.2,
                status: i.3,
                assignee: i.4,
                disposition: i.5,
                categories,
                hits,
                traveller: TravellerRef {
                    id: t.0,
                    surname: t.1,
                    given_names: t.2,
                    date_of_birth: t.3,
                    nationality: t.4,
                },
                eta: fl.6.map(rfc3339),
                etd: fl.5.map(rfc3339),
                direction: fl.7,
                flight: FlightRef {
                    id: fl.0,
                    carrier: fl.1,
                    number: fl.2,
                    origin: fl.3,
                    destination: fl.4,
                },
            }
        })
        .collect();
    Ok(Page {
        items,
        total,
        offset,
        limit,
    })
}

/// One item by id, whatever its status or flight; `None` also when it is outside `scope`.
pub fn get(conn: &mut DbConnection, id: &str, scope: &Scope) -> Result<Option<Item>, PageError> {
    let f = Filter {
        id: Some(id.to_string()),
        limit: Some(1),
        ..Default::default()
    };
    Ok(page(conn, 0, 0, &f, scope)?.items.into_iter().next())
}

/// The item of a traveller, if they have one.
pub fn item_of_traveller(
    conn: &mut DbConnection,
    traveller_id: &str,
) -> Result<Option<String>, DbError> {
    Ok(review_items::table
        .filter(review_items::traveller_id.eq(traveller_id))
        .select(review_items::id)
        .first(conn)
        .optional()?)
}

/// Category of every list and every rule, by id.
fn categories(
    conn: &mut DbConnection,
) -> Result<(Vec<(String, String)>, Vec<(String, String)>), DbError> {
    let lists = watchlists::table
        .select((watchlists::id, watchlists::category))
        .load(conn)?;
    let rules = rules::table
        .select((rules::id, rules::category))
        .load(conn)?;
    Ok((lists, rules))
}
