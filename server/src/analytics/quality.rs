//! Carrier data quality: per carrier and UTC day of receipt, how many messages came, how many
//! API manifests came on time before departure, how many failed, their diagnostics by severity,
//! the share of API travellers missing a document, a date of birth or a nationality, and the share
//! of API passengers a PNR of the flight also names. Counts and rates only, never people.
//!
//! The store is read with diesel (both backends) into two polars DataFrames, one row per message
//! and one per API traveller version; polars joins and aggregates them.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use polars::prelude::*;
// Both preludes have a `Column`: the DataFrame column is meant here.
use polars::prelude::Column;
use serde::Serialize;

use crate::db::schema::{flights, message_parts, messages, part_sets, traveller_versions};
use crate::db::{DbConnection, DbError};

/// An API manifest is on time when received at least this many minutes before the flight's
/// scheduled departure. 30 minutes is the usual last call for a departure manifest (the batch
/// APIS rule "no later than 30 minutes before departure"); a unit with a stricter rule asks with
/// `on_time_minutes`.
pub const DEFAULT_ON_TIME_MINUTES: i64 = 30;
/// A report covers at most this many days.
pub const MAX_DAYS: i64 = 366;
/// Days covered when `from` is not given (up to `to`, both included).
pub const DEFAULT_DAYS: i64 = 7;

/// What a report covers. `carrier` set limits it to that carrier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub carrier: Option<String>,
    pub on_time_minutes: i64,
}

/// A bad query parameter: names the parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadQuery {
    pub parameter: &'static str,
    pub message: String,
}

impl Query {
    /// Reads the parameters as the API and the CLI receive them (`YYYY-MM-DD` dates; defaults:
    /// the last [`DEFAULT_DAYS`] days up to `today`, [`DEFAULT_ON_TIME_MINUTES`]).
    pub fn parse(
        from: Option<&str>,
        to: Option<&str>,
        carrier: Option<&str>,
        on_time_minutes: Option<i64>,
        today: NaiveDate,
    ) -> Result<Query, BadQuery> {
        let date = |s: Option<&str>, parameter: &'static str| {
            s.map(|s| {
                NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| BadQuery {
                    parameter,
                    message: format!("`{parameter}` is a date written YYYY-MM-DD"),
                })
            })
            .transpose()
        };
        let to = date(to, "to")?.unwrap_or(today);
        let from = date(from, "from")?.unwrap_or(to - chrono::Duration::days(DEFAULT_DAYS - 1));
        if to < from {
            return Err(BadQuery {
                parameter: "to",
                message: "`to` is before `from`".into(),
            });
        }
        if (to - from).num_days() >= MAX_DAYS {
            return Err(BadQuery {
                parameter: "from",
                message: format!("a report covers at most {MAX_DAYS} days"),
            });
        }
        let carrier = match carrier.map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) if c.len() == 2 && c.chars().all(|x| x.is_ascii_alphanumeric()) => {
                Some(c.to_ascii_uppercase())
            }
            Some(_) => {
                return Err(BadQuery {
                    parameter: "carrier",
                    message: "`carrier` is a two-character IATA airline code".into(),
                })
            }
            None => None,
        };
        let on_time_minutes = on_time_minutes.unwrap_or(DEFAULT_ON_TIME_MINUTES);
        if !(0..=7 * 24 * 60).contains(&on_time_minutes) {
            return Err(BadQuery {
                parameter: "on_time_minutes",
                message: "`on_time_minutes` is a number of minutes from 0 to 10080 (7 days)".into(),
            });
        }
        Ok(Query {
            from,
            to,
            carrier,
            on_time_minutes,
        })
    }
}

/// One carrier's figures for one day (or for the whole range, `day` absent; or for everyone,
/// `carrier` absent too).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Figures {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
    /// Messages received (every type, every outcome).
    pub messages: i64,
    /// API manifests (PAXLST) among them.
    pub api_messages: i64,
    /// PNR pushes (PNRGOV) among them.
    pub pnr_messages: i64,
    /// Messages that ended `failed` (nothing usable could be loaded).
    pub failed: i64,
    /// API manifests loaded to a flight with a known scheduled departure (those timeliness is
    /// judged on).
    pub api_timed: i64,
    /// Of those, received at least `on_time_minutes` before departure.
    pub api_on_time: i64,
    /// Of those, received later.
    pub api_late: i64,
    /// `api_on_time / api_timed`.
    pub on_time_rate: Option<f64>,
    /// Diagnostics of the messages, by severity.
    pub diagnostics: DiagnosticCounts,
    /// Travellers (passengers and crew) carried by the API manifests, one per manifest each.
    pub api_travellers: i64,
    pub missing_document: i64,
    pub missing_date_of_birth: i64,
    pub missing_nationality: i64,
    /// The three shares of `api_travellers`.
    pub missing_document_share: Option<f64>,
    pub missing_date_of_birth_share: Option<f64>,
    pub missing_nationality_share: Option<f64>,
    /// Passengers (not crew) carried by the API manifests.
    pub api_passengers: i64,
    /// Of those, named by a PNR of the flight as well.
    pub pnr_matched: i64,
    /// `pnr_matched / api_passengers`.
    pub pnr_match_rate: Option<f64>,
    /// Manifests sent in parts (part sets), counted with their first part.
    pub part_sets: i64,
    /// Of those, marked timed out: still missing parts after `PAXRISK_PART_TIMEOUT_SECONDS`.
    pub part_sets_timed_out: i64,
}

/// Diagnostics by severity.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DiagnosticCounts {
    pub error: i64,
    pub warning: i64,
    pub info: i64,
}

/// The report: one row per carrier × day, then per carrier over the range, then everyone.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub from: String,
    pub to: String,
    pub on_time_minutes: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    pub rows: Vec<Figures>,
    pub carriers: Vec<Figures>,
    pub totals: Figures,
}

/// The counted columns, in the order of [`Figures`].
const MESSAGE_SUMS: [&str; 12] = [
    "api",
    "pnr",
    "failed",
    "timed",
    "on_time",
    "late",
    "error",
    "warning",
    "info",
    "one",
    "part_sets",
    "part_sets_timed_out",
];
const TRAVELLER_SUMS: [&str; 6] = [
    "traveller",
    "no_document",
    "no_dob",
    "no_nationality",
    "passenger",
    "matched",
];

/// Builds the report over the store. An empty store (or range) gives zero rows and zero totals.
pub fn report(conn: &mut DbConnection, q: &Query) -> Result<Report, QualityError> {
    let start = day_start_ms(q.from);
    let end = day_start_ms(q.to + chrono::Duration::days(1));
    let msgs = message_frame(conn, q, start, end)?;
    let travellers = traveller_frame(conn, start, end)?;
    let per_day = aggregate(&msgs, &travellers, &["carrier", "day"])?;
    let per_carrier = aggregate(&msgs, &travellers, &["carrier"])?;
    let all = aggregate(&msgs, &travellers, &[])?;
    Ok(Report {
        from: q.from.to_string(),
        to: q.to.to_string(),
        on_time_minutes: q.on_time_minutes,
        carrier: q.carrier.clone(),
        rows: figures(&per_day)?,
        carriers: figures(&per_carrier)?,
        totals: figures(&all)?.into_iter().next().unwrap_or_default(),
    })
}

fn day_start_ms(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc().timestamp_millis())
        .unwrap_or(0)
}

/// Why a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum QualityError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("the quality report's frames failed: {0}")]
    Frame(#[from] PolarsError),
}

impl From<diesel::result::Error> for QualityError {
    fn from(e: diesel::result::Error) -> Self {
        QualityError::Db(DbError::from(e))
    }
}

impl From<QualityError> for crate::api::ApiError {
    fn from(e: QualityError) -> Self {
        match e {
            QualityError::Db(e) => e.into(),
            QualityError::Frame(e) => crate::api::ApiError::internal(e),
        }
    }
}

fn polars_error(e: PolarsError) -> QualityError {
    QualityError::Frame(e)
}

#[derive(serde::Deserialize)]
struct Diag {
    severity: String,
}

/// One row per message received in the range (of the asked carrier): carrier, day, and 0/1 or
/// count columns. A message's carrier is its sender's, else its flight's.
fn message_frame(
    conn: &mut DbConnection,
    q: &Query,
    start: i64,
    end: i64,
) -> Result<DataFrame, QualityError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        i64,
        String,
        Option<String>,
        String,
        Option<i64>,
    );
    let rows: Vec<Row> = messages::table
        .left_join(flights::table.on(flights::flight_key.nullable().eq(messages::order_key)))
        .filter(messages::received_at.ge(start))
        .filter(messages::received_at.lt(end))
        .select((
            messages::id,
            messages::carrier,
            flights::carrier.nullable(),
            messages::received_at,
            messages::state,
            messages::message_type,
            messages::diagnostics,
            flights::etd.nullable(),
        ))
        .load(conn)?;
    // Multi-part manifests: each part set counts once, with the first of its parts received in
    // the range (its carrier and day), as timed out if it is so now.
    let parts: Vec<(String, String, String, i64)> = message_parts::table
        .inner_join(part_sets::table.on(part_sets::id.eq(message_parts::set_id)))
        .inner_join(messages::table.on(messages::id.eq(message_parts::message_id)))
        .filter(messages::received_at.ge(start))
        .filter(messages::received_at.lt(end))
        .select((
            message_parts::message_id,
            part_sets::id,
            part_sets::state,
            messages::received_at,
        ))
        .load(conn)?;
    let mut first_parts: HashMap<String, (i64, String, String)> = HashMap::new();
    for (message, set, state, at) in parts {
        let e = first_parts
            .entry(set)
            .or_insert((at, message.clone(), state.clone()));
        if (at, &message) < (e.0, &e.1) {
            *e = (at, message, state);
        }
    }
    let set_starts: HashMap<String, bool> = first_parts
        .into_values()
        .map(|(_, message, state)| (message, state == "timed_out"))
        .collect();
    let lead_ms = q.on_time_minutes * 60_000;
    let mut cols: [Vec<i64>; 12] = Default::default();
    let (mut ids, mut carriers, mut days) = (Vec::new(), Vec::new(), Vec::new());
    for (id, sender, flight_carrier, received, state, ty, diags, etd) in rows {
        let carrier = sender.or(flight_carrier).unwrap_or_else(|| "??".into());
        if q.carrier.as_ref().is_some_and(|c| *c != carrier) {
            continue;
        }
        let api = ty.as_deref() == Some("PAXLST");
        let loaded = state != "failed";
        let timed = api && loaded && etd.is_some();
        let on_time = timed && etd.is_some_and(|etd| etd - received >= lead_ms);
        let mut by_severity = [0i64; 3];
        for d in serde_json::from_str::<Vec<Diag>>(&diags).unwrap_or_default() {
            match d.severity.as_str() {
                "error" => by_severity[0] += 1,
                "warning" => by_severity[1] += 1,
                _ => by_severity[2] += 1,
            }
        }
        let values = [
            api as i64,
            (ty.as_deref() == Some("PNRGOV")) as i64,
            (state == "failed") as i64,
            timed as i64,
            on_time as i64,
            (timed && !on_time) as i64,
            by_severity[0],
            by_severity[1],
            by_severity[2],
            1,
            set_starts.contains_key(&id) as i64,
            set_starts.get(&id).is_some_and(|t| *t) as i64,
        ];
        for (c, v) in cols.iter_mut().zip(values) {
            c.push(v);
        }
        ids.push(id);
        carriers.push(carrier);
        days.push(
            chrono::DateTime::from_timestamp_millis(received)
                .map(|t| t.date_naive().to_string())
                .unwrap_or_default(),
        );
    }
    let mut columns = vec![
        Column::new("message_id".into(), ids),
        Column::new("carrier".into(), carriers),
        Column::new("day".into(), days),
    ];
    for (name, values) in MESSAGE_SUMS.iter().zip(cols) {
        columns.push(Column::new((*name).into(), values));
    }
    DataFrame::new_infer_height(columns).map_err(polars_error)
}

/// What the report reads of a traveller version's data (the stored traveller, as parsed).
#[derive(serde::Deserialize)]
struct Carried {
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    date_of_birth: Option<String>,
    #[serde(default)]
    nationality: Option<String>,
    #[serde(default)]
    documents: Vec<CarriedDocument>,
}

#[derive(serde::Deserialize)]
struct CarriedDocument {
    #[serde(default)]
    number: String,
}

/// One row per traveller version an API manifest received in the range carried: the message,
/// and 0/1 columns for what was missing and whether a PNR names the traveller.
fn traveller_frame(
    conn: &mut DbConnection,
    start: i64,
    end: i64,
) -> Result<DataFrame, QualityError> {
    let rows: Vec<(String, String, String)> = traveller_versions::table
        .inner_join(messages::table.on(messages::id.eq(traveller_versions::message_id)))
        .filter(messages::received_at.ge(start))
        .filter(messages::received_at.lt(end))
        .filter(traveller_versions::source.eq("api"))
        .select((
            traveller_versions::message_id,
            traveller_versions::traveller_id,
            traveller_versions::data,
        ))
        .load(conn)?;
    // Travellers a PNR names: any PNR version of the same traveller (the load merges a PNR
    // traveller into the API one of the same flight).
    let ids: Vec<&str> = rows
        .iter()
        .map(|(_, t, _)| t.as_str())
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let mut named = Vec::new();
    for chunk in ids.chunks(2_000) {
        let found: Vec<String> = traveller_versions::table
            .filter(traveller_versions::source.eq("pnr"))
            .filter(traveller_versions::traveller_id.eq_any(chunk))
            .select(traveller_versions::traveller_id)
            .distinct()
            .load(conn)?;
        named.extend(found);
    }
    let blank = |s: &Option<String>| s.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut cols: [Vec<i64>; 4] = Default::default();
    let (mut message_ids, mut traveller_ids) = (Vec::new(), Vec::new());
    for (message_id, traveller_id, data) in rows {
        let Ok(t) = serde_json::from_str::<Carried>(&data) else {
            continue;
        };
        let passenger = matches!(
            t.kind.as_deref(),
            None | Some("passenger") | Some("transit_passenger")
        );
        let values = [
            t.documents.iter().all(|d| d.number.trim().is_empty()) as i64,
            blank(&t.date_of_birth) as i64,
            blank(&t.nationality) as i64,
            passenger as i64,
        ];
        for (c, v) in cols.iter_mut().zip(values) {
            c.push(v);
        }
        message_ids.push(message_id);
        traveller_ids.push(traveller_id);
    }
    let n = message_ids.len();
    let versions = DataFrame::new_infer_height(vec![
        Column::new("message_id".into(), message_ids),
        Column::new("traveller_id".into(), traveller_ids),
        Column::new("traveller".into(), vec![1i64; n]),
        Column::new("no_document".into(), std::mem::take(&mut cols[0])),
        Column::new("no_dob".into(), std::mem::take(&mut cols[1])),
        Column::new("no_nationality".into(), std::mem::take(&mut cols[2])),
        Column::new("passenger".into(), std::mem::take(&mut cols[3])),
    ])
    .map_err(polars_error)?;
    let m = named.len();
    let named = DataFrame::new_infer_height(vec![
        Column::new("traveller_id".into(), named),
        Column::new("named".into(), vec![1i64; m]),
    ])
    .map_err(polars_error)?;
    // A passenger is matched when a PNR names them; crew are not expected in PNRs.
    versions
        .lazy()
        .left_join(named.lazy(), col("traveller_id"), col("traveller_id"))
        .with_column((col("named").fill_null(lit(0i64)) * col("passenger")).alias("matched"))
        .collect()
        .map_err(polars_error)
}

/// Sums the message and traveller columns grouped by `keys` (none: one row for everything).
fn aggregate(
    msgs: &DataFrame,
    travellers: &DataFrame,
    keys: &[&str],
) -> Result<DataFrame, QualityError> {
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let msg_sums: Vec<Expr> = MESSAGE_SUMS.iter().map(|c| col(*c).sum()).collect();
    let trav_sums: Vec<Expr> = TRAVELLER_SUMS.iter().map(|c| col(*c).sum()).collect();
    // Each traveller version takes its message's carrier and day.
    let carried = travellers.clone().lazy().join(
        msgs.clone()
            .lazy()
            .select([col("message_id"), col("carrier"), col("day")]),
        [col("message_id")],
        [col("message_id")],
        JoinArgs::new(JoinType::Inner),
    );
    let (by_message, by_traveller) = if keys.is_empty() {
        (
            msgs.clone().lazy().select(msg_sums),
            carried.select(trav_sums),
        )
    } else {
        (
            msgs.clone()
                .lazy()
                .group_by(key_exprs.clone())
                .agg(msg_sums),
            carried.group_by(key_exprs.clone()).agg(trav_sums),
        )
    };
    let joined = if keys.is_empty() {
        // Two one-row frames side by side.
        let mut a = by_message.collect().map_err(polars_error)?;
        let b = by_traveller.collect().map_err(polars_error)?;
        for c in b.columns() {
            a.with_column(c.clone()).map_err(polars_error)?;
        }
        a.lazy()
    } else {
        by_message.join(
            by_traveller,
            key_exprs.clone(),
            key_exprs,
            JoinArgs::new(JoinType::Left),
        )
    };
    let filled: Vec<Expr> = TRAVELLER_SUMS
        .iter()
        .map(|c| col(*c).fill_null(lit(0i64)))
        .collect();
    let mut out = joined.with_columns(filled);
    if !keys.is_empty() {
        out = out.sort(keys.to_vec(), SortMultipleOptions::default());
    }
    out.collect().map_err(polars_error)
}

/// Reads aggregated frames back into rows, with the rates.
fn figures(df: &DataFrame) -> Result<Vec<Figures>, QualityError> {
    let text = |name: &str| -> Result<Option<Vec<Option<String>>>, QualityError> {
        match df.column(name) {
            Ok(c) => Ok(Some(
                c.str()
                    .map_err(polars_error)?
                    .iter()
                    .map(|s| s.map(str::to_string))
                    .collect(),
            )),
            Err(_) => Ok(None),
        }
    };
    let number = |name: &str| -> Result<Vec<i64>, QualityError> {
        let c = df
            .column(name)
            .map_err(polars_error)?
            .cast(&DataType::Int64)
            .map_err(polars_error)?;
        Ok(c.i64()
            .map_err(polars_error)?
            .iter()
            .map(|v| v.unwrap_or(0))
            .collect())
    };
    let carriers = text("carrier")?;
    let days = text("day")?;
    let m: Vec<Vec<i64>> = MESSAGE_SUMS
        .iter()
        .map(|c| number(c))
        .collect::<Result<_, _>>()?;
    let t: Vec<Vec<i64>> = TRAVELLER_SUMS
        .iter()
        .map(|c| number(c))
        .collect::<Result<_, _>>()?;
    let rate =
        |n: i64, d: i64| (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0);
    Ok((0..df.height())
        .map(|i| {
            let api_timed = m[3][i];
            let travellers = t[0][i];
            Figures {
                carrier: carriers.as_ref().and_then(|c| c[i].clone()),
                day: days.as_ref().and_then(|d| d[i].clone()),
                messages: m[9][i],
                api_messages: m[0][i],
                pnr_messages: m[1][i],
                failed: m[2][i],
                api_timed,
                api_on_time: m[4][i],
                api_late: m[5][i],
                on_time_rate: rate(m[4][i], api_timed),
                diagnostics: DiagnosticCounts {
                    error: m[6][i],
                    warning: m[7][i],
                    info: m[8][i],
                },
                api_travellers: travellers,
                missing_document: t[1][i],
                missing_date_of_birth: t[2][i],
                missing_nationality: t[3][i],
                missing_document_share: rate(t[1][i], travellers),
                missing_date_of_birth_share: rate(t[2][i], travellers),
                missing_nationality_share: rate(t[3][i], travellers),
                api_passengers: t[4][i],
                pnr_matched: t[5][i],
                pnr_match_rate: rate(t[5][i], t[4][i]),
                part_sets: m[10][i],
                part_sets_timed_out: m[11][i],
            }
        })
        .collect())
}

/// The report as CSV: a header, then the carrier × day rows, the per-carrier totals (day
/// `total`) and the grand total (carrier and day `total`).
pub fn to_csv(r: &Report) -> String {
    let mut out = String::from(
        "carrier,day,messages,api_messages,pnr_messages,failed,api_timed,api_on_time,api_late,\
         on_time_rate,diagnostics_error,diagnostics_warning,diagnostics_info,api_travellers,\
         missing_document,missing_date_of_birth,missing_nationality,missing_document_share,\
         missing_date_of_birth_share,missing_nationality_share,api_passengers,pnr_matched,\
         pnr_match_rate,part_sets,part_sets_timed_out\n",
    );
    let rate = |x: Option<f64>| x.map(|v| v.to_string()).unwrap_or_default();
    for f in r.rows.iter().chain(&r.carriers).chain([&r.totals]) {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            f.carrier.as_deref().unwrap_or("total"),
            f.day.as_deref().unwrap_or("total"),
            f.messages,
            f.api_messages,
            f.pnr_messages,
            f.failed,
            f.api_timed,
            f.api_on_time,
            f.api_late,
            rate(f.on_time_rate),
            f.diagnostics.error,
            f.diagnostics.warning,
            f.diagnostics.info,
            f.api_travellers,
            f.missing_document,
            f.missing_date_of_birth,
            f.missing_nationality,
            rate(f.missing_document_share),
            rate(f.missing_date_of_birth_share),
            rate(f.missing_nationality_share),
            f.api_passengers,
            f.pnr_matched,
            rate(f.pnr_match_rate),
            f.part_sets,
            f.part_sets_timed_out,
        ));
    }
    out
}

/// The report as a table for a terminal.
pub fn to_table(r: &Report) -> String {
    let pct = |x: Option<f64>| {
        x.map(|v| format!("{:.1}%", v * 100.0))
            .unwrap_or_else(|| "-".into())
    };
    let mut out = format!(
        "Carrier data quality {} to {} (on time: API manifest ≥ {} min before departure)\n\
         {:<7} {:<10} {:>6} {:>5} {:>5} {:>6} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6} {:>9} {:>9}\n",
        r.from,
        r.to,
        r.on_time_minutes,
        "carrier",
        "day",
        "msgs",
        "api",
        "pnr",
        "failed",
        "on time",
        "errors",
        "warns",
        "travlrs",
        "no doc",
        "no dob",
        "no nat",
        "PNR match",
        "parts t/o",
    );
    for f in r.rows.iter().chain(&r.carriers).chain([&r.totals]) {
        out.push_str(&format!(
            "{:<7} {:<10} {:>6} {:>5} {:>5} {:>6} {:>8} {:>6} {:>6} {:>7} {:>6} {:>6} {:>6} {:>9} {:>9}\n",
            f.carrier.as_deref().unwrap_or("total"),
            f.day.as_deref().unwrap_or("total"),
            f.messages,
            f.api_messages,
            f.pnr_messages,
            f.failed,
            pct(f.on_time_rate),
            f.diagnostics.error,
            f.diagnostics.warning,
            f.api_travellers,
            pct(f.missing_document_share),
            pct(f.missing_date_of_birth_share),
            pct(f.missing_nationality_share),
            pct(f.pnr_match_rate),
            format!("{}/{}", f.part_sets_timed_out, f.part_sets),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parameters_are_checked_and_defaulted() {
        let today = day("2026-11-29");
        let q = Query::parse(None, None, Some("zz"), None, today).unwrap();
        assert_eq!(q.from, day("2026-11-23"));
        assert_eq!(q.to, today);
        assert_eq!(q.carrier.as_deref(), Some("ZZ"));
        assert_eq!(q.on_time_minutes, DEFAULT_ON_TIME_MINUTES);
        let bad = |f, t, c, m| Query::parse(f, t, c, m, today).unwrap_err().parameter;
        assert_eq!(bad(Some("29/11/2026"), None, None, None), "from");
        assert_eq!(
            bad(Some("2026-11-29"), Some("2026-11-28"), None, None),
            "to"
        );
        assert_eq!(bad(Some("2024-01-01"), None, None, None), "from");
        assert_eq!(bad(None, None, Some("ZZZ"), None), "carrier");
        assert_eq!(bad(None, None, None, Some(-1)), "on_time_minutes");
    }
}
