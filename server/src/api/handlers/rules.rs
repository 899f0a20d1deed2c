//! Targeting rules: analysts and admins write, reviewers read.

use actix_web::{web, HttpResponse};

use crate::api::{ApiError, AppState, Caller, Code, REVIEWERS, RULE_WRITERS};
use crate::audit::{self, Event};
use crate::screening::{jobs, rules};

/// `POST /api/v1/rules` → `201 {"id","version"}`; invalid → `422 {"code","path","message"}`.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.require(RULE_WRITERS)?.clone();
    let body: serde_json::Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request(format!("the body is not valid JSON: {e}")))?;
    if !body.is_object() {
        return Err(ApiError::bad_request(
            "expected a JSON object with name, category, severity, weight, state, condition",
        ));
    }
    let (id, version) = crate::api::db(&state, move |conn, st| {
        let created = rules::create(conn, &body, &p.user_id).map_err(|e| match e {
            rules::RuleStoreError::Invalid(r) => ApiError {
                status: actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
                code: Code::InvalidRule,
                message: r.message.clone(),
                path: Some(r.path.clone()),
                detail_code: None,
            }
            .with_rule_code(r.code.as_str()),
            rules::RuleStoreError::Db(d) => d.into(),
        })?;
        audit::record(
            conn,
            Event {
                actor: &p.user_id,
                role: p.role.as_str(),
                action: "rule.create",
                object: &format!("rule:{}", created.0),
                outcome: "ok",
            },
        )?;
        jobs::rescreen_open(conn, st.config.open_flight_hours * 3_600_000)?;
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": id, "version": version })))
}

/// `GET /api/v1/rules`.
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    caller.require(REVIEWERS)?;
    let all = crate::api::db(&state, |conn, _| {
        rules::list(conn, None).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "rules": all })))
}

/// `GET /api/v1/rules/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require(REVIEWERS)?;
    let id = id.into_inner();
    let one = crate::api::db(&state, move |conn, _| {
        rules::list(conn, Some(&id)).map_err(ApiError::from)
    })
    .await?;
    one.into_iter()
        .next()
        .map(|r| HttpResponse::Ok().json(r))
        .ok_or_else(|| ApiError::not_found("rule"))
}
