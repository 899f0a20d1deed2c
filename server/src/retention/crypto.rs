//! Crypto-shredding: each masked subject (`traveller:ID`, `pnr:ID`) has its own random data key,
//! kept wrapped under the master key in `retention_keys`; its clear originals are sealed under
//! that data key in `sealed_originals`. Deleting the key row at the delete age leaves every copy
//! of the sealed originals (backups included) unreadable.
//!
//! XChaCha20-Poly1305: its 24-byte nonces are safe to draw at random; the subject is bound as
//! associated data, so a sealed value moved to another subject does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use diesel::prelude::*;
use rand::RngCore;

use super::RetentionError;
use crate::config::Config;
use crate::db::schema::{retention_keys, sealed_originals};
use crate::db::{now_ms, DbConnection};

const NONCE: usize = 24;

/// A 256-bit key whose `Debug` prints nothing.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey(..)")
    }
}

impl SecretKey {
    fn random() -> Self {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        SecretKey(k)
    }

    fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        Some(SecretKey(bytes.try_into().ok()?))
    }
}

fn seal_with(key: &SecretKey, aad: &str, clear: &[u8]) -> Result<Vec<u8>, RetentionError> {
    let cipher = XChaCha20Poly1305::new((&key.0).into());
    let mut nonce = [0u8; NONCE];
    rand::thread_rng().fill_bytes(&mut nonce);
    let sealed = cipher
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: clear,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| RetentionError::Crypto("encryption failed"))?;
    Ok([nonce.as_slice(), &sealed].concat())
}

fn open_with(key: &SecretKey, aad: &str, sealed: &[u8]) -> Result<Vec<u8>, RetentionError> {
    if sealed.len() < NONCE {
        return Err(RetentionError::Crypto("sealed value too short"));
    }
    let (nonce, body) = sealed.split_at(NONCE);
    XChaCha20Poly1305::new((&key.0).into())
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: body,
                aad: aad.as_bytes(),
            },
        )
        .map_err(|_| RetentionError::Crypto("authentication failed"))
}

/// The master key that wraps data keys: `PAXRISK_RETENTION_KEY` (64 hex digits) when set, else
/// generated once and kept in the database so every server on one database shares it.
pub fn master_key(conn: &mut DbConnection, config: &Config) -> Result<SecretKey, RetentionError> {
    if let Some(hexkey) = &config.retention_key {
        return SecretKey::from_hex(hexkey).ok_or_else(|| {
            RetentionError::Invalid("PAXRISK_RETENTION_KEY must be 64 hexadecimal digits".into())
        });
    }
    let stored = crate::db::setting_or_create(conn, "retention_master_key", || {
        hex::encode(SecretKey::random().0)
    })?;
    SecretKey::from_hex(&stored).ok_or(RetentionError::Crypto("the stored master key is malformed"))
}

/// Seals `clear` as the original of `subject`, creating the subject's data key. A subject
/// sealed before keeps its first original (the clear data as received).
pub fn seal(
    conn: &mut DbConnection,
    master: &SecretKey,
    subject: &str,
    clear: &[u8],
) -> Result<(), RetentionError> {
    let exists: i64 = sealed_originals::table
        .filter(sealed_originals::subject.eq(subject))
        .count()
        .get_result(conn)?;
    if exists > 0 {
        return Ok(());
    }
    let key = SecretKey::random();
    let wrapped = seal_with(master, &format!("key:{subject}"), &key.0)?;
    let sealed = seal_with(&key, subject, clear)?;
    let now = now_ms();
    diesel::delete(retention_keys::table.filter(retention_keys::subject.eq(subject)))
        .execute(conn)?;
    diesel::insert_into(retention_keys::table)
        .values((
            retention_keys::subject.eq(subject),
            retention_keys::wrapped_key.eq(wrapped),
            retention_keys::created_at.eq(now),
        ))
        .execute(conn)?;
    diesel::insert_into(sealed_originals::table)
        .values((
            sealed_originals::subject.eq(subject),
            sealed_originals::sealed.eq(sealed),
            sealed_originals::sealed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Opens the sealed original of `subject`; `None` when nothing was sealed or the key is gone.
pub fn open(
    conn: &mut DbConnection,
    master: &SecretKey,
    subject: &str,
) -> Result<Option<Vec<u8>>, RetentionError> {
    let wrapped: Option<Vec<u8>> = retention_keys::table
        .filter(retention_keys::subject.eq(subject))
        .select(retention_keys::wrapped_key)
        .first(conn)
        .optional()?;
    let sealed: Option<Vec<u8>> = sealed_originals::table
        .filter(sealed_originals::subject.eq(subject))
        .select(sealed_originals::sealed)
        .first(conn)
        .optional()?;
    let (Some(wrapped), Some(sealed)) = (wrapped, sealed) else {
        return Ok(None);
    };
    let key_bytes = open_with(master, &format!("key:{subject}"), &wrapped)?;
    let key = SecretKey(
        key_bytes
            .try_into()
            .map_err(|_| RetentionError::Crypto("data key of the wrong size"))?,
    );
    open_with(&key, subject, &sealed).map(Some)
}

/// Destroys the data keys of `subjects` (crypto-shredding), then their sealed originals.
pub fn shred(conn: &mut DbConnection, subjects: &[String]) -> QueryResult<usize> {
    let n = diesel::delete(retention_keys::table.filter(retention_keys::subject.eq_any(subjects)))
        .execute(conn)?;
    diesel::delete(sealed_originals::table.filter(sealed_originals::subject.eq_any(subjects)))
        .execute(conn)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_value_opens_only_with_its_key_and_subject() {
        let k = SecretKey::random();
        let sealed = seal_with(&k, "traveller:1", b"DOE JANE").unwrap();
        assert!(!sealed.windows(3).any(|w| w == b"DOE"));
        assert_eq!(open_with(&k, "traveller:1", &sealed).unwrap(), b"DOE JANE");
        assert!(open_with(&k, "traveller:2", &sealed).is_err());
        assert!(open_with(&SecretKey::random(), "traveller:1", &sealed).is_err());
    }

    #[test]
    fn keys_never_print() {
        assert_eq!(format!("{:?}", SecretKey::random()), "SecretKey(..)");
        assert!(SecretKey::from_hex("00").is_none());
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_some());
    }
}
