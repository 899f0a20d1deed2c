//! Pages for people: server-rendered from `frontend/templates` (embedded in the binary), calling
//! the same service functions as the API, with the same roles. The session token travels in an
//! HttpOnly, SameSite=Strict cookie; form posts must come from this origin.

mod pages;
mod render;

use actix_web::web;

/// Registers the pages and static assets (called from the one route table in `api`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(pages::home))
        .route("/login", web::get().to(pages::login_form))
        .route("/login", web::post().to(pages::login_submit))
        .route("/logout", web::post().to(pages::logout))
        .route("/queue", web::get().to(pages::queue))
        .route("/queue/{id}/claim", web::post().to(pages::claim))
        .route("/queue/{id}/disposition", web::post().to(pages::dispose))
        .route("/flights", web::get().to(pages::flights))
        .route("/flights/{id}", web::get().to(pages::flight))
        .route("/travellers/{id}", web::get().to(pages::traveller))
        .route("/watchlists", web::get().to(pages::watchlists))
        .route("/rules", web::get().to(pages::rules))
        .route("/retention", web::get().to(pages::retention))
        .route("/audit", web::get().to(pages::audit))
        .route("/admin", web::get().to(pages::admin))
        .route("/static/{file}", web::get().to(render::asset));
}
