//! Passwords on the server: hashing with a fresh salt and verifying, on the blocking pool,
//! by the rules of [`vouch_core::password`].

use std::sync::LazyLock;

use vouch_core::password::{SALT_BYTES, check_password, verify_password};

use crate::session::random_token;

/// Password hashing, shared with the command line (`vouch users create`).
///
/// [`vouch_core::password::hash_password`] (argon2id, stored as a PHC string) with a random
/// salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt: [u8; SALT_BYTES] = rand::random();
    Ok(vouch_core::password::hash_password(password, &salt)?)
}

/// A hash no password matches in practice, with the same parameters as real ones: unknown
/// emails are verified against it, so that they take as long as known ones.
static DUMMY_HASH: LazyLock<String> = LazyLock::new(|| {
    hash_password(&random_token()).unwrap_or_else(|_| {
        "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$\
         6tbTnJ3mcnEcJmhqx2ZBDw8Zb6Xp6u9j3zY1HkXrTmM"
            .to_owned()
    })
});

/// Verifies on the blocking pool (argon2 takes tens of milliseconds of CPU). False without a
/// `hash`, after verifying against [`DUMMY_HASH`] all the same.
pub(super) async fn verify_blocking(password: String, hash: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| DUMMY_HASH.clone());
        verify_password(&password, &hash) && known
    })
    .await
    .unwrap_or(false)
}

/// Hashes on the blocking pool.
pub(super) async fn hash_blocking(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?
}

/// A new random password for people who did not choose one (`vouch users create`,
/// `vouch demo`): 20 letters and digits.
pub fn generate_password() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 20)
}

/// Why a new password cannot be used ([`check_password`]), as a sentence to show, if it cannot.
pub(super) fn password_problem(password: &str) -> Option<String> {
    check_password(password)
        .err()
        .map(|problem| problem.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("correct horse batterx", &hash));
        assert!(!verify_password("x", "not a hash"));
        assert!(!verify_password("anything", &DUMMY_HASH));
    }

    #[test]
    fn passwords_need_ten_characters() {
        assert!(password_problem("short").is_some());
        assert!(password_problem("0123456789").is_none());
        assert!(password_problem(&"x".repeat(1_001)).is_some());
        assert_eq!(generate_password().len(), 20);
    }
}
