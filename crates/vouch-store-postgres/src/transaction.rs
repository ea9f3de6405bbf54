//! A pooled connection inside a transaction, which neither an error nor a dropped future can
//! hand back to the pool with the transaction still open.

use deadpool_postgres::{ClientWrapper, Object};
use futures_util::future::try_join_all;
use tokio_postgres::Statement;
use tokio_postgres::error::SqlState;
use vouch_store::{StoreError, StoreResult};

use crate::error::{PgContext, other};

/// How many times a transaction is run before a race it keeps losing is reported.
pub(crate) const ATTEMPTS: u32 = 5;

/// A pooled connection that may be in a transaction.
///
/// Dropped while a transaction may be open (a future cancelled mid-way, a commit whose answer
/// never came), the connection is taken out of the pool and closed, and the server rolls the
/// transaction back. Otherwise it goes back to the pool as usual.
pub(crate) struct PooledTransaction {
    client: Option<Object>,
    open: bool,
}

impl PooledTransaction {
    /// Wraps a pooled connection that is not in a transaction.
    pub(crate) fn new(client: Object) -> PooledTransaction {
        PooledTransaction {
            client: Some(client),
            open: false,
        }
    }

    /// The connection.
    pub(crate) fn client(&self) -> &ClientWrapper {
        // `client` is only emptied by `drop`.
        self.client
            .as_deref()
            .expect("a pooled transaction keeps its connection until dropped")
    }

    /// Records that statements that may open a transaction are about to be sent.
    pub(crate) fn opening(&mut self) {
        self.open = true;
    }

    /// Records that the transaction was committed.
    pub(crate) fn committed(&mut self) {
        self.open = false;
    }

    /// Rolls back whatever is open (nothing is harmless), keeping the connection.
    pub(crate) async fn rollback(&mut self) -> StoreResult<()> {
        self.client()
            .batch_execute("ROLLBACK")
            .await
            .pg_context("failed to roll back")?;
        self.open = false;
        Ok(())
    }
}

impl Drop for PooledTransaction {
    fn drop(&mut self) {
        if self.open
            && let Some(client) = self.client.take()
        {
            drop(Object::take(client));
        }
    }
}

/// True for failures that a fresh attempt of the same transaction may not meet: a uniqueness
/// race with another writer, a deadlock the server broke, a serialization failure.
pub(crate) fn is_transient(error: &StoreError) -> bool {
    match error {
        StoreError::Conflict(_) => true,
        StoreError::Other(error) => error
            .downcast_ref::<tokio_postgres::Error>()
            .and_then(tokio_postgres::Error::code)
            .is_some_and(|code| {
                *code == SqlState::T_R_DEADLOCK_DETECTED
                    || *code == SqlState::T_R_SERIALIZATION_FAILURE
                    || *code == SqlState::UNIQUE_VIOLATION
            }),
        StoreError::NotFound(_) => false,
    }
}

/// After an attempt in `transaction`: its result when it succeeded, `None` (rolled back) when
/// it lost a race and may be tried again, its error otherwise (rolled back as well).
pub(crate) async fn settle<T>(
    transaction: &mut PooledTransaction,
    outcome: StoreResult<Option<T>>,
    attempt: u32,
) -> StoreResult<Option<T>> {
    match outcome {
        Ok(Some(result)) => Ok(Some(result)),
        Ok(None) => {
            transaction.rollback().await?;
            Ok(None)
        }
        Err(error) if is_transient(&error) && attempt < ATTEMPTS => {
            transaction.rollback().await?;
            Ok(None)
        }
        Err(error) => {
            // Should the rollback fail too, the connection is closed instead of being reused.
            let _ = transaction.rollback().await;
            Err(error)
        }
    }
}

/// Statements prepared on the connection (once: they are cached), all in one round trip.
pub(crate) async fn prepare<const N: usize>(
    client: &ClientWrapper,
    sql: [&str; N],
) -> StoreResult<[Statement; N]> {
    let statements = try_join_all(sql.map(|sql| client.prepare_cached(sql)))
        .await
        .pg_context("failed to prepare statements")?;
    statements
        .try_into()
        .map_err(|_| other("a statement went missing"))
}
