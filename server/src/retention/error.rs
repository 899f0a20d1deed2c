//! Retention's error type and its mapping to HTTP (written once, here).

use actix_web::http::StatusCode;

use crate::api::{ApiError, Code};
use crate::db::DbError;

/// What can go wrong in retention, unmasking and the sensitive-data filter. Messages never hold
/// personal data: they name ids and fields only.
#[derive(Debug, thiserror::Error)]
pub enum RetentionError {
    /// A request that breaks a rule (a bad policy, an unknown field): 422.
    #[error("{0}")]
    Invalid(String),
    /// No such request, traveller or policy, or not one the caller may see: 404.
    #[error("no such {0}")]
    NotFound(&'static str),
    /// The request is not in a state that allows this (decided already): 409.
    #[error("{0}")]
    Conflict(String),
    /// A grant is missing, refused, expired or not the caller's: 403.
    #[error("{0}")]
    NoGrant(String),
    /// Sealing or opening failed (a destroyed or wrong key): 500, detail to the log only.
    #[error("sealed data could not be opened: {0}")]
    Crypto(&'static str),
    /// The keyring is missing, corrupt or not this database's: 500 (the message names the file and
    /// what to do; it holds no key material).
    #[error("{0}")]
    Keyring(String),
    /// The store failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl From<diesel::result::Error> for RetentionError {
    fn from(e: diesel::result::Error) -> Self {
        RetentionError::Db(e.into())
    }
}

impl From<RetentionError> for ApiError {
    fn from(e: RetentionError) -> Self {
        match e {
            RetentionError::Invalid(m) => ApiError::unprocessable(Code::ValidationFailed, m),
            RetentionError::NotFound(what) => ApiError::not_found(what),
            RetentionError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, Code::Conflict, m),
            RetentionError::NoGrant(m) => ApiError::new(StatusCode::FORBIDDEN, Code::Forbidden, m),
            RetentionError::Crypto(_) | RetentionError::Keyring(_) => ApiError::internal(e),
            RetentionError::Db(d) => d.into(),
        }
    }
}
