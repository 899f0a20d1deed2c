//! Signing in and out.

use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::{redirect, same_origin, session};
use crate::api::{ApiError, AppState, CALLER_COOKIE};
use crate::auth::{self, Role};
use crate::web::render::{page, page_with_status};

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

/// `GET /setup`: the first-admin form while no administrator exists.
pub async fn setup_form(state: web::Data<AppState>) -> HttpResponse {
    let done = crate::api::db(&state, |conn, _| Ok(auth::setup::admin_exists(conn)?))
        .await
        .unwrap_or(true);
    page("setup.html", context! { done })
}

/// The setup form.
#[derive(Deserialize)]
pub struct SetupForm {
    token: String,
    username: String,
    password: String,
}

/// `POST /setup`: creates the first administrator with the setup token, as the API does.
pub async fn setup_submit(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<SetupForm>,
) -> HttpResponse {
    if !same_origin(&req) {
        return HttpResponse::Forbidden().body("cross-site form post refused");
    }
    let SetupForm {
        token,
        username,
        password,
    } = form.into_inner();
    let result = crate::api::db(&state, move |conn, st| {
        crate::api::handlers_setup(conn, st, &token, username.trim(), &password)
    })
    .await;
    match result {
        Ok(_) => page("setup.html", context! { done => true }),
        Err(e) => page_with_status(e.status, "setup.html", context! { error => e.message }),
    }
}
