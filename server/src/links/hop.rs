//! One hop of the link graph, both ways, as a few indexed reads: the nodes of a set of
//! travellers (`links_traveller` index), then the travellers of those nodes (primary key), at
//! most [`HUB`] + 1 per node so that a value shared by thousands (a big agency) costs the same
//! as one shared by two, and is reported as a hub instead of being crossed.

use std::collections::HashMap;

use diesel::prelude::*;

use crate::db::schema::links;
use crate::db::DbConnection;

/// A node with more travellers than this is a hub: shown, never crossed.
pub const HUB: usize = 50;

const CHUNK: usize = 500;

/// Which links a walk may use.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Link kinds allowed (`None`: all).
    pub kinds: Option<Vec<String>>,
    /// Only travellers whose flight departs at or after this time (UTC ms).
    pub since: Option<i64>,
    /// ... and at or before this one.
    pub until: Option<i64>,
}

/// A node's travellers: the list (with the source of each link), or "too many".
#[derive(Debug, Clone)]
pub enum Members {
    List(Vec<(String, String)>),
    Hub,
}

/// `(traveller, node, kind, source)` for every link of these travellers the filter allows.
pub fn nodes_of(
    conn: &mut DbConnection,
    travellers: &[String],
    filter: &Filter,
) -> QueryResult<Vec<(String, String, String, String)>> {
    let mut out = Vec::new();
    for chunk in travellers.chunks(CHUNK) {
        let mut q = links::table
            .filter(links::traveller_id.eq_any(chunk))
            .select((links::traveller_id, links::node, links::kind, links::source))
            .into_boxed();
        if let Some(k) = &filter.kinds {
            q = q.filter(links::kind.eq_any(k.clone()));
        }
        out.extend(q.load::<(String, String, String, String)>(conn)?);
    }
    Ok(out)
}

#[derive(QueryableByName)]
struct MemberRow {
    #[diesel(sql_type = diesel::sql_types::Text)]
    node: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    traveller_id: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    source: String,
}

/// The travellers of each node within the time window, or [`Members::Hub`].
pub fn members_of(
    conn: &mut DbConnection,
    nodes: &[String],
    filter: &Filter,
) -> QueryResult<HashMap<String, Members>> {
    let since = filter.since.unwrap_or(i64::MIN);
    let until = filter.until.unwrap_or(i64::MAX);
    let limit = (HUB + 1) as i64;
    let mut grouped: HashMap<String, Vec<(String, String)>> = HashMap::new();
    match conn {
        DbConnection::Pg(c) => {
            use diesel::sql_types::{Array, BigInt, Text};
            // One round trip per chunk: a LATERAL subquery reads at most HUB + 1 rows per node.
            for chunk in nodes.chunks(CHUNK) {
                let rows: Vec<MemberRow> = diesel::sql_query(
                    "SELECT n.node, l.traveller_id, l.source FROM unnest($1::text[]) AS n(node) \
                     CROSS JOIN LATERAL (SELECT traveller_id, source FROM links \
                     WHERE links.node = n.node AND links.at >= $2 AND links.at <= $3 LIMIT $4) AS l",
                )
                .bind::<Array<Text>, _>(chunk)
                .bind::<BigInt, _>(since)
                .bind::<BigInt, _>(until)
                .bind::<BigInt, _>(limit)
                .load(c)?;
                for r in rows {
                    grouped
                        .entry(r.node)
                        .or_default()
                        .push((r.traveller_id, r.source));
                }
            }
        }
        DbConnection::Sqlite(c) => {
            // In-process reads: one cached prepared statement per node is cheaper than building
            // a compound query.
            for n in nodes {
                let rows: Vec<(String, String)> = links::table
                    .filter(
                        links::node
                            .eq(n)
                            .and(links::at.ge(since))
                            .and(links::at.le(until)),
                    )
                    .select((links::traveller_id, links::source))
                    .limit(limit)
                    .load(c)?;
                grouped.insert(n.clone(), rows);
            }
        }
    }
    Ok(nodes
        .iter()
        .map(|n| {
            let rows = grouped.remove(n).unwrap_or_default();
            let m = if rows.len() > HUB {
                Members::Hub
            } else {
                Members::List(rows)
            };
            (n.clone(), m)
        })
        .collect())
}
