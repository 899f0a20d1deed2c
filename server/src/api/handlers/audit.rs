//! The audit log for the DPO, auditors and admins.

use actix_web::{web, HttpResponse};

use crate::api::{ApiError, AppState, Caller, AUDITORS};
use crate::audit;

/// `GET /api/v1/audit`: the latest rows and whether the chain holds.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(AUDITORS)?;
    let (rows, check) = crate::api::db(&state, |conn, _| Ok((audit::recent(conn, 500)?, audit::verify(conn)?))).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": rows, "verification": check })))
}
