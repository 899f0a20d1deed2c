//! The intake log for staff: the latest messages with their state, and one message's
//! diagnostics (which name positions and segments, never personal data).

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::{failure, session, user_ctx};
use crate::api::{ApiError, AppState, STAFF};
use crate::ingest::intake;
use crate::web::render::page;

/// Messages on the log page.
const LATEST: i64 = 200;

/// `GET /messages`.
pub async fn messages(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, STAFF).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = crate::api::db(&state, |conn, _| {
        intake::recent(conn, None, LATEST).map_err(ApiError::from)
    })
    .await;
    match r {
        Ok(list) => page(
            "messages.html",
            context! { user => user_ctx(&p), active => "messages", messages => list, latest => LATEST },
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /messages/{id}`.
pub async fn message(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match session(&req, &state, STAFF).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let r = crate::api::db(&state, move |conn, _| {
        intake::status(conn, &id, None)?.ok_or_else(|| ApiError::not_found("message"))
    })
    .await;
    match r {
        Ok(m) => page(
            "message.html",
            context! { user => user_ctx(&p), active => "messages", m => m },
        ),
        Err(e) => failure(&p, e),
    }
}
