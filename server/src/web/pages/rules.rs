//! The rules area's list and changes: create, save a new version (validated by the engine),
//! change the state, accept a weight suggestion. The rule page itself is drawn by
//! [`super::rule_page`]; test and backtest are in [`super::rule_trials`], the effectiveness
//! report in [`super::rules_report`]. Each handler calls the same service functions as the API's
//! rules handlers, with the same roles and the same audit rows.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use paxrisk_screening::rules::RuleState;
use serde::Deserialize;
use serde_json::Value;

use super::rule_page::{parse_text, read_form, show, Extra, UNDEF};

use super::{failure, form_session, redirect, safe_id, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, Code, ADMIN, REVIEWERS, RULE_WRITERS};
use crate::screening::rules::{self, outcomes, store, RuleStoreError};
use crate::web::render::page_with_status;

/// As the API maps a rule store error (422 with a path, 404, 409).
pub(super) fn store_error(e: RuleStoreError) -> ApiError {
    match e {
        RuleStoreError::Invalid(r) => ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: Code::InvalidRule,
            message: r.message,
            path: Some(r.path),
            detail_code: None,
        }
        .with_rule_code(r.code.as_str()),
        RuleStoreError::NotFound(what) => ApiError::not_found(what),
        RuleStoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, Code::Conflict, m),
        RuleStoreError::Db(d) => d.into(),
    }
}

/// A spec value's field as display text.
pub(super) fn spec_text(spec: &Value, key: &str) -> String {
    spec.get(key)
        .map(|v| {
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string())
        })
        .unwrap_or_default()
}

/// `GET /rules`.
pub async fn list(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crate::api::db(&state, |conn, _| {
        rules::list(conn, None).map_err(ApiError::from)
    })
    .await
    {
        Ok(all) => {
            let rows: Vec<minijinja::Value> = all
                .iter()
                .map(|r| {
                    let s = |k| spec_text(&r.spec, k);
                    context! { id => r.id, name => s("name"), state => s("state"),
                    weight => s("weight"), severity => s("severity"),
                    category => s("category"), version => r.version,
                    updated => r.updated_at }
                })
                .collect();
            page_with_status(
                StatusCode::OK,
                "rules.html",
                context! { user => user_ctx(&p), active => "rules", flash => q.value(), rows,
                can_write => RULE_WRITERS.contains(&p.role) },
            )
        }
        Err(e) => failure(&p, e),
    }
}

/// `GET /rules/new`: the editor with an example.
pub async fn new_rule(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    show(&p, &state, None, Extra::default(), UNDEF).await
}

/// `GET /rules/{id}`.
pub async fn rule(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(id) = safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("rule"));
    };
    show(&p, &state, Some(id), Extra::default(), q.value()).await
}

/// `POST /rules`: creates a rule from the editor's text (version 1).
pub async fn create(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    let p = match form_session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let form = match read_form(&req, payload).await {
        Ok(f) => f,
        Err(e) => return failure(&p, e),
    };
    let body = match parse_text(&form.spec) {
        Ok(b) => b,
        Err(e) => return show(&p, &state, None, Extra::failed(e, form), UNDEF).await,
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        let (id, _) = store::create(conn, &body, &p2.user_id).map_err(store_error)?;
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p2,
            "rule.create",
            &format!("rule:{id} v:1"),
        )?;
        Ok(id)
    })
    .await;
    match r {
        Ok(id) => redirect(&format!("/rules/{id}?m=rule_created")),
        Err(e) => show(&p, &state, None, Extra::failed(e, form), UNDEF).await,
    }
}

/// `POST /rules/{id}`: the editor's text as a new version (a used version is never changed);
/// a text that differs in its state alone moves the state, an equal text changes nothing.
pub async fn save(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    let p = match form_session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(id) = safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("rule"));
    };
    let form = match read_form(&req, payload).await {
        Ok(f) => f,
        Err(e) => return failure(&p, e),
    };
    let body = match parse_text(&form.spec) {
        Ok(b) => b,
        Err(e) => return show(&p, &state, Some(id), Extra::failed(e, form), UNDEF).await,
    };
    let (p2, id2) = (p.clone(), id.clone());
    let r = crate::api::db(&state, move |conn, st| {
        let (version, edit) = store::update(conn, &id2, &body, &p2.user_id).map_err(store_error)?;
        let (action, flash) = match edit {
            store::Edit::Nothing => return Ok("rule_unchanged"),
            store::Edit::State => ("rule.state", "rule_state"),
            store::Edit::Version => ("rule.update", "rule_saved"),
        };
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p2,
            action,
            &format!("rule:{id2} v:{version}"),
        )?;
        Ok(flash)
    })
    .await;
    match r {
        Ok(flash) => redirect(&format!("/rules/{id}?m={flash}")),
        Err(e) => show(&p, &state, Some(id), Extra::failed(e, form), UNDEF).await,
    }
}

/// The state buttons' form.
#[derive(Deserialize)]
pub struct StateForm {
    state: String,
}

/// `POST /rules/{id}/state`: shadow, promote, retire (or back to draft); the version stays.
pub async fn set_state(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<StateForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, RULE_WRITERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(id) = safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("rule"));
    };
    let to = match form.state.as_str() {
        "draft" => RuleState::Draft,
        "shadow" => RuleState::Shadow,
        "live" => RuleState::Live,
        "retired" => RuleState::Retired,
        _ => {
            return failure(
                &p,
                ApiError::unprocessable(
                    Code::InvalidRule,
                    "the state is one of draft, shadow, live, retired",
                ),
            )
        }
    };
    let (p2, id2) = (p.clone(), id.clone());
    let r = crate::api::db(&state, move |conn, st| {
        let (version, was) = store::set_state(conn, &id2, to).map_err(store_error)?;
        if was != to {
            let object = format!("rule:{id2} v:{version} state:{}", to.as_str());
            crate::api::record_change(
                conn,
                st.config.open_flight_hours,
                &p2,
                "rule.state",
                &object,
            )?;
        }
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect(&format!("/rules/{id}?m=rule_state")),
        Err(e) => failure(&p, e),
    }
}

/// The accept button's form: the suggested weight the administrator saw.
#[derive(Deserialize)]
pub struct AcceptForm {
    weight: u8,
}

/// `POST /rules/{id}/accept` (admin): the suggested weight as a new version; a suggestion
/// that moved since the page was read is refused (409) and the page shows the new one.
pub async fn accept(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<AcceptForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMIN).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(id) = safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("rule"));
    };
    let (p2, id2, seen) = (p.clone(), id.clone(), form.weight);
    let r = crate::api::db(&state, move |conn, st| {
        let bands = rules::bands(&st.config);
        let now = crate::db::now_ms();
        let (version, weight) = outcomes::accept(conn, &id2, Some(seen), &p2.user_id, bands, now)
            .map_err(store_error)?;
        let object = format!("rule:{id2} v:{version} weight:{weight}");
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p2,
            "rule.suggestion.accept",
            &object,
        )?;
        Ok(())
    })
    .await;
    match r {
        Ok(()) => redirect(&format!("/rules/{id}?m=rule_accepted")),
        Err(e) if e.status == StatusCode::CONFLICT => {
            let extra = Extra {
                status: StatusCode::CONFLICT,
                notice: Some(format!(
                    "Nothing was saved: {}. The suggestion below is the current one.",
                    e.message
                )),
                ..Extra::default()
            };
            show(&p, &state, Some(id), extra, UNDEF).await
        }
        Err(e) => failure(&p, e),
    }
}
