//! The review queue and officers' actions on it.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::api::{ApiError, AppState, Caller, Code, REVIEWERS};
use crate::audit::{self, Event};
use crate::auth::Role;
use crate::review::{items, queue};

/// `GET /api/v1/queue`.
pub async fn list(state: web::Data<AppState>, caller: Caller, f: web::Query<queue::Filter>) -> Result<HttpResponse, ApiError> {
    let p = caller.require(REVIEWERS)?.clone();
    let f = f.into_inner();
    let items = crate::api::db(&state, move |conn, st| {
            let items = queue::list(conn, crate::db::now_ms(), st.config.open_flight_hours * 3_600_000, &f)?;
            audit::record(conn, Event { actor: &p.user_id, role: p.role.as_str(), action: "queue.read", object: "queue", outcome: "ok" })?;
            Ok(items)
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "items": items })))
}

/// `POST /api/v1/queue/{id}/claim`.
pub async fn claim(state: web::Data<AppState>, caller: Caller, id: web::Path<String>) -> Result<HttpResponse, ApiError> {
    let p = caller.require(&[Role::Officer, Role::Admin])?.clone();
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
            let out = items::claim(conn, &id, &p.user_id)?;
            finish(conn, &p, "item.claim", &id, out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "claimed" })))
}

/// Body of a disposition.
#[derive(Deserialize)]
pub struct DispositionBody {
    disposition: String,
}

/// `POST /api/v1/queue/{id}/disposition` `{"disposition": "no_action|referred|resultant|false_match"}`.
pub async fn dispose(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.require(&[Role::Officer, Role::Admin])?.clone();
    let body: DispositionBody =
        serde_json::from_slice(&body).map_err(|_| ApiError::bad_request("expected JSON {\"disposition\": …}"))?;
    if !items::DISPOSITIONS.contains(&body.disposition.as_str()) {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            format!("disposition must be one of {}", items::DISPOSITIONS.join(", ")),
        ));
    }
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
            let out = items::dispose(conn, &id, &p.user_id, &body.disposition)?;
            finish(conn, &p, "item.dispose", &id, out)
        })
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "closed" })))
}

fn finish(
    conn: &mut crate::db::DbConnection,
    p: &crate::auth::Principal,
    action: &str,
    id: &str,
    out: items::Outcome,
) -> Result<(), ApiError> {
    let outcome = match out {
        items::Outcome::Done => "ok",
        items::Outcome::NotFound => return Err(ApiError::not_found("queue item")),
        items::Outcome::Conflict => "conflict",
    };
    audit::record(conn, Event { actor: &p.user_id, role: p.role.as_str(), action, object: &format!("item:{id}"), outcome })?;
    if out == items::Outcome::Conflict {
        return Err(ApiError::new(
            actix_web::http::StatusCode::CONFLICT,
            Code::Conflict,
            "another officer holds this item, or it is closed",
        ));
    }
    Ok(())
}
