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

/// `GET /static/{file}`.
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    let (body, ty) = match file.as_str() {
        "app.css" => (
            include_str!("../../../frontend/static/app.css"),
            "text/css; charset=utf-8",
        ),
        "app.js" => (
            include_str!("../../../frontend/static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        "links.js" => (
            include_str!("../../../frontend/static/links.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return HttpResponse::NotFound().finish(),
    };
    HttpResponse::Ok()
        .content_type(ty)
        .insert_header(("Cache-Control", "max-age=300"))
        .body(body)
}
