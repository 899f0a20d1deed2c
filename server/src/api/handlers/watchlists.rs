//! Watchlists (read by reviewers; imported with the CLI or by analysts and admins).

use actix_web::{web, HttpResponse};

use crate::api::{ApiError, AppState, Caller, REVIEWERS};
use crate::screening::lists;

/// `GET /api/v1/watchlists`.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(REVIEWERS)?;
    let all = crate::api::db(&state, |conn, _| {
        lists::list_all(conn).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "watchlists": all })))
}
