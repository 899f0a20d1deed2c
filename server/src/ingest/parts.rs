//! Multi-part manifests and PNR pushes (UNH S010 `01:C` … `NN:F`, reference/messages.md §1.7). Each part is
//! loaded into its flight as it arrives, so officers see travellers as early as the carrier sends
//! them; the set of parts is tracked beside the load, in the same transaction: which parts came,
//! how many the last part says there are, and whether the set is `incomplete`, `complete` or
//! `timed_out`. A set still missing parts `PAXRISK_PART_TIMEOUT_SECONDS` after its first part is
//! marked `timed_out` by the worker, with a warning on each of its messages, so the carrier and the
//! officers see that the manifest is partial. A part that arrives after that completes the set.
//!
//! A set is keyed by flight, BGM document code (passenger and crew lists travel separately) and
//! the UNH common access reference.

use std::collections::BTreeSet;

use diesel::prelude::*;
use paxrisk_parsers::{Diagnostic, Manifest, PnrPush, Severity};
use serde::Serialize;

use super::load::Origin;
use crate::db::schema::{flights, message_parts, messages, part_sets};
use crate::db::{new_id, now_ms, DbConnection, DbError};

/// A part set's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetState {
    Incomplete,
    Complete,
    TimedOut,
}

impl SetState {
    /// The stored (and API) name.
    pub fn as_str(self) -> &'static str {
        match self {
            SetState::Incomplete => "incomplete",
            SetState::Complete => "complete",
            SetState::TimedOut => "timed_out",
        }
    }
}

/// What the sequence numbers seen so far say about a set.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Progress {
    /// The sequence of the part flagged last, once it came.
    expected: Option<i32>,
    /// Distinct sequence numbers seen.
    seen: i32,
    /// Sequence numbers below the last part's that have not come.
    missing: Vec<i32>,
    complete: bool,
}

fn progress(parts: &[(i32, bool)]) -> Progress {
    let distinct: BTreeSet<i32> = parts.iter().map(|(s, _)| *s).collect();
    let expected = parts
        .iter()
        .filter(|(_, last)| *last)
        .map(|(s, _)| *s)
        .max();
    let missing: Vec<i32> = expected
        .map(|e| (1..=e).filter(|n| !distinct.contains(n)).collect())
        .unwrap_or_default();
    Progress {
        expected,
        seen: distinct.len() as i32,
        complete: expected.is_some() && missing.is_empty(),
        missing,
    }
}

/// `part_sets.document` of a PNR push's parts (a manifest's holds its BGM document code).
pub const PNR_PUSH: &str = "PNRGOV";

/// What a set of parts makes up, for the words of its diagnostics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Manifest,
    PnrPush,
}

impl Kind {
    fn of(document: &str) -> Kind {
        if document == PNR_PUSH {
            Kind::PnrPush
        } else {
            Kind::Manifest
        }
    }
    fn noun(self) -> &'static str {
        match self {
            Kind::Manifest => "manifest",
            Kind::PnrPush => "PNR push",
        }
    }
    fn contents(self) -> &'static str {
        match self {
            Kind::Manifest => "travellers",
            Kind::PnrPush => "PNRs",
        }
    }
}

/// The set a part belongs to: its flight, what it is and the UNH common access reference.
struct SetKey<'a> {
    flight_id: &'a str,
    carrier: &'a str,
    document: String,
    reference: String,
}

/// Records the part a manifest is (nothing for a manifest sent whole), inside the transaction
/// that loads it. A part seen before and a set completed after its timeout are reported in
/// `diagnostics`.
pub fn record(
    conn: &mut DbConnection,
    m: &Manifest,
    flight_id: &str,
    carrier: &str,
    origin: &Origin<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> QueryResult<()> {
    let key = SetKey {
        flight_id,
        carrier,
        document: m.document_code.as_deref().unwrap_or_default().to_string(),
        reference: reference(&m.envelope),
    };
    record_part(conn, m.part, key, origin, diagnostics)
}

/// Records the part a PNR push is, as [`record`] does for manifests. The pushes of one flight
/// (72 hours before departure, 24 hours, at departure…) usually share its common access
/// reference, so a first part arriving for a set that already holds one starts the next push's
/// set rather than counting as a copy.
pub fn record_push(
    conn: &mut DbConnection,
    p: &PnrPush,
    flight_id: &str,
    origin: &Origin<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> QueryResult<()> {
    let key = SetKey {
        flight_id,
        carrier: &p.flight.carrier,
        document: PNR_PUSH.to_string(),
        reference: reference(&p.envelope),
    };
    record_part(conn, p.part, key, origin, diagnostics)
}

fn reference(envelope: &paxrisk_parsers::Envelope) -> String {
    envelope
        .common_access_ref
        .as_deref()
        .unwrap_or_default()
        .to_string()
}

fn record_part(
    conn: &mut DbConnection,
    part: Option<paxrisk_parsers::Part>,
    key: SetKey<'_>,
    origin: &Origin<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> QueryResult<()> {
    let Some(part) = part.filter(|p| !(p.first && p.last && p.sequence <= 1)) else {
        return Ok(());
    };
    let kind = Kind::of(&key.document);
    let SetKey {
        flight_id,
        carrier,
        document,
        reference,
    } = key;
    let sequence = part.sequence as i32;
    let at = origin.received_at;
    // A manifest's set is keyed by its reference. The pushes of one flight usually share theirs,
    // so each push's set is stored as `REFERENCE#1`, `REFERENCE#2`…, and a first part arriving
    // for the latest set that holds one already starts the next.
    let (existing, reference) = match kind {
        Kind::Manifest => {
            let found: Option<(String, String)> = part_sets::table
                .filter(part_sets::flight_id.eq(flight_id))
                .filter(part_sets::document.eq(&document))
                .filter(part_sets::reference.eq(&reference))
                .select((part_sets::id, part_sets::state))
                .first(conn)
                .optional()?;
            (found, reference)
        }
        Kind::PnrPush => {
            let prefix = format!("{reference}#");
            let pushes: Vec<(String, String, String)> = part_sets::table
                .filter(part_sets::flight_id.eq(flight_id))
                .filter(part_sets::document.eq(&document))
                .order(part_sets::first_part_at.desc())
                .select((part_sets::id, part_sets::state, part_sets::reference))
                .load(conn)?;
            let pushes: Vec<_> = pushes
                .into_iter()
                .filter(|(_, _, r)| r.starts_with(&prefix))
                .collect();
            let mut latest = pushes
                .first()
                .map(|(id, state, _)| (id.clone(), state.clone()));
            if let (true, Some((set, _))) = (part.first, &latest) {
                let has_first: i64 = message_parts::table
                    .filter(message_parts::set_id.eq(set))
                    .filter(message_parts::sequence.eq(sequence))
                    .count()
                    .get_result(conn)?;
                if has_first > 0 {
                    latest = None;
                }
            }
            let stored = match &latest {
                Some(_) => String::new(),
                None => format!("{prefix}{}", pushes.len() + 1),
            };
            (latest, stored)
        }
    };
    let (set_id, before) = match existing {
        Some(found) => found,
        None => {
            let id = new_id();
            diesel::insert_into(part_sets::table)
                .values((
                    part_sets::id.eq(&id),
                    part_sets::flight_id.eq(flight_id),
                    part_sets::carrier.eq(carrier),
                    part_sets::document.eq(&document),
                    part_sets::reference.eq(&reference),
                    part_sets::parts_seen.eq(0),
                    part_sets::duplicates.eq(0),
                    part_sets::state.eq(SetState::Incomplete.as_str()),
                    part_sets::first_part_at.eq(at),
                    part_sets::last_part_at.eq(at),
                ))
                .execute(conn)?;
            (id, SetState::Incomplete.as_str().to_string())
        }
    };
    let copies: Vec<String> = message_parts::table
        .filter(message_parts::set_id.eq(&set_id))
        .filter(message_parts::sequence.eq(sequence))
        .select(message_parts::message_id)
        .load(conn)?;
    let already = copies.len();
    // The same part twice in one message (one file) is recorded once, and still a duplicate.
    if !copies.iter().any(|m| m == origin.message_id) {
        diesel::insert_into(message_parts::table)
            .values((
                message_parts::message_id.eq(origin.message_id),
                message_parts::set_id.eq(&set_id),
                message_parts::sequence.eq(sequence),
                message_parts::last.eq(part.last),
            ))
            .execute(conn)?;
    }
    let parts: Vec<(i32, bool)> = message_parts::table
        .filter(message_parts::set_id.eq(&set_id))
        .select((message_parts::sequence, message_parts::last))
        .load(conn)?;
    let p = progress(&parts);
    let was_complete = before == SetState::Complete.as_str();
    let state = if p.complete {
        SetState::Complete
    } else if before == SetState::TimedOut.as_str() {
        SetState::TimedOut
    } else {
        SetState::Incomplete
    };
    let (first, last): (i64, i64) = part_sets::table
        .filter(part_sets::id.eq(&set_id))
        .select((part_sets::first_part_at, part_sets::last_part_at))
        .first(conn)?;
    diesel::update(part_sets::table.filter(part_sets::id.eq(&set_id)))
        .set((
            part_sets::parts_expected.eq(p.expected),
            part_sets::parts_seen.eq(p.seen),
            part_sets::duplicates.eq(part_sets::duplicates + (already > 0) as i32),
            part_sets::state.eq(state.as_str()),
            part_sets::first_part_at.eq(first.min(at)),
            part_sets::last_part_at.eq(last.max(at)),
        ))
        .execute(conn)?;
    if p.complete && !was_complete {
        diesel::update(part_sets::table.filter(part_sets::id.eq(&set_id)))
            .set(part_sets::completed_at.eq(Some(now_ms())))
            .execute(conn)?;
    }
    if already > 0 {
        diagnostics.push(warning(format!(
            "part {sequence} of this multi-part {} was received before; the {} of this copy were \
             loaded again and are the current ones",
            kind.noun(),
            kind.contents()
        )));
    }
    if p.complete && before == SetState::TimedOut.as_str() {
        diagnostics.push(Diagnostic {
            severity: Severity::Info,
            ..warning(format!(
                "this part completed the multi-part {} ({} parts) after it had been marked timed \
                 out",
                kind.noun(),
                p.seen
            ))
        });
    }
    Ok(())
}

fn warning(message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Warning,
        segment: "UNH".into(),
        position: 0,
        index: None,
        message,
    }
}

/// Marks the sets still incomplete `timeout_ms` after their first part `timed_out`, and adds a
/// warning to each of their messages. A set whose flight still has messages waiting to be loaded
/// is left alone (its missing part may be among them). Returns the number of sets marked.
pub fn expire(conn: &mut DbConnection, timeout_ms: i64) -> Result<usize, DbError> {
    let now = now_ms();
    let due: Vec<(String, String, String)> = part_sets::table
        .filter(part_sets::state.eq(SetState::Incomplete.as_str()))
        .filter(part_sets::first_part_at.lt(now - timeout_ms))
        .select((part_sets::id, part_sets::flight_id, part_sets::document))
        .load(conn)?;
    let mut marked = 0;
    for (set_id, flight_id, document) in due {
        let kind = Kind::of(&document);
        let key: String = flights::table
            .filter(flights::id.eq(&flight_id))
            .select(flights::flight_key)
            .first(conn)?;
        let waiting: i64 = messages::table
            .filter(messages::order_key.eq(&key))
            .filter(messages::state.eq_any(["received", "processing"]))
            .count()
            .get_result(conn)?;
        if waiting > 0 {
            continue;
        }
        let done = crate::db::transaction(conn, |conn| -> QueryResult<bool> {
            let n = diesel::update(
                part_sets::table.filter(
                    part_sets::id
                        .eq(&set_id)
                        .and(part_sets::state.eq(SetState::Incomplete.as_str())),
                ),
            )
            .set((
                part_sets::state.eq(SetState::TimedOut.as_str()),
                part_sets::timed_out_at.eq(Some(now)),
            ))
            .execute(conn)?;
            if n == 0 {
                return Ok(false);
            }
            let parts: Vec<(String, i32, bool)> = message_parts::table
                .filter(message_parts::set_id.eq(&set_id))
                .select((
                    message_parts::message_id,
                    message_parts::sequence,
                    message_parts::last,
                ))
                .load(conn)?;
            let p = progress(&parts.iter().map(|(_, s, l)| (*s, *l)).collect::<Vec<_>>());
            let what = match p.expected {
                Some(of) => format!(
                    "part(s) {} of {of} have not arrived",
                    p.missing
                        .iter()
                        .map(|n| n.to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                None => format!(
                    "{} part(s) came but not the last one (F), so the number of parts is unknown",
                    p.seen
                ),
            };
            let note = warning(format!(
                "the multi-part {} is incomplete {} s after its first part: {what}; the {} of \
                 the parts received are loaded, the others are missing",
                kind.noun(),
                timeout_ms / 1000,
                kind.contents()
            ));
            let warned: BTreeSet<&String> = parts.iter().map(|(m, _, _)| m).collect();
            for message_id in warned {
                let diags: String = messages::table
                    .filter(messages::id.eq(message_id))
                    .select(messages::diagnostics)
                    .first(conn)?;
                let mut list: Vec<serde_json::Value> =
                    serde_json::from_str(&diags).unwrap_or_default();
                list.push(serde_json::to_value(&note).unwrap_or_default());
                diesel::update(messages::table.filter(messages::id.eq(message_id)))
                    .set((
                        messages::diagnostics.eq(serde_json::Value::from(list).to_string()),
                        messages::updated_at.eq(now),
                    ))
                    .execute(conn)?;
            }
            Ok(true)
        })?;
        if done {
            tracing::warn!(set = %set_id, flight = %flight_id, kind = kind.noun(), "multi-part message timed out incomplete");
            marked += 1;
        }
    }
    Ok(marked)
}

/// A message's place in its part set, as `GET /api/v1/messages/{id}` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct MessagePart {
    /// This part's sequence number.
    pub number: i32,
    /// How many parts the set has, once its last part came.
    pub of: Option<i32>,
    /// Distinct parts received so far.
    pub seen: i32,
    pub set_state: String,
}

/// The part set a message belongs to, if it came as a part.
pub fn of_message(conn: &mut DbConnection, id: &str) -> QueryResult<Option<MessagePart>> {
    let row: Option<(i32, Option<i32>, i32, String)> = message_parts::table
        .inner_join(part_sets::table.on(part_sets::id.eq(message_parts::set_id)))
        .filter(message_parts::message_id.eq(id))
        .order(message_parts::sequence.asc())
        .select((
            message_parts::sequence,
            part_sets::parts_expected,
            part_sets::parts_seen,
            part_sets::state,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|(number, of, seen, set_state)| MessagePart {
        number,
        of,
        seen,
        set_state,
    }))
}

/// A flight's multi-part manifest or PNR push, as the flight views show it.
#[derive(Debug, Clone, Serialize)]
pub struct FlightPartSet {
    /// BGM document code: 745 passengers, 250 crew; `PNRGOV` for a PNR push.
    pub document: String,
    pub parts_expected: Option<i32>,
    pub parts_seen: i32,
    pub duplicates: i32,
    pub state: String,
    pub first_part_at: String,
    pub last_part_at: String,
}

/// The part sets of these flights, by flight id.
pub fn of_flights(
    conn: &mut DbConnection,
    ids: &[&String],
) -> QueryResult<std::collections::HashMap<String, Vec<FlightPartSet>>> {
    type Row = (String, String, Option<i32>, i32, i32, String, i64, i64);
    let mut out: std::collections::HashMap<String, Vec<FlightPartSet>> = Default::default();
    for chunk in ids.chunks(2_000) {
        let rows: Vec<Row> = part_sets::table
            .filter(part_sets::flight_id.eq_any(chunk))
            .order(part_sets::first_part_at.asc())
            .select((
                part_sets::flight_id,
                part_sets::document,
                part_sets::parts_expected,
                part_sets::parts_seen,
                part_sets::duplicates,
                part_sets::state,
                part_sets::first_part_at,
                part_sets::last_part_at,
            ))
            .load(conn)?;
        for (flight, document, expected, seen, duplicates, state, first, last) in rows {
            out.entry(flight).or_default().push(FlightPartSet {
                document,
                parts_expected: expected,
                parts_seen: seen,
                duplicates,
                state,
                first_part_at: crate::api::rfc3339(first),
                last_part_at: crate::api::rfc3339(last),
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_of_a_set() {
        assert_eq!(
            progress(&[(2, false), (1, false)]),
            Progress {
                expected: None,
                seen: 2,
                missing: vec![],
                complete: false
            }
        );
        let p = progress(&[(3, true), (1, false)]);
        assert_eq!(
            (p.expected, p.missing.clone(), p.complete),
            (Some(3), vec![2], false)
        );
        let p = progress(&[(3, true), (1, false), (2, false), (2, false)]);
        assert_eq!((p.seen, p.complete), (3, true));
    }
}
