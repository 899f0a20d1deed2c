//! The JSON API under `/api/v1`, and the one route table of the service (API and pages).
//!
//! Handlers are thin: extract, authorise, call a service function on the blocking pool, map the
//! result. Every route states the roles it allows right here, next to its path.

mod caller;
pub mod error;
mod handlers;
pub mod openapi;

use actix_web::web;

pub use caller::{Caller, CALLER_COOKIE};
pub use error::{ApiError, Code};
pub use handlers::auth::do_login as handlers_login;
pub use handlers::carriers as handlers_carriers;

use crate::auth::{Keys, Role};
use crate::config::Config;
use crate::db::{DbConnection, DbPool};

/// What every handler can reach.
pub struct AppState {
    pub pool: DbPool,
    pub config: Config,
    pub keys: Keys,
    pub metrics: crate::metrics::Metrics,
}

/// Runs store work on the blocking pool, never on the async executor.
pub async fn db<T, F>(state: &web::Data<AppState>, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection, &AppState) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let state = state.clone();
    web::block(move || {
        let mut conn = state
            .pool
            .get()
            .map_err(|e| ApiError::from(crate::db::DbError::from(e)))?;
        f(&mut conn, &state)
    })
    .await?
}

/// Staff who review travellers.
pub const REVIEWERS: &[Role] = &[Role::Officer, Role::Analyst, Role::Admin];
/// Staff who write rules and lists.
pub const RULE_WRITERS: &[Role] = &[Role::Analyst, Role::Admin];
/// Everyone but carriers.
pub const STAFF: &[Role] = &[
    Role::Officer,
    Role::Analyst,
    Role::Admin,
    Role::Dpo,
    Role::Approver,
    Role::Auditor,
];
/// Who reads the audit log.
pub const AUDITORS: &[Role] = &[Role::Dpo, Role::Auditor, Role::Admin];

/// The route table: every HTTP route of the service is registered here.
pub fn routes(cfg: &mut web::ServiceConfig) {
    use handlers::*;
    cfg.route("/healthz", web::get().to(system::healthz))
        .route("/metrics", web::get().to(system::metrics))
        .service(
            web::scope("/api/v1")
                .route("/openapi.json", web::get().to(system::openapi))
                .route("/auth/login", web::post().to(auth::login))
                .route("/auth/logout", web::post().to(auth::logout))
                .route("/auth/me", web::get().to(auth::me))
                // airline (own carrier only) and staff
                .route("/messages", web::post().to(messages::post))
                .route("/messages", web::get().to(messages::list))
                .route("/messages/{id}", web::get().to(messages::get))
                // REVIEWERS
                .route("/flights", web::get().to(flights::list))
                .route(
                    "/flights/{id}/travellers",
                    web::get().to(flights::travellers),
                )
                .route("/travellers/{id}", web::get().to(flights::traveller))
                // staff who follow carriers, and airlines (own carrier only)
                .route("/carriers/quality", web::get().to(carriers::quality))
                .route("/travellers/{id}/links", web::get().to(links::get))
                .route("/queue", web::get().to(queue::list))
                .route("/queue/{id}/claim", web::post().to(queue::claim))
                .route("/queue/{id}/disposition", web::post().to(queue::dispose))
                // RULE_WRITERS write; REVIEWERS read
                .route("/rules", web::get().to(rules::list))
                .route("/rules", web::post().to(rules::create))
                // before `/rules/{id}`, which would take their names for ids
                .route("/rules/fields", web::get().to(rules::fields))
                .route("/rules/report", web::get().to(rules::report))
                .route("/rules/validate", web::post().to(rules::validate))
                .route("/rules/test", web::post().to(rules::test_draft))
                .route("/rules/backtest", web::post().to(rules::backtest_draft))
                .route("/rules/{id}", web::put().to(rules::update))
                .route("/rules/{id}/state", web::post().to(rules::set_state))
                .route("/rules/{id}/versions", web::get().to(rules::versions))
                .route("/rules/{id}/test", web::post().to(rules::test))
                .route(
                    "/rules/{id}/backtest",
                    web::post().to(rules::backtest_stored),
                )
                .route("/rules/{id}/suggestion", web::get().to(rules::suggestion))
                // admin only: a person approves every change a suggestion makes
                .route(
                    "/rules/{id}/suggestion/accept",
                    web::post().to(rules::accept),
                )
                .route("/rules/{id}", web::get().to(rules::get))
                .route("/watchlists", web::get().to(watchlists::list))
                .route(
                    "/watchlists/{name}/import",
                    web::post().to(watchlists::import),
                )
                .route("/watchlists/{id}", web::put().to(watchlists::update))
                .route(
                    "/watchlists/{id}/entries",
                    web::get().to(watchlists::entries),
                )
                .route("/watchlists/{id}/entries", web::post().to(watchlists::edit))
                // AUDITORS
                .route("/audit", web::get().to(audit::list))
                // retention: admins write the policy, the DPO the sensitive list; oversight reads
                .route("/retention/policy", web::get().to(retention::get_policy))
                .route("/retention/policy", web::put().to(retention::put_policy))
                .route("/retention/run", web::post().to(retention::run))
                .route("/retention/stats", web::get().to(retention::stats))
                .route(
                    "/retention/sensitive-terms",
                    web::get().to(retention::get_terms),
                )
                .route(
                    "/retention/sensitive-terms",
                    web::put().to(retention::put_terms),
                )
                .route(
                    "/retention/sensitive-removals",
                    web::get().to(retention::removals),
                )
                // re-personalisation: officers/analysts ask, approvers decide, the DPO reviews
                .route("/unmask-requests", web::post().to(unmask::create))
                .route("/unmask-requests", web::get().to(unmask::list))
                .route(
                    "/unmask-requests/{id}/decision",
                    web::post().to(unmask::decide),
                )
                .route(
                    "/unmask-requests/{id}/dpo-review",
                    web::post().to(unmask::dpo_review),
                )
                .route(
                    "/unmask-requests/{id}/travellers",
                    web::get().to(unmask::travellers),
                )
                // accounts and review actions (issue 7); roles are declared in each handler:
                // any signed-in user
                .route("/auth/refresh", web::post().to(auth::refresh))
                .route("/auth/password", web::post().to(auth::change_password))
                // STAFF
                .route("/auth/me", web::patch().to(auth::update_me))
                // admin
                .route("/users", web::get().to(users::list))
                .route("/users", web::post().to(users::create))
                .route("/users/{id}", web::get().to(users::get))
                .route("/users/{id}", web::patch().to(users::update))
                .route("/users/{id}/keys", web::post().to(keys::issue))
                .route("/keys", web::get().to(keys::list))
                .route("/keys/{id}", web::delete().to(keys::revoke))
                // REVIEWERS read and note; officers and admins act; admins assign
                .route("/queue/{id}", web::get().to(queue::get))
                .route("/queue/{id}/notes", web::get().to(queue::list_notes))
                .route("/queue/{id}/notes", web::post().to(queue::add_note))
                .route("/queue/{id}/reopen", web::post().to(queue::reopen))
                .route("/queue/{id}/assign", web::post().to(queue::assign))
                .route(
                    "/travellers/{id}/manual-hits",
                    web::post().to(queue::manual_hit),
                )
                .route("/lookouts", web::get().to(lookouts::list))
                .route("/lookouts", web::post().to(lookouts::create))
                .route(
                    "/lookouts/{id}/status",
                    web::post().to(lookouts::set_status),
                )
                .default_service(web::to(system::not_found)),
        )
        .configure(crate::web::routes);
}

/// Epoch milliseconds as RFC 3339 UTC, the API's time format.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
