//! User groups scoped by hit category, for administrators: create, list, read, change, delete,
//! and set the members. Every call is audited (ids only).

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, record};
use crate::api::{ApiError, AppState, Caller, Code};
use crate::auth::groups::{self, GroupChange, GroupError};

impl From<GroupError> for ApiError {
    fn from(e: GroupError) -> Self {
        match e {
            GroupError::BadName | GroupError::BadCategories | GroupError::UnknownUser(_) => {
                ApiError::unprocessable(Code::ValidationFailed, e.to_string())
            }
            GroupError::NameTaken => {
                ApiError::new(StatusCode::CONFLICT, Code::Conflict, e.to_string())
            }
            GroupError::NotFound => ApiError::not_found("group"),
            GroupError::Db(d) => d.into(),
        }
    }
}

/// Body of `POST /api/v1/groups`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    name: String,
    categories: Vec<String>,
}

/// Body of `PUT /api/v1/groups/{id}/members`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Members {
    user_ids: Vec<String>,
}

/// `GET /api/v1/groups` → `{"groups": [...]}`.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let all = crate::api::db(&state, move |conn, _| {
        let all = groups::list(conn)?;
        record(conn, &p, "groups.read", "groups", "ok")?;
        Ok(all)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "groups": all })))
}

/// `POST /api/v1/groups` `{"name", "categories": [...]}` → `201` with the group.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: NewGroup = json_body(&body, "{\"name\": …, \"categories\": [\"…\"]}")?;
    let g = crate::api::db(&state, move |conn, _| {
        let g = groups::create(conn, &b.name, &b.categories)?;
        record(conn, &p, "group.create", &format!("group:{}", g.id), "ok")?;
        Ok(g)
    })
    .await?;
    Ok(HttpResponse::Created().json(g))
}

/// `GET /api/v1/groups/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let g = crate::api::db(&state, move |conn, _| {
        let g = groups::get(conn, &id)?;
        record(conn, &p, "group.read", &format!("group:{id}"), "ok")?;
        Ok(g)
    })
    .await?;
    Ok(HttpResponse::Ok().json(g))
}

/// `PATCH /api/v1/groups/{id}` `{"name"?, "categories"?}`.
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let c: GroupChange = json_body(&body, "{\"name\"?: …, \"categories\"?: [\"…\"]}")?;
    let id = id.into_inner();
    let g = crate::api::db(&state, move |conn, _| {
        let g = groups::update(conn, &id, &c)?;
        record(conn, &p, "group.update", &format!("group:{id}"), "ok")?;
        Ok(g)
    })
    .await?;
    Ok(HttpResponse::Ok().json(g))
}

/// `DELETE /api/v1/groups/{id}` → `204`; its members see every item again unless in another
/// group.
pub async fn delete(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        groups::delete(conn, &id)?;
        record(conn, &p, "group.delete", &format!("group:{id}"), "ok")
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `PUT /api/v1/groups/{id}/members` `{"user_ids": [...]}`: replaces the members (an empty list
/// empties the group); an unknown user id → `422`.
pub async fn set_members(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: Members = json_body(&body, "{\"user_ids\": [\"…\"]}")?;
    let id = id.into_inner();
    let g = crate::api::db(&state, move |conn, _| {
        let g = groups::set_members(conn, &id, &b.user_ids)?;
        let object = format!("group:{id} users:{}", g.members.join(","));
        record(conn, &p, "group.members", &object, "ok")?;
        Ok(g)
    })
    .await?;
    Ok(HttpResponse::Ok().json(g))
}
