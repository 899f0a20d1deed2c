//! Review items: created and rescored by screening, claimed, assigned, disposed and reopened by
//! officers. Every state change is one conditional UPDATE, so two officers racing for an item
//! cannot both win, on either backend.

use diesel::prelude::*;

use crate::auth::Scope;
use crate::db::schema::{manual_hits, review_items, review_notes};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// The outcomes an officer may record.
pub const DISPOSITIONS: &[&str] = &["no_action", "referred", "resultant", "false_match"];

/// Orders bands: `high` > `medium` > anything else.
pub fn band_rank(b: &str) -> u8 {
    match b {
        "high" => 2,
        "medium" => 1,
        _ => 0,
    }
}

/// The higher of two bands.
pub fn higher_band<'a>(a: &'a str, b: &'a str) -> &'a str {
    if band_rank(b) > band_rank(a) {
        b
    } else {
        a
    }
}

/// Puts a traveller in the queue with a score and band, or updates their item. Closed items
/// keep their disposition; a new score on them shows when they are reopened. A manual hit keeps
/// its band: screening may raise an item above it, never below. An item that enters the high
/// band is handed to `notify`, in the same transaction.
pub fn upsert(
    conn: &mut DbConnection,
    traveller_id: &str,
    flight_id: &str,
    score: i32,
    band: &str,
) -> QueryResult<()> {
    let now = now_ms();
    let manual: Vec<String> = manual_hits::table
        .filter(manual_hits::traveller_id.eq(traveller_id))
        .select(manual_hits::band)
        .load(conn)?;
    let band = manual.iter().fold(band, |b, m| higher_band(b, m));
    let existing: Option<(String, String)> = review_items::table
        .filter(review_items::traveller_id.eq(traveller_id))
        .select((review_items::id, review_items::band))
        .first(conn)
        .optional()?;
    let (id, was_high) = match existing {
        Some((id, old)) => {
            diesel::update(review_items::table.filter(review_items::id.eq(&id)))
                .set((
                    review_items::score.eq(score),
                    review_items::band.eq(band),
                    review_items::updated_at.eq(now),
                ))
                .execute(conn)?;
            (id, old == "high")
        }
        None => (
            insert(conn, traveller_id, flight_id, score, band, now)?,
            false,
        ),
    };
    if band == "high" && !was_high {
        crate::notify::new_high_hits(conn, &[id])?;
    }
    Ok(())
}

/// Inserts a new item; returns its id.
pub(super) fn insert(
    conn: &mut DbConnection,
    traveller_id: &str,
    flight_id: &str,
    score: i32,
    band: &str,
    now: i64,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(review_items::table)
        .values((
            review_items::id.eq(&id),
            review_items::traveller_id.eq(traveller_id),
            review_items::flight_id.eq(flight_id),
            review_items::score.eq(score),
            review_items::band.eq(band),
            review_items::status.eq("new"),
            review_items::created_at.eq(now),
            review_items::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Removes an item nobody has touched when its traveller no longer qualifies (a rule retired,
/// a list entry removed). Claimed, closed, noted or manually flagged items stay: they are
/// someone's work.
pub fn withdraw(conn: &mut DbConnection, traveller_id: &str) -> QueryResult<()> {
    let item: Option<String> = review_items::table
        .filter(
            review_items::traveller_id
                .eq(traveller_id)
                .and(review_items::status.eq("new")),
        )
        .select(review_items::id)
        .first(conn)
        .optional()?;
    let Some(id) = item else { return Ok(()) };
    let notes: i64 = review_notes::table
        .filter(review_notes::item_id.eq(&id))
        .count()
        .get_result(conn)?;
    let manual: i64 = manual_hits::table
        .filter(manual_hits::item_id.eq(&id))
        .count()
        .get_result(conn)?;
    if notes == 0 && manual == 0 {
        diesel::delete(
            review_items::table
                .filter(review_items::id.eq(&id).and(review_items::status.eq("new"))),
        )
        .execute(conn)?;
    }
    Ok(())
}

/// What happened to an action on an item.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub enum Outcome {
    Done,
    NotFound,
    /// The item's state forbids it: someone else holds it or it is closed (for a claim,
    /// disposition, assignment or note), or it is not closed (for a reopen). `status` tells which.
    Conflict,
}

/// The item `item_id` when `user` may act on it: not closed, and unclaimed or theirs.
#[diesel::dsl::auto_type]
fn open_to<'a>(item_id: &'a str, user: &'a str) -> _ {
    review_items::id
        .eq(item_id)
        .and(review_items::status.ne("closed"))
        .and(
            review_items::assignee
                .is_null()
                .or(review_items::assignee.eq(user)),
        )
}

/// Runs an officer's `update` of item `item_id` and says what came of it. An officer waits for
/// it: on SQLite it goes ahead of the writers queued for their turn.
fn officer_update(
    conn: &mut DbConnection,
    item_id: &str,
    update: impl FnOnce(&mut DbConnection) -> QueryResult<usize>,
) -> Result<Outcome, DbError> {
    if crate::db::transaction_urgent(conn, update)? == 1 {
        return Ok(Outcome::Done);
    }
    why_not(conn, item_id)
}

/// Claims an item for `user`: exactly one of two concurrent claimers wins. An item outside the
/// user's `scope` is `NotFound`, like one that does not exist.
pub fn claim(
    conn: &mut DbConnection,
    item_id: &str,
    user: &str,
    scope: &Scope,
) -> Result<Outcome, DbError> {
    if !super::scope::visible(conn, item_id, scope)? {
        return Ok(Outcome::NotFound);
    }
    officer_update(conn, item_id, |conn| {
        diesel::update(review_items::table.filter(open_to(item_id, user)))
            .set((
                review_items::assignee.eq(user),
                review_items::status.eq("claimed"),
                review_items::updated_at.eq(now_ms()),
            ))
            .execute(conn)
    })
}

/// Closes an item with a disposition; only its assignee (or an unclaimed item's first comer) may.
pub fn dispose(
    conn: &mut DbConnection,
    item_id: &str,
    user: &str,
    disposition: &str,
) -> Result<Outcome, DbError> {
    officer_update(conn, item_id, |conn| {
        diesel::update(review_items::table.filter(open_to(item_id, user)))
            .set((
                review_items::assignee.eq(user),
                review_items::status.eq("closed"),
                review_items::disposition.eq(disposition),
                review_items::updated_at.eq(now_ms()),
            ))
            .execute(conn)
    })
}

/// Closes an item as [`dispose`] does and, for a false match, silences the matched list
/// entries for this person in later screenings (audited with `role`). The API and the pages both
/// close items through here. An item outside the user's `scope` is `NotFound`.
pub fn close(
    conn: &mut DbConnection,
    item_id: &str,
    user: &str,
    role: &str,
    disposition: &str,
    scope: &Scope,
) -> Result<Outcome, DbError> {
    if !super::scope::visible(conn, item_id, scope)? {
        return Ok(Outcome::NotFound);
    }
    let out = dispose(conn, item_id, user, disposition)?;
    if out == Outcome::Done && disposition == "false_match" {
        crate::screening::suppress::record(conn, item_id, user, role)?;
    }
    if out == Outcome::Done && disposition == "resultant" {
        // A confirmed hit is a target of link analysis: travellers linked to it are screened
        // again so `links.hops_to_hit` sees it.
        crate::links::screen::confirmed(conn, item_id)?;
    }
    Ok(out)
}

/// Gives an open item to `assignee` (an administrator's decision: it overrides a claim).
pub fn assign(conn: &mut DbConnection, item_id: &str, assignee: &str) -> Result<Outcome, DbError> {
    officer_update(conn, item_id, |conn| {
        diesel::update(
            review_items::table.filter(
                review_items::id
                    .eq(item_id)
                    .and(review_items::status.ne("closed")),
            ),
        )
        .set((
            review_items::assignee.eq(assignee),
            review_items::status.eq("claimed"),
            review_items::updated_at.eq(now_ms()),
        ))
        .execute(conn)
    })
}

/// Reopens a closed item for `user` with a reason (kept as a `reopen` note that also records the
/// disposition being set aside). The only way to change a closed item. An item outside the
/// user's `scope` is `NotFound`.
pub fn reopen(
    conn: &mut DbConnection,
    item_id: &str,
    user: &str,
    reason: &str,
    scope: &Scope,
) -> Result<Outcome, DbError> {
    if !super::scope::visible(conn, item_id, scope)? {
        return Ok(Outcome::NotFound);
    }
    crate::db::transaction_urgent(conn, |conn| {
        let was: Option<Option<String>> = review_items::table
            .filter(
                review_items::id
                    .eq(item_id)
                    .and(review_items::status.eq("closed")),
            )
            .select(review_items::disposition)
            .first(conn)
            .optional()?;
        let Some(was) = was else { return Ok(None) };
        let n = diesel::update(
            review_items::table.filter(
                review_items::id
                    .eq(item_id)
                    .and(review_items::status.eq("closed")),
            ),
        )
        .set((
            review_items::status.eq("reopened"),
            review_items::assignee.eq(user),
            review_items::disposition.eq(None::<String>),
            review_items::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
        if n != 1 {
            return Ok(None);
        }
        let body = format!(
            "Reopened (disposition was {}): {reason}",
            was.as_deref().unwrap_or("none")
        );
        super::notes::insert(conn, item_id, user, &body, "reopen")?;
        Ok::<_, diesel::result::Error>(Some(()))
    })?
    .map_or_else(|| why_not(conn, item_id), |()| Ok(Outcome::Done))
}

/// Reopens a closed item because screening found new evidence after its disposition (a list
/// entry or rule that had not hit when it was decided); inside the caller's transaction. The note
/// names the sources by id. Returns whether the item was closed.
pub fn reopen_for_new_hits(
    conn: &mut DbConnection,
    item_id: &str,
    sources: &[String],
) -> QueryResult<bool> {
    let was: Option<Option<String>> = review_items::table
        .filter(
            review_items::id
                .eq(item_id)
                .and(review_items::status.eq("closed")),
        )
        .select(review_items::disposition)
        .first(conn)
        .optional()?;
    let Some(was) = was else { return Ok(false) };
    diesel::update(review_items::table.filter(review_items::id.eq(item_id)))
        .set((
            review_items::status.eq("reopened"),
            review_items::assignee.eq(None::<String>),
            review_items::disposition.eq(None::<String>),
            review_items::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
    let body = format!(
        "Reopened by screening (disposition was {}): new hits after the disposition from {}",
        was.as_deref().unwrap_or("none"),
        sources.join(", ")
    );
    super::notes::insert(conn, item_id, "system", &body, "reopen")?;
    Ok(true)
}

/// Why an action changed nothing: no such item, or its state.
fn why_not(conn: &mut DbConnection, item_id: &str) -> Result<Outcome, DbError> {
    let status: Option<String> = review_items::table
        .filter(review_items::id.eq(item_id))
        .select(review_items::status)
        .first(conn)
        .optional()?;
    Ok(if status.is_none() {
        Outcome::NotFound
    } else {
        Outcome::Conflict
    })
}

/// The status of an item, if it exists.
pub fn status(conn: &mut DbConnection, item_id: &str) -> Result<Option<String>, DbError> {
    Ok(review_items::table
        .filter(review_items::id.eq(item_id))
        .select(review_items::status)
        .first(conn)
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bands_order_high_over_medium_over_low() {
        assert_eq!(higher_band("medium", "high"), "high");
        assert_eq!(higher_band("high", "low"), "high");
        assert_eq!(higher_band("low", "medium"), "medium");
        assert!(band_rank("high") > band_rank("medium") && band_rank("medium") > band_rank("low"));
    }
}
