//! False-positive suppression: when an officer closes an item as a false match, each watchlist
//! entry it matched is silenced for that person (by a hash of their identity key) in future
//! screenings. Audited by the caller; removable by deleting the row.

use std::collections::HashSet;

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use crate::db::schema::{hits, review_items, suppressions, travellers};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// The stored form of a person key.
pub fn person_hash(person_key: &str) -> String {
    hex::encode(Sha256::digest(person_key.as_bytes()))
}

/// Records suppressions for every watchlist hit of a review item; returns how many were new.
pub fn from_false_match(
    conn: &mut DbConnection,
    item_id: &str,
    user_id: &str,
) -> Result<usize, DbError> {
    let found: Option<(String, Option<String>)> = review_items::table
        .inner_join(travellers::table.on(travellers::id.eq(review_items::traveller_id)))
        .filter(review_items::id.eq(item_id))
        .select((travellers::id, travellers::person_key))
        .first(conn)
        .optional()?;
    let Some((traveller_id, Some(key))) = found else {
        return Ok(0);
    };
    let hash = person_hash(&key);
    let watch_hits: Vec<(String, String)> = hits::table
        .filter(
            hits::traveller_id
                .eq(&traveller_id)
                .and(hits::kind.eq("watchlist")),
        )
        .select((hits::source_id, hits::detail))
        .load(conn)?;
    let mut added = 0;
    for (list_id, detail) in watch_hits {
        let detail: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
        let Some(entry_id) = detail["entry"]["id"].as_str() else {
            continue;
        };
        let exists: i64 = suppressions::table
            .filter(
                suppressions::person_hash
                    .eq(&hash)
                    .and(suppressions::watchlist_id.eq(&list_id))
                    .and(suppressions::entry_id.eq(entry_id)),
            )
            .count()
            .get_result(conn)?;
        if exists == 0 {
            diesel::insert_into(suppressions::table)
                .values((
                    suppressions::id.eq(new_id()),
                    suppressions::person_hash.eq(&hash),
                    suppressions::watchlist_id.eq(&list_id),
                    suppressions::entry_id.eq(entry_id),
                    suppressions::item_id.eq(item_id),
                    suppressions::created_by.eq(user_id),
                    suppressions::created_at.eq(now_ms()),
                ))
                .execute(conn)?;
            added += 1;
        }
    }
    Ok(added)
}

/// Records the suppressions of a false match and audits them (ids only).
pub fn record(
    conn: &mut DbConnection,
    item_id: &str,
    user_id: &str,
    role: &str,
) -> Result<(), DbError> {
    let added = from_false_match(conn, item_id, user_id)?;
    if added > 0 {
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: user_id,
                role,
                action: "suppression.create",
                object: &format!("item:{item_id} entries:{added}"),
                outcome: "ok",
                purpose: None,
            },
        )?;
    }
    Ok(())
}

/// The suppressed (person hash, list id, entry id) triples among the given person keys.
pub fn for_people(
    conn: &mut DbConnection,
    keys: &[&String],
) -> Result<HashSet<(String, String, String)>, DbError> {
    let hashes: Vec<String> = keys.iter().map(|k| person_hash(k)).collect();
    let mut out = HashSet::new();
    for chunk in hashes.chunks(500) {
        let rows: Vec<(String, String, String)> = suppressions::table
            .filter(suppressions::person_hash.eq_any(chunk))
            .select((
                suppressions::person_hash,
                suppressions::watchlist_id,
                suppressions::entry_id,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}
