//! The rule editor's trials: the text in the editor against one traveller (the engine's
//! explanation, leaf by leaf) and over stored history (totals and hits per day). When the text
//! is the stored rule's current version the trial is of the stored rule, audited as
//! `rule:{id}`; otherwise of the unsaved draft, audited as `rule:draft` like the API's draft
//! routes.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use paxrisk_screening::rules::{RuleSpec, Truth};
use serde_json::Value;

use super::rule_page::{parse_text, read_form, show, Extra, RuleForm, UNDEF};
use super::rules::store_error;
use super::{audit, failure, form_session, safe_id};
use crate::api::{ApiError, AppState, RULE_WRITERS};
use crate::auth::Principal;
use crate::db::DbConnection;
use crate::screening::rules::{backtest, store, try_on};
use crate::web::chart;

/// Days back a backtest covers when the form gives no dates.
const DEFAULT_DAYS: i64 = 90;

/// `POST /rules/test`: the new rule's text against a traveller.
pub async fn test_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    test(req, state, None, payload).await
}

/// `POST /rules/{id}/test`: the rule page's editor text against a traveller.
pub async fn test_stored(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    test(req, state, Some(id.into_inner()), payload).await
}

/// `POST /rules/backtest`: the new rule's text over stored history.
pub async fn backtest_draft(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> HttpResponse {
    run_backtest(req, state, None, payload).await
}

/// `POST /rules/{id}/backtest`: the rule page's editor text over stored history.
pub async fn backtest_stored(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    payload: web::Payload,
) -> HttpResponse {
    run_backtest(req, state, Some(id.into_inner()), payload).await
}

/// What every trial starts with: a writer's session from this site, a usable id, the form and
/// its text as JSON (or the page that says why not).
async fn begin(
    req: &HttpRequest,
    state: &web::Data<AppState>,
    id: Option<String>,
    payload: web::Payload,
) -> Result<(Principal, Option<String>, RuleForm, Value), HttpResponse> {
    let p = form_session(req, state, RULE_WRITERS).await?;
    let id = match id {
        None => None,
        Some(id) => match safe_id(&id) {
            Some(id) => Some(id.to_string()),
            None => return Err(failure(&p, ApiError::not_found("rule"))),
        },
    };
    let form = read_form(req, payload).await.map_err(|e| failure(&p, e))?;
    match parse_text(&form.spec) {
        Ok(body) => Ok((p, id, form, body)),
        Err(e) => Err(show(&p, state, id, Extra::failed(e, form), UNDEF).await),
    }
}

/// The stored rule's current version when `spec` is its content (whatever the state).
fn stored_version(
    conn: &mut DbConnection,
    id: Option<&str>,
    spec: &RuleSpec,
) -> Result<Option<i32>, ApiError> {
    let Some(id) = id else { return Ok(None) };
    let (version, current) =
        store::current(conn, id)?.ok_or_else(|| ApiError::not_found("rule"))?;
    let same = RuleSpec {
        state: current.state,
        ..spec.clone()
    } == current;
    Ok(same.then_some(version))
}

fn truth_word(t: Truth) -> &'static str {
    match t {
        Truth::True => "true",
        Truth::False => "false",
        Truth::Unknown => "unknown",
    }
}

async fn test(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: Option<String>,
    payload: web::Payload,
) -> HttpResponse {
    let (p, id, form, body) = match begin(&req, &state, id, payload).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let traveller = form.traveller_id.trim().to_string();
    if safe_id(&traveller).is_none() {
        let e = ApiError::bad_request(
            "Enter the traveller's id (the last part of the traveller page's address).",
        );
        return show(&p, &state, id, Extra::failed(e, form), UNDEF).await;
    }
    let (p2, id2) = (p.clone(), id.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let spec = RuleSpec::validate(&body).map_err(|e| store_error(e.into()))?;
        let stored = stored_version(conn, id2.as_deref(), &spec)?;
        let subject = match (&id2, stored) {
            (Some(id), Some(v)) => try_on::Subject::Stored {
                id,
                version: Some(v),
            },
            _ => try_on::Subject::Draft(&body),
        };
        let (version, spec, eval) =
            try_on::run(conn, subject, &traveller).map_err(store_error)?;
        let rule = match (&id2, version) {
            (Some(id), Some(_)) => id.as_str(),
            _ => "draft",
        };
        audit(
            conn,
            &p2,
            "rule.test",
            &format!("rule:{rule} traveller:{traveller}"),
            "ok",
        )?;
        let leaves: Vec<minijinja::Value> = eval
            .leaves
            .iter()
            .map(|l| context! { path => l.path, field => l.field, truth => truth_word(l.truth), text => l.text })
            .collect();
        Ok(context! {
            version, name => spec.name, traveller, matched => eval.matched,
            truth => truth_word(eval.truth), explanation => eval.explanation, leaves,
        })
    })
    .await;
    match r {
        Ok(result) => {
            let extra = Extra {
                text: Some(form.spec.clone()),
                test: Some(result),
                form,
                ..Extra::default()
            };
            show(&p, &state, id, extra, UNDEF).await
        }
        Err(e) => show(&p, &state, id, Extra::failed(e, form), UNDEF).await,
    }
}

/// The range the form asks for: its dates, or the last `days` days up to `to` (default today).
fn range(form: &RuleForm, today: chrono::NaiveDate) -> Result<backtest::Range, ApiError> {
    let given = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let to = given(&form.to);
    let mut from = given(&form.from);
    if from.is_none() {
        let days = match given(&form.days) {
            None => DEFAULT_DAYS,
            Some(d) => d
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=backtest::MAX_DAYS).contains(d))
                .ok_or_else(|| ApiError {
                    path: Some("/days".into()),
                    ..ApiError::bad_request(format!(
                        "days back is a whole number from 1 to {}",
                        backtest::MAX_DAYS
                    ))
                })?,
        };
        // The end first, so that "days back" counts back from the end date given.
        let end = backtest::Range::parse(None, to.as_deref(), today)
            .map_err(|e| store_error(e.into()))?
            .to;
        from = Some((end - chrono::Duration::days(days - 1)).to_string());
    }
    backtest::Range::parse(from.as_deref(), to.as_deref(), today).map_err(|e| store_error(e.into()))
}

async fn run_backtest(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: Option<String>,
    payload: web::Payload,
) -> HttpResponse {
    let (p, id, form, body) = match begin(&req, &state, id, payload).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let range = match range(&form, chrono::Utc::now().date_naive()) {
        Ok(r) => r,
        Err(e) => return show(&p, &state, id, Extra::failed(e, form), UNDEF).await,
    };
    let (p2, id2) = (p.clone(), id.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let spec = RuleSpec::validate(&body).map_err(|e| store_error(e.into()))?;
        let stored = stored_version(conn, id2.as_deref(), &spec)?;
        let result = backtest::run(conn, &spec, range)?;
        let rule = match (&id2, stored) {
            (Some(id), Some(_)) => id.as_str(),
            _ => "draft",
        };
        let object = format!("rule:{rule} from:{} to:{}", range.from, range.to);
        audit(conn, &p2, "rule.backtest", &object, "ok")?;
        Ok((result, stored))
    })
    .await;
    match r {
        Ok((result, stored)) => {
            let extra = Extra {
                text: Some(form.spec.clone()),
                backtest: Some(backtest_view(&result, stored)),
                form,
                ..Extra::default()
            };
            show(&p, &state, id, extra, UNDEF).await
        }
        Err(e) => show(&p, &state, id, Extra::failed(e, form), UNDEF).await,
    }
}

/// The totals and the chart of hits per day (every day of the range, days without hits too).
fn backtest_view(b: &backtest::Backtest, stored: Option<i32>) -> minijinja::Value {
    let by_day: HashMap<chrono::NaiveDate, u64> =
        b.per_day.iter().map(|d| (d.date, d.hits)).collect();
    let points: Vec<(String, u64)> = b
        .range
        .from
        .iter_days()
        .take_while(|d| *d <= b.range.to)
        .map(|d| (d.to_string(), by_day.get(&d).copied().unwrap_or(0)))
        .collect();
    let caption = format!(
        "Hits per day of scheduled departure (UTC), {} to {}",
        b.range.from, b.range.to
    );
    context! {
        stored, from => b.range.from.to_string(), to => b.range.to.to_string(),
        flights => b.flights, screened => b.travellers_screened, hits => b.hits,
        affected => b.travellers_affected, reviewed => b.reviewed, resultant => b.resultant,
        unreadable => b.unreadable, elapsed_ms => b.elapsed_ms,
        chart => chart::series("backtest", &caption, "hits", &points),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(from: &str, to: &str, days: &str) -> RuleForm {
        RuleForm {
            from: from.into(),
            to: to.into(),
            days: days.into(),
            ..RuleForm::default()
        }
    }

    #[test]
    fn the_range_is_the_dates_or_days_back_from_the_end() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let r = range(&form("", "", ""), today).unwrap();
        assert_eq!((r.from.to_string(), r.to), ("2026-09-01".into(), today));
        let r = range(&form("", "2026-11-10", "3"), today).unwrap();
        assert_eq!(r.from.to_string(), "2026-11-08");
        let r = range(&form("2026-11-01", "2026-11-02", "5"), today).unwrap();
        assert_eq!(r.from.to_string(), "2026-11-01");
        let e = range(&form("", "", "0"), today).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("/days"));
        let e = range(&form("01/11/2026", "", ""), today).unwrap_err();
        assert_eq!(e.path.as_deref(), Some("/from"));
    }
}
