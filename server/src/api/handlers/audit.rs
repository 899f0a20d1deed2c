//! The audit log for the DPO, auditors and admins.

use actix_web::{web, HttpResponse};

use super::auth::record;
use crate::api::{ApiError, AppState, Caller};
use crate::audit;

/// `GET /api/v1/audit` with filters (`actor`, `action` — a prefix when it ends in `.` —,
/// `object`, `outcome`, `purpose` — rows whose purpose contains it —, `from`, `to`) and paging (`before`, `limit`): rows newest first, whether
/// the chain holds, and `next_before` for the next page. Reading the log is itself logged.
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<audit::Query>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let q = q.into_inner();
    let (rows, check) = crate::api::db(&state, move |conn, _| {
        let rows = audit::search(conn, &q).map_err(|e| match e {
            audit::QueryError::Db(d) => ApiError::from(d),
            e => ApiError::bad_request(e.to_string()),
        })?;
        let check = audit::verify(conn)?;
        record(conn, &p, "audit.read", "audit", "ok")?;
        Ok((rows, check))
    })
    .await?;
    let next_before = rows.last().map(|r| r.seq);
    let entries: Vec<serde_json::Value> = rows
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap_or_default();
            v["time"] = serde_json::Value::String(crate::api::rfc3339(r.at));
            v
        })
        .collect();
    Ok(HttpResponse::Ok().json(serde_json::json!({ "entries": entries, "verification": check, "next_before": next_before })))
}
