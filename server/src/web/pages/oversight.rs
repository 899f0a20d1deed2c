//! Read-only oversight pages: rules, audit log (watchlists and retention have their own files).

use actix_web::{web, HttpRequest, HttpResponse};

use super::{failure, session, table};
use crate::api::{ApiError, AppState, AUDITORS, REVIEWERS, RULE_WRITERS};

/// `GET /rules`.
pub async fn rules(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let intro = if RULE_WRITERS.contains(&p.role) {
        "Write rules through POST /api/v1/rules."
    } else {
        ""
    };
    match crate::api::db(&state, |conn, _| {
        crate::screening::rules::list(conn, None).map_err(ApiError::from)
    })
    .await
    {
        Ok(rules) => table(
            &p,
            "rules",
            "Targeting rules",
            intro,
            &["Name", "State", "Weight", "Severity", "Category", "Version"],
            rules
                .into_iter()
                .map(|r| {
                    let s = |k: &str| {
                        r.spec
                            .get(k)
                            .map(|v| {
                                v.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| v.to_string())
                            })
                            .unwrap_or_default()
                    };
                    vec![
                        s("name"),
                        s("state"),
                        s("weight"),
                        s("severity"),
                        s("category"),
                        r.version.to_string(),
                    ]
                })
                .collect(),
        ),
        Err(e) => failure(&p, e),
    }
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
