//! The review queue: filters as a GET form, paging, times in UTC and at the airport.

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::{audit, failure, session, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::review::queue;
use crate::web::render::page;
use crate::web::times::at_airport;

/// Items on one page of the queue.
const PAGE: i64 = 50;

/// The filter form as typed: empty fields mean "any".
#[derive(Deserialize, Default)]
pub struct QueueQuery {
    band: Option<String>,
    status: Option<String>,
    flight: Option<String>,
    offset: Option<i64>,
    m: Option<String>,
}

fn given(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

impl QueueQuery {
    fn filter(&self, me: &str) -> queue::Filter {
        queue::Filter {
            band: given(&self.band),
            status: given(&self.status),
            flight: given(&self.flight),
            limit: Some(PAGE),
            offset: Some(self.offset.unwrap_or(0).max(0)),
            me: Some(me.to_string()),
            ..Default::default()
        }
    }

    /// The query string of this filter at another offset (values are re-encoded).
    fn at(&self, offset: i64) -> String {
        let mut q = String::from("/queue?");
        for (k, v) in [
            ("band", given(&self.band)),
            ("status", given(&self.status)),
            ("flight", given(&self.flight)),
        ] {
            if let Some(v) = v {
                q.push_str(&format!("{k}={}&", encode(&v)));
            }
        }
        q.push_str(&format!("offset={offset}"));
        q
    }
}

/// When an item is due: arrival at the destination, or departure from the origin for
/// outbound flights (the queue's countdown), in UTC and local time.
pub(super) fn due(i: &queue::Item) -> minijinja::Value {
    if i.direction == "outbound" {
        at_airport(i.etd.as_deref(), &i.flight.origin)
    } else {
        at_airport(i.eta.as_deref(), &i.flight.destination)
    }
}

/// `GET /queue`.
pub async fn queue(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<QueueQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let q = q.into_inner();
    let f = q.filter(&p.user_id);
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, st| {
        let open_ms = st.config.open_flight_hours * 3_600_000;
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let found = match queue::page(conn, crate::db::now_ms(), open_ms, &f, &scope) {
            Ok(found) => Ok(found),
            Err(queue::PageError::Filter(e)) => Err(e.to_string()),
            Err(queue::PageError::Db(d)) => return Err(ApiError::from(d)),
        };
        audit(conn, &p2, "queue.read", "queue", "ok")?;
        Ok(found)
    })
    .await;
    let (found, error) = match r {
        Ok(Ok(found)) => (Some(found), None),
        Ok(Err(filter_error)) => (None, Some(filter_error)),
        Err(e) => return failure(&p, e),
    };
    let offset = q.offset.unwrap_or(0).max(0);
    let (rows, total) = match &found {
        Some(pg) => (
            pg.items
                .iter()
                .map(|i| context! { i => i, due => due(i) })
                .collect::<Vec<_>>(),
            pg.total,
        ),
        None => (Vec::new(), 0),
    };
    let shown_to = offset + rows.len() as i64;
    page(
        "queue.html",
        context! {
            user => user_ctx(&p),
            active => "queue",
            flash => FlashQuery { m: q.m.clone() }.value(),
            error => error,
            rows => rows,
            total => total,
            from => if rows_empty(shown_to, offset) { 0 } else { offset + 1 },
            to => shown_to,
            here => q.at(offset),
            prev => (offset > 0).then(|| q.at((offset - PAGE).max(0))),
            next => (shown_to < total).then(|| q.at(offset + PAGE)),
            f => context! {
                band => given(&q.band), status => given(&q.status), flight => given(&q.flight),
            },
            can_act => super::items::ACTORS.contains(&p.role),
            me => p.user_id.clone(),
            bands => ["high", "medium", "low"],
            statuses => ["new", "claimed", "reopened", "closed"],
        },
    )
}

/// Percent-encodes a query value (everything but unreserved characters).
fn encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn rows_empty(to: i64, offset: i64) -> bool {
    to <= offset
}
