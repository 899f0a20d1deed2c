//! Who keeps their data past the unlinked-deletion age, and who may not be deleted at all.
//!
//! An open review item (any status but `closed`) is an open case: it holds its traveller's data
//! from deletion, never from masking; closing the item releases the hold. A confirmed hit (an item
//! closed as `resultant`) is the objective link C-817/19 asks for: the traveller is retained,
//! masked, until the retained-deletion age.

use std::collections::HashSet;

use diesel::prelude::*;

use crate::db::schema::review_items;
use crate::db::{DbConnection, DbError};

/// The disposition that confirms a hit.
pub const CONFIRMED: &str = "resultant";

/// Who is held and who is retained, as of one run.
#[derive(Debug, Default)]
pub struct Holds {
    /// Travellers with an open case: never deleted while it is open.
    pub held: HashSet<String>,
    /// Travellers with an open case or a confirmed hit: kept (masked) past the unlinked age.
    pub retained: HashSet<String>,
}

/// Reads the holds from the review items.
pub fn load(conn: &mut DbConnection) -> Result<Holds, DbError> {
    let rows: Vec<(String, String, Option<String>)> = review_items::table
        .filter(
            review_items::status
                .ne("closed")
                .or(review_items::disposition.eq(CONFIRMED)),
        )
        .select((
            review_items::traveller_id,
            review_items::status,
            review_items::disposition,
        ))
        .load(conn)?;
    let mut h = Holds::default();
    for (traveller, status, _) in rows {
        if status != "closed" {
            h.held.insert(traveller.clone());
        }
        h.retained.insert(traveller);
    }
    Ok(h)
}
