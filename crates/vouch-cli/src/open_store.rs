//! Choosing the storage backend from the database URL.

use std::sync::Arc;

use anyhow::Context;
use vouch_store::Store;

use crate::bad_input;

/// Opens the database a URL names (applying migrations): `sqlite://…` or `postgres://…`.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if url.starts_with("sqlite:") {
        let store = vouch_store_sqlite::SqliteStore::open(url)
            .with_context(|| format!("cannot open the SQLite database {url}"))?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = vouch_store_postgres::PostgresStore::connect(url)
            .await
            .context("cannot connect to the PostgreSQL database")?;
        Ok(Arc::new(store))
    } else {
        bad_input!("--database-url: {url:?} is neither sqlite://FILE nor postgres://…")
    }
}
