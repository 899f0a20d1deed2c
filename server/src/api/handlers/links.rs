//! A traveller's link graph (REVIEWERS, like the traveller view). Reading it is audited.

use actix_web::{web, HttpResponse};

use crate::api::{ApiError, AppState, Caller, Purpose};
use crate::audit::{self, Event};
use crate::links::graph;
use crate::links::params::Params;

/// `GET /api/v1/travellers/{id}/links?hops=2&kinds=phone,email&since=...&until=...`: nodes
/// (travellers, shared values, bookings, flights) and edges by kind, and the path to the
/// nearest traveller with a hit.
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    purpose: Purpose,
    id: web::Path<String>,
    q: web::Query<Params>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let query = q.parse().map_err(ApiError::bad_request)?;
    let id = id.into_inner();
    let g = crate::api::db(&state, move |conn, _| {
        // A member of user groups reads a flagged traveller only within his groups' categories.
        let scope = crate::auth::groups::scope(conn, &p.user_id, p.role)?;
        if !crate::review::scope::traveller_visible(conn, &id, &scope)? {
            return Err(ApiError::not_found("traveller"));
        }
        let g = graph::graph(conn, &id, &query)?.ok_or_else(|| ApiError::not_found("traveller"))?;
        audit::record(
            conn,
            Event {
                actor: &p.user_id,
                role: p.role.as_str(),
                action: "traveller.links.read",
                object: &format!("traveller:{id}"),
                outcome: "ok",
                purpose: purpose.as_deref(),
            },
        )?;
        Ok(g)
    })
    .await?;
    Ok(HttpResponse::Ok().json(g))
}
