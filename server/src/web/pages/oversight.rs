//! Read-only oversight pages: the audit log (watchlists, rules and retention have their own files).

use actix_web::{web, HttpRequest, HttpResponse};

use super::{failure, session, table};
use crate::api::{AppState, AUDITORS};

/// `?verify=1` on the audit page.
#[derive(serde::Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    verify: u8,
}

/// `GET /audit`: the latest 300 rows; with `?verify=1` also a check of the whole hash chain,
/// which reads every row, so it runs when asked rather than on every visit (the log grows
/// without bound while the page must stay quick).
pub async fn audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<AuditQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, AUDITORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let verify = q.verify == 1;
    match crate::api::db(&state, move |conn, _| {
        let check = if verify {
            Some(crate::audit::verify(conn)?)
        } else {
            None
        };
        Ok((crate::audit::recent(conn, 300)?, check))
    })
    .await
    {
        Ok((rows, check)) => {
            let intro = match check {
                Some(v) => match v.broken_at {
                    None => format!("Chain intact over {} rows.", v.rows),
                    Some(s) => format!("Chain BROKEN at row {s}."),
                },
                None => "The latest 300 rows.".to_string(),
            };
            let action = (!verify).then(|| {
                minijinja::context! { href => "/audit?verify=1", text => "Verify the whole hash chain" }
            });
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
                action,
            )
        }
        Err(e) => failure(&p, e),
    }
}
