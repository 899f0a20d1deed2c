//! `paxrisk links bench`: times the neighbourhood query (the service function behind
//! `GET /api/v1/travellers/{id}/links`) for travellers drawn from the store. Used by
//! `scripts/bench-links.sh` after it has filled a database with a million travellers.

use std::time::Instant;

use diesel::prelude::*;

use super::graph::{self, Query};
use crate::db::schema::travellers;
use crate::db::DbConnection;

/// Timing of `samples` queries of `hops` hops, one per traveller, in milliseconds.
#[derive(Debug, serde::Serialize)]
pub struct Timing {
    pub travellers_stored: i64,
    pub samples: usize,
    pub hops: u8,
    pub median_ms: f64,
    pub p90_ms: f64,
    pub max_ms: f64,
    /// Average travellers and edges in one answer.
    pub mean_travellers: f64,
    pub mean_edges: f64,
}

/// Runs the benchmark; travellers are every `stride`-th id in id order (deterministic).
pub fn run(conn: &mut DbConnection, hops: u8, samples: usize) -> anyhow::Result<Timing> {
    let total: i64 = travellers::table.count().get_result(conn)?;
    anyhow::ensure!(total > 0, "no travellers stored");
    let stride = (total / samples.max(1) as i64).max(1);
    let mut ids = Vec::with_capacity(samples);
    for k in 0..samples as i64 {
        let id: Option<String> = travellers::table
            .select(travellers::id)
            .order(travellers::id.asc())
            .offset((k * stride + stride / 2) % total)
            .first(conn)
            .optional()?;
        ids.extend(id);
    }
    let q = Query {
        hops,
        kinds: None,
        since: None,
        until: None,
    };
    // One warm-up query so that connection setup is not timed.
    graph::graph(conn, &ids[0], &q)?;
    let mut times = Vec::with_capacity(ids.len());
    let (mut nodes, mut edges) = (0usize, 0usize);
    for id in &ids {
        let t0 = Instant::now();
        let g = graph::graph(conn, id, &q)?.ok_or_else(|| anyhow::anyhow!("traveller vanished"))?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        nodes += g.nodes.iter().filter(|n| n.ty == "traveller").count();
        edges += g.edges.len();
    }
    times.sort_by(f64::total_cmp);
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize];
    Ok(Timing {
        travellers_stored: total,
        samples: times.len(),
        hops,
        median_ms: at(0.5),
        p90_ms: at(0.9),
        max_ms: at(1.0),
        mean_travellers: nodes as f64 / times.len() as f64,
        mean_edges: edges as f64 / times.len() as f64,
    })
}

/// Timing of `links.hops_to_hit` for every traveller of `flights` flights (what screening
/// computes when a rule tests the field), in milliseconds per flight.
#[derive(Debug, serde::Serialize)]
pub struct ScreenTiming {
    pub flights: usize,
    pub hops: u8,
    pub travellers_per_flight: f64,
    pub median_ms: f64,
    pub max_ms: f64,
    /// Travellers with a target within `hops`, per flight.
    pub linked_per_flight: f64,
}

/// Runs the screening-side walk for flights spread over the store.
pub fn screen(conn: &mut DbConnection, hops: u8, flights: usize) -> anyhow::Result<ScreenTiming> {
    use crate::db::schema::flights as f;
    let total: i64 = f::table.count().get_result(conn)?;
    anyhow::ensure!(total > 0, "no flights stored");
    let stride = (total / flights.max(1) as i64).max(1);
    let mut times = Vec::new();
    let (mut people, mut linked) = (0usize, 0usize);
    for k in 0..flights as i64 {
        let Some(fid) = f::table
            .select(f::id)
            .order(f::id.asc())
            .offset((k * stride) % total)
            .first::<String>(conn)
            .optional()?
        else {
            continue;
        };
        let ids: Vec<String> = travellers::table
            .filter(travellers::flight_id.eq(&fid))
            .select(travellers::id)
            .load(conn)?;
        let t0 = Instant::now();
        let found = super::screen::nearest(conn, &fid, &ids, hops, &Default::default())?;
        times.push(t0.elapsed().as_secs_f64() * 1000.0);
        people += ids.len();
        linked += found.len();
    }
    anyhow::ensure!(!times.is_empty(), "no flight found");
    let n = times.len() as f64;
    times.sort_by(f64::total_cmp);
    Ok(ScreenTiming {
        flights: times.len(),
        hops,
        travellers_per_flight: people as f64 / n,
        median_ms: times[times.len() / 2],
        max_ms: times[times.len() - 1],
        linked_per_flight: linked as f64 / n,
    })
}
