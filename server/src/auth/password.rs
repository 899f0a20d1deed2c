//! Password hashing (argon2id) and the password policy.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;

/// A hash verified for unknown users so the time a login takes does not reveal which accounts
/// exist; made once per process from a random password.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash(&uuid::Uuid::new_v4().to_string()))
}

/// Passwords nobody should use, checked case-insensitively (with digits and symbols stripped).
const COMMON: &[&str] = &[
    "password",
    "passwort",
    "motdepasse",
    "contrasena",
    "qwerty",
    "qwertyuiop",
    "letmein",
    "welcome",
    "admin",
    "administrator",
    "changeme",
    "iloveyou",
    "monkey",
    "dragon",
    "football",
    "baseball",
    "sunshine",
    "princess",
    "trustno",
    "abcdef",
    "abcdefghijkl",
    "master",
    "superman",
    "secret",
    "starwars",
    "whatever",
    "shadow",
    "passw",
    "default",
    "customs",
    "border",
    "paxrisk",
];

/// Why a password was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PolicyError {
    #[error("the password must be at least 12 characters long")]
    TooShort,
    #[error("the password must not contain the username")]
    ContainsUsername,
    #[error("the password is too common")]
    Common,
}

/// Checks the password policy: at least 12 characters, not containing the username, not common.
pub fn check_policy(username: &str, password: &str) -> Result<(), PolicyError> {
    if password.chars().count() < 12 {
        return Err(PolicyError::TooShort);
    }
    let lower = password.to_lowercase();
    if !username.is_empty() && lower.contains(&username.to_lowercase()) {
        return Err(PolicyError::ContainsUsername);
    }
    let letters: String = lower.chars().filter(|c| c.is_alphabetic()).collect();
    let distinct = {
        let mut c: Vec<char> = lower.chars().collect();
        c.sort_unstable();
        c.dedup();
        c.len()
    };
    if distinct < 5
        || COMMON
            .iter()
            .any(|w| letters == *w || (letters.len() <= w.len() + 2 && letters.contains(w)))
    {
        return Err(PolicyError::Common);
    }
    Ok(())
}

/// Hashes a password with argon2id and a random salt. Slow by design: call off the executor.
pub fn hash(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 with default parameters cannot fail")
        .to_string()
}

/// Verifies a password against a stored hash; `None` (unknown user) verifies against a dummy.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let hash_text: &str = match stored {
        Some(s) => s,
        None => dummy_hash(),
    };
    let parsed = PasswordHash::new(hash_text);
    let ok = match parsed {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    };
    ok && stored.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_refuses_short_username_and_common() {
        assert_eq!(check_policy("ann", "short"), Err(PolicyError::TooShort));
        assert_eq!(
            check_policy("officer1", "my-officer1-pass!"),
            Err(PolicyError::ContainsUsername)
        );
        assert_eq!(
            check_policy("ann", "Password1234"),
            Err(PolicyError::Common)
        );
        assert_eq!(
            check_policy("ann", "aaaaaaaaaaaaaa"),
            Err(PolicyError::Common)
        );
        assert_eq!(check_policy("ann", "Quiet-Lantern-7-Harbour-2026!"), Ok(()));
    }

    #[test]
    fn hash_verifies_only_the_right_password() {
        let h = hash("Quiet-Lantern-7-Harbour");
        assert!(verify("Quiet-Lantern-7-Harbour", Some(&h)));
        assert!(!verify("Quiet-Lantern-8-Harbour", Some(&h)));
        assert!(!verify("Quiet-Lantern-7-Harbour", None));
    }
}
