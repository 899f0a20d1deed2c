//! The background sender: claims pending events from the outbox, turns each into one e-mail
//! (recipients in the SMTP envelope only, so one send per event and no officer sees the others' addresses) and
//! sends it through lettre. Several servers on one database share the outbox through leases.

use std::sync::OnceLock;
use std::time::Duration;

use diesel::prelude::*;
use lettre::message::{header::ContentType, Mailbox};
use lettre::{FileTransport, Message, SmtpTransport, Transport};

use super::mail::{self, Draft, FlightFacts};
use super::Kind;
use crate::config::Config;
use crate::db::schema::{flights, notify_events, review_items, users};
use crate::db::{now_ms, DbConnection, DbError, DbPool};

const LEASE_MS: i64 = 60_000;
const MAX_ATTEMPTS: i32 = 5;
const BATCH: i64 = 20;
/// Roles that may subscribe to high-band notices (those who review the queue).
const SUBSCRIBERS: &[&str] = &["officer", "analyst", "admin"];

/// Where mail goes.
pub enum Mailer {
    /// An SMTP relay.
    Smtp(SmtpTransport, Mailbox),
    /// `.eml` files in a folder (demos, offline installs).
    File(FileTransport, Mailbox),
}

impl Mailer {
    /// The configured transport, if any.
    pub fn from_config(config: &Config) -> Option<Mailer> {
        let from: Mailbox = match config.smtp_from.parse() {
            Ok(m) => m,
            Err(_) => {
                tracing::error!(
                    "PAXRISK_SMTP_FROM is not an e-mail address; no e-mail will be sent"
                );
                return None;
            }
        };
        if let Some(host) = &config.smtp_host {
            let t = SmtpTransport::builder_dangerous(host.as_str())
                .port(config.smtp_port)
                .timeout(Some(Duration::from_secs(10)))
                .build();
            return Some(Mailer::Smtp(t, from));
        }
        let dir = config.mail_dir.as_ref()?;
        if let Err(e) = std::fs::create_dir_all(dir) {
            tracing::error!(error = %e, "cannot create the mail folder; no e-mail will be sent");
            return None;
        }
        Some(Mailer::File(FileTransport::new(dir), from))
    }

    fn send(&self, draft: &Draft, to: &[String]) -> Result<(), String> {
        let from = match self {
            Mailer::Smtp(_, f) | Mailer::File(_, f) => f.clone(),
        };
        // The header names only the sender ("to: ourselves"); the recipients travel in the
        // envelope alone, so no recipient sees another's address and the sender gets no copy.
        // Addresses were checked when stored; one that lettre still refuses is skipped.
        let rcpts: Vec<lettre::Address> = to.iter().filter_map(|r| r.parse().ok()).collect();
        let envelope = lettre::address::Envelope::new(Some(from.email.clone()), rcpts)
            .map_err(|e| format!("envelope: {e}"))?;
        let msg = Message::builder()
            .from(from.clone())
            .to(from)
            .subject(&draft.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(draft.body.clone())
            .map_err(|e| format!("build: {e}"))?
            .formatted();
        // The error text of a relay can quote an address: only its class is reported.
        match self {
            Mailer::Smtp(t, _) => t.send_raw(&envelope, &msg).map(|_| ()).map_err(|e| {
                if e.is_permanent() {
                    "smtp permanent error"
                } else {
                    "smtp transient error"
                }
                .to_string()
            }),
            Mailer::File(t, _) => t
                .send_raw(&envelope, &msg)
                .map(|_| ())
                .map_err(|_| "file transport error".to_string()),
        }
    }
}

/// Starts the sender thread once per process (later calls do nothing). Without a transport it
/// still runs, marking events `skipped` so the outbox does not grow.
pub fn start(pool: &DbPool, config: &Config) {
    static STARTED: OnceLock<()> = OnceLock::new();
    if STARTED.set(()).is_err() {
        return;
    }
    let (pool, config) = (pool.clone(), config.clone());
    let spawned = std::thread::Builder::new()
        .name("paxrisk-notify".into())
        .spawn(move || {
            let mailer = Mailer::from_config(&config);
            loop {
                let sent = pool
                    .get()
                    .map_err(DbError::from)
                    .and_then(|mut c| deliver_pending(&mut c, &config, mailer.as_ref()));
                match sent {
                    Ok(n) if n > 0 => continue,
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "notification pass failed"),
                }
                std::thread::sleep(Duration::from_millis(300));
            }
        });
    if let Err(e) = spawned {
        tracing::error!(error = %e, "cannot start the notification sender");
    }
}

/// One pass over the outbox: claims up to a batch of due events and handles each. Returns how
/// many were handled.
pub fn deliver_pending(
    conn: &mut DbConnection,
    config: &Config,
    mailer: Option<&Mailer>,
) -> Result<usize, DbError> {
    let now = now_ms();
    let due: Vec<(String, String, String)> = notify_events::table
        .filter(
            (notify_events::state.eq("pending").and(
                notify_events::lease_until
                    .is_null()
                    .or(notify_events::lease_until.lt(now)),
            ))
            .or(notify_events::state
                .eq("sending")
                .and(notify_events::lease_until.lt(now))),
        )
        .order(notify_events::created_at.asc())
        .limit(BATCH)
        .select((
            notify_events::id,
            notify_events::kind,
            notify_events::object_id,
        ))
        .load(conn)?;
    let mut handled = 0;
    for (id, kind, object) in due {
        // Claim: of several servers, one moves the row to `sending`.
        let claimed = diesel::update(
            notify_events::table
                .filter(notify_events::id.eq(&id))
                .filter(
                    notify_events::state.eq("pending").or(notify_events::state
                        .eq("sending")
                        .and(notify_events::lease_until.lt(now))),
                ),
        )
        .set((
            notify_events::state.eq("sending"),
            notify_events::lease_until.eq(now + LEASE_MS),
            notify_events::attempts.eq(notify_events::attempts + 1),
            notify_events::updated_at.eq(now),
        ))
        .execute(conn)?;
        if claimed != 1 {
            continue;
        }
        let (state, detail) = handle(conn, config, mailer, &kind, &object)?;
        let attempts: i32 = notify_events::table
            .filter(notify_events::id.eq(&id))
            .select(notify_events::attempts)
            .first(conn)?;
        let (state, lease) = match state {
            "retry" if attempts >= MAX_ATTEMPTS => ("failed", None),
            // Back off: 10 s, 20 s, 40 s, ...
            "retry" => (
                "pending",
                Some(now_ms() + 10_000 * (1 << (attempts - 1).clamp(0, 6))),
            ),
            s => (s, None),
        };
        diesel::update(notify_events::table.filter(notify_events::id.eq(&id)))
            .set((
                notify_events::state.eq(state),
                notify_events::lease_until.eq(lease),
                notify_events::detail.eq(&detail),
                notify_events::updated_at.eq(now_ms()),
            ))
            .execute(conn)?;
        // Skipped events (nothing to send: the item is gone, the flight is not arriving soon,
        // nobody to tell) are many after a bulk load; they are logged at debug level.
        if state == "skipped" {
            tracing::debug!(event = %id, kind = %kind, state, "notification handled");
        } else {
            tracing::info!(event = %id, kind = %kind, state, "notification handled");
        }
        handled += 1;
    }
    Ok(handled)
}

/// Decides and sends one event: (`sent` | `skipped` | `retry`, detail without addresses).
fn handle(
    conn: &mut DbConnection,
    config: &Config,
    mailer: Option<&Mailer>,
    kind: &str,
    object: &str,
) -> Result<(&'static str, String), DbError> {
    let Some(kind) = Kind::parse(kind) else {
        return Ok(("skipped", "unknown kind".into()));
    };
    let (draft, to) = match kind {
        Kind::HighItem => {
            let Some(f) = flight_of_item(conn, object)? else {
                return Ok(("skipped", "item gone".into()));
            };
            if !mail::is_soon(f.when, now_ms(), config.notify_horizon_hours * 3_600_000) {
                return Ok(("skipped", "flight not arriving soon".into()));
            }
            let subscribed: Vec<(String, String, String)> = users::table
                .filter(
                    users::active
                        .eq(true)
                        .and(users::notify_high.eq(true))
                        .and(users::role.eq_any(SUBSCRIBERS)),
                )
                .filter(users::email.is_not_null())
                .select((users::id, users::role, users::email.assume_not_null()))
                .load(conn)?;
            // Only those whose groups cover a category of the item's hits hear of it.
            let mut to = Vec::new();
            for (user, role, email) in subscribed {
                let role = crate::auth::Role::parse(&role).unwrap_or(crate::auth::Role::Officer);
                let scope = crate::auth::groups::scope(conn, &user, role)?;
                if crate::review::scope::visible(conn, object, &scope)? {
                    to.push(email);
                }
            }
            (mail::high_item(object, &f), to)
        }
        _ => {
            let row: Option<(String, Option<String>)> = users::table
                .filter(users::id.eq(object))
                .select((users::username, users::email))
                .first(conn)
                .optional()?;
            let Some((username, email)) = row else {
                return Ok(("skipped", "user gone".into()));
            };
            (mail::account(kind, &username), email.into_iter().collect())
        }
    };
    if to.is_empty() {
        return Ok(("skipped", "no recipients".into()));
    }
    let Some(mailer) = mailer else {
        return Ok(("skipped", "no mail transport configured".into()));
    };
    Ok(match mailer.send(&draft, &to) {
        Ok(()) => ("sent", format!("{} recipient(s)", to.len())),
        Err(why) => ("retry", why),
    })
}

fn flight_of_item(conn: &mut DbConnection, item_id: &str) -> Result<Option<FlightFacts>, DbError> {
    let row: Option<(
        String,
        String,
        String,
        String,
        String,
        Option<i64>,
        Option<i64>,
        String,
    )> = review_items::table
        .inner_join(flights::table.on(flights::id.eq(review_items::flight_id)))
        .filter(review_items::id.eq(item_id))
        .select((
            flights::carrier,
            flights::number,
            flights::origin,
            flights::destination,
            flights::direction,
            flights::eta,
            flights::etd,
            review_items::band,
        ))
        .first(conn)
        .optional()?;
    Ok(row.filter(|r| r.7 == "high").map(
        |(carrier, number, origin, destination, direction, eta, etd, _)| {
            let when = if direction == "outbound" { etd } else { eta };
            FlightFacts {
                carrier,
                number,
                origin,
                destination,
                direction,
                when,
            }
        },
    ))
}
