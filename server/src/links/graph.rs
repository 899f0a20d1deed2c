//! A traveller's link graph as the API and the page show it: travellers, the values they share
//! (contacts, cards, bookings, ...) and their flights, with the kind of every edge. Values a
//! booking gave its travellers hang from the booking node, so a phone two bookings share reads
//! traveller → booking → phone → booking → traveller. Labels are the masked ones of
//! `link_nodes`; traveller names are read from the store, masked there when retention masked them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use diesel::prelude::*;
use serde::Serialize;

use super::hop::{Filter, HUB};
use super::walk::{self, Walk};
use crate::db::schema::{flights, link_nodes, links, travellers};
use crate::db::{DbConnection, DbError};

/// At most this many travellers in one graph.
pub const MAX_TRAVELLERS: usize = 300;

/// What to draw.
#[derive(Debug, Clone)]
pub struct Query {
    /// 1 to 3.
    pub hops: u8,
    /// Link kinds to follow (`None`: all); `flight` adds flight nodes.
    pub kinds: Option<Vec<String>>,
    pub since: Option<i64>,
    pub until: Option<i64>,
}

/// A node of the graph.
#[derive(Debug, Serialize)]
pub struct Node {
    pub id: String,
    /// `traveller`, `value` or `flight`.
    #[serde(rename = "type")]
    pub ty: &'static str,
    /// The link kind of a value (`phone`, `booking`...), `traveller` or `flight`.
    pub kind: String,
    pub label: String,
    /// Hops from the root (travellers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hops: Option<u8>,
    /// `watchlist hit` or `confirmed hit` (travellers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hit: Option<&'static str>,
    /// Shared by more than the hub limit: shown, not crossed.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub hub: bool,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub masked: bool,
}

/// An edge, with its kind.
#[derive(Debug, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Edge {
    pub from: String,
    pub to: String,
    pub kind: String,
}

/// The graph around one traveller.
#[derive(Debug, Serialize)]
pub struct Graph {
    pub root: String,
    pub hops: u8,
    pub nodes: Vec<Node>,
    pub edges: Vec<Edge>,
    /// Node ids from the root to the nearest traveller with a hit (empty when none is in reach).
    pub path: Vec<String>,
    /// The walk stopped at [`MAX_TRAVELLERS`].
    pub truncated: bool,
    pub hub_limit: usize,
}

/// The graph, or `None` when the traveller is unknown.
pub fn graph(conn: &mut DbConnection, root: &str, q: &Query) -> Result<Option<Graph>, DbError> {
    let exists: Option<String> = travellers::table
        .filter(travellers::id.eq(root))
        .select(travellers::id)
        .first(conn)
        .optional()?;
    if exists.is_none() {
        return Ok(None);
    }
    let show_flights = q
        .kinds
        .as_ref()
        .is_none_or(|k| k.iter().any(|x| x == "flight"));
    let filter = Filter {
        kinds: q
            .kinds
            .as_ref()
            .map(|k| k.iter().filter(|x| *x != "flight").cloned().collect()),
        since: q.since,
        until: q.until,
    };
    let w = walk::walk(conn, root, q.hops, &filter, MAX_TRAVELLERS)?;
    let ids: Vec<String> = w.reached.keys().cloned().collect();
    let hits = walk::hit_kinds(conn, &ids, None)?;
    let bookings = booking_of(conn, &ids, &filter)?;
    let mut all_nodes: BTreeMap<String, String> = w.nodes.clone();
    for b in bookings.values() {
        all_nodes.insert(b.clone(), "booking".into());
    }
    let labels = labels(conn, all_nodes.keys().cloned().collect())?;

    let mut nodes = Vec::new();
    let mut flight_of: HashMap<String, String> = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String, String, String, bool)> = travellers::table
            .filter(travellers::id.eq_any(chunk))
            .select((
                travellers::id,
                travellers::flight_id,
                travellers::surname,
                travellers::given_names,
                travellers::masked,
            ))
            .load(conn)?;
        for (id, flight, surname, given, masked) in rows {
            nodes.push(Node {
                hops: w.reached.get(&id).map(|r| r.depth),
                hit: hits.get(&id).copied(),
                label: format!("{surname} {given}").trim().to_string(),
                ty: "traveller",
                kind: "traveller".into(),
                hub: false,
                masked,
                id: id.clone(),
            });
            flight_of.insert(id, flight);
        }
    }
    for (node, kind) in &all_nodes {
        nodes.push(Node {
            id: node.clone(),
            ty: "value",
            kind: kind.clone(),
            label: labels.get(node).cloned().unwrap_or_else(|| kind.clone()),
            hops: None,
            hit: None,
            hub: w.hubs.contains(node),
            masked: false,
        });
    }
    let mut edges: BTreeSet<Edge> = BTreeSet::new();
    for (t, n, source) in &w.incidences {
        let (from, to) = attach(t, n, source, &all_nodes, &bookings);
        if let Some(b) = &from.1 {
            edges.insert(Edge {
                from: t.clone(),
                to: b.clone(),
                kind: "booking".into(),
            });
        }
        edges.insert(Edge {
            from: from.1.clone().unwrap_or(from.0),
            to,
            kind: all_nodes.get(n).cloned().unwrap_or_default(),
        });
    }
    for (t, b) in &bookings {
        edges.insert(Edge {
            from: t.clone(),
            to: b.clone(),
            kind: "booking".into(),
        });
    }
    if show_flights {
        let fids: BTreeSet<String> = flight_of.values().cloned().collect();
        let fids: Vec<String> = fids.into_iter().collect();
        for chunk in fids.chunks(500) {
            let rows: Vec<(String, String, String, String, String, Option<String>)> =
                flights::table
                    .filter(flights::id.eq_any(chunk))
                    .select((
                        flights::id,
                        flights::carrier,
                        flights::number,
                        flights::origin,
                        flights::destination,
                        flights::departure_local,
                    ))
                    .load(conn)?;
            for (id, c, n, o, d, dep) in rows {
                let day = dep.as_deref().map(|x| &x[..x.len().min(10)]).unwrap_or("");
                nodes.push(Node {
                    id,
                    ty: "flight",
                    kind: "flight".into(),
                    label: format!("{c}{n} {o}–{d} {day}").trim().to_string(),
                    hops: None,
                    hit: None,
                    hub: false,
                    masked: false,
                });
            }
        }
        for (t, f) in &flight_of {
            edges.insert(Edge {
                from: t.clone(),
                to: f.clone(),
                kind: "flight".into(),
            });
        }
    }
    let path = nearest_path(root, &w, &hits, &all_nodes, &bookings);
    Ok(Some(Graph {
        root: root.to_string(),
        hops: q.hops,
        nodes,
        edges: edges.into_iter().collect(),
        path,
        truncated: w.truncated,
        hub_limit: HUB,
    }))
}

/// The booking node of each traveller (when bookings are among the kinds shown).
fn booking_of(
    conn: &mut DbConnection,
    ids: &[String],
    filter: &Filter,
) -> QueryResult<HashMap<String, String>> {
    if filter
        .kinds
        .as_ref()
        .is_some_and(|k| !k.iter().any(|x| x == "booking"))
    {
        return Ok(HashMap::new());
    }
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(String, String)> = links::table
            .filter(
                links::traveller_id
                    .eq_any(chunk)
                    .and(links::kind.eq("booking")),
            )
            .select((links::traveller_id, links::node))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Where an edge of traveller `t` to node `n` starts: at the traveller's booking when the value
/// came from the booking, else at the traveller. Returns `((traveller, booking?), node)`.
fn attach(
    t: &str,
    n: &str,
    source: &str,
    kinds: &BTreeMap<String, String>,
    bookings: &HashMap<String, String>,
) -> ((String, Option<String>), String) {
    let kind = kinds.get(n).map(String::as_str).unwrap_or("");
    let via_booking = source == "pnr"
        && matches!(
            kind,
            "phone" | "email" | "address" | "card" | "frequent_flyer" | "agency"
        );
    let booking = via_booking.then(|| bookings.get(t).cloned()).flatten();
    ((t.to_string(), booking), n.to_string())
}

/// Node ids from the root to the nearest traveller with a hit, through the bookings drawn.
fn nearest_path(
    root: &str,
    w: &Walk,
    hits: &HashMap<String, &'static str>,
    kinds: &BTreeMap<String, String>,
    bookings: &HashMap<String, String>,
) -> Vec<String> {
    let Some(target) = w
        .reached
        .iter()
        .filter(|(t, _)| t.as_str() != root && hits.contains_key(*t))
        .min_by_key(|(t, r)| (r.depth, (*t).clone()))
        .map(|(t, _)| t.clone())
    else {
        return Vec::new();
    };
    let source_of = |t: &str, n: &str| {
        w.incidences
            .iter()
            .find(|(a, b, _)| a == t && b == n)
            .map(|x| x.2.clone())
            .unwrap_or_default()
    };
    let mut rev = vec![target.clone()];
    let mut cur = target;
    while let Some(Some((parent, node))) = w.reached.get(&cur).map(|r| r.via.clone()) {
        if let Some(b) = attach(&cur, &node, &source_of(&cur, &node), kinds, bookings)
            .0
             .1
        {
            rev.push(b);
        }
        rev.push(node.clone());
        if let Some(b) = attach(&parent, &node, &source_of(&parent, &node), kinds, bookings)
            .0
             .1
        {
            rev.push(b);
        }
        rev.push(parent.clone());
        cur = parent;
    }
    rev.reverse();
    rev
}

/// Masked labels of nodes.
pub fn labels(conn: &mut DbConnection, nodes: Vec<String>) -> QueryResult<HashMap<String, String>> {
    let mut out = HashMap::new();
    for chunk in nodes.chunks(500) {
        let rows: Vec<(String, String)> = link_nodes::table
            .filter(link_nodes::node.eq_any(chunk))
            .select((link_nodes::node, link_nodes::label))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}
