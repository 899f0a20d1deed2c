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
        let mut conn = state.pool.get().map_err(|e| ApiError::from(crate::db::DbError::from(e)))?;
        f(&mut conn, &state)
    })
    .await?
}

/// Staff who review travellers.
pub const REVIEWERS: &[Role] = &[Role::Officer, Role::Analyst, Role::Admin];
/// Staff who write rules and lists.
pub const RULE_WRITERS: &[Role] = &[Role::Analyst, Role::Admin];
/// Everyone but carriers.
pub const STAFF: &[Role] = &[Role::Officer, Role::Analyst, Role::Admin, Role::Dpo, Role::Approver, Role::Auditor];
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
                .route("/flights/{id}/travellers", web::get().to(flights::travellers))
                .route("/travellers/{id}", web::get().to(flights::traveller))
                .route("/queue", web::get().to(queue::list))
                .route("/queue/{id}/claim", web::post().to(queue::claim))
                .route("/queue/{id}/disposition", web::post().to(queue::dispose))
                // RULE_WRITERS write; REVIEWERS read
                .route("/rules", web::get().to(rules::list))
                .route("/rules", web::post().to(rules::create))
                .route("/rules/{id}", web::get().to(rules::get))
                .route("/watchlists", web::get().to(watchlists::list))
                // AUDITORS
                .route("/audit", web::get().to(audit::list))
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
