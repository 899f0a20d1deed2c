//! Template rendering and static assets, both embedded at build time.

use std::sync::OnceLock;

use actix_web::{web, HttpResponse};
use minijinja::Environment;

const TEMPLATES: &[(&str, &str)] = &[
    (
        "base.html",
        include_str!("../../../frontend/templates/base.html"),
    ),
    (
        "login.html",
        include_str!("../../../frontend/templates/login.html"),
    ),
    (
        "queue.html",
        include_str!("../../../frontend/templates/queue.html"),
    ),
    (
        "flights.html",
        include_str!("../../../frontend/templates/flights.html"),
    ),
    (
        "flight.html",
        include_str!("../../../frontend/templates/flight.html"),
    ),
    (
        "traveller.html",
        include_str!("../../../frontend/templates/traveller.html"),
    ),
    (
        "table.html",
        include_str!("../../../frontend/templates/table.html"),
    ),
    (
        "messages.html",
        include_str!("../../../frontend/templates/messages.html"),
    ),
    (
        "message.html",
        include_str!("../../../frontend/templates/message.html"),
    ),
    (
        "admin.html",
        include_str!("../../../frontend/templates/admin.html"),
    ),
    (
        "chart.html",
        include_str!("../../../frontend/templates/chart.html"),
    ),
    (
        "links.html",
        include_str!("../../../frontend/templates/links.html"),
    ),
    (
        "setup.html",
        include_str!("../../../frontend/templates/setup.html"),
    ),
    (
        "error.html",
        include_str!("../../../frontend/templates/error.html"),
    ),
    // issue 9: oversight pages
    (
        "retention.html",
        include_str!("../../../frontend/templates/retention.html"),
    ),
    (
        "unmask.html",
        include_str!("../../../frontend/templates/unmask.html"),
    ),
    (
        "unmask_clear.html",
        include_str!("../../../frontend/templates/unmask_clear.html"),
    ),
    (
        "watchlists.html",
        include_str!("../../../frontend/templates/watchlists.html"),
    ),
    (
        "watchlist.html",
        include_str!("../../../frontend/templates/watchlist.html"),
    ),
    (
        "rules.html",
        include_str!("../../../frontend/templates/rules.html"),
    ),
    (
        "rule.html",
        include_str!("../../../frontend/templates/rule.html"),
    ),
    (
        "rule_report.html",
        include_str!("../../../frontend/templates/rule_report.html"),
    ),
    (
        "rule_chart.html",
        include_str!("../../../frontend/templates/rule_chart.html"),
    ),
    (
        "carriers.html",
        include_str!("../../../frontend/templates/carriers.html"),
    ),
];

fn env() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        // HTML auto-escaping is on for .html templates by default.
        for (name, src) in TEMPLATES {
            env.add_template(name, src)
                .expect("embedded templates are valid");
        }
        // `{{ asset("app.css") }}`: the asset's versioned URL (see `asset_url`).
        // The URL is built from our own names and hex digits: safe to print unescaped.
        env.add_function("asset", |name: &str| {
            asset_url(name)
                .map(minijinja::Value::from_safe_string)
                .ok_or_else(|| {
                    minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, "no such asset")
                })
        });
        env
    })
}

/// Renders a template to a 200 HTML response.
pub fn page(name: &str, ctx: minijinja::Value) -> HttpResponse {
    page_with_status(actix_web::http::StatusCode::OK, name, ctx)
}

/// Renders a template with a status.
pub fn page_with_status(
    status: actix_web::http::StatusCode,
    name: &str,
    ctx: minijinja::Value,
) -> HttpResponse {
    match env().get_template(name).and_then(|t| t.render(ctx)) {
        Ok(html) => HttpResponse::build(status)
            .content_type("text/html; charset=utf-8")
            .body(html),
        Err(e) => {
            tracing::error!(error = %e, template = name, "template failed");
            HttpResponse::InternalServerError()
                .content_type("text/plain")
                .body("the page could not be rendered")
        }
    }
}

/// The embedded static files: name, body, content type.
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        include_str!("../../../frontend/static/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app.js",
        include_str!("../../../frontend/static/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "links.js",
        include_str!("../../../frontend/static/links.js"),
        "text/javascript; charset=utf-8",
    ),
];

/// How long a browser may keep an asset fetched by its versioned URL: a year (the URL changes
/// when the content does), and under its bare name: five minutes.
const CACHE_VERSIONED: &str = "public, max-age=31536000, immutable";
const CACHE_BARE: &str = "max-age=300";

/// The version of an asset's content: the first 12 hex digits of its SHA-256.
fn content_hash(body: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(body.as_bytes())[..6])
}

/// Each asset's content hash, computed once.
fn hashes() -> &'static std::collections::HashMap<&'static str, String> {
    static HASHES: OnceLock<std::collections::HashMap<&'static str, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        ASSETS
            .iter()
            .map(|(name, body, _)| (*name, content_hash(body)))
            .collect()
    })
}

/// The URL pages use for an asset, `/static/app.css?v=<hash>`: a new build with changed content
/// gets a new URL, so the long cache lifetime never serves a stale file.
pub fn asset_url(name: &str) -> Option<String> {
    hashes().get(name).map(|h| format!("/static/{name}?v={h}"))
}

/// The query of an asset request.
#[derive(serde::Deserialize)]
pub struct AssetQuery {
    v: Option<String>,
}

/// `GET /static/{file}` (optionally `?v=<hash>`): the bare URL keeps working with a short cache
/// lifetime; the current versioned URL may be cached for a year. An old version's URL gets the
/// current content with the short lifetime.
pub async fn asset(file: web::Path<String>, q: web::Query<AssetQuery>) -> HttpResponse {
    let Some((name, body, ty)) = ASSETS.iter().find(|(n, _, _)| *n == file.as_str()) else {
        return HttpResponse::NotFound().finish();
    };
    let current = q.v.is_some() && q.v.as_deref() == hashes().get(name).map(String::as_str);
    HttpResponse::Ok()
        .content_type(*ty)
        .insert_header((
            "Cache-Control",
            if current { CACHE_VERSIONED } else { CACHE_BARE },
        ))
        .body(*body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asset_urls_carry_the_content_hash() {
        // SHA-256 of "abc" starts ba7816bf8f01.
        assert_eq!(content_hash("abc"), "ba7816bf8f01");
        let url = asset_url("app.css").unwrap();
        let css = ASSETS.iter().find(|a| a.0 == "app.css").unwrap().1;
        assert_eq!(url, format!("/static/app.css?v={}", content_hash(css)));
        assert_ne!(asset_url("app.js"), asset_url("app.css"));
        assert_eq!(asset_url("nothing.css"), None);
    }

    #[test]
    fn templates_link_the_versioned_assets() {
        let html = env()
            .get_template("login.html")
            .unwrap()
            .render(minijinja::context! {})
            .unwrap();
        assert!(html.contains(&asset_url("app.css").unwrap()), "{html}");
        assert!(html.contains(&asset_url("app.js").unwrap()), "{html}");
    }
}
