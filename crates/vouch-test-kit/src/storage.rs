//! Fresh databases for one test: a SQLite file in a temporary directory, or a PostgreSQL
//! database of its own on the server `VOUCH_TEST_DATABASE_URL` names.

use std::sync::Arc;

use vouch_store::Store;
use vouch_store_postgres::{PostgresStore, TestDatabase};
use vouch_store_sqlite::SqliteStore;

/// The variable naming the PostgreSQL server tests may create databases on, for example
/// `postgres://postgres@127.0.0.1:5432/test`.
pub const DATABASE_URL: &str = "VOUCH_TEST_DATABASE_URL";

/// How to get PostgreSQL for the tests, as [`crate::missing`] prints it.
const POSTGRES_HOW: &str = "set VOUCH_TEST_DATABASE_URL=postgres://USER@HOST:PORT/DATABASE";

/// The server URL of [`DATABASE_URL`], when set.
pub fn postgres_server_url() -> Option<String> {
    std::env::var(DATABASE_URL)
        .ok()
        .filter(|url| !url.is_empty())
}

/// A fresh PostgreSQL database, dropped with the value; `None` (after saying so) when
/// [`DATABASE_URL`] is not set, a panic then under `VOUCH_TEST_REQUIRE_ALL=1`.
pub async fn scratch_postgres(test: &str) -> Option<TestDatabase> {
    let Some(server_url) = postgres_server_url() else {
        crate::missing(test, "PostgreSQL", POSTGRES_HOW);
        return None;
    };
    Some(
        TestDatabase::create(&server_url)
            .await
            .expect("a fresh PostgreSQL test database"),
    )
}

/// A store over a fresh database, and what keeps that database alive.
pub struct Storage {
    store: Arc<dyn Store>,
    /// Kept until the end of the test: the file's directory, or the database to drop.
    _keep: Keep,
}

/// What a [`Storage`] removes when dropped.
enum Keep {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres(#[allow(dead_code)] TestDatabase),
}

impl Storage {
    /// A store over a fresh SQLite file.
    pub async fn sqlite() -> Storage {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("vouch.db");
        let store = tokio::task::spawn_blocking(move || SqliteStore::open_path(&path))
            .await
            .expect("the opening thread")
            .expect("a fresh SQLite store");
        Storage {
            store: Arc::new(store),
            _keep: Keep::Sqlite(dir),
        }
    }

    /// A store over a fresh PostgreSQL database; `None` as [`scratch_postgres`] says.
    pub async fn postgres() -> Option<Storage> {
        let database = scratch_postgres("a PostgreSQL test").await?;
        let store = PostgresStore::connect(database.url())
            .await
            .expect("connect to the fresh PostgreSQL database");
        Some(Storage {
            store: Arc::new(store),
            _keep: Keep::Postgres(database),
        })
    }

    /// The store.
    pub fn store(&self) -> Arc<dyn Store> {
        Arc::clone(&self.store)
    }
}

/// [`scratch_postgres`] for a test without an async runtime of its own.
pub fn scratch_postgres_blocking(test: &str) -> Option<TestDatabase> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime")
        .block_on(scratch_postgres(test))
}
