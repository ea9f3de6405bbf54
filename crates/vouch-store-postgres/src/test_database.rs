//! A database of its own for one test run, dropped afterwards.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio_postgres::NoTls;
use vouch_store::StoreResult;

use crate::error::{PgContext, other};

/// A fresh, uniquely named database (`vouch_test_…`) on the server of a given URL, for tests.
/// It is dropped, with any connection still open to it, when this value is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    name: String,
    url: String,
    server_url: String,
}

impl TestDatabase {
    /// Creates the database, connecting with `server_url` (for example the `test` database
    /// in `VOUCH_TEST_DATABASE_URL`) to issue `CREATE DATABASE`.
    pub async fn create(server_url: &str) -> StoreResult<TestDatabase> {
        let name = unique_name();
        let url = with_database(server_url, &name)?;
        let client = connect(server_url).await?;
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await
            .pg_context("failed to create a test database")?;
        Ok(TestDatabase {
            name,
            url,
            server_url: server_url.to_owned(),
        })
    }

    /// The URL of the new database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The name of the new database.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop may run inside a runtime that cannot block, so the cleanup gets a thread and a
        // runtime of its own. A failure only leaves a database behind: it is reported, not fatal.
        let name = self.name.clone();
        let server_url = self.server_url.clone();
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|error| other(format!("no runtime to drop {name}: {error}")))?;
            runtime.block_on(async {
                let client = connect(&server_url).await?;
                client
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .await
                    .pg_context("failed to drop a test database")
            })
        });
        match cleanup.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("warning: {error:#}"),
            Err(_) => eprintln!("warning: dropping test database {} panicked", self.name),
        }
    }
}

async fn connect(url: &str) -> StoreResult<tokio_postgres::Client> {
    let (client, connection) = tokio_postgres::connect(url, NoTls)
        .await
        .pg_context("failed to connect to the test server")?;
    tokio::spawn(async move {
        // The connection ends when the client is dropped; an error then is of no interest.
        let _ = connection.await;
    });
    Ok(client)
}

/// `vouch_test_` followed by the time, the process id and a counter, in hexadecimal.
fn unique_name() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos() as u64);
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("vouch_test_{nanos:x}_{:x}_{count}", std::process::id())
}

/// `url` naming the database `name` instead of its own.
fn with_database(url: &str, name: &str) -> StoreResult<String> {
    let (scheme, rest) = url
        .split_once("://")
        .ok_or_else(|| other("the test database URL must start with postgres://"))?;
    let (before_query, query) = match rest.split_once('?') {
        Some((before, query)) => (before, Some(query)),
        None => (rest, None),
    };
    let authority = before_query.split('/').next().unwrap_or_default();
    let mut new_url = format!("{scheme}://{authority}/{name}");
    if let Some(query) = query {
        new_url.push('?');
        new_url.push_str(query);
    }
    Ok(new_url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_name_replaces_the_path_and_keeps_the_parameters() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/test?connect_timeout=5",
                "x"
            )
            .unwrap(),
            "postgres://postgres@127.0.0.1:5432/x?connect_timeout=5"
        );
        assert_eq!(
            with_database("postgresql://u:p@host", "y").unwrap(),
            "postgresql://u:p@host/y"
        );
    }
}
