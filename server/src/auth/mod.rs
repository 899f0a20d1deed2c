//! Accounts, roles, login and session tokens.
//!
//! Tokens are HS256 JWTs with issuer, audience, `exp` and `nbf` checked, and a server-side
//! session row each, so logout and revocation take effect at once.

pub mod groups;
pub mod keys;
pub mod password;
pub mod serde_time;
mod session;
pub mod setup;
mod token;
mod users;

pub use groups::Scope;
pub use session::{authenticate, login, logout, refresh, LoginOutcome, LoginPolicy};
pub use token::{Keys, Principal};
pub use users::{
    add_user, change_password, create_user, get_user, list_users, update_user, NewUser, UserChange,
    UserView,
};

use serde::{Deserialize, Serialize};

/// The closed list of roles of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Airline,
    Officer,
    Analyst,
    Admin,
    Dpo,
    Approver,
    Auditor,
}

impl Role {
    /// Every role, in the order the docs list them.
    pub const ALL: [Role; 7] = [
        Role::Airline,
        Role::Officer,
        Role::Analyst,
        Role::Admin,
        Role::Dpo,
        Role::Approver,
        Role::Auditor,
    ];

    /// The stored and serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Airline => "airline",
            Role::Officer => "officer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
            Role::Dpo => "dpo",
            Role::Approver => "approver",
            Role::Auditor => "auditor",
        }
    }

    /// Parses a stored or typed role name.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().to_ascii_lowercase())
    }
}

/// Why an account operation or a login failed. Messages never name another user's data.
#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("wrong username or password")]
    BadCredentials,
    #[error("the account is locked after too many failed logins; try again later")]
    Locked,
    #[error("{0}")]
    Policy(#[from] password::PolicyError),
    #[error(
        "unknown role {0:?}; roles are airline, officer, analyst, admin, dpo, approver, auditor"
    )]
    UnknownRole(String),
    #[error("an airline account needs --carrier with the carrier's two-character IATA code")]
    CarrierRequired,
    #[error("the carrier code must be two or three letters or digits")]
    BadCarrier,
    #[error("the username must be 3 to 64 characters: letters, digits, '.', '_' or '-'")]
    BadUsername,
    #[error("a user with that username exists already")]
    UsernameTaken,
    #[error("the token is missing, invalid, expired or revoked")]
    InvalidToken,
    #[error("no such user")]
    UserNotFound,
    #[error("API keys are issued to airline accounts only")]
    NotAirline,
    #[error("an API key does not expire: there is nothing to refresh")]
    NotASession,
    #[error("the e-mail address is not valid")]
    BadEmail,
    #[error(transparent)]
    Db(#[from] crate::db::DbError),
}

impl From<diesel::result::Error> for AuthError {
    fn from(e: diesel::result::Error) -> Self {
        AuthError::Db(e.into())
    }
}
