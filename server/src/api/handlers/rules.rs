//! Targeting rules: analysts and admins write, test and backtest; reviewers read; only an
//! admin accepts a weight suggestion. Every change is audited (ids only) and re-screens the
//! open flights.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use paxrisk_screening::rules::{catalogue, ErrorCode, RuleError, RuleSpec, RuleState};
use serde::Deserialize;
use serde_json::{json, Value};

use super::auth::{json_body, record};
use crate::api::{ApiError, AppState, Caller, Code};
use crate::screening::rules::{self, backtest, outcomes, store, try_on, RuleStoreError};

/// `422 {"code":"invalid_rule","path","message","reason"}`; `prefix` places the path in the
/// request body when the rule is nested in it (`/rule`).
fn invalid(r: RuleError, prefix: &str) -> ApiError {
    ApiError {
        status: StatusCode::UNPROCESSABLE_ENTITY,
        code: Code::InvalidRule,
        message: r.message,
        path: Some(format!("{prefix}{}", r.path)),
        detail_code: None,
    }
    .with_rule_code(r.code.as_str())
}

fn store_error(e: RuleStoreError, prefix: &str) -> ApiError {
    match e {
        RuleStoreError::Invalid(r) => invalid(r, prefix),
        RuleStoreError::NotFound(what) => ApiError::not_found(what),
        RuleStoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, Code::Conflict, m),
        RuleStoreError::Db(d) => d.into(),
    }
}

/// The body as a JSON object (400 otherwise).
fn object(body: &[u8], expected: &str) -> Result<Value, ApiError> {
    let v: Value = json_body(body, expected)?;
    if !v.is_object() {
        return Err(ApiError::bad_request(format!(
            "expected a JSON object {expected}"
        )));
    }
    Ok(v)
}

const RULE_SHAPE: &str = "with name, category, severity, weight, state, condition";

/// `POST /api/v1/rules` → `201 {"id","version"}`; invalid → `422 {"code","path","message"}`.
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body = object(&body, RULE_SHAPE)?;
    let (id, version) = crate::api::db(&state, move |conn, st| {
        let created = store::create(conn, &body, &p.user_id).map_err(|e| store_error(e, ""))?;
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p,
            "rule.create",
            &format!("rule:{} v:1", created.0),
        )?;
        Ok(created)
    })
    .await?;
    Ok(HttpResponse::Created().json(json!({ "id": id, "version": version })))
}

/// `PUT /api/v1/rules/{id}` (a whole rule body) → `{"id","version","changed"}`: a new version
/// when the content differs (a different state alone keeps the version). Earlier versions and
/// their hits stay as they were.
pub async fn update(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body = object(&body, RULE_SHAPE)?;
    let id = id.into_inner();
    let out = crate::api::db(&state, move |conn, st| {
        let (version, edit) =
            store::update(conn, &id, &body, &p.user_id).map_err(|e| store_error(e, ""))?;
        let action = match edit {
            store::Edit::Nothing => None,
            store::Edit::State => Some("rule.state"),
            store::Edit::Version => Some("rule.update"),
        };
        if let Some(action) = action {
            crate::api::record_change(
                conn,
                st.config.open_flight_hours,
                &p,
                action,
                &format!("rule:{id} v:{version}"),
            )?;
        }
        let new = action.is_some();
        Ok(json!({ "id": id, "version": version, "changed": new }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct StateBody {
    #[schema(value_type = crate::api::schemas::RuleState)]
    state: String,
}

/// `POST /api/v1/rules/{id}/state` `{"state": "draft|shadow|live|retired"}` →
/// `{"id","version","state","previous"}`. Promoting, shadowing and retiring keep the version.
pub async fn set_state(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: StateBody = json_body(&body, "{\"state\": \"draft|shadow|live|retired\"}")?;
    let to = match body.state.as_str() {
        "draft" => RuleState::Draft,
        "shadow" => RuleState::Shadow,
        "live" => RuleState::Live,
        "retired" => RuleState::Retired,
        other => {
            return Err(invalid(
                RuleError {
                    code: ErrorCode::BadValue,
                    path: "/state".into(),
                    message: format!(
                        "`state` is one of draft, shadow, live, retired; found {other:?}"
                    ),
                },
                "",
            ))
        }
    };
    let id = id.into_inner();
    let out = crate::api::db(&state, move |conn, st| {
        let (version, was) = store::set_state(conn, &id, to).map_err(|e| store_error(e, ""))?;
        if was != to {
            let object = format!("rule:{id} v:{version} state:{}", to.as_str());
            crate::api::record_change(
                conn,
                st.config.open_flight_hours,
                &p,
                "rule.state",
                &object,
            )?;
        }
        Ok(json!({ "id": id, "version": version, "state": to.as_str(), "previous": was.as_str() }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// `POST /api/v1/rules/validate`: a whole rule, or `{"condition": …}` alone →
/// `{"valid": true, "rule"|"condition": canonical form, "fields": [...]}` or the 422.
pub async fn validate(body: web::Bytes) -> Result<HttpResponse, ApiError> {
    let body = object(&body, RULE_SHAPE)?;
    let only_condition = body
        .as_object()
        .is_some_and(|o| o.len() == 1 && o.contains_key("condition"));
    if only_condition {
        let c = paxrisk_screening::rules::validate_at(&body["condition"], "/condition")
            .map_err(|e| invalid(e, ""))?;
        let fields: Vec<&str> = c.fields().iter().map(|f| f.name()).collect();
        return Ok(
            HttpResponse::Ok().json(json!({ "valid": true, "condition": c, "fields": fields }))
        );
    }
    let spec = RuleSpec::validate(&body).map_err(|e| invalid(e, ""))?;
    let fields: Vec<&str> = spec.condition.fields().iter().map(|f| f.name()).collect();
    Ok(HttpResponse::Ok().json(json!({ "valid": true, "rule": spec, "fields": fields })))
}

/// `GET /api/v1/rules/fields`: the field catalogue (names, types, formats, descriptions).
pub async fn fields() -> Result<HttpResponse, ApiError> {
    use paxrisk_screening::rules::Op::*;
    let ops = [
        Eq, Ne, Lt, Le, Gt, Ge, In, NotIn, Between, StartsWith, EndsWith, Contains, IsEmpty,
        IsNotEmpty,
    ]
    .map(paxrisk_screening::rules::Op::as_str);
    Ok(HttpResponse::Ok().json(json!({ "fields": catalogue(), "operators": ops })))
}

/// `GET /api/v1/rules`.
pub async fn list(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let all = crate::api::db(&state, |conn, _| {
        rules::list(conn, None).map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(json!({ "rules": all })))
}

/// `GET /api/v1/rules/{id}`.
pub async fn get(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let one = crate::api::db(&state, move |conn, _| {
        rules::list(conn, Some(&id)).map_err(ApiError::from)
    })
    .await?;
    one.into_iter()
        .next()
        .map(|r| HttpResponse::Ok().json(r))
        .ok_or_else(|| ApiError::not_found("rule"))
}

/// `GET /api/v1/rules/{id}/versions` → `{"versions": [{"version","created_by","created_at",
/// "hits","rule"}]}`, newest first.
pub async fn versions(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let all = crate::api::db(&state, move |conn, _| Ok(store::versions(conn, &id)?)).await?;
    let all = all.ok_or_else(|| ApiError::not_found("rule"))?;
    Ok(HttpResponse::Ok().json(json!({ "versions": all })))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestBody {
    traveller_id: String,
    version: Option<i32>,
    /// For `POST /rules/test`: the rule body not yet saved.
    #[schema(value_type = Option<crate::api::schemas::Rule>)]
    rule: Option<Value>,
}

/// `POST /api/v1/rules/{id}/test` `{"traveller_id", "version"?}` → `{"matched","truth",
/// "explanation","leaves":[{"path","field","truth","text"}],"version","in_force"}`. Reads a
/// traveller's data, so it is audited like any read of personal data.
pub async fn test(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    run_test(state, caller, Some(id.into_inner()), body).await
}

/// `POST /api/v1/rules/test` `{"rule": {…}, "traveller_id"}`: the same for an unsaved rule.
pub async fn test_draft(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    run_test(state, caller, None, body).await
}

async fn run_test(
    state: web::Data<AppState>,
    caller: Caller,
    id: Option<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: TestBody = json_body(
        &body,
        "{\"traveller_id\": …, \"version\"?: N, \"rule\"?: {…}}",
    )?;
    let out = crate::api::db(&state, move |conn, _| {
        let subject = match (&id, &body.rule) {
            (Some(id), _) => try_on::Subject::Stored {
                id,
                version: body.version,
            },
            (None, Some(rule)) => try_on::Subject::Draft(rule),
            (None, None) => {
                return Err(ApiError::bad_request(
                    "expected {\"rule\": {…}, \"traveller_id\": …}",
                ))
            }
        };
        let (version, spec, eval) =
            try_on::run(conn, subject, &body.traveller_id).map_err(|e| store_error(e, "/rule"))?;
        let object = format!(
            "rule:{} traveller:{}",
            id.as_deref().unwrap_or("draft"),
            body.traveller_id
        );
        record(conn, &p, "rule.test", &object, "ok")?;
        Ok(json!({
            "version": version,
            "name": spec.name,
            "matched": eval.matched,
            "truth": eval.truth,
            "explanation": eval.explanation,
            "leaves": eval.leaves,
        }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BacktestBody {
    /// First departure date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    from: Option<String>,
    /// Last departure date, `YYYY-MM-DD`.
    #[schema(format = Date)]
    to: Option<String>,
    /// A stored version (default: the current one).
    version: Option<i32>,
    /// `/rules/backtest`: the unsaved rule.
    #[schema(value_type = Option<crate::api::schemas::Rule>)]
    rule: Option<Value>,
    /// `/rules/backtest`: a bare condition instead of a rule.
    #[schema(value_type = Option<Object>)]
    condition: Option<Value>,
}

/// `POST /api/v1/rules/{id}/backtest` `{"from"?, "to"?, "version"?}`: the stored rule over
/// stored history (scheduled departures, UTC dates, default the last 90 days).
pub async fn backtest_stored(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    run_backtest(state, caller, Some(id.into_inner()), body).await
}

/// `POST /api/v1/rules/backtest` `{"rule": {…} | "condition": {…}, "from"?, "to"?}` →
/// `{"from","to","flights","travellers_screened","hits","travellers_affected","reviewed",
/// "resultant","per_day":[{"date","hits","travellers"}],"elapsed_ms"}`.
pub async fn backtest_draft(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    run_backtest(state, caller, None, body).await
}

async fn run_backtest(
    state: web::Data<AppState>,
    caller: Caller,
    id: Option<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: BacktestBody = if body.is_empty() && id.is_some() {
        BacktestBody {
            from: None,
            to: None,
            version: None,
            rule: None,
            condition: None,
        }
    } else {
        json_body(
            &body,
            "{\"rule\"|\"condition\": {…}, \"from\"?: \"YYYY-MM-DD\", \"to\"?: …}",
        )?
    };
    let today = chrono::Utc::now().date_naive();
    let range = backtest::Range::parse(body.from.as_deref(), body.to.as_deref(), today)
        .map_err(|e| invalid(e, ""))?;
    let draft = match (&id, body.rule, body.condition) {
        (Some(_), None, None) => None,
        (None, Some(rule), None) => {
            Some(RuleSpec::validate(&rule).map_err(|e| invalid(e, "/rule"))?)
        }
        (None, None, Some(c)) => {
            Some(RuleSpec::validate(&condition_only(c)).map_err(|e| invalid(e, ""))?)
        }
        _ => {
            return Err(ApiError::bad_request(
                "give a stored rule's id in the path, or exactly one of `rule` and `condition`",
            ))
        }
    };
    let version = body.version;
    let out = crate::api::db(&state, move |conn, _| {
        let spec = match (draft, &id) {
            (Some(spec), _) => spec,
            (None, Some(id)) => match version {
                Some(v) => store::version(conn, id, v)?
                    .ok_or_else(|| ApiError::not_found("rule version"))?,
                None => {
                    store::current(conn, id)?
                        .ok_or_else(|| ApiError::not_found("rule"))?
                        .1
                }
            },
            (None, None) => unreachable!("checked above: a draft or an id"),
        };
        let result = backtest::run(conn, &spec, range)?;
        let object = format!(
            "rule:{} from:{} to:{}",
            id.as_deref().unwrap_or("draft"),
            range.from,
            range.to
        );
        record(conn, &p, "rule.backtest", &object, "ok")?;
        Ok(result)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// A bare condition as a rule body, so one validator gives the paths (`/condition/…`).
fn condition_only(condition: Value) -> Value {
    json!({"name": "backtest", "category": "backtest", "severity": "low", "weight": 0,
           "state": "draft", "condition": condition})
}

/// `GET /api/v1/rules/{id}/suggestion`: outcome counts, the suggested weight and its backtest
/// against the current weight. Nothing changes until an admin accepts it.
pub async fn suggestion(
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let out = crate::api::db(&state, move |conn, st| {
        outcomes::suggest(conn, &id, rules::bands(&st.config), crate::db::now_ms())
            .map_err(|e| store_error(e, ""))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    /// The suggested weight the admin saw; refused with 409 if the suggestion has moved.
    #[schema(minimum = 0, maximum = 100)]
    weight: Option<u8>,
}

/// `POST /api/v1/rules/{id}/suggestion/accept` `{"weight"?}` (admin) → `{"id","version",
/// "weight"}`: the suggestion as a new rule version.
pub async fn accept(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let body: AcceptBody = if body.is_empty() {
        AcceptBody::default()
    } else {
        json_body(&body, "{\"weight\"?: 0-100}")?
    };
    let id = id.into_inner();
    let out = crate::api::db(&state, move |conn, st| {
        let bands = rules::bands(&st.config);
        let (version, weight) = outcomes::accept(
            conn,
            &id,
            body.weight,
            &p.user_id,
            bands,
            crate::db::now_ms(),
        )
        .map_err(|e| store_error(e, ""))?;
        let object = format!("rule:{id} v:{version} weight:{weight}");
        crate::api::record_change(
            conn,
            st.config.open_flight_hours,
            &p,
            "rule.suggestion.accept",
            &object,
        )?;
        Ok(json!({ "id": id, "version": version, "weight": weight }))
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}

/// The report's range.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct ReportQuery {
    /// First departure date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last departure date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Smallest group (screened records) shown on its own by nationality or sex; smaller ones are
    /// pooled into `other` (default 10).
    pub min_group: Option<u64>,
}

/// `GET /api/v1/rules/report?from=YYYY-MM-DD&to=YYYY-MM-DD&min_group=N` (default: the last 90
/// days, groups of 10): per rule hits per week, share reviewed, precision, median review time,
/// and hit rates by nationality and sex of the flagged population.
pub async fn report(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<ReportQuery>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let q = q.into_inner();
    let today = chrono::Utc::now().date_naive();
    let range = backtest::Range::parse(q.from.as_deref(), q.to.as_deref(), today)
        .map_err(|e| ApiError::bad_request(e.message))?;
    let min_group = q
        .min_group
        .unwrap_or(crate::analytics::effectiveness::MIN_GROUP);
    let out = crate::api::db(&state, move |conn, _| {
        let report = crate::analytics::effectiveness::report(conn, range, min_group)?;
        record(
            conn,
            &p,
            "rules.report",
            &format!("from:{} to:{}", range.from, range.to),
            "ok",
        )?;
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(out))
}
