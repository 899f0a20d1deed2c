//! Manual hits: an officer flags a traveller by hand under a category. The hit puts the
//! traveller in the queue (or raises their item's band) and keeps them there across re-screening.

use diesel::prelude::*;
use serde::Serialize;

use super::items::{self, higher_band, Outcome};
use crate::db::schema::{manual_hits, review_items, travellers};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// Bands an officer may give a manual hit.
pub const BANDS: &[&str] = &["medium", "high"];

/// A stored manual hit.
#[derive(Debug, Serialize)]
pub struct Created {
    pub id: String,
    pub item_id: String,
    pub band: String,
}

/// Records a manual hit on a traveller. `Outcome::NotFound` for an unknown traveller,
/// `Outcome::Conflict` when their item is closed (reopen it first).
pub fn add(
    conn: &mut DbConnection,
    traveller_id: &str,
    category: &str,
    band: &str,
    reason: &str,
    author: &str,
) -> Result<(Outcome, Option<Created>), DbError> {
    Ok(crate::db::transaction_urgent(conn, |conn| {
        let flight: Option<String> = travellers::table
            .filter(travellers::id.eq(traveller_id))
            .select(travellers::flight_id)
            .first(conn)
            .optional()?;
        let Some(flight_id) = flight else {
            return Ok((Outcome::NotFound, None));
        };
        let now = now_ms();
        let existing: Option<(String, String, String)> = review_items::table
            .filter(review_items::traveller_id.eq(traveller_id))
            .select((review_items::id, review_items::status, review_items::band))
            .first(conn)
            .optional()?;
        let (item_id, old_band) = match existing {
            Some((_, status, _)) if status == "closed" => return Ok((Outcome::Conflict, None)),
            Some((id, _, old)) => {
                let new = higher_band(&old, band).to_string();
                diesel::update(review_items::table.filter(review_items::id.eq(&id)))
                    .set((
                        review_items::band.eq(&new),
                        review_items::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                (id, Some(old))
            }
            None => (
                items::insert(conn, traveller_id, &flight_id, 0, band, now)?,
                None,
            ),
        };
        let id = new_id();
        diesel::insert_into(manual_hits::table)
            .values((
                manual_hits::id.eq(&id),
                manual_hits::item_id.eq(&item_id),
                manual_hits::traveller_id.eq(traveller_id),
                manual_hits::category.eq(category),
                manual_hits::band.eq(band),
                manual_hits::reason.eq(reason),
                manual_hits::author.eq(author),
                manual_hits::created_at.eq(now),
            ))
            .execute(conn)?;
        if band == "high" && old_band.as_deref() != Some("high") {
            crate::notify::new_high_hits(conn, std::slice::from_ref(&item_id))?;
        }
        Ok::<_, diesel::result::Error>((
            Outcome::Done,
            Some(Created {
                id,
                item_id,
                band: band.to_string(),
            }),
        ))
    })?)
}

/// A manual hit as the queue shows it.
#[derive(Debug, Clone, Queryable)]
pub struct Row {
    pub traveller_id: String,
    pub category: String,
    pub band: String,
    pub reason: String,
}

/// The manual hits of some travellers.
pub fn of_travellers(conn: &mut DbConnection, ids: &[&String]) -> Result<Vec<Row>, DbError> {
    Ok(manual_hits::table
        .filter(manual_hits::traveller_id.eq_any(ids))
        .order(manual_hits::created_at.asc())
        .select((
            manual_hits::traveller_id,
            manual_hits::category,
            manual_hits::band,
            manual_hits::reason,
        ))
        .load(conn)?)
}
