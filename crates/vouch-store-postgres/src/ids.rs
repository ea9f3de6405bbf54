//! Reserving response ids, the second part of the protocol the `read` module describes.
//!
//! Every writer of `responses` does the same three things, in this order:
//! 1. begins its transaction with [`BEGIN_WRITER`], which registers it (a shared advisory lock
//!    keyed by a lower bound of its transaction id) and then takes its transaction id;
//! 2. reserves the ids of the rows it is about to write with [`reserve`], on another
//!    connection, after step 1 has finished;
//! 3. writes those ids itself, each row with the horizon the reservation returned.

use deadpool_postgres::Pool;
use vouch_store::StoreResult;

use crate::error::{PgContext, other};

/// Starts a writer's transaction and registers it (see the `read` module): the shared advisory
/// lock is taken *before* the transaction id, with a key that is a lower bound of it. The
/// isolation level is spelled out because a horizon is only right if each statement sees a
/// fresh snapshot.
pub(crate) const BEGIN_WRITER: &str = "
    BEGIN ISOLATION LEVEL READ COMMITTED;
    SELECT pg_advisory_xact_lock_shared(pg_snapshot_xmax(pg_current_snapshot())::text::bigint);
    SELECT pg_current_xact_id();";

/// The configuration of the connections that only reserve ids: `config` with commits that do
/// not wait for the disk.
///
/// A reservation holds the reservation lock until it commits, so waiting for its commit to
/// reach the disk would let no more than one reservation through per disk flush, whatever the
/// number of writers. Nothing is lost by not waiting: a writer commits its rows after its
/// reservation committed, so the flush of the writer's commit also carries the reservation's
/// (the write-ahead log is flushed in order). A crash can only forget reservations whose rows
/// were never committed: their ids may then be handed out again, which is harmless, and
/// recovery still moves the transaction counter past every horizon stored in a committed row.
pub(crate) fn reservation_config(mut config: tokio_postgres::Config) -> tokio_postgres::Config {
    let options = match config.get_options() {
        Some(options) => format!("{options} -c synchronous_commit=off"),
        None => "-c synchronous_commit=off".to_owned(),
    };
    config.options(&options);
    config
}

/// A range of response ids reserved for one writer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Reservation {
    /// The first id of the range.
    pub(crate) first: i64,
    /// The horizon to store in every row of the range.
    pub(crate) horizon: i64,
}

/// Reserves `count` consecutive response ids, in a short transaction of its own on a connection
/// of `pool`. The caller's transaction must have taken its transaction id before this is called.
pub(crate) async fn reserve(pool: &Pool, count: usize) -> StoreResult<Reservation> {
    let client = pool
        .get()
        .await
        .pg_context("failed to reserve response ids")?;
    let statement = client
        .prepare_cached("SELECT last_id, horizon::text::bigint FROM reserve_response_ids($1)")
        .await
        .pg_context("failed to prepare the id reservation")?;
    let count = i64::try_from(count).map_err(|_| other("the batch is too large"))?;
    let row = client
        .query_one(&statement, &[&count])
        .await
        .pg_context("failed to reserve response ids")?;
    let last_id: i64 = row
        .try_get(0)
        .pg_context("failed to reserve response ids")?;
    let horizon: i64 = row
        .try_get(1)
        .pg_context("failed to reserve response ids")?;
    if horizon < 0 {
        return Err(other("a negative transaction id"));
    }
    Ok(Reservation {
        first: last_id - count + 1,
        horizon,
    })
}
