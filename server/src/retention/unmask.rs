//! Re-personalisation (C.5): an officer asks to see named fields of named masked travellers in
//! clear, with a purpose and a reason; an independent `approver` approves or refuses; an approved
//! grant is personal to the requester and expires; the DPO sees and reviews every grant; every
//! clear-text read under a grant is audited. Without a grant nothing here returns clear data.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::crypto;
use super::keyring::Keyring;
use super::mask::SealedTraveller;
use super::{Actor, RetentionError};
use crate::config::Config;
use crate::db::schema::{pnrs, travellers, unmask_requests};
use crate::db::{new_id, now_ms, DbConnection};

/// The fields a request may name.
pub const FIELDS: &[&str] = &[
    "surname",
    "given_names",
    "date_of_birth",
    "gender",
    "nationality",
    "documents",
    "contacts",
    "pnr",
];
const MAX_TRAVELLERS: usize = 100;
const MAX_TEXT: usize = 2000;
const HOUR_MS: i64 = 3_600_000;

/// Body of `POST /api/v1/unmask-requests`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// The travellers to unmask.
    pub traveller_ids: Vec<String>,
    /// The fields to unmask (see `FIELDS`).
    pub fields: Vec<String>,
    /// The purpose code or reasoned-request reference (Art. 6(2)(b)).
    pub purpose: String,
    /// Why the clear data are needed.
    pub reason: String,
    /// Hours the grant should last once approved (at most the configured maximum).
    pub hours: Option<i64>,
}

/// Body of `POST /api/v1/unmask-requests/{id}/decision`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// True to approve, false to refuse.
    pub approve: bool,
    /// The approver's reasons.
    pub reason: String,
    /// Shortens the grant below the requested hours.
    pub hours: Option<i64>,
}

/// A request as its requester, approvers, the DPO and auditors see it (no personal data).
#[derive(Debug, Serialize)]
pub struct RequestView {
    pub id: String,
    pub requester_id: String,
    pub traveller_ids: Vec<String>,
    pub fields: Vec<String>,
    pub purpose: String,
    pub reason: String,
    pub hours: i32,
    /// `pending`, `approved`, `refused` or `expired`.
    pub status: String,
    pub decided_by: Option<String>,
    pub decision_reason: Option<String>,
    pub decided_at: Option<String>,
    pub expires_at: Option<String>,
    pub dpo_reviewed_by: Option<String>,
    pub dpo_reviewed_at: Option<String>,
    pub created_at: String,
}

type Row = (
    String,
    String,
    String,
    String,
    String,
    String,
    i32,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<i64>,
    i64,
);

fn columns() -> (
    unmask_requests::id,
    unmask_requests::requester_id,
    unmask_requests::traveller_ids,
    unmask_requests::fields,
    unmask_requests::purpose,
    unmask_requests::reason,
    unmask_requests::hours,
    unmask_requests::status,
    unmask_requests::decided_by,
    unmask_requests::decision_reason,
    unmask_requests::decided_at,
    unmask_requests::expires_at,
    unmask_requests::dpo_reviewed_by,
    unmask_requests::dpo_reviewed_at,
    unmask_requests::created_at,
) {
    use unmask_requests::*;
    (
        id,
        requester_id,
        traveller_ids,
        fields,
        purpose,
        reason,
        hours,
        status,
        decided_by,
        decision_reason,
        decided_at,
        expires_at,
        dpo_reviewed_by,
        dpo_reviewed_at,
        created_at,
    )
}

fn view(r: Row, now: i64) -> RequestView {
    let t = crate::api::rfc3339;
    let expired = r.7 == "approved" && r.11.is_some_and(|e| e <= now);
    RequestView {
        id: r.0,
        requester_id: r.1,
        traveller_ids: serde_json::from_str(&r.2).unwrap_or_default(),
        fields: serde_json::from_str(&r.3).unwrap_or_default(),
        purpose: r.4,
        reason: r.5,
        hours: r.6,
        status: if expired { "expired".into() } else { r.7 },
        decided_by: r.8,
        decision_reason: r.9,
        decided_at: r.10.map(t),
        expires_at: r.11.map(t),
        dpo_reviewed_by: r.12,
        dpo_reviewed_at: r.13.map(t),
        created_at: t(r.14),
    }
}

fn text(name: &str, v: &str) -> Result<(), RetentionError> {
    if v.trim().is_empty() || v.len() > MAX_TEXT {
        return Err(RetentionError::Invalid(format!(
            "{name} must be 1 to {MAX_TEXT} characters"
        )));
    }
    Ok(())
}

/// Files a request; it waits for an approver.
pub fn create(
    conn: &mut DbConnection,
    config: &Config,
    actor: &Actor<'_>,
    r: NewRequest,
) -> Result<RequestView, RetentionError> {
    text("purpose", &r.purpose)?;
    text("reason", &r.reason)?;
    if r.traveller_ids.is_empty() || r.traveller_ids.len() > MAX_TRAVELLERS {
        return Err(RetentionError::Invalid(format!(
            "traveller_ids must name 1 to {MAX_TRAVELLERS} travellers"
        )));
    }
    if r.fields.is_empty() || r.fields.iter().any(|f| !FIELDS.contains(&f.as_str())) {
        return Err(RetentionError::Invalid(format!(
            "fields must be some of {}",
            FIELDS.join(", ")
        )));
    }
    let hours = r.hours.unwrap_or(config.unmask_max_hours);
    if !(1..=config.unmask_max_hours).contains(&hours) {
        return Err(RetentionError::Invalid(format!(
            "hours must be 1 to {}",
            config.unmask_max_hours
        )));
    }
    let found: i64 = travellers::table
        .filter(travellers::id.eq_any(&r.traveller_ids))
        .count()
        .get_result(conn)?;
    let mut ids = r.traveller_ids.clone();
    ids.sort();
    ids.dedup();
    if found != ids.len() as i64 {
        return Err(RetentionError::NotFound("traveller"));
    }
    let id = new_id();
    let now = now_ms();
    diesel::insert_into(unmask_requests::table)
        .values((
            unmask_requests::id.eq(&id),
            unmask_requests::requester_id.eq(actor.id),
            unmask_requests::traveller_ids.eq(serde_json::to_string(&ids).unwrap_or_default()),
            unmask_requests::fields.eq(serde_json::to_string(&r.fields).unwrap_or_default()),
            unmask_requests::purpose.eq(r.purpose.trim()),
            unmask_requests::reason.eq(r.reason.trim()),
            unmask_requests::hours.eq(hours as i32),
            unmask_requests::status.eq("pending"),
            unmask_requests::created_at.eq(now),
        ))
        .execute(conn)?;
    actor.audit_for(
        conn,
        "unmask.request",
        &format!("unmask_request:{id}"),
        "ok",
        Some(r.purpose.trim()),
    )?;
    get(conn, &id)?.ok_or(RetentionError::NotFound("unmask request"))
}

fn get(conn: &mut DbConnection, id: &str) -> Result<Option<RequestView>, RetentionError> {
    let row: Option<Row> = unmask_requests::table
        .filter(unmask_requests::id.eq(id))
        .select(columns())
        .first(conn)
        .optional()?;
    Ok(row.map(|r| view(r, now_ms())))
}

/// Requests the caller may see: their own, or all of them for oversight roles.
pub fn list(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    all: bool,
) -> Result<Vec<RequestView>, RetentionError> {
    let mut q = unmask_requests::table
        .select(columns())
        .order(unmask_requests::created_at.desc())
        .limit(1000)
        .into_boxed();
    if !all {
        q = q.filter(unmask_requests::requester_id.eq(actor.id.to_string()));
    }
    let now = now_ms();
    Ok(q.load::<Row>(conn)?
        .into_iter()
        .map(|r| view(r, now))
        .collect())
}

/// An approver's decision on a pending request.
pub fn decide(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    id: &str,
    d: Decision,
) -> Result<RequestView, RetentionError> {
    text("reason", &d.reason)?;
    let req = get(conn, id)?.ok_or(RetentionError::NotFound("unmask request"))?;
    if req.requester_id == actor.id {
        return Err(RetentionError::NoGrant(
            "nobody may decide their own request".into(),
        ));
    }
    if req.status != "pending" {
        return Err(RetentionError::Conflict(format!(
            "the request is {} already",
            req.status
        )));
    }
    let hours = d.hours.unwrap_or(req.hours as i64).min(req.hours as i64);
    if hours < 1 {
        return Err(RetentionError::Invalid("hours must be at least 1".into()));
    }
    let now = now_ms();
    let status = if d.approve { "approved" } else { "refused" };
    let n = diesel::update(
        unmask_requests::table.filter(
            unmask_requests::id
                .eq(id)
                .and(unmask_requests::status.eq("pending")),
        ),
    )
    .set((
        unmask_requests::status.eq(status),
        unmask_requests::decided_by.eq(actor.id),
        unmask_requests::decision_reason.eq(d.reason.trim()),
        unmask_requests::decided_at.eq(now),
        unmask_requests::hours.eq(hours as i32),
        unmask_requests::expires_at.eq(d.approve.then_some(now + hours * HOUR_MS)),
    ))
    .execute(conn)?;
    if n == 0 {
        return Err(RetentionError::Conflict(
            "the request was decided meanwhile".into(),
        ));
    }
    let action = if d.approve {
        "unmask.approve"
    } else {
        "unmask.refuse"
    };
    actor.audit(conn, action, &format!("unmask_request:{id}"), "ok")?;
    get(conn, id)?.ok_or(RetentionError::NotFound("unmask request"))
}

/// The DPO's ex-post review of a decided request.
pub fn dpo_review(
    conn: &mut DbConnection,
    actor: &Actor<'_>,
    id: &str,
) -> Result<RequestView, RetentionError> {
    let req = get(conn, id)?.ok_or(RetentionError::NotFound("unmask request"))?;
    if req.status == "pending" {
        return Err(RetentionError::Conflict(
            "the request is not decided yet".into(),
        ));
    }
    diesel::update(unmask_requests::table.filter(unmask_requests::id.eq(id)))
        .set((
            unmask_requests::dpo_reviewed_by.eq(actor.id),
            unmask_requests::dpo_reviewed_at.eq(now_ms()),
        ))
        .execute(conn)?;
    actor.audit(
        conn,
        "unmask.dpo_review",
        &format!("unmask_request:{id}"),
        "ok",
    )?;
    get(conn, id)?.ok_or(RetentionError::NotFound("unmask request"))
}

/// The granted fields of the granted travellers, in clear, for the grant's own requester while it
/// lasts. Each traveller read is audited.
pub fn read(
    conn: &mut DbConnection,
    config: &Config,
    actor: &Actor<'_>,
    id: &str,
) -> Result<Vec<Value>, RetentionError> {
    let req = get(conn, id)?
        .filter(|r| r.requester_id == actor.id)
        .ok_or(RetentionError::NotFound("unmask request"))?;
    if req.status != "approved" {
        actor.audit_for(
            conn,
            "unmask.read",
            &format!("unmask_request:{id}"),
            "denied",
            Some(&req.purpose),
        )?;
        return Err(RetentionError::NoGrant(format!(
            "the request is {}; no clear data without an approved grant",
            req.status
        )));
    }
    let ring = Keyring::open(conn, config, false)?;
    let mut out = Vec::new();
    for tid in &req.traveller_ids {
        let item = clear_fields(conn, &ring, tid, &req.fields)?;
        actor.audit_for(
            conn,
            "unmask.read",
            &format!("unmask_request:{id}/traveller:{tid}"),
            "ok",
            Some(&req.purpose),
        )?;
        out.push(item);
    }
    Ok(out)
}

fn clear_fields(
    conn: &mut DbConnection,
    ring: &Keyring,
    tid: &str,
    fields: &[String],
) -> Result<Value, RetentionError> {
    let row: Option<(String, Option<String>, bool)> = travellers::table
        .filter(travellers::id.eq(tid))
        .select((
            travellers::flight_id,
            travellers::record_locator,
            travellers::masked,
        ))
        .first(conn)
        .optional()?;
    let Some((flight_id, locator, masked)) = row else {
        return Ok(json!({"id": tid, "deleted": true}));
    };
    let mut m = Map::new();
    m.insert("id".into(), json!(tid));
    // A traveller not yet masked has nothing sealed: the store holds them in clear.
    let original: Option<SealedTraveller> =
        match crypto::open(conn, ring, &format!("traveller:{tid}"))? {
            Some(bytes) => serde_json::from_slice(&bytes).ok(),
            None => None,
        };
    m.insert("masked".into(), json!(masked));
    if let Some(o) = original {
        for f in fields {
            let v = match f.as_str() {
                "surname" => json!(o.surname),
                "given_names" => json!(o.given_names),
                "date_of_birth" => json!(o.date_of_birth),
                "gender" => json!(o.gender),
                "nationality" => json!(o.nationality),
                "documents" => json!(o.documents),
                "contacts" => {
                    json!({"address": o.data.get("address"), "contacts": o.data.get("contacts")})
                }
                _ => continue,
            };
            m.insert(f.clone(), v);
        }
    }
    if fields.iter().any(|f| f == "pnr") {
        if let Some(l) = locator {
            let pnr: Option<(String, String)> = pnrs::table
                .filter(
                    pnrs::flight_id
                        .eq(&flight_id)
                        .and(pnrs::record_locator.eq(&l)),
                )
                .select((pnrs::id, pnrs::data))
                .first(conn)
                .optional()?;
            if let Some((pid, data)) = pnr {
                let clear = crypto::open(conn, ring, &format!("pnr:{pid}"))?
                    .unwrap_or_else(|| data.into_bytes());
                m.insert(
                    "pnr".into(),
                    serde_json::from_slice(&clear).unwrap_or(Value::Null),
                );
            }
        }
    }
    Ok(Value::Object(m))
}

/// Approved grants past their expiry as of `now`.
pub fn count_expiring(conn: &mut DbConnection, now: i64) -> Result<usize, RetentionError> {
    let n: i64 = unmask_requests::table
        .filter(
            unmask_requests::status
                .eq("approved")
                .and(unmask_requests::expires_at.le(now)),
        )
        .count()
        .get_result(conn)?;
    Ok(n as usize)
}

/// Marks approved grants past their expiry as `expired` (audited one by one).
pub fn expire(conn: &mut DbConnection, now: i64) -> Result<usize, RetentionError> {
    let ids: Vec<String> = unmask_requests::table
        .filter(
            unmask_requests::status
                .eq("approved")
                .and(unmask_requests::expires_at.le(now)),
        )
        .select(unmask_requests::id)
        .load(conn)?;
    for id in &ids {
        diesel::update(unmask_requests::table.filter(unmask_requests::id.eq(id)))
            .set(unmask_requests::status.eq("expired"))
            .execute(conn)?;
        Actor::system().audit(conn, "unmask.expire", &format!("unmask_request:{id}"), "ok")?;
    }
    Ok(ids.len())
}
