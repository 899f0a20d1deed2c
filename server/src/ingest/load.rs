//! Load: typed messages become flights, travellers (with a version per message), documents and
//! PNRs, in one transaction per message. The current view of a traveller prefers API identity
//! data over PNR data and is never silently overwritten by a lower-precedence source.

use diesel::prelude::*;
use paxrisk_parsers::{Diagnostic, Flight, Manifest, PnrPush, Severity, Traveller};

use super::airports;
use crate::db::schema::{flights, pnrs};
use crate::db::{new_id, now_ms, DbConnection};

/// Which kind of message a traveller's data came from; API outranks PNR for identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataSource {
    Api,
    Pnr,
}

impl DataSource {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DataSource::Api => "api",
            DataSource::Pnr => "pnr",
        }
    }
}

/// Facts about the message being loaded.
pub struct Origin<'a> {
    pub message_id: &'a str,
    pub received_at: i64,
    pub home_country: Option<&'a str>,
}

/// The key that identifies one person on one flight across messages: normalised surname and
/// first given name (PNRs often lack the date of birth that API data carry).
/// (The PNR parser removes titles glued to given names, `MELISSAMRS`, so both sources agree.)
pub fn flight_identity_key(t: &Traveller) -> String {
    let surname = paxrisk_screening::names::normalise(&t.surname).replace(' ', "");
    let given = paxrisk_screening::names::normalise(&t.given_names);
    format!(
        "{surname}|{}",
        given.split_whitespace().next().unwrap_or("")
    )
}

/// The key that links one person across flights (travel history): normalised full name and date
/// of birth, else the first document's number and country; `None` when neither is known.
pub fn person_key(t: &Traveller) -> Option<String> {
    let name = format!(
        "{}|{}",
        paxrisk_screening::names::normalise(&t.surname).replace(' ', ""),
        paxrisk_screening::names::normalise(&t.given_names).replace(' ', "")
    );
    if let Some(dob) = t.date_of_birth.as_deref().filter(|d| d.len() == 10) {
        return Some(format!("{name}|{dob}"));
    }
    t.documents
        .iter()
        .find(|d| !d.number.trim().is_empty())
        .map(|d| {
            let number: String = d
                .number
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_uppercase();
            format!(
                "doc|{number}|{}",
                d.issuing_country.as_deref().unwrap_or("")
            )
        })
}

/// What loading a traveller needs that depends on the traveller alone: worked out before the write
/// transaction (`process::prepare`), so that the one writer SQLite allows holds its turn for less.
pub struct Derived {
    /// [`flight_identity_key`].
    pub base: String,
    /// Given names normalised (case, diacritics, spacing), for telling namesakes apart.
    pub given: String,
    /// The traveller as stored (JSON).
    pub data: String,
    /// [`person_key`].
    pub person: Option<String>,
}

impl Derived {
    pub fn of(t: &Traveller) -> Derived {
        Derived {
            base: flight_identity_key(t),
            given: paxrisk_screening::names::normalise(&t.given_names),
            data: serde_json::to_string(t).unwrap_or_default(),
            person: person_key(t),
        }
    }

    /// Every traveller of a message, in the order the loaders take them: a manifest's list, a
    /// push's PNRs one after the other.
    pub fn of_message(m: &paxrisk_parsers::Message) -> Vec<Derived> {
        match m {
            paxrisk_parsers::Message::Paxlst(manifest) => {
                manifest.travellers.iter().map(Derived::of).collect()
            }
            paxrisk_parsers::Message::Pnrgov(push) => push
                .pnrs
                .iter()
                .flat_map(|p| p.travellers.iter().map(Derived::of))
                .collect(),
            paxrisk_parsers::Message::Other(_) => Vec::new(),
        }
    }
}

/// Creates or finds the flight a message speaks of; returns its id.
/// The key a flight is stored under (`carrier|number|origin|destination|departure date`), or
/// `None` when the flight lacks what identifies it.
pub fn flight_key(flight: &Flight) -> Option<String> {
    let (first, last) = (flight.legs.first()?, flight.legs.last()?);
    if flight.carrier.is_empty() || flight.number.is_empty() || first.origin.is_empty() {
        return None;
    }
    let dep_date = first
        .departure_local
        .as_deref()
        .map(|d| &d[..d.len().min(10)])
        .unwrap_or("");
    Some(format!(
        "{}|{}|{}|{}|{}",
        flight.carrier,
        flight_number(&flight.number),
        first.origin,
        last.destination,
        dep_date
    ))
}

fn flight_number(number: &str) -> &str {
    let n = number.trim_start_matches('0');
    if n.is_empty() {
        "0"
    } else {
        n
    }
}

/// A flight's departure and arrival in UTC (epoch ms), from its local times and airports.
fn utc_times(flight: &Flight) -> (Option<i64>, Option<i64>) {
    let (Some(first), Some(last)) = (flight.legs.first(), flight.legs.last()) else {
        return (None, None);
    };
    let etd = first
        .departure_local
        .as_deref()
        .and_then(|t| airports::local_to_utc_ms(&first.origin, t));
    let eta = last
        .arrival_local
        .as_deref()
        .and_then(|t| airports::local_to_utc_ms(&last.destination, t));
    (etd, eta)
}

/// Stores the flight (updating its times) and returns its id; a new flight gets `new_flight_id`
/// when given (the id its travellers were planned under), else a new one.
pub fn upsert_flight(
    conn: &mut DbConnection,
    flight: &Flight,
    home: Option<&str>,
    new_flight_id: Option<&str>,
) -> QueryResult<Option<String>> {
    let Some(key) = flight_key(flight) else {
        return Ok(None);
    };
    let (first, last) = (&flight.legs[0], &flight.legs[flight.legs.len() - 1]);
    let number = flight_number(&flight.number);
    let (etd, eta) = utc_times(flight);
    let direction = direction(home, &first.origin, &last.destination);
    let now = now_ms();
    let existing: Option<String> = flights::table
        .filter(flights::flight_key.eq(&key))
        .select(flights::id)
        .first(conn)
        .optional()?;
    if let Some(id) = existing {
        diesel::update(flights::table.filter(flights::id.eq(&id)))
            .set((
                flights::etd.eq(etd),
                flights::eta.eq(eta),
                flights::departure_local.eq(first.departure_local.as_deref()),
                flights::arrival_local.eq(last.arrival_local.as_deref()),
                flights::updated_at.eq(now),
            ))
            .execute(conn)?;
        return Ok(Some(id));
    }
    let id = new_flight_id.map(str::to_string).unwrap_or_else(new_id);
    diesel::insert_into(flights::table)
        .values((
            flights::id.eq(&id),
            flights::flight_key.eq(&key),
            flights::carrier.eq(flight.carrier.as_str()),
            flights::number.eq(number),
            flights::origin.eq(first.origin.as_str()),
            flights::destination.eq(last.destination.as_str()),
            flights::etd.eq(etd),
            flights::eta.eq(eta),
            flights::departure_local.eq(first.departure_local.as_deref()),
            flights::arrival_local.eq(last.arrival_local.as_deref()),
            flights::direction.eq(direction),
            flights::created_at.eq(now),
            flights::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(Some(id))
}

fn direction(home: Option<&str>, origin: &str, destination: &str) -> &'static str {
    let Some(home) = home else { return "inbound" };
    let country = |a: &str| airports::lookup(a).map(|x| x.country);
    match (country(origin), country(destination)) {
        (_, Some(d)) if d == home => "inbound",
        (Some(o), _) if o == home => "outbound",
        _ => "overflight",
    }
}

/// A message's travellers placed among those already on their flight, and their links derived,
/// before the write transaction (so that SQLite's one writer holds its turn for less), from the
/// flight's travellers as they were then. The transaction uses the plan only if the flight's
/// travellers are still those (`keys`, their identity keys): each flight loads on one worker at a
/// time, so what can change them in between is retention, which masks (a new identity key) or
/// deletes travellers, or another message of the same interchange. Otherwise it places them again
/// itself.
pub struct Planned {
    flight_id: String,
    /// The identity keys of the flight's travellers when the plan was made, sorted.
    keys: Vec<String>,
    roster: super::roster::Roster,
    links: crate::links::store::Links,
}

impl Planned {
    /// The flight the travellers were placed on (a new flight gets this id).
    #[cfg(test)]
    pub fn flight_id(&self) -> &str {
        &self.flight_id
    }
}

/// Plans the load of one message (see [`Planned`]); `None` when it names no usable flight.
pub fn plan(
    conn: &mut DbConnection,
    message: &paxrisk_parsers::Message,
    derived: &[Derived],
    origin: &Origin<'_>,
    key: &crate::links::derive::LinkKey,
) -> QueryResult<Option<Planned>> {
    use paxrisk_parsers::Message;
    let pushed;
    let (flight, source) = match message {
        Message::Paxlst(m) => (&m.flight, DataSource::Api),
        Message::Pnrgov(p) => {
            pushed = pushed_flight(p, &mut Vec::new());
            (&pushed, DataSource::Pnr)
        }
        Message::Other(_) => return Ok(None),
    };
    let Some(flight_key) = flight_key(flight) else {
        return Ok(None);
    };
    let stored: Option<String> = flights::table
        .filter(flights::flight_key.eq(&flight_key))
        .select(flights::id)
        .first(conn)
        .optional()?;
    let (flight_id, rows) = match stored {
        Some(id) => {
            let rows = super::roster::read(conn, &id)?;
            (id, rows)
        }
        None => (new_id(), Vec::new()),
    };
    let mut keys: Vec<String> = rows.iter().map(|r| r.0.clone()).collect();
    keys.sort_unstable();
    let mut roster = super::roster::Roster::of(rows, &flight_id, origin);
    // What the flight's row will say once this message is loaded (its times are the message's).
    let at = utc_times(flight).0.unwrap_or_else(now_ms);
    let departure = flight
        .legs
        .first()
        .and_then(|l| l.departure_local.as_deref());
    let name =
        crate::links::store::flight_name(&flight.carrier, flight_number(&flight.number), departure);
    let mut links = crate::links::store::Links::new(key.clone(), &flight_id, at, name, source);
    match message {
        Message::Paxlst(m) => place_manifest(&mut roster, &mut links, m, derived)?,
        Message::Pnrgov(p) => place_pnrs(&mut roster, &mut links, p, derived, &flight.carrier)?,
        Message::Other(_) => {}
    }
    Ok(Some(Planned {
        flight_id,
        keys,
        roster,
        links,
    }))
}

/// The plan's roster and links, if it was made for this flight and the flight's travellers are
/// still those it was made from.
fn planned_for(
    conn: &mut DbConnection,
    planned: Option<Planned>,
    flight_id: &str,
) -> QueryResult<Option<(super::roster::Roster, crate::links::store::Links)>> {
    let Some(p) = planned.filter(|p| p.flight_id == flight_id) else {
        return Ok(None);
    };
    let keys = super::roster::identity_keys(conn, flight_id)?;
    Ok((keys == p.keys).then_some((p.roster, p.links)))
}

fn place_manifest(
    roster: &mut super::roster::Roster,
    links: &mut crate::links::store::Links,
    m: &Manifest,
    derived: &[Derived],
) -> QueryResult<()> {
    for (t, d) in m.travellers.iter().zip(derived) {
        let (id, linked) = roster.put(t, d, None, DataSource::Api)?;
        links.traveller(&id, linked, t, d.person.as_deref(), None);
    }
    Ok(())
}

fn place_pnrs(
    roster: &mut super::roster::Roster,
    links: &mut crate::links::store::Links,
    p: &PnrPush,
    derived: &[Derived],
    carrier: &str,
) -> QueryResult<()> {
    let mut derived = derived.iter();
    for pnr in &p.pnrs {
        for (t, d) in pnr.travellers.iter().zip(derived.by_ref()) {
            let (id, linked) = roster.put(t, d, Some(pnr), DataSource::Pnr)?;
            links.traveller(&id, linked, t, d.person.as_deref(), Some((pnr, carrier)));
        }
    }
    Ok(())
}

/// Loads a manifest; returns the flight id (None when the manifest names no usable flight).
/// `planned`: its travellers placed beforehand ([`plan`]), used if still valid.
pub fn load_manifest(
    conn: &mut DbConnection,
    m: &Manifest,
    derived: &[Derived],
    origin: &Origin<'_>,
    planned: Option<Planned>,
) -> QueryResult<Option<String>> {
    let planned_id = planned.as_ref().map(|p| p.flight_id.as_str());
    let Some(flight_id) = upsert_flight(conn, &m.flight, origin.home_country, planned_id)? else {
        return Ok(None);
    };
    let (roster, links) = match planned_for(conn, planned, &flight_id)? {
        Some(placed) => placed,
        None => {
            let mut roster = super::roster::Roster::load(conn, &flight_id, origin)?;
            let mut links = crate::links::store::Links::start(conn, &flight_id, DataSource::Api)?;
            place_manifest(&mut roster, &mut links, m, derived)?;
            (roster, links)
        }
    };
    roster.flush(conn)?;
    links.write(conn)?;
    enqueue_screening(conn, &flight_id)?;
    Ok(Some(flight_id))
}

/// The flight a PNR push is for: its message-level TVL, unless that flight is in no PNR's
/// itinerary while one flight is in most of them (senders copy a stale TVL from a template); then
/// that common flight, with a warning. Without a message-level TVL, the common flight.
pub(super) fn pushed_flight(p: &PnrPush, diagnostics: &mut Vec<Diagnostic>) -> Flight {
    let same = |s: &paxrisk_parsers::Segment, f: &Flight| {
        s.carrier == f.carrier
            && s.number.trim_start_matches('0') == f.number.trim_start_matches('0')
            && f.legs.first().is_some_and(|l| l.origin == s.origin)
    };
    let mut counts: Vec<(&paxrisk_parsers::Segment, usize)> = Vec::new();
    for pnr in &p.pnrs {
        for seg in &pnr.itinerary {
            match counts.iter_mut().find(|(s, _)| {
                s.carrier == seg.carrier && s.number == seg.number && s.origin == seg.origin
            }) {
                Some((_, n)) => *n += 1,
                None => counts.push((seg, 1)),
            }
        }
    }
    let common = counts
        .iter()
        .max_by_key(|(_, n)| *n)
        .filter(|(_, n)| *n * 2 > p.pnrs.len())
        .map(|(s, _)| *s);
    let declared_seen = p
        .pnrs
        .iter()
        .any(|x| x.itinerary.iter().any(|s| same(s, &p.flight)));
    let use_common = !p.flight.legs.is_empty() && !declared_seen && common.is_some();
    if !p.flight.legs.is_empty() && !use_common {
        return p.flight.clone();
    }
    let Some(s) = common.or_else(|| p.pnrs.iter().flat_map(|x| x.itinerary.first()).next()) else {
        return p.flight.clone();
    };
    if use_common {
        diagnostics.push(Diagnostic {
            severity: Severity::Warning,
            segment: "TVL".into(),
            position: 0,
            index: None,
            message: format!(
                "the pushed flight (message-level TVL {}{}) is in no PNR's itinerary; the flight most PNRs hold, {}{} {}-{}, was used",
                p.flight.carrier, p.flight.number, s.carrier, s.number, s.origin, s.destination
            ),
        });
    }
    Flight {
        carrier: s.carrier.clone(),
        number: s.number.clone(),
        legs: vec![paxrisk_parsers::Leg {
            origin: s.origin.clone(),
            destination: s.destination.clone(),
            departure_local: s.departure_local.clone(),
            arrival_local: s.arrival_local.clone(),
        }],
    }
}

/// Loads a PNR push; PNR travellers without documents are kept. `planned`: its travellers placed
/// beforehand ([`plan`]), used if still valid.
pub fn load_pnrs(
    conn: &mut DbConnection,
    p: &PnrPush,
    derived: &[Derived],
    origin: &Origin<'_>,
    diagnostics: &mut Vec<Diagnostic>,
    planned: Option<Planned>,
) -> QueryResult<Option<String>> {
    let flight = pushed_flight(p, diagnostics);
    let planned_id = planned.as_ref().map(|p| p.flight_id.as_str());
    let Some(flight_id) = upsert_flight(conn, &flight, origin.home_country, planned_id)? else {
        return Ok(None);
    };
    let (roster, links) = match planned_for(conn, planned, &flight_id)? {
        Some(placed) => placed,
        None => {
            let mut roster = super::roster::Roster::load(conn, &flight_id, origin)?;
            let mut links = crate::links::store::Links::start(conn, &flight_id, DataSource::Pnr)?;
            place_pnrs(&mut roster, &mut links, p, derived, &flight.carrier)?;
            (roster, links)
        }
    };
    // The flight's stored PNRs, read once; new ones are inserted and known ones updated in batches.
    let stored: std::collections::HashMap<String, String> = pnrs::table
        .filter(pnrs::flight_id.eq(&flight_id))
        .select((pnrs::record_locator, pnrs::id))
        .load::<(String, String)>(conn)?
        .into_iter()
        .collect();
    let mut inserts: std::collections::BTreeMap<&str, NewPnr> = std::collections::BTreeMap::new();
    let mut updates: std::collections::BTreeMap<&str, serde_json::Value> =
        std::collections::BTreeMap::new();
    for pnr in &p.pnrs {
        let data = serde_json::to_string(pnr).unwrap_or_default();
        match stored.get(pnr.record_locator.as_str()) {
            Some(id) => {
                updates.insert(
                    &pnr.record_locator,
                    serde_json::json!({"id": id, "data": data, "message_id": origin.message_id,
                        "received_at": origin.received_at}),
                );
            }
            None => {
                inserts.insert(
                    &pnr.record_locator,
                    NewPnr {
                        id: new_id(),
                        flight_id: flight_id.clone(),
                        record_locator: pnr.record_locator.to_string(),
                        message_id: origin.message_id.to_string(),
                        data,
                        received_at: origin.received_at,
                    },
                );
            }
        }
    }
    let rows: Vec<NewPnr> = inserts.into_values().collect();
    for chunk in rows.chunks(400) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(pnrs::table).values(chunk).execute(c)?,
            DbConnection::Pg(c) => diesel::insert_into(pnrs::table).values(chunk).execute(c)?,
        };
    }
    let updates: Vec<serde_json::Value> = updates.into_values().collect();
    if !updates.is_empty() {
        super::roster::set_based_update(conn, &UPDATE_PNR, &updates)?;
    }
    roster.flush(conn)?;
    links.write(conn)?;
    enqueue_screening(conn, &flight_id)?;
    Ok(Some(flight_id))
}

/// A PNR row to insert.
#[derive(Insertable)]
#[diesel(table_name = pnrs)]
struct NewPnr {
    id: String,
    flight_id: String,
    record_locator: String,
    message_id: String,
    data: String,
    received_at: i64,
}

const UPDATE_PNR: super::roster::SetUpdate = super::roster::SetUpdate {
    table: "pnrs",
    set: "data = v.data, message_id = v.message_id, received_at = v.received_at",
    columns: &[
        ("id", "text"),
        ("data", "text"),
        ("message_id", "text"),
        ("received_at", "bigint"),
    ],
};

pub(super) fn kind_str(t: &Traveller) -> &'static str {
    use paxrisk_parsers::TravellerKind as K;
    match t.kind {
        K::Passenger => "passenger",
        K::Crew => "crew",
        K::TransitPassenger => "transit_passenger",
        K::TransitCrew => "transit_crew",
    }
}

/// Queues a screening job for a flight unless one is already waiting (a unique index keeps one
/// queued job per flight, also when several workers enqueue at once). The waiting job is touched,
/// not just found: that locks it until this transaction commits, so no worker can claim it and
/// read the flight before what this transaction loaded is visible (it would be left unscreened).
pub fn enqueue_screening(conn: &mut DbConnection, flight_id: &str) -> QueryResult<()> {
    let now = now_ms();
    let sql = "INSERT INTO jobs (id, kind, flight_id, state, run_after, attempts, created_at) \
               VALUES ($1, 'screen', $2, 'queued', $3, 0, $3) \
               ON CONFLICT (flight_id) WHERE state = 'queued' DO UPDATE SET run_after = jobs.run_after";
    use diesel::sql_types::{BigInt, Text};
    match conn {
        DbConnection::Pg(c) => diesel::sql_query(sql)
            .bind::<Text, _>(new_id())
            .bind::<Text, _>(flight_id)
            .bind::<BigInt, _>(now)
            .execute(c)?,
        DbConnection::Sqlite(c) => diesel::sql_query(sql.replace('$', "?"))
            .bind::<Text, _>(new_id())
            .bind::<Text, _>(flight_id)
            .bind::<BigInt, _>(now)
            .execute(c)?,
    };
    Ok(())
}
