//! Carrier data quality: staff see every carrier, an airline account its own.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::analytics::quality::{self, Query};
use crate::api::{ApiError, AppState, Caller};
use crate::auth::Role;

/// Who reads the quality report: the unit's staff who follow carriers, and carriers themselves
/// (their own figures only). Approvers decide unmask requests and have no use for it.
pub const QUALITY_READERS: &[Role] = &[
    Role::Airline,
    Role::Officer,
    Role::Analyst,
    Role::Admin,
    Role::Dpo,
    Role::Auditor,
];

/// `GET /api/v1/carriers/quality` parameters.
#[derive(Deserialize, utoipa::IntoParams)]
pub struct QualityQuery {
    /// First day of receipt, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day of receipt, `YYYY-MM-DD` (UTC).
    pub to: Option<String>,
    /// One carrier (IATA code).
    pub carrier: Option<String>,
    /// Minutes before departure an API manifest must arrive by to be on time.
    pub on_time_minutes: Option<String>,
}

/// `GET /api/v1/carriers/quality?from=&to=&carrier=&on_time_minutes=`: one row per carrier ×
/// day, per-carrier totals and the grand total. An airline account gets its own carrier's
/// figures; asking for another carrier gives an empty report, as for a carrier with no traffic.
pub async fn quality(
    state: web::Data<AppState>,
    caller: Caller,
    q: web::Query<QualityQuery>,
) -> Result<HttpResponse, ApiError> {
    let p = caller.0;
    let q = q.into_inner();
    let minutes = q
        .on_time_minutes
        .as_deref()
        .map(|m| {
            m.trim().parse::<i64>().map_err(|_| {
                ApiError::bad_request("`on_time_minutes` is a whole number of minutes")
            })
        })
        .transpose()?;
    let today = chrono::Utc::now().date_naive();
    let mut query = Query::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        q.carrier.as_deref(),
        minutes,
        today,
    )
    .map_err(|e| ApiError::bad_request(e.message))?;
    // An airline sees its own carrier; naming another carrier selects nothing.
    let other_carrier = if p.role == Role::Airline {
        let own = p.carrier.clone().unwrap_or_default().to_ascii_uppercase();
        let other = query.carrier.as_ref().is_some_and(|c| *c != own);
        query.carrier = Some(own);
        other
    } else {
        false
    };
    let report = crate::api::db(&state, move |conn, _| {
        let mut report = quality::report(conn, &query)?;
        if other_carrier {
            report = quality::Report {
                rows: Vec::new(),
                carriers: Vec::new(),
                totals: quality::Figures::default(),
                ..report
            };
        }
        Ok(report)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}
