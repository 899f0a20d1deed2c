//! The first administrator. No default account exists: when a server starts on a store with no
//! admin, it issues a one-time setup token (256 random bits, kept only as a SHA-256, valid for a
//! day) and prints it once on its console; `POST /api/v1/setup` with that token creates the first
//! admin and burns it. `paxrisk user add --role admin` remains the other way.
//!
//! One row holds the token (`id = first_admin`), so however many servers start on one database,
//! one token is valid at a time: a server issues one only when none is live, and of several
//! servers racing to issue, the insert (or the conditional replacement of an expired token) lets
//! one win; the others say a token is out already.

use diesel::prelude::*;
use sha2::{Digest, Sha256};

use super::{AuthError, LoginPolicy};
use crate::db::schema::{setup_tokens, users};
use crate::db::{DbConnection, DbError};

/// The one row's key.
const ROW: &str = "first_admin";
/// How long a setup token is valid.
pub const TOKEN_TTL_MS: i64 = 24 * 3_600_000;

/// What a starting server found.
#[derive(Debug)]
pub enum Issue {
    /// An admin exists: no token.
    NotNeeded,
    /// A new token, to print once; valid until `expires_at` (epoch ms).
    Issued { token: String, expires_at: i64 },
    /// A live token issued earlier (by this or another server) is out already.
    Outstanding { expires_at: i64 },
}

/// Why a setup call was refused.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("setup is complete: an administrator exists; sign in instead")]
    Complete,
    #[error("the setup token is wrong, used or expired; restart the server for a new one, or use `paxrisk user add --role admin`")]
    InvalidToken,
    #[error("too many wrong setup tokens; try again later")]
    Locked,
    #[error(transparent)]
    Auth(#[from] AuthError),
}

impl From<diesel::result::Error> for SetupError {
    fn from(e: diesel::result::Error) -> Self {
        SetupError::Auth(e.into())
    }
}

impl From<DbError> for SetupError {
    fn from(e: DbError) -> Self {
        SetupError::Auth(e.into())
    }
}

fn sha256_hex(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether any admin account exists (enabled or not).
pub fn admin_exists(conn: &mut DbConnection) -> Result<bool, DbError> {
    let n: i64 = users::table
        .filter(users::role.eq("admin"))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

type TokenRow = (String, i64, i64, Option<i64>, i32, Option<i64>);

fn row(conn: &mut DbConnection) -> QueryResult<Option<TokenRow>> {
    setup_tokens::table
        .filter(setup_tokens::id.eq(ROW))
        .select((
            setup_tokens::token_sha256,
            setup_tokens::created_at,
            setup_tokens::expires_at,
            setup_tokens::used_at,
            setup_tokens::failed_attempts,
            setup_tokens::locked_until,
        ))
        .first(conn)
        .optional()
}

/// Issues a setup token at `now` when the store has no admin and no live token.
pub fn issue_if_needed(conn: &mut DbConnection, now: i64) -> Result<Issue, DbError> {
    if admin_exists(conn)? {
        return Ok(Issue::NotNeeded);
    }
    let token = {
        use rand::RngCore;
        let mut b = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut b);
        hex::encode(b)
    };
    let (hash, expires_at) = (sha256_hex(&token), now + TOKEN_TTL_MS);
    let won = crate::db::transaction(conn, |conn| {
        let existing = row(conn)?;
        let n = match existing {
            Some((_, _, exp, None, _, _)) if exp > now => 0,
            Some(_) => diesel::update(
                setup_tokens::table.filter(
                    setup_tokens::id.eq(ROW).and(
                        setup_tokens::used_at
                            .is_not_null()
                            .or(setup_tokens::expires_at.le(now)),
                    ),
                ),
            )
            .set((
                setup_tokens::token_sha256.eq(&hash),
                setup_tokens::created_at.eq(now),
                setup_tokens::expires_at.eq(expires_at),
                setup_tokens::used_at.eq(None::<i64>),
                setup_tokens::failed_attempts.eq(0),
                setup_tokens::locked_until.eq(None::<i64>),
            ))
            .execute(conn)?,
            None => {
                let insert = diesel::insert_into(setup_tokens::table).values((
                    setup_tokens::id.eq(ROW),
                    setup_tokens::token_sha256.eq(&hash),
                    setup_tokens::created_at.eq(now),
                    setup_tokens::expires_at.eq(expires_at),
                    setup_tokens::failed_attempts.eq(0),
                ));
                // Another server may insert first: its token stands, ours is dropped.
                match conn {
                    DbConnection::Pg(c) => insert.on_conflict_do_nothing().execute(c)?,
                    DbConnection::Sqlite(c) => insert.on_conflict_do_nothing().execute(c)?,
                }
            }
        };
        Ok::<_, diesel::result::Error>(n == 1)
    })?;
    if won {
        return Ok(Issue::Issued { token, expires_at });
    }
    let expires_at = row(conn)?.map(|r| r.2).unwrap_or(expires_at);
    Ok(Issue::Outstanding { expires_at })
}

/// Creates the first admin with the setup token at `now` (password policy applies) and burns
/// the token; returns the new user's id. A wrong token counts towards a lockout like a wrong
/// password (`policy.max_failed` in a row lock setup for `policy.lockout_ms`).
pub fn complete(
    conn: &mut DbConnection,
    token: &str,
    username: &str,
    password: &str,
    policy: &LoginPolicy,
    now: i64,
) -> Result<String, SetupError> {
    let given = sha256_hex(token.trim());
    // The outer error rolls back (a refused account); the inner one is committed (a counted
    // failure).
    let result = crate::db::transaction(conn, |conn| {
        if admin_exists(conn)? {
            return Ok(Err(SetupError::Complete));
        }
        let Some((hash, _, expires_at, used_at, failed, locked_until)) = row(conn)? else {
            return Ok(Err(SetupError::InvalidToken));
        };
        if locked_until.is_some_and(|t| t > now) {
            return Ok(Err(SetupError::Locked));
        }
        if used_at.is_some() || expires_at <= now {
            return Ok(Err(SetupError::InvalidToken));
        }
        if hash != given {
            let failed = failed + 1;
            let lock = failed >= policy.max_failed.max(1);
            diesel::update(setup_tokens::table.filter(setup_tokens::id.eq(ROW)))
                .set((
                    setup_tokens::failed_attempts.eq(if lock { 0 } else { failed }),
                    setup_tokens::locked_until.eq(lock.then_some(now + policy.lockout_ms)),
                ))
                .execute(conn)?;
            return Ok(Err(SetupError::InvalidToken));
        }
        let id = super::create_user(
            conn,
            &super::NewUser {
                username,
                role: "admin",
                password,
                ..Default::default()
            },
        )?;
        let burned = diesel::update(
            setup_tokens::table.filter(
                setup_tokens::id
                    .eq(ROW)
                    .and(setup_tokens::used_at.is_null())
                    .and(setup_tokens::token_sha256.eq(&given)),
            ),
        )
        .set(setup_tokens::used_at.eq(now))
        .execute(conn)?;
        if burned != 1 {
            // Another call used the token meanwhile: this account is not created.
            return Err(SetupError::Complete);
        }
        Ok(Ok(id))
    });
    result?
}

#[cfg(test)]
mod tests {
    use super::sha256_hex;

    #[test]
    fn tokens_are_kept_as_their_sha256() {
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
