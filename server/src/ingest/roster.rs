//! A flight's travellers while one message is loaded: the existing ones are read once, new ones
//! are collected and inserted in batches (a message of 400 travellers is a handful of statements,
//! not thousands).

use std::collections::HashMap;

use diesel::prelude::*;
use paxrisk_parsers::Traveller;

use super::load::{flight_identity_key, kind_str, person_key, DataSource, Origin};
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

/// The travellers of one flight, as known before and during the load of one message.
pub struct Roster<'a> {
    flight_id: String,
    origin: &'a Origin<'a>,
    /// identity key → (traveller id, current source, position in `new` when not stored yet).
    known: HashMap<String, (String, String, Option<usize>)>,
    /// identity key → the date of birth last put under it (stored or from this message), to tell
    /// namesakes apart.
    born: HashMap<String, Option<String>>,
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

impl<'a> Roster<'a> {
    /// Reads the flight's existing travellers.
    pub fn load(
        conn: &mut DbConnection,
        flight_id: &str,
        origin: &'a Origin<'a>,
    ) -> QueryResult<Roster<'a>> {
        let rows: Vec<(String, String, String, Option<String>)> = travellers::table
            .filter(travellers::flight_id.eq(flight_id))
            .select((
                travellers::identity_key,
                travellers::id,
                travellers::source,
                travellers::date_of_birth,
            ))
            .load(conn)?;
        Ok(Roster {
            flight_id: flight_id.to_string(),
            origin,
            born: rows
                .iter()
                .map(|(k, _, _, dob)| (k.clone(), dob.clone()))
                .collect(),
            known: rows
                .into_iter()
                .map(|(k, id, s, _)| (k, (id, s, None)))
                .collect(),
            new: Vec::new(),
            new_docs: Vec::new(),
            versions: Vec::new(),
            updates: Vec::new(),
            update_docs: Vec::new(),
            locators: Vec::new(),
        })
    }

    /// Adds or updates one traveller; PNR data never replace API identity data. Returns the
    /// traveller's id.
    pub fn put(
        &mut self,
        t: &Traveller,
        locator: Option<&str>,
        source: DataSource,
    ) -> QueryResult<String> {
        let key = self.identity_key(t);
        let data = serde_json::to_string(t).unwrap_or_default();
        let id = match self.known.get(&key).cloned() {
            Some((id, current, pending)) => {
                let keep_identity = current == "api" && source == DataSource::Pnr;
                match (pending, keep_identity) {
                    (Some(i), false) => {
                        // Seen earlier in this same message: the later occurrence wins.
                        let replacement = self.row(&id, &key, t, locator, source, data.clone());
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
                            "message_id": self.origin.message_id,
                            "updated_at": now_ms(),
                            "person_key": person_key(t),
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
                if !keep_identity {
                    self.known
                        .insert(key, (id.clone(), source.as_str().to_string(), pending));
                }
                id
            }
            None => {
                let id = new_id();
                let row = self.row(&id, &key, t, locator, source, data.clone());
                self.new_docs.push((self.new.len(), docs(&id, t)));
                self.known.insert(
                    key,
                    (
                        id.clone(),
                        source.as_str().to_string(),
                        Some(self.new.len()),
                    ),
                );
                self.new.push(row);
                id
            }
        };
        self.versions.push(NewVersion {
            id: new_id(),
            traveller_id: id.clone(),
            message_id: self.origin.message_id.to_string(),
            source: source.as_str(),
            data,
            received_at: self.origin.received_at,
        });
        Ok(id)
    }

    /// The traveller's identity key on this flight: surname and first given name, refined with
    /// the date of birth for a namesake, that is, when the plain key already belongs to someone
    /// born on another day (two people called HU XIA ZHEN on one flight stay two travellers).
    fn identity_key(&mut self, t: &Traveller) -> String {
        let base = flight_identity_key(t);
        let Some(dob) = t.date_of_birth.clone().filter(|d| !d.is_empty()) else {
            return base;
        };
        let refined = format!("{base}|{dob}");
        let key = if self.known.contains_key(&refined) {
            refined
        } else {
            match self.born.get(&base) {
                Some(Some(other)) if *other != dob => refined,
                _ => base,
            }
        };
        self.born.insert(key.clone(), Some(dob));
        key
    }

    fn row(
        &self,
        id: &str,
        key: &str,
        t: &Traveller,
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
            surname: t.surname.clone(),
            given_names: t.given_names.clone(),
            date_of_birth: t.date_of_birth.clone(),
            gender: t.gender.clone(),
            nationality: t.nationality.clone(),
            record_locator: locator
                .map(str::to_string)
                .or_else(|| t.record_locator.clone()),
            data,
            message_id: self.origin.message_id.to_string(),
            masked: false,
            received_at: self.origin.received_at,
            updated_at: now_ms(),
            person_key: person_key(t),
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

fn docs(traveller_id: &str, t: &Traveller) -> Vec<NewDocument> {
    t.documents
        .iter()
        .map(|d| NewDocument {
            id: new_id(),
            traveller_id: traveller_id.to_string(),
            doc_type: d.doc_type.clone(),
            number: d.number.clone(),
            issuing_country: d.issuing_country.clone(),
            expiry: d.expiry.clone(),
        })
        .collect()
}
