//! Port-of-entry lookouts: officers and admins promote travellers and move their status;
//! reviewers read the board.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, record};
use crate::api::{ApiError, AppState, Caller, Code};
use crate::review::lookouts::{self, Change, Status};

/// Body of `POST /api/v1/lookouts`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewLookout {
    traveller_id: String,
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
}

/// `POST /api/v1/lookouts` `{"traveller_id", "reason"}` → `201` with the lookout.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: NewLookout = json_body(&body, "{\"traveller_id\": …, \"reason\": …}")?;
    let reason = b.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 2000 {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            "reason must be 1 to 2000 characters",
        ));
    }
    let view = crate::api::db(&state, move |conn, _| {
        let id = match lookouts::create(conn, &b.traveller_id, &reason, &p.user_id)? {
            Change::Done(id) => id,
            Change::NotFound => return Err(ApiError::not_found("traveller")),
            Change::Exists(id) => {
                return Err(ApiError::new(
                    StatusCode::CONFLICT,
                    Code::Conflict,
                    format!("the traveller has lookout {id} already"),
                ))
            }
            Change::Refused { .. } => {
                return Err(ApiError::internal("a new lookout cannot be refused"))
            }
        };
        record(
            conn,
            &p,
            "lookout.create",
            &format!("lookout:{id} traveller:{}", b.traveller_id),
            "ok",
        )?;
        lookouts::list(conn, None, Some(&id))?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("lookout"))
    })
    .await?;
    Ok(HttpResponse::Created().json(view))
}

/// Query of `GET /api/v1/lookouts`.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ListQuery {
    /// One status; default every status but inactive.
    #[param(value_type = Option<crate::api::schemas::LookoutStatus>, inline)]
    status: Option<String>,
}

/// `GET /api/v1/lookouts[?status=…]`: the board (every status but `inactive` by default).
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => {
            Some(Status::parse(s).ok_or_else(|| ApiError::bad_request("unknown lookout status"))?)
        }
    };
    let all = crate::api::db(&state, move |conn, _| {
        let all = lookouts::list(conn, status, None)?;
        record(conn, &p, "lookouts.read", "lookouts", "ok")?;
        Ok(all)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "lookouts": all })))
}

/// Body of a status change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StatusBody {
    /// active, enroute, encountered, missed, did_not_board, referred, positive, negative or
    /// inactive.
    #[schema(value_type = crate::api::schemas::LookoutStatus)]
    status: String,
}

/// `POST /api/v1/lookouts/{id}/status` `{"status"}`: a move the state machine allows, else 422
/// naming the allowed moves.
pub async fn set_status(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: StatusBody = json_body(&body, "{\"status\": …}")?;
    let to = Status::parse(&b.status).ok_or_else(|| {
        let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
        ApiError::unprocessable(
            Code::ValidationFailed,
            format!("status must be one of {}", names.join(", ")),
        )
    })?;
    let id = id.into_inner();
    let view = crate::api::db(&state, move |conn, _| {
        match lookouts::set_status(conn, &id, to, &p.user_id)? {
            Change::Done(_) => {}
            Change::NotFound | Change::Exists(_) => return Err(ApiError::not_found("lookout")),
            Change::Refused { from, allowed } => {
                record(
                    conn,
                    &p,
                    "lookout.status",
                    &format!("lookout:{id} status:{}", to.as_str()),
                    "refused",
                )?;
                return Err(ApiError::unprocessable(
                    Code::ValidationFailed,
                    format!(
                        "a lookout in status {from} can move to: {}",
                        allowed.join(", ")
                    ),
                ));
            }
        }
        record(
            conn,
            &p,
            "lookout.status",
            &format!("lookout:{id} status:{}", to.as_str()),
            "ok",
        )?;
        lookouts::list(conn, None, Some(&id))?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("lookout"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}
