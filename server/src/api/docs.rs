//! `GET /api/v1/docs`: the API reference for people, a small page that renders the operations of
//! `/api/v1/openapi.json` in the browser. Self-contained (no CDN, nothing fetched but the
//! document), within the service's CSP: the script is served from here, the style is the
//! pages' own `/static/app.css`, and nothing is inline.

use actix_web::HttpResponse;

/// `GET /api/v1/docs`.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(include_str!("docs/index.html"))
}

/// `GET /api/v1/docs.js`.
pub async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .body(include_str!("docs/docs.js"))
}
