//! The brute-force baseline: whole-name Jaro-Winkler against every name on the list, as GTAS
//! does. Kept for benchmarks, to show what the index saves.

use std::collections::HashMap;

use crate::names::similarity::jaro_winkler;
use crate::names::PreparedName;

/// Scores `query` against every `(entry, normalised name)`; returns the best name of each entry scoring at
/// least `floor`, as `(entry, score, name position)`.
pub(crate) fn scan<'a>(
    query: &PreparedName,
    names: impl Iterator<Item = (u32, &'a str)>,
    floor: f64,
) -> Vec<(u32, f64, u32)> {
    let q = query.normalised();
    if !query.is_matchable() {
        return Vec::new();
    }
    let mut best: HashMap<u32, (f64, u32)> = HashMap::new();
    for (i, (entry, name)) in names.enumerate() {
        let s = jaro_winkler(q.as_bytes(), name.as_bytes());
        if s >= floor {
            let slot = best.entry(entry).or_insert((s, i as u32));
            if s > slot.0 {
                *slot = (s, i as u32);
            }
        }
    }
    best.into_iter()
        .map(|(entry, (s, i))| (entry, s, i))
        .collect()
}
