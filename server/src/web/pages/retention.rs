//! The retention page: the policy in force (administrators change a class × source schedule or
//! choose a shipped profile), a dry run or a run now (administrators), the Art. 20 statistics,
//! the sensitive-data list (the DPO edits it) and the counts it removed. The same service
//! functions and roles as `/api/v1/retention/*`, audited alike.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::{Deserialize, Serialize};

use super::{failure, form_session, redirect, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, ADMIN, AUDITORS};
use crate::auth::{Principal, Role};
use crate::retention::policy::{self, DataClass, PolicyChange, Schedule, Source};
use crate::retention::{self, sensitive, stats, unmask, Actor};
use crate::web::render::page_with_status;

/// Who opens the page: the API's policy readers, and approvers (who decide unmask grants).
const READERS: &[Role] = &[Role::Admin, Role::Dpo, Role::Approver, Role::Auditor];

fn actor(p: &Principal) -> Actor<'_> {
    Actor {
        id: &p.user_id,
        role: p.role.as_str(),
    }
}

/// A serde enum's wire name (`frequent_flyer`, `pnr`).
fn wire<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

/// What a form had, to show again with its refusal.
#[derive(Default, Serialize)]
struct Typed {
    class: String,
    source: String,
    mask: String,
    delete: String,
    retained: String,
    codes: String,
    keywords: String,
}

/// What a post adds to the page: a refusal (and where), or a run's report.
#[derive(Default)]
struct Extra {
    status: Option<StatusCode>,
    policy_error: Option<String>,
    terms_error: Option<String>,
    /// A run's report (counts only).
    report: Option<serde_json::Value>,
    typed: Option<Typed>,
}

async fn render(
    state: &web::Data<AppState>,
    p: &Principal,
    flash: minijinja::Value,
    extra: Extra,
) -> HttpResponse {
    let oversight = AUDITORS.contains(&p.role);
    let p2 = p.clone();
    let r = crate::api::db(state, move |conn, st| {
        let policy = policy::active(conn, &st.config)?;
        // What waits on the grants page: approvers' decisions, the DPO's reviews.
        let waiting = match p2.role {
            Role::Approver | Role::Dpo => {
                let all = unmask::list(conn, &actor(&p2), true)?;
                let n = all
                    .iter()
                    .filter(|r| match p2.role {
                        Role::Approver => r.status == "pending" && r.requester_id != p2.user_id,
                        _ => r.status != "pending" && r.dpo_reviewed_at.is_none(),
                    })
                    .count();
                Some(n)
            }
            _ => None,
        };
        // Statistics and the sensitive list are the API's AUDITORS' to read.
        let more = if oversight {
            Some((
                stats::report(conn)?,
                sensitive::current(conn)?,
                sensitive::removals(conn)?,
            ))
        } else {
            None
        };
        Ok((policy, more, waiting))
    })
    .await;
    let (policy, more, waiting) = match r {
        Ok(v) => v,
        Err(e) => return failure(p, e),
    };
    let days = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_else(|| "never".into());
    let rows: Vec<minijinja::Value> = policy
        .classes
        .iter()
        .flat_map(|(class, by_source)| {
            by_source.iter().map(move |(source, s)| {
                context! {
                    class => wire(class), source => wire(source),
                    mask => days(s.mask_after_days),
                    delete => s.delete_after_days, retained => s.delete_retained_after_days,
                }
            })
        })
        .collect();
    let (stats, terms, removals) = match more {
        Some((s, t, r)) => (Some(s), Some(t), r),
        None => (None, None, Vec::new()),
    };
    let typed = extra.typed.unwrap_or_else(|| Typed {
        codes: terms
            .as_ref()
            .map(|t| t.codes.join(" "))
            .unwrap_or_default(),
        keywords: terms
            .as_ref()
            .map(|t| t.keywords.join("\n"))
            .unwrap_or_default(),
        ..Typed::default()
    });
    // A refusal also shows at the top, as a flash would: the form may be out of view.
    let flash = match extra.policy_error.as_ref().or(extra.terms_error.as_ref()) {
        Some(m) => context! { kind => "error", text => format!("Nothing was saved: {m}") },
        None => flash,
    };
    page_with_status(
        extra.status.unwrap_or(StatusCode::OK),
        "retention.html",
        context! {
            user => user_ctx(p), active => "retention", flash => flash,
            profile => policy.profile, version => policy.version, rows => rows,
            classes => DataClass::ALL.iter().map(wire).collect::<Vec<_>>(),
            sources => [wire(&Source::Api), wire(&Source::Pnr)],
            profiles => policy::PROFILES,
            admin => p.role == Role::Admin, dpo => p.role == Role::Dpo, oversight => oversight,
            policy_error => extra.policy_error, terms_error => extra.terms_error,
            report => extra.report, typed => typed,
            stats => stats, terms => terms, removals => removals, waiting => waiting,
            approver => p.role == Role::Approver,
        },
    )
}

/// `GET /retention`.
pub async fn retention(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, READERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    render(&state, &p, q.value(), Extra::default()).await
}

/// The policy form: a shipped profile, or one class × source schedule (`custom`).
#[derive(Deserialize)]
pub struct PolicyForm {
    #[serde(default)]
    profile: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    source: String,
    /// Blank: never masked.
    #[serde(default)]
    mask: String,
    #[serde(default)]
    delete: String,
    #[serde(default)]
    retained: String,
}

/// A day count typed in a form.
fn days(what: &str, v: &str) -> Result<i64, String> {
    v.trim().parse::<i64>().map_err(|_| {
        format!("{what}: a whole number of days is needed (0 to 36500), not the text given")
    })
}

/// The change a policy form asks for, or why it cannot be one.
fn change_of(f: &PolicyForm) -> Result<PolicyChange, String> {
    if matches!(f.profile.as_str(), "eu-cjeu" | "eu-directive") {
        return Ok(PolicyChange {
            profile: f.profile.clone(),
            classes: BTreeMap::new(),
        });
    }
    let class: DataClass = serde_json::from_value(serde_json::json!(f.class))
        .map_err(|_| "choose a data class from the list".to_string())?;
    let source: Source = serde_json::from_value(serde_json::json!(f.source))
        .map_err(|_| "choose a source: api or pnr".to_string())?;
    let mask = match f.mask.trim() {
        "" => None,
        m => Some(days("Masked at", m)?),
    };
    let schedule = Schedule {
        mask_after_days: mask,
        delete_after_days: days("Deleted at (no link)", &f.delete)?,
        delete_retained_after_days: days("Deleted at (retained)", &f.retained)?,
    };
    Ok(PolicyChange {
        profile: "custom".into(),
        classes: BTreeMap::from([(class, BTreeMap::from([(source, schedule)]))]),
    })
}

/// `POST /retention/policy` (admin): a refusal is shown on the form (422), as the API's.
pub async fn change_policy(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<PolicyForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMIN).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let refused = |message: String, f: &PolicyForm| Extra {
        status: Some(StatusCode::UNPROCESSABLE_ENTITY),
        policy_error: Some(message),
        typed: Some(Typed {
            class: f.class.clone(),
            source: f.source.clone(),
            mask: f.mask.clone(),
            delete: f.delete.clone(),
            retained: f.retained.clone(),
            ..Typed::default()
        }),
        ..Extra::default()
    };
    let change = match change_of(&f) {
        Ok(c) => c,
        Err(m) => {
            let extra = refused(m, &f);
            return render(&state, &p, minijinja::Value::UNDEFINED, extra).await;
        }
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        Ok(policy::update(conn, &st.config, &actor(&p2), change)?)
    })
    .await;
    match r {
        Ok(_) => redirect("/retention?m=policy_saved"),
        Err(e) if e.status.is_client_error() => {
            let extra = refused(e.message, &f);
            render(&state, &p, minijinja::Value::UNDEFINED, extra).await
        }
        Err(e) => failure(&p, e),
    }
}

/// The run buttons: `mode` is `dry` or `run`.
#[derive(Deserialize)]
pub struct RunForm {
    mode: String,
}

/// `POST /retention/run` (admin): a dry run or a run now; the page shows the report (counts
/// only). Audited as the API's.
pub async fn run(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<RunForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ADMIN).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let dry_run = match form.mode.as_str() {
        "dry" => true,
        "run" => false,
        _ => return failure(&p, ApiError::bad_request("choose a dry run or a run")),
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        let report = retention::run(conn, &st.config, crate::db::now_ms(), dry_run)?;
        let action = if dry_run {
            "retention.dry_run"
        } else {
            "retention.run_request"
        };
        actor(&p2).audit(conn, action, "retention", "ok")?;
        Ok(report)
    })
    .await;
    match r {
        Ok(report) => {
            let extra = Extra {
                report: serde_json::to_value(report).ok(),
                ..Extra::default()
            };
            render(&state, &p, minijinja::Value::UNDEFINED, extra).await
        }
        Err(e) => failure(&p, e),
    }
}

/// The sensitive-list form: codes separated by spaces, commas or lines; keywords one a line.
#[derive(Deserialize)]
pub struct TermsForm {
    #[serde(default)]
    codes: String,
    #[serde(default)]
    keywords: String,
}

/// `POST /retention/terms` (the DPO): a new version of the sensitive-data list.
pub async fn terms(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<TermsForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, &[Role::Dpo]).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let f = form.into_inner();
    let list = sensitive::TermList {
        version: 0,
        codes: f
            .codes
            .split(|c: char| c == ',' || c.is_whitespace())
            .map(str::to_string)
            .collect(),
        keywords: f.keywords.lines().map(str::to_string).collect(),
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        Ok(sensitive::update(conn, &actor(&p2), list)?)
    })
    .await;
    match r {
        Ok(_) => redirect("/retention?m=terms_saved"),
        Err(e) if e.status.is_client_error() => {
            let extra = Extra {
                status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                terms_error: Some(e.message),
                typed: Some(Typed {
                    codes: f.codes,
                    keywords: f.keywords,
                    ..Typed::default()
                }),
                ..Extra::default()
            };
            render(&state, &p, minijinja::Value::UNDEFINED, extra).await
        }
        Err(e) => failure(&p, e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(class: &str, source: &str, mask: &str, delete: &str, retained: &str) -> PolicyForm {
        PolicyForm {
            profile: String::new(),
            class: class.into(),
            source: source.into(),
            mask: mask.into(),
            delete: delete.into(),
            retained: retained.into(),
        }
    }

    #[test]
    fn a_schedule_form_becomes_a_custom_change_of_one_class_and_source() {
        let c = change_of(&form("frequent_flyer", "pnr", "", "30", "400")).unwrap();
        assert_eq!(c.profile, "custom");
        let s = c.classes[&DataClass::FrequentFlyer][&Source::Pnr];
        assert_eq!(
            (
                s.mask_after_days,
                s.delete_after_days,
                s.delete_retained_after_days
            ),
            (None, 30, 400)
        );
    }

    #[test]
    fn text_where_days_belong_and_unknown_classes_are_refused_with_a_reason() {
        let e = change_of(&form("identity", "api", "ten", "30", "400")).unwrap_err();
        assert!(e.starts_with("Masked at: a whole number"), "{e}");
        let e = change_of(&form("religion", "api", "1", "30", "400")).unwrap_err();
        assert_eq!(e, "choose a data class from the list");
        let e = change_of(&form("identity", "fax", "1", "30", "400")).unwrap_err();
        assert_eq!(e, "choose a source: api or pnr");
    }
}
