//! Backtests: one rule over the travellers already in the store, before it goes live. Flights
//! are read in batches of their travellers (with PNRs and history only when the rule reads
//! them), facts built as screening builds them, and the compiled rule evaluated on two threads.
//! Nothing is stored; the result is counts, never people.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

use chrono::{NaiveDate, TimeZone, Utc};
use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};
use paxrisk_screening::rules::{CompiledRule, ErrorCode, HistoryFacts, RuleError, RuleSpec};
use paxrisk_screening::rules::{Facts, FlightFacts, PnrFacts};
use serde::Serialize;

use super::facts::{flight_facts, flight_row, FlightColumns, FLIGHT_COLUMNS};
use crate::db::schema::{flights, hits, pnrs, review_items, travellers};
use crate::db::{DbConnection, DbError};
use crate::screening::screen::FlightRow;

/// Flights read per batch: a few tens of thousands of travellers, enough to keep both threads
/// busy and the `IN` lists well below the backends' parameter limits.
const FLIGHTS_PER_BATCH: usize = 200;
/// Longest range a backtest covers, so one request cannot scan the store without end.
pub const MAX_DAYS: i64 = 400;
/// Range when none is given: the last 90 days.
const DEFAULT_DAYS: i64 = 90;

/// A range of scheduled departure dates (UTC), both ends included.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Range {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Range {
    /// Reads `from` / `to` (`YYYY-MM-DD`; defaults: the last 90 days up to `today`). Errors
    /// name the property, like rule validation errors.
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        today: NaiveDate,
    ) -> Result<Range, RuleError> {
        let date = |s: Option<&str>, key: &str| -> Result<Option<NaiveDate>, RuleError> {
            s.map(|s| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| RuleError {
                    code: ErrorCode::BadValue,
                    path: format!("/{key}"),
                    message: format!("`{key}` is a date written YYYY-MM-DD"),
                })
            })
            .transpose()
        };
        let to = date(to, "to")?.unwrap_or(today);
        let from = date(from, "from")?.unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS - 1));
        if to < from {
            return Err(RuleError {
                code: ErrorCode::BadValue,
                path: "/to".into(),
                message: "`to` is before `from`".into(),
            });
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(RuleError {
                code: ErrorCode::TooLarge,
                path: "/from".into(),
                message: format!("a backtest covers at most {MAX_DAYS} days"),
            });
        }
        Ok(Range { from, to })
    }

    /// Epoch milliseconds of the start of `from` and of the day after `to` (UTC).
    pub fn bounds_ms(&self) -> (i64, i64) {
        let ms = |d: NaiveDate| {
            Utc.from_utc_datetime(&d.and_time(chrono::NaiveTime::MIN))
                .timestamp_millis()
        };
        (ms(self.from), ms(self.to + chrono::Duration::days(1)))
    }
}

/// What a rule would have flagged on one day.
#[derive(Debug, Serialize)]
pub struct Day {
    pub date: NaiveDate,
    /// Traveller records matched (one per traveller per flight).
    pub hits: u64,
    /// Distinct people matched that day.
    pub travellers: u64,
}

/// The outcome of a backtest.
#[derive(Debug, Serialize)]
pub struct Backtest {
    #[serde(flatten)]
    pub range: Range,
    pub flights: u64,
    /// Traveller records evaluated.
    pub travellers_screened: u64,
    /// Traveller records matched.
    pub hits: u64,
    /// Distinct people matched (same person key across flights counts once).
    pub travellers_affected: u64,
    /// Matched records whose review item was closed with a disposition.
    pub reviewed: u64,
    /// Matched records whose review item was closed as `resultant`.
    pub resultant: u64,
    /// Records skipped because their stored data could not be read.
    pub unreadable: u64,
    pub per_day: Vec<Day>,
    pub elapsed_ms: u64,
}

/// Which optional data the rule reads.
struct Needs {
    pnr: bool,
    history: bool,
}

/// Runs `spec`'s condition over every stored traveller on flights departing in `range`,
/// honouring the rule's validity window.
pub fn run(conn: &mut DbConnection, spec: &RuleSpec, range: Range) -> Result<Backtest, DbError> {
    let started = Instant::now();
    let fields = spec.condition.fields();
    let needs = Needs {
        pnr: fields.iter().any(|f| f.name().starts_with("pnr.")),
        history: fields.iter().any(|f| f.name().starts_with("history.")),
    };
    let rule = CompiledRule::compile(&spec.condition);
    let (lo, hi) = range.bounds_ms();
    let flight_rows: Vec<FlightColumns> = flights::table
        .filter(flights::etd.ge(lo).and(flights::etd.lt(hi)))
        .select(FLIGHT_COLUMNS)
        .order(flights::etd.asc())
        .load(conn)?;
    let mut out = Tally::default();
    let flights_total = flight_rows.len() as u64;
    let flight_map: HashMap<String, FlightRow> = flight_rows.into_iter().map(flight_row).collect();
    // Flight facts (airport countries, parsed departure) once per flight, not per traveller.
    let facts_map: HashMap<&String, FlightFacts> = flight_map
        .iter()
        .map(|(id, f)| (id, flight_facts(f)))
        .collect();
    let ids: Vec<&String> = flight_map.keys().collect();
    let history = if needs.history {
        Some(HistoryIndex::load(conn, hi)?)
    } else {
        None
    };
    for batch in ids.chunks(FLIGHTS_PER_BATCH) {
        let people: Vec<Row> = travellers::table
            .filter(travellers::flight_id.eq_any(batch))
            .select((
                travellers::id,
                travellers::flight_id,
                travellers::data,
                travellers::record_locator,
                travellers::person_key,
            ))
            .load(conn)?;
        let pnr_map = if needs.pnr {
            pnrs_of(conn, batch)?
        } else {
            HashMap::new()
        };
        let ctx = Ctx {
            rule: &rule,
            spec,
            flights: &flight_map,
            flight_facts: &facts_map,
            pnrs: &pnr_map,
            history: history.as_ref(),
        };
        out.absorb(evaluate_parallel(&ctx, &people));
    }
    let (reviewed, resultant) = outcomes_of(conn, &out.matched)?;
    let mut per_day = Vec::with_capacity(out.days.len());
    let mut everyone: HashSet<&str> = HashSet::new();
    for (date, (hits, people)) in &out.days {
        per_day.push(Day {
            date: *date,
            hits: *hits,
            travellers: people.len() as u64,
        });
        everyone.extend(people.iter().map(String::as_str));
    }
    Ok(Backtest {
        range,
        flights: flights_total,
        travellers_screened: out.screened,
        hits: out.matched.len() as u64,
        travellers_affected: everyone.len() as u64,
        reviewed,
        resultant,
        unreadable: out.unreadable,
        per_day,
        elapsed_ms: started.elapsed().as_millis() as u64,
    })
}

/// `(traveller id, flight id, data, record locator, person key)`.
type Row = (String, String, String, Option<String>, Option<String>);

struct Ctx<'a> {
    rule: &'a CompiledRule,
    spec: &'a RuleSpec,
    flights: &'a HashMap<String, FlightRow>,
    flight_facts: &'a HashMap<&'a String, FlightFacts>,
    /// Booking facts by (flight id, record locator), derived once per PNR.
    pnrs: &'a HashMap<(String, String), PnrFacts>,
    history: Option<&'a HistoryIndex>,
}

#[derive(Default)]
struct Tally {
    screened: u64,
    unreadable: u64,
    /// Matched traveller ids.
    matched: Vec<String>,
    /// Per UTC departure date: hits and the people (person key, else traveller id).
    days: BTreeMap<NaiveDate, (u64, HashSet<String>)>,
}

impl Tally {
    fn absorb(&mut self, other: Tally) {
        self.screened += other.screened;
        self.unreadable += other.unreadable;
        self.matched.extend(other.matched);
        for (d, (n, people)) in other.days {
            let e = self.days.entry(d).or_default();
            e.0 += n;
            e.1.extend(people);
        }
    }
}

/// Splits the batch over two threads: parsing the stored JSON dominates and is independent
/// per traveller.
fn evaluate_parallel(ctx: &Ctx<'_>, people: &[Row]) -> Tally {
    if threads() == 1 || people.len() < 2_000 {
        return evaluate(ctx, people);
    }
    let (a, b) = people.split_at(people.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| evaluate(ctx, b));
        let mut mine = evaluate(ctx, a);
        // A panic in the other half is a bug in evaluation; surface it rather than undercount.
        mine.absorb(
            other
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        );
        mine
    })
}

fn evaluate(ctx: &Ctx<'_>, people: &[Row]) -> Tally {
    let mut out = Tally::default();
    for (id, flight_id, data, locator, person) in people {
        let (Some(flight), Some(flight_facts)) =
            (ctx.flights.get(flight_id), ctx.flight_facts.get(flight_id))
        else {
            continue;
        };
        let Ok(t) = serde_json::from_str::<Traveller>(data) else {
            out.unreadable += 1;
            continue;
        };
        out.screened += 1;
        let pnr = locator
            .as_ref()
            .and_then(|l| ctx.pnrs.get(&(flight_id.clone(), l.clone())));
        let history = match (ctx.history, person, flight.etd) {
            (Some(index), Some(p), Some(etd)) => index.before(p, etd),
            _ => HistoryFacts::default(),
        };
        let facts = Facts::from_parts(&t, flight_facts, pnr, &history);
        if facts
            .departure_date()
            .is_some_and(|d| !ctx.spec.in_force_on(d))
        {
            continue;
        }
        if !ctx.rule.matches(&facts) {
            continue;
        }
        let day = flight
            .etd
            .and_then(chrono::DateTime::from_timestamp_millis)
            .map(|t| t.date_naive())
            .unwrap_or_default();
        let e = out.days.entry(day).or_default();
        e.0 += 1;
        e.1.insert(person.clone().unwrap_or_else(|| id.clone()));
        out.matched.push(id.clone());
    }
    out
}

fn pnrs_of(
    conn: &mut DbConnection,
    flight_ids: &[&String],
) -> Result<HashMap<(String, String), PnrFacts>, DbError> {
    let rows: Vec<(String, String, String)> = pnrs::table
        .filter(pnrs::flight_id.eq_any(flight_ids))
        .select((pnrs::flight_id, pnrs::record_locator, pnrs::data))
        .load(conn)?;
    // Parsing the bookings is the larger half of a PNR rule's work: share it like evaluation.
    let parse = |rows: Vec<(String, String, String)>| {
        rows.into_iter()
            .filter_map(|(f, l, d)| {
                serde_json::from_str::<Pnr>(&d)
                    .ok()
                    .map(|p| ((f, l), PnrFacts::from_pnr(&p)))
            })
            .collect::<HashMap<_, _>>()
    };
    let mut rows = rows;
    if rows.len() < 1_000 || threads() == 1 {
        return Ok(parse(rows));
    }
    let second = rows.split_off(rows.len() / 2);
    Ok(std::thread::scope(|s| {
        let other = s.spawn(|| parse(second));
        let mut mine = parse(rows);
        mine.extend(
            other
                .join()
                .unwrap_or_else(|p| std::panic::resume_unwind(p)),
        );
        mine
    }))
}

/// Threads a backtest uses: two, or one on a single core. Screening jobs and requests share
/// the machine, so a backtest never takes more.
fn threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(2)
}

/// Every person's trips and live hits on record, as sorted departure times, so a traveller's
/// history before any flight is two binary searches. Two scans of the store, instead of two
/// grouped queries per batch that revisit frequent travellers again and again.
struct HistoryIndex {
    trips: HashMap<String, Vec<i64>>,
    hits: HashMap<String, Vec<i64>>,
}

impl HistoryIndex {
    /// Reads the departures (before `until`) of every traveller record with a person key, and
    /// of every live hit.
    fn load(conn: &mut DbConnection, until: i64) -> Result<HistoryIndex, DbError> {
        let trips: Vec<(Option<String>, Option<i64>)> = travellers::table
            .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
            .filter(
                travellers::person_key
                    .is_not_null()
                    .and(flights::etd.lt(until)),
            )
            .select((travellers::person_key, flights::etd))
            .load(conn)?;
        let hits: Vec<(Option<String>, Option<i64>)> = hits::table
            .inner_join(travellers::table.on(travellers::id.eq(hits::traveller_id)))
            .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
            .filter(
                travellers::person_key
                    .is_not_null()
                    .and(flights::etd.lt(until))
                    .and(hits::live.eq(true)),
            )
            .select((travellers::person_key, flights::etd))
            .load(conn)?;
        Ok(HistoryIndex {
            trips: Self::index(trips),
            hits: Self::index(hits),
        })
    }

    fn index(rows: Vec<(Option<String>, Option<i64>)>) -> HashMap<String, Vec<i64>> {
        let mut out: HashMap<String, Vec<i64>> = HashMap::new();
        for (person, etd) in rows {
            if let (Some(p), Some(t)) = (person, etd) {
                out.entry(p).or_default().push(t);
            }
        }
        out.values_mut().for_each(|v| v.sort_unstable());
        out
    }

    /// What screening would have counted for `person` on a flight departing at `etd`.
    fn before(&self, person: &str, etd: i64) -> HistoryFacts {
        let count = |m: &HashMap<String, Vec<i64>>| {
            let n = m.get(person).map_or(0, |v| v.partition_point(|t| *t < etd));
            Some(u32::try_from(n).unwrap_or(u32::MAX))
        };
        HistoryFacts {
            previous_trips: count(&self.trips),
            previous_hits: count(&self.hits),
            // Link paths are not replayed over history: rules on them stay unknown here.
            hops_to_hit: None,
        }
    }
}

/// How many of the matched travellers' review items were disposed, and how many resultant.
fn outcomes_of(conn: &mut DbConnection, matched: &[String]) -> Result<(u64, u64), DbError> {
    let mut reviewed = 0;
    let mut resultant = 0;
    for chunk in matched.chunks(1_000) {
        let found: Vec<Option<String>> = review_items::table
            .filter(
                review_items::traveller_id
                    .eq_any(chunk)
                    .and(review_items::disposition.is_not_null()),
            )
            .select(review_items::disposition)
            .load(conn)?;
        reviewed += found.len() as u64;
        resultant += found
            .iter()
            .filter(|d| d.as_deref() == Some(super::outcomes::RESULTANT))
            .count() as u64;
    }
    Ok((reviewed, resultant))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn ranges_default_to_the_last_90_days_and_refuse_nonsense() {
        let today = day("2026-11-29");
        let r = Range::parse(None, None, today).unwrap();
        assert_eq!((r.from, r.to), (day("2026-09-01"), today));
        let (lo, hi) = Range::parse(Some("2026-11-29"), Some("2026-11-29"), today)
            .unwrap()
            .bounds_ms();
        assert_eq!(hi - lo, 86_400_000);
        assert_eq!(
            Range::parse(Some("2026-11-30"), Some("2026-11-29"), today)
                .unwrap_err()
                .path,
            "/to"
        );
        assert_eq!(
            Range::parse(Some("29/11/2026"), None, today)
                .unwrap_err()
                .path,
            "/from"
        );
        assert_eq!(
            Range::parse(Some("2024-01-01"), None, today)
                .unwrap_err()
                .code,
            ErrorCode::TooLarge
        );
    }
}
