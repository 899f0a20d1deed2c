//! Watchlists from the pages: the lists with their settings (rule writers change threshold,
//! severity and category), a list's entries paged with a search, and the upload form that imports
//! a file as the next version of a list and shows its row-error report (row numbers and reasons,
//! never the rows' personal data). The same service functions, roles, limits and audit as
//! `/api/v1/watchlists`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use paxrisk_screening::watchlist::Entry;
use serde::Deserialize;

use super::{audit, failure, form_session, redirect, safe_id, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, REVIEWERS, RULE_WRITERS};
use crate::auth::Principal;
use crate::screening::{jobs, lists};
use crate::web::multipart;
use crate::web::render::page_with_status;

/// Entries per page.
const PAGE: i64 = 50;
/// Room for the form's framing and text fields beside the file.
const FORM_OVERHEAD: usize = 64 * 1024;

/// Audits a change and re-screens open flights, as the API does after every list change.
fn changed(
    conn: &mut crate::db::DbConnection,
    st: &AppState,
    p: &Principal,
    action: &str,
    object: &str,
) -> Result<(), ApiError> {
    audit(conn, p, action, object, "ok")?;
    jobs::rescreen_open(conn, st.config.open_flight_hours * 3_600_000)?;
    Ok(())
}

/// What a post adds to the lists page.
#[derive(Default)]
struct Extra {
    status: Option<StatusCode>,
    /// An import's outcome: list, version, entries, row errors.
    report: Option<minijinja::Value>,
    import_error: Option<String>,
    /// A refused settings change: the list's id and why.
    settings_error: Option<(String, String)>,
}

async fn render(
    state: &web::Data<AppState>,
    p: &Principal,
    flash: minijinja::Value,
    extra: Extra,
) -> HttpResponse {
    let all = match crate::api::db(state, |conn, _| {
        lists::list_all(conn).map_err(ApiError::from)
    })
    .await
    {
        Ok(l) => l,
        Err(e) => return failure(p, e),
    };
    let (error_list, settings_error) = extra.settings_error.unzip();
    page_with_status(
        extra.status.unwrap_or(StatusCode::OK),
        "watchlists.html",
        context! {
            user => user_ctx(p), active => "watchlists", flash => flash,
            lists => all, writer => RULE_WRITERS.contains(&p.role),
            report => extra.report, import_error => extra.import_error,
            error_list => error_list, settings_error => settings_error,
            max_mib => lists::MAX_LIST_BYTES / (1024 * 1024),
        },
    )
}

/// `GET /watchlists`.
pub async fn lists(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    render(&state, &p, q.value(), Extra::default()).await
}

/// The settings form of one list; a blank field leaves that setting as it is.
#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    severity: String,
}

fn blank(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// `POST /watchlists/{id}/settings` (rule writers).
pub async fn settings(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<SettingsForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let f = form.into_inner();
    let threshold = match blank(&f.threshold).map(str::parse::<f64>) {
        None => None,
        Some(Ok(t)) => Some(t),
        Some(Err(_)) => Some(f64::NAN),
    };
    let (category, severity) = (
        blank(&f.category).map(str::to_string),
        blank(&f.severity).map(str::to_string),
    );
    if let Err(m) = lists::check_settings(threshold, category.as_deref(), severity.as_deref()) {
        let extra = Extra {
            status: Some(StatusCode::UNPROCESSABLE_ENTITY),
            settings_error: Some((id, m.to_string())),
            ..Extra::default()
        };
        return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
    }
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        if !lists::update_settings(
            conn,
            &id,
            threshold,
            category.as_deref(),
            severity.as_deref(),
        )? {
            return Err(ApiError::not_found("watchlist"));
        }
        changed(
            conn,
            st,
            &p2,
            "watchlist.settings",
            &format!("watchlist:{id}"),
        )
    })
    .await;
    match r {
        Ok(()) => redirect("/watchlists?m=settings_saved"),
        Err(e) => failure(&p, e),
    }
}

/// The upload form's fields.
struct Upload {
    name: String,
    format: String,
    strict: bool,
    file: Option<web::Bytes>,
    /// OFAC's `alt.csv` (aliases), beside `sdn.csv` in `file`.
    alt: Option<web::Bytes>,
}

fn upload(parts: Vec<multipart::Part>) -> Upload {
    let mut u = Upload {
        name: String::new(),
        format: String::new(),
        strict: false,
        file: None,
        alt: None,
    };
    for part in parts {
        match part.name.as_str() {
            "name" => u.name = part.text(),
            "format" => u.format = part.text(),
            "strict" => u.strict = !part.text().is_empty(),
            // A file input left empty still sends a part, with an empty file name and no bytes.
            "file" | "alt" if part.filename.as_deref().unwrap_or("").is_empty() => {}
            "file" => u.file = Some(part.data),
            "alt" => u.alt = Some(part.data),
            _ => {}
        }
    }
    u
}

/// An OFAC import reads a folder: the two files go to a private temporary one for the call.
fn import_ofac(
    conn: &mut crate::db::DbConnection,
    name: &str,
    sdn: &[u8],
    alt: Option<&[u8]>,
    strict: bool,
) -> Result<lists::ImportSummary, lists::ImportError> {
    let dir = std::env::temp_dir().join(format!("paxrisk-ofac-{}", crate::db::new_id()));
    let io = |e: std::io::Error| {
        lists::ImportError::Read(format!("the upload could not be staged: {e}"))
    };
    std::fs::create_dir(&dir).map_err(io)?;
    let out = (|| {
        std::fs::write(dir.join("sdn.csv"), sdn).map_err(io)?;
        if let Some(a) = alt {
            std::fs::write(dir.join("alt.csv"), a).map_err(io)?;
        }
        lists::import_path(conn, name, "ofac", &dir, strict)
    })();
    let _ = std::fs::remove_dir_all(&dir);
    out
}

/// `POST /watchlists/import` (rule writers), `multipart/form-data`: `name`, `format` (csv, json
/// or ofac), `file` (for ofac: `sdn.csv`, and `alt` for `alt.csv`), `strict`. Shows the report.
pub async fn import(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    let p = match form_session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let refuse = |status: StatusCode, message: String| Extra {
        status: Some(status),
        import_error: Some(message),
        ..Extra::default()
    };
    let Some(boundary) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(multipart::boundary)
    else {
        let extra = refuse(
            StatusCode::BAD_REQUEST,
            "send the form as multipart/form-data".into(),
        );
        return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
    };
    let parsed = match multipart::read(payload, lists::MAX_LIST_BYTES + FORM_OVERHEAD).await {
        Ok(body) => multipart::parse(&body, &boundary, 8),
        Err(e) => Err(e),
    };
    let u = match parsed {
        Ok(parts) => upload(parts),
        Err(multipart::Error::TooLarge) => {
            let m = format!("a list file may be at most {} bytes", lists::MAX_LIST_BYTES);
            let extra = refuse(StatusCode::PAYLOAD_TOO_LARGE, m);
            return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
        }
        Err(multipart::Error::Malformed(m)) => {
            let extra = refuse(StatusCode::BAD_REQUEST, m.into());
            return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
        }
    };
    // The API's checks, in its words.
    let invalid = if u.name.is_empty() || u.name.len() > 100 {
        Some("a list name is 1 to 100 characters")
    } else if !matches!(u.format.as_str(), "csv" | "json" | "ofac") {
        Some("choose the format: csv, json or ofac")
    } else if u.file.is_none() {
        Some("choose a file to import")
    } else {
        None
    };
    if let Some(m) = invalid {
        let extra = refuse(StatusCode::UNPROCESSABLE_ENTITY, m.into());
        return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
    }
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        let file = u.file.unwrap_or_default();
        let s = match u.format.as_str() {
            "ofac" => import_ofac(conn, &u.name, &file, u.alt.as_deref(), u.strict),
            f => lists::import_bytes(conn, &u.name, f, &file, u.strict),
        };
        // Refusals of the file as a whole are shown on the form; the store failing is not.
        let s = match s {
            Ok(s) => s,
            Err(lists::ImportError::Db(d)) => return Err(ApiError::from(d)),
            Err(e) => return Ok(Err(e.to_string())),
        };
        changed(
            conn,
            st,
            &p2,
            "watchlist.import",
            &format!("watchlist:{}:v{}", s.watchlist_id, s.version),
        )?;
        Ok(Ok(s))
    })
    .await;
    let extra = match r {
        Ok(Ok(s)) => Extra {
            status: Some(StatusCode::CREATED),
            report: Some(context! {
                id => s.watchlist_id, name => s.name, version => s.version, entries => s.entries,
                errors => s.errors.iter().map(|(row, message)| context! { row => row, message => message }).collect::<Vec<_>>(),
            }),
            ..Extra::default()
        },
        Ok(Err(m)) => refuse(StatusCode::UNPROCESSABLE_ENTITY, m),
        Err(e) => return failure(&p, e),
    };
    render(&state, &p, minijinja::Value::UNDEFINED, extra).await
}

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
/// those holding `needle` when given. A search walks the list through the same paged service
/// function as the API.
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
    let (mut skip, mut found, mut at) = (offset, Vec::new(), 0);
    loop {
        let Some(chunk) = lists::entries(conn, id, at, 1000)? else {
            return Ok(None);
        };
        if chunk.is_empty() {
            return Ok(Some((found, false)));
        }
        at += chunk.len() as i64;
        for e in chunk.into_iter().filter(|e| holds(e, needle)) {
            if skip > 0 {
                skip -= 1;
            } else if found.len() as i64 == PAGE {
                return Ok(Some((found, true)));
            } else {
                found.push(e);
            }
        }
    }
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
