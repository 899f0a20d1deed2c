//! Watchlists: reviewers read; analysts and admins import, edit and version. Every change is
//! audited and re-screens open flights.

use actix_web::{web, HttpResponse};
use paxrisk_screening::watchlist::{self, Entry};
use serde::Deserialize;

use crate::api::{ApiError, AppState, Caller, Code};
use crate::screening::lists;

/// `GET /api/v1/watchlists`.
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = crate::api::db(&state, |conn, _| {
        lists::list_all(conn).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "watchlists": all })))
}

/// Query of an import.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ImportQuery {
    /// `csv` or `json` (OFAC folders are imported with the CLI).
    #[param(value_type = crate::api::schemas::ImportFormat, inline)]
    format: String,
    /// Import nothing if any row fails.
    #[serde(default)]
    #[param(required = false)]
    strict: bool,
}

/// `POST /api/v1/watchlists/{name}/import?format=csv|json[&strict=true]` with the file as body:
/// a new version of list `name` (created the first time), with a row-error report.
pub async fn import(
    state: web::Data<AppState>,
    caller: Caller,
    name: web::Path<String>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    // The query is read after the role check, so a caller without the role learns nothing more.
    let q = web::Query::<ImportQuery>::from_query(req.query_string()).map_err(|_| {
        ApiError::bad_request("add ?format=csv or ?format=json (and optionally &strict=true)")
    })?;
    let name = name.into_inner();
    if name.trim().is_empty() || name.len() > 100 {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            "a list name is 1 to 100 characters",
        ));
    }
    let q = q.into_inner();
    let body = read_limited(payload, lists::MAX_LIST_BYTES).await?;
    let summary = crate::api::db(&state, move |conn, st| {
        let s =
            lists::import_bytes(conn, &name, &q.format, &body, q.strict).map_err(import_error)?;
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p,
            "watchlist.import",
            &format!("watchlist:{}:v{}", s.watchlist_id, s.version),
        )?;
        Ok(s)
    })
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "id": summary.watchlist_id, "name": summary.name, "version": summary.version, "entries": summary.entries,
        "errors": summary.errors.iter().map(|(row, message)| serde_json::json!({"row": row, "message": message})).collect::<Vec<_>>(),
    })))
}

/// Reads a request body of at most `limit` bytes: a JSON 413 above it.
async fn read_limited(mut payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    use futures_util::StreamExt;
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|_| ApiError::bad_request("the request body could not be read"))?;
        if body.len() + chunk.len() > limit {
            return Err(ApiError::new(
                actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
                Code::PayloadTooLarge,
                format!("a list file may be at most {limit} bytes"),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn import_error(e: lists::ImportError) -> ApiError {
    match e {
        lists::ImportError::Db(d) => d.into(),
        lists::ImportError::Format(_) => ApiError::bad_request(e.to_string()),
        other => ApiError::unprocessable(Code::ValidationFailed, other.to_string()),
    }
}

/// Paging of entries.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct Page {
    /// Entries to skip.
    #[serde(default)]
    #[param(required = false)]
    offset: i64,
    /// Page size (default 100).
    limit: Option<i64>,
}

/// `GET /api/v1/watchlists/{id}/entries?offset&limit`.
pub async fn entries(
    state: web::Data<AppState>,
    id: web::Path<String>,
    page: web::Query<Page>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let Page { offset, limit } = page.into_inner();
    let found = crate::api::db(&state, move |conn, _| {
        lists::entries(conn, &id, offset, limit.unwrap_or(100)).map_err(ApiError::from)
    })
    .await?;
    let entries = found.ok_or_else(|| ApiError::not_found("watchlist"))?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": entries })))
}

/// Body of a settings change.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Match threshold in (0, 1].
    #[schema(exclusive_minimum = 0.0, maximum = 1.0)]
    threshold: Option<f64>,
    category: Option<String>,
    #[schema(value_type = Option<crate::api::schemas::Severity>)]
    severity: Option<String>,
}

/// `PUT /api/v1/watchlists/{id}` `{"threshold", "category", "severity"}` (each optional).
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let s: Settings = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "expected {{\"threshold\", \"category\", \"severity\"}}: {e}"
        ))
    })?;
    lists::check_settings(s.threshold, s.category.as_deref(), s.severity.as_deref())
        .map_err(|m| ApiError::unprocessable(Code::ValidationFailed, m))?;
    let id = id.into_inner();
    crate::api::db(&state, move |conn, st| {
        if !lists::update_settings(
            conn,
            &id,
            s.threshold,
            s.category.as_deref(),
            s.severity.as_deref(),
        )? {
            return Err(ApiError::not_found("watchlist"));
        }
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p,
            "watchlist.settings",
            &format!("watchlist:{id}"),
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Body of an entry edit.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryEdit {
    /// Entries to add, in the JSON import shape.
    #[serde(default)]
    #[schema(value_type = Vec<Object>, required = false)]
    add: Vec<serde_json::Value>,
    /// Ids of entries to remove.
    #[serde(default)]
    #[schema(required = false)]
    remove: Vec<String>,
}

/// `POST /api/v1/watchlists/{id}/entries` `{"add": [...], "remove": ["id", ...]}`: a new version.
pub async fn edit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let e: EntryEdit = serde_json::from_slice(&body).map_err(|e| {
        ApiError::bad_request(format!(
            "expected {{\"add\": [...], \"remove\": [...]}}: {e}"
        ))
    })?;
    let report = watchlist::import_json(serde_json::to_vec(&e.add).unwrap_or_default().as_slice());
    if let Some(err) = report.errors.first() {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            format!("entry {}: {}", err.row, err.message),
        ));
    }
    let add: Vec<Entry> = report.entries;
    let id = id.into_inner();
    let version = crate::api::db(&state, move |conn, st| {
        let v = lists::edit_entries(conn, &id, &add, &e.remove)?
            .ok_or_else(|| ApiError::not_found("watchlist"))?;
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p,
            "watchlist.edit",
            &format!("watchlist:{id}:v{v}"),
        )?;
        Ok(v)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "version": version })))
}
