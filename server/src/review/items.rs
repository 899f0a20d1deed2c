//! Review items: created and rescored by screening, claimed and disposed by officers.

use diesel::prelude::*;

use crate::db::schema::review_items;
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// The outcomes an officer may record.
pub const DISPOSITIONS: &[&str] = &["no_action", "referred", "resultant", "false_match"];

/// Puts a traveller in the queue with a score and band, or updates their item. Closed items
/// keep their disposition; a new score on them shows when they are reopened.
pub fn upsert(conn: &mut DbConnection, traveller_id: &str, flight_id: &str, score: i32, band: &str) -> QueryResult<()> {
    let now = now_ms();
    let updated = diesel::update(review_items::table.filter(review_items::traveller_id.eq(traveller_id)))
        .set((review_items::score.eq(score), review_items::band.eq(band), review_items::updated_at.eq(now)))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(review_items::table)
            .values((
                review_items::id.eq(new_id()),
                review_items::traveller_id.eq(traveller_id),
                review_items::flight_id.eq(flight_id),
                review_items::score.eq(score),
                review_items::band.eq(band),
                review_items::status.eq("new"),
                review_items::created_at.eq(now),
                review_items::updated_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Removes an item nobody has touched when its traveller no longer qualifies (a rule retired,
/// a list entry removed). Claimed or closed items stay: they are someone's work.
pub fn withdraw(conn: &mut DbConnection, traveller_id: &str) -> QueryResult<()> {
    diesel::delete(review_items::table.filter(review_items::traveller_id.eq(traveller_id).and(review_items::status.eq("new"))))
        .execute(conn)?;
    Ok(())
}

/// What happened to a claim or disposition.
#[derive(Debug, PartialEq, Eq)]
pub enum Outcome {
    Done,
    NotFound,
    /// Someone else holds it, or it is closed.
    Conflict,
}

/// Claims an item for `user`: exactly one of two concurrent claimers wins.
pub fn claim(conn: &mut DbConnection, item_id: &str, user: &str) -> Result<Outcome, DbError> {
    let n = diesel::update(
        review_items::table.filter(
            review_items::id
                .eq(item_id)
                .and(review_items::status.ne("closed"))
                .and(review_items::assignee.is_null().or(review_items::assignee.eq(user))),
        ),
    )
    .set((review_items::assignee.eq(user), review_items::status.eq("claimed"), review_items::updated_at.eq(now_ms())))
    .execute(conn)?;
    if n == 1 {
        return Ok(Outcome::Done);
    }
    exists_or(conn, item_id)
}

/// Closes an item with a disposition; only its assignee (or an unclaimed item's first comer) may.
pub fn dispose(conn: &mut DbConnection, item_id: &str, user: &str, disposition: &str) -> Result<Outcome, DbError> {
    let n = diesel::update(
        review_items::table.filter(
            review_items::id
                .eq(item_id)
                .and(review_items::status.ne("closed"))
                .and(review_items::assignee.is_null().or(review_items::assignee.eq(user))),
        ),
    )
    .set((
        review_items::assignee.eq(user),
        review_items::status.eq("closed"),
        review_items::disposition.eq(disposition),
        review_items::updated_at.eq(now_ms()),
    ))
    .execute(conn)?;
    if n == 1 {
        return Ok(Outcome::Done);
    }
    exists_or(conn, item_id)
}

fn exists_or(conn: &mut DbConnection, item_id: &str) -> Result<Outcome, DbError> {
    let n: i64 = review_items::table.filter(review_items::id.eq(item_id)).count().get_result(conn)?;
    Ok(if n == 0 { Outcome::NotFound } else { Outcome::Conflict })
}
