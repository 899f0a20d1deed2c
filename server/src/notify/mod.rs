//! E-mail notifications: to subscribed officers when a traveller of a flight arriving soon enters
//! the high band, and to account holders on account events.
//!
//! Events are written to an outbox table (`notify_events`) in the same transaction as the change
//! that causes them, so no item is created without its notification and a crash loses nothing;
//! a background sender turns them into mail (lettre: SMTP, or `.eml` files) and sends it. Mail
//! names flights and item ids, never a traveller: e-mail is not a channel for personal data.

mod mail;
mod sender;

use diesel::prelude::*;

use crate::db::schema::notify_events;
use crate::db::{new_id, now_ms, DbConnection};

pub use sender::start;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A review item entered the high band (object: the item).
    HighItem,
    /// An account was created (object: the user).
    AccountCreated,
    /// An account was disabled.
    AccountDisabled,
    /// An account was enabled again.
    AccountEnabled,
    /// An account was locked after failed logins.
    AccountLocked,
    /// An API key was issued to an account.
    KeyIssued,
    /// An API key of an account was revoked.
    KeyRevoked,
}

impl Kind {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::HighItem => "high_item",
            Kind::AccountCreated => "account.created",
            Kind::AccountDisabled => "account.disabled",
            Kind::AccountEnabled => "account.enabled",
            Kind::AccountLocked => "account.locked",
            Kind::KeyIssued => "key.issued",
            Kind::KeyRevoked => "key.revoked",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Kind> {
        [
            Kind::HighItem,
            Kind::AccountCreated,
            Kind::AccountDisabled,
            Kind::AccountEnabled,
            Kind::AccountLocked,
            Kind::KeyIssued,
            Kind::KeyRevoked,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }
}

/// Records an event once per `key` (a repeat is a no-op). Safe inside a caller's transaction on
/// both backends: a duplicate is skipped with `ON CONFLICT DO NOTHING`, never by a failed insert
/// (which would abort a PostgreSQL transaction).
pub fn enqueue(conn: &mut DbConnection, kind: Kind, object_id: &str, key: &str) -> QueryResult<()> {
    let now = now_ms();
    let row = (
        notify_events::id.eq(new_id()),
        notify_events::key.eq(key),
        notify_events::kind.eq(kind.as_str()),
        notify_events::object_id.eq(object_id),
        notify_events::state.eq("pending"),
        notify_events::attempts.eq(0),
        notify_events::detail.eq(""),
        notify_events::created_at.eq(now),
        notify_events::updated_at.eq(now),
    );
    let insert = diesel::insert_into(notify_events::table).values(row);
    match conn {
        DbConnection::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
        DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
    };
    Ok(())
}

/// Notes that review items entered the high band; each item is mailed about once. Called by
/// `review::items` whenever an item is created in, or raised to, the high band (so screening
/// needs no call of its own); harmless to call again for the same items.
pub fn new_high_hits(conn: &mut DbConnection, item_ids: &[String]) -> QueryResult<()> {
    for id in item_ids {
        enqueue(conn, Kind::HighItem, id, &format!("high_item:{id}"))?;
    }
    Ok(())
}

/// Notes an account event for the user's own address.
pub fn account_event(conn: &mut DbConnection, kind: Kind, user_id: &str) -> QueryResult<()> {
    enqueue(
        conn,
        kind,
        user_id,
        &format!("{}:{user_id}:{}", kind.as_str(), new_id()),
    )
}

#[cfg(test)]
mod tests {
    use super::Kind;

    #[test]
    fn kinds_round_trip() {
        for k in [Kind::HighItem, Kind::AccountLocked, Kind::KeyRevoked] {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("nope"), None);
    }
}
