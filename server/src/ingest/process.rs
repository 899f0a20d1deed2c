//! Processing: claim a received message, parse it, load it in one transaction, and record its
//! state and diagnostics. A crash at any point leaves the message `received` or `processing` with
//! an expired lease, so it is claimed again; loading is idempotent per message.

use diesel::prelude::*;
use paxrisk_parsers::{Message, Severity};

use super::load::{self, Origin};
use crate::db::schema::messages;
use crate::db::{now_ms, DbConnection, DbError};

/// After this many failed attempts (crashes, not bad input) a message is marked failed.
const MAX_ATTEMPTS: i32 = 5;

/// Claims the oldest message waiting to be processed, if any.
pub fn claim_next(conn: &mut DbConnection) -> Result<Option<String>, DbError> {
    let now = now_ms();
    let claimed = crate::db::transaction(conn, |conn| {
        let waiting = messages::table
            .filter(
                messages::state.eq("received").or(messages::state
                    .eq("processing")
                    .and(messages::lease_until.lt(now))),
            )
            .order(messages::received_at.asc())
            .select(messages::id);
        let id: Option<String> = match conn {
            DbConnection::Pg(pg) => waiting.for_update().skip_locked().first(pg).optional()?,
            DbConnection::Sqlite(lite) => waiting.first(lite).optional()?,
        };
        if let Some(id) = &id {
            diesel::update(messages::table.filter(messages::id.eq(id)))
                .set((
                    messages::state.eq("processing"),
                    messages::lease_until.eq(now + crate::config::lease_ms()),
                    messages::attempts.eq(messages::attempts + 1),
                    messages::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(id)
    })?;
    Ok(claimed)
}

/// Parses and loads one claimed message. Bad input ends in state `failed` with diagnostics; it
/// never returns an error for the message's content.
pub fn process(
    conn: &mut DbConnection,
    id: &str,
    home_country: Option<&str>,
) -> Result<(), DbError> {
    let (raw, received_at, attempts): (Option<Vec<u8>>, i64, i32) = messages::table
        .filter(messages::id.eq(id))
        .select((messages::raw, messages::received_at, messages::attempts))
        .first(conn)?;
    let Some(raw) = raw else {
        return set_state(
            conn,
            id,
            "failed",
            None,
            &serde_json::json!([{"severity": "error", "segment": "", "position": 0,
            "message": "the message's bytes were deleted by retention before it was processed"}]),
        );
    };
    if attempts > MAX_ATTEMPTS {
        return set_state(
            conn,
            id,
            "failed",
            None,
            &serde_json::json!([{"severity": "error", "segment": "", "position": 0,
            "message": "processing was interrupted too many times; the message is kept for an administrator"}]),
        );
    }
    let parsed = paxrisk_parsers::parse(&raw);
    // Sensitive data (religion, health, ...) never reach the store: filtered here, before loading.
    let parsed = crate::retention::sensitive::filter_messages(conn, id, parsed)?;
    let mut diagnostics = Vec::new();
    let mut message_type = None;
    let mut loaded_any = false;
    let origin = Origin {
        message_id: id,
        received_at,
        home_country,
    };
    crate::db::transaction(conn, |conn| {
        for m in &parsed {
            match m {
                Message::Paxlst(manifest) => {
                    message_type.get_or_insert("PAXLST");
                    diagnostics.extend(manifest.diagnostics.iter().cloned());
                    if load::load_manifest(conn, manifest, &origin)?.is_some() {
                        loaded_any = true;
                    } else {
                        diagnostics.push(no_flight());
                    }
                }
                Message::Pnrgov(push) => {
                    message_type.get_or_insert("PNRGOV");
                    diagnostics.extend(push.diagnostics.iter().cloned());
                    if load::load_pnrs(conn, push, &origin, &mut diagnostics)?.is_some() {
                        loaded_any = true;
                    } else {
                        diagnostics.push(no_flight());
                    }
                }
                Message::Other(other) => {
                    diagnostics.extend(other.diagnostics.iter().cloned());
                }
            }
        }
        let state = if loaded_any { "loaded" } else { "failed" };
        let diags = serde_json::to_value(&diagnostics).unwrap_or_default();
        set_state(conn, id, state, message_type, &diags).map_err(|e| match e {
            DbError::Query(q) => q,
            other => diesel::result::Error::QueryBuilderError(other.to_string().into()),
        })?;
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(())
}

fn no_flight() -> paxrisk_parsers::Diagnostic {
    paxrisk_parsers::Diagnostic {
        severity: Severity::Error,
        segment: "TDT".into(),
        position: 0,
        index: None,
        message: "the message names no usable flight (carrier, number, origin and departure are needed); \
                  its travellers could not be loaded"
            .into(),
    }
}

fn set_state(
    conn: &mut DbConnection,
    id: &str,
    state: &str,
    message_type: Option<&str>,
    diagnostics: &serde_json::Value,
) -> Result<(), DbError> {
    diesel::update(messages::table.filter(messages::id.eq(id)))
        .set((
            messages::state.eq(state),
            messages::message_type.eq(message_type),
            messages::diagnostics.eq(diagnostics.to_string()),
            messages::lease_until.eq(None::<i64>),
            messages::updated_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks the loaded messages of a flight screened once its screening job is done.
pub fn mark_screened(conn: &mut DbConnection, message_ids: &[String]) -> Result<(), DbError> {
    diesel::update(
        messages::table.filter(
            messages::id
                .eq_any(message_ids)
                .and(messages::state.eq("loaded")),
        ),
    )
    .set((
        messages::state.eq("screened"),
        messages::updated_at.eq(now_ms()),
    ))
    .execute(conn)?;
    Ok(())
}
