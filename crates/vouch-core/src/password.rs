//! Dashboard passwords: the length rule, hashing and verifying.
//!
//! Hashes are argon2id PHC strings with the `argon2` crate's default parameters (19 MiB of
//! memory, 2 passes, 1 lane, a 32-byte output), the ones every stored hash was made with;
//! verifying reads the parameters from the stored string, so a hash made with other
//! parameters still verifies. The salt is the caller's: this crate reads no randomness, so
//! the caller draws [`SALT_BYTES`] bytes from a secure generator for every new hash.
//!
//! Hashing takes tens of milliseconds of CPU: servers call it on a blocking thread.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::limits::{MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS};

/// How many random bytes a salt has (the length argon2 recommends).
pub const SALT_BYTES: usize = 16;

/// Why a password cannot be used. The messages are sentences shown to the person choosing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("Choose a password of at least {MIN_PASSWORD_CHARS} characters.")]
    TooShort,
    /// More than [`MAX_PASSWORD_CHARS`] characters.
    #[error("Choose a password of at most {MAX_PASSWORD_CHARS} characters.")]
    TooLong,
}

/// Hashing failed (argon2 refused its input; not expected with a [`SALT_BYTES`] salt).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("hashing a password failed: {0}")]
pub struct HashError(String);

/// Checks a new password's length: [`MIN_PASSWORD_CHARS`] to [`MAX_PASSWORD_CHARS`]
/// characters. Nothing else is required of it.
pub fn check_password(password: &str) -> Result<(), PasswordError> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(PasswordError::TooShort)
    } else if chars > MAX_PASSWORD_CHARS {
        Err(PasswordError::TooLong)
    } else {
        Ok(())
    }
}

/// The argon2id PHC string of `password` with this salt (`$argon2id$v=19$m=19456,t=2,p=1$…`).
pub fn hash_password(password: &str, salt: &[u8; SALT_BYTES]) -> Result<String, HashError> {
    Argon2::default()
        .hash_password_with_salt(password.as_bytes(), salt)
        .map(|hash| hash.to_string())
        .map_err(|error| HashError(error.to_string()))
}

/// True when `password` matches the PHC string `hash`; false for a malformed hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Made by the dashboard's hashing before this module existed (`Argon2::default()` with a
    /// random salt) for the password `correct horse battery`.
    const DASHBOARD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$\
        mS9GGEEKyhuhK/qlxKZLUQ$LXdjjN058VQWvBVqQ+wi8rBsBHJlAqeJk29HDevGL4s";

    #[test]
    fn a_hash_verifies_its_password_only() {
        let hash = hash_password("correct horse battery", &[7; SALT_BYTES]).unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("", &hash));
    }

    #[test]
    fn the_salt_changes_the_hash() {
        let one = hash_password("correct horse battery", &[1; SALT_BYTES]).unwrap();
        let two = hash_password("correct horse battery", &[2; SALT_BYTES]).unwrap();
        assert_ne!(one, two);
        assert_eq!(
            one,
            hash_password("correct horse battery", &[1; SALT_BYTES]).unwrap()
        );
    }

    #[test]
    fn hashes_made_by_the_dashboard_verify() {
        assert!(verify_password("correct horse battery", DASHBOARD_HASH));
        assert!(!verify_password("correct horse batterx", DASHBOARD_HASH));
    }

    #[test]
    fn a_malformed_hash_matches_nothing() {
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("x", ""));
    }

    #[test]
    fn passwords_need_ten_to_a_thousand_characters() {
        let cases = [
            ("", Err(PasswordError::TooShort)),
            ("short", Err(PasswordError::TooShort)),
            ("012345678", Err(PasswordError::TooShort)),
            ("0123456789", Ok(())),
            ("éééééééééé", Ok(())),
        ];
        for (password, expected) in cases {
            assert_eq!(check_password(password), expected, "{password:?}");
        }
        assert_eq!(check_password(&"x".repeat(1_000)), Ok(()));
        assert_eq!(
            check_password(&"x".repeat(1_001)),
            Err(PasswordError::TooLong)
        );
        assert_eq!(
            PasswordError::TooShort.to_string(),
            "Choose a password of at least 10 characters."
        );
        assert_eq!(
            PasswordError::TooLong.to_string(),
            "Choose a password of at most 1000 characters."
        );
    }
}
