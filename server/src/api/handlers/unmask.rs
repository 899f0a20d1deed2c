//! Re-personalisation: officers request, approvers decide, the DPO reviews, the requester reads
//! the granted fields in clear while the grant lasts.

use actix_web::{web, HttpResponse};

use super::retention::json_body;
use crate::api::{ApiError, AppState, Caller, UNMASK_OVERSEERS as OVERSEERS};
use crate::retention::{unmask, Actor};

/// `POST /api/v1/unmask-requests` → `201` with the pending request.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let req: unmask::NewRequest = json_body(&body)?;
    let created = crate::api::db(&state, move |conn, st| {
        Ok(unmask::create(
            conn,
            &st.config,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            req,
        )?)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// `GET /api/v1/unmask-requests`: own requests, or all for approvers, the DPO, auditors, admins.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    // Finer than the route's roles: overseers see every request, requesters their own.
    let all = OVERSEERS.contains(&p.role);
    let items = crate::api::db(&state, move |conn, _| {
        Ok(unmask::list(
            conn,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            all,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "requests": items })))
}

/// `POST /api/v1/unmask-requests/{id}/decision` (approver): `{"approve", "reason", "hours"?}`.
pub async fn decide(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let d: unmask::Decision = json_body(&body)?;
    let id = id.into_inner();
    let r = crate::api::db(&state, move |conn, _| {
        Ok(unmask::decide(
            conn,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            &id,
            d,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// `POST /api/v1/unmask-requests/{id}/dpo-review` (DPO): marks the ex-post review done.
pub async fn dpo_review(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let r = crate::api::db(&state, move |conn, _| {
        Ok(unmask::dpo_review(
            conn,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            &id,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(r))
}

/// `GET /api/v1/unmask-requests/{id}/travellers`: the granted fields in clear, for the grant's
/// requester while it lasts; every traveller read is audited.
pub async fn travellers(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let items = crate::api::db(&state, move |conn, st| {
        Ok(unmask::read(
            conn,
            &st.config,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            &id,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "travellers": items })))
}
