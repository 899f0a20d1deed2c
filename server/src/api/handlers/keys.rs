//! Carrier API keys, for administrators: issue to an airline account, list, revoke.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, record};
use crate::api::{ApiError, AppState, Caller};
use crate::auth::keys;
use crate::notify::{self, Kind};

/// Body of `POST /api/v1/users/{id}/keys`.
#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueBody {
    /// What the key is for, e.g. "production feed".
    #[serde(default)]
    #[schema(required = false)]
    label: String,
}

/// `POST /api/v1/users/{id}/keys` → `201 {"id","user_id","label","key"}`: the key is shown once.
pub async fn issue(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: IssueBody = if body.is_empty() {
        IssueBody::default()
    } else {
        json_body(&body, "{\"label\": …}")?
    };
    let user = id.into_inner();
    let issued = crate::api::db(&state, move |conn, _| {
        let k = keys::issue(conn, &user, &b.label, &p.user_id)?;
        record(
            conn,
            &p,
            "key.issue",
            &format!("key:{} user:{user}", k.id),
            "ok",
        )?;
        notify::account_event(conn, Kind::KeyIssued, &user)?;
        Ok(k)
    })
    .await?;
    Ok(HttpResponse::Created().json(issued))
}

/// `GET /api/v1/keys`: every key, without secrets.
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = crate::api::db(&state, |conn, _| Ok(keys::list(conn)?)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "keys": all })))
}

/// `DELETE /api/v1/keys/{id}` → 204: the key stops working at once.
pub async fn revoke(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        let owner = keys::revoke(conn, &id)?.ok_or_else(|| ApiError::not_found("API key"))?;
        record(
            conn,
            &p,
            "key.revoke",
            &format!("key:{id} user:{owner}"),
            "ok",
        )?;
        notify::account_event(conn, Kind::KeyRevoked, &owner)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
