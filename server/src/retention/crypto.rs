//! Crypto-shredding: each masked subject (`traveller:ID`, `pnr:ID`) has its own random data key,
//! kept in `retention_keys` wrapped under one epoch's master key from the keyring (see `keyring`:
//! the master keys live outside the database and are rotated); its clear originals are sealed
//! under that data key in `sealed_originals`. Deleting the key row at the delete age makes the
//! live database's copy unreadable at once; destroying the epoch's master key at the end of the
//! backup retention window does the same for every backup that still holds the wrapped key.
//!
//! XChaCha20-Poly1305: its 24-byte nonces are safe to draw at random; the subject is bound as
//! associated data, so a sealed value moved to another subject does not open.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use diesel::prelude::*;
use rand::RngCore;

use super::keyring::{Keyring, SealingKey, LEGACY_SETTING};
use super::RetentionError;
use crate::db::schema::{retention_keys, sealed_originals, settings};
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
    pub(super) fn random() -> Self {
        let mut k = [0u8; 32];
        rand::thread_rng().fill_bytes(&mut k);
        SecretKey(k)
    }

    pub(super) fn from_hex(s: &str) -> Option<Self> {
        let bytes = hex::decode(s.trim()).ok()?;
        Some(SecretKey(bytes.try_into().ok()?))
    }

    pub(super) fn to_hex(&self) -> String {
        hex::encode(self.0)
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

/// Seals `clear` as the original of `subject`, creating the subject's data key wrapped under the
/// current epoch's master key. A subject sealed before keeps its first original (the clear data
/// as received).
pub fn seal(
    conn: &mut DbConnection,
    sealing: &SealingKey,
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
    let wrapped = seal_with(&sealing.key, &format!("key:{subject}"), &key.0)?;
    let sealed = seal_with(&key, subject, clear)?;
    let now = now_ms();
    diesel::delete(retention_keys::table.filter(retention_keys::subject.eq(subject)))
        .execute(conn)?;
    diesel::insert_into(retention_keys::table)
        .values((
            retention_keys::subject.eq(subject),
            retention_keys::wrapped_key.eq(wrapped),
            retention_keys::created_at.eq(now),
            retention_keys::epoch.eq(Some(sealing.epoch)),
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

/// The data key of `subject` from its wrapped form: `None` when the master key of its epoch has
/// been destroyed (or, for a data key of before the keyring, no legacy key is configured).
fn unwrap_key(
    ring: &Keyring,
    subject: &str,
    epoch: Option<i64>,
    wrapped: &[u8],
) -> Result<Option<SecretKey>, RetentionError> {
    let aad = format!("key:{subject}");
    let bytes = match epoch {
        Some(e) => match ring.key(e) {
            Some(master) => open_with(master, &aad, wrapped)?,
            None => return Ok(None),
        },
        None => {
            if ring.legacy().is_empty() {
                return Ok(None);
            }
            ring.legacy()
                .iter()
                .find_map(|m| open_with(m, &aad, wrapped).ok())
                .ok_or(RetentionError::Crypto(
                    "no legacy master key opens a data key of before the keyring",
                ))?
        }
    };
    Ok(Some(SecretKey(bytes.try_into().map_err(|_| {
        RetentionError::Crypto("data key of the wrong size")
    })?)))
}

/// Opens the sealed original of `subject`; `None` when nothing was sealed or the key is gone
/// (deleted with the subject, or its epoch's master key destroyed by rotation).
pub fn open(
    conn: &mut DbConnection,
    ring: &Keyring,
    subject: &str,
) -> Result<Option<Vec<u8>>, RetentionError> {
    let wrapped: Option<(Vec<u8>, Option<i64>)> = retention_keys::table
        .filter(retention_keys::subject.eq(subject))
        .select((retention_keys::wrapped_key, retention_keys::epoch))
        .first(conn)
        .optional()?;
    let sealed: Option<Vec<u8>> = sealed_originals::table
        .filter(sealed_originals::subject.eq(subject))
        .select(sealed_originals::sealed)
        .first(conn)
        .optional()?;
    let (Some((wrapped, epoch)), Some(sealed)) = (wrapped, sealed) else {
        return Ok(None);
    };
    let Some(key) = unwrap_key(ring, subject, epoch, &wrapped)? else {
        return Ok(None);
    };
    open_with(&key, subject, &sealed).map(Some)
}

/// Seals `clear` under a new data key of `subject` (replacing any it had), for data stored in its
/// owner's table rather than in `sealed_originals` (raw message bytes); returns the sealed bytes.
pub fn seal_bytes(
    conn: &mut DbConnection,
    sealing: &SealingKey,
    subject: &str,
    clear: &[u8],
) -> Result<Vec<u8>, RetentionError> {
    let key = SecretKey::random();
    let wrapped = seal_with(&sealing.key, &format!("key:{subject}"), &key.0)?;
    diesel::delete(retention_keys::table.filter(retention_keys::subject.eq(subject)))
        .execute(conn)?;
    diesel::insert_into(retention_keys::table)
        .values((
            retention_keys::subject.eq(subject),
            retention_keys::wrapped_key.eq(wrapped),
            retention_keys::created_at.eq(now_ms()),
            retention_keys::epoch.eq(Some(sealing.epoch)),
        ))
        .execute(conn)?;
    seal_with(&key, subject, clear)
}

/// Opens bytes that `seal_bytes` sealed for `subject`; `None` when its data key is gone.
pub fn open_bytes(
    conn: &mut DbConnection,
    ring: &Keyring,
    subject: &str,
    sealed: &[u8],
) -> Result<Option<Vec<u8>>, RetentionError> {
    let wrapped: Option<(Vec<u8>, Option<i64>)> = retention_keys::table
        .filter(retention_keys::subject.eq(subject))
        .select((retention_keys::wrapped_key, retention_keys::epoch))
        .first(conn)
        .optional()?;
    let Some((wrapped, epoch)) = wrapped else {
        return Ok(None);
    };
    let Some(key) = unwrap_key(ring, subject, epoch, &wrapped)? else {
        return Ok(None);
    };
    open_with(&key, subject, sealed).map(Some)
}

/// Destroys the data keys of `subjects` (crypto-shredding), then their sealed originals.
pub fn shred(conn: &mut DbConnection, subjects: &[String]) -> QueryResult<usize> {
    let n = diesel::delete(retention_keys::table.filter(retention_keys::subject.eq_any(subjects)))
        .execute(conn)?;
    diesel::delete(sealed_originals::table.filter(sealed_originals::subject.eq_any(subjects)))
        .execute(conn)?;
    Ok(n)
}

/// What a rotation did.
#[derive(Debug, Default, Clone, Copy)]
pub struct Rotation {
    /// Data keys wrapped anew under the current epoch's master key.
    pub rewrapped: usize,
    /// Data keys whose epoch's master key was gone: unreadable, removed with their originals.
    pub dead: usize,
    /// Data keys of before the keyring that no configured legacy key opens (left in place).
    pub unopened: usize,
}

/// Wraps under `sealing`'s epoch, in batches, the data keys of before the keyring and those of
/// epochs before `before` (the ones whose master keys are about to be destroyed; `None`: only
/// those of before the keyring). Data keys whose master key is gone already are shredded.
///
/// Moving a data key only when its epoch expires keeps the guarantee (a backup of day T holds
/// data keys of epochs up to T, all destroyed after T + window) while each key is re-wrapped once
/// per window, not once a day.
pub fn rotate(
    conn: &mut DbConnection,
    ring: &Keyring,
    sealing: &SealingKey,
    before: Option<i64>,
) -> Result<Rotation, RetentionError> {
    let mut out = Rotation::default();
    let mut after = String::new();
    loop {
        let mut q = retention_keys::table
            .filter(retention_keys::subject.gt(after.clone()))
            .select((
                retention_keys::subject,
                retention_keys::epoch,
                retention_keys::wrapped_key,
            ))
            .order(retention_keys::subject)
            .limit(500)
            .into_boxed();
        q = match before {
            None => q.filter(retention_keys::epoch.is_null()),
            Some(b) => q.filter(
                retention_keys::epoch.is_null().or(retention_keys::epoch
                    .lt(b)
                    .and(retention_keys::epoch.ne(sealing.epoch))),
            ),
        };
        let rows: Vec<(String, Option<i64>, Vec<u8>)> = q.load(conn)?;
        let Some(last) = rows.last().map(|r| r.0.clone()) else {
            break;
        };
        crate::db::transaction(conn, |c| {
            let mut dead = Vec::new();
            for (subject, epoch, wrapped) in &rows {
                match unwrap_key(ring, subject, *epoch, wrapped) {
                    Ok(Some(key)) => {
                        let again = seal_with(&sealing.key, &format!("key:{subject}"), &key.0)?;
                        diesel::update(
                            retention_keys::table.filter(retention_keys::subject.eq(subject)),
                        )
                        .set((
                            retention_keys::wrapped_key.eq(again),
                            retention_keys::epoch.eq(Some(sealing.epoch)),
                        ))
                        .execute(c)?;
                        out.rewrapped += 1;
                    }
                    // Its epoch's master key was destroyed: nothing can open it any more.
                    Ok(None) if epoch.is_some() => dead.push(subject.clone()),
                    Ok(None) | Err(_) if epoch.is_none() => out.unopened += 1,
                    Ok(None) => {}
                    Err(e) => return Err(e),
                }
            }
            out.dead += shred(c, &dead)?;
            Ok::<_, RetentionError>(())
        })?;
        after = last;
    }
    if out.unopened > 0 {
        tracing::warn!(
            count = out.unopened,
            "data keys of before the keyring that no legacy master key opens were left as they are"
        );
    }
    Ok(out)
}

/// Deletes the legacy master key stored in the database once no data key needs it any more.
/// Returns true when it was deleted.
pub fn drop_legacy_setting(conn: &mut DbConnection) -> Result<bool, RetentionError> {
    let left: i64 = retention_keys::table
        .filter(retention_keys::epoch.is_null())
        .count()
        .get_result(conn)?;
    if left > 0 {
        return Ok(false);
    }
    let n =
        diesel::delete(settings::table.filter(settings::key.eq(LEGACY_SETTING))).execute(conn)?;
    Ok(n > 0)
}

/// How many data keys the keyring still opens.
#[derive(Debug, Default, serde::Serialize)]
pub struct KeyCounts {
    /// Data keys in the database.
    pub data_keys: usize,
    /// Of those, the ones a master key of the keyring (or a legacy key) opens.
    pub openable: usize,
    /// The ones whose master key is destroyed: their sealed originals are gone for good.
    pub shredded: usize,
    /// The ones wrapped under a legacy master key (before the keyring).
    pub legacy: usize,
}

/// Counts the data keys by whether `ring` opens them (reads every wrapped key; no data).
pub fn count_openable(
    conn: &mut DbConnection,
    ring: &Keyring,
) -> Result<KeyCounts, RetentionError> {
    let rows: Vec<(String, Option<i64>, Vec<u8>)> = retention_keys::table
        .select((
            retention_keys::subject,
            retention_keys::epoch,
            retention_keys::wrapped_key,
        ))
        .load(conn)?;
    let mut c = KeyCounts {
        data_keys: rows.len(),
        ..KeyCounts::default()
    };
    for (subject, epoch, wrapped) in rows {
        if epoch.is_none() {
            c.legacy += 1;
        }
        match unwrap_key(ring, &subject, epoch, &wrapped) {
            Ok(Some(_)) => c.openable += 1,
            _ => c.shredded += 1,
        }
    }
    Ok(c)
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

    /// An install of before the keyring: a master key generated into the settings table, another
    /// given as `PAXRISK_RETENTION_KEY`, each wrapping a data key that names no epoch.
    #[test]
    fn legacy_master_keys_move_into_the_keyring_and_out_of_the_database() {
        use super::super::keyring::{self, Keyring};
        let dir = std::env::temp_dir().join(format!("paxrisk-legacy-{}", crate::db::new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let mut config = crate::config::Config::from_env();
        config.data_dir = dir.clone();
        config.database_url = format!("sqlite://{}", dir.join("p.db").display());
        config.keyring = None;
        let (stored, given) = (SecretKey::random(), SecretKey::random());
        config.retention_key = Some(given.to_hex());
        let pool = crate::db::open(&config.database_url, 1).unwrap();
        let mut conn = pool.get().unwrap();
        diesel::insert_into(settings::table)
            .values((
                settings::key.eq(LEGACY_SETTING),
                settings::value.eq(stored.to_hex()),
            ))
            .execute(&mut *conn)
            .unwrap();
        for (subject, master) in [("traveller:1", &stored), ("traveller:2", &given)] {
            let key = SecretKey::random();
            diesel::insert_into(retention_keys::table)
                .values((
                    retention_keys::subject.eq(subject),
                    retention_keys::wrapped_key.eq(seal_with(
                        master,
                        &format!("key:{subject}"),
                        &key.0,
                    )
                    .unwrap()),
                    retention_keys::created_at.eq(0),
                ))
                .execute(&mut *conn)
                .unwrap();
            diesel::insert_into(sealed_originals::table)
                .values((
                    sealed_originals::subject.eq(subject),
                    sealed_originals::sealed.eq(seal_with(&key, subject, b"ORIGINAL").unwrap()),
                    sealed_originals::sealed_at.eq(0),
                ))
                .execute(&mut *conn)
                .unwrap();
        }
        let now = 1_800_000_000_000;
        let mut ring = keyring::prepare(&mut conn, &config, now).unwrap();
        assert!(dir.join("keyring").exists());
        assert_eq!(
            crate::db::get_setting(&mut conn, LEGACY_SETTING).unwrap(),
            None,
            "the stored master key left the database"
        );
        let epochs: Vec<Option<i64>> = retention_keys::table
            .select(retention_keys::epoch)
            .load(&mut *conn)
            .unwrap();
        assert_eq!(epochs, vec![Some(keyring::epoch_of(now)); 2]);
        for subject in ["traveller:1", "traveller:2"] {
            assert_eq!(
                open(&mut conn, &ring, subject).unwrap().as_deref(),
                Some(&b"ORIGINAL"[..])
            );
        }
        // Destroying the epoch shreds both.
        let later = keyring::epoch_of(now) + 40;
        assert_eq!(ring.destroy_before(later - 30, later).unwrap(), 1);
        assert_eq!(open(&mut conn, &ring, "traveller:1").unwrap(), None);
        // The keyring gone: an error naming it, and no new one.
        std::fs::remove_file(dir.join("keyring")).unwrap();
        let err = Keyring::open(&mut conn, &config, true)
            .unwrap_err()
            .to_string();
        assert!(err.contains("is missing"), "{err}");
        assert!(!dir.join("keyring").exists());
        drop(conn);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn keys_never_print() {
        assert_eq!(format!("{:?}", SecretKey::random()), "SecretKey(..)");
        assert!(SecretKey::from_hex("00").is_none());
        assert!(SecretKey::from_hex(&"ab".repeat(32)).is_some());
    }
}
