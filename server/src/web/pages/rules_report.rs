//! `GET /rules/report`: the effectiveness of every rule over a range of departures (hits per
//! week, share reviewed, precision, median review time, hit rates by nationality and sex with
//! small groups pooled), from the same report function as the API, audited the same way.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::{audit, failure, session, user_ctx};
use crate::analytics::effectiveness::{self, Group, RuleReport};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::screening::rules::backtest::Range;
use crate::web::chart;
use crate::web::render::page_with_status;

/// The report's range and pooling, as the API takes them.
#[derive(serde::Deserialize)]
pub struct ReportQuery {
    from: Option<String>,
    to: Option<String>,
    min_group: Option<String>,
}

/// A share as a percentage with one decimal, or a dash when there is nothing to divide by.
fn percent(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_string(), |x| format!("{:.1} %", x * 100.0))
}

/// Every ISO week the range touches, in order (`2026-W48`), so that quiet weeks show as zero.
fn weeks(range: &Range) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for d in range.from.iter_days().take_while(|d| *d <= range.to) {
        let w = d.format("%G-W%V").to_string();
        if out.last() != Some(&w) {
            out.push(w);
        }
    }
    out
}

fn groups(gs: &[Group]) -> Vec<minijinja::Value> {
    gs.iter()
        .map(|g| {
            context! { value => g.value, flagged => g.flagged, screened => g.screened,
            rate => format!("{:.2} %", g.hit_rate * 100.0),
            disparity => g.disparity.map_or_else(|| "–".to_string(), |d| format!("{d:.2}")),
            pooled => g.pooled_groups }
        })
        .collect()
}

fn rule_view(r: &RuleReport, range: &Range, index: usize) -> minijinja::Value {
    let points: Vec<(String, u64)> = weeks(range)
        .into_iter()
        .map(|w| {
            let n = r
                .hits_per_week
                .iter()
                .find(|x| x.week == w)
                .map_or(0, |x| x.hits);
            (w, n)
        })
        .collect();
    let caption = format!("{}: hits per week of scheduled departure", r.name);
    context! {
        id => r.id, name => r.name, state => r.state, version => r.version, hits => r.hits,
        queued => r.queued, reviewed => r.reviewed, share => percent(r.share_reviewed),
        resultant => r.resultant, precision => percent(r.precision),
        median => r.median_review_minutes.map(|m| format!("{m:.0} min")),
        last_hit => r.last_hit,
        chart => (r.hits > 0).then(|| chart::series(&format!("weeks-{index}"), &caption, "hits", &points)),
        by_nationality => groups(&r.by_nationality), by_sex => groups(&r.by_sex),
    }
}

/// `GET /rules/report?from=YYYY-MM-DD&to=YYYY-MM-DD&min_group=N`.
pub async fn report(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<ReportQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let q = q.into_inner();
    let today = chrono::Utc::now().date_naive();
    // The form sends empty fields for the defaults.
    fn given(s: &Option<String>) -> Option<&str> {
        s.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
    let range = match Range::parse(given(&q.from), given(&q.to), today) {
        Ok(r) => r,
        Err(e) => return failure(&p, ApiError::bad_request(e.message)),
    };
    let min_group = match given(&q.min_group).map(str::parse::<u64>) {
        None => effectiveness::MIN_GROUP,
        Some(Ok(n)) if n >= 1 => n,
        Some(_) => {
            return failure(
                &p,
                ApiError::bad_request("the smallest group is a whole number from 1"),
            )
        }
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let report = effectiveness::report(conn, range, min_group)?;
        let object = format!("from:{} to:{}", range.from, range.to);
        audit(conn, &p2, "rules.report", &object, "ok")?;
        Ok(report)
    })
    .await;
    let report = match r {
        Ok(r) => r,
        Err(e) => return failure(&p, e),
    };
    let rules: Vec<minijinja::Value> = report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| rule_view(r, &report.range, i))
        .collect();
    page_with_status(
        StatusCode::OK,
        "rule_report.html",
        context! {
            user => user_ctx(&p), active => "rules", rules,
            from => range.from.to_string(), to => range.to.to_string(),
            min_group => report.min_group, screened => report.screened,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_cover_the_range_without_gaps() {
        let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let w = weeks(&Range {
            from: d("2026-11-20"),
            to: d("2026-12-01"),
        });
        assert_eq!(w, ["2026-W47", "2026-W48", "2026-W49"]);
    }
}
