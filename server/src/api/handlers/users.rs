//! Accounts, for administrators: list, create (password policy applies), change, disable.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, record};
use crate::api::{ApiError, AppState, Caller};
use crate::auth;
use crate::notify::{self, Kind};

/// Body of `POST /api/v1/users`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    username: String,
    /// At least 12 characters, not containing the username, not a common password.
    #[schema(min_length = 12)]
    password: String,
    #[schema(value_type = crate::api::schemas::RoleName)]
    role: String,
    /// The carrier an airline account speaks for (airline only).
    carrier: Option<String>,
    email: Option<String>,
    #[serde(default)]
    #[schema(required = false)]
    notify_high_hits: bool,
}

/// `GET /api/v1/users`.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let users = crate::api::db(&state, move |conn, _| {
        let users = auth::list_users(conn)?;
        record(conn, &p, "users.read", "users", "ok")?;
        Ok(users)
    })
    .await?;
    let users: Vec<serde_json::Value> = users.iter().map(view).collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "users": users })))
}

fn view(u: &auth::UserView) -> serde_json::Value {
    let mut v = serde_json::to_value(u).unwrap_or_default();
    v["locked"] = serde_json::Value::Bool(u.locked());
    v
}

/// `GET /api/v1/users/{id}`, with the user's groups (`[{"id", "name"}]`).
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let (u, groups) = crate::api::db(&state, move |conn, _| {
        let u = auth::get_user(conn, &id)?;
        let groups = auth::groups::of_user(conn, &id)?;
        record(conn, &p, "user.read", &format!("user:{id}"), "ok")?;
        Ok((u, groups))
    })
    .await?;
    let mut v = view(&u);
    v["groups"] = groups
        .into_iter()
        .map(|(id, name)| serde_json::json!({ "id": id, "name": name }))
        .collect();
    Ok(HttpResponse::Ok().json(v))
}

/// `POST /api/v1/users` → `201 {"id"}`; a weak password → `422 weak_password`.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: NewUserBody = json_body(
        &body,
        "{\"username\", \"password\", \"role\", \"carrier\"?, \"email\"?}",
    )?;
    let id = crate::api::db(&state, move |conn, _| {
        // Argon2 runs here, on the blocking pool, like every store call.
        let id = auth::create_user(
            conn,
            &auth::NewUser {
                username: &b.username,
                role: &b.role,
                carrier: b.carrier.as_deref(),
                password: &b.password,
                email: b.email.as_deref(),
                notify_high: b.notify_high_hits,
            },
        )?;
        record(conn, &p, "user.create", &format!("user:{id}"), "ok")?;
        notify::account_event(conn, Kind::AccountCreated, &id)?;
        Ok(id)
    })
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id })))
}

/// `PATCH /api/v1/users/{id}` `{"active", "email", "notify_high_hits", "unlock"}`. Disabling
/// ends the user's sessions at once and stops their API keys.
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let change: auth::UserChange = json_body(
        &body,
        "{\"active\"?: bool, \"email\"?: string, \"notify_high_hits\"?: bool, \"unlock\"?: bool}",
    )?;
    let id = id.into_inner();
    if change.active == Some(false) && id == p.user_id {
        return Err(ApiError::unprocessable(
            crate::api::Code::ValidationFailed,
            "an administrator cannot disable their own account",
        ));
    }
    let u = crate::api::db(&state, move |conn, _| {
        let before = auth::get_user(conn, &id)?;
        let after = auth::update_user(conn, &id, &change)?;
        let action = match (before.active, after.active) {
            (true, false) => Some(("user.disable", Kind::AccountDisabled)),
            (false, true) => Some(("user.enable", Kind::AccountEnabled)),
            _ => None,
        };
        if let Some((action, kind)) = action {
            record(conn, &p, action, &format!("user:{id}"), "ok")?;
            notify::account_event(conn, kind, &id)?;
        }
        record(conn, &p, "user.update", &format!("user:{id}"), "ok")?;
        Ok(after)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&u)))
}
