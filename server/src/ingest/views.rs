//! Read views of loaded data: flights and their travellers, as the API and pages show them.
//! Masked fields were masked in the store, so what is read here is what may be shown.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Serialize;

use crate::api::rfc3339;
use crate::db::schema::{documents, flights, review_items, travellers};
use crate::db::{DbConnection, DbError};

/// A flight in the list.
#[derive(Debug, Serialize)]
pub struct FlightView {
    pub id: String,
    pub carrier: String,
    pub number: String,
    pub origin: String,
    pub destination: String,
    pub etd: Option<String>,
    pub eta: Option<String>,
    pub departure_local: Option<String>,
    pub arrival_local: Option<String>,
    pub direction: String,
    pub travellers: i64,
    pub flagged: i64,
    /// Multi-part manifests of the flight and whether each is complete (absent when none).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub manifest_parts: Vec<super::parts::FlightPartSet>,
}

type FlightRow = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    String,
);

fn flight_columns() -> (
    flights::id,
    flights::carrier,
    flights::number,
    flights::origin,
    flights::destination,
    flights::etd,
    flights::eta,
    flights::departure_local,
    flights::arrival_local,
    flights::direction,
) {
    (
        flights::id,
        flights::carrier,
        flights::number,
        flights::origin,
        flights::destination,
        flights::etd,
        flights::eta,
        flights::departure_local,
        flights::arrival_local,
        flights::direction,
    )
}

/// Flights that land after `since` (or have no known arrival), soonest first.
pub fn flights(
    conn: &mut DbConnection,
    since: Option<i64>,
    limit: i64,
) -> Result<Vec<FlightView>, DbError> {
    let mut q = flights::table
        .select(flight_columns())
        .order(flights::eta.asc())
        .limit(limit)
        .into_boxed();
    if let Some(s) = since {
        q = q.filter(flights::eta.ge(s).or(flights::eta.is_null()));
    }
    let rows: Vec<FlightRow> = q.load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let counts: Vec<(String, i64)> = travellers::table
        .filter(travellers::flight_id.eq_any(&ids))
        .group_by(travellers::flight_id)
        .select((travellers::flight_id, diesel::dsl::count_star()))
        .load(conn)?;
    let flagged: Vec<(String, i64)> = review_items::table
        .filter(review_items::flight_id.eq_any(&ids))
        .group_by(review_items::flight_id)
        .select((review_items::flight_id, diesel::dsl::count_star()))
        .load(conn)?;
    let mut parts = super::parts::of_flights(conn, &ids)?;
    let counts: HashMap<_, _> = counts.into_iter().collect();
    let flagged: HashMap<_, _> = flagged.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let sets = parts.remove(&r.0).unwrap_or_default();
            FlightView {
                manifest_parts: sets,
                ..to_view(r, &counts, &flagged)
            }
        })
        .collect())
}

/// One flight.
pub fn flight(conn: &mut DbConnection, id: &str) -> Result<Option<FlightView>, DbError> {
    let row: Option<FlightRow> = flights::table
        .filter(flights::id.eq(id))
        .select(flight_columns())
        .first(conn)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let n: i64 = travellers::table
        .filter(travellers::flight_id.eq(id))
        .count()
        .get_result(conn)?;
    let f: i64 = review_items::table
        .filter(review_items::flight_id.eq(id))
        .count()
        .get_result(conn)?;
    let sets = super::parts::of_flights(conn, &[&row.0])?
        .remove(&row.0)
        .unwrap_or_default();
    let counts = HashMap::from([(row.0.clone(), n)]);
    let flagged = HashMap::from([(row.0.clone(), f)]);
    Ok(Some(FlightView {
        manifest_parts: sets,
        ..to_view(row, &counts, &flagged)
    }))
}

fn to_view(
    r: FlightRow,
    counts: &HashMap<String, i64>,
    flagged: &HashMap<String, i64>,
) -> FlightView {
    FlightView {
        travellers: counts.get(&r.0).copied().unwrap_or(0),
        flagged: flagged.get(&r.0).copied().unwrap_or(0),
        id: r.0,
        carrier: r.1,
        number: r.2,
        origin: r.3,
        destination: r.4,
        etd: r.5.map(rfc3339),
        eta: r.6.map(rfc3339),
        departure_local: r.7,
        arrival_local: r.8,
        direction: r.9,
        manifest_parts: Vec::new(),
    }
}

/// A traveller as the API shows them.
#[derive(Debug, Serialize)]
pub struct TravellerView {
    pub id: String,
    pub flight_id: String,
    pub kind: String,
    pub surname: String,
    pub given_names: String,
    pub date_of_birth: Option<String>,
    pub gender: Option<String>,
    pub nationality: Option<String>,
    pub record_locator: Option<String>,
    pub source: String,
    pub masked: bool,
    pub documents: Vec<DocumentView>,
    pub score: Option<i32>,
    pub band: Option<String>,
}

/// A travel document as the API shows it.
#[derive(Debug, Serialize, Queryable)]
pub struct DocumentView {
    #[serde(skip)]
    pub traveller_id: String,
    #[serde(rename = "type")]
    pub doc_type: String,
    pub number: String,
    pub issuing_country: Option<String>,
    pub expiry: Option<String>,
}

type TravellerRow = (
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    String,
    bool,
);

/// Travellers of a flight, or one traveller by id.
pub fn travellers(
    conn: &mut DbConnection,
    flight_id: Option<&str>,
    id: Option<&str>,
) -> Result<Vec<TravellerView>, DbError> {
    let mut q = travellers::table
        .select((
            travellers::id,
            travellers::flight_id,
            travellers::kind,
            travellers::surname,
            travellers::given_names,
            travellers::date_of_birth,
            travellers::gender,
            travellers::nationality,
            travellers::record_locator,
            travellers::source,
            travellers::masked,
        ))
        .order((travellers::surname.asc(), travellers::given_names.asc()))
        .into_boxed();
    if let Some(f) = flight_id {
        q = q.filter(travellers::flight_id.eq(f));
    }
    if let Some(i) = id {
        q = q.filter(travellers::id.eq(i));
    }
    let rows: Vec<TravellerRow> = q.load(conn)?;
    let ids: Vec<&String> = rows.iter().map(|r| &r.0).collect();
    let docs: Vec<DocumentView> = documents::table
        .filter(documents::traveller_id.eq_any(&ids))
        .select((
            documents::traveller_id,
            documents::doc_type,
            documents::number,
            documents::issuing_country,
            documents::expiry,
        ))
        .load(conn)?;
    let scores: Vec<(String, i32, String)> = review_items::table
        .filter(review_items::traveller_id.eq_any(&ids))
        .select((
            review_items::traveller_id,
            review_items::score,
            review_items::band,
        ))
        .load(conn)?;
    let mut by_traveller: HashMap<String, Vec<DocumentView>> = HashMap::new();
    for d in docs {
        by_traveller
            .entry(d.traveller_id.clone())
            .or_default()
            .push(d);
    }
    let scores: HashMap<String, (i32, String)> =
        scores.into_iter().map(|(t, s, b)| (t, (s, b))).collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let score = scores.get(&r.0).cloned();
            TravellerView {
                documents: by_traveller.remove(&r.0).unwrap_or_default(),
                score: score.as_ref().map(|s| s.0),
                band: score.map(|s| s.1),
                id: r.0,
                flight_id: r.1,
                kind: r.2,
                surname: r.3,
                given_names: r.4,
                date_of_birth: r.5,
                gender: r.6,
                nationality: r.7,
                record_locator: r.8,
                source: r.9,
                masked: r.10,
            }
        })
        .collect())
}

/// Everything on record about one traveller: the current view, every message version, the PNR,
/// co-travellers on the same booking, earlier trips of the same person, and hits.
#[derive(Debug, Serialize)]
pub struct TravellerDetail {
    #[serde(flatten)]
    pub current: TravellerView,
    /// One entry per message that spoke of the traveller, oldest first (masked when masked).
    pub versions: Vec<serde_json::Value>,
    /// The booking the traveller is on, as last received.
    pub pnr: Option<serde_json::Value>,
    /// Others on the same booking and flight.
    pub co_travellers: Vec<serde_json::Value>,
    /// Other flights of the same person (same identity key), newest first.
    pub history: Vec<serde_json::Value>,
    /// Hits with their explanations (watchlist, rule), live and shadow.
    pub hits: Vec<serde_json::Value>,
}

/// The detail view of a traveller, or `None` when the id is unknown.
pub fn traveller_detail(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<TravellerDetail>, DbError> {
    use crate::db::schema::{hits, pnrs, traveller_versions};
    let Some(current) = travellers(conn, None, Some(id))?.into_iter().next() else {
        return Ok(None);
    };
    let versions: Vec<(String, String, String, i64)> = traveller_versions::table
        .filter(traveller_versions::traveller_id.eq(id))
        .order(traveller_versions::received_at.asc())
        .select((
            traveller_versions::message_id,
            traveller_versions::source,
            traveller_versions::data,
            traveller_versions::received_at,
        ))
        .load(conn)?;
    let versions = versions
        .into_iter()
        .map(|(message, source, data, at)| {
            serde_json::json!({"message_id": message, "source": source, "received_at": rfc3339(at),
                "data": serde_json::from_str::<serde_json::Value>(&data).unwrap_or_default()})
        })
        .collect();
    let (pnr, co_travellers) = match &current.record_locator {
        Some(locator) => {
            let data: Option<String> = pnrs::table
                .filter(
                    pnrs::flight_id
                        .eq(&current.flight_id)
                        .and(pnrs::record_locator.eq(locator)),
                )
                .select(pnrs::data)
                .first(conn)
                .optional()?;
            let others: Vec<(String, String, String)> = travellers::table
                .filter(
                    travellers::flight_id
                        .eq(&current.flight_id)
                        .and(travellers::record_locator.eq(locator))
                        .and(travellers::id.ne(id)),
                )
                .select((travellers::id, travellers::surname, travellers::given_names))
                .load(conn)?;
            (
                data.and_then(|d| serde_json::from_str(&d).ok()),
                others
                    .into_iter()
                    .map(|(id, s, g)| serde_json::json!({"id": id, "surname": s, "given_names": g}))
                    .collect(),
            )
        }
        None => (None, Vec::new()),
    };
    let person: Option<Option<String>> = travellers::table
        .filter(travellers::id.eq(id))
        .select(travellers::person_key)
        .first(conn)
        .optional()?;
    let history = match person.flatten() {
        Some(key) => {
            let rows: Vec<(String, String, String, String, String, Option<i64>)> =
                travellers::table
                    .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
                    .filter(travellers::person_key.eq(&key).and(travellers::id.ne(id)))
                    .order(flights::etd.desc())
                    .limit(100)
                    .select((
                        travellers::id,
                        flights::id,
                        flights::carrier,
                        flights::number,
                        flights::origin,
                        flights::etd,
                    ))
                    .load(conn)?;
            rows.into_iter()
                .map(|(t, f, c, n, o, etd)| {
                    serde_json::json!({"traveller_id": t, "flight_id": f, "flight": format!("{c}{n}"), "origin": o, "etd": etd.map(rfc3339)})
                })
                .collect()
        }
        None => Vec::new(),
    };
    let hit_rows: Vec<(String, String, f64, bool, i32)> = hits::table
        .filter(hits::traveller_id.eq(id))
        .order(hits::score.desc())
        .select((
            hits::kind,
            hits::reason,
            hits::score,
            hits::live,
            hits::source_version,
        ))
        .load(conn)?;
    let hits = hit_rows
        .into_iter()
        .map(|(kind, reason, score, live, version)| {
            serde_json::json!({"kind": kind, "reason": reason, "score": score, "live": live, "source_version": version})
        })
        .collect();
    Ok(Some(TravellerDetail {
        current,
        versions,
        pnr,
        co_travellers,
        history,
        hits,
    }))
}

/// Each traveller's seat on a flight as last sent (a manifest's RFF+SEA or a PNR's seat), by
/// traveller id; travellers without a seat are absent. One query over the message versions.
pub fn seats(conn: &mut DbConnection, flight_id: &str) -> Result<HashMap<String, String>, DbError> {
    use crate::db::schema::traveller_versions;
    /// Only the seat of a version's data is read.
    #[derive(serde::Deserialize)]
    struct Seat {
        seat: Option<String>,
    }
    let rows: Vec<(String, String)> = traveller_versions::table
        .filter(
            traveller_versions::traveller_id.eq_any(
                travellers::table
                    .filter(travellers::flight_id.eq(flight_id))
                    .select(travellers::id),
            ),
        )
        .order(traveller_versions::received_at.asc())
        .select((traveller_versions::traveller_id, traveller_versions::data))
        .load(conn)?;
    let mut out = HashMap::new();
    for (id, data) in rows {
        // A later version without a seat (a manifest after the PNR) keeps the earlier seat.
        let seat = serde_json::from_str::<Seat>(&data)
            .ok()
            .and_then(|s| s.seat);
        if let Some(seat) = seat.filter(|s| !s.trim().is_empty()) {
            out.insert(id, seat.trim().to_string());
        }
    }
    Ok(out)
}

/// One message received for a flight, as the flight page lists it.
#[derive(Debug, Serialize)]
pub struct FlightMessage {
    pub id: String,
    pub received_at: String,
    /// `PAXLST` or `PNRGOV`; absent when the message could not be read that far.
    pub kind: Option<String>,
    pub state: String,
    /// `3 of 5` for a manifest in parts (`3 of ?` while the last part is unseen).
    pub part: Option<String>,
    /// True for a crew manifest part (PAXLST document 250).
    pub crew: bool,
}

/// The messages that spoke of a flight's travellers or bookings or were parts of its manifests,
/// newest first (at most `limit`): two queries.
pub fn flight_messages(
    conn: &mut DbConnection,
    flight_id: &str,
    limit: i64,
) -> Result<Vec<FlightMessage>, DbError> {
    use crate::db::schema::{message_parts, messages, part_sets, pnrs, traveller_versions};
    let parts: Vec<(String, i32, Option<i32>, String)> = message_parts::table
        .inner_join(part_sets::table.on(part_sets::id.eq(message_parts::set_id)))
        .filter(part_sets::flight_id.eq(flight_id))
        .select((
            message_parts::message_id,
            message_parts::sequence,
            part_sets::parts_expected,
            part_sets::document,
        ))
        .load(conn)?;
    let part_ids: Vec<&String> = parts.iter().map(|p| &p.0).collect();
    let of_travellers = traveller_versions::table
        .filter(
            traveller_versions::traveller_id.eq_any(
                travellers::table
                    .filter(travellers::flight_id.eq(flight_id))
                    .select(travellers::id),
            ),
        )
        .select(traveller_versions::message_id);
    let of_bookings = pnrs::table
        .filter(pnrs::flight_id.eq(flight_id))
        .select(pnrs::message_id);
    let rows: Vec<(String, i64, Option<String>, String)> = messages::table
        .filter(
            messages::id
                .eq_any(of_travellers)
                .or(messages::id.eq_any(of_bookings))
                .or(messages::id.eq_any(&part_ids)),
        )
        .order((messages::received_at.desc(), messages::id.desc()))
        .limit(limit)
        .select((
            messages::id,
            messages::received_at,
            messages::message_type,
            messages::state,
        ))
        .load(conn)?;
    let parts: HashMap<&String, (i32, Option<i32>, bool)> = parts
        .iter()
        .map(|(m, seq, of, doc)| (m, (*seq, *of, doc == "250")))
        .collect();
    Ok(rows
        .into_iter()
        .map(|(id, at, kind, state)| {
            let part = parts.get(&id).copied();
            FlightMessage {
                received_at: rfc3339(at),
                kind,
                state,
                part: part.map(|(seq, of, _)| match of {
                    Some(n) => format!("{seq} of {n}"),
                    None => format!("{seq} of ?"),
                }),
                crew: part.is_some_and(|p| p.2),
                id,
            }
        })
        .collect())
}
