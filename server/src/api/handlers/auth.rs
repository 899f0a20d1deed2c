//! Login, logout, refresh, who-am-I and one's own settings.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::api::{ApiError, AppState, Caller};
use crate::audit::{self, Event};
use crate::auth::{self, LoginPolicy, Principal};

/// Login body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// Parses a JSON body into `T`, or a 400 that says what was expected.
pub fn json_body<T: serde::de::DeserializeOwned>(
    body: &[u8],
    expected: &str,
) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|_| ApiError::bad_request(format!("expected JSON {expected}")))
}

/// Records one audit row for a principal's act.
pub fn record(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
    action: &str,
    object: &str,
    outcome: &str,
) -> Result<(), ApiError> {
    record_read(conn, p, action, object, outcome, None)
}

/// Records a principal's change to rules or watchlists and queues re-screening of the open
/// flights, in the caller's connection (API and pages alike).
pub fn record_change(
    conn: &mut crate::db::DbConnection,
    open_flight_hours: i64,
    p: &Principal,
    action: &str,
    object: &str,
) -> Result<(), ApiError> {
    record(conn, p, action, object, "ok")?;
    crate::screening::jobs::rescreen_open(conn, open_flight_hours * 3_600_000)?;
    Ok(())
}

/// Records one audit row for a principal's read of personal data, with the purpose the caller
/// stated (`X-Purpose`), if any.
pub fn record_read(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
    action: &str,
    object: &str,
    outcome: &str,
    purpose: Option<&str>,
) -> Result<(), ApiError> {
    audit::record(
        conn,
        Event {
            actor: &p.user_id,
            role: p.role.as_str(),
            action,
            object,
            outcome,
            purpose,
        },
    )?;
    Ok(())
}

/// `POST /api/v1/auth/login` → `{"token","expires_at"}`.
pub async fn login(state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body: LoginBody = json_body(&body, "{\"username\": …, \"password\": …}")?;
    let out = crate::api::db(&state, move |conn, st| {
        do_login(conn, st, &body.username, &body.password)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "token": out.token,
        "expires_at": crate::api::rfc3339(out.expires_at),
        "role": out.principal.role,
    })))
}

pub(crate) fn policy(st: &AppState) -> LoginPolicy {
    let c = &st.config;
    LoginPolicy {
        token_ms: c.token_minutes * 60_000,
        max_failed: c.max_failed_logins,
        lockout_ms: c.lockout_minutes * 60_000,
    }
}

/// Shared by the API and the login page: checks credentials and audits the attempt.
pub fn do_login(
    conn: &mut crate::db::DbConnection,
    st: &AppState,
    username: &str,
    password: &str,
) -> Result<auth::LoginOutcome, ApiError> {
    // The sender of notification e-mail runs in every serving process; starting it is idempotent.
    crate::notify::start(&st.pool, &st.config);
    let result = auth::login(conn, &st.keys, username, password, &policy(st));
    match &result {
        Ok(out) => record(
            conn,
            &out.principal,
            "login",
            &format!("user:{}", out.principal.user_id),
            "ok",
        )?,
        // The attempted username is not recorded: it may be a password typed in the wrong box.
        Err(e) => audit::record(
            conn,
            Event {
                actor: "anonymous",
                role: "",
                action: "login",
                object: "",
                outcome: if matches!(e, auth::AuthError::Locked) {
                    "locked"
                } else {
                    "denied"
                },
                purpose: None,
            },
        )?,
    }
    result.map_err(ApiError::from)
}

/// `POST /api/v1/auth/logout`: revokes the caller's session.
pub async fn logout(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    crate::api::db(&state, move |conn, _| {
        auth::logout(conn, &p.session_id)?;
        record(conn, &p, "logout", &format!("user:{}", p.user_id), "ok")
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// `POST /api/v1/auth/refresh`: a fresh token with a full lifetime; the old one stops working.
pub async fn refresh(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let out = crate::api::db(&state, move |conn, st| {
        let out = auth::refresh(conn, &st.keys, &p, policy(st).token_ms)?;
        record(
            conn,
            &p,
            "session.refresh",
            &format!("user:{}", p.user_id),
            "ok",
        )?;
        Ok(out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "token": out.token,
        "expires_at": crate::api::rfc3339(out.expires_at),
        "role": out.principal.role,
    })))
}

/// `GET /api/v1/auth/me`.
pub async fn me(caller: Caller) -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "user_id": caller.0.user_id, "username": caller.0.username, "role": caller.0.role, "carrier": caller.0.carrier,
    }))
}

/// What a person may change about themselves.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyChange {
    email: Option<String>,
    notify_high_hits: Option<bool>,
}

/// `PATCH /api/v1/auth/me` `{"email", "notify_high_hits"}`: one's own address and subscription
/// (staff only: carriers' contacts are an administrator's business).
pub async fn update_me(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let c: MyChange = json_body(&body, "{\"email\": …, \"notify_high_hits\": true|false}")?;
    let view = crate::api::db(&state, move |conn, _| {
        let change = auth::UserChange {
            email: c.email,
            notify_high_hits: c.notify_high_hits,
            ..Default::default()
        };
        let v = auth::update_user(conn, &p.user_id, &change)?;
        record(
            conn,
            &p,
            "user.update",
            &format!("user:{}", p.user_id),
            "ok",
        )?;
        Ok(v)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Body of a password change.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct PasswordBody {
    current: String,
    new: String,
}

/// `POST /api/v1/auth/password` `{"current", "new"}`: changes one's password; other sessions end.
pub async fn change_password(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    if crate::auth::keys::is_key_session(&p.session_id) {
        return Err(ApiError::forbidden());
    }
    let b: PasswordBody = json_body(&body, "{\"current\": …, \"new\": …}")?;
    crate::api::db(&state, move |conn, _| {
        let r = auth::change_password(conn, &p.user_id, &p.session_id, &b.current, &b.new);
        record(
            conn,
            &p,
            "user.password",
            &format!("user:{}", p.user_id),
            if r.is_ok() { "ok" } else { "denied" },
        )?;
        r.map_err(|e| match e {
            // Not 401: the caller's token is fine, only the typed password is not.
            auth::AuthError::BadCredentials => ApiError::unprocessable(
                crate::api::Code::ValidationFailed,
                "the current password is wrong",
            ),
            e => e.into(),
        })
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
