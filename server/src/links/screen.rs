//! The screening feature: `links.hops_to_hit`, the fewest link hops from a traveller to another
//! traveller with a watchlist hit or a confirmed hit, and the path as the explanation.

use std::collections::{BTreeSet, HashMap};

use diesel::prelude::*;
use serde_json::{json, Value};

use super::walk::{self, PathToHit};
use crate::db::schema::{flights, link_nodes, travellers};
use crate::db::DbConnection;

/// The rule field.
pub const FIELD: &str = "links.hops_to_hit";

/// How far a rule body needs the walk to go: 0 when it does not test [`FIELD`], else the
/// largest number of hops its leaves can accept (at most 3).
pub fn hops_needed(spec: &Value) -> u8 {
    fn visit(v: &Value, out: &mut u8) {
        match v {
            Value::Object(m) => {
                if m.get("field").and_then(Value::as_str) == Some(FIELD) {
                    let n = |x: &Value| x.as_i64().unwrap_or(3);
                    let value = m.get("value").unwrap_or(&Value::Null);
                    let need = match m.get("op").and_then(Value::as_str).unwrap_or("") {
                        "le" | "eq" => n(value),
                        "lt" => n(value) - 1,
                        "between" => value.get(1).map(n).unwrap_or(3),
                        "in" => value
                            .as_array()
                            .and_then(|a| a.iter().map(n).max())
                            .unwrap_or(3),
                        _ => 3,
                    };
                    *out = (*out).max(need.clamp(1, 3) as u8);
                }
                for x in m.values() {
                    visit(x, out);
                }
            }
            Value::Array(a) => a.iter().for_each(|x| visit(x, out)),
            _ => {}
        }
    }
    let mut out = 0;
    visit(spec, &mut out);
    out
}

/// The nearest target of each traveller of a flight, within `hops`. `extra` are travellers of
/// this flight that this screening found on a watchlist.
pub fn nearest(
    conn: &mut DbConnection,
    flight_id: &str,
    travellers: &[String],
    hops: u8,
    extra: &HashMap<String, &'static str>,
) -> QueryResult<HashMap<String, PathToHit>> {
    if hops == 0 || travellers.is_empty() {
        return Ok(HashMap::new());
    }
    walk::nearest_hits(conn, travellers, hops, flight_id, extra)
}

/// The path in words (masked labels, traveller ids and flights, never names: the explanation
/// stays readable after the other traveller is masked) and as JSON for the hit's detail.
pub fn explain(conn: &mut DbConnection, p: &PathToHit) -> QueryResult<(String, Value)> {
    let nodes: Vec<String> = p.steps.iter().map(|s| s.0.clone()).collect();
    let labels: HashMap<String, (String, String)> = link_nodes::table
        .filter(link_nodes::node.eq_any(&nodes))
        .select((link_nodes::node, link_nodes::kind, link_nodes::label))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(n, k, l)| (n, (k, l)))
        .collect();
    let ids: BTreeSet<&String> = p.steps.iter().map(|s| &s.1).collect();
    let flights_of: HashMap<String, String> = travellers::table
        .inner_join(flights::table.on(flights::id.eq(travellers::flight_id)))
        .filter(travellers::id.eq_any(ids))
        .select((travellers::id, flights::carrier, flights::number))
        .load::<(String, String, String)>(conn)?
        .into_iter()
        .map(|(t, c, n)| (t, format!("{c}{n}")))
        .collect();
    let mut words = Vec::new();
    let mut steps = Vec::new();
    for (i, (node, t)) in p.steps.iter().enumerate() {
        let (kind, label) = labels
            .get(node)
            .cloned()
            .unwrap_or_else(|| ("link".into(), "a removed link".into()));
        let flight = flights_of.get(t).cloned().unwrap_or_default();
        let last = i + 1 == p.steps.len();
        words.push(format!(
            "{label} → traveller {t} on {flight}{}",
            if last {
                format!(" ({})", p.hit)
            } else {
                String::new()
            }
        ));
        steps.push(json!({"kind": kind, "label": label, "traveller_id": t, "flight": flight}));
    }
    let text = format!(
        "linked in {} hop{} to a traveller with a {}: {}",
        p.hops,
        if p.hops == 1 { "" } else { "s" },
        p.hit,
        words.join(" → ")
    );
    Ok((text, json!({"hops": p.hops, "hit": p.hit, "steps": steps})))
}

/// Queues screening of the flights (but `except`) of travellers within `hops` of `changed`
/// (travellers whose hit status changed), so their `links.hops_to_hit` follows.
pub fn rescreen_linked(
    conn: &mut DbConnection,
    except: Option<&str>,
    changed: &[String],
    hops: u8,
) -> QueryResult<usize> {
    let mut reached: BTreeSet<String> = BTreeSet::new();
    for t in changed {
        let w = walk::walk(
            conn,
            t,
            hops,
            &Default::default(),
            super::graph::MAX_TRAVELLERS,
        )?;
        reached.extend(w.reached.into_keys());
    }
    let reached: Vec<String> = reached.into_iter().collect();
    let mut flights_due: BTreeSet<String> = BTreeSet::new();
    for chunk in reached.chunks(500) {
        flights_due.extend(
            travellers::table
                .filter(travellers::id.eq_any(chunk))
                .select(travellers::flight_id)
                .distinct()
                .load::<String>(conn)?,
        );
    }
    if let Some(f) = except {
        flights_due.remove(f);
    }
    for f in &flights_due {
        crate::ingest::load::enqueue_screening(conn, f)?;
    }
    Ok(flights_due.len())
}

/// After an item was closed as resultant: the flights of travellers linked to its traveller are
/// screened again, when a rule tests [`FIELD`].
pub fn confirmed(conn: &mut DbConnection, item_id: &str) -> Result<(), crate::db::DbError> {
    use crate::db::schema::review_items;
    let hops = crate::screening::rules::active(conn)?.link_hops();
    if hops == 0 {
        return Ok(());
    }
    let traveller: Option<String> = review_items::table
        .filter(review_items::id.eq(item_id))
        .select(review_items::traveller_id)
        .first(conn)
        .optional()?;
    if let Some(t) = traveller {
        // Its own flight too: fellow travellers may be linked to it.
        rescreen_linked(conn, None, &[t], hops)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hops_needed_reads_the_rule_leaves() {
        let rule = |op: &str, v: Value| {
            json!({"condition": {"all": [{"field": "traveller.nationality", "op": "eq", "value": "ISL"},
                {"field": FIELD, "op": op, "value": v}]}})
        };
        assert_eq!(hops_needed(&rule("le", json!(2))), 2);
        assert_eq!(hops_needed(&rule("lt", json!(2))), 1);
        assert_eq!(hops_needed(&rule("eq", json!(3))), 3);
        assert_eq!(hops_needed(&rule("between", json!([1, 2]))), 2);
        assert_eq!(hops_needed(&rule("is_not_empty", Value::Null)), 3);
        assert_eq!(
            hops_needed(&json!({"condition": {"field": "traveller.age", "op": "lt", "value": 2}})),
            0
        );
    }
}
