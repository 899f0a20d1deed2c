//! Startup: open the store, load the keys, start the worker and the HTTP server.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{web, App, HttpServer};
use anyhow::Context;

use crate::api::{ApiError, AppState};
use crate::auth::Keys;
use crate::config::Config;
use crate::db::DbPool;
use crate::metrics::Metrics;
use crate::worker::Worker;

/// What a `serve` process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerRole {
    /// HTTP and jobs.
    All,
    /// HTTP only.
    Api,
    /// Jobs only.
    Worker,
}

impl ServerRole {
    /// Parses `all`, `api` or `worker`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "all" | "both" => Some(Self::All),
            "api" => Some(Self::Api),
            "worker" => Some(Self::Worker),
            _ => None,
        }
    }
}

/// The signing keys: from configuration, or generated once and kept in the database so every
/// server on one database shares them.
pub fn load_keys(pool: &DbPool, config: &Config) -> anyhow::Result<Keys> {
    if let Some(s) = &config.jwt_secret {
        return Ok(Keys::from_secret(s.as_bytes()));
    }
    let mut conn = pool.get()?;
    let secret = crate::db::setting_or_create(&mut conn, "jwt_secret", || {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut b);
        hex::encode(b)
    })?;
    Ok(Keys::from_secret(secret.as_bytes()))
}

/// Runs `paxrisk serve` until interrupted.
pub fn serve(config: Config, role: ServerRole) -> anyhow::Result<()> {
    let pool = crate::db::open(&config.database_url, config.pool_size())
        .with_context(|| "cannot open the database".to_string())?;
    // A missing or corrupt keyring stops the start here, before anything could seal or open.
    crate::retention::keyring::prepare(&mut *pool.get()?, &config, crate::db::now_ms())
        .context("the retention keyring")?;
    let metrics = Metrics::default();
    let stop = Arc::new(AtomicBool::new(false));
    if role != ServerRole::Api {
        crate::screening::lists::warm(pool.clone());
        for n in 0..config.worker_threads {
            Worker {
                pool: pool.clone(),
                config: config.clone(),
                metrics: metrics.clone(),
                stop: stop.clone(),
            }
            .spawn(n);
        }
        crate::retention::spawn_schedule(pool.clone(), config.clone());
        crate::notify::start(&pool, &config);
    }
    if role == ServerRole::Worker {
        tracing::info!("worker running; no HTTP");
        loop {
            std::thread::park();
        }
    }
    let keys = load_keys(&pool, &config)?;
    let setup_pool = pool.clone();
    let state = web::Data::new(AppState {
        pool,
        config: config.clone(),
        keys,
        metrics,
    });
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::JsonConfig::default().limit(4 * 1024 * 1024).error_handler(|e, _| {
                    ApiError::bad_request(format!("the body is not the expected JSON: {e}")).into()
                }))
                .app_data(web::QueryConfig::default().error_handler(|e, _| {
                    ApiError::bad_request(format!("bad query parameters: {e}")).into()
                }))
                .app_data(web::PathConfig::default().error_handler(|_, _| ApiError::not_found("resource").into()))
                .wrap(
                    actix_web::middleware::ErrorHandlers::new()
                        .default_handler(crate::api::error::json_bodies),
                )
                .wrap(
                    DefaultHeaders::new()
                        .add(("X-Content-Type-Options", "nosniff"))
                        .add(("X-Frame-Options", "DENY"))
                        .add(("Referrer-Policy", "same-origin"))
                        .add((
                            "Content-Security-Policy",
                            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
                        )),
                )
                .wrap(Compress::default())
                .wrap(actix_web::middleware::from_fn(server_timing))
                .wrap(actix_web::middleware::Logger::new("%r %s %Dms").exclude("/healthz"))
                .configure(crate::api::routes)
        })
        .bind(&config.bind)
        .with_context(|| format!("cannot listen on {}", config.bind))?;
        for a in server.addrs() {
            eprintln!("paxrisk listening on http://{a}");
        }
        if let Some(a) = server.addrs().first() {
            first_admin_banner(&setup_pool, &format!("http://{a}"))?;
        }
        server.run().await.context("the HTTP server stopped")
    })
}

/// Adds `Server-Timing: app;dur=MS` to every response: the time from the request reaching the
/// application to its response head, so page and API timings can be read from outside (the page
/// benchmark does) and in a browser's developer tools. It says nothing about the data.
async fn server_timing(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody>,
) -> Result<actix_web::dev::ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let started = std::time::Instant::now();
    let mut res = next.call(req).await?;
    let ms = started.elapsed().as_secs_f64() * 1000.0;
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&format!("app;dur={ms:.1}")) {
        res.headers_mut().insert(
            actix_web::http::header::HeaderName::from_static("server-timing"),
            v,
        );
    }
    Ok(res)
}

/// On a store with no administrator, issues the one-time setup token and prints it, once, on
/// stdout with the URL to use: the operator's console is where it belongs. It goes through
/// `println!`, never through `tracing`, so log collectors do not keep it.
fn first_admin_banner(pool: &DbPool, base: &str) -> anyhow::Result<()> {
    use crate::auth::setup::{issue_if_needed, Issue};
    let mut conn = pool.get()?;
    let expiry = |ms: i64| crate::api::rfc3339(ms);
    match issue_if_needed(&mut conn, crate::db::now_ms())? {
        Issue::NotNeeded => {}
        Issue::Issued { token, expires_at } => {
            crate::audit::record(
                &mut conn,
                crate::audit::Event {
                    actor: "system",
                    role: "system",
                    action: "setup.token",
                    object: "setup",
                    outcome: "issued",
                    purpose: None,
                },
            )?;
            println!(
                "\n==== paxrisk first-admin setup ====\n\
                 No administrator exists. Create the first one, once, before {expires}:\n  \
                 in a browser: {base}/setup\n  \
                 or: curl -X POST {base}/api/v1/setup -H 'Content-Type: application/json' \\\n      \
                 -d '{{\"token\":\"{token}\",\"username\":\"...\",\"password\":\"...\"}}'\n\
                 setup token: {token}\n\
                 (or run `paxrisk user add --role admin`.)\n\
                 ===================================\n",
                expires = expiry(expires_at),
            );
        }
        Issue::Outstanding { expires_at } => {
            println!(
                "No administrator exists; a setup token printed earlier (by this or another \
                 server) is valid until {}. Lost it? Create the admin with `paxrisk user add \
                 --role admin`, or restart after it expires.",
                expiry(expires_at)
            );
        }
    }
    Ok(())
}
