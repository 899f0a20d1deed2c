//! Pages for people: server-rendered from `frontend/templates` (embedded in the binary), calling
//! the same service functions as the API, with the same roles. The session token travels in an
//! HttpOnly, SameSite=Strict cookie; form posts must come from this origin.

mod chart;
mod multipart;
mod pages;
mod render;
mod seatmap;
mod times;
mod trend;

use actix_web::web;

use pages::{
    account, admin, carriers, flights, items, links, messages, oversight, queue, retention,
    rule_trials, rules, rules_report, traveller, unmask, watchlist_entries, watchlists,
};

/// Registers the pages and static assets (called from the one route table in `api`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/", web::get().to(account::home))
        .route("/login", web::get().to(account::login_form))
        .route("/login", web::post().to(account::login_submit))
        .route("/logout", web::post().to(account::logout))
        // no session: the first administrator, with the setup token
        .route("/setup", web::get().to(account::setup_form))
        .route("/setup", web::post().to(account::setup_submit))
        // REVIEWERS read; officers and admins act (any reviewer may note)
        .route("/queue", web::get().to(queue::queue))
        .route("/queue/{id}/claim", web::post().to(items::claim))
        .route("/queue/{id}/disposition", web::post().to(items::dispose))
        .route("/queue/{id}/notes", web::post().to(items::add_note))
        .route("/queue/{id}/reopen", web::post().to(items::reopen))
        .route("/flights", web::get().to(flights::flights))
        .route("/flights/{id}", web::get().to(flights::flight))
        .route("/travellers/{id}", web::get().to(traveller::traveller))
        .route("/travellers/{id}/links", web::get().to(links::links))
        .route(
            "/travellers/{id}/manual-hits",
            web::post().to(traveller::manual_hit),
        )
        .route(
            "/travellers/{id}/lookout",
            web::post().to(traveller::lookout),
        )
        .route(
            "/travellers/{id}/lookout/{lookout}/status",
            web::post().to(traveller::lookout_status),
        )
        .route("/watchlists", web::get().to(watchlists::lists))
        .route("/watchlists/import", web::post().to(watchlists::import))
        .route(
            "/watchlists/{id}",
            web::get().to(watchlist_entries::entries),
        )
        .route(
            "/watchlists/{id}/search",
            web::post().to(watchlist_entries::search),
        )
        .route(
            "/watchlists/{id}/settings",
            web::post().to(watchlists::settings),
        )
        // rules: REVIEWERS read, RULE_WRITERS write, test and backtest, ADMIN accepts a
        // suggestion; named paths before `/rules/{id}`
        .route("/rules", web::get().to(rules::list))
        .route("/rules", web::post().to(rules::create))
        .route("/rules/new", web::get().to(rules::new_rule))
        .route("/rules/report", web::get().to(rules_report::report))
        .route("/rules/test", web::post().to(rule_trials::test_draft))
        .route(
            "/rules/backtest",
            web::post().to(rule_trials::backtest_draft),
        )
        .route("/rules/{id}", web::get().to(rules::rule))
        .route("/rules/{id}", web::post().to(rules::save))
        .route("/rules/{id}/state", web::post().to(rules::set_state))
        .route("/rules/{id}/test", web::post().to(rule_trials::test_stored))
        .route(
            "/rules/{id}/backtest",
            web::post().to(rule_trials::backtest_stored),
        )
        .route("/rules/{id}/accept", web::post().to(rules::accept))
        // STAFF
        .route("/messages", web::get().to(messages::messages))
        .route("/messages/{id}", web::get().to(messages::message))
        .route("/retention", web::get().to(retention::retention))
        .route(
            "/retention/policy",
            web::post().to(retention::change_policy),
        )
        .route("/retention/run", web::post().to(retention::run))
        .route("/retention/terms", web::post().to(retention::terms))
        // unmask: requesters ask (traveller page) and read; approvers decide; the DPO reviews
        .route("/travellers/{id}/unmask", web::post().to(unmask::request))
        .route("/unmask", web::get().to(unmask::list))
        .route("/unmask/{id}/decision", web::post().to(unmask::decide))
        .route("/unmask/{id}/review", web::post().to(unmask::review))
        .route("/unmask/{id}/clear", web::get().to(unmask::clear))
        // staff who follow carriers, and airlines (own carrier)
        .route("/carriers", web::get().to(carriers::quality))
        .route("/audit", web::get().to(oversight::audit))
        // admin
        .route("/admin", web::get().to(admin::admin))
        .route("/admin/users", web::post().to(admin::create))
        .route("/admin/users/{id}", web::post().to(admin::change))
        .route("/admin/groups", web::post().to(admin::create_group))
        .route("/admin/groups/{id}", web::post().to(admin::change_group))
        .route("/admin/users/{id}/keys", web::post().to(admin::issue_key))
        .route("/admin/keys/{id}/revoke", web::post().to(admin::revoke_key))
        // `?v=<content hash>` may be cached for a year (see `render::asset_url`)
        .route("/static/{file}", web::get().to(render::asset));
}
