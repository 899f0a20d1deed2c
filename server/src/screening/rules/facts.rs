//! Facts of stored travellers: what the rules see, built the same way for screening, the
//! editor's test and backtests.

use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};
use paxrisk_screening::rules::{Direction, Facts, FlightFacts, HistoryFacts, PnrFacts};

use crate::db::schema::{flights, hits, pnrs, travellers};
use crate::db::{DbConnection, DbError};
use crate::ingest::airports;
use crate::screening::screen::FlightRow;

/// The columns of `flights` a [`FlightRow`] is read from, with the flight id first.
pub(super) type FlightColumns = (
    String,
    String,
    String,
    String,
    String,
    Option<i64>,
    Option<String>,
    String,
);

/// Selects [`FlightColumns`].
pub(super) const FLIGHT_COLUMNS: (
    flights::id,
    flights::carrier,
    flights::number,
    flights::origin,
    flights::destination,
    flights::etd,
    flights::departure_local,
    flights::direction,
) = (
    flights::id,
    flights::carrier,
    flights::number,
    flights::origin,
    flights::destination,
    flights::etd,
    flights::departure_local,
    flights::direction,
);

/// A flight row from its columns (the id is returned beside it).
pub(super) fn flight_row(c: FlightColumns) -> (String, FlightRow) {
    (
        c.0,
        FlightRow {
            carrier: c.1,
            number: c.2,
            origin: c.3,
            destination: c.4,
            etd: c.5,
            departure_local: c.6,
            direction: c.7,
        },
    )
}

/// The flight facts of a stored flight: countries from the airport table, direction as loaded.
pub(super) fn flight_facts(flight: &FlightRow) -> FlightFacts {
    FlightFacts {
        carrier: Some(flight.carrier.clone()),
        number: Some(flight.number.clone()),
        origin: Some(flight.origin.clone()),
        destination: Some(flight.destination.clone()),
        origin_country: airports::lookup(&flight.origin).map(|a| a.country.to_string()),
        destination_country: airports::lookup(&flight.destination).map(|a| a.country.to_string()),
        direction: match flight.direction.as_str() {
            "outbound" => Some(Direction::Outbound),
            "inbound" => Some(Direction::Inbound),
            _ => None,
        },
        departure_local: flight
            .departure_local
            .as_deref()
            .and_then(|d| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%dT%H:%M").ok()),
    }
}

/// Facts of one traveller on a flight.
pub(super) fn facts_for(
    t: &Traveller,
    flight: &FlightRow,
    pnr: Option<&Pnr>,
    history: &HistoryFacts,
) -> Facts {
    let pnr = pnr.map(PnrFacts::from_pnr);
    Facts::from_parts(t, &flight_facts(flight), pnr.as_ref(), history)
}

/// Facts of one stored traveller as screening would build them now; `None` when there is no
/// such traveller (or its record cannot be read).
pub(super) fn stored(
    conn: &mut DbConnection,
    traveller_id: &str,
) -> Result<Option<Facts>, DbError> {
    let row: Option<(String, String, Option<String>, Option<String>)> = travellers::table
        .filter(travellers::id.eq(traveller_id))
        .select((
            travellers::flight_id,
            travellers::data,
            travellers::record_locator,
            travellers::person_key,
        ))
        .first(conn)
        .optional()?;
    let Some((flight_id, data, locator, person)) = row else {
        return Ok(None);
    };
    let Ok(t) = serde_json::from_str::<Traveller>(&data) else {
        return Ok(None);
    };
    let flight: Option<FlightColumns> = flights::table
        .filter(flights::id.eq(&flight_id))
        .select(FLIGHT_COLUMNS)
        .first(conn)
        .optional()?;
    let Some((_, flight)) = flight.map(flight_row) else {
        return Ok(None);
    };
    let pnr = match &locator {
        Some(l) => pnrs::table
            .filter(
                pnrs::flight_id
                    .eq(&flight_id)
                    .and(pnrs::record_locator.eq(l)),
            )
            .select(pnrs::data)
            .first::<String>(conn)
            .optional()?
            .and_then(|d| serde_json::from_str::<Pnr>(&d).ok()),
        None => None,
    };
    let history = match (&person, flight.etd) {
        (Some(p), Some(etd)) => history_of(conn, p, etd)?,
        _ => HistoryFacts::default(),
    };
    Ok(Some(facts_for(&t, &flight, pnr.as_ref(), &history)))
}

/// Trips and live hits of one person before `etd`, as the screening job counts them.
fn history_of(conn: &mut DbConnection, person: &str, etd: i64) -> Result<HistoryFacts, DbError> {
    let trips: i64 = travellers::table
        .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
        .filter(travellers::person_key.eq(person).and(flights::etd.lt(etd)))
        .count()
        .get_result(conn)?;
    let past_hits: i64 = hits::table
        .inner_join(travellers::table.on(travellers::id.eq(hits::traveller_id)))
        .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
        .filter(
            travellers::person_key
                .eq(person)
                .and(flights::etd.lt(etd))
                .and(hits::live.eq(true)),
        )
        .count()
        .get_result(conn)?;
    Ok(HistoryFacts {
        previous_trips: Some(u32::try_from(trips).unwrap_or(u32::MAX)),
        previous_hits: Some(u32::try_from(past_hits).unwrap_or(u32::MAX)),
        hops_to_hit: None,
    })
}
