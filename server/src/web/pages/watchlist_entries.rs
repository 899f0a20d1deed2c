//! A watchlist's current entries, a page at a time, and a search over them (by POST, so that
//! names typed stay out of URLs and the access log). Through the same paged service function as
//! `GET /api/v1/watchlists/{id}/entries`, with its roles.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use paxrisk_screening::watchlist::Entry;
use serde::Deserialize;

use super::{failure, form_session, safe_id, session, user_ctx};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::auth::Principal;
use crate::screening::lists;
use crate::web::render::page_with_status;

/// Entries per page.
const PAGE: i64 = 50;

/// An entry as the entries table shows it.
fn entry_row(e: &Entry) -> minijinja::Value {
    context! {
        id => e.id,
        name => e.primary_name().display(),
        aliases => e.aliases.iter().map(|a| a.display()).collect::<Vec<_>>().join("; "),
        born => e.dates_of_birth.join(", "),
        nationalities => e.nationalities.join(", "),
        gender => e.gender,
        documents => e.documents.iter().map(|d| match &d.country {
            Some(c) => format!("{} ({c})", d.number),
            None => d.number.clone(),
        }).collect::<Vec<_>>().join(", "),
        category => e.category,
        kind => serde_json::to_value(e.kind).ok().and_then(|v| v.as_str().map(str::to_string)),
    }
}

/// Whether an entry holds the search text (case-insensitively) in a name, alias, date of birth,
/// document number or its id.
fn holds(e: &Entry, needle: &str) -> bool {
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&e.id)
        || e.all_names().iter().any(|n| has(&n.display()))
        || e.dates_of_birth.iter().any(|d| has(d))
        || e.documents.iter().any(|d| has(&d.number))
}

/// One page of a list's entries (`PAGE` of them from `offset`, and whether more follow), of
/// those holding `needle` when given (a search reads the list's entries once).
fn page_of(
    conn: &mut crate::db::DbConnection,
    id: &str,
    needle: Option<&str>,
    offset: i64,
) -> Result<Option<(Vec<Entry>, bool)>, ApiError> {
    let Some(needle) = needle else {
        let Some(mut got) = lists::entries(conn, id, offset, PAGE + 1)? else {
            return Ok(None);
        };
        let more = got.len() as i64 > PAGE;
        got.truncate(PAGE as usize);
        return Ok(Some((got, more)));
    };
    let Some(texts) = lists::entry_texts(conn, id)? else {
        return Ok(None);
    };
    // The stored JSON holds every searchable value as written (serde_json escapes only quotes,
    // backslashes and control characters), and a name shows as "surname, given names": so an
    // entry whose text lacks a piece of the needle between ", " cannot hold it and is not
    // parsed. A needle with the escaped characters is checked on every entry.
    let plain = !needle.contains(['"', '\\']) && !needle.chars().any(char::is_control);
    let pieces: Vec<&str> = needle.split(", ").filter(|p| !p.is_empty()).collect();
    let (mut skip, mut found) = (offset, Vec::new());
    for text in texts {
        if plain {
            let text = text.to_lowercase();
            if !pieces.iter().all(|p| text.contains(p)) {
                continue;
            }
        }
        let Ok(e) = serde_json::from_str::<Entry>(&text) else {
            continue;
        };
        if !holds(&e, needle) {
            continue;
        }
        if skip > 0 {
            skip -= 1;
        } else if found.len() as i64 == PAGE {
            return Ok(Some((found, true)));
        } else {
            found.push(e);
        }
    }
    Ok(Some((found, false)))
}

async fn show(
    state: &web::Data<AppState>,
    p: &Principal,
    id: String,
    search: Option<String>,
    offset: i64,
) -> HttpResponse {
    let Some(id) = safe_id(&id).map(str::to_string) else {
        return failure(p, ApiError::not_found("watchlist"));
    };
    let needle = search.as_ref().map(|s| s.to_lowercase());
    let id2 = id.clone();
    let r = crate::api::db(state, move |conn, _| {
        let info = lists::list_all(conn)?.into_iter().find(|l| l.id == id2);
        let Some(info) = info else {
            return Err(ApiError::not_found("watchlist"));
        };
        let (entries, more) = page_of(conn, &id2, needle.as_deref(), offset)?
            .ok_or_else(|| ApiError::not_found("watchlist"))?;
        Ok((info, entries, more))
    })
    .await;
    let (info, entries, more) = match r {
        Ok(v) => v,
        Err(e) => return failure(p, e),
    };
    let shown = entries.len() as i64;
    page_with_status(
        StatusCode::OK,
        "watchlist.html",
        context! {
            user => user_ctx(p), active => "watchlists", list => info,
            entries => entries.iter().map(entry_row).collect::<Vec<_>>(),
            search => search, offset => offset, first => offset + 1, last => offset + shown,
            prev => (offset > 0).then(|| (offset - PAGE).max(0)),
            next => more.then_some(offset + PAGE),
        },
    )
}

/// Paging of a list's entries.
#[derive(Deserialize)]
pub struct EntriesQuery {
    #[serde(default)]
    offset: i64,
}

/// `GET /watchlists/{id}?offset=N`: the current entries, a page at a time.
pub async fn entries(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<EntriesQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    show(&state, &p, id.into_inner(), None, q.offset.max(0)).await
}

/// The search form: names typed here travel in the body, never in a URL (nor the access log).
#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
    #[serde(default)]
    offset: i64,
}

/// `POST /watchlists/{id}/search`: the entries holding the text, a page at a time.
pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<SearchForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let q = f.q.trim().chars().take(200).collect::<String>();
    let search = (!q.is_empty()).then_some(q);
    show(&state, &p, id.into_inner(), search, f.offset.max(0)).await
}
