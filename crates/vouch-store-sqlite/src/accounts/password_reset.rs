//! Password reset links: they work once, until they expire.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{StoreError, StoreResult, UserId};

use crate::error::{SqlContext, is_foreign_key_violation, is_unique_violation};
use crate::now_millis;

/// Stores a reset link for a user: a hash stored already is a `Conflict`, an unknown user
/// `NotFound`.
pub(crate) fn create(
    connection: &Connection,
    id: UserId,
    token_hash: &str,
    expires_at: i64,
) -> StoreResult<()> {
    let inserted = connection
        .prepare_cached(
            "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at)
             VALUES (?1, ?2, ?3, ?4)",
        )
        .and_then(|mut insert| insert.execute((token_hash, id.0, now_millis(), expires_at)));
    match inserted {
        Ok(_) => Ok(()),
        Err(error) if is_unique_violation(&error) => Err(StoreError::Conflict(
            "a password reset with the same secret already exists".to_owned(),
        )),
        Err(error) if is_foreign_key_violation(&error) => {
            Err(StoreError::NotFound(format!("user {}", id.0)))
        }
        Err(error) => Err(error).sql_context("failed to create a password reset"),
    }
}

/// Uses a reset link up: the user it is for, if it exists, is unused and has not expired at
/// `now` (milliseconds). One statement, so two clicks at once cannot both use it.
pub(crate) fn take(
    connection: &Connection,
    token_hash: &str,
    now: i64,
) -> StoreResult<Option<UserId>> {
    connection
        .prepare_cached(
            "UPDATE password_resets SET used_at = ?2
             WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2
             RETURNING user_id",
        )
        .and_then(|mut update| {
            update
                .query_row((token_hash, now), |row| Ok(UserId(row.get(0)?)))
                .optional()
        })
        .sql_context("failed to use a password reset")
}
