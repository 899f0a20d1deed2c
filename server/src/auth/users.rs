//! Accounts in the store: creation with the password policy, listing, enabling and disabling,
//! contact and subscription settings, password changes.

use diesel::prelude::*;
use serde::Serialize;

use super::{password, session, AuthError, Role};
use crate::db::schema::users;
use crate::db::{new_id, now_ms, DbConnection};

/// A new account.
#[derive(Debug, Default, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub role: &'a str,
    /// Required for `airline`: the carrier's IATA code.
    pub carrier: Option<&'a str>,
    pub password: &'a str,
    /// Where account events (and, when subscribed, high-band items) are e-mailed.
    pub email: Option<&'a str>,
    /// E-mail this user about new high-band items of flights arriving soon.
    pub notify_high: bool,
}

/// Creates a user with no contact settings (the CLI's `user add`). Returns its id.
pub fn add_user(
    conn: &mut DbConnection,
    username: &str,
    role: &str,
    carrier: Option<&str>,
    pw: &str,
) -> Result<String, AuthError> {
    create_user(
        conn,
        &NewUser {
            username,
            role,
            carrier,
            password: pw,
            ..Default::default()
        },
    )
}

/// Creates a user after checking the username, role, carrier, e-mail and password policy.
pub fn create_user(conn: &mut DbConnection, u: &NewUser<'_>) -> Result<String, AuthError> {
    let username = u.username.trim();
    let valid_name = (3..=64).contains(&username.len())
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if !valid_name {
        return Err(AuthError::BadUsername);
    }
    let role = Role::parse(u.role).ok_or_else(|| AuthError::UnknownRole(u.role.to_string()))?;
    let carrier = match (role, u.carrier.map(|c| c.trim().to_ascii_uppercase())) {
        (Role::Airline, None) => return Err(AuthError::CarrierRequired),
        (_, Some(c))
            if !(2..=3).contains(&c.len()) || !c.chars().all(|x| x.is_ascii_alphanumeric()) =>
        {
            return Err(AuthError::BadCarrier)
        }
        (_, c) => c,
    };
    let email = u.email.map(check_email).transpose()?;
    password::check_policy(username, u.password)?;
    let taken: i64 = users::table
        .filter(users::username.eq(username))
        .count()
        .get_result(conn)?;
    if taken > 0 {
        return Err(AuthError::UsernameTaken);
    }
    let id = new_id();
    diesel::insert_into(users::table)
        .values((
            users::id.eq(&id),
            users::username.eq(username),
            users::password_hash.eq(password::hash(u.password)),
            users::role.eq(role.as_str()),
            users::carrier.eq(carrier),
            users::active.eq(true),
            users::failed_logins.eq(0),
            users::created_at.eq(now_ms()),
            users::email.eq(email),
            users::notify_high.eq(u.notify_high),
        ))
        .execute(conn)
        .map_err(|e| match e {
            diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            ) => AuthError::UsernameTaken,
            e => e.into(),
        })?;
    Ok(id)
}

/// A plausible address: one `@`, something on each side, a dot in the domain, no spaces.
/// Delivery is the real check; this only catches typing mistakes.
pub fn check_email(e: &str) -> Result<String, AuthError> {
    let e = e.trim();
    let ok = e.len() <= 254
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | ',' | ';'))
        && matches!(e.split_once('@'), Some((l, d)) if !l.is_empty() && d.contains('.') && !d.contains('@')
            && !d.starts_with('.') && !d.ends_with('.'));
    if ok {
        Ok(e.to_string())
    } else {
        Err(AuthError::BadEmail)
    }
}

/// An account as administrators see it (never the hash).
#[derive(Debug, Serialize, Queryable)]
pub struct UserView {
    pub id: String,
    pub username: String,
    pub role: String,
    pub carrier: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub locked_until: Option<i64>,
    pub email: Option<String>,
    pub notify_high_hits: bool,
    #[serde(serialize_with = "super::serde_time::ms")]
    pub created_at: i64,
}

impl UserView {
    /// Whether a lockout is in force now.
    pub fn locked(&self) -> bool {
        self.locked_until.is_some_and(|t| t > now_ms())
    }
}

type ViewColumns = (
    users::id,
    users::username,
    users::role,
    users::carrier,
    users::active,
    users::locked_until,
    users::email,
    users::notify_high,
    users::created_at,
);

const VIEW: ViewColumns = (
    users::id,
    users::username,
    users::role,
    users::carrier,
    users::active,
    users::locked_until,
    users::email,
    users::notify_high,
    users::created_at,
);

/// Every account, by username.
pub fn list_users(conn: &mut DbConnection) -> Result<Vec<UserView>, AuthError> {
    Ok(users::table
        .order(users::username.asc())
        .select(VIEW)
        .load(conn)?)
}

/// One account.
pub fn get_user(conn: &mut DbConnection, id: &str) -> Result<UserView, AuthError> {
    users::table
        .filter(users::id.eq(id))
        .select(VIEW)
        .first(conn)
        .optional()?
        .ok_or(AuthError::UserNotFound)
}

/// What an administrator may change on an account (`None`: leave as is).
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserChange {
    pub active: Option<bool>,
    /// An empty string removes the address.
    pub email: Option<String>,
    pub notify_high_hits: Option<bool>,
    /// Lifts a lockout at once.
    #[serde(default)]
    pub unlock: bool,
}

/// Applies a change. Disabling revokes every session at once (API keys stop working too: they
/// are checked against the account on each request).
pub fn update_user(
    conn: &mut DbConnection,
    id: &str,
    c: &UserChange,
) -> Result<UserView, AuthError> {
    let before = get_user(conn, id)?;
    let email = match c.email.as_deref().map(str::trim) {
        None => before.email.clone(),
        Some("") => None,
        Some(e) => Some(check_email(e)?),
    };
    let active = c.active.unwrap_or(before.active);
    let notify = c.notify_high_hits.unwrap_or(before.notify_high_hits);
    let locked_until = if c.unlock { None } else { before.locked_until };
    diesel::update(users::table.filter(users::id.eq(id)))
        .set((
            users::active.eq(active),
            users::email.eq(email),
            users::notify_high.eq(notify),
            users::locked_until.eq(locked_until),
        ))
        .execute(conn)?;
    if !active {
        session::revoke_all(conn, id)?;
    }
    get_user(conn, id)
}

/// Changes a user's own password after checking the current one; other sessions are revoked.
pub fn change_password(
    conn: &mut DbConnection,
    user_id: &str,
    keep_session: &str,
    current: &str,
    new: &str,
) -> Result<(), AuthError> {
    let (username, hash): (String, String) = users::table
        .filter(users::id.eq(user_id))
        .select((users::username, users::password_hash))
        .first(conn)
        .optional()?
        .ok_or(AuthError::UserNotFound)?;
    if !password::verify(current, Some(&hash)) {
        return Err(AuthError::BadCredentials);
    }
    password::check_policy(&username, new)?;
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set(users::password_hash.eq(password::hash(new)))
        .execute(conn)?;
    use crate::db::schema::sessions;
    diesel::update(
        sessions::table.filter(
            sessions::user_id
                .eq(user_id)
                .and(sessions::id.ne(keep_session)),
        ),
    )
    .set(sessions::revoked.eq(true))
    .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_email;

    #[test]
    fn email_check_catches_typing_mistakes_only() {
        assert_eq!(
            check_email(" duty.desk@customs.example ").unwrap(),
            "duty.desk@customs.example"
        );
        for bad in [
            "",
            "no-at-sign",
            "@customs.example",
            "a@nodot",
            "a b@x.example",
            "a@x.example,b@y.example",
            "a@.example",
        ] {
            assert!(check_email(bad).is_err(), "{bad:?} passed");
        }
    }
}
