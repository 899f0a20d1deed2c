//! Users and settings for administrators: list accounts, create one (the password policy
//! applies and its refusal is shown on the form), disable, enable, unlock; user groups (create,
//! set members, delete); carrier accounts' API keys (issue, shown once; list; revoke).

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::{audit, failure, form_session, redirect, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState};
use crate::auth::{self, Principal, Role};
use crate::notify::{self, Kind};
use crate::web::render::page_with_status;

const ADMINS: &[Role] = &[Role::Admin];

/// What the create form had, to show it again after a refusal (never the password).
#[derive(Default, serde::Serialize)]
struct Typed {
    username: String,
    role: String,
    carrier: String,
    email: String,
}

async fn render(
    state: &web::Data<AppState>,
    p: &Principal,
    status: StatusCode,
    flash: minijinja::Value,
    error: Option<String>,
    typed: Typed,
    issued: Option<auth::keys::Issued>,
) -> HttpResponse {
    let p2 = p.clone();
    let r = crate::api::db(state, move |conn, _| {
        let users = auth::list_users(conn)?;
        let groups = auth::groups::list(conn)?;
        let keys = auth::keys::list(conn)?;
        audit(conn, &p2, "users.read", "users", "ok")?;
        Ok((users, groups, keys))
    })
    .await;
    let (users, groups, keys) = match r {
        Ok(u) => u,
        Err(e) => return failure(p, e),
    };
    let name_of = |id: &String| {
        users
            .iter()
            .find(|u| &u.id == id)
            .map(|u| u.username.clone())
            .unwrap_or_else(|| id.clone())
    };
    let groups: Vec<minijinja::Value> = groups
        .iter()
        .map(|g| {
            context! {
                id => g.id, name => g.name, categories => g.categories.join(", "),
                members => g.members.iter().map(name_of).collect::<Vec<_>>().join(", "),
            }
        })
        .collect();
    let day = |ms: i64| {
        crate::api::rfc3339(ms)
            .replace('T', " ")
            .replace('Z', " UTC")
    };
    let carriers: Vec<minijinja::Value> = users
        .iter()
        .filter(|u| u.role == Role::Airline.as_str())
        .map(|u| {
            let keys: Vec<minijinja::Value> = keys
                .iter()
                .filter(|k| k.user_id == u.id)
                .map(|k| {
                    context! {
                        id => k.id, label => k.label,
                        // The key reads `pxk_<id>.<secret>`: its start names it without the secret.
                        prefix => format!("pxk_{}…", k.id.get(..8).unwrap_or(&k.id)),
                        created => day(k.created_at),
                        last_used => k.last_used_at.map(day),
                        revoked => k.revoked_at.map(day),
                    }
                })
                .collect();
            context! { id => u.id, username => u.username, carrier => u.carrier, active => u.active, keys => keys }
        })
        .collect();
    let issued = issued.map(|k| {
        context! { key => k.key, label => k.label, username => name_of(&k.user_id) }
    });
    let users: Vec<minijinja::Value> = users
        .iter()
        .map(|u| {
            context! {
                u => u,
                locked => u.locked(),
                me => u.id == p.user_id,
                created => crate::api::rfc3339(u.created_at).get(..10).map(str::to_string),
            }
        })
        .collect();
    let c = &state.config;
    let settings = vec![
        (
            "Home country",
            c.home_country
                .clone()
                .unwrap_or_else(|| "none (every flight inbound)".into()),
        ),
        (
            "Bands",
            format!("high ≥ {}, medium ≥ {}", c.band_high, c.band_medium),
        ),
        ("Retention profile", c.retention_profile.clone()),
    ];
    page_with_status(
        status,
        "admin.html",
        context! {
            user => user_ctx(p), active => "admin", flash => flash, error => error,
            typed => typed, users => users, settings => settings, groups => groups,
            carriers => carriers, issued => issued,
            roles => Role::ALL.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        },
    )
}

/// `GET /admin`.
pub async fn admin(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    render(
        &state,
        &p,
        StatusCode::OK,
        q.value(),
        None,
        Typed::default(),
        None,
    )
    .await
}

/// The create-user form.
#[derive(Deserialize)]
pub struct NewUserForm {
    username: String,
    role: String,
    #[serde(default)]
    carrier: String,
    #[serde(default)]
    email: String,
    password: String,
}

fn opt(s: &str) -> Option<&str> {
    Some(s.trim()).filter(|s| !s.is_empty())
}

/// `POST /admin/users`.
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NewUserForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let typed = Typed {
        username: f.username.clone(),
        role: f.role.clone(),
        carrier: f.carrier.clone(),
        email: f.email.clone(),
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        // Argon2 runs here, on the blocking pool.
        let id = auth::create_user(
            conn,
            &auth::NewUser {
                username: &f.username,
                role: &f.role,
                carrier: opt(&f.carrier),
                password: &f.password,
                email: opt(&f.email),
                notify_high: false,
            },
        )?;
        audit(conn, &p2, "user.create", &format!("user:{id}"), "ok")?;
        notify::account_event(conn, Kind::AccountCreated, &id)?;
        Ok(id)
    })
    .await;
    match r {
        Ok(_) => redirect("/admin?m=user_created"),
        // A refusal the admin can fix (policy, name taken, bad role): show it on the form.
        Err(e) if e.status.is_client_error() => {
            let flash = minijinja::Value::UNDEFINED;
            render(&state, &p, e.status, flash, Some(e.message), typed, None).await
        }
        Err(e) => failure(&p, e),
    }
}

/// The account change buttons.
#[derive(Deserialize)]
pub struct ChangeForm {
    /// `disable`, `enable` or `unlock`.
    action: String,
}

/// `POST /admin/users/{id}`.
pub async fn change(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ChangeForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let change = match form.action.as_str() {
        "disable" => auth::UserChange {
            active: Some(false),
            ..Default::default()
        },
        "enable" => auth::UserChange {
            active: Some(true),
            ..Default::default()
        },
        "unlock" => auth::UserChange {
            unlock: true,
            ..Default::default()
        },
        _ => return failure(&p, ApiError::bad_request("unknown account action")),
    };
    let id = id.into_inner();
    if change.active == Some(false) && id == p.user_id {
        return redirect("/admin?m=self_disable");
    }
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let before = auth::get_user(conn, &id)?;
        let after = auth::update_user(conn, &id, &change)?;
        let event = match (before.active, after.active) {
            (true, false) => Some(("user.disable", Kind::AccountDisabled)),
            (false, true) => Some(("user.enable", Kind::AccountEnabled)),
            _ => None,
        };
        if let Some((action, kind)) = event {
            audit(conn, &p2, action, &format!("user:{id}"), "ok")?;
            notify::account_event(conn, kind, &id)?;
        }
        audit(conn, &p2, "user.update", &format!("user:{id}"), "ok")?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect("/admin?m=user_changed"),
        Err(e) => failure(&p, e),
    }
}

/// The create-group form: categories comma-separated.
#[derive(Deserialize)]
pub struct NewGroupForm {
    name: String,
    categories: String,
}

fn split(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `POST /admin/groups`.
pub async fn create_group(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<NewGroupForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let g = auth::groups::create(conn, &f.name, &split(&f.categories))?;
        audit(conn, &p2, "group.create", &format!("group:{}", g.id), "ok")?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect("/admin?m=group_created"),
        Err(e) if e.status.is_client_error() => redirect("/admin?m=group_refused"),
        Err(e) => failure(&p, e),
    }
}

/// The group buttons: `members` (usernames, comma-separated, replace the members) or `delete`.
#[derive(Deserialize)]
pub struct GroupForm {
    action: String,
    #[serde(default)]
    members: String,
}

/// `POST /admin/groups/{id}`.
pub async fn change_group(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<GroupForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (id, f, p2) = (id.into_inner(), form.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| match f.action.as_str() {
        "delete" => {
            auth::groups::delete(conn, &id)?;
            audit(conn, &p2, "group.delete", &format!("group:{id}"), "ok")?;
            Ok("group_deleted")
        }
        "members" => {
            let users = auth::list_users(conn)?;
            let mut ids = Vec::new();
            for name in split(&f.members) {
                match users.iter().find(|u| u.username == name) {
                    Some(u) => ids.push(u.id.clone()),
                    None => return Ok("group_refused"),
                }
            }
            let g = auth::groups::set_members(conn, &id, &ids)?;
            let object = format!("group:{id} users:{}", g.members.join(","));
            audit(conn, &p2, "group.members", &object, "ok")?;
            Ok("group_changed")
        }
        _ => Err(ApiError::bad_request("unknown group action")),
    })
    .await;
    match r {
        Ok(flash) => redirect(&format!("/admin?m={flash}")),
        Err(e) => failure(&p, e),
    }
}

/// The issue-key form.
#[derive(Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    label: String,
}

/// `POST /admin/users/{id}/keys`: issues an API key to an airline account and shows it once,
/// on the page this post answers (never cached, never in a URL). Audited and notified as the
/// API's `POST /api/v1/users/{id}/keys`.
pub async fn issue_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<KeyForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (user, label, p2) = (id.into_inner(), form.into_inner().label, p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let k = auth::keys::issue(conn, &user, &label, &p2.user_id)?;
        let object = format!("key:{} user:{user}", k.id);
        audit(conn, &p2, "key.issue", &object, "ok")?;
        notify::account_event(conn, Kind::KeyIssued, &user)?;
        Ok(k)
    })
    .await;
    let issued = match r {
        Ok(k) => k,
        Err(e) => return failure(&p, e),
    };
    let flash = minijinja::Value::UNDEFINED;
    let mut resp = render(
        &state,
        &p,
        StatusCode::CREATED,
        flash,
        None,
        Typed::default(),
        Some(issued),
    )
    .await;
    resp.headers_mut().insert(
        actix_web::http::header::CACHE_CONTROL,
        actix_web::http::header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// `POST /admin/keys/{id}/revoke`: the key stops working at once (audited, the owner notified).
pub async fn revoke_key(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMINS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (id, p2) = (id.into_inner(), p.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let owner = auth::keys::revoke(conn, &id)?.ok_or_else(|| ApiError::not_found("API key"))?;
        let object = format!("key:{id} user:{owner}");
        audit(conn, &p2, "key.revoke", &object, "ok")?;
        notify::account_event(conn, Kind::KeyRevoked, &owner)?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect("/admin?m=key_revoked"),
        Err(e) => failure(&p, e),
    }
}
