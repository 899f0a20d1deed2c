//! Breadth-first walks over the link graph. A hop goes from a traveller through one shared value
//! to another traveller; each level is two batched reads ([`super::hop`]) whatever the number of
//! travellers in the frontier.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use diesel::prelude::*;

use super::hop::{self, Filter, Members};
use crate::db::schema::{hits, review_items};
use crate::db::DbConnection;

/// How a traveller was reached: its distance and the traveller and node it came through.
#[derive(Debug, Clone)]
pub struct Reach {
    pub depth: u8,
    pub via: Option<(String, String)>,
}

/// What a walk from one traveller saw.
#[derive(Debug, Default)]
pub struct Walk {
    /// Travellers reached (the root at depth 0).
    pub reached: HashMap<String, Reach>,
    /// `(traveller, node, source)` links seen.
    pub incidences: BTreeSet<(String, String, String)>,
    /// Node → kind, for every node seen.
    pub nodes: BTreeMap<String, String>,
    /// Nodes not crossed because too many travellers share them.
    pub hubs: BTreeSet<String>,
    /// True when the walk stopped at the traveller limit.
    pub truncated: bool,
}

/// Walks `hops` hops from `root`, reaching at most `max_travellers`.
pub fn walk(
    conn: &mut DbConnection,
    root: &str,
    hops: u8,
    filter: &Filter,
    max_travellers: usize,
) -> QueryResult<Walk> {
    let mut w = Walk::default();
    w.reached.insert(
        root.to_string(),
        Reach {
            depth: 0,
            via: None,
        },
    );
    let mut frontier = vec![root.to_string()];
    let mut expanded: HashSet<String> = HashSet::new();
    for depth in 1..=hops {
        if frontier.is_empty() {
            break;
        }
        let incid = hop::nodes_of(conn, &frontier, filter)?;
        let mut fresh: Vec<String> = Vec::new();
        for (t, n, k, s) in &incid {
            w.incidences.insert((t.clone(), n.clone(), s.clone()));
            w.nodes.insert(n.clone(), k.clone());
            if expanded.insert(n.clone()) {
                fresh.push(n.clone());
            }
        }
        let members = hop::members_of(conn, &fresh, filter)?;
        let mut next = Vec::new();
        for (t, n, _, _) in &incid {
            match members.get(n) {
                Some(Members::Hub) => {
                    w.hubs.insert(n.clone());
                }
                Some(Members::List(ms)) => {
                    for (m, s) in ms {
                        if !w.reached.contains_key(m) {
                            if w.reached.len() >= max_travellers {
                                w.truncated = true;
                                continue;
                            }
                            w.reached.insert(
                                m.clone(),
                                Reach {
                                    depth,
                                    via: Some((t.clone(), n.clone())),
                                },
                            );
                            next.push(m.clone());
                        }
                        if w.reached.contains_key(m) {
                            w.incidences.insert((m.clone(), n.clone(), s.clone()));
                        }
                    }
                }
                None => {}
            }
        }
        frontier = next;
    }
    Ok(w)
}

/// Why a traveller counts as a target: a live watchlist hit, or a review item an officer closed
/// as resultant (a confirmed hit).
pub fn hit_kinds(
    conn: &mut DbConnection,
    travellers: &[String],
    except_flight: Option<&str>,
) -> QueryResult<HashMap<String, &'static str>> {
    let mut out = HashMap::new();
    for chunk in travellers.chunks(500) {
        let confirmed: Vec<String> = review_items::table
            .filter(
                review_items::traveller_id
                    .eq_any(chunk)
                    .and(review_items::disposition.eq("resultant")),
            )
            .select(review_items::traveller_id)
            .load(conn)?;
        for t in confirmed {
            out.insert(t, "confirmed hit");
        }
        let mut q = hits::table
            .filter(
                hits::traveller_id
                    .eq_any(chunk)
                    .and(hits::kind.eq("watchlist"))
                    .and(hits::live.eq(true)),
            )
            .select(hits::traveller_id)
            .distinct()
            .into_boxed();
        if let Some(f) = except_flight {
            q = q.filter(hits::flight_id.ne(f.to_string()));
        }
        for t in q.load::<String>(conn)? {
            out.entry(t).or_insert("watchlist hit");
        }
    }
    Ok(out)
}

/// The shortest way from a traveller to a target: `(node, traveller)` steps, the target last.
#[derive(Debug, Clone)]
pub struct PathToHit {
    pub hops: u8,
    pub steps: Vec<(String, String)>,
    pub hit: &'static str,
}

/// For each origin, the nearest target within `hops` hops (itself excluded). Targets are the
/// stored ones ([`hit_kinds`], hits of `flight` excepted: they are being replaced) and `extra`
/// (this screening's watchlist hits). All origins walk together: each level is a handful of
/// reads for the whole flight.
pub fn nearest_hits(
    conn: &mut DbConnection,
    origins: &[String],
    hops: u8,
    flight: &str,
    extra: &HashMap<String, &'static str>,
) -> QueryResult<HashMap<String, PathToHit>> {
    struct State {
        visited: HashMap<String, Option<(String, String)>>,
        frontier: Vec<String>,
    }
    let filter = Filter::default();
    let mut states: BTreeMap<String, State> = origins
        .iter()
        .map(|o| {
            (
                o.clone(),
                State {
                    visited: HashMap::from([(o.clone(), None)]),
                    frontier: vec![o.clone()],
                },
            )
        })
        .collect();
    let mut found = HashMap::new();
    let mut known: HashMap<String, Option<&'static str>> = HashMap::new();
    // Members read at one level serve the next (a neighbour's booking is often the origin's).
    let mut members: HashMap<String, Members> = HashMap::new();
    for depth in 1..=hops {
        let all: BTreeSet<String> = states
            .values()
            .flat_map(|s| s.frontier.iter().cloned())
            .collect();
        if all.is_empty() {
            break;
        }
        let all: Vec<String> = all.into_iter().collect();
        let mut by_traveller: HashMap<String, Vec<String>> = HashMap::new();
        let mut nodes: BTreeSet<String> = BTreeSet::new();
        for (t, n, _, _) in hop::nodes_of(conn, &all, &filter)? {
            nodes.insert(n.clone());
            by_traveller.entry(t).or_default().push(n);
        }
        let unread: Vec<String> = nodes
            .into_iter()
            .filter(|n| !members.contains_key(n))
            .collect();
        members.extend(hop::members_of(conn, &unread, &filter)?);
        let mut fresh: BTreeSet<String> = BTreeSet::new();
        for s in states.values_mut() {
            let mut next = Vec::new();
            for t in &s.frontier {
                for n in by_traveller.get(t).into_iter().flatten() {
                    let Some(Members::List(ms)) = members.get(n) else {
                        continue;
                    };
                    for (m, _) in ms {
                        if !s.visited.contains_key(m) {
                            s.visited.insert(m.clone(), Some((t.clone(), n.clone())));
                            next.push(m.clone());
                            if !known.contains_key(m) {
                                fresh.insert(m.clone());
                            }
                        }
                    }
                }
            }
            s.frontier = next;
        }
        let fresh: Vec<String> = fresh.into_iter().collect();
        let stored = hit_kinds(conn, &fresh, Some(flight))?;
        for m in fresh {
            let k = extra.get(&m).copied().or_else(|| stored.get(&m).copied());
            known.insert(m, k);
        }
        let mut done = Vec::new();
        for (origin, s) in &states {
            let target = s
                .frontier
                .iter()
                .find_map(|m| known.get(m).copied().flatten().map(|k| (m, k)));
            if let Some((m, kind)) = target {
                let mut steps = Vec::new();
                let mut cur = m.clone();
                while let Some(Some((parent, node))) = s.visited.get(&cur) {
                    steps.push((node.clone(), cur.clone()));
                    cur = parent.clone();
                }
                steps.reverse();
                found.insert(
                    origin.clone(),
                    PathToHit {
                        hops: depth,
                        steps,
                        hit: kind,
                    },
                );
                done.push(origin.clone());
            }
        }
        for o in done {
            states.remove(&o);
        }
    }
    Ok(found)
}
