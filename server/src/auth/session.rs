//! Sessions: login with lockout, token checking (JWT or carrier API key), refresh, logout.
//!
//! A token's claims are only a pointer to its session: role, carrier and name are read from the
//! user's row on every request, so a role change or a disabled account takes effect at once.

use diesel::prelude::*;

use super::token::{check, sign, Keys, Principal};
use super::{keys, password, AuthError, Role};
use crate::db::schema::{sessions, users};
use crate::db::{new_id, now_ms, DbConnection};

/// A successful login or refresh: the token and when it expires (epoch ms).
#[derive(Debug)]
pub struct LoginOutcome {
    pub token: String,
    pub expires_at: i64,
    pub principal: Principal,
}

/// Token lifetime and lockout settings (from `Config`).
#[derive(Debug, Clone, Copy)]
pub struct LoginPolicy {
    /// Lifetime of a session, in milliseconds.
    pub token_ms: i64,
    /// Wrong passwords in a row that lock an account.
    pub max_failed: i32,
    /// How long a lock lasts, in milliseconds.
    pub lockout_ms: i64,
}

type UserRow = (
    String,
    String,
    String,
    Option<String>,
    bool,
    i32,
    Option<i64>,
);

/// Checks a username and password; on success opens a session and signs its token.
/// After `max_failed` wrong passwords in a row the account is locked for `lockout_ms` (later
/// attempts get `Locked`, even with the right password) and its holder is e-mailed.
pub fn login(
    conn: &mut DbConnection,
    keys: &Keys,
    username: &str,
    pw: &str,
    policy: &LoginPolicy,
) -> Result<LoginOutcome, AuthError> {
    let row: Option<UserRow> = users::table
        .filter(users::username.eq(username.trim()))
        .select((
            users::id,
            users::password_hash,
            users::role,
            users::carrier,
            users::active,
            users::failed_logins,
            users::locked_until,
        ))
        .first(conn)
        .optional()?;
    let now = now_ms();
    // Verify even for unknown users so that timing reveals nothing.
    let ok = password::verify(pw, row.as_ref().map(|r| r.1.as_str()));
    let Some((id, _, role, carrier, active, failed, locked_until)) = row else {
        return Err(AuthError::BadCredentials);
    };
    if locked_until.is_some_and(|t| t > now) {
        return Err(AuthError::Locked);
    }
    if !ok || !active {
        let failed = failed + 1;
        let lock = (failed >= policy.max_failed).then_some(now + policy.lockout_ms);
        diesel::update(users::table.filter(users::id.eq(&id)))
            .set((
                users::failed_logins.eq(if lock.is_some() { 0 } else { failed }),
                users::locked_until.eq(lock),
            ))
            .execute(conn)?;
        if lock.is_some() && active {
            crate::notify::account_event(conn, crate::notify::Kind::AccountLocked, &id)?;
        }
        return Err(AuthError::BadCredentials);
    }
    diesel::update(users::table.filter(users::id.eq(&id)))
        .set((
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<i64>),
        ))
        .execute(conn)?;
    let role = Role::parse(&role).ok_or(AuthError::UnknownRole(role))?;
    let principal = Principal {
        user_id: id,
        username: username.trim().to_string(),
        role,
        carrier,
        session_id: String::new(),
    };
    open_session(conn, keys, principal, now, policy.token_ms)
}

fn open_session(
    conn: &mut DbConnection,
    keys: &Keys,
    mut principal: Principal,
    now: i64,
    token_ms: i64,
) -> Result<LoginOutcome, AuthError> {
    principal.session_id = new_id();
    let expires_at = now + token_ms;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&principal.session_id),
            sessions::user_id.eq(&principal.user_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::revoked.eq(false),
        ))
        .execute(conn)?;
    let token = sign(keys, &principal, now / 1000, expires_at / 1000);
    Ok(LoginOutcome {
        token,
        expires_at,
        principal,
    })
}

/// Resolves a bearer token (a session JWT or a carrier API key) to its principal, refusing
/// revoked or expired sessions, revoked keys and disabled users.
pub fn authenticate(
    conn: &mut DbConnection,
    keys: &Keys,
    token: &str,
) -> Result<Principal, AuthError> {
    if keys::looks_like_key(token) {
        return keys::resolve(conn, token);
    }
    let claimed = check(keys, token)?;
    let live: Option<(i64, bool, bool, String, String, Option<String>)> = sessions::table
        .inner_join(users::table.on(users::id.eq(sessions::user_id)))
        .filter(
            sessions::id
                .eq(&claimed.session_id)
                .and(users::id.eq(&claimed.user_id)),
        )
        .select((
            sessions::expires_at,
            sessions::revoked,
            users::active,
            users::username,
            users::role,
            users::carrier,
        ))
        .first(conn)
        .optional()?;
    match live {
        Some((exp, false, true, username, role, carrier)) if exp > now_ms() => Ok(Principal {
            user_id: claimed.user_id,
            username,
            role: Role::parse(&role).ok_or(AuthError::InvalidToken)?,
            carrier,
            session_id: claimed.session_id,
        }),
        _ => Err(AuthError::InvalidToken),
    }
}

/// Revokes a session: its token stops working at once. (An API key has no session; revoking a
/// key is an administrator's act.)
pub fn logout(conn: &mut DbConnection, session_id: &str) -> Result<(), AuthError> {
    diesel::update(sessions::table.filter(sessions::id.eq(session_id)))
        .set(sessions::revoked.eq(true))
        .execute(conn)?;
    Ok(())
}

/// Swaps a live session for a fresh one with a full lifetime; the old token stops working.
pub fn refresh(
    conn: &mut DbConnection,
    keys: &Keys,
    current: &Principal,
    token_ms: i64,
) -> Result<LoginOutcome, AuthError> {
    if keys::is_key_session(&current.session_id) {
        return Err(AuthError::NotASession);
    }
    crate::db::transaction(conn, |conn| {
        let n = diesel::update(
            sessions::table.filter(
                sessions::id
                    .eq(&current.session_id)
                    .and(sessions::revoked.eq(false)),
            ),
        )
        .set(sessions::revoked.eq(true))
        .execute(conn)?;
        if n != 1 {
            // Two refreshes raced with one token: only the first gets a new session.
            return Err(AuthError::InvalidToken);
        }
        open_session(conn, keys, current.clone(), now_ms(), token_ms)
    })
}

/// Revokes every session of a user (disabled account, changed password).
pub fn revoke_all(conn: &mut DbConnection, user_id: &str) -> Result<usize, AuthError> {
    Ok(diesel::update(
        sessions::table.filter(
            sessions::user_id
                .eq(user_id)
                .and(sessions::revoked.eq(false)),
        ),
    )
    .set(sessions::revoked.eq(true))
    .execute(conn)?)
}
