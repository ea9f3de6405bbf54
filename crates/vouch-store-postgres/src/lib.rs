//! The PostgreSQL backend of the Vouch store, for servers that share one database.
//!
//! [`PostgresStore`] implements [`vouch_store::Store`] on a pool of `tokio-postgres` connections.
//! Connecting applies the numbered migrations in `migrations/` that the database has not seen
//! yet, under an advisory lock so that servers starting together migrate once.
//!
//! An import ([`vouch_store::ResponseStore::begin_import`]) is one transaction on a connection
//! taken out of the pool for good: each batch resolves its contacts with one set-based lookup and
//! insert, then streams its responses with a binary `COPY`. Dropping the import closes the
//! connection, and the server rolls the transaction back.
//!
//! A group commit ([`vouch_store::ResponseStore::ingest`], the API's way in) is one transaction of
//! a fixed number of round trips for the whole batch: idempotency keys claimed and attribute kinds
//! recorded in one statement, contacts locked in id order and merged in memory, new contacts,
//! changed contacts and responses each written by one statement over arrays (see the `responses::ingest` and
//! `contacts::book` modules). Concurrent calls, from this server or others, wait for each other on
//! the contacts they share but do not deadlock; a call that loses a race to create a contact
//! applies its batch again within its transaction, and one the server aborts runs again whole.
//! Transactions on pooled connections that a caller abandons close their connection, so none is
//! handed out again mid-transaction.
//!
//! Readers tail `responses` by id; the `read` module explains why no id can show up behind one
//! already read, although transactions commit in any order. Every writer of responses — import,
//! ingest, or an answer through an invitation (which may also erase the answer it replaces; see
//! the `collect::invitations` module) — follows the protocol of the `ids` module.
//!
//! The job queue is shared by every server on the database: claims lock jobs with `FOR UPDATE
//! SKIP LOCKED`, so no job is claimed by two workers (see the `jobs` module). Whatever queues a
//! job — an email invitation, a reminder, a campaign's next run — does so in the transaction
//! that makes the change the job is for.
//!
//! The dashboard's links that work once — invitations to join a workspace, password resets —
//! are used up by a single conditional `UPDATE`, so that of two servers racing on one link only
//! one wins (see the `accounts::users` module). The team's follow-up of a response (status, assignee,
//! tags, notes) has no foreign key to it; row locks on the response keep it from outliving an
//! erasure, and an answer that replaces another moves it along (see the `follow_up` module).
//! So does each response's history of changes. A workspace's tags are a managed set, unique
//! ignoring case by the core's rule: transactions that change it lock the workspace's row first,
//! and operations over many responses (tagging, a keyword rule's batch, renaming, merging,
//! deleting a tag) are a few set-based statements whatever their number (see the `tags`
//! module). Themes found in a survey's comments are replaced by each run under a lock on the
//! survey (see the `themes` module).
//!
//! ```no_run
//! use vouch_store::prelude::*;
//! use vouch_store_postgres::PostgresStore;
//!
//! # async fn example() -> vouch_store::StoreResult<()> {
//! let store = PostgresStore::connect("postgres://vouch@localhost/vouch").await?;
//! let workspace = store.workspace("default").await?;
//! for listing in store.surveys(workspace.id).await? {
//!     println!("{}: {} responses", listing.survey.name, listing.responses);
//! }
//! # Ok(())
//! # }
//! ```

mod accounts;
#[cfg(test)]
mod accounts_tests;
mod alerts;
mod collect;
#[cfg(test)]
mod collect_tests;
mod contacts;
#[cfg(test)]
mod database_tests;
mod error;
mod follow_up;
mod history;
mod ids;
mod jobs;
mod leads;
mod migrate;
mod outbox;
mod read;
mod replies;
mod responses;
mod row;
#[cfg(test)]
mod server_tests;
mod surveys;
mod tags;
#[cfg(test)]
mod tags_tests;
mod test_database;
mod themes;
mod transaction;
mod webhooks;
mod workspaces;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use jiff::Timestamp;
use tokio_postgres::NoTls;
use tokio_postgres::config::Host;
use vouch_store::StoreResult;

pub use test_database::TestDatabase;

use crate::error::{PgContext, other};

/// Connections the pool keeps open at most.
const POOL_SIZE: usize = 16;

/// Connections kept apart for reserving response ids. A writer reserves ids while it holds a
/// connection of the main pool, so reservations taken from that pool could wait forever for
/// one another; and they are serialised by a lock anyway, so a few connections are enough.
const RESERVATION_POOL_SIZE: usize = 4;

/// How long a caller waits for a free connection before giving up.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// How long connecting may take when the URL does not say (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Vouch database on a PostgreSQL server. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// Where writers reserve response ids (see the `ids` module).
    reservations: Pool,
    /// The URL without its password, for `Debug` and error messages.
    redacted_url: Arc<str>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.pool.status();
        f.debug_struct("PostgresStore")
            .field("url", &self.redacted_url)
            .field("connections", &status.size)
            .field("idle", &status.available)
            .finish()
    }
}

impl PostgresStore {
    /// Connects to the database named by a `postgres://` or `postgresql://` URL (the
    /// `tokio-postgres` URL syntax, without TLS) and brings its schema up to date.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(other(
                "a PostgreSQL URL starts with postgres:// or postgresql://",
            ));
        }
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|error| other(format!("invalid PostgreSQL URL {}: {error}", redact(url))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let redacted_url: Arc<str> = describe(&config).into();
        let pool = build_pool(config.clone(), POOL_SIZE)?;
        let reservations = build_pool(ids::reservation_config(config), RESERVATION_POOL_SIZE)?;
        let store = PostgresStore {
            pool,
            reservations,
            redacted_url,
        };
        let mut client = store.client().await?;
        migrate::migrate(&mut client).await?;
        Ok(store)
    }

    /// The URL connected to, with any password left out.
    pub fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// A pooled connection.
    async fn client(&self) -> StoreResult<Object> {
        let context = format!("failed to connect to {}", self.redacted_url);
        self.pool.get().await.pg_context(&context)
    }
}

/// A pool of at most `size` connections made with `config`.
fn build_pool(config: tokio_postgres::Config, size: usize) -> StoreResult<Pool> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(POOL_WAIT))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|error| other(format!("failed to set up the connection pool: {error}")))
}

/// The parts of a connection configuration that are safe to show: never the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(index, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(index).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let user = config
        .get_user()
        .map(|user| format!("{user}@"))
        .unwrap_or_default();
    let database = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{database}", hosts.join(","))
}

/// A URL that could not be parsed, with whatever follows `user:` up to `@` hidden.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(unparsable)".to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!(
                "{scheme}://{user}:***@{host}{}",
                hide_password_parameter(path)
            )
        }
        None => format!("{scheme}://{authority}{}", hide_password_parameter(path)),
    }
}

/// `path` with the value of a `password=` query parameter hidden.
fn hide_password_parameter(path: &str) -> String {
    match path.find("password=") {
        Some(start) => {
            let value_start = start + "password=".len();
            let value_end = path[value_start..]
                .find('&')
                .map_or(path.len(), |end| value_start + end);
            format!("{}***{}", &path[..value_start], &path[value_end..])
        }
        None => path.to_owned(),
    }
}

/// The current time as stored: milliseconds since the epoch.
pub(crate) fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_configuration_has_no_password() {
        let config =
            tokio_postgres::Config::from_str("postgres://vouch:s3cret@db.example:6543/nps")
                .unwrap();
        assert_eq!(describe(&config), "postgres://vouch@db.example:6543/nps");
    }

    #[test]
    fn an_unparsable_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://vouch:s3cret@db.example:bad/nps?password=x&a=b"),
            "postgres://vouch:***@db.example:bad/nps?password=***&a=b"
        );
    }

    #[tokio::test]
    async fn other_url_schemes_are_refused() {
        let error = PostgresStore::connect("sqlite://vouch.db")
            .await
            .unwrap_err();
        assert!(error.to_string().contains("postgres://"), "{error}");
    }
}
