//! Login, logout and who-am-I.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::api::{ApiError, AppState, Caller};
use crate::audit::{self, Event};
use crate::auth;

/// Login body.
#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// `POST /api/v1/auth/login` → `{"token","expires_at"}`.
pub async fn login(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: LoginBody = serde_json::from_slice(&body)
        .map_err(|_| ApiError::bad_request("expected JSON {\"username\": …, \"password\": …}"))?;
    let out = crate::api::db(&state, move |conn, st| do_login(conn, st, &body.username, &body.password)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "token": out.token,
        "expires_at": crate::api::rfc3339(out.expires_at),
        "role": out.principal.role,
    })))
}

/// Shared by the API and the login page: checks credentials and audits the attempt.
pub fn do_login(
    conn: &mut crate::db::DbConnection,
    st: &AppState,
    username: &str,
    password: &str,
) -> Result<auth::LoginOutcome, ApiError> {
    let c = &st.config;
    let result =
        auth::login(conn, &st.keys, username, password, c.token_minutes * 60_000, c.max_failed_logins, c.lockout_minutes * 60_000);
    match &result {
        Ok(out) => audit::record(conn, Event {
            actor: &out.principal.user_id,
            role: out.principal.role.as_str(),
            action: "login",
            object: &format!("user:{}", out.principal.user_id),
            outcome: "ok",
        })?,
        // The attempted username is not recorded: it may be a password typed in the wrong box.
        Err(_) => audit::record(conn, Event { actor: "anonymous", role: "", action: "login", object: "", outcome: "denied" })?,
    }
    result.map_err(ApiError::from)
}

/// `POST /api/v1/auth/logout`: revokes the caller's session.
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let session = caller.0.session_id.clone();
    crate::api::db(&state, move |conn, _| auth::logout(conn, &session).map_err(ApiError::from)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `GET /api/v1/auth/me`.
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "user_id": caller.0.user_id, "username": caller.0.username, "role": caller.0.role, "carrier": caller.0.carrier,
    }))
}
