//! Re-personalisation from the pages: an officer or analyst asks on the traveller page to see a
//! masked traveller's fields in clear; approvers decide on `/unmask`; the DPO sees every request
//! with its reads and records the review; the requester reads the granted fields while the grant
//! lasts. Every step goes through `retention::unmask`, which checks and audits as for the API.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::{failure, form_session, redirect, safe_id, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, UNMASK_OVERSEERS, UNMASK_READERS, UNMASK_REQUESTERS};
use crate::auth::{Principal, Role};
use crate::retention::unmask::{self, RequestView, FIELDS};
use crate::retention::Actor;
use crate::web::render::page;

fn actor(p: &Principal) -> Actor<'_> {
    Actor {
        id: &p.user_id,
        role: p.role.as_str(),
    }
}

/// Requests the principal may see, as for `GET /api/v1/unmask-requests`.
fn visible(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
) -> Result<Vec<RequestView>, ApiError> {
    let all = UNMASK_OVERSEERS.contains(&p.role);
    Ok(unmask::list(conn, &actor(p), all)?)
}

/// Usernames by user id (ids the store no longer knows stay as they are).
fn names(conn: &mut crate::db::DbConnection) -> Result<HashMap<String, String>, ApiError> {
    Ok(crate::auth::list_users(conn)?
        .into_iter()
        .map(|u| (u.id, u.username))
        .collect())
}

fn when(t: &Option<String>) -> String {
    t.as_deref()
        .map(|t| t.replace('T', " ").replace('Z', " UTC"))
        .unwrap_or_default()
}

/// One request as the templates show it.
fn row(r: &RequestView, p: &Principal, people: &HashMap<String, String>) -> minijinja::Value {
    let name = |id: &Option<String>| {
        id.as_ref()
            .map(|i| people.get(i).cloned().unwrap_or_else(|| i.clone()))
            .unwrap_or_default()
    };
    let mine = r.requester_id == p.user_id;
    context! {
        id => r.id,
        requester => name(&Some(r.requester_id.clone())),
        travellers => r.traveller_ids,
        fields => r.fields.join(", "),
        purpose => r.purpose,
        reason => r.reason,
        hours => r.hours,
        status => r.status,
        decided_by => name(&r.decided_by),
        decision_reason => r.decision_reason,
        decided_at => when(&r.decided_at),
        expires_at => when(&r.expires_at),
        reviewed_by => name(&r.dpo_reviewed_by),
        reviewed_at => when(&r.dpo_reviewed_at),
        created_at => when(&Some(r.created_at.clone())),
        mine => mine,
        // Only the requester reads, and only under an approved grant (the service checks again).
        can_read => mine && r.status == "approved" && UNMASK_REQUESTERS.contains(&p.role),
        can_decide => !mine && r.status == "pending" && p.role == Role::Approver,
        can_review => r.status != "pending" && r.dpo_reviewed_at.is_none() && p.role == Role::Dpo,
    }
}

/// What the traveller page shows of unmasking: the requests for this traveller the user may see,
/// and whether the user may ask (a masked traveller, a requester's role).
pub async fn traveller_block(
    state: &web::Data<AppState>,
    p: &Principal,
    traveller: &str,
    masked: bool,
) -> minijinja::Value {
    let (p2, t) = (p.clone(), traveller.to_string());
    let found = crate::api::db(state, move |conn, _| {
        let mine: Vec<RequestView> = visible(conn, &p2)?
            .into_iter()
            .filter(|r| r.traveller_ids.contains(&t))
            .collect();
        let people = if mine.is_empty() {
            HashMap::new()
        } else {
            names(conn)?
        };
        Ok(mine
            .iter()
            .map(|r| row(r, &p2, &people))
            .collect::<Vec<_>>())
    })
    .await;
    let requests = found.unwrap_or_else(|e| {
        tracing::warn!(status = %e.status, "unmask requests could not be listed");
        Vec::new()
    });
    context! {
        can_request => masked && UNMASK_REQUESTERS.contains(&p.role),
        fields => FIELDS,
        requests => requests,
    }
}

/// `GET /unmask`: approvers see what awaits their decision; the DPO, auditors and admins every
/// request with its reads; requesters their own.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, UNMASK_READERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let p2 = p.clone();
    let overseer = UNMASK_OVERSEERS.contains(&p.role);
    let r = crate::api::db(&state, move |conn, _| {
        let all = visible(conn, &p2)?;
        let people = names(conn)?;
        // The clear-text reads under each grant, from the audit log (overseers only).
        let mut reads: HashMap<String, (usize, String)> = HashMap::new();
        if overseer {
            let q = crate::audit::Query {
                action: Some("unmask.read".into()),
                outcome: Some("ok".into()),
                limit: Some(5000),
                ..Default::default()
            };
            let rows = crate::audit::search(conn, &q).map_err(ApiError::internal)?;
            for r in rows {
                let Some(id) = r
                    .object
                    .strip_prefix("unmask_request:")
                    .and_then(|o| o.split('/').next())
                else {
                    continue;
                };
                let e = reads
                    .entry(id.to_string())
                    .or_insert_with(|| (0, crate::api::rfc3339(r.at)));
                e.0 += 1;
            }
        }
        Ok((all, people, reads))
    })
    .await;
    let (all, people, reads) = match r {
        Ok(v) => v,
        Err(e) => return failure(&p, e),
    };
    let rows: Vec<minijinja::Value> = all
        .iter()
        .map(|r| {
            let (n, last) = reads.get(&r.id).cloned().unwrap_or_default();
            context! { r => row(r, &p, &people), reads => n, last_read => when(&Some(last).filter(|s| !s.is_empty())) }
        })
        .collect();
    let pending = all
        .iter()
        .filter(|r| r.status == "pending" && r.requester_id != p.user_id)
        .count();
    page(
        "unmask.html",
        context! {
            user => user_ctx(&p), active => "unmask", flash => q.value(),
            rows => rows, overseer => overseer, pending => pending,
            approver => p.role == Role::Approver, dpo => p.role == Role::Dpo,
        },
    )
}

/// The request form on the traveller page: a checkbox `field_NAME` per field.
#[derive(Deserialize)]
pub struct RequestForm {
    #[serde(default)]
    purpose: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    hours: String,
    #[serde(flatten)]
    rest: HashMap<String, String>,
}

/// `POST /travellers/{id}/unmask`: files a request for this traveller.
pub async fn request(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<RequestForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, UNMASK_REQUESTERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(traveller) = safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("traveller"));
    };
    let f = form.into_inner();
    let back = |flash: &str| redirect(&format!("/travellers/{traveller}?m={flash}#unmask"));
    let hours = match f.hours.trim() {
        "" => None,
        h => match h.parse::<i64>() {
            Ok(h) => Some(h),
            Err(_) => return back("unmask_invalid"),
        },
    };
    let fields: Vec<String> = FIELDS
        .iter()
        .filter(|name| f.rest.contains_key(&format!("field_{name}")))
        .map(|s| s.to_string())
        .collect();
    let new = unmask::NewRequest {
        traveller_ids: vec![traveller.clone()],
        fields,
        purpose: f.purpose,
        reason: f.reason,
        hours,
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        Ok(unmask::create(conn, &st.config, &actor(&p2), new)?)
    })
    .await;
    match r {
        Ok(_) => back("unmask_requested"),
        Err(e) if e.status == actix_web::http::StatusCode::UNPROCESSABLE_ENTITY => {
            back("unmask_invalid")
        }
        Err(e) => failure(&p, e),
    }
}

/// The approver's decision form.
#[derive(Deserialize)]
pub struct DecisionForm {
    /// `approve` or `refuse`.
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    hours: String,
}

/// `POST /unmask/{id}/decision` (approvers).
pub async fn decide(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<DecisionForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, &[Role::Approver]).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let approve = match f.decision.as_str() {
        "approve" => true,
        "refuse" => false,
        _ => return failure(&p, ApiError::bad_request("decide approve or refuse")),
    };
    let hours = match f.hours.trim() {
        "" => None,
        h => match h.parse::<i64>() {
            Ok(h) => Some(h),
            Err(_) => return redirect("/unmask?m=decision_invalid"),
        },
    };
    let d = unmask::Decision {
        approve,
        reason: f.reason,
        hours,
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        Ok(unmask::decide(conn, &actor(&p2), &id, d)?)
    })
    .await;
    match r {
        Ok(_) if approve => redirect("/unmask?m=approved"),
        Ok(_) => redirect("/unmask?m=refused"),
        Err(e) if e.status == actix_web::http::StatusCode::UNPROCESSABLE_ENTITY => {
            redirect("/unmask?m=decision_invalid")
        }
        Err(e) if e.status == actix_web::http::StatusCode::CONFLICT => {
            redirect("/unmask?m=decided_already")
        }
        Err(e) => failure(&p, e),
    }
}

/// `POST /unmask/{id}/review` (the DPO): records the ex-post review.
pub async fn review(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match form_session(&req, &state, &[Role::Dpo]).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        Ok(unmask::dpo_review(conn, &actor(&p2), &id)?)
    })
    .await;
    match r {
        Ok(_) => redirect("/unmask?m=reviewed"),
        Err(e) => failure(&p, e),
    }
}

/// A granted value as text: strings as they are, anything structured as compact JSON.
fn shown(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// `GET /unmask/{id}/clear`: the granted fields in clear, for the requester while the grant
/// lasts. Each traveller read is audited with the grant's purpose (by the service); the page is
/// never cached.
pub async fn clear(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match session(&req, &state, UNMASK_REQUESTERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, st| {
        let items = unmask::read(conn, &st.config, &actor(&p2), &id)?;
        let grant = unmask::list(conn, &actor(&p2), false)?
            .into_iter()
            .find(|r| r.id == id);
        Ok((items, grant))
    })
    .await;
    let (items, grant) = match r {
        Ok(v) => v,
        Err(e) => return failure(&p, e),
    };
    let travellers: Vec<minijinja::Value> = items
        .iter()
        .map(|t| {
            let fields: Vec<(String, String)> = FIELDS
                .iter()
                .filter_map(|f| t.get(*f).map(|v| (f.replace('_', " "), shown(v))))
                .collect();
            context! {
                id => shown(&t["id"]),
                deleted => t["deleted"].as_bool().unwrap_or(false),
                fields => fields,
            }
        })
        .collect();
    let mut resp = page(
        "unmask_clear.html",
        context! {
            user => user_ctx(&p), active => "unmask", travellers => travellers,
            purpose => grant.as_ref().map(|g| g.purpose.clone()),
            expires_at => grant.as_ref().map(|g| when(&g.expires_at)),
        },
    );
    resp.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    resp
}
