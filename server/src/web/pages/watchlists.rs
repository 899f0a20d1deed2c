//! Watchlists from the pages: the lists with their settings (rule writers change threshold,
//! severity and category) and the upload form that imports a file as the next version of a list
//! and shows its row-error report (row numbers and reasons, never the rows' personal data). The
//! same service functions, roles, limits and audit as `/api/v1/watchlists`. A list's entries are
//! in `watchlist_entries`.

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::{failure, form_session, redirect, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, REVIEWERS, RULE_WRITERS};
use crate::auth::Principal;
use crate::screening::lists;
use crate::web::multipart;
use crate::web::render::page_with_status;

/// Room for the form's framing and text fields beside the file.
const FORM_OVERHEAD: usize = 64 * 1024;

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
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
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
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
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
