//! Which review items a user may see: those with a hit in a category of one of his groups
//! (see `auth::groups`). Item actions (claim, disposition, notes, reopen), item reads and
//! notifications all ask here; the queue applies the same rule in its query.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;

use crate::auth::Scope;
use crate::db::schema::{hits, manual_hits, review_items, rules, watchlists};
use crate::db::{DbConnection, DbError};

/// Whether the item `id` exists and is in `scope`: its traveller has a live hit of a list or
/// rule, or a manual hit, in one of the scope's categories.
pub fn visible(conn: &mut DbConnection, id: &str, scope: &Scope) -> Result<bool, DbError> {
    let traveller: Option<String> = review_items::table
        .filter(review_items::id.eq(id))
        .select(review_items::traveller_id)
        .first(conn)
        .optional()?;
    let Some(traveller) = traveller else {
        return Ok(false);
    };
    if *scope == Scope::All {
        return Ok(true);
    }
    Ok(categories_of_traveller(conn, &traveller)?
        .iter()
        .any(|c| scope.covers(c)))
}

/// Whether a member of `scope` may read traveller `traveller_id`: a traveller flagged only in
/// categories outside the scope is as hidden as their review item; one flagged in none (every
/// other passenger, co-travellers) is not.
pub fn traveller_visible(
    conn: &mut DbConnection,
    traveller_id: &str,
    scope: &Scope,
) -> Result<bool, DbError> {
    Ok(!hidden_travellers(conn, &[traveller_id], scope)?.contains(traveller_id))
}

/// Of `travellers` (ids), those a member of `scope` may not read: flagged, but only in
/// categories outside the scope. Empty for `Scope::All`.
pub fn hidden_travellers(
    conn: &mut DbConnection,
    travellers: &[&str],
    scope: &Scope,
) -> Result<HashSet<String>, DbError> {
    if *scope == Scope::All {
        return Ok(HashSet::new());
    }
    Ok(categories_of(conn, travellers)?
        .into_iter()
        .filter(|(_, cats)| !cats.iter().any(|c| scope.covers(c)))
        .map(|(traveller, _)| traveller)
        .collect())
}

/// The categories of a traveller's live hits (of the list or rule behind each) and manual hits.
pub fn categories_of_traveller(
    conn: &mut DbConnection,
    traveller_id: &str,
) -> Result<Vec<String>, DbError> {
    Ok(categories_of(conn, &[traveller_id])?
        .remove(traveller_id)
        .unwrap_or_default())
}

/// The categories of each traveller's live hits and manual hits; travellers with none are absent.
fn categories_of(
    conn: &mut DbConnection,
    travellers: &[&str],
) -> Result<HashMap<String, Vec<String>>, DbError> {
    let mut cats: HashMap<String, Vec<String>> = HashMap::new();
    for chunk in travellers.chunks(500) {
        let live: Vec<(String, String)> = hits::table
            .filter(hits::traveller_id.eq_any(chunk).and(hits::live.eq(true)))
            .select((hits::traveller_id, hits::source_id))
            .load(conn)?;
        let sources: HashSet<&String> = live.iter().map(|(_, s)| s).collect();
        let mut category: HashMap<String, String> = watchlists::table
            .filter(watchlists::id.eq_any(&sources))
            .select((watchlists::id, watchlists::category))
            .load::<(String, String)>(conn)?
            .into_iter()
            .collect();
        category.extend(
            rules::table
                .filter(rules::id.eq_any(&sources))
                .select((rules::id, rules::category))
                .load::<(String, String)>(conn)?,
        );
        for (traveller, source) in live {
            if let Some(c) = category.get(&source) {
                cats.entry(traveller).or_default().push(c.clone());
            }
        }
        for (traveller, c) in manual_hits::table
            .filter(manual_hits::traveller_id.eq_any(chunk))
            .select((manual_hits::traveller_id, manual_hits::category))
            .load::<(String, String)>(conn)?
        {
            cats.entry(traveller).or_default().push(c);
        }
    }
    Ok(cats)
}
