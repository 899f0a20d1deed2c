//! Accounts in the store: creation, login with lockout, token checking, logout.

use diesel::prelude::*;

use super::token::{check, sign, Keys, Principal};
use super::{password, AuthError, Role};
use crate::db::schema::{sessions, users};
use crate::db::{new_id, now_ms, DbConnection};

/// A successful login: the token and when it expires (epoch ms).
#[derive(Debug)]
pub struct LoginOutcome {
    pub token: String,
    pub expires_at: i64,
    pub principal: Principal,
}

/// Creates a user after checking the username, role, carrier and password policy. Returns its id.
pub fn add_user(
    conn: &mut DbConnection,
    username: &str,
    role: &str,
    carrier: Option<&str>,
    pw: &str,
) -> Result<String, AuthError> {
    let username = username.trim();
    let valid_name = (3..=64).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        return Err(AuthError::BadUsername);
    }
    let role = Role::parse(role).ok_or_else(|| AuthError::UnknownRole(role.to_string()))?;
    let carrier = match (role, carrier.map(|c| c.trim().to_ascii_uppercase())) {
        (Role::Airline, None) => return Err(AuthError::CarrierRequired),
        (_, Some(c)) if !(2..=3).contains(&c.len()) || !c.chars().all(|x| x.is_ascii_alphanumeric()) => {
            return Err(AuthError::BadCarrier)
        }
        (_, c) => c,
    };
    password::check_policy(username, pw)?;
    let taken: i64 = users::table.filter(users::username.eq(username)).count().get_result(conn)?;
    if taken > 0 {
        return Err(AuthError::UsernameTaken);
    }
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(username),
            users::password_hash.eq(password::hash(pw)),
            users::role.eq(role.as_str()),
            users::carrier.eq(carrier),
            users::active.eq(true),
            users::failed_logins.eq(0),
            users::created_at.eq(now_ms()),
        ))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(diesel::result::DatabaseErrorKind::UniqueViolation, _) => {
                AuthError::UsernameTaken
            }
            e => e.into(),
        })?;
    Ok(id)
}

type UserRow = (String, String, String, Option<String>, bool, i32, Option<i64>);

/// Checks a username and password; on success opens a session and signs its token.
/// After `max_failed` wrong passwords in a row the account is locked for `lockout_ms`.
pub fn login(
    conn: &mut DbConnection,
    keys: &Keys,
    username: &str,
    pw: &str,
    token_ms: i64,
    max_failed: i32,
    lockout_ms: i64,
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
        let lock = (failed >= max_failed).then_some(now + lockout_ms);
        diesel::update(users::table.filter(users::id.eq(&id)))
            .set((users::failed_logins.eq(if lock.is_some() { 0 } else { failed }), users::locked_until.eq(lock)))
            .execute(conn)?;
        return Err(AuthError::BadCredentials);
    }
    diesel::update(users::table.filter(users::id.eq(&id)))
        .set((users::failed_logins.eq(0), users::locked_until.eq(None::<i64>)))
        .execute(conn)?;
    let session_id = new_id();
    let expires_at = now + token_ms;
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(&session_id),
            sessions::user_id.eq(&id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(expires_at),
            sessions::revoked.eq(false),
        ))
        .execute(conn)?;
    let principal = Principal {
        user_id: id,
        username: username.trim().to_string(),
        role: Role::parse(&role).ok_or(AuthError::UnknownRole(role))?,
        carrier,
        session_id,
    };
    let token = sign(keys, &principal, now / 1000, expires_at / 1000);
    Ok(LoginOutcome { token, expires_at, principal })
}

/// Resolves a bearer token to its principal, refusing revoked or expired sessions and
/// deactivated users.
pub fn authenticate(conn: &mut DbConnection, keys: &Keys, token: &str) -> Result<Principal, AuthError> {
    let p = check(keys, token)?;
    let live: Option<(i64, bool, bool)> = sessions::table
        .inner_join(users::table.on(users::id.eq(sessions::user_id)))
        .filter(sessions::id.eq(&p.session_id))
        .select((sessions::expires_at, sessions::revoked, users::active))
        .first(conn)
        .optional()?;
    match live {
        Some((exp, false, true)) if exp > now_ms() => Ok(p),
        _ => Err(AuthError::InvalidToken),
    }
}

/// Revokes a session: its token stops working at once.
pub fn logout(conn: &mut DbConnection, session_id: &str) -> Result<(), AuthError> {
    diesel::update(sessions::table.filter(sessions::id.eq(session_id))).set(sessions::revoked.eq(true)).execute(conn)?;
    Ok(())
}
