//! Writing links at load time and removing them with their sources (retention).
//!
//! A message replaces the links its source (`api` or `pnr`) gave each traveller it names: one
//! DELETE and a few multi-row INSERTs per message, in the load's transaction.

use std::collections::{BTreeMap, BTreeSet};

use diesel::prelude::*;

use super::derive::{LinkKey, LinkValue};
use crate::db::schema::{flights, link_nodes, links};
use crate::db::{DbConnection, DbError};

const CHUNK: usize = 400;

/// Reads the database's link key (made by the migration; made here if it is missing).
pub fn key(conn: &mut DbConnection) -> QueryResult<LinkKey> {
    let stored = crate::db::get_setting(conn, "links.key").map_err(to_query)?;
    let hex = match stored {
        Some(h) => h,
        None => crate::db::setting_or_create(conn, "links.key", || {
            use rand::RngCore;
            let mut k = [0u8; 32];
            rand::thread_rng().fill_bytes(&mut k);
            hex::encode(k)
        })
        .map_err(to_query)?,
    };
    LinkKey::from_hex(&hex).ok_or_else(|| {
        diesel::result::Error::QueryBuilderError("links.key is not 64 hex digits".into())
    })
}

fn to_query(e: DbError) -> diesel::result::Error {
    match e {
        DbError::Query(q) => q,
        other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
    }
}

/// The links one message gives its travellers.
pub struct Batch {
    source: &'static str,
    at: i64,
    /// Travellers the message names who may have links from this source: those are replaced.
    travellers: BTreeSet<String>,
    rows: BTreeSet<(String, String)>,
    nodes: BTreeMap<String, (&'static str, String)>,
}

/// The departure (UTC ms, else now) and display name (`ZZ101 2026-11-29`) of a flight.
pub fn flight_info(conn: &mut DbConnection, flight_id: &str) -> QueryResult<(i64, String)> {
    let row: Option<(String, String, Option<i64>, Option<String>)> = flights::table
        .filter(flights::id.eq(flight_id))
        .select((
            flights::carrier,
            flights::number,
            flights::etd,
            flights::departure_local,
        ))
        .first(conn)
        .optional()?;
    Ok(match row {
        Some((c, n, etd, local)) => (
            etd.unwrap_or_else(crate::db::now_ms),
            flight_name(&c, &n, local.as_deref()),
        ),
        None => (crate::db::now_ms(), String::new()),
    })
}

/// A flight's display name: carrier, number and local departure date (`ZZ101 2026-11-29`).
pub fn flight_name(carrier: &str, number: &str, departure_local: Option<&str>) -> String {
    format!(
        "{carrier}{number} {}",
        departure_local.map(|d| &d[..d.len().min(10)]).unwrap_or("")
    )
    .trim()
    .to_string()
}

impl Batch {
    /// An empty batch for a message of `source` about a flight departing at `at`.
    pub fn new(source: &'static str, at: i64) -> Batch {
        Batch {
            source,
            at,
            travellers: BTreeSet::new(),
            rows: BTreeSet::new(),
            nodes: BTreeMap::new(),
        }
    }

    /// Records that `traveller` has `values` (and no others from this source and message);
    /// `linked`: they may have links from this source already (else none are read back).
    pub fn put(&mut self, traveller: &str, linked: bool, values: Vec<LinkValue>) {
        if linked {
            self.travellers.insert(traveller.to_string());
        }
        for v in values {
            self.rows.insert((v.node.clone(), traveller.to_string()));
            self.nodes
                .entry(v.node)
                .or_insert((v.kind.as_str(), v.label));
        }
    }

    /// Writes the batch: the named travellers' links from this source become exactly the batch's.
    /// Only what changed is written (most messages are updates that give the same values again):
    /// links no longer given go, new ones come, and a link whose flight time moved is rewritten.
    pub fn write(mut self, conn: &mut DbConnection) -> QueryResult<()> {
        let ids: Vec<&String> = self.travellers.iter().collect();
        let mut removed: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut kept: BTreeSet<(String, String)> = BTreeSet::new();
        for chunk in ids.chunks(CHUNK) {
            let old: Vec<(String, String, i64)> = links::table
                .filter(
                    links::traveller_id
                        .eq_any(chunk)
                        .and(links::source.eq(self.source)),
                )
                .select((links::node, links::traveller_id, links::at))
                .load(conn)?;
            for (node, traveller, at) in old {
                let pair = (node, traveller);
                if at == self.at && self.rows.contains(&pair) {
                    kept.insert(pair);
                } else {
                    removed.entry(pair.1).or_default().push(pair.0);
                }
            }
        }
        for (traveller, nodes) in &removed {
            for chunk in nodes.chunks(CHUNK) {
                diesel::delete(
                    links::table.filter(
                        links::traveller_id
                            .eq(traveller)
                            .and(links::source.eq(self.source))
                            .and(links::node.eq_any(chunk)),
                    ),
                )
                .execute(conn)?;
            }
        }
        let old: BTreeSet<String> = removed.into_values().flatten().collect();
        self.rows.retain(|pair| !kept.contains(pair));
        #[derive(Insertable)]
        #[diesel(table_name = link_nodes)]
        struct NewNode<'a> {
            node: &'a str,
            kind: &'a str,
            label: &'a str,
        }
        #[derive(Insertable)]
        #[diesel(table_name = links)]
        struct NewLink<'a> {
            node: &'a str,
            traveller_id: &'a str,
            source: &'a str,
            kind: &'a str,
            at: i64,
        }
        // Nodes of kept links exist already; only those of new links may be missing.
        let needed: BTreeSet<&String> = self.rows.iter().map(|(n, _)| n).collect();
        let nodes: Vec<NewNode<'_>> = self
            .nodes
            .iter()
            .filter(|(n, _)| needed.contains(n))
            .map(|(n, (k, l))| NewNode {
                node: n,
                kind: k,
                label: l,
            })
            .collect();
        let rows: Vec<NewLink<'_>> = self
            .rows
            .iter()
            .map(|(n, t)| NewLink {
                node: n,
                traveller_id: t,
                source: self.source,
                kind: self.nodes.get(n).map(|x| x.0).unwrap_or(""),
                at: self.at,
            })
            .collect();
        // Multi-row inserts are per backend (the MultiConnection cannot express them).
        for chunk in nodes.chunks(CHUNK) {
            match conn {
                DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(link_nodes::table)
                    .values(chunk)
                    .execute(c)?,
                DbConnection::Pg(c) => diesel::insert_into(link_nodes::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?,
            };
        }
        for chunk in rows.chunks(CHUNK) {
            match conn {
                DbConnection::Sqlite(c) => diesel::insert_or_ignore_into(links::table)
                    .values(chunk)
                    .execute(c)?,
                DbConnection::Pg(c) => diesel::insert_into(links::table)
                    .values(chunk)
                    .on_conflict_do_nothing()
                    .execute(c)?,
            };
        }
        // A value this message no longer gives (a changed phone, a moved seat) may now be
        // nobody's: its node goes, so no label outlives every link.
        let stale: Vec<String> = old
            .into_iter()
            .filter(|n| !self.nodes.contains_key(n))
            .collect();
        drop_orphans(conn, &stale)?;
        Ok(())
    }
}

/// Deletes every link of these travellers (deletion and masking of the traveller), then the
/// nodes no traveller has any more.
pub fn delete_for_travellers(conn: &mut DbConnection, ids: &[String]) -> QueryResult<usize> {
    delete_where(conn, ids, None, None)
}

/// Deletes what a traveller's own personal data gave them (retention masked the traveller):
/// every kind but the itinerary ones (booking, agency, seat row), which masking keeps.
pub fn delete_personal(conn: &mut DbConnection, ids: &[String]) -> QueryResult<usize> {
    use crate::retention::policy::DataClass;
    let kinds: Vec<&str> = [
        DataClass::Identity,
        DataClass::Contacts,
        DataClass::Payment,
        DataClass::FrequentFlyer,
    ]
    .into_iter()
    .flat_map(super::Kind::of_class)
    .collect();
    delete_kinds(conn, ids, &kinds, None)
}

/// The travellers on the bookings of these PNR rows.
pub fn travellers_of_pnrs(conn: &mut DbConnection, pnr_ids: &[String]) -> QueryResult<Vec<String>> {
    use crate::db::schema::{pnrs, travellers};
    let mut out = Vec::new();
    for chunk in pnr_ids.chunks(CHUNK) {
        let rows: Vec<(String, String)> = pnrs::table
            .filter(pnrs::id.eq_any(chunk))
            .select((pnrs::flight_id, pnrs::record_locator))
            .load(conn)?;
        for (flight, locator) in rows {
            out.extend(
                travellers::table
                    .filter(
                        travellers::flight_id
                            .eq(flight)
                            .and(travellers::record_locator.eq(locator)),
                    )
                    .select(travellers::id)
                    .load::<String>(conn)?,
            );
        }
    }
    Ok(out)
}

/// Deletes the links these PNRs gave their travellers (the PNRs are being deleted).
pub fn delete_for_pnrs(conn: &mut DbConnection, pnr_ids: &[String]) -> QueryResult<usize> {
    let ids = travellers_of_pnrs(conn, pnr_ids)?;
    let mut n = 0;
    for chunk in ids.chunks(CHUNK) {
        let touched: Vec<String> = links::table
            .filter(
                links::traveller_id
                    .eq_any(chunk)
                    .and(links::source.eq("pnr")),
            )
            .select(links::node)
            .distinct()
            .load(conn)?;
        n += diesel::delete(
            links::table.filter(
                links::traveller_id
                    .eq_any(chunk)
                    .and(links::source.eq("pnr")),
            ),
        )
        .execute(conn)?;
        drop_orphans(conn, &touched)?;
    }
    Ok(n)
}

/// Deletes the links of these kinds of these travellers, from one source or all (a PNR's class
/// masked: `Some("pnr")`).
pub fn delete_kinds(
    conn: &mut DbConnection,
    ids: &[String],
    kinds: &[&str],
    source: Option<&str>,
) -> QueryResult<usize> {
    if kinds.is_empty() {
        return Ok(0);
    }
    delete_where(conn, ids, Some(kinds), source)
}

fn delete_where(
    conn: &mut DbConnection,
    ids: &[String],
    kinds: Option<&[&str]>,
    source: Option<&str>,
) -> QueryResult<usize> {
    let kinds: Vec<String> = kinds
        .map(|k| k.iter().map(|x| x.to_string()).collect())
        .unwrap_or_else(|| {
            super::Kind::ALL
                .iter()
                .map(|k| k.as_str().to_string())
                .collect()
        });
    let sources: Vec<String> = match source {
        Some(s) => vec![s.to_string()],
        None => vec!["api".into(), "pnr".into()],
    };
    let mut deleted = 0;
    for chunk in ids.chunks(CHUNK) {
        let touched: Vec<String> = links::table
            .filter(
                links::traveller_id
                    .eq_any(chunk)
                    .and(links::kind.eq_any(&kinds))
                    .and(links::source.eq_any(&sources)),
            )
            .select(links::node)
            .distinct()
            .load(conn)?;
        deleted += diesel::delete(
            links::table.filter(
                links::traveller_id
                    .eq_any(chunk)
                    .and(links::kind.eq_any(&kinds))
                    .and(links::source.eq_any(&sources)),
            ),
        )
        .execute(conn)?;
        drop_orphans(conn, &touched)?;
    }
    Ok(deleted)
}

/// Deletes the nodes (and their masked labels) no link uses any more.
fn drop_orphans(conn: &mut DbConnection, touched: &[String]) -> QueryResult<()> {
    for nodes in touched.chunks(CHUNK) {
        let still: Vec<String> = links::table
            .filter(links::node.eq_any(nodes))
            .select(links::node)
            .distinct()
            .load(conn)?;
        let gone: Vec<&String> = nodes.iter().filter(|n| !still.contains(n)).collect();
        diesel::delete(link_nodes::table.filter(link_nodes::node.eq_any(gone))).execute(conn)?;
    }
    Ok(())
}

/// The links of one message being loaded: derived as the roster takes each traveller, written
/// after it.
pub struct Links {
    key: LinkKey,
    flight_id: String,
    flight_name: String,
    batch: Batch,
    /// Values of each booking of the message, derived once.
    bookings: BTreeMap<String, Vec<LinkValue>>,
}

impl Links {
    /// Starts the links of a message of `source` about `flight_id`.
    pub fn start(
        conn: &mut DbConnection,
        flight_id: &str,
        source: crate::ingest::load::DataSource,
    ) -> QueryResult<Links> {
        let key = key(conn)?;
        let (at, flight_name) = flight_info(conn, flight_id)?;
        Ok(Links::new(key, flight_id, at, flight_name, source))
    }

    /// Starts the links of a message of `source` about `flight_id`, which departs at `at` (UTC ms)
    /// and is shown as `flight_name` ([`flight_info`]).
    pub fn new(
        key: LinkKey,
        flight_id: &str,
        at: i64,
        flight_name: String,
        source: crate::ingest::load::DataSource,
    ) -> Links {
        Links {
            key,
            flight_id: flight_id.to_string(),
            flight_name,
            batch: Batch::new(source.as_str(), at),
            bookings: BTreeMap::new(),
        }
    }

    /// The values of one traveller, and of the booking (with its carrier) they are on.
    /// `person` is the traveller's [`crate::ingest::load::person_key`]; `linked`: whether a
    /// message of this source may have given them links before ([`Batch::put`]).
    pub fn traveller(
        &mut self,
        id: &str,
        linked: bool,
        t: &paxrisk_parsers::Traveller,
        person: Option<&str>,
        booking: Option<(&paxrisk_parsers::Pnr, &str)>,
    ) {
        let flight = super::derive::FlightRef {
            id: &self.flight_id,
            name: &self.flight_name,
        };
        let mut values = super::derive::traveller_values(&self.key, t, person, &flight);
        if let Some((p, carrier)) = booking {
            let key = &self.key;
            values.extend(
                self.bookings
                    .entry(p.record_locator.to_string())
                    .or_insert_with(|| super::derive::pnr_values(key, p, carrier))
                    .iter()
                    .cloned(),
            );
        }
        self.batch.put(id, linked, values);
    }

    /// Writes them (see [`Batch::write`]).
    pub fn write(self, conn: &mut DbConnection) -> QueryResult<()> {
        self.batch.write(conn)
    }
}
