//! Notes on review items: what an officer found or did, kept with the item. Closed items take no
//! notes (they are locked); the reason for reopening one is a note of kind `reopen`.

use diesel::prelude::*;
use serde::Serialize;

use super::items::Outcome;
use crate::db::schema::{review_items, review_notes};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// Longest note accepted, in characters.
pub const MAX_NOTE_CHARS: usize = 4000;

/// A note as the API shows it.
#[derive(Debug, Serialize, Queryable)]
pub struct NoteView {
    pub id: String,
    /// The author's user id.
    pub author: String,
    pub kind: String,
    pub body: String,
    #[serde(serialize_with = "crate::auth::serde_time::ms")]
    pub created_at: i64,
}

/// Stores a note without checks (used inside other actions' transactions).
pub(super) fn insert(
    conn: &mut DbConnection,
    item_id: &str,
    author: &str,
    body: &str,
    kind: &str,
) -> QueryResult<String> {
    let id = new_id();
    diesel::insert_into(review_notes::table)
        .values((
            review_notes::id.eq(&id),
            review_notes::item_id.eq(item_id),
            review_notes::author.eq(author),
            review_notes::body.eq(body),
            review_notes::kind.eq(kind),
            review_notes::created_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(id)
}

/// Adds a general note to an open item (`Conflict` when it is closed, `NotFound` outside the
/// author's `scope`). The status check and the insert share a transaction so
/// a note cannot slip onto an item being closed.
pub fn add(
    conn: &mut DbConnection,
    item_id: &str,
    author: &str,
    body: &str,
    scope: &crate::auth::Scope,
) -> Result<(Outcome, Option<String>), DbError> {
    if !super::scope::visible(conn, item_id, scope)? {
        return Ok((Outcome::NotFound, None));
    }
    Ok(crate::db::transaction_urgent(conn, |conn| {
        let status: Option<String> = review_items::table
            .filter(review_items::id.eq(item_id))
            .select(review_items::status)
            .first(conn)
            .optional()?;
        Ok::<_, diesel::result::Error>(match status.as_deref() {
            None => (Outcome::NotFound, None),
            Some("closed") => (Outcome::Conflict, None),
            Some(_) => (
                Outcome::Done,
                Some(insert(conn, item_id, author, body, "general")?),
            ),
        })
    })?)
}

/// The notes of an item, oldest first.
pub fn list(conn: &mut DbConnection, item_id: &str) -> Result<Vec<NoteView>, DbError> {
    Ok(review_notes::table
        .filter(review_notes::item_id.eq(item_id))
        .order((review_notes::created_at.asc(), review_notes::id.asc()))
        .select((
            review_notes::id,
            review_notes::author,
            review_notes::kind,
            review_notes::body,
            review_notes::created_at,
        ))
        .load(conn)?)
}
