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

/// A message claimed by this worker: the lease is ours while `attempts` is unchanged.
#[derive(Debug, QueryableByName)]
pub struct Claim {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub id: String,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub attempts: i32,
}

/// Claims the oldest message that is the head of its flight: no older message naming the same
/// flight (`order_key`) is still waiting or being processed, so the messages of one flight are
/// loaded in the order they were received, however many workers share the database. On
/// PostgreSQL the candidate row is locked with `SKIP LOCKED`, so concurrent workers take different
/// messages; an older message that another worker is claiming at that moment still counts as
/// waiting, which keeps the order.
pub fn claim_next(conn: &mut DbConnection) -> Result<Option<Claim>, DbError> {
    let now = now_ms();
    let candidate = "SELECT m.id FROM messages m {hint} \
         WHERE m.state IN ('received', 'processing') \
         AND (m.state = 'received' OR m.lease_until < $1) \
         AND (m.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM messages o \
              WHERE o.order_key = m.order_key AND o.state IN ('received', 'processing') \
              AND (o.received_at < m.received_at OR (o.received_at = m.received_at AND o.id < m.id)))) \
         ORDER BY m.received_at, m.id LIMIT 1";
    let update = |hint: &str, lock: &str| {
        format!(
            "UPDATE messages SET state = 'processing', lease_until = $2, attempts = attempts + 1, \
             updated_at = $1 WHERE id = ({}{lock}) RETURNING id, attempts",
            candidate.replace("{hint}", hint)
        )
    };
    let claimed = crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        claim_in(conn, &update, now)
    })?;
    Ok(claimed)
}

fn claim_in(
    conn: &mut DbConnection,
    update: &dyn Fn(&str, &str) -> String,
    now: i64,
) -> QueryResult<Option<Claim>> {
    use diesel::sql_types::BigInt;
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query(update("", " FOR UPDATE SKIP LOCKED"))
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(now + crate::config::lease_ms())
            .get_result::<Claim>(pg)
            .optional(),
        // Numbered parameters: SQLite numbers `$N` names by first appearance. The waiting
        // messages' index holds every column the claim tests: the table rows hold the raw bytes
        // before those columns, and reading past them would walk each message's overflow pages.
        DbConnection::Sqlite(lite) => {
            diesel::sql_query(update("INDEXED BY messages_waiting", "").replace('$', "?"))
                .bind::<BigInt, _>(now)
                .bind::<BigInt, _>(now + crate::config::lease_ms())
                .get_result::<Claim>(lite)
                .optional()
        }
    }
}

/// The flight a message names, as intake records it for ordering (the key the flight is stored
/// under), or `None` when no flight can be read: then the message waits for no other.
pub fn order_key(bytes: &[u8]) -> Option<String> {
    paxrisk_parsers::parse(bytes).iter().find_map(|m| match m {
        Message::Paxlst(manifest) => load::flight_key(&manifest.flight),
        Message::Pnrgov(push) => load::flight_key(&load::pushed_flight(push, &mut Vec::new())),
        Message::Other(_) => None,
    })
}

/// Parses and loads one claimed message. Bad input ends in state `failed` with diagnostics; it
/// never returns an error for the message's content. The loading transaction commits only while
/// the claim still holds (no other worker took the message over after our lease ran out), so a
/// message is loaded exactly once; a lost lease is reported as [`LeaseLost`] and changes nothing.
pub fn process(
    conn: &mut DbConnection,
    claim: &Claim,
    config: &crate::config::Config,
) -> Result<(), DbError> {
    let id = claim.id.as_str();
    let received_at: i64 = messages::table
        .filter(messages::id.eq(id))
        .select(messages::received_at)
        .first(conn)?;
    let raw = super::raw::read(conn, config, id)?;
    let Some(raw) = raw else {
        return set_state(
            conn,
            claim,
            "failed",
            None,
            &serde_json::json!([{"severity": "error", "segment": "", "position": 0,
            "message": "the message's bytes were deleted by retention before it was processed"}]),
        );
    };
    if claim.attempts > MAX_ATTEMPTS {
        return set_state(
            conn,
            claim,
            "failed",
            None,
            &serde_json::json!([{"severity": "error", "segment": "", "position": 0,
            "message": "processing was interrupted too many times; the message is kept for an administrator"}]),
        );
    }
    let parsed = paxrisk_parsers::parse(&raw);
    // Sensitive data (religion, health, ...) never reach the store: filtered here, before loading.
    let parsed = crate::retention::sensitive::filter_messages(conn, config, id, parsed)?;
    let mut diagnostics = Vec::new();
    let mut message_type = None;
    let mut loaded_any = false;
    let origin = Origin {
        message_id: id,
        received_at,
        home_country: config.home_country.as_deref(),
    };
    crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        for m in &parsed {
            match m {
                Message::Paxlst(manifest) => {
                    message_type.get_or_insert("PAXLST");
                    diagnostics.extend(manifest.diagnostics.iter().cloned());
                    if let Some(flight_id) = load::load_manifest(conn, manifest, &origin)? {
                        loaded_any = true;
                        // A part loads at once; its set is tracked until complete or timed out.
                        super::parts::record(
                            conn,
                            manifest,
                            &flight_id,
                            &manifest.flight.carrier,
                            &origin,
                            &mut diagnostics,
                        )?;
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
        set_state(conn, claim, state, message_type, &diags)
    })
}

/// Gives a claimed message back after processing failed for a reason other than its content (the
/// database went away, a deadlock): it is claimed again at once rather than when the lease runs
/// out. `attempts` still counts the try, so a message that keeps failing ends `failed`.
pub fn release(conn: &mut DbConnection, claim: &Claim) -> Result<(), DbError> {
    diesel::update(
        messages::table.filter(
            messages::id
                .eq(&claim.id)
                .and(messages::attempts.eq(claim.attempts))
                .and(messages::state.eq("processing")),
        ),
    )
    .set((
        messages::state.eq("received"),
        messages::lease_until.eq(None::<i64>),
    ))
    .execute(conn)?;
    Ok(())
}

/// The lease on a message ran out and another worker claimed it: this worker's work on it was
/// rolled back.
#[derive(Debug)]
pub struct LeaseLost;

impl std::fmt::Display for LeaseLost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the claim on the message was taken over by another worker")
    }
}

impl std::error::Error for LeaseLost {}

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

/// Records the outcome of processing, if the claim still holds; otherwise rolls back (inside a
/// transaction) with [`LeaseLost`]. Loaded messages take the next load order number.
fn set_state(
    conn: &mut DbConnection,
    claim: &Claim,
    state: &str,
    message_type: Option<&str>,
    diagnostics: &serde_json::Value,
) -> Result<(), DbError> {
    let load_order = if state == "loaded" {
        Some(next_load_order(conn)?)
    } else {
        None
    };
    let updated = diesel::update(
        messages::table.filter(
            messages::id
                .eq(&claim.id)
                .and(messages::attempts.eq(claim.attempts))
                .and(messages::state.eq("processing")),
        ),
    )
    .set((
        messages::state.eq(state),
        messages::message_type.eq(message_type),
        messages::diagnostics.eq(diagnostics.to_string()),
        messages::lease_until.eq(None::<i64>),
        messages::load_order.eq(load_order),
        messages::updated_at.eq(now_ms()),
    ))
    .execute(conn)?;
    if updated == 0 {
        return Err(DbError::Query(diesel::result::Error::QueryBuilderError(
            Box::new(LeaseLost),
        )));
    }
    Ok(())
}

#[derive(QueryableByName)]
struct NextOrder {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The next load order number: a sequence on PostgreSQL; on SQLite, whose writers take turns,
/// one more than the largest.
fn next_load_order(conn: &mut DbConnection) -> Result<i64, DbError> {
    let next = match conn {
        DbConnection::Pg(pg) => diesel::sql_query("SELECT nextval('message_load_order') AS n")
            .get_result::<NextOrder>(pg)?,
        DbConnection::Sqlite(lite) => {
            diesel::sql_query("SELECT COALESCE(MAX(load_order), 0) + 1 AS n FROM messages")
                .get_result::<NextOrder>(lite)?
        }
    };
    Ok(next.n)
}

/// Marks the loaded messages of a flight screened once its screening job is done.
pub fn mark_screened(conn: &mut DbConnection, message_ids: &[String]) -> QueryResult<()> {
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
