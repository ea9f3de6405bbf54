//! The SQLite backend of the Vouch store: everything in one file, next to the binary.
//!
//! [`SqliteStore`] implements [`vouch_store::Store`]. Opening a database applies the numbered
//! migrations in `migrations/` that it has not seen yet. Connections run in WAL mode with
//! `synchronous = NORMAL`, a 5 s busy timeout and foreign keys on; every query runs on tokio's
//! blocking pool so that async callers never wait on disk.
//!
//! An import ([`vouch_store::ResponseStore::begin_import`]) is one transaction on a connection
//! owned by a thread of its own, fed batch by batch, and nobody sees it until it commits. SQLite
//! has one writer at a time: while an import runs, other writes wait for it, and fail with
//! "database is locked" after the busy timeout; reads go on. A 16 KiB page size, many-row
//! statements and contacts resolved beside the writer make a million-row import take about three
//! seconds on two cores (`cargo bench -p vouch-store-sqlite --bench import`).
//!
//! The server's single responses go through [`vouch_store::ResponseStore::ingest`]: one `BEGIN
//! IMMEDIATE` transaction per call of up to about a thousand requests, on a connection kept for
//! it, with contacts, attribute definitions and idempotency keys written in the same
//! transaction, and checkpoints made by a thread of their own after each call. 100 calls of
//! 1 000 requests take about two to three seconds on two cores
//! (`cargo bench -p vouch-store-sqlite --bench ingest`); as the tables grow, each request
//! changes pages at random places in two indexes (the contact's responses and the idempotency
//! keys), and writing those pages to the log becomes what limits the rate.
//!
//! Answer collection (invitations, answers, campaigns, suppressions, widget keys) and the job
//! queue write through the same pooled connections as every other call, each call one
//! transaction (`BEGIN IMMEDIATE` when it reads before it writes, a single statement
//! otherwise), so that they queue for the one write lock like every other writer: commit order
//! stays id order, which the analytics index relies on when it tails responses by id.
//! An answer that replaces an earlier one erases it (a row in `response_deletions`) and writes
//! the new one in the same transaction. Claiming jobs reads what is due and marks it running
//! under that lock, so two workers, in one process or in several on the same file, never
//! claim one job.
//!
//! The dashboard's accounts (users, memberships, sessions, invitations to join, password
//! resets) and the follow-up of responses (status, assignee, tags, notes) go the same way.
//! Links that work once are used up by one `UPDATE … RETURNING` (a password reset) or under
//! the write lock (an invitation to join, which also writes the membership), so two clicks
//! never both count. The follow-up of a response moves to the answer that replaces it and is
//! erased with its contact, in the transaction that replaces or erases the response.
//!
//! ```no_run
//! use vouch_store::prelude::*;
//! use vouch_store_sqlite::SqliteStore;
//!
//! # async fn example() -> vouch_store::StoreResult<()> {
//! let store = SqliteStore::open("sqlite://vouch.db")?;
//! let workspace = store.workspace("default").await?;
//! for listing in store.surveys(workspace.id).await? {
//!     println!("{}: {} responses", listing.survey.name, listing.responses);
//! }
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod accounts;
mod alerts;
mod attributes;
mod bulk;
mod collect;
mod connection;
mod contacts;
mod error;
mod follow_up;
mod history;
mod jobs;
mod leads;
mod migrate;
mod outbox;
mod replies;
mod responses;
mod row;
mod surveys;
mod tags;
mod themes;
mod webhooks;
mod workspaces;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use rusqlite::Connection;
use vouch_store::StoreResult;

use crate::connection::{Pool, path_of_url};
use crate::error::other;
use crate::responses::ingest::Ingester;

/// A Vouch database in one SQLite file. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct SqliteStore {
    pool: Arc<Pool>,
    ingester: Arc<Ingester>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.pool.path())
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database named by `sqlite://PATH`, `sqlite:PATH` or a bare
    /// path, and brings its schema up to date. In-memory databases (`sqlite::memory:`) are not
    /// supported. This does blocking file I/O for a few milliseconds: call it before serving,
    /// or from a blocking task.
    pub fn open(url_or_path: &str) -> StoreResult<SqliteStore> {
        SqliteStore::open_path(&path_of_url(url_or_path)?)
    }

    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date. Blocks like [`SqliteStore::open`].
    pub fn open_path(path: &Path) -> StoreResult<SqliteStore> {
        let pool = Pool::new(path.to_owned());
        let mut connection = pool.take()?;
        migrate::migrate(&mut connection)?;
        pool.give_back(connection);
        Ok(SqliteStore {
            pool: Arc::new(pool),
            ingester: Arc::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.pool.path()
    }

    /// Runs `task` on a pooled connection on tokio's blocking pool.
    async fn run<T, F>(&self, task: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.take()?;
            let outcome = task(&mut connection);
            pool.give_back(connection);
            outcome
        })
        .await
        .map_err(|error| other(format!("a database task failed: {error}")))?
    }
}

/// The current time as stored: milliseconds since the epoch.
pub(crate) fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}
