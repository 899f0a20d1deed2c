//! Who is calling: a bearer token (API) or the session cookie (browser), checked against its
//! live session.

use std::future::Future;
use std::pin::Pin;

use actix_web::{web, FromRequest, HttpMessage, HttpRequest};

use super::{ApiError, AppState};
use crate::auth::{self, Principal, Role};

/// The browser's session cookie (HttpOnly, SameSite=Strict).
pub const CALLER_COOKIE: &str = "paxrisk_session";

/// An authenticated caller.
pub struct Caller(pub Principal);

impl Caller {
    /// Refuses (403) a caller whose role is not in `roles`: for a check finer than the route
    /// table's (which has already let only the route's roles through), and for routes not yet in
    /// the table.
    #[allow(dead_code)] // no handler needs a finer role check today
    pub fn require(&self, roles: &[Role]) -> Result<&Principal, ApiError> {
        if roles.contains(&self.0.role) {
            Ok(&self.0)
        } else {
            Err(ApiError::forbidden())
        }
    }
}

/// The token a request carries, if any.
pub fn token_of(req: &HttpRequest) -> Option<String> {
    let bearer = req
        .headers()
        .get("Authorization")
        .and_then(|h| h.to_str().ok())
        .and_then(|h| {
            h.strip_prefix("Bearer ")
                .or_else(|| h.strip_prefix("bearer "))
        })
        .map(|t| t.trim().to_string());
    bearer.or_else(|| req.cookie(CALLER_COOKIE).map(|c| c.value().to_string()))
}

/// The caller of a request from its token, checked against its live session: 401
/// `unauthorized` without a token or with one that is not good.
pub async fn resolve(req: &HttpRequest) -> Result<Principal, ApiError> {
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let token = token_of(req);
    let (Some(state), Some(token)) = (state, token) else {
        return Err(ApiError::unauthorized());
    };
    crate::api::db(&state, move |conn, st| {
        auth::authenticate(conn, &st.keys, &token).map_err(ApiError::from)
    })
    .await
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        // The route table's role check already found the caller: no second look-up.
        if let Some(p) = req.extensions().get::<Principal>() {
            let p = p.clone();
            return Box::pin(async move { Ok(Caller(p)) });
        }
        let req = req.clone();
        Box::pin(async move { resolve(&req).await.map(Caller) })
    }
}

/// The request header in which a caller states why they read personal data.
pub const PURPOSE_HEADER: &str = "X-Purpose";

/// The purpose a request states in `X-Purpose` (trimmed, control characters removed, at most
/// 200 characters: see [`crate::audit::purpose`]), recorded on the audit row of the read.
/// A header that is not UTF-8 text is refused with 400.
pub struct Purpose(pub Option<String>);

impl Purpose {
    /// The purpose as an audit event takes it.
    pub fn as_deref(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

impl FromRequest for Purpose {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let stated = match req.headers().get(PURPOSE_HEADER) {
            None => Ok(None),
            Some(v) => std::str::from_utf8(v.as_bytes())
                .map(crate::audit::purpose)
                .map_err(|_| ApiError::bad_request("the X-Purpose header must be UTF-8 text")),
        };
        std::future::ready(stated.map(Purpose))
    }
}
