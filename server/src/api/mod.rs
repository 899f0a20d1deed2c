//! The JSON API under `/api/v1`, and the one route table of the service.
//!
//! [`endpoints`] is the table: every API route (and `/healthz`, `/metrics`) is one row stating
//! its method, path, who may call it, its handler, and what the OpenAPI document says about it.
//! [`routes`] registers the rows with actix, each behind a role check that runs before the
//! handler and its extractors: no or bad credentials → 401 `unauthorized`, a role outside the
//! row's list → 403 `forbidden` (the JSON error body of DESIGN.md). [`openapi::document`] builds
//! `GET /api/v1/openapi.json` from the same rows, with each operation's roles as `x-roles`, and
//! the integration test `authz_matrix` calls every documented route as every role.
//!
//! # Adding a route
//!
//! Add one row to [`endpoints`], next to its neighbours (order matters where a literal path
//! segment must win over `{id}`, e.g. `/rules/fields` before `/rules/{id}`):
//!
//! ```ignore
//! ep(Get, "/api/v1/groups/{id}", Roles(ADMIN), groups::get)
//!     .tag("groups")
//!     .summary("One user group")
//!     .ok_json::<groups::GroupView>(200, "the group")
//!     .errors(&[404]),
//! ```
//!
//! - Access: `Public` (no credentials), `SignedIn` (any role), or `Roles(LIST)` with a list
//!   below (or a new `const` one, or `&[Role::Dpo]`).
//! - Doc: `.summary` (required), `.about` (longer text), `.query::<T>()` for a query type that
//!   derives `utoipa::IntoParams`, `.param` / `.int_param` / `.enum_param` for one query
//!   parameter, `.json::<T>()` / `.optional_json::<T>()` for a JSON body type that derives
//!   `utoipa::ToSchema`, `.raw(content_type, schema)` for other bodies, `.ok(status, text)` /
//!   `.ok_json::<T>(status, text)`, `.errors(&[404, 409, ..])` / `.error(status, text)` for what
//!   the handler itself answers. 401 and 403 follow from the access, 400 from having a query or
//!   a body; `{name}` path parameters are documented from the path.
//! - The handler needs no role check of its own: the table's is the truth. It may add finer
//!   ones (a carrier sees only its own messages, overseers see every unmask request); a
//!   `Caller` argument gives it the caller the check found, without a second look-up.
//! - Tests: `cargo test -p paxrisk-server api::` checks the row is in the document with its
//!   roles and answers 401 without credentials; `authz_matrix` then calls it as every role.
//!   If the route needs a body to get past 400, give it a sample in that test's `BODIES`; if
//!   it is sensitive, pin its roles in `PINNED`.

mod caller;
mod docs;
pub mod error;
mod handlers;
pub mod openapi;
mod schemas;
mod table;

use actix_web::web;

pub use caller::{Caller, Purpose, CALLER_COOKIE};
pub use error::{ApiError, Code};
pub use handlers::auth::do_login as handlers_login;
pub use handlers::auth::{record, record_change};
pub use handlers::carriers as handlers_carriers;
pub use handlers::setup::do_setup as handlers_setup;
use table::ep;
pub use table::{Access, Endpoint, Verb};

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

/// Officers and admins: who act on review items and lookouts.
pub const ACTORS: &[Role] = &[Role::Officer, Role::Admin];
/// Administrators alone.
pub const ADMIN: &[Role] = &[Role::Admin];
/// Carriers (airline accounts) alone.
pub const CARRIERS: &[Role] = &[Role::Airline];
/// Who asks for clear data of masked travellers.
pub const UNMASK_REQUESTERS: &[Role] = &[Role::Officer, Role::Analyst];
/// Who lists unmask requests: requesters (their own) and those who decide and review (all).
pub const UNMASK_READERS: &[Role] = &[
    Role::Officer,
    Role::Analyst,
    Role::Admin,
    Role::Dpo,
    Role::Approver,
    Role::Auditor,
];
/// Of the unmask readers, those who see every request (the others see their own).
pub const UNMASK_OVERSEERS: &[Role] = &[Role::Approver, Role::Dpo, Role::Auditor, Role::Admin];

/// The route table: every HTTP route of the API, `/healthz` and `/metrics`, in registration
/// order. See the module doc for how to add one.
pub fn endpoints() -> Vec<Endpoint> {
    use handlers::*;
    use schemas as s;
    use utoipa::openapi::schema::Type;
    use Access::{Public, Roles, SignedIn};
    use Verb::{Delete, Get, Patch, Post, Put};
    vec![
        // system
        ep(Get, "/healthz", Public, system::healthz)
            .tag("system")
            .summary("Liveness and database check")
            .ok(200, "OK")
            .error(503, "the database does not answer"),
        ep(Get, "/metrics", Public, system::metrics)
            .tag("system")
            .summary("Prometheus metrics")
            .ok(200, "OK"),
        ep(Get, "/api/v1/openapi.json", Public, system::openapi)
            .tag("system")
            .summary("This document")
            .ok(200, "OK"),
        ep(Get, "/api/v1/docs", Public, docs::page)
            .tag("system")
            .summary("The API reference, a page rendered from this document")
            .ok(200, "HTML"),
        ep(Get, "/api/v1/docs.js", Public, docs::script)
            .tag("system")
            .summary("The script of the reference page")
            .ok(200, "JavaScript"),
        // accounts: one's own session
        ep(Post, "/api/v1/auth/login", Public, auth::login)
            .tag("auth")
            .summary("Sign in")
            .json::<auth::LoginBody>()
            .ok_json::<s::Token>(200, "token")
            .errors(&[400])
            .error(401, "wrong username or password")
            .error(429, "locked after repeated failures"),
        ep(Post, "/api/v1/auth/logout", SignedIn, auth::logout)
            .tag("auth")
            .summary("Revoke the caller's session")
            .ok(204, "signed out"),
        ep(Get, "/api/v1/auth/me", SignedIn, auth::me)
            .tag("auth")
            .summary("The caller")
            .ok(200, "OK"),
        // no credentials: the one-time first-admin setup (issue 7)
        ep(Post, "/api/v1/setup", Public, setup::setup)
            .tag("auth")
            .summary("Create the first admin with the one-time setup token printed by `paxrisk serve`")
            .about("Refusals: 409 setup_complete once an admin exists, 401 setup_token_invalid for a wrong, used or expired token, 429 locked after too many wrong tokens, 422 weak_password.")
            .json::<setup::SetupBody>()
            .ok(201, "the admin: id, username, role")
            .errors(&[401, 409, 422, 429]),
        // carriers send, everyone reads (a carrier its own)
        ep(Post, "/api/v1/messages", Roles(CARRIERS), messages::post)
            .tag("messages")
            .summary("Submit a raw PAXLST or PNRGOV message")
            .about("The body is the raw message bytes, under any content type; the same bytes again answer the first message's id.")
            .raw("application/edifact", table::text())
            .raw("text/plain", table::text())
            .ok(202, "stored")
            .errors(&[400, 413, 503]),
        ep(Get, "/api/v1/messages", SignedIn, messages::list)
            .tag("messages")
            .summary("Latest messages (a carrier sees its own)")
            .ok(200, "OK"),
        ep(Get, "/api/v1/messages/{id}", SignedIn, messages::get)
            .tag("messages")
            .summary("A message's state and diagnostics")
            .about("Another carrier's message is 404, like one that does not exist.")
            .ok(200, "OK")
            .errors(&[404]),
        // flights and travellers
        ep(Get, "/api/v1/flights", Roles(REVIEWERS), flights::list)
            .tag("flights")
            .summary("Open flights")
            .query::<flights::FlightQuery>()
            .ok(200, "OK"),
        ep(Get, "/api/v1/flights/{id}/travellers", Roles(REVIEWERS), flights::travellers)
            .tag("flights")
            .summary("Travellers of a flight")
            .ok(200, "OK")
            .errors(&[404]),
        ep(Get, "/api/v1/travellers/{id}", Roles(REVIEWERS), flights::traveller)
            .tag("flights")
            .summary("One traveller")
            .ok(200, "OK")
            .errors(&[404]),
        ep(Get, "/api/v1/travellers/{id}/links", Roles(REVIEWERS), links::get)
            .tag("flights")
            .summary("A traveller's link graph")
            .about("Travellers linked to this one within `hops` hops through shared values (phone, e-mail, card as sent, address, document, frequent-flyer number, agency, booking, seat row, same person on another flight), drawn with the bookings and flights they hang from. Values are masked labels; a value shared by more than `hub_limit` travellers is shown as a hub and not crossed. `path` lists the node ids from the traveller to the nearest traveller with a watchlist or confirmed hit. Reading is audited.")
            .int_param("hops", 1, Some(3), "1 to 3 (default 2)")
            .param("kinds", Type::String, "Comma-separated link kinds to follow: booking, phone, email, card, address, document, frequent_flyer, agency, seat_row, person; `flight` adds flight nodes. Default: all.")
            .param("since", Type::String, "Only travellers whose flight departs at or after this time (RFC 3339 or YYYY-MM-DD)")
            .param("until", Type::String, "... and at or before this time (RFC 3339 or YYYY-MM-DD, a date counts to its end)")
            .ok_json::<s::LinkGraph>(200, "The graph")
            .errors(&[400, 404]),
        // the review queue
        ep(Get, "/api/v1/queue", Roles(REVIEWERS), queue::list)
            .tag("queue")
            .summary("The review queue")
            .param("flight", Type::String, "flight id or designator such as ZZ501")
            .enum_param::<s::Band>("band", "high, medium or low")
            .param("status", Type::String, "new, claimed, reopened, closed")
            .param("assignee", Type::String, "user id, me or none")
            .param("category", Type::String, "hit category")
            .param("from", Type::String, "RFC 3339 countdown window start")
            .param("to", Type::String, "RFC 3339 countdown window end")
            .param("all", Type::Boolean, "include closed items and old flights")
            .int_param("limit", 1, Some(5000), "page size, 1-5000")
            .int_param("offset", 0, None, "items to skip")
            .ok(200, "OK")
            .errors(&[400]),
        ep(Post, "/api/v1/queue/{id}/claim", Roles(ACTORS), queue::claim)
            .tag("queue")
            .summary("Claim an item")
            .ok(200, "claimed")
            .errors(&[404, 409]),
        ep(Post, "/api/v1/queue/{id}/disposition", Roles(ACTORS), queue::dispose)
            .tag("queue")
            .summary("Close an item with a disposition")
            .json::<queue::DispositionBody>()
            .ok(200, "closed")
            .errors(&[400, 404, 409, 422]),
        // rules: writers write, reviewers read
        ep(Get, "/api/v1/rules", Roles(REVIEWERS), rules::list)
            .tag("rules")
            .summary("Rules")
            .ok(200, "OK"),
        ep(Post, "/api/v1/rules", Roles(RULE_WRITERS), rules::create)
            .tag("rules")
            .summary("Create a rule")
            .about("An invalid rule is 422 with `code`, `path` and `message`.")
            .json::<s::Rule>()
            .ok(201, "created")
            .errors(&[400, 422]),
        // before `/rules/{id}`, which would take their names for ids
        ep(Get, "/api/v1/rules/fields", Roles(REVIEWERS), rules::fields)
            .tag("rules")
            .summary("The field catalogue and operators rules may use (no sensitive field exists)")
            .ok(200, "OK"),
        // staff who follow carriers, and airlines (own carrier only)
        ep(Get, "/api/v1/carriers/quality", Roles(carriers::QUALITY_READERS), carriers::quality)
            .tag("carriers")
            .summary("Carrier data quality per carrier and day (a carrier sees its own)")
            .about("Messages received, API manifests on time (received at least `on_time_minutes`, default 30, before scheduled departure), failed messages, diagnostics by severity, share of API travellers missing document, date of birth or nationality, PNR-to-manifest match rate, multi-part sets timed out. Counts and rates only. An airline account naming another carrier gets an empty report.")
            .query::<carriers::QualityQuery>()
            .ok(200, "rows per carrier and day, per-carrier totals and the grand total")
            .errors(&[400]),
        ep(Get, "/api/v1/rules/report", Roles(REVIEWERS), rules::report)
            .tag("rules")
            .summary("Rule effectiveness: hits per week, share reviewed, precision, median review time, hit rates by nationality and sex (default: last 90 days)")
            .query::<rules::ReportQuery>()
            .ok(200, "OK")
            .errors(&[400]),
        ep(Post, "/api/v1/rules/validate", Roles(RULE_WRITERS), rules::validate)
            .tag("rules")
            .summary("Validate a rule, or {\"condition\"} alone; 200 with the canonical form, 422 with code, path, message and reason")
            .json::<s::RuleOrCondition>()
            .ok(200, "OK")
            .errors(&[400, 422]),
        ep(Post, "/api/v1/rules/test", Roles(RULE_WRITERS), rules::test_draft)
            .tag("rules")
            .summary("Evaluate an unsaved rule against a stored traveller, leaf by leaf (audited)")
            .json::<s::DraftTest>()
            .ok(200, "OK")
            .errors(&[400, 404, 422]),
        ep(Post, "/api/v1/rules/backtest", Roles(RULE_WRITERS), rules::backtest_draft)
            .tag("rules")
            .summary("Backtest an unsaved rule (or a bare condition) over stored history: hits per day, travellers affected, reviewed, resultant")
            .json::<s::DraftBacktest>()
            .ok(200, "OK")
            .errors(&[400, 422]),
        ep(Put, "/api/v1/rules/{id}", Roles(RULE_WRITERS), rules::update)
            .tag("rules")
            .summary("Edit a rule: a new version unless the body equals the current one; earlier versions and their hits are kept")
            .json::<s::Rule>()
            .ok(200, "OK")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/rules/{id}/state", Roles(RULE_WRITERS), rules::set_state)
            .tag("rules")
            .summary("Move a rule to draft, shadow, live or retired (same version); re-screens open flights")
            .json::<rules::StateBody>()
            .ok(200, "OK")
            .errors(&[400, 404, 422]),
        ep(Get, "/api/v1/rules/{id}/versions", Roles(REVIEWERS), rules::versions)
            .tag("rules")
            .summary("Every version of a rule as written, with its stored hits, newest first")
            .ok(200, "OK")
            .errors(&[404]),
        ep(Post, "/api/v1/rules/{id}/test", Roles(RULE_WRITERS), rules::test)
            .tag("rules")
            .summary("Evaluate the rule (current or given version) against a stored traveller, leaf by leaf (audited)")
            .json::<rules::TestBody>()
            .ok(200, "OK")
            .errors(&[400, 404]),
        ep(Post, "/api/v1/rules/{id}/backtest", Roles(RULE_WRITERS), rules::backtest_stored)
            .tag("rules")
            .summary("Backtest the stored rule (current or given version) over stored history")
            .json::<rules::BacktestBody>()
            .ok(200, "OK")
            .errors(&[400, 404, 422]),
        ep(Get, "/api/v1/rules/{id}/suggestion", Roles(RULE_WRITERS), rules::suggestion)
            .tag("rules")
            .summary("Outcome counts (decayed), the suggested weight and its backtest against the current weight; changes nothing")
            .ok(200, "OK")
            .errors(&[404]),
        // admin only: a person approves every change a suggestion makes
        ep(Post, "/api/v1/rules/{id}/suggestion/accept", Roles(ADMIN), rules::accept)
            .tag("rules")
            .summary("Accept the suggested weight as a new rule version; 409 when the suggestion moved or equals the current weight")
            .optional_json::<rules::AcceptBody>()
            .ok(200, "OK")
            .errors(&[400, 404, 409]),
        ep(Get, "/api/v1/rules/{id}", Roles(REVIEWERS), rules::get)
            .tag("rules")
            .summary("One rule")
            .ok(200, "OK")
            .errors(&[404]),
        // watchlists
        ep(Get, "/api/v1/watchlists", Roles(REVIEWERS), watchlists::list)
            .tag("watchlists")
            .summary("Watchlists")
            .ok(200, "OK"),
        ep(Post, "/api/v1/watchlists/{name}/import", Roles(RULE_WRITERS), watchlists::import)
            .tag("watchlists")
            .summary("Import a CSV or JSON list as the next version of list {name}")
            .query::<watchlists::ImportQuery>()
            .raw("text/csv", table::text())
            .raw("application/json", table::any_array())
            .ok(201, "imported, with a row-error report")
            .errors(&[400, 422])
            .error(413, "the file is larger than 256 MiB"),
        ep(Put, "/api/v1/watchlists/{id}", Roles(RULE_WRITERS), watchlists::update)
            .tag("watchlists")
            .summary("Change a list's threshold, category or severity")
            .json::<watchlists::Settings>()
            .ok(204, "changed")
            .errors(&[400, 404, 422]),
        ep(Get, "/api/v1/watchlists/{id}/entries", Roles(REVIEWERS), watchlists::entries)
            .tag("watchlists")
            .summary("A list's current entries, paged")
            .query::<watchlists::Page>()
            .ok(200, "entries")
            .errors(&[400, 404]),
        ep(Post, "/api/v1/watchlists/{id}/entries", Roles(RULE_WRITERS), watchlists::edit)
            .tag("watchlists")
            .summary("Add or remove entries (a new version)")
            .json::<watchlists::EntryEdit>()
            .ok(200, "new version")
            .errors(&[400, 404, 422]),
        // oversight
        ep(Get, "/api/v1/audit", Roles(AUDITORS), audit::list)
            .tag("audit")
            .summary("Audit log and chain check")
            .param("actor", Type::String, "user id")
            .param("action", Type::String, "action, or a prefix ending in '.'")
            .param("object", Type::String, "object id contained")
            .param("outcome", Type::String, "ok, denied, ...")
            .param("from", Type::String, "RFC 3339")
            .param("to", Type::String, "RFC 3339")
            .int_param("before", 1, None, "rows before this sequence number")
            .int_param("limit", 1, Some(5000), "1-5000")
            .ok(200, "OK")
            .errors(&[400]),
        // retention: admins write the policy, the DPO the sensitive list; oversight reads
        ep(Get, "/api/v1/retention/policy", Roles(AUDITORS), retention::get_policy)
            .tag("retention")
            .summary("The retention policy in force")
            .ok(200, "OK"),
        ep(Put, "/api/v1/retention/policy", Roles(ADMIN), retention::put_policy)
            .tag("retention")
            .summary("Choose a profile or edit the custom policy (audited)")
            .json::<s::RetentionPolicyChange>()
            .ok(200, "OK")
            .errors(&[400, 422]),
        ep(Post, "/api/v1/retention/run", Roles(ADMIN), retention::run)
            .tag("retention")
            .summary("Run retention now, or dry ({\"dry_run\": true})")
            .optional_json::<retention::RunBody>()
            .ok(200, "OK")
            .errors(&[400]),
        ep(Get, "/api/v1/retention/stats", Roles(AUDITORS), retention::stats)
            .tag("retention")
            .summary("Statistics per month without personal data (Art. 20)")
            .ok(200, "OK"),
        ep(Get, "/api/v1/retention/sensitive-terms", Roles(AUDITORS), retention::get_terms)
            .tag("retention")
            .summary("The sensitive-data filter's list in force")
            .ok(200, "OK"),
        ep(Put, "/api/v1/retention/sensitive-terms", Roles(&[Role::Dpo]), retention::put_terms)
            .tag("retention")
            .summary("A new version of the sensitive-data list (audited)")
            .json::<s::SensitiveTerms>()
            .ok(200, "OK")
            .errors(&[400, 422]),
        ep(Get, "/api/v1/retention/sensitive-removals", Roles(AUDITORS), retention::removals)
            .tag("retention")
            .summary("Entries removed by the filter per carrier and day (counts only)")
            .ok(200, "OK"),
        // re-personalisation: officers/analysts ask, approvers decide, the DPO reviews
        ep(Post, "/api/v1/unmask-requests", Roles(UNMASK_REQUESTERS), unmask::create)
            .tag("unmask")
            .summary("Request clear data of masked travellers (purpose and reason required)")
            .json::<s::UnmaskRequest>()
            .ok(201, "created")
            .errors(&[400, 404, 422]),
        ep(Get, "/api/v1/unmask-requests", Roles(UNMASK_READERS), unmask::list)
            .tag("unmask")
            .summary("Unmask requests: own, or all for approver, dpo, auditor, admin")
            .ok(200, "OK"),
        ep(Post, "/api/v1/unmask-requests/{id}/decision", Roles(&[Role::Approver]), unmask::decide)
            .tag("unmask")
            .summary("Approve or refuse a pending request (time-boxed grant)")
            .json::<s::UnmaskDecision>()
            .ok(200, "OK")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/unmask-requests/{id}/dpo-review", Roles(&[Role::Dpo]), unmask::dpo_review)
            .tag("unmask")
            .summary("Record the DPO's ex-post review")
            .ok(200, "OK")
            .errors(&[404, 409]),
        ep(Get, "/api/v1/unmask-requests/{id}/travellers", Roles(UNMASK_REQUESTERS), unmask::travellers)
            .tag("unmask")
            .summary("The granted fields in clear, for the requester while the grant lasts (each read audited)")
            .ok(200, "OK")
            .errors(&[404]),
        // accounts
        ep(Post, "/api/v1/auth/refresh", SignedIn, auth::refresh)
            .tag("auth")
            .summary("A fresh token; the old one stops working")
            .about("Not for API keys (403).")
            .ok_json::<s::Token>(200, "token")
            .error(403, "an API key cannot be refreshed"),
        ep(Post, "/api/v1/auth/password", SignedIn, auth::change_password)
            .tag("auth")
            .summary("Change one's own password; other sessions end")
            .json::<auth::PasswordBody>()
            .ok(204, "changed")
            .errors(&[400, 422])
            .error(403, "an API key has no password to change"),
        ep(Patch, "/api/v1/auth/me", Roles(STAFF), auth::update_me)
            .tag("auth")
            .summary("Set one's own e-mail and high-band subscription")
            .json::<auth::MyChange>()
            .ok(200, "the account")
            .errors(&[400, 422]),
        ep(Get, "/api/v1/users", Roles(ADMIN), users::list)
            .tag("users")
            .summary("List accounts")
            .ok(200, "users"),
        ep(Post, "/api/v1/users", Roles(ADMIN), users::create)
            .tag("users")
            .summary("Create an account (password policy: 422 weak_password)")
            .json::<users::NewUserBody>()
            .ok(201, "id")
            .errors(&[400, 409, 422]),
        ep(Get, "/api/v1/users/{id}", Roles(ADMIN), users::get)
            .tag("users")
            .summary("One account")
            .ok(200, "the account")
            .errors(&[404]),
        ep(Patch, "/api/v1/users/{id}", Roles(ADMIN), users::update)
            .tag("users")
            .summary("Enable/disable (ends sessions), e-mail, subscription, unlock")
            .json::<s::UserChange>()
            .ok(200, "the account")
            .errors(&[400, 404, 422]),
        ep(Post, "/api/v1/users/{id}/keys", Roles(ADMIN), keys::issue)
            .tag("users")
            .summary("Issue a carrier API key (shown once)")
            .optional_json::<keys::IssueBody>()
            .ok(201, "the key")
            .errors(&[400, 404, 422]),
        ep(Get, "/api/v1/keys", Roles(ADMIN), keys::list)
            .tag("users")
            .summary("List API keys (no secrets)")
            .ok(200, "keys"),
        ep(Delete, "/api/v1/keys/{id}", Roles(ADMIN), keys::revoke)
            .tag("users")
            .summary("Revoke an API key")
            .ok(204, "revoked")
            .errors(&[404]),
        // user groups scoped by hit category (admin)
        ep(Get, "/api/v1/groups", Roles(ADMIN), groups::list)
            .tag("groups")
            .summary("List user groups with their categories and members")
            .ok(200, "groups"),
        ep(Post, "/api/v1/groups", Roles(ADMIN), groups::create)
            .tag("groups")
            .summary("Create a group scoped to hit categories")
            .about("Members of one or more groups see only queue items with a hit in a category of one of their groups; users in no group, and admins, see all.")
            .json::<groups::NewGroup>()
            .ok(201, "the group")
            .errors(&[409, 422]),
        ep(Get, "/api/v1/groups/{id}", Roles(ADMIN), groups::get)
            .tag("groups")
            .summary("One group")
            .ok(200, "the group")
            .errors(&[404]),
        ep(Patch, "/api/v1/groups/{id}", Roles(ADMIN), groups::update)
            .tag("groups")
            .summary("Rename a group or change its categories")
            .json::<crate::auth::groups::GroupChange>()
            .ok(200, "the group")
            .errors(&[404, 409, 422]),
        ep(Delete, "/api/v1/groups/{id}", Roles(ADMIN), groups::delete)
            .tag("groups")
            .summary("Delete a group")
            .ok(204, "deleted")
            .errors(&[404]),
        ep(Put, "/api/v1/groups/{id}/members", Roles(ADMIN), groups::set_members)
            .tag("groups")
            .summary("Replace the group's members")
            .json::<groups::Members>()
            .ok(200, "the group")
            .errors(&[404, 422]),
        // review actions: reviewers read and note; officers and admins act; admins assign
        ep(Get, "/api/v1/queue/{id}", Roles(REVIEWERS), queue::get)
            .tag("queue")
            .summary("One item with its notes")
            .ok(200, "the item")
            .errors(&[404]),
        ep(Get, "/api/v1/queue/{id}/notes", Roles(REVIEWERS), queue::list_notes)
            .tag("queue")
            .summary("Notes of an item")
            .ok(200, "notes")
            .errors(&[404]),
        ep(Post, "/api/v1/queue/{id}/notes", Roles(REVIEWERS), queue::add_note)
            .tag("queue")
            .summary("Add a note (409 item_closed on a closed item)")
            .json::<queue::TextBody>()
            .ok(201, "id")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/queue/{id}/reopen", Roles(ACTORS), queue::reopen)
            .tag("queue")
            .summary("Reopen a closed item with a reason")
            .json::<queue::TextBody>()
            .ok(200, "reopened")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/queue/{id}/assign", Roles(ADMIN), queue::assign)
            .tag("queue")
            .summary("Assign an open item to an officer or admin")
            .json::<queue::AssignBody>()
            .ok(200, "assigned")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/travellers/{id}/manual-hits", Roles(ACTORS), queue::manual_hit)
            .tag("queue")
            .summary("Flag a traveller by hand under a category")
            .json::<queue::ManualBody>()
            .ok(201, "the hit and its item")
            .errors(&[400, 404, 409, 422]),
        ep(Get, "/api/v1/lookouts", Roles(REVIEWERS), lookouts::list)
            .tag("lookouts")
            .summary("The port-of-entry lookout board")
            .query::<lookouts::ListQuery>()
            .ok(200, "lookouts")
            .errors(&[400]),
        ep(Post, "/api/v1/lookouts", Roles(ACTORS), lookouts::create)
            .tag("lookouts")
            .summary("Promote a traveller to a lookout")
            .json::<lookouts::NewLookout>()
            .ok(201, "the lookout")
            .errors(&[400, 404, 409, 422]),
        ep(Post, "/api/v1/lookouts/{id}/status", Roles(ACTORS), lookouts::set_status)
            .tag("lookouts")
            .summary("Move a lookout (active, enroute, encountered, missed, did_not_board, referred, positive, negative, inactive)")
            .json::<lookouts::StatusBody>()
            .ok(200, "the lookout")
            .errors(&[400, 404, 422]),
    ]
}

/// Registers the route table with actix (and the pages after it).
pub fn routes(cfg: &mut web::ServiceConfig) {
    let mut api = web::scope("/api/v1");
    for e in endpoints() {
        match e.path.strip_prefix("/api/v1") {
            Some(rest) => api = api.route(rest, e.route()),
            None => {
                cfg.route(e.path, e.route());
            }
        }
    }
    cfg.service(api.default_service(web::to(handlers::system::not_found)))
        .configure(crate::web::routes);
}

/// Epoch milliseconds as RFC 3339 UTC, the API's time format.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}
