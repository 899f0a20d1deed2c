//! Flights and their travellers (REVIEWERS). Every read of personal data is audited.

use actix_web::{web, HttpResponse};

use crate::api::{ApiError, AppState, Caller, Purpose};
use crate::audit::{self, Event};
use crate::ingest::views;

/// Query of `GET /api/v1/flights`.
#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct FlightQuery {
    /// Include flights that landed long ago.
    #[serde(default)]
    #[param(required = false)]
    all: bool,
}

/// `GET /api/v1/flights`: open flights (landing in the future or in the last hours), soonest first.
pub async fn list(
    state: web::Data<AppState>,
    q: web::Query<FlightQuery>,
) -> Result<HttpResponse, ApiError> {
    let all = q.all;
    let flights = crate::api::db(&state, move |conn, st| {
        let since = (!all).then(|| crate::db::now_ms() - st.config.open_flight_hours * 3_600_000);
        views::flights(conn, since, 2000).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "flights": flights })))
}

/// `GET /api/v1/flights/{id}/travellers`.
pub async fn travellers(
    state: web::Data<AppState>,
    caller: Caller,
    purpose: Purpose,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let list = crate::api::db(&state, move |conn, _| {
        if views::flight(conn, &id)?.is_none() {
            return Err(ApiError::not_found("flight"));
        }
        let mut list = views::travellers(conn, Some(&id), None)?;
        // A member of user groups does not see travellers flagged only outside his categories.
        let scope = crate::auth::groups::scope(conn, &p.user_id, p.role)?;
        let ids: Vec<&str> = list.iter().map(|t| t.id.as_str()).collect();
        let hidden = crate::review::scope::hidden_travellers(conn, &ids, &scope)?;
        list.retain(|t| !hidden.contains(&t.id));
        audit::record(
            conn,
            Event {
                actor: &p.user_id,
                role: p.role.as_str(),
                action: "travellers.read",
                object: &format!("flight:{id}"),
                outcome: "ok",
                purpose: purpose.as_deref(),
            },
        )?;
        Ok(list)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "travellers": list })))
}

/// `GET /api/v1/travellers/{id}`.
pub async fn traveller(
    state: web::Data<AppState>,
    caller: Caller,
    purpose: Purpose,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let t = crate::api::db(&state, move |conn, _| {
        // A member of user groups reads a flagged traveller only within his groups' categories.
        let scope = crate::auth::groups::scope(conn, &p.user_id, p.role)?;
        if !crate::review::scope::traveller_visible(conn, &id, &scope)? {
            return Err(ApiError::not_found("traveller"));
        }
        let t =
            views::traveller_detail(conn, &id)?.ok_or_else(|| ApiError::not_found("traveller"))?;
        audit::record(
            conn,
            Event {
                actor: &p.user_id,
                role: p.role.as_str(),
                action: "traveller.read",
                object: &format!("traveller:{id}"),
                outcome: "ok",
                purpose: purpose.as_deref(),
            },
        )?;
        Ok(t)
    })
    .await?;
    Ok(HttpResponse::Ok().json(t))
}
