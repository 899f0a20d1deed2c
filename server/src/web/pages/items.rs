//! Officers' actions on a review item from the pages: claim, dispose, note, reopen. Each goes
//! through the `review` service functions, is audited (ids only) and redirects back with a flash.

use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::{audit, failure, form_session, redirect, safe_id, text};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::auth::{Principal, Role};
use crate::review::items::{self, Outcome};
use crate::review::notes;

/// Who acts on items (as in the API): officers and admins.
pub(super) const ACTORS: &[Role] = &[Role::Officer, Role::Admin];
/// Longest reason accepted for a reopen or a manual hit, in characters (as in the API).
pub(super) const MAX_REASON_CHARS: usize = 2000;

/// Fields every item form carries: where to go back to.
#[derive(Deserialize)]
pub struct ItemForm {
    /// The traveller page the form was on; absent on the queue page.
    #[serde(default)]
    traveller: String,
    #[serde(default)]
    disposition: String,
    /// A note's body or a reopen's reason.
    #[serde(default)]
    body: String,
    /// The queue page the form was on, with its filters and page (`/queue?band=high&offset=50`).
    #[serde(default)]
    queue: String,
}

/// Where a form returns to, with a flash code: the traveller page, or the queue as it was
/// filtered.
fn back(form: &ItemForm, flash: &str) -> HttpResponse {
    match safe_id(&form.traveller) {
        Some(t) => redirect(&format!("/travellers/{t}?m={flash}")),
        None => match queue_page(&form.queue) {
            Some(q) => redirect(&format!("{q}&m={flash}")),
            None => redirect(&format!("/queue?m={flash}")),
        },
    }
}

/// A queue page's address as the queue page writes it (`/queue?` and percent-encoded
/// `name=value` pairs), or `None`: anything else could lead elsewhere, so it is not followed.
fn queue_page(q: &str) -> Option<&str> {
    let query = q.strip_prefix("/queue?")?;
    let pair_ok = |pair: &str| {
        pair.split_once('=').is_some_and(|(k, v)| {
            matches!(k, "band" | "status" | "flight" | "offset")
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b))
        })
    };
    (q.len() <= 300 && query.split('&').all(pair_ok)).then_some(q)
}

/// What an action did, as a flash code; audits the outcome like the API's `finish`.
fn settle(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
    action: &str,
    item_id: &str,
    object: &str,
    out: Outcome,
    done: &'static str,
) -> Result<&'static str, ApiError> {
    let (outcome, flash) = match out {
        Outcome::Done => ("ok", done),
        Outcome::NotFound => return Err(ApiError::not_found("queue item")),
        Outcome::Conflict => {
            let closed = items::status(conn, item_id)?.as_deref() == Some("closed");
            match (closed, action == "item.reopen") {
                (_, true) => ("conflict", "not_closed"),
                (true, false) => ("closed", "item_closed"),
                (false, false) => ("conflict", "held"),
            }
        }
    };
    audit(conn, p, action, object, outcome)?;
    Ok(flash)
}

/// `POST /queue/{id}/claim`.
pub async fn claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let out = items::claim(conn, &id, &p2.user_id, &scope)?;
        settle(
            conn,
            &p2,
            "item.claim",
            &id,
            &format!("item:{id}"),
            out,
            "claimed",
        )
    })
    .await;
    match r {
        Ok(flash) => back(&form, flash),
        Err(e) => failure(&p, e),
    }
}

/// `POST /queue/{id}/disposition`: closes the item; a false match also silences the matched
/// list entries for this person, as in the API.
pub async fn dispose(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let d = form.disposition.clone();
    if !items::DISPOSITIONS.contains(&d.as_str()) {
        return failure(&p, ApiError::bad_request("unknown disposition"));
    }
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let out = items::close(conn, &id, &p2.user_id, p2.role.as_str(), &d, &scope)?;
        let object = format!("item:{id} disposition:{d}");
        settle(conn, &p2, "item.dispose", &id, &object, out, "closed")
    })
    .await;
    match r {
        Ok(flash) => back(&form, flash),
        Err(e) => failure(&p, e),
    }
}

/// `POST /queue/{id}/notes`: any reviewer may note an open item.
pub async fn add_note(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(body) = text(&form.body, notes::MAX_NOTE_CHARS) else {
        return back(&form, "empty");
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let (out, note) = notes::add(conn, &id, &p2.user_id, &body, &scope)?;
        let object = format!("item:{id} note:{}", note.as_deref().unwrap_or("-"));
        settle(conn, &p2, "item.note", &id, &object, out, "noted")
    })
    .await;
    match r {
        Ok(flash) => back(&form, flash),
        Err(e) => failure(&p, e),
    }
}

/// `POST /queue/{id}/reopen`: the only way to change a closed item; the reason becomes a note.
pub async fn reopen(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ItemForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(reason) = text(&form.body, MAX_REASON_CHARS) else {
        return back(&form, "empty");
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let out = items::reopen(conn, &id, &p2.user_id, &reason, &scope)?;
        settle(
            conn,
            &p2,
            "item.reopen",
            &id,
            &format!("item:{id}"),
            out,
            "reopened",
        )
    })
    .await;
    match r {
        Ok(flash) => back(&form, flash),
        Err(e) => failure(&p, e),
    }
}

#[cfg(test)]
mod tests {
    use super::queue_page;

    #[test]
    fn only_queue_pages_are_gone_back_to() {
        for ok in [
            "/queue?offset=0",
            "/queue?band=high&status=claimed&flight=ZZ%20101&offset=50",
        ] {
            assert_eq!(queue_page(ok), Some(ok));
        }
        for bad in [
            "",
            "/queue",
            "https://elsewhere.example/queue?offset=0",
            "//elsewhere.example/queue?offset=0",
            "/queue?offset=0/../../login",
            "/queue?next=https://elsewhere.example",
            "/queue?offset=0&m=claimed\r\nSet-Cookie:%20x",
            "/queue?band=high#frag",
            "/travellers/1?offset=0",
        ] {
            assert_eq!(queue_page(bad), None, "{bad}");
        }
    }
}
