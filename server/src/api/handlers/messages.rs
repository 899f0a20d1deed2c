//! Intake over HTTP and message state for carriers and staff.

use actix_web::{web, HttpResponse};
use futures_util::StreamExt;

use crate::api::{ApiError, AppState, Caller, Code, STAFF};
use crate::auth::Role;
use crate::ingest::intake::{self, Source};

/// `POST /api/v1/messages` (role airline): stores the raw bytes, then answers 202 with the id.
pub async fn post(
    state: web::Data<AppState>,
    caller: Caller,
    mut payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let limit = state.config.max_message_bytes;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::bad_request("the request body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                Code::PayloadTooLarge,
                format!("a message may be at most {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    if body.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ApiError::bad_request("the message body is empty"));
    }
    let accepted = crate::api::db(&state, move |conn, st| {
        intake::accept(
            conn,
            &st.config,
            &body,
            p.carrier.as_deref(),
            Some(&p.user_id),
            Source::Http,
        )
        .map_err(ApiError::from)
    })
    .await?;
    state.metrics.messages_received.inc();
    Ok(HttpResponse::Accepted().json(accepted))
}

/// `GET /api/v1/messages/{id}`: state and diagnostics; another carrier's message is 404.
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    if !(p.role == Role::Airline || STAFF.contains(&p.role)) {
        return Err(ApiError::forbidden());
    }
    let carrier = if p.role == Role::Airline {
        Some(p.carrier.clone().unwrap_or_default())
    } else {
        None
    };
    let id = id.into_inner();
    let status = crate::api::db(&state, move |conn, _| {
        intake::status(conn, &id, carrier.as_deref()).map_err(ApiError::from)
    })
    .await?;
    status
        .map(|s| HttpResponse::Ok().json(s))
        .ok_or_else(|| ApiError::not_found("message"))
}

/// `GET /api/v1/messages`: the latest messages (a carrier sees its own).
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let carrier = if p.role == Role::Airline {
        Some(p.carrier.clone().unwrap_or_default())
    } else {
        None
    };
    let items = crate::api::db(&state, move |conn, _| {
        intake::recent(conn, carrier.as_deref(), 200).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "messages": items })))
}
