//! A flight's travellers while one message is loaded: the existing ones are read once, new ones
//! are collected and inserted in batches (a message of 400 travellers is a handful of statements,
//! not thousands).

use std::collections::HashMap;

use diesel::prelude::*;
use paxrisk_parsers::Traveller;

use super::load::{flight_identity_key, kind_str, person_key, set_current, DataSource, Origin};
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
    new: Vec<NewTraveller>,
    new_docs: Vec<(usize, Vec<NewDocument>)>,
    versions: Vec<NewVersion>,
}

impl<'a> Roster<'a> {
    /// Reads the flight's existing travellers.
    pub fn load(
        conn: &mut DbConnection,
        flight_id: &str,
        origin: &'a Origin<'a>,
    ) -> QueryResult<Roster<'a>> {
        let rows: Vec<(String, String, String)> = travellers::table
            .filter(travellers::flight_id.eq(flight_id))
            .select((travellers::identity_key, travellers::id, travellers::source))
            .load(conn)?;
        Ok(Roster {
            flight_id: flight_id.to_string(),
            origin,
            known: rows
                .into_iter()
                .map(|(k, id, s)| (k, (id, s, None)))
                .collect(),
            new: Vec::new(),
            new_docs: Vec::new(),
            versions: Vec::new(),
        })
    }

    /// Adds or updates one traveller; PNR data never replace API identity data.
    pub fn put(
        &mut self,
        conn: &mut DbConnection,
        t: &Traveller,
        locator: Option<&str>,
        source: DataSource,
    ) -> QueryResult<()> {
        let key = flight_identity_key(t);
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
                        set_current(conn, &id, t, &data, source, self.origin)?;
                        if let Some(l) = locator {
                            diesel::update(travellers::table.filter(travellers::id.eq(&id)))
                                .set(travellers::record_locator.eq(l))
                                .execute(conn)?;
                        }
                    }
                    (None, true) => {
                        if let Some(l) = locator {
                            diesel::update(travellers::table.filter(travellers::id.eq(&id)))
                                .set(travellers::record_locator.eq(l))
                                .execute(conn)?;
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
            traveller_id: id,
            message_id: self.origin.message_id.to_string(),
            source: source.as_str(),
            data,
            received_at: self.origin.received_at,
        });
        Ok(())
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
        insert_all!(documents::table, docs);
        insert_all!(traveller_versions::table, self.versions);
        Ok(())
    }
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
