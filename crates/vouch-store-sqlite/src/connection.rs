//! Where the database file is, how each connection is set up, and the pool of idle connections.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use rusqlite::Connection;
use vouch_store::StoreResult;

use crate::error::{SqlContext, other};

/// How long a connection waits for another writer before giving up with "database is locked".
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Idle connections kept for reuse; more may be open while busy, the extra ones are closed.
const MAX_IDLE_CONNECTIONS: usize = 4;

/// Page cache of a pooled connection, in KiB (SQLite's negative `cache_size`).
pub(crate) const POOLED_CACHE_KIB: i64 = 32 * 1024;

/// Page cache of the connection an import writes through, in KiB: an import touches the
/// indexes of every response it writes, and keeping them in memory is what makes it fast.
pub(crate) const IMPORT_CACHE_KIB: i64 = 256 * 1024;

/// The file named by `sqlite://PATH`, `sqlite:PATH` or a bare path. A query string
/// (`?mode=rwc`) is ignored. In-memory databases are refused: each pooled connection would see
/// its own empty database.
pub(crate) fn path_of_url(url: &str) -> StoreResult<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = rest.split_once('?').map_or(rest, |(path, _query)| path);
    if path.is_empty() {
        return Err(other(format!("{url:?} names no SQLite database file")));
    }
    if path == ":memory:" || path.starts_with("file::memory:") {
        return Err(other(
            "in-memory SQLite databases are not supported: give a file path",
        ));
    }
    Ok(PathBuf::from(path))
}

/// Opens a connection with the settings every connection of the store uses: WAL, synchronous
/// NORMAL (a committed transaction survives a process crash, not a power cut), a busy timeout
/// and foreign keys on.
pub(crate) fn open_connection(path: &Path, cache_kib: i64) -> StoreResult<Connection> {
    let what = || format!("failed to open the SQLite database {}", path.display());
    let connection = Connection::open(path).sql_context(&what())?;
    connection.busy_timeout(BUSY_TIMEOUT).sql_context(&what())?;
    // The page size only takes effect in a new file, so it must come before journal_mode,
    // which writes the header. 16 KiB pages make the response indexes shallower than the
    // default 4 KiB, which makes big imports about a tenth faster. The journal size limit
    // shrinks the write-ahead log back to 64 MiB after a checkpoint, so a big import does not
    // leave a log as big as itself on disk.
    connection
        .execute_batch(&format!(
            "PRAGMA page_size = 16384;
             PRAGMA journal_mode = WAL;
             PRAGMA synchronous = NORMAL;
             PRAGMA journal_size_limit = 67108864;
             PRAGMA foreign_keys = ON;
             PRAGMA temp_store = MEMORY;
             PRAGMA cache_size = -{cache_kib};"
        ))
        .sql_context(&what())?;
    connection.set_prepared_statement_cache_capacity(32);
    Ok(connection)
}

/// A few open connections kept for reuse, so that a call does not pay for opening the file
/// and parsing the schema.
#[derive(Debug)]
pub(crate) struct Pool {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Pool {
    /// An empty pool for the database at `path`.
    pub(crate) fn new(path: PathBuf) -> Pool {
        Pool {
            path,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// The database file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// An idle connection, or a new one.
    pub(crate) fn take(&self) -> StoreResult<Connection> {
        let idle = self
            .idle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        match idle {
            Some(connection) => Ok(connection),
            None => open_connection(&self.path, POOLED_CACHE_KIB),
        }
    }

    /// Gives a connection back for reuse, or closes it when enough are idle. A connection
    /// left inside a transaction is closed, which rolls the transaction back.
    pub(crate) fn give_back(&self, connection: Connection) {
        if !connection.is_autocommit() {
            return;
        }
        let mut idle = self.idle.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < MAX_IDLE_CONNECTIONS {
            idle.push(connection);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_bare_paths_name_a_file() {
        for (url, path) in [
            ("sqlite://vouch.db", "vouch.db"),
            ("sqlite:vouch.db", "vouch.db"),
            ("sqlite:///var/lib/vouch.db", "/var/lib/vouch.db"),
            ("sqlite://data/vouch.db?mode=rwc", "data/vouch.db"),
            ("vouch.db", "vouch.db"),
        ] {
            assert_eq!(path_of_url(url).unwrap(), PathBuf::from(path), "{url}");
        }
    }

    #[test]
    fn in_memory_and_empty_urls_are_refused() {
        for url in ["sqlite::memory:", ":memory:", "sqlite://", "sqlite:"] {
            assert!(path_of_url(url).is_err(), "{url}");
        }
    }
}
