//! Screening of one flight: every traveller against every list's current version and every
//! live or shadow rule; hits are replaced, review items created, rescored or withdrawn.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use paxrisk_parsers::{Pnr, Traveller};

use super::{lists, rules};
use crate::config::Config;
use crate::db::schema::{
    flights, hits, messages, pnrs, review_items, traveller_versions, travellers,
};
use crate::db::{new_id, now_ms, DbConnection, DbError};
use crate::review::items;

/// A hit before it is stored.
pub struct NewHit {
    pub kind: &'static str,
    pub source_id: String,
    pub source_version: i32,
    pub live: bool,
    pub score: f64,
    pub weight: i32,
    pub reason: String,
    pub detail: serde_json::Value,
}

/// A stored hit.
#[derive(Insertable)]
#[diesel(table_name = hits)]
struct NewHitRow {
    id: String,
    traveller_id: String,
    flight_id: String,
    kind: &'static str,
    source_id: String,
    source_version: i32,
    live: bool,
    score: f64,
    weight: i32,
    reason: String,
    detail: String,
    created_at: i64,
}

/// The flight facts rules read.
pub struct FlightRow {
    pub carrier: String,
    pub number: String,
    pub origin: String,
    pub destination: String,
    pub etd: Option<i64>,
    pub departure_local: Option<String>,
    pub direction: String,
}

/// Earlier trips and hits of the people on a flight, by person key (one query each).
fn history(
    conn: &mut DbConnection,
    people: &[(String, String, Option<String>, String, Option<String>)],
    etd: Option<i64>,
) -> Result<HashMap<String, paxrisk_screening::rules::HistoryFacts>, DbError> {
    let keys: Vec<&String> = people.iter().filter_map(|p| p.4.as_ref()).collect();
    let Some(etd) = etd else {
        return Ok(HashMap::new());
    };
    let mut out: HashMap<String, paxrisk_screening::rules::HistoryFacts> = HashMap::new();
    for chunk in keys.chunks(500) {
        let trips: Vec<(Option<String>, i64)> = travellers::table
            .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
            .filter(
                travellers::person_key
                    .eq_any(chunk)
                    .and(flights::etd.lt(etd)),
            )
            .group_by(travellers::person_key)
            .select((travellers::person_key, diesel::dsl::count_star()))
            .load(conn)?;
        for (k, n) in trips.into_iter().filter_map(|(k, n)| k.map(|k| (k, n))) {
            out.entry(k).or_default().previous_trips = Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
        let past_hits: Vec<(Option<String>, i64)> = hits::table
            .inner_join(travellers::table.on(travellers::id.eq(hits::traveller_id)))
            .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
            .filter(
                travellers::person_key
                    .eq_any(chunk)
                    .and(flights::etd.lt(etd))
                    .and(hits::live.eq(true)),
            )
            .group_by(travellers::person_key)
            .select((travellers::person_key, diesel::dsl::count_star()))
            .load(conn)?;
        for (k, n) in past_hits.into_iter().filter_map(|(k, n)| k.map(|k| (k, n))) {
            out.entry(k).or_default().previous_hits = Some(u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    for k in keys {
        let h = out.entry(k.clone()).or_default();
        h.previous_trips.get_or_insert(0);
        h.previous_hits.get_or_insert(0);
    }
    Ok(out)
}

/// Screens every traveller of a flight; returns how many were screened.
/// The messages loaded into a flight (its travellers' versions and its PNRs) that are not yet
/// marked screened: read before screening, so that a message loaded meanwhile stays `loaded`
/// until the next job (its load queued one) screens it.
fn loaded_messages(conn: &mut DbConnection, flight_id: &str) -> Result<Vec<String>, DbError> {
    let of_travellers = traveller_versions::table
        .filter(
            traveller_versions::traveller_id.eq_any(
                travellers::table
                    .filter(travellers::flight_id.eq(flight_id))
                    .select(travellers::id),
            ),
        )
        .select(traveller_versions::message_id);
    let of_pnrs = pnrs::table
        .filter(pnrs::flight_id.eq(flight_id))
        .select(pnrs::message_id);
    Ok(messages::table
        .filter(messages::state.eq("loaded"))
        .filter(
            messages::id
                .eq_any(of_travellers)
                .or(messages::id.eq_any(of_pnrs)),
        )
        .select(messages::id)
        .load(conn)?)
}

/// The flight's travellers counted by nationality and sex, as JSON `[[nationality, sex, n], ...]`
/// (`flights.population`): what the rule effectiveness report divides hits by.
fn population(conn: &mut DbConnection, flight_id: &str) -> Result<String, DbError> {
    let groups: Vec<(Option<String>, Option<String>, i64)> = travellers::table
        .filter(travellers::flight_id.eq(flight_id))
        .group_by((travellers::nationality, travellers::gender))
        .select((
            travellers::nationality,
            travellers::gender,
            diesel::dsl::count_star(),
        ))
        .load(conn)?;
    Ok(serde_json::to_string(&groups).unwrap_or_else(|_| "[]".into()))
}

/// `finish` runs inside the transaction that stores the results (the job's fenced completion), so
/// a job whose lease was taken over stores nothing.
pub fn screen_flight(
    conn: &mut DbConnection,
    flight_id: &str,
    config: &Config,
    finish: impl FnOnce(&mut DbConnection) -> diesel::QueryResult<()>,
) -> Result<usize, DbError> {
    let lists = lists::current(conn)?;
    let active = rules::active(conn)?;
    let row: Option<(
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<String>,
        String,
    )> = flights::table
        .filter(flights::id.eq(flight_id))
        .select((
            flights::carrier,
            flights::number,
            flights::origin,
            flights::destination,
            flights::etd,
            flights::departure_local,
            flights::direction,
        ))
        .first(conn)
        .optional()?;
    let Some(f) = row else {
        crate::db::transaction(conn, finish)?;
        return Ok(0);
    };
    let flight = FlightRow {
        carrier: f.0,
        number: f.1,
        origin: f.2,
        destination: f.3,
        etd: f.4,
        departure_local: f.5,
        direction: f.6,
    };
    let people: Vec<(String, String, Option<String>, String, Option<String>)> = travellers::table
        .filter(travellers::flight_id.eq(flight_id))
        .select((
            travellers::id,
            travellers::data,
            travellers::record_locator,
            travellers::message_id,
            travellers::person_key,
        ))
        .load(conn)?;
    let history = if active.is_empty() {
        HashMap::new()
    } else {
        history(conn, &people, flight.etd)?
    };
    let keys: Vec<&String> = people.iter().filter_map(|p| p.4.as_ref()).collect();
    let suppressed = super::suppress::for_people(conn, &keys)?;
    let pnr_rows: Vec<(String, String)> = pnrs::table
        .filter(pnrs::flight_id.eq(flight_id))
        .select((pnrs::record_locator, pnrs::data))
        .load(conn)?;
    let pnr_map: HashMap<String, Pnr> = pnr_rows
        .into_iter()
        .filter_map(|(l, d)| serde_json::from_str(&d).ok().map(|p| (l, p)))
        .collect();
    let bands = rules::bands(config);
    let message_ids = loaded_messages(conn, flight_id)?;
    // First every traveller against the lists, so that link paths can end at this flight's own
    // watchlist hits; then the rules.
    let (known, flight_people): (Vec<_>, Vec<Traveller>) = people
        .iter()
        .filter_map(|(id, data, locator, _, person)| {
            let t = serde_json::from_str::<Traveller>(data).ok()?;
            Some(((id, locator, person), t))
        })
        .unzip();
    // Each list screens the flight at once (words travellers share are looked up once).
    let mut per_list: Vec<std::vec::IntoIter<Vec<paxrisk_screening::matcher::Match>>> = lists
        .iter()
        .map(|list| {
            list.index
                .screen_flight(&flight_people, list.threshold)
                .into_iter()
        })
        .collect();
    let mut screened = Vec::with_capacity(known.len());
    for ((id, locator, person), t) in known.into_iter().zip(flight_people) {
        let mut found = Vec::new();
        let hash = person.as_deref().map(super::suppress::person_hash);
        for (list, matches) in lists.iter().zip(per_list.iter_mut()) {
            for m in matches.next().unwrap_or_default() {
                let entry = &list.entries[m.entry];
                if hash.as_ref().is_some_and(|h| {
                    suppressed.contains(&(h.clone(), list.id.clone(), entry.id.clone()))
                }) {
                    continue;
                }
                found.push(NewHit {
                    kind: "watchlist",
                    source_id: list.id.clone(),
                    source_version: list.version,
                    live: true,
                    score: m.score,
                    weight: 100,
                    reason: format!("{} entry {}: {}", list.name, entry.id, m.reasons.join("; ")),
                    detail: serde_json::json!({"list": list.name, "category": list.category, "entry": entry, "matched_name": m.matched_name}),
                });
            }
        }
        screened.push((id, t, locator, person, found));
    }
    let listed: HashMap<String, &'static str> = screened
        .iter()
        .filter(|s| s.4.iter().any(|h| h.kind == "watchlist"))
        .map(|s| (s.0.clone(), "watchlist hit"))
        .collect();
    let link_hops = active.link_hops();
    let paths = if link_hops > 0 {
        let ids: Vec<String> = screened.iter().map(|s| s.0.clone()).collect();
        crate::links::screen::nearest(conn, flight_id, &ids, link_hops, &listed)?
    } else {
        HashMap::new()
    };
    let mut results = Vec::with_capacity(screened.len());
    for (id, t, locator, person, mut found) in screened {
        let pnr = locator.as_ref().and_then(|l| pnr_map.get(l));
        let mut past = person
            .as_ref()
            .and_then(|p| history.get(p))
            .cloned()
            .unwrap_or_default();
        let path = paths.get(id);
        past.hops_to_hit = path.map(|p| u32::from(p.hops));
        let mut rule_hits = rules::evaluate(&active, &t, &flight, pnr, &past);
        if let Some(path) = path {
            if rule_hits.iter().any(|h| active.uses_links(&h.source_id)) {
                let (text, detail) = crate::links::screen::explain(conn, path)?;
                for h in rule_hits
                    .iter_mut()
                    .filter(|h| active.uses_links(&h.source_id))
                {
                    h.reason = format!("{}; {text}", h.reason);
                    h.detail["link_path"] = detail.clone();
                }
            }
        }
        found.extend(rule_hits);
        results.push((id.clone(), found));
    }
    let before: std::collections::HashSet<String> = hits::table
        .filter(
            hits::flight_id
                .eq(flight_id)
                .and(hits::kind.eq("watchlist")),
        )
        .select(hits::traveller_id)
        .distinct()
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let screened_count = results.len();
    let population = population(conn, flight_id)?;
    crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        diesel::update(flights::table.filter(flights::id.eq(flight_id)))
            .set(flights::population.eq(&population))
            .execute(conn)?;
        // A closed item keeps the hits it was decided on, at the list and rule versions of the
        // time; only evidence from a source that had not hit is added, and reopens the item.
        let closed: HashMap<String, String> = review_items::table
            .filter(
                review_items::flight_id
                    .eq(flight_id)
                    .and(review_items::status.eq("closed")),
            )
            .select((review_items::traveller_id, review_items::id))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        let mut decided_on: HashMap<String, HashSet<String>> = HashMap::new();
        if !closed.is_empty() {
            let ids: Vec<&String> = closed.keys().collect();
            for chunk in ids.chunks(400) {
                let kept: Vec<(String, String, String, String)> = hits::table
                    .filter(
                        hits::flight_id
                            .eq(flight_id)
                            .and(hits::traveller_id.eq_any(chunk)),
                    )
                    .select((
                        hits::traveller_id,
                        hits::kind,
                        hits::source_id,
                        hits::detail,
                    ))
                    .load(conn)?;
                for (traveller, kind, source, detail) in kept {
                    let detail = serde_json::from_str(&detail).unwrap_or_default();
                    decided_on
                        .entry(traveller)
                        .or_default()
                        .insert(evidence(&kind, &source, &detail));
                }
            }
        }
        // Every other traveller of the flight was screened: their hits are replaced at once.
        let keep: Vec<&String> = closed.keys().collect();
        diesel::delete(
            hits::table.filter(
                hits::flight_id
                    .eq(flight_id)
                    .and(hits::traveller_id.ne_all(keep)),
            ),
        )
        .execute(conn)?;
        // A closed item decided without hits (a manual flag) has no evidence yet.
        let none: HashSet<String> = HashSet::new();
        let mut reopened: HashSet<&String> = HashSet::new();
        let results: Vec<(&String, Vec<&NewHit>)> = results
            .iter()
            .filter_map(|(traveller_id, found)| {
                let Some(old) = decided_on
                    .get(traveller_id.as_str())
                    .or_else(|| closed.contains_key(traveller_id.as_str()).then_some(&none))
                else {
                    return Some((traveller_id, found.iter().collect()));
                };
                let new: Vec<&NewHit> = found
                    .iter()
                    .filter(|h| !old.contains(&evidence(h.kind, &h.source_id, &h.detail)))
                    .collect();
                if new.iter().any(|h| h.live) {
                    reopened.insert(traveller_id);
                }
                (!new.is_empty()).then_some((traveller_id, new))
            })
            .collect();
        for traveller_id in &reopened {
            let sources: Vec<String> = results
                .iter()
                .filter(|(t, _)| t == traveller_id)
                .flat_map(|(_, found)| found.iter().map(|h| format!("{} {}", h.kind, h.source_id)))
                .collect();
            crate::review::items::reopen_for_new_hits(
                conn,
                &closed[traveller_id.as_str()],
                &sources,
            )?;
        }
        let now = now_ms();
        let rows: Vec<NewHitRow> = results
            .iter()
            .flat_map(|(traveller_id, found)| {
                found.iter().map(move |h| NewHitRow {
                    id: new_id(),
                    traveller_id: traveller_id.to_string(),
                    flight_id: flight_id.to_string(),
                    kind: h.kind,
                    source_id: h.source_id.clone(),
                    source_version: h.source_version,
                    live: h.live,
                    score: h.score,
                    weight: h.weight,
                    reason: h.reason.clone(),
                    detail: h.detail.to_string(),
                    created_at: now,
                })
            })
            .collect();
        for chunk in rows.chunks(400) {
            match conn {
                DbConnection::Sqlite(c) => {
                    diesel::insert_into(hits::table).values(chunk).execute(c)?
                }
                DbConnection::Pg(c) => diesel::insert_into(hits::table).values(chunk).execute(c)?,
            };
        }
        let with_items: std::collections::HashSet<String> = review_items::table
            .filter(review_items::flight_id.eq(flight_id))
            .select(review_items::traveller_id)
            .load::<String>(conn)?
            .into_iter()
            .collect();
        for (traveller_id, found) in &results {
            if closed.contains_key(traveller_id.as_str()) && !reopened.contains(traveller_id) {
                // Decided and nothing new: the item stays as it was closed.
                continue;
            }
            let watchlisted = found.iter().any(|h| h.kind == "watchlist");
            let rule_score = paxrisk_screening::rules::score(
                found
                    .iter()
                    .filter(|h| h.kind == "rule" && h.live)
                    .map(|h| h.weight.clamp(0, 100) as u8),
            );
            let band = bands.band(rule_score);
            let best_list = found
                .iter()
                .filter(|h| h.kind == "watchlist")
                .map(|h| (h.score * 100.0).round() as i32)
                .max();
            if watchlisted {
                let score = best_list.unwrap_or(100).max(i32::from(rule_score));
                items::upsert(conn, traveller_id, flight_id, score, "high")?;
            } else if band != paxrisk_screening::rules::Band::Low {
                items::upsert(
                    conn,
                    traveller_id,
                    flight_id,
                    i32::from(rule_score),
                    band.as_str(),
                )?;
            } else if with_items.contains(traveller_id.as_str()) {
                items::withdraw(conn, traveller_id)?;
            }
        }
        crate::ingest::process::mark_screened(conn, &message_ids)?;
        finish(conn)
    })?;
    // Travellers who came onto or left a list change `links.hops_to_hit` of those linked to
    // them on other flights: those flights are screened again.
    if link_hops > 0 {
        let changed: Vec<String> = listed
            .keys()
            .filter(|t| !before.contains(*t))
            .chain(before.iter().filter(|t| !listed.contains_key(*t)))
            .cloned()
            .collect();
        crate::links::screen::rescreen_linked(conn, Some(flight_id), &changed, link_hops)?;
    }
    Ok(screened_count)
}

/// What a hit is evidence of, whatever the version of its source: a rule, or one entry of a
/// list. A new version of a rule that hits the same traveller is not new evidence.
fn evidence(kind: &str, source_id: &str, detail: &serde_json::Value) -> String {
    match detail["entry"]["id"].as_str() {
        Some(entry) if kind == "watchlist" => format!("{kind}:{source_id}:{entry}"),
        _ => format!("{kind}:{source_id}"),
    }
}
