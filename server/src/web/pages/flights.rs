//! Open flights with the queue's load by hour, and one flight: its travellers, their seat map
//! and the messages received for it.

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::{audit, failure, session, user_ctx};
use crate::api::{rfc3339, ApiError, AppState, REVIEWERS};
use crate::ingest::views;
use crate::review::queue;
use crate::web::render::page;
use crate::web::times::at_airport;
use crate::web::{chart, seatmap};

/// Most message versions listed on a flight page (newest first).
const MESSAGES_SHOWN: i64 = 100;

/// Open items due in the next 24 hours, counted per hour and band.
fn load_by_hour(
    conn: &mut crate::db::DbConnection,
    now: i64,
    scope: &crate::auth::Scope,
) -> Result<minijinja::Value, ApiError> {
    let start = chart::hour_start(now);
    let f = queue::Filter {
        from: Some(rfc3339(start)),
        to: Some(rfc3339(start + chart::HOURS as i64 * 3_600_000 - 1)),
        limit: Some(5000),
        ..Default::default()
    };
    let items = queue::list(conn, now, 0, &f, scope)?;
    let due = items.iter().filter_map(|i| {
        let t = if i.direction == "outbound" {
            &i.etd
        } else {
            &i.eta
        };
        let ms = chrono::DateTime::parse_from_rfc3339(t.as_deref()?)
            .ok()?
            .timestamp_millis();
        Some((ms, i.band == "high"))
    });
    Ok(chart::render(start, &chart::by_hour(start, due)))
}

/// `GET /flights`.
pub async fn flights(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (user, role) = (p.user_id.clone(), p.role);
    let r = crate::api::db(&state, move |conn, st| {
        let now = crate::db::now_ms();
        let since = now - st.config.open_flight_hours * 3_600_000;
        let flights = views::flights(conn, Some(since), 500)?;
        // The chart counts the items this user would see in the queue.
        let scope = crate::auth::groups::scope(conn, &user, role)?;
        Ok((flights, load_by_hour(conn, now, &scope)?))
    })
    .await;
    match r {
        Ok((flights, chart)) => {
            let rows: Vec<minijinja::Value> = flights
                .iter()
                .map(|f| {
                    context! {
                        f => f,
                        dep => at_airport(f.etd.as_deref(), &f.origin),
                        arr => at_airport(f.eta.as_deref(), &f.destination),
                    }
                })
                .collect();
            page(
                "flights.html",
                context! { user => user_ctx(&p), active => "flights", rows => rows, chart => chart },
            )
        }
        Err(e) => failure(&p, e),
    }
}

/// `GET /flights/{id}`.
pub async fn flight(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let f = views::flight(conn, &id)?.ok_or_else(|| ApiError::not_found("flight"))?;
        let mut t = views::travellers(conn, Some(&id), None)?;
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        let ids: Vec<&str> = t.iter().map(|t| t.id.as_str()).collect();
        let hidden = crate::review::scope::hidden_travellers(conn, &ids, &scope)?;
        t.retain(|t| !hidden.contains(&t.id));
        let seats = views::seats(conn, &id)?;
        let received = views::flight_messages(conn, &id, MESSAGES_SHOWN)?;
        audit(conn, &p2, "travellers.read", &format!("flight:{id}"), "ok")?;
        Ok((f, t, seats, received))
    })
    .await;
    match r {
        Ok((f, t, seats, received)) => {
            let (dep, arr) = (
                at_airport(f.etd.as_deref(), &f.origin),
                at_airport(f.eta.as_deref(), &f.destination),
            );
            let seat_map = seatmap::build(&t, &seats);
            let received: Vec<minijinja::Value> = received
                .iter()
                .map(|m| context! { m => m, at => at_airport(Some(&m.received_at), "") })
                .collect();
            let staff = crate::api::STAFF.contains(&p.role);
            page(
                "flight.html",
                context! {
                    user => user_ctx(&p), active => "flights", flight => f, travellers => t,
                    dep => dep, arr => arr, seats => seat_map, received => received,
                    messages_shown => MESSAGES_SHOWN, staff => staff,
                },
            )
        }
        Err(e) => failure(&p, e),
    }
}
