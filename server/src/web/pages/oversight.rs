//! Read-only oversight pages: watchlists, retention policy, audit log.

use actix_web::{web, HttpRequest, HttpResponse};

use super::{failure, session, table};
use crate::api::{ApiError, AppState, AUDITORS, REVIEWERS};
use crate::auth::Role;

/// `GET /watchlists`.
pub async fn watchlists(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crate::api::db(&state, |conn, _| {
        crate::screening::lists::list_all(conn).map_err(ApiError::from)
    })
    .await
    {
        Ok(lists) => table(
            &p,
            "watchlists",
            "Watchlists",
            "Import a list with `paxrisk watchlist import`.",
            &["Name", "Category", "Severity", "Threshold", "Version"],
            lists
                .into_iter()
                .map(|l| {
                    vec![
                        l.name,
                        l.category,
                        l.severity,
                        format!("{:.2}", l.threshold),
                        l.version.to_string(),
                    ]
                })
                .collect(),
        ),
        Err(e) => failure(&p, e),
    }
}

/// `GET /retention`.
pub async fn retention(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(
        &req,
        &state,
        &[Role::Admin, Role::Dpo, Role::Approver, Role::Auditor],
    )
    .await
    {
        Ok(p) => p,
        Err(r) => return r,
    };
    let policy = crate::api::db(&state, |conn, st| {
        crate::retention::policy::active(conn, &st.config).map_err(|e| ApiError::internal(e))
    })
    .await;
    let policy = match policy {
        Ok(p) => p,
        Err(e) => return failure(&p, e),
    };
    let days = |d: Option<i64>| d.map(|d| d.to_string()).unwrap_or_else(|| "never".into());
    let rows: Vec<Vec<String>> = policy
        .classes
        .iter()
        .flat_map(|(class, by_source)| {
            by_source.iter().map(move |(source, s)| {
                vec![
                    serde_json::to_value(class)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    serde_json::to_value(source)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    days(s.mask_after_days),
                    s.delete_after_days.to_string(),
                    s.delete_retained_after_days.to_string(),
                ]
            })
        })
        .collect();
    let intro = format!(
        "Profile {} (version {}). Ages are days from receipt; an open case holds data from deletion, never from masking. \
         Change it through PUT /api/v1/retention/policy; run it with `paxrisk retention run`.",
        policy.profile, policy.version
    );
    table(
        &p,
        "retention",
        "Retention policy",
        &intro,
        &[
            "Data class",
            "Source",
            "Masked at",
            "Deleted at (no link)",
            "Deleted at (retained)",
        ],
        rows,
    )
}

/// `GET /audit`.
pub async fn audit(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, AUDITORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    match crate::api::db(&state, |conn, _| {
        Ok((
            crate::audit::recent(conn, 300)?,
            crate::audit::verify(conn)?,
        ))
    })
    .await
    {
        Ok((rows, v)) => {
            let intro = match v.broken_at {
                None => format!("Chain intact over {} rows.", v.rows),
                Some(s) => format!("Chain BROKEN at row {s}."),
            };
            table(
                &p,
                "audit",
                "Audit log",
                &intro,
                &[
                    "#",
                    "When (UTC)",
                    "Actor",
                    "Role",
                    "Action",
                    "Object",
                    "Outcome",
                    "Purpose",
                ],
                rows.into_iter()
                    .map(|r| {
                        vec![
                            r.seq.to_string(),
                            crate::api::rfc3339(r.at),
                            r.actor,
                            r.role,
                            r.action,
                            r.object,
                            r.outcome,
                            r.purpose.unwrap_or_default(),
                        ]
                    })
                    .collect(),
            )
        }
        Err(e) => failure(&p, e),
    }
}
