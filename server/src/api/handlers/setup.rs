//! `POST /api/v1/setup`: the first administrator, with the one-time token a server printed on
//! its console when it started on a store without one (see `auth::setup`). No sign-in needed;
//! wrong tokens lock setup like wrong passwords lock an account.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, policy};
use crate::api::{ApiError, AppState, Code};
use crate::audit::{self, Event};
use crate::auth::setup::{self, SetupError};

/// Body of `POST /api/v1/setup`.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetupBody {
    token: String,
    username: String,
    password: String,
}

impl From<SetupError> for ApiError {
    fn from(e: SetupError) -> Self {
        match e {
            SetupError::Complete => {
                ApiError::new(StatusCode::CONFLICT, Code::SetupComplete, e.to_string())
            }
            SetupError::InvalidToken => ApiError::new(
                StatusCode::UNAUTHORIZED,
                Code::SetupTokenInvalid,
                e.to_string(),
            ),
            SetupError::Locked => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, Code::Locked, e.to_string())
            }
            SetupError::Auth(a) => a.into(),
        }
    }
}

/// Shared by the API and the setup page: creates the first admin and audits the attempt (the
/// typed username is not recorded on a failure, like a login's).
pub fn do_setup(
    conn: &mut crate::db::DbConnection,
    st: &AppState,
    token: &str,
    username: &str,
    password: &str,
) -> Result<String, ApiError> {
    let r = setup::complete(
        conn,
        token,
        username,
        password,
        &policy(st),
        crate::db::now_ms(),
    );
    let (actor, role, object, outcome) = match &r {
        Ok(id) => (id.as_str(), "admin", format!("user:{id}"), "ok"),
        Err(SetupError::Complete) => ("anonymous", "", String::new(), "closed"),
        Err(SetupError::Locked) => ("anonymous", "", String::new(), "locked"),
        Err(SetupError::InvalidToken) => ("anonymous", "", String::new(), "denied"),
        Err(SetupError::Auth(_)) => ("anonymous", "", String::new(), "refused"),
    };
    audit::record(
        conn,
        Event {
            actor,
            role,
            action: "setup.admin",
            object: &object,
            outcome,
            purpose: None,
        },
    )?;
    r.map_err(ApiError::from)
}

/// `POST /api/v1/setup` `{"token", "username", "password"}` → `201 {"id", "username", "role"}`.
/// Refusals: `409 setup_complete` once an admin exists, `401 setup_token_invalid` for a wrong,
/// used or expired token, `429 locked` after too many wrong tokens, `422 weak_password`.
pub async fn setup(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let b: SetupBody = json_body(&body, "{\"token\": …, \"username\": …, \"password\": …}")?;
    let username = b.username.trim().to_string();
    let name = username.clone();
    let id = crate::api::db(&state, move |conn, st| {
        do_setup(conn, st, &b.token, &name, &b.password)
    })
    .await?;
    Ok(HttpResponse::Created()
        .json(serde_json::json!({ "id": id, "username": username, "role": "admin" })))
}
