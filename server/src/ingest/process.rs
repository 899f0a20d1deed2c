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
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub received_at: i64,
}

/// Claims up to `max` of the oldest messages that are the heads of their flights: no older
/// message naming the same flight (`order_key`) is still waiting or being processed, so the
/// messages of one flight are loaded in the order they were received, however many workers share
/// the database, and no two claimed messages are of one flight. On PostgreSQL the candidate rows
/// are locked with `SKIP LOCKED`, so concurrent workers take different messages; an older message
/// that another worker is claiming at that moment still counts as waiting, which keeps the order.
/// The claims come back oldest first.
pub fn claim_batch(conn: &mut DbConnection, max: usize) -> Result<Vec<Claim>, DbError> {
    let now = now_ms();
    let candidate = "SELECT m.id FROM messages m {hint} \
         WHERE m.state IN ('received', 'processing') \
         AND (m.state = 'received' OR m.lease_until < $1) \
         AND (m.order_key IS NULL OR NOT EXISTS (SELECT 1 FROM messages o \
              WHERE o.order_key = m.order_key AND o.state IN ('received', 'processing') \
              AND (o.received_at < m.received_at OR (o.received_at = m.received_at AND o.id < m.id)))) \
         ORDER BY m.received_at, m.id LIMIT {max}";
    let update = |hint: &str, lock: &str| {
        format!(
            "UPDATE messages SET state = 'processing', lease_until = $2, attempts = attempts + 1, \
             updated_at = $1 WHERE id IN ({}{lock}) RETURNING id, attempts, received_at",
            candidate
                .replace("{hint}", hint)
                .replace("{max}", &max.max(1).to_string())
        )
    };
    let mut claimed = crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        claim_in(conn, &update, now)
    })?;
    claimed.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
    Ok(claimed)
}

fn claim_in(
    conn: &mut DbConnection,
    update: &dyn Fn(&str, &str) -> String,
    now: i64,
) -> QueryResult<Vec<Claim>> {
    use diesel::sql_types::BigInt;
    match conn {
        DbConnection::Pg(pg) => diesel::sql_query(update("", " FOR UPDATE SKIP LOCKED"))
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(now + crate::config::lease_ms())
            .load::<Claim>(pg),
        // Numbered parameters: SQLite numbers `$N` names by first appearance. The waiting
        // messages' index holds every column the claim tests, so the claim reads nothing else.
        DbConnection::Sqlite(lite) => {
            diesel::sql_query(update("INDEXED BY messages_waiting", "").replace('$', "?"))
                .bind::<BigInt, _>(now)
                .bind::<BigInt, _>(now + crate::config::lease_ms())
                .load::<Claim>(lite)
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

/// A claimed message read and parsed, ready to load (reading and parsing need no write lock).
enum Prepared {
    /// Parsed, with sensitive data filtered out (what was removed is counted, and masked in the
    /// stored bytes, when it loads).
    /// Each message's travellers' values that depend on them alone come with it (worked out here,
    /// before the write transaction), and the plan of its load ([`load::plan`]), taken by the
    /// first transaction that loads it (one that loads it again after a rollback plans anew).
    Parsed(Vec<Parsed>, Option<crate::retention::sensitive::Removed>),
    /// Fails without loading, for this reason.
    Fails(&'static str),
}

/// One message of a claimed interchange, ready to load.
struct Parsed {
    message: Message,
    derived: Vec<load::Derived>,
    planned: std::cell::Cell<Option<load::Planned>>,
}

/// Reads and parses one claimed message.
/// `key` is the database's link key, read by the batch's first message that needs it.
fn prepare(
    conn: &mut DbConnection,
    claim: &Claim,
    config: &crate::config::Config,
    key: &mut Option<crate::links::derive::LinkKey>,
) -> Result<Prepared, DbError> {
    let Some(raw) = super::raw::read(conn, config, &claim.id)? else {
        return Ok(Prepared::Fails(
            "the message's bytes were deleted by retention before it was processed",
        ));
    };
    if claim.attempts > MAX_ATTEMPTS {
        return Ok(Prepared::Fails(
            "processing was interrupted too many times; the message is kept for an administrator",
        ));
    }
    // Sensitive data (religion, health, ...) never reach the store: filtered here, before loading.
    let mut parsed = paxrisk_parsers::parse(&raw);
    let removed = crate::retention::sensitive::filter_parsed(conn, &raw, &mut parsed)?;
    let origin = Origin {
        message_id: &claim.id,
        received_at: claim.received_at,
        home_country: config.home_country.as_deref(),
    };
    let key = match key {
        Some(k) => k,
        None => key.insert(crate::links::store::key(conn)?),
    };
    let parsed = parsed
        .into_iter()
        .map(|message| {
            let derived = load::Derived::of_message(&message);
            let planned = load::plan(conn, &message, &derived, &origin, key)?;
            Ok(Parsed {
                message,
                derived,
                planned: std::cell::Cell::new(planned),
            })
        })
        .collect::<Result<_, DbError>>()?;
    Ok(Prepared::Parsed(parsed, removed))
}

/// What became of a batch's messages: loaded (or failed for their content, which is also done),
/// lost (the lease ran out and another worker has the message; rolled back), or an error other
/// than their content (rolled back and given back).
pub struct BatchOutcome {
    pub loaded: usize,
    pub lost: usize,
    pub errors: Vec<DbError>,
    /// Transactions committed (more than one when the batch let urgent writers in).
    pub commits: usize,
}

/// Processes claimed messages (of different flights, as [`claim_batch`] gives them) in one
/// transaction (one commit, and on SQLite one write of each page they share, instead of one per
/// message). When every load succeeds that is all; otherwise the transaction is rolled back and
/// the batch loaded again with a savepoint per message: a message whose load fails for a reason
/// other than its content, or whose lease was lost, is rolled back alone, and the others commit
/// together. Failed ones are given back after the commit; if the commit itself fails, all are.
pub fn process_batch(
    conn: &mut DbConnection,
    claims: &[Claim],
    config: &crate::config::Config,
) -> BatchOutcome {
    process_batch_yielding(conn, claims, config, &crate::db::urgent_waiting)
}

/// [`process_batch`], committing early when `urgent()` says someone waits for the writer.
fn process_batch_yielding(
    conn: &mut DbConnection,
    claims: &[Claim],
    config: &crate::config::Config,
    urgent: &dyn Fn() -> bool,
) -> BatchOutcome {
    let mut prepared = Vec::with_capacity(claims.len());
    let mut outcome = BatchOutcome {
        loaded: 0,
        lost: 0,
        errors: Vec::new(),
        commits: 0,
    };
    let mut give_back = Vec::new();
    // A batch stops starting new loads once a quarter of the lease is gone, so that no claim runs
    // out while it waits its turn (another worker would take it over and this load be wasted);
    // the rest go back without counting as an attempt.
    let started = std::time::Instant::now();
    let budget = std::time::Duration::from_millis(crate::config::lease_ms().max(0) as u64 / 4);
    let mut unstarted = Vec::new();
    let mut key = None;
    for claim in claims {
        // The first message is always worked on, however long it takes, so the batch progresses.
        if !prepared.is_empty() && started.elapsed() > budget {
            unstarted.push(claim);
            continue;
        }
        match prepare(conn, claim, config, &mut key) {
            Ok(p) => prepared.push((claim, p)),
            Err(e) => {
                give_back.push(claim);
                outcome.errors.push(e);
            }
        }
    }
    // Loads rarely fail for a reason other than their content, so the batch is first loaded
    // without savepoints (on SQLite each page first changed under a savepoint is copied into its
    // journal); only if a load fails is the rest rolled back and loaded again, a savepoint each.
    // When someone urgent waits for SQLite's writer, the transaction commits after the message it
    // is loading and the rest follow in the next one.
    let due = || started.elapsed() <= budget;
    let mut rest: &[(&Claim, Prepared)] = &prepared;
    let mut savepoints = rest.len() <= 1;
    while !rest.is_empty() {
        let mut done = Loaded::default();
        match load_batch(conn, rest, config, &due, urgent, savepoints, &mut done) {
            Ok(()) => {
                outcome.commits += 1;
                outcome.loaded += done.loaded;
                outcome.lost += done.lost;
                for (claim, e) in done.failed {
                    give_back.push(claim);
                    outcome.errors.push(e);
                }
                unstarted.extend(done.unstarted);
                let Some(n) = done.yielded_after else { break };
                rest = &rest[n..];
            }
            Err(_) if !savepoints => savepoints = true,
            Err(e) => {
                // Nothing of this transaction committed: every message of it that was worked on
                // goes back, counted.
                give_back.extend(
                    rest.iter()
                        .map(|(c, _)| *c)
                        .filter(|c| !done.unstarted.iter().any(|u| u.id == c.id)),
                );
                unstarted.extend(done.unstarted);
                outcome.errors.push(e);
                break;
            }
        }
    }
    release_all(conn, give_back, unstarted);
    outcome
}

/// What one transaction of a batch did: loaded, lost (lease taken over), failed (rolled back) and
/// not started (the time ran out); `yielded_after` is how many messages it worked on before it
/// committed early to let an urgent writer in (the rest are for the next transaction).
#[derive(Default)]
struct Loaded<'a> {
    loaded: usize,
    lost: usize,
    failed: Vec<(&'a Claim, DbError)>,
    unstarted: Vec<&'a Claim>,
    yielded_after: Option<usize>,
}

/// Loads prepared messages in one transaction, starting each (after the first) only while `due()`
/// and no urgent writer waits; `done` says what happened, also when the transaction failed. With
/// `savepoints`, each message is loaded in a savepoint of its own and a failure rolls back that
/// message alone; without, the first failure rolls back the whole transaction.
fn load_batch<'a>(
    conn: &mut DbConnection,
    prepared: &[(&'a Claim, Prepared)],
    config: &crate::config::Config,
    due: &dyn Fn() -> bool,
    urgent: &dyn Fn() -> bool,
    savepoints: bool,
    done: &mut Loaded<'a>,
) -> Result<(), DbError> {
    crate::db::transaction(conn, |conn| {
        crate::db::redoable(conn)?;
        for (n, (claim, p)) in prepared.iter().enumerate() {
            if n > 0 && !due() {
                done.unstarted.push(*claim);
                continue;
            }
            if n > 0 && done.unstarted.is_empty() && urgent() {
                done.yielded_after = Some(n);
                break;
            }
            let span = tracing::info_span!("message", id = %claim.id);
            let _g = span.enter();
            if !savepoints {
                load(conn, claim, p, config)?;
                done.loaded += 1;
                continue;
            }
            match crate::db::transaction(conn, |conn| load(conn, claim, p, config)) {
                Ok(()) => done.loaded += 1,
                Err(e) if is_lease_lost(&e) => done.lost += 1,
                Err(e) => done.failed.push((*claim, e)),
            }
        }
        Ok::<_, DbError>(())
    })
}

/// Gives back the claims that failed (`tried`, counted as an attempt) and those never started.
fn release_all(conn: &mut DbConnection, tried: Vec<&Claim>, unstarted: Vec<&Claim>) {
    let tried = tried.into_iter().map(|c| (c, true));
    for (claim, tried) in tried.chain(unstarted.into_iter().map(|c| (c, false))) {
        if let Err(e) = release(conn, claim, tried) {
            tracing::warn!(error = %e, "could not give the message back; its lease will run out");
        }
    }
}

/// Whether an error says the claim was taken over by another worker (its work was rolled back).
pub fn is_lease_lost(e: &DbError) -> bool {
    matches!(e, DbError::Query(diesel::result::Error::QueryBuilderError(inner))
        if inner.is::<LeaseLost>())
}

/// Loads one prepared message inside the caller's transaction. Bad input ends in state `failed`
/// with diagnostics; it never returns an error for the message's content. The load takes effect
/// only while the claim still holds (no other worker took the message over after our lease ran
/// out), so a message is loaded exactly once; a lost lease is reported as [`LeaseLost`] and the
/// caller rolls back.
fn load(
    conn: &mut DbConnection,
    claim: &Claim,
    prepared: &Prepared,
    config: &crate::config::Config,
) -> Result<(), DbError> {
    let id = claim.id.as_str();
    let parsed = match prepared {
        Prepared::Parsed(parsed, removed) => {
            if let Some(removed) = removed {
                crate::retention::sensitive::record_removed(conn, config, id, removed)?;
            }
            parsed
        }
        Prepared::Fails(reason) => {
            return set_state(
                conn,
                claim,
                "failed",
                None,
                &serde_json::json!([{"severity": "error", "segment": "", "position": 0,
                    "message": reason}]),
            )
        }
    };
    let mut diagnostics = Vec::new();
    let mut message_type = None;
    let mut loaded_any = false;
    let origin = Origin {
        message_id: id,
        received_at: claim.received_at,
        home_country: config.home_country.as_deref(),
    };
    for Parsed {
        message,
        derived,
        planned,
    } in parsed
    {
        let planned = planned.take();
        match message {
            Message::Paxlst(manifest) => {
                message_type.get_or_insert("PAXLST");
                diagnostics.extend(manifest.diagnostics.iter().cloned());
                if let Some(flight_id) =
                    load::load_manifest(conn, manifest, derived, &origin, planned)?
                {
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
                if let Some(flight_id) =
                    load::load_pnrs(conn, push, derived, &origin, &mut diagnostics, planned)?
                {
                    loaded_any = true;
                    super::parts::record_push(conn, push, &flight_id, &origin, &mut diagnostics)?;
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
}

/// Gives a claimed message back, to be claimed again at once rather than when the lease runs out.
/// After processing failed for a reason other than its content (the database went away, a
/// deadlock) `attempts` still counts the try, so a message that keeps failing ends `failed`; a
/// message this worker never started on (`tried` false) is as if it had not been claimed.
fn release(conn: &mut DbConnection, claim: &Claim, tried: bool) -> Result<(), DbError> {
    let attempts = if tried {
        claim.attempts
    } else {
        claim.attempts - 1
    };
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
        messages::attempts.eq(attempts),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> (crate::config::Config, crate::db::DbPool) {
        let dir = std::env::temp_dir().join(format!("paxrisk-batch-{}", crate::db::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = crate::config::Config::from_env();
        config.data_dir = dir.clone();
        config.database_url = format!("sqlite://{}", dir.join("p.db").display());
        config.keyring = None;
        let pool = crate::db::open(&config.database_url, 2).unwrap();
        (config, pool)
    }

    /// A one-traveller manifest of flight ZZ`number` (a made-up person).
    fn manifest(number: u32) -> Vec<u8> {
        format!(
            "UNA:+.? 'UNB+UNOA:4+ZZAIR+CUSTOMS+261129:0800+R{number}'UNH+1+PAXLST:D:05B:UN:IATA'\
             BGM+745'TDT+20+ZZ{number}+++ZZ'LOC+125+DXB'DTM+189:2612011000:201'LOC+87+DOH'\
             NAD+FL+++EXAMPLE:TESTER'DTM+329:700707'UNT+9+1'UNZ+1+R{number}'"
        )
        .into_bytes()
    }

    fn states(conn: &mut DbConnection) -> Vec<String> {
        messages::table
            .order(messages::received_at)
            .select(messages::state)
            .load(conn)
            .unwrap()
    }

    fn accept(conn: &mut DbConnection, config: &crate::config::Config, n: u32) {
        super::super::intake::accept(
            conn,
            config,
            &manifest(n),
            Some("ZZ"),
            None,
            super::super::intake::Source::Cli,
        )
        .unwrap();
        // Distinct receipt times, so the batch's order is the order of acceptance.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }

    /// Accepts manifests of three flights and claims them in one batch (each is its flight's head).
    fn three_flights_claimed(
        conn: &mut DbConnection,
        config: &crate::config::Config,
    ) -> Vec<Claim> {
        for n in 1..=3 {
            accept(conn, config, n);
        }
        let claims = claim_batch(conn, 32).unwrap();
        assert_eq!(claims.len(), 3, "three flights, three heads");
        claims
    }

    #[test]
    fn a_batch_loads_every_message_in_one_transaction() {
        let (config, pool) = store();
        let mut conn = pool.get().unwrap();
        let claims = three_flights_claimed(&mut conn, &config);
        let outcome = process_batch(&mut conn, &claims, &config);
        assert_eq!((outcome.loaded, outcome.lost), (3, 0));
        assert!(outcome.errors.is_empty());
        assert_eq!(states(&mut conn), ["loaded", "loaded", "loaded"]);
        let travellers: i64 = crate::db::schema::travellers::table
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(travellers, 3);
    }

    #[test]
    fn a_message_whose_claim_was_taken_over_is_rolled_back_alone() {
        let (config, pool) = store();
        let mut conn = pool.get().unwrap();
        let claims = three_flights_claimed(&mut conn, &config);
        // Another worker took the second message over (its lease ran out): the batch's first
        // attempt fails on it, and the batch is loaded again with a savepoint per message.
        diesel::update(messages::table.filter(messages::id.eq(&claims[1].id)))
            .set(messages::attempts.eq(messages::attempts + 1))
            .execute(&mut *conn)
            .unwrap();
        let outcome = process_batch(&mut conn, &claims, &config);
        assert_eq!((outcome.loaded, outcome.lost), (2, 1));
        assert!(outcome.errors.is_empty());
        assert_eq!(states(&mut conn), ["loaded", "processing", "loaded"]);
        let flights: Vec<String> = crate::db::schema::flights::table
            .order(crate::db::schema::flights::number)
            .select(crate::db::schema::flights::number)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(flights, ["1", "3"], "nothing of the lost message stays");
    }

    #[test]
    fn a_batch_commits_after_each_message_while_someone_urgent_waits() {
        let (config, pool) = store();
        let mut conn = pool.get().unwrap();
        let claims = three_flights_claimed(&mut conn, &config);
        let nobody = process_batch_yielding(&mut conn, &claims[..1], &config, &|| false);
        assert_eq!((nobody.loaded, nobody.commits), (1, 1));
        // Someone urgent waits all along: each message commits on its own, none is given back.
        let asked = std::cell::Cell::new(0);
        let waiting = || {
            asked.set(asked.get() + 1);
            true
        };
        let outcome = process_batch_yielding(&mut conn, &claims[1..], &config, &waiting);
        assert_eq!((outcome.loaded, outcome.lost, outcome.commits), (2, 0, 2));
        assert!(outcome.errors.is_empty());
        assert_eq!(
            asked.get(),
            1,
            "asked before each message but a transaction's first"
        );
        assert_eq!(states(&mut conn), ["loaded", "loaded", "loaded"]);
    }

    /// A second manifest of flight ZZ1 (another interchange reference), naming the same person.
    fn manifest_again() -> Vec<u8> {
        String::from_utf8(manifest(1))
            .unwrap()
            .replace("R1'", "R1B'")
            .into_bytes()
    }

    /// Loads flight ZZ1's manifest, then accepts and claims a second one naming the same person.
    fn second_manifest_claimed(
        conn: &mut DbConnection,
        config: &crate::config::Config,
    ) -> Vec<Claim> {
        accept(conn, config, 1);
        let claims = claim_batch(conn, 32).unwrap();
        assert_eq!(process_batch(conn, &claims, config).loaded, 1);
        let again = manifest_again();
        let cli = super::super::intake::Source::Cli;
        super::super::intake::accept(conn, config, &again, Some("ZZ"), None, cli).unwrap();
        claim_batch(conn, 32).unwrap()
    }

    fn travellers_of_flight(conn: &mut DbConnection) -> Vec<(String, bool)> {
        use crate::db::schema::travellers;
        travellers::table
            .order(travellers::masked)
            .select((travellers::source, travellers::masked))
            .load(conn)
            .unwrap()
    }

    #[test]
    fn a_plan_made_before_the_transaction_is_used_while_the_flight_is_unchanged() {
        let (config, pool) = store();
        let mut conn = pool.get().unwrap();
        let claims = second_manifest_claimed(&mut conn, &config);
        let prepared = prepare(&mut conn, &claims[0], &config, &mut None).unwrap();
        let Prepared::Parsed(parsed, _) = &prepared else {
            panic!("the manifest parses")
        };
        let planned = parsed[0].planned.take().expect("a plan for a known flight");
        let flight_id = planned.flight_id().to_string();
        parsed[0].planned.set(Some(planned));
        crate::db::transaction(&mut conn, |c| load(c, &claims[0], &prepared, &config)).unwrap();
        // The same person: one traveller with two versions, on the planned flight.
        assert_eq!(
            travellers_of_flight(&mut conn),
            [("api".to_string(), false)]
        );
        let versions: i64 = crate::db::schema::traveller_versions::table
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(versions, 2);
        let flights: Vec<String> = crate::db::schema::flights::table
            .select(crate::db::schema::flights::id)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(flights, [flight_id]);
    }

    #[test]
    fn a_plan_is_not_used_when_the_flight_changed_after_it_was_made() {
        let (config, pool) = store();
        let mut conn = pool.get().unwrap();
        let claims = second_manifest_claimed(&mut conn, &config);
        // Planned while the traveller is stored: the plan updates them...
        let prepared = prepare(&mut conn, &claims[0], &config, &mut None).unwrap();
        // ...but retention masks them before the load: they are nobody a message can name now.
        diesel::sql_query(
            "UPDATE travellers SET identity_key = 'masked:' || id, masked = true, \
             surname = 'XXX', given_names = 'XXX'",
        )
        .execute(&mut *conn)
        .unwrap();
        crate::db::transaction(&mut conn, |c| load(c, &claims[0], &prepared, &config)).unwrap();
        // The masked traveller is left alone and the manifest's person is a new traveller.
        assert_eq!(
            travellers_of_flight(&mut conn),
            [("api".to_string(), false), ("api".to_string(), true)]
        );
        use crate::db::schema::{traveller_versions, travellers};
        let masked = travellers::table
            .filter(travellers::masked.eq(true))
            .select(travellers::id);
        let masked_versions: i64 = traveller_versions::table
            .filter(traveller_versions::traveller_id.eq_any(masked))
            .count()
            .get_result(&mut *conn)
            .unwrap();
        assert_eq!(
            masked_versions, 1,
            "the masked traveller got no version of the new message"
        );
    }
}
