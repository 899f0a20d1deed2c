//! Retention policy, runs, statistics and the sensitive-data list (administrators, the DPO and
//! auditors). Unmask requests are in `unmask`.

use actix_web::{web, HttpResponse};
use serde::de::DeserializeOwned;

use crate::api::{ApiError, AppState, Caller};
use crate::retention::{self, policy, sensitive, stats, Actor};

/// Parses a JSON body; anything else is 400.
pub fn json_body<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("the body is not the expected JSON: {e}")))
}

/// `GET /api/v1/retention/policy`: the policy in force.
pub async fn get_policy(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let p = crate::api::db(&state, |conn, st| Ok(policy::active(conn, &st.config)?)).await?;
    Ok(HttpResponse::Ok().json(p))
}

/// `PUT /api/v1/retention/policy` (admin): `{"profile": "eu-cjeu"|"eu-directive"}` or
/// `{"profile": "custom", "classes": {CLASS: {"api"|"pnr": SCHEDULE}}}`. Audited.
pub async fn put_policy(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let change: policy::PolicyChange = json_body(&body)?;
    let next = crate::api::db(&state, move |conn, st| {
        let actor = Actor {
            id: &p.user_id,
            role: p.role.as_str(),
        };
        Ok(policy::update(conn, &st.config, &actor, change)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(next))
}

/// Body of `POST /api/v1/retention/run`.
#[derive(serde::Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// Report what would change without changing it.
    #[serde(default)]
    #[schema(required = false)]
    dry_run: bool,
}

/// `POST /api/v1/retention/run` (admin): runs retention now (or dry). Audited.
pub async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: RunBody = if body.iter().all(u8::is_ascii_whitespace) {
        RunBody::default()
    } else {
        json_body(&body)?
    };
    let report = crate::api::db(&state, move |conn, st| {
        let report = retention::run(conn, &st.config, crate::db::now_ms(), body.dry_run)?;
        let action = if body.dry_run {
            "retention.dry_run"
        } else {
            "retention.run_request"
        };
        Actor {
            id: &p.user_id,
            role: p.role.as_str(),
        }
        .audit(conn, action, "retention", "ok")?;
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// `GET /api/v1/retention/stats`: Art. 20 statistics per month.
pub async fn stats(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let s = crate::api::db(&state, |conn, _| Ok(stats::report(conn)?)).await?;
    Ok(HttpResponse::Ok().json(s))
}

/// `GET /api/v1/retention/sensitive-terms`: the filter's list in force.
pub async fn get_terms(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let list = crate::api::db(&state, |conn, _| Ok(sensitive::current(conn)?)).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// `PUT /api/v1/retention/sensitive-terms` (DPO): `{"codes": [...], "keywords": [...]}`, a new
/// version. Audited.
pub async fn put_terms(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let list: sensitive::TermList = json_body(&body)?;
    let saved = crate::api::db(&state, move |conn, _| {
        Ok(sensitive::update(
            conn,
            &Actor {
                id: &p.user_id,
                role: p.role.as_str(),
            },
            list,
        )?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(saved))
}

/// `GET /api/v1/retention/sensitive-removals`: counts removed per carrier and day.
pub async fn removals(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let rows = crate::api::db(&state, |conn, _| Ok(sensitive::removals(conn)?)).await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "removals": rows })))
}
