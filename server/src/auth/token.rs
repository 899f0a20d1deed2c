//! JWT signing and checking.

use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::{AuthError, Role};

const ISSUER: &str = "paxrisk";
const AUDIENCE: &str = "paxrisk-api";

/// The signing keys, from configuration or generated once and kept in the database.
#[derive(Clone)]
pub struct Keys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl Keys {
    /// Keys from a shared secret.
    pub fn from_secret(secret: &[u8]) -> Self {
        Keys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }
}

/// Who is calling: resolved from a token and its live session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    /// The carrier an airline account speaks for.
    pub carrier: Option<String>,
    /// The session row behind the token (for logout).
    pub session_id: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: String,
    name: String,
    role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier: Option<String>,
    jti: String,
    iss: String,
    aud: String,
    iat: i64,
    nbf: i64,
    exp: i64,
}

/// Signs a token for a session.
pub(super) fn sign(keys: &Keys, p: &Principal, now_s: i64, exp_s: i64) -> String {
    let claims = Claims {
        sub: p.user_id.clone(),
        name: p.username.clone(),
        role: p.role,
        carrier: p.carrier.clone(),
        jti: p.session_id.clone(),
        iss: ISSUER.into(),
        aud: AUDIENCE.into(),
        iat: now_s,
        nbf: now_s - 5,
        exp: exp_s,
    };
    encode(&Header::new(Algorithm::HS256), &claims, &keys.encoding)
        .expect("HS256 signing cannot fail")
}

/// Checks signature, issuer, audience, expiry and not-before; the session is checked by the caller.
pub(super) fn check(keys: &Keys, token: &str) -> Result<Principal, AuthError> {
    let mut v = Validation::new(Algorithm::HS256);
    v.set_issuer(&[ISSUER]);
    v.set_audience(&[AUDIENCE]);
    v.validate_nbf = true;
    v.leeway = 5;
    let data = decode::<Claims>(token, &keys.decoding, &v).map_err(|_| AuthError::InvalidToken)?;
    let c = data.claims;
    Ok(Principal {
        user_id: c.sub,
        username: c.name,
        role: c.role,
        carrier: c.carrier,
        session_id: c.jti,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn principal() -> Principal {
        Principal {
            user_id: "u1".into(),
            username: "ann".into(),
            role: Role::Officer,
            carrier: None,
            session_id: "s1".into(),
        }
    }

    #[test]
    fn a_signed_token_checks_and_a_tampered_one_does_not() {
        let keys = Keys::from_secret(b"k1");
        let now = chrono::Utc::now().timestamp();
        let t = sign(&keys, &principal(), now, now + 60);
        assert_eq!(check(&keys, &t).unwrap().role, Role::Officer);
        assert!(check(&Keys::from_secret(b"k2"), &t).is_err());
        let mut bad = t.clone();
        bad.insert(bad.len() / 2, 'x');
        assert!(check(&keys, &bad).is_err());
        let expired = sign(&keys, &principal(), now - 1000, now - 500);
        assert!(check(&keys, &expired).is_err());
    }
}
