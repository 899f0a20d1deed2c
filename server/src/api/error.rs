//! The API's one error type and its mapping to HTTP, written once. Every error body is
//! `{"code": "...", "message": "..."}` (plus `"path"` for invalid rules).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

use crate::auth::AuthError;
use crate::db::DbError;

/// Machine-readable error codes; the JSON spelling is pinned by a test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    Conflict,
    PayloadTooLarge,
    ValidationFailed,
    InvalidRule,
    WeakPassword,
    Locked,
    Unavailable,
    Internal,
    /// A closed review item: locked until reopened with a reason.
    ItemClosed,
    /// `POST /setup` once an administrator exists: setup is done.
    SetupComplete,
    /// `POST /setup` with a wrong, used or expired setup token.
    SetupTokenInvalid,
}

/// An error an API handler returns.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: Code,
    pub message: String,
    /// JSON pointer of the offending node, for invalid rules.
    pub path: Option<String>,
    /// The rule validator's own code (`unknown_field`, ...), sent as `reason`.
    pub detail_code: Option<&'static str>,
}

#[derive(Serialize)]
struct Body<'a> {
    code: Code,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    path: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
}

impl ApiError {
    /// An error with a status, code and message.
    pub fn new(status: StatusCode, code: Code, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            path: None,
            detail_code: None,
        }
    }
    /// Adds the rule validator's code.
    pub fn with_rule_code(mut self, code: &'static str) -> Self {
        self.detail_code = Some(code);
        self
    }
    /// 400: the body is not valid JSON or not of the expected shape.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, Code::BadRequest, message)
    }
    /// 401: no token, or a bad one.
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            Code::Unauthorized,
            "sign in first: the token is missing, invalid, expired or revoked",
        )
    }
    /// 403: the caller's role may not use this route.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            Code::Forbidden,
            "your role may not use this route",
        )
    }
    /// 404: no such thing, or not one the caller may see.
    pub fn not_found(what: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            Code::NotFound,
            format!("no such {what}"),
        )
    }
    /// 422: well-formed but breaks a rule.
    pub fn unprocessable(code: Code, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }
    /// 500 with an opaque body; the detail goes to the log only.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(error = %detail, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            Code::Internal,
            "something went wrong; the error was logged",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.message)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let mut r = HttpResponse::build(self.status);
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            r.insert_header(("Retry-After", "5"));
        }
        r.json(Body {
            code: self.code,
            message: &self.message,
            path: self.path.as_deref(),
            reason: self.detail_code,
        })
    }
}

impl From<DbError> for ApiError {
    fn from(e: DbError) -> Self {
        match e {
            DbError::Unavailable(detail) => {
                tracing::warn!(error = %detail, "database unavailable");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Code::Unavailable,
                    "the database is unavailable; retry shortly",
                )
            }
            DbError::Query(diesel::result::Error::DatabaseError(kind, info))
                if matches!(kind, diesel::result::DatabaseErrorKind::ClosedConnection)
                    || info.message().contains("database is locked") =>
            {
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    Code::Unavailable,
                    "the database is busy; retry shortly",
                )
            }
            // PostgreSQL text cannot hold NUL (SQLite can): input with "\u0000" in a field that
            // reaches the store is the caller's error, on either backend's terms.
            DbError::Query(diesel::result::Error::DatabaseError(_, info))
                if info.message().contains("invalid byte sequence")
                    || info.message().contains("character not in repertoire") =>
            {
                ApiError::bad_request(
                    "a text value holds a NUL character (\\u0000) or bytes that are not UTF-8",
                )
            }
            other => ApiError::internal(other),
        }
    }
}

impl From<diesel::result::Error> for ApiError {
    fn from(e: diesel::result::Error) -> Self {
        DbError::from(e).into()
    }
}

impl From<AuthError> for ApiError {
    fn from(e: AuthError) -> Self {
        match e {
            AuthError::BadCredentials | AuthError::InvalidToken => {
                ApiError::new(StatusCode::UNAUTHORIZED, Code::Unauthorized, e.to_string())
            }
            AuthError::Locked => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, Code::Locked, e.to_string())
            }
            AuthError::Policy(_) => ApiError::unprocessable(Code::WeakPassword, e.to_string()),
            AuthError::UsernameTaken => {
                ApiError::new(StatusCode::CONFLICT, Code::Conflict, e.to_string())
            }
            AuthError::UnknownRole(_)
            | AuthError::CarrierRequired
            | AuthError::BadCarrier
            | AuthError::BadUsername => {
                ApiError::unprocessable(Code::ValidationFailed, e.to_string())
            }
            AuthError::BadEmail | AuthError::NotAirline => {
                ApiError::unprocessable(Code::ValidationFailed, e.to_string())
            }
            AuthError::UserNotFound => ApiError::not_found("user"),
            AuthError::NotASession => {
                ApiError::new(StatusCode::FORBIDDEN, Code::Forbidden, e.to_string())
            }
            AuthError::Db(db) => db.into(),
        }
    }
}

/// Error responses that actix-web makes itself (a body over the extractor's limit, a malformed
/// header, ...) under `/api/` get the API's JSON error body, with their status kept. Responses
/// that are JSON already pass unchanged, and so does everything outside `/api/`.
pub fn json_bodies<B>(
    res: actix_web::dev::ServiceResponse<B>,
) -> actix_web::Result<actix_web::middleware::ErrorHandlerResponse<B>> {
    use actix_web::middleware::ErrorHandlerResponse;
    let is_json = res
        .headers()
        .get(actix_web::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json || !res.request().path().starts_with("/api/") {
        return Ok(ErrorHandlerResponse::Response(res.map_into_left_body()));
    }
    let status = res.status();
    let error = match status {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            status,
            Code::PayloadTooLarge,
            "the request body is larger than this route accepts",
        ),
        StatusCode::NOT_FOUND => ApiError::not_found("resource"),
        s if s.is_server_error() => ApiError::new(
            status,
            if s == StatusCode::SERVICE_UNAVAILABLE {
                Code::Unavailable
            } else {
                Code::Internal
            },
            "something went wrong; the error was logged",
        ),
        s => ApiError::new(
            s,
            Code::BadRequest,
            format!(
                "the request was refused: {}",
                s.canonical_reason().unwrap_or("bad request").to_lowercase()
            ),
        ),
    };
    let (req, _) = res.into_parts();
    let res = actix_web::dev::ServiceResponse::new(req, error.error_response());
    Ok(ErrorHandlerResponse::Response(res.map_into_right_body()))
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        ApiError::internal(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_serialise_in_snake_case() {
        let all = [
            Code::BadRequest,
            Code::NotFound,
            Code::InvalidRule,
            Code::PayloadTooLarge,
            Code::Unavailable,
        ];
        let json = serde_json::to_string(&all).unwrap();
        assert_eq!(
            json,
            r#"["bad_request","not_found","invalid_rule","payload_too_large","unavailable"]"#
        );
        assert_eq!(
            serde_json::to_string(&[Code::ItemClosed, Code::WeakPassword, Code::Locked]).unwrap(),
            r#"["item_closed","weak_password","locked"]"#
        );
        assert_eq!(
            serde_json::to_string(&[Code::SetupComplete, Code::SetupTokenInvalid]).unwrap(),
            r#"["setup_complete","setup_token_invalid"]"#
        );
    }
}
