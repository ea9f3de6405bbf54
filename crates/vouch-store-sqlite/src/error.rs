//! Turning rusqlite's errors into [`StoreError`]s that say what was being done.

use vouch_store::StoreError;

/// Adds what the store was doing to a rusqlite error.
pub(crate) trait SqlContext<T> {
    /// A [`StoreError::Other`] that starts with `what`.
    fn sql_context(self, what: &str) -> Result<T, StoreError>;
}

impl<T> SqlContext<T> for rusqlite::Result<T> {
    fn sql_context(self, what: &str) -> Result<T, StoreError> {
        self.map_err(|error| StoreError::Other(anyhow::Error::new(error).context(what.to_owned())))
    }
}

/// True when the error is a violated UNIQUE or PRIMARY KEY constraint.
pub(crate) fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_extended_error_code(),
        Some(rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE | rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
    )
}

/// True when the error is a violated FOREIGN KEY constraint: the row names something (a user,
/// a workspace) that does not exist.
pub(crate) fn is_foreign_key_violation(error: &rusqlite::Error) -> bool {
    error.sqlite_extended_error_code() == Some(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY)
}

/// A [`StoreError::Other`] with a plain message.
pub(crate) fn other(message: impl Into<String>) -> StoreError {
    StoreError::Other(anyhow::Error::msg(message.into()))
}
