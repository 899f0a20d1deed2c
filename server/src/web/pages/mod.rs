//! Page handlers, one file per area: authorise as the API does, call the same service
//! functions, render. Shared here: the session, the same-origin check, redirects and flashes.

pub mod account;
pub mod admin;
pub mod carriers;
mod compare;
pub mod flights;
pub mod items;
pub mod links;
pub mod messages;
pub mod oversight;
pub mod queue;
pub mod retention;
mod rule_page;
pub mod rule_trials;
pub mod rules;
pub mod rules_report;
pub mod traveller;
pub mod unmask;
pub mod watchlist_entries;
pub mod watchlists;

use actix_web::http::{header, StatusCode};
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::render::{page, page_with_status};
use crate::api::{ApiError, AppState, AUDITORS, CALLER_COOKIE, REVIEWERS, STAFF};
use crate::auth::{self, Principal, Role};

/// A 303 to a path of this site.
pub(super) fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to))
        .finish()
}

/// The signed-in person, or a redirect to the login page (or a 403 page for another role).
pub(super) async fn session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    roles: &[Role],
) -> Result<Principal, HttpResponse> {
    let Some(token) = req.cookie(CALLER_COOKIE).map(|c| c.value().to_string()) else {
        return Err(redirect("/login"));
    };
    let p = crate::api::db(state, move |conn, st| {
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

/// Like [`session`], for form posts: also refuses a post from another origin. The cookie is
/// SameSite=Strict too; this is the second lock.
pub(super) async fn form_session(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    roles: &[Role],
) -> Result<Principal, HttpResponse> {
    if !same_origin(req) {
        return Err(HttpResponse::Forbidden().body("cross-site form post refused"));
    }
    session(req, state, roles).await
}

/// Form posts must come from this origin.
pub(super) fn same_origin(req: &HttpRequest) -> bool {
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

/// The nav entries a role may open (a link that only leads to a 403 is noise).
fn nav(role: Role) -> Vec<(&'static str, &'static str, &'static str)> {
    let mut out = Vec::new();
    if REVIEWERS.contains(&role) {
        out.push(("queue", "/queue", "Queue"));
        out.push(("flights", "/flights", "Flights"));
        out.push(("watchlists", "/watchlists", "Watchlists"));
        out.push(("rules", "/rules", "Rules"));
    }
    if STAFF.contains(&role) {
        out.push(("messages", "/messages", "Intake"));
    }
    if crate::api::handlers_carriers::QUALITY_READERS.contains(&role) {
        out.push(("carriers", "/carriers", "Carriers"));
    }
    if matches!(
        role,
        Role::Admin | Role::Dpo | Role::Approver | Role::Auditor
    ) {
        out.push(("retention", "/retention", "Retention"));
    }
    if crate::api::UNMASK_READERS.contains(&role) {
        out.push(("unmask", "/unmask", "Unmask grants"));
    }
    if AUDITORS.contains(&role) {
        out.push(("audit", "/audit", "Audit"));
    }
    if role == Role::Admin {
        out.push(("admin", "/admin", "Users"));
    }
    out
}

/// What the base template shows of the signed-in person.
pub(super) fn user_ctx(p: &Principal) -> minijinja::Value {
    let nav: Vec<minijinja::Value> = nav(p.role)
        .into_iter()
        .map(|(key, href, label)| context! { key, href, label })
        .collect();
    context! { username => p.username.clone(), role => p.role.as_str(), nav => nav }
}

/// An error page for a failed service call.
pub(super) fn failure(p: &Principal, e: ApiError) -> HttpResponse {
    page_with_status(
        e.status,
        "error.html",
        context! { user => user_ctx(p), status => e.status.to_string(), message => e.message },
    )
}

/// A generic table page, with a link to a further action below its intro when given.
pub(super) fn table(
    p: &Principal,
    active: &str,
    title: &str,
    intro: &str,
    columns: &[&str],
    rows: Vec<Vec<String>>,
    action: Option<minijinja::Value>,
) -> HttpResponse {
    page(
        "table.html",
        context! { user => user_ctx(p), active => active, title => title, intro => intro, columns => columns, rows => rows, action => action },
    )
}

/// Records an audit row for a page action (ids only, never personal data).
pub(super) fn audit(
    conn: &mut crate::db::DbConnection,
    p: &Principal,
    action: &str,
    object: &str,
    outcome: &str,
) -> Result<(), ApiError> {
    crate::api::record(conn, p, action, object, outcome)
}

/// An id from a form or path fit to put back into a URL (ids are UUIDs: no `/`, `?`, `#`).
pub(super) fn safe_id(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 64 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then_some(id)
}

/// Trims a typed text and checks its length; `None` when empty or longer than `max` characters.
pub(super) fn text(s: &str, max: usize) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s.chars().count() <= max).then(|| s.to_string())
}

/// A one-line message shown after a redirect, chosen from a fixed list so that nothing a user
/// typed travels in a URL (nor lands in the access log).
pub(super) fn flash(code: &str) -> Option<(&'static str, &'static str)> {
    Some(match code {
        "claimed" => ("ok", "You hold the item now."),
        "closed" => ("ok", "The item is closed."),
        "noted" => ("ok", "The note is saved."),
        "reopened" => ("ok", "The item is reopened; the reason is kept as a note."),
        "flagged" => ("ok", "The manual hit is recorded."),
        "lookout" => ("ok", "The traveller is a lookout now."),
        "lookout_moved" => ("ok", "The lookout's status is changed."),
        "item_closed" => (
            "error",
            "The item is closed: reopen it with a reason to change it.",
        ),
        "not_closed" => ("error", "Only a closed item can be reopened."),
        "held" => ("error", "Another officer holds this item."),
        "empty" => (
            "error",
            "Nothing was saved: the text is empty or too long (notes up to 4000 characters, reasons up to 2000, categories up to 80).",
        ),
        "lookout_exists" => ("error", "The traveller has a lookout already."),
        "lookout_refused" => (
            "error",
            "The lookout cannot move to that status from where it is.",
        ),
        "user_created" => ("ok", "The account is created."),
        "user_changed" => ("ok", "The account is changed."),
        "group_created" => ("ok", "The group is created."),
        "group_changed" => ("ok", "The group's members are set."),
        "group_deleted" => ("ok", "The group is deleted."),
        "group_refused" => (
            "error",
            "Nothing was saved: a group needs a unique name and at least one category, and members must be existing usernames.",
        ),
        "rule_created" => ("ok", "The rule is created (version 1)."),
        "rule_saved" => ("ok", "The rule is saved as a new version."),
        "rule_unchanged" => ("ok", "Nothing changed: the text is the current version."),
        "rule_state" => ("ok", "The rule's state is changed; open flights are screened again."),
        "rule_accepted" => ("ok", "The suggested weight is saved as a new version."),
        "self_disable" => (
            "error",
            "An administrator cannot disable their own account.",
        ),
        // unmask, retention, watchlists, API keys (issue 9)
        "unmask_requested" => ("ok", "Your unmask request is filed; an approver decides on it."),
        "unmask_invalid" => (
            "error",
            "Nothing was requested: tick at least one field, give a purpose and a justification (up to 2000 characters each) and, if you set hours, a whole number no larger than the maximum.",
        ),
        "approved" => ("ok", "The request is approved; the grant runs from now."),
        "refused" => ("ok", "The request is refused."),
        "decision_invalid" => (
            "error",
            "Nothing was decided: give your reasons (up to 2000 characters) and, if you set hours, a whole number of at least 1.",
        ),
        "decided_already" => ("error", "The request was decided already."),
        "reviewed" => ("ok", "Your review is recorded."),
        "policy_saved" => ("ok", "The retention policy is changed (a new version)."),
        "terms_saved" => ("ok", "The sensitive-data list is saved as a new version."),
        "settings_saved" => (
            "ok",
            "The list's settings are changed; open flights are screened again.",
        ),
        "key_revoked" => ("ok", "The API key is revoked: it stops working at once."),
        _ => return None,
    })
}

/// The `?m=` query of a page that shows a flash.
#[derive(serde::Deserialize, Default)]
pub struct FlashQuery {
    pub m: Option<String>,
}

impl FlashQuery {
    /// The flash as a template value.
    pub fn value(&self) -> minijinja::Value {
        match self.m.as_deref().and_then(flash) {
            Some((kind, text)) => context! { kind, text },
            None => minijinja::Value::UNDEFINED,
        }
    }
}
