//! Read-only oversight pages: the audit log (watchlists, rules and retention have their own files).

use actix_web::{web, HttpRequest, HttpResponse};

use super::{failure, session, table};
use crate::api::{AppState, AUDITORS};

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
