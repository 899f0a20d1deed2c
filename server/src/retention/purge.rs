//! Deletion: a traveller goes with everything derived from them, and their data key is destroyed
//! in the same transaction, so sealed copies anywhere become unreadable.

use diesel::prelude::*;

use super::crypto;
use crate::db::schema::{
    documents, hits, lookouts, manual_hits, pnrs, review_items, review_notes, traveller_versions,
    travellers,
};
use crate::db::DbConnection;

/// Deletes travellers, their documents, versions, hits (automatic and manual), lookouts, review
/// items and notes, and shreds their data keys.
pub fn delete_travellers(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    let subjects: Vec<String> = ids.iter().map(|id| format!("traveller:{id}")).collect();
    crypto::shred(conn, &subjects)?;
    crate::links::store::delete_for_travellers(conn, ids)?;
    let items: Vec<String> = review_items::table
        .filter(review_items::traveller_id.eq_any(ids))
        .select(review_items::id)
        .load(conn)?;
    diesel::delete(review_notes::table.filter(review_notes::item_id.eq_any(&items)))
        .execute(conn)?;
    // A false-match suppression is derived from the item that recorded it: it goes with it.
    diesel::delete(
        crate::db::schema::suppressions::table
            .filter(crate::db::schema::suppressions::item_id.eq_any(&items)),
    )
    .execute(conn)?;
    diesel::delete(review_items::table.filter(review_items::traveller_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(hits::table.filter(hits::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(manual_hits::table.filter(manual_hits::traveller_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(lookouts::table.filter(lookouts::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(documents::table.filter(documents::traveller_id.eq_any(ids))).execute(conn)?;
    diesel::delete(traveller_versions::table.filter(traveller_versions::traveller_id.eq_any(ids)))
        .execute(conn)?;
    diesel::delete(travellers::table.filter(travellers::id.eq_any(ids))).execute(conn)?;
    Ok(())
}

/// Deletes PNRs and shreds their data keys.
pub fn delete_pnrs(conn: &mut DbConnection, ids: &[String]) -> QueryResult<()> {
    let subjects: Vec<String> = ids.iter().map(|id| format!("pnr:{id}")).collect();
    crypto::shred(conn, &subjects)?;
    crate::links::store::delete_for_pnrs(conn, ids)?;
    diesel::delete(pnrs::table.filter(pnrs::id.eq_any(ids))).execute(conn)?;
    Ok(())
}
