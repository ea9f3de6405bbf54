//! Turning driver and pool errors into [`StoreError`]s.

use tokio_postgres::error::SqlState;
use vouch_store::StoreError;

/// Adds what was being done to a driver error; a broken uniqueness rule becomes
/// [`StoreError::Conflict`], a reference to a row that does not exist [`StoreError::NotFound`].
pub(crate) trait PgContext<T> {
    /// The result with `context` ("failed to …") attached to its error.
    fn pg_context(self, context: &str) -> Result<T, StoreError>;
}

impl<T> PgContext<T> for Result<T, tokio_postgres::Error> {
    fn pg_context(self, context: &str) -> Result<T, StoreError> {
        self.map_err(|error| database_error(error, context))
    }
}

impl<T> PgContext<T> for Result<T, deadpool_postgres::PoolError> {
    fn pg_context(self, context: &str) -> Result<T, StoreError> {
        self.map_err(|error| {
            StoreError::Other(
                anyhow::Error::new(error)
                    .context(format!("{context}: no database connection available")),
            )
        })
    }
}

/// A driver error as a [`StoreError`].
pub(crate) fn database_error(error: tokio_postgres::Error, context: &str) -> StoreError {
    if let Some(database) = error.as_db_error()
        && *database.code() == SqlState::UNIQUE_VIOLATION
    {
        return StoreError::Conflict(format!("{context}: {}", database.message()));
    }
    if let Some(database) = error.as_db_error()
        && *database.code() == SqlState::FOREIGN_KEY_VIOLATION
    {
        return StoreError::NotFound(format!("{context}: {}", database.message()));
    }
    StoreError::Other(anyhow::Error::new(error).context(context.to_owned()))
}

/// A [`StoreError::Other`] with this message.
pub(crate) fn other(message: impl Into<String>) -> StoreError {
    StoreError::Other(anyhow::Error::msg(message.into()))
}
