//! The link graph page: a traveller's neighbourhood drawn as an interactive SVG graph
//! (`/static/links.js`), with filters by link kind and time window, and the same graph as lists
//! for readers without scripts. Roles as for the traveller page.

use actix_web::{web, HttpRequest, HttpResponse};
use minijinja::context;

use super::{audit, failure, session, user_ctx};
use crate::api::{ApiError, AppState, REVIEWERS};
use crate::links::graph;
use crate::links::params::Params;
use crate::links::Kind;
use crate::web::render::page;

/// `GET /travellers/{id}/links?hops=&kinds=&since=&until=`.
pub async fn links(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    q: web::Query<Params>,
) -> HttpResponse {
    let p = match session(&req, &state, REVIEWERS).await {
        Ok(p) => p,
        Err(r) => return r,
    };
    let params = q.into_inner();
    let query = match params.parse() {
        Ok(q) => q,
        Err(e) => return failure(&p, ApiError::bad_request(e)),
    };
    let id = id.into_inner();
    let p2 = p.clone();
    let q2 = query.clone();
    let r = crate::api::db(&state, move |conn, _| {
        let g = graph::graph(conn, &id, &q2)?.ok_or_else(|| ApiError::not_found("traveller"))?;
        audit(
            conn,
            &p2,
            "traveller.links.read",
            &format!("traveller:{id}"),
            "ok",
        )?;
        Ok(g)
    })
    .await;
    let g = match r {
        Ok(g) => g,
        Err(e) => return failure(&p, e),
    };
    let label = |id: &str| {
        g.nodes
            .iter()
            .find(|n| n.id == id)
            .map(|n| n.label.clone())
            .unwrap_or_default()
    };
    let root_label = label(&g.root);
    let path: Vec<minijinja::Value> = g
        .path
        .iter()
        .map(|id| {
            let n = g.nodes.iter().find(|n| &n.id == id);
            context! {
                id => id,
                label => label(id),
                kind => n.map(|n| n.kind.clone()),
                traveller => n.is_some_and(|n| n.ty == "traveller"),
                hit => n.and_then(|n| n.hit),
            }
        })
        .collect();
    let chosen: Vec<String> = query.kinds.clone().unwrap_or_default();
    let kinds: Vec<minijinja::Value> = Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .chain(["flight"])
        .map(|k| context! { name => k, checked => chosen.is_empty() || chosen.iter().any(|c| c == k) })
        .collect();
    let data = serde_json::to_string(&g).unwrap_or_else(|_| "{}".into());
    page(
        "links.html",
        context! {
            user => user_ctx(&p),
            active => "queue",
            root => g.root.clone(),
            root_label => root_label,
            graph => g,
            data => data,
            path => path,
            kinds => kinds,
            hops => query.hops,
            since => params.since.unwrap_or_default(),
            until => params.until.unwrap_or_default(),
        },
    )
}
