//! Raw message bytes at rest. Each message's bytes are sealed (XChaCha20-Poly1305) under a data
//! key of its own, subject `message:ID` in `retention_keys`, wrapped by the retention keyring like
//! every other data key (see `retention::keyring`). Deleting the data key (retention deletes raw
//! bytes at their age) shreds the bytes in the live database at once, and in every backup once
//! the keyring has rotated past the backup window. Every reader and writer of raw bytes goes
//! through this module; they live in `message_bytes`, written once at intake; bytes stored before
//! sealing (`sealed` false) read as they are.

use diesel::prelude::*;

use crate::config::Config;
use crate::db::schema::message_bytes;
use crate::db::{now_ms, DbConnection, DbError};
use crate::retention::crypto;
use crate::retention::keyring::{Keyring, SealingKey};
use crate::retention::RetentionError;

/// The data-key subject of a message's raw bytes.
pub fn subject(message_id: &str) -> String {
    format!("message:{message_id}")
}

fn db_err(e: RetentionError) -> DbError {
    match e {
        RetentionError::Db(d) => d,
        // A missing or broken keyring: nothing is stored unsealed, the caller retries later.
        other => DbError::Unavailable(other.to_string()),
    }
}

/// The key new raw bytes are sealed under (the keyring's current epoch; the keyring is made on
/// the first message of a database that never had one).
pub fn sealing_key(conn: &mut DbConnection, config: &Config) -> Result<SealingKey, DbError> {
    let mut ring = Keyring::open(conn, config, true).map_err(db_err)?;
    ring.sealing_key(now_ms()).map_err(db_err)
}

/// Seals `bytes` as message `id`'s raw bytes, storing its data key; returns what to store in
/// `message_bytes.raw` (with `sealed` true). Runs inside the caller's transaction.
pub fn seal(
    conn: &mut DbConnection,
    sealing: &SealingKey,
    id: &str,
    bytes: &[u8],
) -> Result<Vec<u8>, DbError> {
    crypto::seal_bytes(conn, sealing, &subject(id), bytes).map_err(db_err)
}

/// Message `id`'s raw bytes in clear; `None` when retention deleted them or shredded their key.
pub fn read(
    conn: &mut DbConnection,
    config: &Config,
    id: &str,
) -> Result<Option<Vec<u8>>, DbError> {
    let row: Option<(Vec<u8>, bool)> = message_bytes::table
        .filter(message_bytes::message_id.eq(id))
        .select((message_bytes::raw, message_bytes::sealed))
        .first(conn)
        .optional()?;
    match row {
        Some((stored, true)) => {
            let ring = Keyring::open(conn, config, false).map_err(db_err)?;
            crypto::open_bytes(conn, &ring, &subject(id), &stored).map_err(db_err)
        }
        Some((stored, false)) => Ok(Some(stored)),
        None => Ok(None),
    }
}

/// Stores message `id`'s raw bytes as `seal` returned them (intake, in its transaction).
pub fn insert_sealed(conn: &mut DbConnection, id: &str, sealed: &[u8]) -> QueryResult<()> {
    diesel::insert_into(message_bytes::table)
        .values((
            message_bytes::message_id.eq(id),
            message_bytes::raw.eq(sealed),
            message_bytes::sealed.eq(true),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces message `id`'s raw bytes (the sensitive-data filter's redaction), sealed anew.
pub fn rewrite(
    conn: &mut DbConnection,
    config: &Config,
    id: &str,
    bytes: &[u8],
) -> Result<(), DbError> {
    let sealing = sealing_key(conn, config)?;
    let sealed = seal(conn, &sealing, id, bytes)?;
    diesel::update(message_bytes::table.filter(message_bytes::message_id.eq(id)))
        .set((
            message_bytes::raw.eq(sealed),
            message_bytes::sealed.eq(true),
        ))
        .execute(conn)?;
    Ok(())
}

/// Seals the raw bytes of messages stored before sealing existed, in batches (retention runs call
/// it, so an upgraded install's raw messages are sealed by its first run). Returns how many.
pub fn seal_stored(conn: &mut DbConnection, sealing: &SealingKey) -> Result<usize, DbError> {
    let mut n = 0;
    loop {
        let ids: Vec<String> = message_bytes::table
            .filter(message_bytes::sealed.eq(false))
            .select(message_bytes::message_id)
            .order(message_bytes::message_id)
            .limit(200)
            .load(conn)?;
        if ids.is_empty() {
            return Ok(n);
        }
        for id in &ids {
            crate::db::transaction(conn, |c| {
                // Claim the row first, so a concurrent writer of the same bytes waits for us.
                let mine = message_bytes::table.filter(
                    message_bytes::message_id
                        .eq(id)
                        .and(message_bytes::sealed.eq(false)),
                );
                let claimed = diesel::update(mine)
                    .set(message_bytes::sealed.eq(true))
                    .execute(c)?;
                let clear: Option<Vec<u8>> = message_bytes::table
                    .filter(message_bytes::message_id.eq(id))
                    .select(message_bytes::raw)
                    .first(c)
                    .optional()?;
                if let (1, Some(clear)) = (claimed, clear) {
                    let sealed = seal(c, sealing, id, &clear)?;
                    diesel::update(message_bytes::table.filter(message_bytes::message_id.eq(id)))
                        .set(message_bytes::raw.eq(sealed))
                        .execute(c)?;
                    n += 1;
                }
                Ok::<_, DbError>(())
            })?;
        }
    }
}

/// Deletes the raw bytes of `ids` and destroys their data keys (retention).
pub fn delete(conn: &mut DbConnection, ids: &[String]) -> QueryResult<usize> {
    let subjects: Vec<String> = ids.iter().map(|id| subject(id)).collect();
    crypto::shred(conn, &subjects)?;
    diesel::delete(message_bytes::table.filter(message_bytes::message_id.eq_any(ids))).execute(conn)
}
