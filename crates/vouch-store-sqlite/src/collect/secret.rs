//! Secrets of the server itself, shared by every server on the database.

use rand::RngCore;
use rusqlite::{Connection, OptionalExtension};
use vouch_store::StoreResult;

use crate::error::{SqlContext, other};
use crate::now_millis;

/// The name of the secret that signs survey links.
const LINK: &str = "link";

/// The length of a secret made at random, in bytes.
const SECRET_BYTES: usize = 32;

/// The secret that signs survey links: made from the operating system's randomness the first
/// time, then always read back. Two servers making it at once agree, since only the first
/// insert takes and both read what it wrote.
pub(crate) fn link_secret(connection: &Connection) -> StoreResult<Vec<u8>> {
    if let Some(secret) = read(connection, LINK)? {
        return Ok(secret);
    }
    let mut fresh = [0_u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut fresh);
    connection
        .prepare_cached(
            "INSERT INTO server_secrets (name, value, created_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (name) DO NOTHING",
        )
        .and_then(|mut insert| insert.execute((LINK, &fresh[..], now_millis())))
        .sql_context("failed to store the link secret")?;
    read(connection, LINK)?.ok_or_else(|| other("the link secret vanished once stored"))
}

/// The secret of this name, if it was made.
fn read(connection: &Connection, name: &str) -> StoreResult<Option<Vec<u8>>> {
    let secret: Option<Vec<u8>> = connection
        .prepare_cached("SELECT value FROM server_secrets WHERE name = ?1")
        .and_then(|mut select| select.query_row([name], |row| row.get(0)).optional())
        .sql_context("failed to read a server secret")?;
    match secret {
        Some(secret) if secret.len() < SECRET_BYTES => Err(other(format!(
            "the stored {name} secret is {} bytes, too short",
            secret.len()
        ))),
        secret => Ok(secret),
    }
}
