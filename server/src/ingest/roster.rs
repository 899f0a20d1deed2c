//! A flight's travellers while one message is loaded: the existing ones are read once, new ones
//! are collected and inserted in batches (a message of 400 travellers is a handful of statements,
//! not thousands).

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};

use super::load::{kind_str, DataSource, Derived, Origin};
use crate::db::schema::{documents, traveller_versions, travellers};
use crate::db::{new_id, now_ms, DbConnection};

#[derive(Insertable)]
#[diesel(table_name = travellers)]
struct NewTraveller {
    id: String,
    flight_id: String,
    identity_key: String,
    source: &'static str,
    kind: &'static str,
    surname: String,
    given_names: String,
    date_of_birth: Option<String>,
    gender: Option<String>,
    nationality: Option<String>,
    record_locator: Option<String>,
    data: String,
    message_id: String,
    masked: bool,
    received_at: i64,
    updated_at: i64,
    person_key: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = traveller_versions)]
struct NewVersion {
    id: String,
    traveller_id: String,
    message_id: String,
    source: &'static str,
    data: String,
    received_at: i64,
}

#[derive(Insertable)]
#[diesel(table_name = documents)]
struct NewDocument {
    id: String,
    traveller_id: String,
    doc_type: String,
    number: String,
    issuing_country: Option<String>,
    expiry: Option<String>,
}

/// Rows per multi-row INSERT: well under SQLite's bound-parameter limit.
const CHUNK: usize = 400;

/// One person already on the flight (stored, or added by this message), as far as telling
/// namesakes apart needs.
struct Person {
    id: String,
    /// Where the current view comes from (`api` or `pnr`).
    source: String,
    /// Position in `Roster::new` when this message adds them.
    pending: Option<usize>,
    /// Stored with their current view from API data: the only travellers an API message may
    /// have given links before (one from a PNR has never been loaded from a manifest).
    stored_from_api: bool,
    born: Option<String>,
    locator: Option<String>,
    /// Given names as stored (normalised only when a namesake needs comparing).
    given: String,
    /// How this message listed them, once it has.
    listed: Option<Listing>,
}

/// How a message lists a traveller: a message names each person once, so a second person with
/// the same key in one message is another person unless it is the very same entry again.
#[derive(Clone, PartialEq)]
struct Listing {
    /// The PNR's record locator, empty for a manifest.
    booking: String,
    traveller_ref: Option<String>,
    /// Normalised full name and date of birth.
    signature: String,
}

/// The travellers of one flight, as known before and during the load of one message.
pub struct Roster {
    flight_id: String,
    /// The message being loaded, and when it was received.
    message_id: String,
    received_at: i64,
    /// Surname + first given name → everyone on the flight under that name, in creation order.
    people: HashMap<String, Vec<Person>>,
    /// Identity keys in use on the flight (unique per flight in the store).
    keys: HashSet<String>,
    new: Vec<NewTraveller>,
    new_docs: Vec<(usize, Vec<NewDocument>)>,
    versions: Vec<NewVersion>,
    /// Stored travellers whose current view this message replaces (one set-based UPDATE).
    updates: Vec<serde_json::Value>,
    /// Their new documents (their old ones are deleted in one statement).
    update_docs: Vec<NewDocument>,
    /// Stored travellers that only gain a record locator.
    locators: Vec<serde_json::Value>,
}

/// What the roster reads of each traveller stored on the flight.
pub type StoredRow = (
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    String,
);

impl Roster {
    /// Reads the flight's existing travellers.
    pub fn load(
        conn: &mut DbConnection,
        flight_id: &str,
        origin: &Origin<'_>,
    ) -> QueryResult<Roster> {
        Ok(Roster::of(read(conn, flight_id)?, flight_id, origin))
    }

    /// The roster of a flight whose stored travellers are `rows` ([`read`]).
    pub fn of(rows: Vec<StoredRow>, flight_id: &str, origin: &Origin<'_>) -> Roster {
        let mut people: HashMap<String, Vec<Person>> = HashMap::new();
        let mut keys = HashSet::with_capacity(rows.len());
        for (key, id, source, born, locator, given) in rows {
            // Masked travellers (past retention) are nobody a new message can name.
            if !key.starts_with("masked:") {
                // The key starts with the surname and first given name it was made from.
                let base = key.splitn(3, '|').take(2).collect::<Vec<_>>().join("|");
                people.entry(base).or_default().push(Person {
                    id,
                    stored_from_api: source == "api",
                    source,
                    pending: None,
                    born,
                    locator,
                    given,
                    listed: None,
                });
            }
            keys.insert(key);
        }
        Roster {
            flight_id: flight_id.to_string(),
            message_id: origin.message_id.to_string(),
            received_at: origin.received_at,
            people,
            keys,
            new: Vec::new(),
            new_docs: Vec::new(),
            versions: Vec::new(),
            updates: Vec::new(),
            update_docs: Vec::new(),
            locators: Vec::new(),
        }
    }

    /// Adds or updates one traveller, from a manifest (`pnr` is `None`) or from the PNR that
    /// books them; PNR data never replace API identity data. Returns the traveller's id, and
    /// whether a message of `source` may have given them links before (a traveller new to the
    /// store has none; one stored from PNR data alone has none from API data), so that only those
    /// links are read back to be replaced.
    /// `d` is what the load needs of `t` worked out beforehand ([`Derived::of`]).
    pub fn put(
        &mut self,
        t: &Traveller,
        d: &Derived,
        pnr: Option<&Pnr>,
        source: DataSource,
    ) -> QueryResult<(String, bool)> {
        let locator = pnr.map(|p| p.record_locator.as_str());
        let base = d.base.clone();
        let listing = Listing {
            booking: locator.unwrap_or_default().to_string(),
            traveller_ref: t.traveller_ref.as_deref().map(String::from),
            signature: format!(
                "{base}|{}|{}",
                d.given,
                t.date_of_birth.as_deref().unwrap_or_default()
            ),
        };
        let data = d.data.clone();
        let (id, linked) = match self.choose(&base, t, &d.given, pnr, &listing) {
            Some(at) => {
                let person = &self.people[&base][at];
                let (id, current, pending) =
                    (person.id.clone(), person.source.clone(), person.pending);
                let linked =
                    pending.is_none() && (source == DataSource::Pnr || person.stored_from_api);
                let keep_identity = current == "api" && source == DataSource::Pnr;
                match (pending, keep_identity) {
                    (Some(i), false) => {
                        // Listed earlier in this same message: the later entry wins.
                        let key = self.new[i].identity_key.clone();
                        let replacement = self.row(&id, &key, t, d, locator, source, data.clone());
                        self.new[i] = replacement;
                        self.new_docs.retain(|(p, _)| *p != i);
                        self.new_docs.push((i, docs(&id, t)));
                    }
                    (Some(i), true) => {
                        if let Some(l) = locator {
                            self.new[i].record_locator = Some(l.to_string());
                        }
                    }
                    (None, false) => {
                        // A later message about the same stored traveller in this batch wins.
                        self.updates.retain(|u| u["id"] != id.as_str());
                        self.update_docs.retain(|d| d.traveller_id != id);
                        self.updates.push(serde_json::json!({
                            "id": id,
                            "source": source.as_str(),
                            "kind": kind_str(t),
                            "surname": t.surname,
                            "given_names": t.given_names,
                            "date_of_birth": t.date_of_birth,
                            "gender": t.gender,
                            "nationality": t.nationality,
                            "data": data,
                            "message_id": self.message_id,
                            "updated_at": now_ms(),
                            "person_key": d.person,
                            "record_locator": locator,
                        }));
                        self.update_docs.extend(docs(&id, t));
                    }
                    (None, true) => {
                        if let Some(l) = locator {
                            self.locators
                                .push(serde_json::json!({"id": id, "record_locator": l}));
                        }
                    }
                }
                let person = &mut self.people.get_mut(&base).expect("chosen above")[at];
                if !keep_identity {
                    person.source = source.as_str().to_string();
                    person.born = t.date_of_birth.as_deref().map(String::from);
                    person.given = t.given_names.to_string();
                }
                if let Some(l) = locator.or(t.record_locator.as_deref()) {
                    person.locator = Some(l.to_string());
                }
                person.listed = Some(listing);
                (id, linked)
            }
            None => {
                let id = new_id();
                let key = self.fresh_key(&base, t, locator);
                let row = self.row(&id, &key, t, d, locator, source, data.clone());
                self.new_docs.push((self.new.len(), docs(&id, t)));
                self.people.entry(base).or_default().push(Person {
                    id: id.clone(),
                    source: source.as_str().to_string(),
                    pending: Some(self.new.len()),
                    stored_from_api: false,
                    born: t.date_of_birth.as_deref().map(String::from),
                    locator: row.record_locator.clone(),
                    given: t.given_names.to_string(),
                    listed: Some(listing),
                });
                self.new.push(row);
                (id, false)
            }
        };
        self.versions.push(NewVersion {
            id: new_id(),
            traveller_id: id.clone(),
            message_id: self.message_id.clone(),
            source: source.as_str(),
            data,
            received_at: self.received_at,
        });
        Ok((id, linked))
    }

    /// Who, of the people already on the flight under the same surname and first given name, `t`
    /// is; `None` for someone new. Namesakes are told apart by what is known of both: a
    /// different date of birth, given names that differ beyond the first (PAWEL TOMASZ is not
    /// PAWEL WOJCIECH, PAWEL may be either), a different booking when no date of birth says they
    /// are one person (a PNR split from the other's booking is the same booking), or a second
    /// entry in the same message. Among those left, the one agreeing on most wins (date of
    /// birth, then booking, then full given names), the earliest on a tie.
    fn choose(
        &self,
        base: &str,
        t: &Traveller,
        given: &str,
        pnr: Option<&Pnr>,
        listing: &Listing,
    ) -> Option<usize> {
        let people = self.people.get(base)?;
        let born = t.date_of_birth.as_deref().filter(|d| !d.is_empty());
        let booking = pnr
            .map(|p| p.record_locator.as_str())
            .filter(|l| !l.is_empty());
        let mut best: Option<(u32, usize)> = None;
        for (at, p) in people.iter().enumerate() {
            if let Some(l) = &p.listed {
                let same_entry = l.booking == listing.booking
                    && l.signature == listing.signature
                    && (l.traveller_ref.is_none()
                        || listing.traveller_ref.is_none()
                        || l.traveller_ref == listing.traveller_ref);
                if !same_entry {
                    continue;
                }
            }
            let same_birth = match (born, p.born.as_deref().filter(|d| !d.is_empty())) {
                (Some(a), Some(b)) if a != b => continue,
                (Some(_), Some(_)) => true,
                _ => false,
            };
            let theirs = paxrisk_screening::names::normalise(&p.given);
            if !given_compatible(given, &theirs) {
                continue;
            }
            let same_booking = match (booking, p.locator.as_deref()) {
                (Some(l), Some(other)) => {
                    let same = l == other
                        || pnr.is_some_and(|p| p.splits.iter().any(|s| s.record_locator == other));
                    if !same && !same_birth {
                        continue;
                    }
                    same
                }
                // A manifest entry naming its booking (RFF) prefers that booking's traveller.
                (None, Some(other)) => t.record_locator.as_deref() == Some(other),
                _ => false,
            };
            let score = 8 * u32::from(same_birth)
                + 4 * u32::from(same_booking)
                + 2 * u32::from(given == theirs.as_str());
            if best.is_none_or(|(s, _)| score > s) {
                best = Some((score, at));
            }
        }
        best.map(|(_, at)| at)
    }

    /// An identity key for a new traveller, unique on the flight: surname and first given name,
    /// refined by date of birth, booking or a counter for a namesake.
    fn fresh_key(&mut self, base: &str, t: &Traveller, locator: Option<&str>) -> String {
        let mut tries = vec![base.to_string()];
        if let Some(d) = t.date_of_birth.as_deref().filter(|d| !d.is_empty()) {
            tries.push(format!("{base}|{d}"));
        }
        if let Some(l) = locator.filter(|l| !l.is_empty()) {
            tries.push(format!("{base}|@{l}"));
        }
        let key = tries
            .into_iter()
            .find(|k| !self.keys.contains(k))
            .unwrap_or_else(|| {
                (2..)
                    .map(|n| format!("{base}|#{n}"))
                    .find(|k| !self.keys.contains(k))
                    .expect("an unused counter")
            });
        self.keys.insert(key.clone());
        key
    }

    fn row(
        &self,
        id: &str,
        key: &str,
        t: &Traveller,
        d: &Derived,
        locator: Option<&str>,
        source: DataSource,
        data: String,
    ) -> NewTraveller {
        NewTraveller {
            id: id.to_string(),
            flight_id: self.flight_id.clone(),
            identity_key: key.to_string(),
            source: source.as_str(),
            kind: kind_str(t),
            surname: t.surname.to_string(),
            given_names: t.given_names.to_string(),
            date_of_birth: t.date_of_birth.as_deref().map(String::from),
            gender: t.gender.as_deref().map(String::from),
            nationality: t.nationality.as_deref().map(String::from),
            record_locator: locator
                .map(str::to_string)
                .or_else(|| t.record_locator.as_deref().map(String::from)),
            data,
            message_id: self.message_id.clone(),
            masked: false,
            received_at: self.received_at,
            updated_at: now_ms(),
            person_key: d.person.clone(),
        }
    }

    /// Writes the collected rows.
    pub fn flush(self, conn: &mut DbConnection) -> QueryResult<()> {
        let docs: Vec<NewDocument> = self.new_docs.into_iter().flat_map(|(_, d)| d).collect();
        // Multi-row inserts are per backend: the MultiConnection cannot express them.
        macro_rules! insert_all {
            ($table:expr, $rows:expr) => {
                for chunk in $rows.chunks(CHUNK) {
                    match conn {
                        DbConnection::Sqlite(c) => {
                            diesel::insert_into($table).values(chunk).execute(c)?
                        }
                        DbConnection::Pg(c) => {
                            diesel::insert_into($table).values(chunk).execute(c)?
                        }
                    };
                }
            };
        }
        insert_all!(travellers::table, self.new);
        if !self.updates.is_empty() {
            let ids: Vec<&str> = self
                .updates
                .iter()
                .filter_map(|u| u["id"].as_str())
                .collect();
            for chunk in ids.chunks(CHUNK) {
                diesel::delete(documents::table.filter(documents::traveller_id.eq_any(chunk)))
                    .execute(conn)?;
            }
            set_based_update(conn, &UPDATE_CURRENT, &self.updates)?;
        }
        if !self.locators.is_empty() {
            set_based_update(conn, &UPDATE_LOCATOR, &self.locators)?;
        }
        insert_all!(documents::table, docs);
        insert_all!(documents::table, self.update_docs);
        insert_all!(traveller_versions::table, self.versions);
        Ok(())
    }
}

/// The flight's stored travellers as the roster needs them, in a stable order (so that two reads
/// of an unchanged flight are equal).
pub fn read(conn: &mut DbConnection, flight_id: &str) -> QueryResult<Vec<StoredRow>> {
    travellers::table
        .filter(travellers::flight_id.eq(flight_id))
        .select((
            travellers::identity_key,
            travellers::id,
            travellers::source,
            travellers::date_of_birth,
            travellers::record_locator,
            travellers::given_names,
        ))
        .order(travellers::id)
        .load(conn)
}

/// The identity keys of the flight's travellers, sorted (read from the index that keeps them unique
/// per flight, so without the rows).
pub fn identity_keys(conn: &mut DbConnection, flight_id: &str) -> QueryResult<Vec<String>> {
    let mut keys: Vec<String> = travellers::table
        .filter(travellers::flight_id.eq(flight_id))
        .select(travellers::identity_key)
        .load(conn)?;
    keys.sort_unstable();
    Ok(keys)
}

/// A set-based UPDATE of travellers from a JSON array of rows, one statement per backend dialect.
pub(super) struct SetUpdate {
    /// The table updated (its key column is `id`).
    pub table: &'static str,
    /// `SET` list (columns of the table from `v`).
    pub set: &'static str,
    /// Columns of `v` and their SQL types (PostgreSQL record definition).
    pub columns: &'static [(&'static str, &'static str)],
}

const UPDATE_CURRENT: SetUpdate = SetUpdate {
    table: "travellers",
    set: "source = v.source, kind = v.kind, surname = v.surname, given_names = v.given_names, \
          date_of_birth = v.date_of_birth, gender = v.gender, nationality = v.nationality, data = v.data, \
          message_id = v.message_id, updated_at = v.updated_at, person_key = v.person_key, \
          record_locator = COALESCE(v.record_locator, travellers.record_locator)",
    columns: &[
        ("id", "text"),
        ("source", "text"),
        ("kind", "text"),
        ("surname", "text"),
        ("given_names", "text"),
        ("date_of_birth", "text"),
        ("gender", "text"),
        ("nationality", "text"),
        ("data", "text"),
        ("message_id", "text"),
        ("updated_at", "bigint"),
        ("person_key", "text"),
        ("record_locator", "text"),
    ],
};

const UPDATE_LOCATOR: SetUpdate = SetUpdate {
    table: "travellers",
    set: "record_locator = v.record_locator",
    columns: &[("id", "text"), ("record_locator", "text")],
};

/// Updates many travellers in one statement: the rows travel as one JSON parameter, read back
/// with `json_to_recordset` (PostgreSQL) or `json_each` (SQLite), so a manifest that follows its
/// PNR push costs one round trip instead of one per traveller.
pub(super) fn set_based_update(
    conn: &mut DbConnection,
    u: &SetUpdate,
    rows: &[serde_json::Value],
) -> QueryResult<()> {
    use diesel::sql_types::Text;
    for chunk in rows.chunks(2000) {
        let json = serde_json::Value::Array(chunk.to_vec()).to_string();
        match conn {
            DbConnection::Pg(c) => {
                let record: Vec<String> =
                    u.columns.iter().map(|(n, t)| format!("{n} {t}")).collect();
                let sql = format!(
                    "UPDATE {0} SET {1} FROM json_to_recordset($1::json) AS v({2}) WHERE {0}.id = v.id",
                    u.table,
                    u.set,
                    record.join(", ")
                );
                diesel::sql_query(sql).bind::<Text, _>(json).execute(c)?;
            }
            DbConnection::Sqlite(c) => {
                let fields: Vec<String> = u
                    .columns
                    .iter()
                    .map(|(n, _)| format!("json_extract(value, '$.{n}') AS {n}"))
                    .collect();
                let sql = format!(
                    "UPDATE {0} SET {1} FROM (SELECT {2} FROM json_each(?)) AS v WHERE {0}.id = v.id",
                    u.table,
                    u.set,
                    fields.join(", ")
                );
                diesel::sql_query(sql).bind::<Text, _>(json).execute(c)?;
            }
        }
    }
    Ok(())
}

/// Whether two normalised given-name lists can name one person: equal, or one the start of the
/// other (a manifest may leave out middle names a booking has), or either unknown.
fn given_compatible(a: &str, b: &str) -> bool {
    if a.is_empty() || b.is_empty() {
        return true;
    }
    let (x, y): (Vec<&str>, Vec<&str>) = (a.split(' ').collect(), b.split(' ').collect());
    let n = x.len().min(y.len());
    x[..n] == y[..n]
}

fn docs(traveller_id: &str, t: &Traveller) -> Vec<NewDocument> {
    t.documents
        .iter()
        .map(|d| NewDocument {
            id: new_id(),
            traveller_id: traveller_id.to_string(),
            doc_type: d.doc_type.to_string(),
            number: d.number.to_string(),
            issuing_country: d.issuing_country.as_deref().map(String::from),
            expiry: d.expiry.as_deref().map(String::from),
        })
        .collect()
}
