//! Page handlers: authorise as the API does, call the same service functions, render.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::render::{page, page_with_status};
use crate::api::{ApiError, AppState, AUDITORS, CALLER_COOKIE, REVIEWERS, RULE_WRITERS, STAFF};
use crate::auth::{self, Principal, Role};
use crate::ingest::views;
use crate::review::{items, queue};

fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The signed-in person, or a redirect to the login page.
async fn session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    roles: &[Role],
) -> Result<Principal, HttpResponse> {
    let Some(token) = req.cookie(CALLER_COOKIE).map(|c| c.value().to_string()) else {
        return Err(redirect("/login"));
    };
    let p = crate::api::db(&state, move |conn, st| {
        auth::authenticate(conn, &st.keys, &token).map_err(ApiError::from)
    })
    .await
    .map_err(|_| redirect("/login"))?;
    if !roles.contains(&p.role) {
        return Err(page_with_status(
            StatusCode::FORBIDDEN,
            "error.html",
            context! { user => user_ctx(&p), status => "403 Forbidden", message => "Your role may not open this page." },
        ));
    }
    Ok(p)
}

/// Form posts must come from this origin (the cookie is SameSite=Strict too).
fn same_origin(req: &HttpRequest) -> bool {
    let host = req.connection_info().host().to_string();
    let from = req
        .headers()
        .get(header::ORIGIN)
        .or_else(|| req.headers().get(header::REFERER));
    match from.and_then(|v| v.to_str().ok()) {
        None => true,
        Some(o) => o
            .split("://")
            .nth(1)
            .map(|rest| rest.split('/').next() == Some(host.as_str()))
            .unwrap_or(false),
    }
}

fn user_ctx(p: &Principal) -> minijinja::Value {
    context! { username => p.username.clone(), role => p.role.as_str() }
}

fn failure(p: &Principal, e: ApiError) -> HttpResponse {
    page_with_status(
        e.status,
        "error.html",
        context! { user => user_ctx(p), status => e.status.to_string(), message => e.message },
    )
}

/// `/`: the queue, or the login page.
pub async fn home(req: HttpRequest) -> HttpResponse {
    redirect(if req.cookie(CALLER_COOKIE).is_some() {
        "/queue"
    } else {
        "/login"
    })
}

/// `GET /login`.
pub async fn login_form() -> HttpResponse {
    page("login.html", context! {})
}

/// The login form.
#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
}

/// `POST /login`: sets the session cookie and goes to the queue.
pub async fn login_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<LoginForm>,
) -> HttpResponse {
    if !same_origin(&req) {
        return HttpResponse::Forbidden().body("cross-site form post refused");
    }
    let LoginForm { username, password } = form.into_inner();
    let result = crate::api::db(&state, move |conn, st| {
        crate::api::handlers_login(conn, st, &username, &password)
    })
    .await;
    match result {
        Ok(out) => {
            let secure = req.connection_info().scheme() == "https";
            let cookie = Cookie::build(CALLER_COOKIE, out.token)
                .path("/")
                .http_only(true)
                .secure(secure)
                .same_site(SameSite::Strict)
                .finish();
            HttpResponse::SeeOther()
                .cookie(cookie)
                .insert_header((header::LOCATION, "/queue"))
                .finish()
        }
        Err(e) => page_with_status(
            StatusCode::UNAUTHORIZED,
            "login.html",
            context! { error => e.message },
        ),
    }
}

/// `POST /logout`.
pub async fn logout(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    if let Ok(p) = session(&req, &state, &Role::ALL).await {
        let sid = p.session_id.clone();
        let _ = crate::api::db(&state, move |conn, _| {
            auth::logout(conn, &sid).map_err(ApiError::from)
        })
        .await;
    }
    let mut gone = Cookie::build(CALLER_COOKIE, "").path("/").finish();
    gone.make_removal();
    HttpResponse::SeeOther()
        .cookie(gone)
        .insert_header((header::LOCATION, "/login"))
        .finish()
}

/// `GET /queue`.
pub async fn queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    f: web::Query<queue::Filter>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = f.into_inner();
    let uid = p.user_id.clone();
    let role = p.role;
    let r = crate::api::db(&state, move |conn, st| {
        let items = queue::list(
            conn,
            crate::db::now_ms(),
            st.config.open_flight_hours * 3_600_000,
            &f,
        )?;
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: &uid,
                role: role.as_str(),
                action: "queue.read",
                object: "queue",
                outcome: "ok",
            },
        )?;
        Ok(items)
    })
    .await;
    match r {
        Ok(items) => page(
            "queue.html",
            context! { user => user_ctx(&p), active => "queue", items => items },
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /flights`.
pub async fn flights(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let r = crate::api::db(&state, |conn, st| {
        let since = crate::db::now_ms() - st.config.open_flight_hours * 3_600_000;
        views::flights(conn, Some(since), 500).map_err(ApiError::from)
    })
    .await;
    match r {
        Ok(flights) => page(
            "flights.html",
            context! { user => user_ctx(&p), active => "flights", flights => flights },
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /flights/{id}`.
pub async fn flight(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let (uid, role) = (p.user_id.clone(), p.role);
    let r = crate::api::db(&state, move |conn, _| {
        let f = views::flight(conn, &id)?.ok_or_else(|| ApiError::not_found("flight"))?;
        let t = views::travellers(conn, Some(&id), None)?;
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: &uid,
                role: role.as_str(),
                action: "travellers.read",
                object: &format!("flight:{id}"),
                outcome: "ok",
            },
        )?;
        Ok((f, t))
    })
    .await;
    match r {
        Ok((f, t)) => page(
            "flight.html",
            context! { user => user_ctx(&p), active => "flights", flight => f, travellers => t },
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /travellers/{id}`.
pub async fn traveller(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let (uid, role) = (p.user_id.clone(), p.role);
    let r = crate::api::db(&state, move |conn, _| {
        let t = views::travellers(conn, None, Some(&id))?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("traveller"))?;
        let f = queue::Filter {
            flight: Some(t.flight_id.clone()),
            all: true,
            ..Default::default()
        };
        let item = queue::list(conn, 0, 0, &f)?
            .into_iter()
            .find(|i| i.traveller.id == id);
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: &uid,
                role: role.as_str(),
                action: "traveller.read",
                object: &format!("traveller:{id}"),
                outcome: "ok",
            },
        )?;
        Ok((t, item))
    })
    .await;
    match r {
        Ok((t, item)) => page(
            "traveller.html",
            context! { user => user_ctx(&p), active => "queue", t => t, item => item },
        ),
        Err(e) => failure(&p, e),
    }
}

/// The disposition form.
#[derive(Deserialize)]
pub struct DispositionForm {
    disposition: String,
}

/// `POST /queue/{id}/claim`.
pub async fn claim(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    item_action(req, state, id.into_inner(), None).await
}

/// `POST /queue/{id}/disposition`.
pub async fn dispose(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<DispositionForm>,
) -> HttpResponse {
    item_action(
        req,
        state,
        id.into_inner(),
        Some(form.into_inner().disposition),
    )
    .await
}

async fn item_action(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: String,
    disposition: Option<String>,
) -> HttpResponse {
    let p = match session(&req, &state, &[Role::Officer, Role::Admin]).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    if !same_origin(&req) {
        return HttpResponse::Forbidden().body("cross-site form post refused");
    }
    let (uid, role) = (p.user_id.clone(), p.role);
    let r = crate::api::db(&state, move |conn, _| {
        let (action, out) = match &disposition {
            Some(d) if items::DISPOSITIONS.contains(&d.as_str()) => {
                let out = items::dispose(conn, &id, &uid, d)?;
                if d == "false_match" && matches!(out, items::Outcome::Done) {
                    crate::screening::suppress::record(conn, &id, &uid, role.as_str())?;
                }
                ("item.dispose", out)
            }
            Some(_) => return Err(ApiError::bad_request("unknown disposition")),
            None => ("item.claim", items::claim(conn, &id, &uid)?),
        };
        let outcome = match out {
            items::Outcome::Done => "ok",
            items::Outcome::Conflict => "conflict",
            items::Outcome::NotFound => return Err(ApiError::not_found("queue item")),
        };
        crate::audit::record(
            conn,
            crate::audit::Event {
                actor: &uid,
                role: role.as_str(),
                action,
                object: &format!("item:{id}"),
                outcome,
            },
        )?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect(
            req.headers()
                .get(header::REFERER)
                .and_then(|v| v.to_str().ok())
                .filter(|r| r.contains("/travellers/"))
                .unwrap_or("/queue"),
        ),
        Err(e) => failure(&p, e),
    }
}

fn table(
    p: &Principal,
    active: &str,
    title: &str,
    intro: &str,
    columns: &[&str],
    rows: Vec<Vec<String>>,
) -> HttpResponse {
    page(
        "table.html",
        context! { user => user_ctx(p), active => active, title => title, intro => intro, columns => columns, rows => rows },
    )
}

/// `GET /watchlists`.
pub async fn watchlists(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crate::api::db(&state, |conn, _| {
        crate::screening::lists::list_all(conn).map_err(ApiError::from)
    })
    .await
    {
        Ok(lists) => table(
            &p,
            "watchlists",
            "Watchlists",
            "Import a list with `paxrisk watchlist import`.",
            &["Name", "Category", "Severity", "Threshold", "Version"],
            lists
                .into_iter()
                .map(|l| {
                    vec![
                        l.name,
                        l.category,
                        l.severity,
                        format!("{:.2}", l.threshold),
                        l.version.to_string(),
                    ]
                })
                .collect(),
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /rules`.
pub async fn rules(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let intro = if RULE_WRITERS.contains(&p.role) {
        "Write rules through POST /api/v1/rules."
    } else {
        ""
    };
    match crate::api::db(&state, |conn, _| {
        crate::screening::rules::list(conn, None).map_err(ApiError::from)
    })
    .await
    {
        Ok(rules) => table(
            &p,
            "rules",
            "Targeting rules",
            intro,
            &["Name", "State", "Weight", "Severity", "Category", "Version"],
            rules
                .into_iter()
                .map(|r| {
                    let s = |k: &str| {
                        r.spec
                            .get(k)
                            .map(|v| {
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string())
                            })
                            .unwrap_or_default()
                    };
                    vec![
                        s("name"),
                        s("state"),
                        s("weight"),
                        s("severity"),
                        s("category"),
                        r.version.to_string(),
                    ]
                })
                .collect(),
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /retention`.
pub async fn retention(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(
        &req,
        &state,
        &[Role::Admin, Role::Dpo, Role::Approver, Role::Auditor],
    )
    .await
    {
        Ok(p) => p,
        Err(r) => return r,
    };
    let policy = crate::api::db(&state, |conn, st| {
        crate::retention::policy::active(conn, &st.config).map_err(|e| ApiError::internal(e))
    })
    .await;
    let policy = match policy {
        Ok(p) => p,
        Err(e) => return failure(&p, e),
    };
    let days = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_else(|| "never".into());
    let rows: Vec<Vec<String>> = policy
        .classes
        .iter()
        .flat_map(|(class, by_source)| {
            by_source.iter().map(move |(source, s)| {
                vec![
                    serde_json::to_value(class)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    serde_json::to_value(source)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    days(s.mask_after_days),
                    s.delete_after_days.to_string(),
                    s.delete_retained_after_days.to_string(),
                ]
            })
        })
        .collect();
    let intro = format!(
        "Profile {} (version {}). Ages are days from receipt; an open case holds data from deletion, never from masking. \
         Change it through PUT /api/v1/retention/policy; run it with `paxrisk retention run`.",
        policy.profile, policy.version
    );
    table(
        &p,
        "retention",
        "Retention policy",
        &intro,
        &[
            "Data class",
            "Source",
            "Masked at",
            "Deleted at (no link)",
            "Deleted at (retained)",
        ],
        rows,
    )
}

/// `GET /audit`.
pub async fn audit(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, AUDITORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crate::api::db(&state, |conn, _| {
        Ok((
            crate::audit::recent(conn, 300)?,
            crate::audit::verify(conn)?,
        ))
    })
    .await
    {
        Ok((rows, v)) => {
            let intro = match v.broken_at {
                None => format!("Chain intact over {} rows.", v.rows),
                Some(s) => format!("Chain BROKEN at row {s}."),
            };
            table(
                &p,
                "audit",
                "Audit log",
                &intro,
                &[
                    "#",
                    "When (UTC)",
                    "Actor",
                    "Role",
                    "Action",
                    "Object",
                    "Outcome",
                ],
                rows.into_iter()
                    .map(|r| {
                        vec![
                            r.seq.to_string(),
                            crate::api::rfc3339(r.at),
                            r.actor,
                            r.role,
                            r.action,
                            r.object,
                            r.outcome,
                        ]
                    })
                    .collect(),
            )
        }
        Err(e) => failure(&p, e),
    }
}

/// `GET /admin`.
pub async fn admin(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, &[Role::Admin]).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let _ = STAFF;
    table(
        &p,
        "admin",
        "Administration",
        "Add users with `paxrisk user add`.",
        &["Setting", "Value"],
        vec![
            vec![
                "Home country".into(),
                state
                    .config
                    .home_country
                    .clone()
                    .unwrap_or_else(|| "none (every flight inbound)".into()),
            ],
            vec![
                "Bands".into(),
                format!(
                    "high ≥ {}, medium ≥ {}",
                    state.config.band_high, state.config.band_medium
                ),
            ],
            vec![
                "Retention profile".into(),
                state.config.retention_profile.clone(),
            ],
        ],
    )
}
