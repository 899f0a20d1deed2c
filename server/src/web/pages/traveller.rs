//! The traveller page: identity, flight, the item with its hits (watchlist entries side by
//! side), notes, and the officer's forms: claim, dispose, note, reopen, manual hit, lookout.

use std::collections::HashMap;

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;
use serde::Deserialize;

use super::items::{ACTORS, MAX_REASON_CHARS};
use super::{audit, compare, failure, form_session, redirect, session, text, user_ctx, FlashQuery};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::ingest::views;
use crate::review::items::{Outcome, DISPOSITIONS};
use crate::review::lookouts::{self, Change, Status};
use crate::review::{manual, notes, queue};
use crate::web::render::page;
use crate::web::times::at_airport;

/// Usernames of the given user ids (ids the store no longer knows stay as they are).
fn usernames(
    conn: &mut crate::db::DbConnection,
    ids: impl IntoIterator<Item = String>,
) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for id in ids {
        if !out.contains_key(&id) {
            let name = crate::auth::get_user(conn, &id).map_or_else(|_| id.clone(), |u| u.username);
            out.insert(id, name);
        }
    }
    out
}

/// `GET /travellers/{id}`.
pub async fn traveller(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<FlashQuery>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let id = id.into_inner();
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let t = views::travellers(conn, None, Some(&id))?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::not_found("traveller"))?;
        let flight = views::flight(conn, &t.flight_id)?;
        // An item outside the user's groups does not show (nor its notes, nor its actions).
        let scope = crate::auth::groups::scope(conn, &p2.user_id, p2.role)?;
        // A traveller flagged only outside the user's groups does not show at all (the API alike).
        if !crate::review::scope::traveller_visible(conn, &id, &scope)? {
            return Err(ApiError::not_found("traveller"));
        }
        let item = match queue::item_of_traveller(conn, &id)? {
            Some(item_id) => queue::get(conn, &item_id, &scope).map_err(|e| match e {
                queue::PageError::Db(d) => ApiError::from(d),
                queue::PageError::Filter(f) => ApiError::internal(f),
            })?,
            None => None,
        };
        let notes = match &item {
            Some(i) => notes::list(conn, &i.id)?,
            None => Vec::new(),
        };
        // Its live lookout (an inactive one does not show, as in the lookout list).
        let lookout = lookouts::of_traveller(conn, &id)?
            .into_iter()
            .find(|l| l.status != Status::Inactive.as_str());
        // Only load the lists (from the screening cache) when there is a hit to show.
        let watch: Vec<minijinja::Value> = match &item {
            Some(i) if i.hits.iter().any(|h| h.kind == "watchlist") => {
                let lists = crate::screening::lists::current(conn)?;
                i.hits
                    .iter()
                    .filter(|h| h.kind == "watchlist")
                    .map(|h| {
                        compare::watchlist_hit(&t, &h.reason, &lists).unwrap_or_else(
                            || context! { gone => true, reason => h.reason.clone() },
                        )
                    })
                    .collect()
            }
            _ => Vec::new(),
        };
        let people = usernames(
            conn,
            notes
                .iter()
                .map(|n| n.author.clone())
                .chain(item.as_ref().and_then(|i| i.assignee.clone())),
        );
        audit(
            conn,
            &p2,
            "traveller.read",
            &format!("traveller:{id}"),
            "ok",
        )?;
        if let Some(i) = &item {
            audit(conn, &p2, "item.read", &format!("item:{}", i.id), "ok")?;
        }
        // Versions, booking, co-travellers and earlier trips (the API's traveller view).
        let detail = views::traveller_detail(conn, &id)?;
        Ok((t, flight, item, notes, lookout, watch, people, detail))
    })
    .await;
    let (t, flight, item, notes, lookout, watch, people, detail) = match r {
        Ok(v) => v,
        Err(e) => return failure(&p, e),
    };
    let unmask = super::unmask::traveller_block(&state, &p, &t.id, t.masked).await;
    let can_act = ACTORS.contains(&p.role);
    let when = flight.as_ref().map(|f| {
        context! {
            dep => at_airport(f.etd.as_deref(), &f.origin),
            arr => at_airport(f.eta.as_deref(), &f.destination),
        }
    });
    let notes: Vec<minijinja::Value> = notes
        .iter()
        .map(|n| {
            context! {
                author => people.get(&n.author).cloned().unwrap_or_else(|| n.author.clone()),
                kind => n.kind.clone(),
                body => n.body.clone(),
                at => crate::api::rfc3339(n.created_at).replace('T', " ").replace('Z', " UTC"),
            }
        })
        .collect();
    let other_hits: Vec<&queue::HitView> = item
        .as_ref()
        .map(|i| i.hits.iter().filter(|h| h.kind != "watchlist").collect())
        .unwrap_or_default();
    let assignee = item
        .as_ref()
        .and_then(|i| i.assignee.as_ref())
        .map(|a| people.get(a).cloned().unwrap_or_else(|| a.clone()));
    let moves: Vec<&str> = lookout
        .as_ref()
        .and_then(|l| Status::parse(&l.status))
        .map(|s| s.next().iter().map(|s| s.as_str()).collect())
        .unwrap_or_default();
    page(
        "traveller.html",
        context! {
            user => user_ctx(&p),
            active => "queue",
            flash => q.value(),
            t => t,
            flight => flight,
            when => when,
            item => item,
            assignee => assignee,
            watch => watch,
            other_hits => other_hits,
            notes => notes,
            lookout => lookout,
            moves => moves,
            can_act => can_act,
            unmask => unmask,
            dispositions => DISPOSITIONS,
            bands => manual::BANDS,
            versions => detail.as_ref().map(|d| d.versions.len()).unwrap_or(0),
            version_list => detail.as_ref().map(|d| d.versions.iter().map(|v| context! {
                at => v["received_at"].as_str().unwrap_or("").to_string(),
                source => v["source"].as_str().unwrap_or("").to_string(),
                message => v["message_id"].as_str().unwrap_or("").to_string(),
            }).collect::<Vec<_>>()).unwrap_or_default(),
            co_travellers => detail.as_ref().map(|d| d.co_travellers.clone()).unwrap_or_default(),
            history => detail.as_ref().map(|d| d.history.clone()).unwrap_or_default(),
            pnr => detail.as_ref().and_then(|d| d.pnr.as_ref()).map(|p| context! {
                locator => p["record_locator"].as_str().unwrap_or("").to_string(),
                booked => p["booking_date"].as_str().map(str::to_string),
                agency => p["agency"].as_str().map(str::to_string),
                itinerary => p["itinerary"].as_array().map(|a| a.iter().map(|s| format!(
                    "{}{} {}→{} {}",
                    s["carrier"].as_str().unwrap_or(""), s["number"].as_str().unwrap_or(""),
                    s["origin"].as_str().unwrap_or(""), s["destination"].as_str().unwrap_or(""),
                    s["departure_local"].as_str().unwrap_or(""))).collect::<Vec<_>>()).unwrap_or_default(),
            }),
        },
    )
}

/// The manual-hit form.
#[derive(Deserialize)]
pub struct ManualForm {
    category: String,
    band: String,
    reason: String,
}

/// `POST /travellers/{id}/manual-hits`: an officer flags the traveller by hand.
pub async fn manual_hit(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<ManualForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(traveller) = super::safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("traveller"));
    };
    let form = form.into_inner();
    let (Some(category), Some(reason)) = (
        text(&form.category, 80),
        text(&form.reason, MAX_REASON_CHARS),
    ) else {
        return redirect(&format!("/travellers/{traveller}?m=empty"));
    };
    if !manual::BANDS.contains(&form.band.as_str()) {
        return failure(&p, ApiError::bad_request("band must be medium or high"));
    }
    let (p2, t) = (p.clone(), traveller.clone());
    let r = crate::api::db(&state, move |conn, _| {
        let (out, created) = manual::add(conn, &t, &category, &form.band, &reason, &p2.user_id)?;
        let object = match &created {
            Some(c) => format!("item:{} traveller:{t} hit:{}", c.item_id, c.id),
            None => format!("traveller:{t}"),
        };
        match out {
            Outcome::Done => {
                audit(conn, &p2, "item.manual_hit", &object, "ok")?;
                Ok("flagged")
            }
            Outcome::NotFound => Err(ApiError::not_found("traveller")),
            Outcome::Conflict => {
                audit(conn, &p2, "item.manual_hit", &object, "closed")?;
                Ok("item_closed")
            }
        }
    })
    .await;
    match r {
        Ok(flash) => redirect(&format!("/travellers/{traveller}?m={flash}")),
        Err(e) => failure(&p, e),
    }
}

/// The lookout forms: a reason to create one, a status to move one.
#[derive(Deserialize)]
pub struct LookoutForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    status: String,
}

/// `POST /travellers/{id}/lookout`: promotes the traveller to a port-of-entry lookout.
pub async fn lookout(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    form: web::Form<LookoutForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let Some(traveller) = super::safe_id(&id).map(str::to_string) else {
        return failure(&p, ApiError::not_found("traveller"));
    };
    let Some(reason) = text(&form.reason, MAX_REASON_CHARS) else {
        return redirect(&format!("/travellers/{traveller}?m=empty"));
    };
    let (p2, t) = (p.clone(), traveller.clone());
    let r = crate::api::db(&state, move |conn, _| {
        match lookouts::create(conn, &t, &reason, &p2.user_id)? {
            Change::Done(lid) => {
                let object = format!("lookout:{lid} traveller:{t}");
                audit(conn, &p2, "lookout.create", &object, "ok")?;
                Ok("lookout")
            }
            Change::Exists(_) => Ok("lookout_exists"),
            Change::NotFound | Change::Refused { .. } => Err(ApiError::not_found("traveller")),
        }
    })
    .await;
    match r {
        Ok(flash) => redirect(&format!("/travellers/{traveller}?m={flash}")),
        Err(e) => failure(&p, e),
    }
}

/// `POST /travellers/{id}/lookout/{lookout}/status`: moves the lookout along its state machine.
pub async fn lookout_status(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    form: web::Form<LookoutForm>,
) -> HttpResponse {
    let p = match form_session(&req, &state, ACTORS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let (traveller, lid) = path.into_inner();
    let Some(traveller) = super::safe_id(&traveller).map(str::to_string) else {
        return failure(&p, ApiError::not_found("traveller"));
    };
    let Some(to) = Status::parse(&form.status) else {
        return failure(&p, ApiError::bad_request("unknown lookout status"));
    };
    let p2 = p.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let object = format!("lookout:{lid} status:{}", to.as_str());
        match lookouts::set_status(conn, &lid, to, &p2.user_id)? {
            Change::Done(_) => {
                audit(conn, &p2, "lookout.status", &object, "ok")?;
                Ok("lookout_moved")
            }
            Change::Refused { .. } => {
                audit(conn, &p2, "lookout.status", &object, "refused")?;
                Ok("lookout_refused")
            }
            Change::NotFound | Change::Exists(_) => Err(ApiError::not_found("lookout")),
        }
    })
    .await;
    match r {
        Ok(flash) => redirect(&format!("/travellers/{traveller}?m={flash}")),
        Err(e) => failure(&p, e),
    }
}
