//! Intake: raw bytes are committed to the store, keyed by SHA-256, before anything is
//! acknowledged. A repeat of the same bytes returns the first message's id.

use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::db::schema::messages;
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// Where a message came from.
#[derive(Debug, Clone, Copy)]
pub enum Source {
    Http,
    Folder,
    Cli,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Http => "http",
            Source::Folder => "folder",
            Source::Cli => "cli",
        }
    }
}

/// What intake answers: the message id and its state; `duplicate` when the bytes were known.
#[derive(Debug, Serialize)]
pub struct Accepted {
    pub id: String,
    pub status: String,
    #[serde(skip)]
    pub duplicate: bool,
}

/// Stores a message's raw bytes (state `received`), sealed under a data key of its own (see
/// `raw`), and returns its id.
pub fn accept(
    conn: &mut DbConnection,
    config: &Config,
    bytes: &[u8],
    carrier: Option<&str>,
    account_id: Option<&str>,
    source: Source,
) -> Result<Accepted, DbError> {
    let sha = hex::encode(Sha256::digest(bytes));
    if let Some(found) = find_by_sha(conn, &sha)? {
        return Ok(found);
    }
    let sealing = super::raw::sealing_key(conn, config)?;
    durably(conn, |conn| {
        store(conn, &sealing, &sha, bytes, carrier, account_id, source)
    })
}

/// Stores several messages in one transaction, with one durable commit for all (the command
/// line's bulk intake: nothing is acknowledged before the commit, and a failure stores none of
/// them, so the command can simply be run again). One answer per message, in order.
pub fn accept_batch(
    conn: &mut DbConnection,
    config: &Config,
    messages: &[Vec<u8>],
    source: Source,
) -> Result<Vec<Accepted>, DbError> {
    let sealing = super::raw::sealing_key(conn, config)?;
    durably(conn, |conn| {
        messages
            .iter()
            .map(|bytes| {
                let sha = hex::encode(Sha256::digest(bytes));
                match find_by_sha(conn, &sha)? {
                    Some(found) => Ok(found),
                    None => store(conn, &sealing, &sha, bytes, None, None, source),
                }
            })
            .collect()
    })
}

/// Runs `f` in a transaction whose commit waits for the disk (what the 202 promises; on SQLite,
/// whose commits otherwise do not wait).
fn durably<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, DbError>,
) -> Result<T, DbError> {
    crate::db::sqlite_full_sync(conn, true)?;
    let done = crate::db::transaction(conn, f);
    crate::db::sqlite_full_sync(conn, false)?;
    done
}

/// Inserts one message whose SHA-256 was not found (in a savepoint when a transaction is open).
fn store(
    conn: &mut DbConnection,
    sealing: &crate::retention::keyring::SealingKey,
    sha: &str,
    bytes: &[u8],
    carrier: Option<&str>,
    account_id: Option<&str>,
    source: Source,
) -> Result<Accepted, DbError> {
    let id = new_id();
    let order_key = super::process::order_key(bytes);
    let now = now_ms();
    let inserted = crate::db::transaction(conn, |conn| {
        let sealed = super::raw::seal(conn, sealing, &id, bytes)?;
        diesel::insert_into(messages::table)
            .values((
                messages::id.eq(&id),
                messages::sha256.eq(sha),
                messages::carrier.eq(carrier),
                messages::account_id.eq(account_id),
                messages::source.eq(source.as_str()),
                messages::received_at.eq(now),
                messages::state.eq("received"),
                messages::diagnostics.eq("[]"),
                messages::size.eq(bytes.len() as i64),
                messages::attempts.eq(0),
                messages::updated_at.eq(now),
                messages::order_key.eq(&order_key),
            ))
            .execute(conn)?;
        super::raw::insert_sealed(conn, &id, &sealed)?;
        Ok::<_, DbError>(())
    });
    match inserted {
        Ok(_) => Ok(Accepted {
            id,
            status: "received".into(),
            duplicate: false,
        }),
        // Another request stored the same bytes between our look-up and insert.
        Err(DbError::Query(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        ))) => {
            find_by_sha(conn, sha)?.ok_or_else(|| DbError::Unavailable("message vanished".into()))
        }
        Err(e) => Err(e),
    }
}

fn find_by_sha(conn: &mut DbConnection, sha: &str) -> Result<Option<Accepted>, DbError> {
    let found: Option<(String, String)> = messages::table
        .filter(messages::sha256.eq(sha))
        .select((messages::id, messages::state))
        .first(conn)
        .optional()?;
    Ok(found.map(|(id, status)| Accepted {
        id,
        status,
        duplicate: true,
    }))
}

/// A message's state as its sender and staff see it.
#[derive(Debug, Serialize)]
pub struct MessageStatus {
    pub id: String,
    pub status: String,
    #[serde(rename = "type")]
    pub message_type: Option<String>,
    pub carrier: Option<String>,
    pub received_at: String,
    pub size: i64,
    pub diagnostics: serde_json::Value,
    /// For a part of a multi-part manifest: its number, the set's size and state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<super::parts::MessagePart>,
}

/// Reads a message's state. `carrier` set (an airline caller) hides other carriers' messages.
pub fn status(
    conn: &mut DbConnection,
    id: &str,
    carrier: Option<&str>,
) -> Result<Option<MessageStatus>, DbError> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        String,
    );
    let row: Option<Row> = messages::table
        .filter(messages::id.eq(id))
        .select((
            messages::id,
            messages::state,
            messages::message_type,
            messages::carrier,
            messages::received_at,
            messages::size,
            messages::diagnostics,
        ))
        .first(conn)
        .optional()?;
    let Some(mut status) = row.and_then(
        |(id, status, message_type, msg_carrier, received, size, diags)| {
            if carrier.is_some() && carrier != msg_carrier.as_deref() {
                return None;
            }
            Some(MessageStatus {
                id,
                status,
                message_type,
                carrier: msg_carrier,
                received_at: crate::api::rfc3339(received),
                size,
                diagnostics: serde_json::from_str(&diags).unwrap_or_default(),
                parts: None,
            })
        },
    ) else {
        return Ok(None);
    };
    status.parts = super::parts::of_message(conn, &status.id)?;
    Ok(Some(status))
}

/// The latest messages, newest first; `carrier` set shows only that carrier's.
pub fn recent(
    conn: &mut DbConnection,
    carrier: Option<&str>,
    limit: i64,
) -> Result<Vec<serde_json::Value>, DbError> {
    type Row = (
        String,
        String,
        Option<String>,
        Option<String>,
        i64,
        i64,
        String,
    );
    let mut q = messages::table
        .select((
            messages::id,
            messages::state,
            messages::message_type,
            messages::carrier,
            messages::received_at,
            messages::size,
            messages::diagnostics,
        ))
        .order(messages::received_at.desc())
        .limit(limit)
        .into_boxed();
    if let Some(c) = carrier {
        q = q.filter(messages::carrier.eq(c));
    }
    let rows: Vec<Row> = q.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, state, ty, carrier, received, size, diags)| {
            let diags: serde_json::Value = serde_json::from_str(&diags).unwrap_or_default();
            serde_json::json!({"id": id, "status": state, "type": ty, "carrier": carrier,
                "received_at": crate::api::rfc3339(received), "size": size,
                "diagnostics": diags.as_array().map(|a| a.len()).unwrap_or(0)})
        })
        .collect())
}
