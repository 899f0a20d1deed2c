//! Carrier API keys: long-lived bearer tokens that administrators issue to airline accounts and
//! revoke. A key reads `pxk_<id>.<secret>`; the store keeps only the SHA-256 of the secret (256
//! random bits, so a slow hash would add nothing), and the secret is shown once, at issue.

use diesel::prelude::*;
use rand::RngCore;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::token::Principal;
use super::{AuthError, Role};
use crate::db::schema::{api_keys, users};
use crate::db::{new_id, now_ms, DbConnection};

const PREFIX: &str = "pxk_";
/// Principals authenticated by a key carry this session-id prefix (they have no session row).
const KEY_SESSION: &str = "key:";
/// `last_used_at` is written at most this often, so a busy carrier does not write on every call.
const TOUCH_EVERY_MS: i64 = 60_000;

/// Whether a bearer token is shaped like an API key (JWTs never start with the prefix).
pub fn looks_like_key(token: &str) -> bool {
    token.starts_with(PREFIX)
}

/// Whether a principal came from an API key.
pub fn is_key_session(session_id: &str) -> bool {
    session_id.starts_with(KEY_SESSION)
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Compares two strings in time independent of where they differ.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A newly issued key: the only time its secret is visible.
#[derive(Debug, Serialize)]
pub struct Issued {
    pub id: String,
    pub user_id: String,
    pub label: String,
    pub key: String,
}

/// Issues a key to an active airline account.
pub fn issue(
    conn: &mut DbConnection,
    user_id: &str,
    label: &str,
    issued_by: &str,
) -> Result<Issued, AuthError> {
    let row: Option<(String, bool)> = users::table
        .filter(users::id.eq(user_id))
        .select((users::role, users::active))
        .first(conn)
        .optional()?;
    match row {
        None => return Err(AuthError::UserNotFound),
        Some((role, active)) if role != Role::Airline.as_str() || !active => {
            return Err(AuthError::NotAirline)
        }
        Some(_) => {}
    }
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    let id = new_id();
    let label = label.trim().chars().take(80).collect::<String>();
    diesel::insert_into(api_keys::table)
        .values((
            api_keys::id.eq(&id),
            api_keys::user_id.eq(user_id),
            api_keys::label.eq(&label),
            api_keys::secret_sha256.eq(digest(&secret)),
            api_keys::created_by.eq(issued_by),
            api_keys::created_at.eq(now_ms()),
        ))
        .execute(conn)?;
    Ok(Issued {
        key: format!("{PREFIX}{id}.{secret}"),
        id,
        user_id: user_id.to_string(),
        label,
    })
}

/// Revokes a key; returns its account, or `None` when there is no such unrevoked key.
pub fn revoke(conn: &mut DbConnection, id: &str) -> Result<Option<String>, AuthError> {
    let owner: Option<String> = api_keys::table
        .filter(api_keys::id.eq(id).and(api_keys::revoked_at.is_null()))
        .select(api_keys::user_id)
        .first(conn)
        .optional()?;
    if owner.is_some() {
        diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
            .set(api_keys::revoked_at.eq(now_ms()))
            .execute(conn)?;
    }
    Ok(owner)
}

/// A key as administrators see it (never the secret or its hash).
#[derive(Debug, Serialize, Queryable)]
pub struct KeyView {
    pub id: String,
    pub user_id: String,
    pub label: String,
    pub created_by: String,
    #[serde(serialize_with = "super::serde_time::ms")]
    pub created_at: i64,
    #[serde(serialize_with = "super::serde_time::opt_ms")]
    pub revoked_at: Option<i64>,
    #[serde(serialize_with = "super::serde_time::opt_ms")]
    pub last_used_at: Option<i64>,
}

/// Every key, newest first.
pub fn list(conn: &mut DbConnection) -> Result<Vec<KeyView>, AuthError> {
    Ok(api_keys::table
        .order(api_keys::created_at.desc())
        .select((
            api_keys::id,
            api_keys::user_id,
            api_keys::label,
            api_keys::created_by,
            api_keys::created_at,
            api_keys::revoked_at,
            api_keys::last_used_at,
        ))
        .load(conn)?)
}

/// Resolves a key to its airline principal: the key must be unrevoked and its account active.
pub fn resolve(conn: &mut DbConnection, token: &str) -> Result<Principal, AuthError> {
    let (id, secret) = token
        .strip_prefix(PREFIX)
        .and_then(|t| t.split_once('.'))
        .ok_or(AuthError::InvalidToken)?;
    type Row = (
        String,
        String,
        Option<i64>,
        Option<i64>,
        String,
        String,
        Option<String>,
        bool,
    );
    let row: Option<Row> = api_keys::table
        .inner_join(users::table.on(users::id.eq(api_keys::user_id)))
        .filter(api_keys::id.eq(id))
        .select((
            api_keys::secret_sha256,
            api_keys::user_id,
            api_keys::revoked_at,
            api_keys::last_used_at,
            users::username,
            users::role,
            users::carrier,
            users::active,
        ))
        .first(conn)
        .optional()?;
    let Some((hash, user_id, revoked, last_used, username, role, carrier, active)) = row else {
        return Err(AuthError::InvalidToken);
    };
    if !same(&hash, &digest(secret))
        || revoked.is_some()
        || !active
        || role != Role::Airline.as_str()
    {
        return Err(AuthError::InvalidToken);
    }
    let now = now_ms();
    if last_used.is_none_or(|t| now - t > TOUCH_EVERY_MS) {
        diesel::update(api_keys::table.filter(api_keys::id.eq(id)))
            .set(api_keys::last_used_at.eq(now))
            .execute(conn)?;
    }
    Ok(Principal {
        user_id,
        username,
        role: Role::Airline,
        carrier,
        session_id: format!("{KEY_SESSION}{id}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_shapes_and_comparison() {
        assert!(looks_like_key("pxk_0192.abcd"));
        assert!(!looks_like_key("eyJhbGciOiJIUzI1NiJ9.e30.x"));
        assert!(is_key_session("key:0192"));
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
        assert_eq!(digest("x").len(), 64);
    }
}
