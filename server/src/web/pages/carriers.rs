//! `GET /carriers`: the carrier data quality report as charts over days and a table, with the
//! API's roles (an airline account sees its own carrier).

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::{failure, session, user_ctx};
use crate::analytics::quality::{self, Figures, Query, Report};
use crate::api::{ApiError, AppState};
use crate::auth::Role;
use crate::web::render::page;
use crate::web::trend;

/// Longest span drawn day by day; a longer report is charted over the days it has figures for.
const MAX_CHART_DAYS: i64 = 92;

/// Every day from `from` to `to` (`YYYY-MM-DD`), so that a day without messages is a visible gap.
fn days(from: &str, to: &str) -> Vec<String> {
    let parse = |d: &str| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok();
    let (Some(from), Some(to)) = (parse(from), parse(to)) else {
        return Vec::new();
    };
    let n = (to - from).num_days();
    if !(0..MAX_CHART_DAYS).contains(&n) {
        return Vec::new();
    }
    (0..=n)
        .map(|i| (from + chrono::Duration::days(i)).to_string())
        .collect()
}

/// One chart per carrier over the report's days: the on-time share of API manifests and the
/// shares of API travellers without a document, a date of birth or a nationality.
fn charts(r: &Report) -> Vec<minijinja::Value> {
    let mut days = days(&r.from, &r.to);
    if days.is_empty() {
        // A span too long to draw day by day: the days with figures.
        days = r.rows.iter().filter_map(|f| f.day.clone()).collect();
        days.sort_unstable();
        days.dedup();
    }
    let by_day: std::collections::HashMap<(&str, &str), &Figures> = r
        .rows
        .iter()
        .filter_map(|f| Some(((f.carrier.as_deref()?, f.day.as_deref()?), f)))
        .collect();
    r.carriers
        .iter()
        .filter_map(|c| c.carrier.as_deref())
        .map(|carrier| {
            let of_day = |day: &String| by_day.get(&(carrier, day.as_str())).copied();
            let series = |key, label, share: fn(&Figures) -> Option<f64>| trend::Series {
                key,
                label,
                values: days.iter().map(|d| of_day(d).and_then(share)).collect(),
            };
            let chart = trend::render(
                &days,
                vec![
                    series("on-time", "API manifests on time", |f| f.on_time_rate),
                    series("no-document", "Travellers without a document", |f| {
                        f.missing_document_share
                    }),
                    series("no-dob", "Travellers without a date of birth", |f| {
                        f.missing_date_of_birth_share
                    }),
                    series("no-nationality", "Travellers without a nationality", |f| {
                        f.missing_nationality_share
                    }),
                ],
            );
            context! { carrier => carrier, chart => chart }
        })
        .collect()
}

/// `GET /carriers?from=&to=&carrier=`: per carrier and day, then per carrier, then everyone.
pub async fn quality(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<crate::api::handlers_carriers::QualityQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, crate::api::handlers_carriers::QUALITY_READERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let today = chrono::Utc::now().date_naive();
    let carrier = if p.role == Role::Airline {
        p.carrier.clone()
    } else {
        q.carrier.clone()
    };
    let query = match Query::parse(
        q.from.as_deref(),
        q.to.as_deref(),
        carrier.as_deref(),
        q.on_time_minutes
            .as_deref()
            .and_then(|m| m.trim().parse().ok()),
        today,
    ) {
        Ok(query) => query,
        Err(e) => return failure(&p, ApiError::bad_request(e.message)),
    };
    let intro = format!(
        "Days of receipt {} to {} (UTC). On time: an API manifest received at least {} minutes \
         before scheduled departure. Shares are of the travellers the API manifests carried; the \
         PNR match is the share of API passengers a PNR of the flight names. Counts and rates \
         only. As JSON or CSV: GET /api/v1/carriers/quality, `paxrisk carriers quality`.",
        query.from, query.to, query.on_time_minutes
    );
    match crate::api::db(&state, move |conn, _| {
        quality::report(conn, &query).map_err(ApiError::from)
    })
    .await
    {
        Ok(r) => {
            let pct = |x: Option<f64>| {
                x.map(|v| format!("{:.1}%", v * 100.0))
                    .unwrap_or_else(|| "–".into())
            };
            let rows: Vec<Vec<String>> = r
                .rows
                .iter()
                .chain(&r.carriers)
                .chain(std::iter::once(&r.totals).filter(|t| t.messages > 0))
                .map(|f| {
                    vec![
                        f.carrier.clone().unwrap_or_else(|| "all".into()),
                        f.day.clone().unwrap_or_else(|| "total".into()),
                        f.messages.to_string(),
                        format!("{} / {}", f.api_messages, f.pnr_messages),
                        f.failed.to_string(),
                        format!(
                            "{} of {} ({})",
                            f.api_on_time,
                            f.api_timed,
                            pct(f.on_time_rate)
                        ),
                        format!("{} / {}", f.diagnostics.error, f.diagnostics.warning),
                        f.api_travellers.to_string(),
                        pct(f.missing_document_share),
                        pct(f.missing_date_of_birth_share),
                        pct(f.missing_nationality_share),
                        pct(f.pnr_match_rate),
                        format!("{} of {}", f.part_sets_timed_out, f.part_sets),
                    ]
                })
                .collect();
            let charts = charts(&r);
            let columns = [
                "Carrier",
                "Day",
                "Messages",
                "API / PNR",
                "Failed",
                "API on time",
                "Errors / warnings",
                "API travellers",
                "No document",
                "No date of birth",
                "No nationality",
                "PNR match",
                "Manifests in parts timed out",
            ];
            page(
                "carriers.html",
                context! {
                    user => user_ctx(&p), active => "carriers", intro => intro, charts => charts,
                    from => r.from.clone(), to => r.to.clone(), columns => columns, rows => rows,
                },
            )
        }
        Err(e) => failure(&p, e),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn charts_span_every_day_of_the_report() {
        assert_eq!(
            super::days("2026-02-27", "2026-03-01"),
            ["2026-02-27", "2026-02-28", "2026-03-01"]
        );
        assert!(super::days("2026-03-01", "2026-02-27").is_empty());
        assert!(
            super::days("2025-01-01", "2026-01-01").is_empty(),
            "too long"
        );
        assert!(super::days("soon", "2026-01-01").is_empty());
    }
}
