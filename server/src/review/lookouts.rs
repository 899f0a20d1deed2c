//! Port-of-entry lookouts: a traveller promoted so the officers at arrival look out for them,
//! tracked through a small state machine (active → enroute → encountered → referred → positive
//! or negative; missed, did not board, inactive).

use diesel::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

use crate::db::schema::{flights, lookouts, review_items, travellers};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// A lookout's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Active,
    Enroute,
    Encountered,
    Missed,
    DidNotBoard,
    Referred,
    Positive,
    Negative,
    Inactive,
}

impl Status {
    /// Every status.
    pub const ALL: [Status; 9] = [
        Status::Active,
        Status::Enroute,
        Status::Encountered,
        Status::Missed,
        Status::DidNotBoard,
        Status::Referred,
        Status::Positive,
        Status::Negative,
        Status::Inactive,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Active => "active",
            Status::Enroute => "enroute",
            Status::Encountered => "encountered",
            Status::Missed => "missed",
            Status::DidNotBoard => "did_not_board",
            Status::Referred => "referred",
            Status::Positive => "positive",
            Status::Negative => "negative",
            Status::Inactive => "inactive",
        }
    }

    /// Parses a name.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// The statuses a lookout may move to from this one. An outcome (positive, negative) can
    /// only be retired; an inactive lookout can be made active again.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Active => &[Enroute, Encountered, Missed, DidNotBoard, Inactive],
            Enroute => &[Encountered, Missed, Inactive],
            Encountered => &[Referred, Positive, Negative],
            Referred => &[Positive, Negative],
            Missed | DidNotBoard => &[Active, Inactive],
            Positive | Negative => &[Inactive],
            Inactive => &[Active],
        }
    }
}

/// A lookout with the traveller and flight an officer at arrival needs.
#[derive(Debug, Serialize)]
pub struct LookoutView {
    pub id: String,
    pub status: String,
    pub reason: String,
    pub item_id: Option<String>,
    pub traveller: super::queue::TravellerRef,
    pub flight: super::queue::FlightRef,
    pub eta: Option<String>,
    pub created_by: String,
    pub updated_by: String,
    #[serde(serialize_with = "crate::auth::serde_time::ms")]
    pub updated_at: i64,
}

/// What came of creating a lookout or moving it.
#[derive(Debug)]
pub enum Change {
    Done(String),
    NotFound,
    /// The traveller has a lookout already (its id).
    Exists(String),
    /// The move is not allowed from the current status.
    Refused {
        from: String,
        allowed: Vec<&'static str>,
    },
}

/// Promotes a traveller to a lookout in status `active`.
pub fn create(
    conn: &mut DbConnection,
    traveller_id: &str,
    reason: &str,
    user: &str,
) -> Result<Change, DbError> {
    Ok(crate::db::transaction(conn, |conn| {
        let flight: Option<String> = travellers::table
            .filter(travellers::id.eq(traveller_id))
            .select(travellers::flight_id)
            .first(conn)
            .optional()?;
        let Some(flight_id) = flight else {
            return Ok(Change::NotFound);
        };
        let existing: Option<String> = lookouts::table
            .filter(lookouts::traveller_id.eq(traveller_id))
            .select(lookouts::id)
            .first(conn)
            .optional()?;
        if let Some(id) = existing {
            return Ok(Change::Exists(id));
        }
        let item: Option<String> = review_items::table
            .filter(review_items::traveller_id.eq(traveller_id))
            .select(review_items::id)
            .first(conn)
            .optional()?;
        let (id, now) = (new_id(), now_ms());
        diesel::insert_into(lookouts::table)
            .values((
                lookouts::id.eq(&id),
                lookouts::traveller_id.eq(traveller_id),
                lookouts::flight_id.eq(&flight_id),
                lookouts::item_id.eq(item),
                lookouts::status.eq(Status::Active.as_str()),
                lookouts::reason.eq(reason),
                lookouts::created_by.eq(user),
                lookouts::created_at.eq(now),
                lookouts::updated_by.eq(user),
                lookouts::updated_at.eq(now),
            ))
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(Change::Done(id))
    })?)
}

/// Moves a lookout to `to` if the state machine allows it from its current status. The update
/// is conditional on the status read, so two officers' moves cannot interleave.
pub fn set_status(
    conn: &mut DbConnection,
    id: &str,
    to: Status,
    user: &str,
) -> Result<Change, DbError> {
    let from: Option<String> = lookouts::table
        .filter(lookouts::id.eq(id))
        .select(lookouts::status)
        .first(conn)
        .optional()?;
    let Some(from) = from else {
        return Ok(Change::NotFound);
    };
    let current = Status::parse(&from).unwrap_or(Status::Inactive);
    if !current.next().contains(&to) {
        return Ok(Change::Refused {
            from,
            allowed: current.next().iter().map(|s| s.as_str()).collect(),
        });
    }
    let n =
        diesel::update(lookouts::table.filter(lookouts::id.eq(id).and(lookouts::status.eq(&from))))
            .set((
                lookouts::status.eq(to.as_str()),
                lookouts::updated_by.eq(user),
                lookouts::updated_at.eq(now_ms()),
            ))
            .execute(conn)?;
    if n == 1 {
        Ok(Change::Done(id.to_string()))
    } else {
        // Someone moved it first: report from where it is now.
        set_status(conn, id, to, user)
    }
}

/// A lookout row with the ids of its traveller and flight.
type Row = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    i64,
    String,
    String,
);
type TravellerRow = (String, String, String, Option<String>, Option<String>);
type FlightRow = (String, String, String, String, String, Option<i64>);

/// Lookouts, soonest arrival first; `status` filters, `None` means every status but inactive.
pub fn list(
    conn: &mut DbConnection,
    status: Option<Status>,
    id: Option<&str>,
) -> Result<Vec<LookoutView>, DbError> {
    let mut q = lookouts::table.into_boxed();
    match (id, status) {
        (Some(id), _) => q = q.filter(lookouts::id.eq(id.to_string())),
        (None, Some(s)) => q = q.filter(lookouts::status.eq(s.as_str())),
        (None, None) => q = q.filter(lookouts::status.ne(Status::Inactive.as_str())),
    }
    assemble(conn, q)
}

/// The lookouts of one traveller, whatever their status.
pub fn of_traveller(
    conn: &mut DbConnection,
    traveller_id: &str,
) -> Result<Vec<LookoutView>, DbError> {
    assemble(
        conn,
        lookouts::table
            .filter(lookouts::traveller_id.eq(traveller_id.to_string()))
            .into_boxed(),
    )
}

/// Reads the chosen lookouts, then their travellers and flights by id: the lookouts table is
/// small and the travellers table may hold millions, so the lookouts lead (a join left to the
/// planner scanned every traveller on SQLite once the travellers table had statistics).
fn assemble(
    conn: &mut DbConnection,
    q: lookouts::BoxedQuery<'_, <DbConnection as diesel::Connection>::Backend>,
) -> Result<Vec<LookoutView>, DbError> {
    let rows: Vec<Row> = q
        .select((
            lookouts::id,
            lookouts::status,
            lookouts::reason,
            lookouts::item_id,
            lookouts::created_by,
            lookouts::updated_by,
            lookouts::updated_at,
            lookouts::traveller_id,
            lookouts::flight_id,
        ))
        .load(conn)?;
    let traveller_ids: Vec<&String> = rows.iter().map(|r| &r.7).collect();
    let flight_ids: Vec<&String> = rows.iter().map(|r| &r.8).collect();
    let mut people: HashMap<String, TravellerRow> = HashMap::new();
    for chunk in traveller_ids.chunks(CHUNK) {
        let found: Vec<TravellerRow> = travellers::table
            .filter(travellers::id.eq_any(chunk))
            .select((
                travellers::id,
                travellers::surname,
                travellers::given_names,
                travellers::date_of_birth,
                travellers::nationality,
            ))
            .load(conn)?;
        people.extend(found.into_iter().map(|t| (t.0.clone(), t)));
    }
    let mut trips: HashMap<String, FlightRow> = HashMap::new();
    for chunk in flight_ids.chunks(CHUNK) {
        let found: Vec<FlightRow> = flights::table
            .filter(flights::id.eq_any(chunk))
            .select((
                flights::id,
                flights::carrier,
                flights::number,
                flights::origin,
                flights::destination,
                flights::eta,
            ))
            .load(conn)?;
        trips.extend(found.into_iter().map(|f| (f.0.clone(), f)));
    }
    let mut out: Vec<(Option<i64>, LookoutView)> = rows
        .into_iter()
        .filter_map(|l| {
            let t = people.get(&l.7)?.clone();
            let f = trips.get(&l.8)?.clone();
            Some((
                f.5,
                LookoutView {
                    id: l.0,
                    status: l.1,
                    reason: l.2,
                    item_id: l.3,
                    created_by: l.4,
                    updated_by: l.5,
                    updated_at: l.6,
                    traveller: super::queue::TravellerRef {
                        id: t.0,
                        surname: t.1,
                        given_names: t.2,
                        date_of_birth: t.3,
                        nationality: t.4,
                    },
                    eta: f.5.map(crate::api::rfc3339),
                    flight: super::queue::FlightRef {
                        id: f.0,
                        carrier: f.1,
                        number: f.2,
                        origin: f.3,
                        destination: f.4,
                    },
                },
            ))
        })
        .collect();
    // Soonest arrival first (unknown arrivals last), then the most recently changed.
    out.sort_by(|(a, x), (b, y)| {
        (a.is_none(), a, std::cmp::Reverse(x.updated_at)).cmp(&(
            b.is_none(),
            b,
            std::cmp::Reverse(y.updated_at),
        ))
    });
    out.truncate(LIMIT);
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// At most this many lookouts in one list.
const LIMIT: usize = 1000;
/// Ids per `IN (...)` query (well under SQLite's bound parameter limit).
const CHUNK: usize = 5000;

#[cfg(test)]
mod tests {
    use super::Status::{self, *};

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("lost"), None);
    }

    #[test]
    fn outcomes_come_only_after_an_encounter() {
        assert!(!Active.next().contains(&Positive));
        assert!(Encountered.next().contains(&Positive));
        assert!(Referred.next().contains(&Negative));
        assert_eq!(Positive.next(), &[Inactive]);
        assert_eq!(Inactive.next(), &[Active]);
        // Every status can be reached from `active` through allowed moves.
        let mut seen = vec![Active];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next() {
                if !seen.contains(n) {
                    seen.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), Status::ALL.len());
    }
}
