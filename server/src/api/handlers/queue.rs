//! The review queue and officers' actions on it. Every read of an item and every action is one
//! audit row naming ids only.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::auth::{json_body, record, record_read};
use crate::api::{ApiError, AppState, Caller, Code, Purpose};
use crate::auth::{groups, Principal};
use crate::review::items::{self, Outcome};
use crate::review::{manual, notes, queue};

/// Longest reason accepted (reopen, manual hit), in characters.
const MAX_REASON_CHARS: usize = 2000;

/// `GET /api/v1/queue` with filters (`flight`, `band`, `status`, `assignee`, `category`, `from`,
/// `to`, `all`) and paging (`limit`, `offset`) → `{"items", "total", "offset", "limit"}`. A
/// member of user groups sees only the items in his groups' categories.
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    purpose: Purpose,
    f: web::Query<queue::Filter>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let mut f = f.into_inner();
    f.me = Some(p.user_id.clone());
    let page = crate::api::db(&state, move |conn, st| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let page = queue::page(
            conn,
            crate::db::now_ms(),
            st.config.open_flight_hours * 3_600_000,
            &f,
            &scope,
        )
        .map_err(page_error)?;
        record_read(conn, &p, "queue.read", "queue", "ok", purpose.as_deref())?;
        Ok(page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

fn page_error(e: queue::PageError) -> ApiError {
    match e {
        queue::PageError::Filter(e) => ApiError::bad_request(e.to_string()),
        queue::PageError::Db(d) => d.into(),
    }
}

/// `GET /api/v1/queue/{id}`: the item with its notes (404 outside the caller's groups).
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    purpose: Purpose,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let (item, notes) = crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let item = queue::get(conn, &id, &scope)
            .map_err(page_error)?
            .ok_or_else(|| ApiError::not_found("queue item"))?;
        let notes = notes::list(conn, &id)?;
        let object = format!("item:{id}");
        record_read(conn, &p, "item.read", &object, "ok", purpose.as_deref())?;
        Ok((item, notes))
    })
    .await?;
    let mut v = serde_json::to_value(item).map_err(ApiError::internal)?;
    v["notes"] = serde_json::to_value(notes).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok().json(v))
}

/// `POST /api/v1/queue/{id}/claim`.
pub async fn claim(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let out = items::claim(conn, &id, &p.user_id, &scope)?;
        finish(conn, &p, "item.claim", &format!("item:{id}"), out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "claimed" })))
}

/// Body of a disposition.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct DispositionBody {
    #[schema(value_type = crate::api::schemas::Disposition)]
    disposition: String,
}

/// `POST /api/v1/queue/{id}/disposition` `{"disposition": "no_action|referred|resultant|false_match"}`.
pub async fn dispose(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: DispositionBody = json_body(&body, "{\"disposition\": …}")?;
    if !items::DISPOSITIONS.contains(&body.disposition.as_str()) {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            format!(
                "disposition must be one of {}",
                items::DISPOSITIONS.join(", ")
            ),
        ));
    }
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let out = items::close(
            conn,
            &id,
            &p.user_id,
            p.role.as_str(),
            &body.disposition,
            &scope,
        )?;
        finish(
            conn,
            &p,
            "item.dispose",
            &format!("item:{id} disposition:{}", body.disposition),
            out,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "closed" })))
}

/// Body of a note, a reopen or a manual hit.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct TextBody {
    /// The text (`reason` is accepted as another name for it): a note up to 4000 characters,
    /// a reason up to 2000.
    #[serde(alias = "reason")]
    #[schema(min_length = 1, max_length = 4000)]
    body: String,
}

fn text(body: &[u8], what: &str, max: usize) -> Result<String, ApiError> {
    let t: TextBody = json_body(body, &format!("{{\"{what}\": …}}"))?;
    let s = t.body.trim().to_string();
    if s.is_empty() || s.chars().count() > max {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            format!("{what} must be 1 to {max} characters"),
        ));
    }
    Ok(s)
}

/// `GET /api/v1/queue/{id}/notes`.
pub async fn list_notes(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let id = id.into_inner();
    let list = crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        if !crate::review::scope::visible(conn, &id, &scope)? {
            return Err(ApiError::not_found("queue item"));
        }
        let list = notes::list(conn, &id)?;
        record(conn, &p, "notes.read", &format!("item:{id}"), "ok")?;
        Ok(list)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "notes": list })))
}

/// `POST /api/v1/queue/{id}/notes` `{"body"}` → `201 {"id"}`; a closed item → `409 item_closed`.
pub async fn add_note(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let text = text(&body, "body", notes::MAX_NOTE_CHARS)?;
    let id = id.into_inner();
    let note = crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let (out, note) = notes::add(conn, &id, &p.user_id, &text, &scope)?;
        let object = format!("item:{id} note:{}", note.as_deref().unwrap_or("-"));
        finish(conn, &p, "item.note", &object, out)?;
        Ok(note)
    })
    .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({ "id": note })))
}

/// `POST /api/v1/queue/{id}/reopen` `{"reason"}`: the only way to change a closed item.
pub async fn reopen(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let reason = text(&body, "reason", MAX_REASON_CHARS)?;
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        let scope = groups::scope(conn, &p.user_id, p.role)?;
        let out = items::reopen(conn, &id, &p.user_id, &reason, &scope)?;
        finish(conn, &p, "item.reopen", &format!("item:{id}"), out)
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "reopened" })))
}

/// Body of an assignment.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AssignBody {
    user_id: String,
}

/// `POST /api/v1/queue/{id}/assign` `{"user_id"}` (admins): gives the item to an active officer
/// or admin, overriding a claim.
pub async fn assign(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: AssignBody = json_body(&body, "{\"user_id\": …}")?;
    let assignee = b.user_id.clone();
    let id = id.into_inner();
    crate::api::db(&state, move |conn, _| {
        let target = crate::auth::get_user(conn, &b.user_id).ok();
        let fit = target.is_some_and(|u| u.active && (u.role == "officer" || u.role == "admin"));
        if !fit {
            return Err(ApiError::unprocessable(
                Code::ValidationFailed,
                "items can be assigned to active officers and admins only",
            ));
        }
        let out = items::assign(conn, &id, &b.user_id)?;
        finish(
            conn,
            &p,
            "item.assign",
            &format!("item:{id} user:{}", b.user_id),
            out,
        )
    })
    .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({ "status": "claimed", "assignee": assignee })))
}

/// Body of a manual hit.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ManualBody {
    #[schema(min_length = 1, max_length = 80)]
    category: String,
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
    /// `high`, `medium` (default) or `low`.
    #[serde(default = "default_band")]
    #[schema(required = false, value_type = crate::api::schemas::Band)]
    band: String,
}

fn default_band() -> String {
    "medium".into()
}

/// `POST /api/v1/travellers/{id}/manual-hits` `{"category", "reason", "band"?}` → `201` with the
/// hit and its item: the traveller enters (or stays in) the queue.
pub async fn manual_hit(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let b: ManualBody = json_body(
        &body,
        "{\"category\": …, \"reason\": …, \"band\": \"medium\"|\"high\"}",
    )?;
    let (category, reason) = (b.category.trim().to_string(), b.reason.trim().to_string());
    if category.is_empty() || category.chars().count() > 80 {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            "category must be 1 to 80 characters",
        ));
    }
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            format!("reason must be 1 to {MAX_REASON_CHARS} characters"),
        ));
    }
    if !manual::BANDS.contains(&b.band.as_str()) {
        return Err(ApiError::unprocessable(
            Code::ValidationFailed,
            "band must be medium or high",
        ));
    }
    let traveller = id.into_inner();
    let created = crate::api::db(&state, move |conn, _| {
        let (out, created) =
            manual::add(conn, &traveller, &category, &b.band, &reason, &p.user_id)?;
        if out == Outcome::NotFound {
            return Err(ApiError::not_found("traveller"));
        }
        // `finish` reads the item id from the object's first word.
        let item = crate::review::queue::item_of_traveller(conn, &traveller)?.unwrap_or_default();
        let object = match &created {
            Some(c) => format!("item:{} traveller:{traveller} hit:{}", c.item_id, c.id),
            None => format!("item:{item} traveller:{traveller}"),
        };
        finish(conn, &p, "item.manual_hit", &object, out)?;
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Audits an action's outcome and maps a refusal to its error: on a closed item `409
/// item_closed` (it is locked until reopened), on an item held by someone else `409 conflict`;
/// for a reopen, an item that is not closed is the conflict.
pub fn finish(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
    action: &str,
    object: &str,
    out: Outcome,
) -> Result<(), ApiError> {
    let closed = match out {
        Outcome::Done => return record(conn, p, action, object, "ok"),
        Outcome::NotFound => return Err(ApiError::not_found("queue item")),
        Outcome::Conflict => {
            let id = object
                .split_whitespace()
                .next()
                .and_then(|o| o.strip_prefix("item:"))
                .unwrap_or_default();
            items::status(conn, id)?.as_deref() == Some("closed")
        }
    };
    record(
        conn,
        p,
        action,
        object,
        if closed { "closed" } else { "conflict" },
    )?;
    Err(match (closed, action == "item.reopen") {
        (_, true) => ApiError::new(
            StatusCode::CONFLICT,
            Code::Conflict,
            "only a closed item can be reopened",
        ),
        (true, false) => ApiError::new(
            StatusCode::CONFLICT,
            Code::ItemClosed,
            "the item is closed; reopen it with a reason to change it",
        ),
        (false, false) => ApiError::new(
            StatusCode::CONFLICT,
            Code::Conflict,
            "another officer holds this item",
        ),
    })
}
