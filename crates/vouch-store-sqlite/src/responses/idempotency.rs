//! Idempotency keys: the response a key wrote through ingest, or the reply a key got.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{SavedReply, StoreError, StoreResult, WorkspaceId};

use crate::error::{SqlContext, other};
use crate::now_millis;

/// What is recorded for a key.
pub(crate) struct Recorded {
    /// The digest of the body of the request that used the key first.
    pub(crate) fingerprint: String,
    /// The response that request wrote, if it was an ingest.
    pub(crate) response: Option<i64>,
}

/// What the workspace recorded for `key`, if anything.
pub(crate) fn find(
    connection: &Connection,
    workspace: i64,
    key: &str,
) -> StoreResult<Option<Recorded>> {
    connection
        .prepare_cached(
            "SELECT fingerprint, response_id FROM idempotency_keys
             WHERE workspace_id = ?1 AND key = ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_row((workspace, key), |row| {
                    Ok(Recorded {
                        fingerprint: row.get(0)?,
                        response: row.get(1)?,
                    })
                })
                .optional()
        })
        .sql_context("failed to read an idempotency key")
}

/// Records that `key` wrote `response`.
pub(crate) fn record(
    connection: &Connection,
    workspace: i64,
    key: &str,
    fingerprint: &str,
    response: i64,
    now: i64,
) -> StoreResult<()> {
    connection
        .prepare_cached(
            "INSERT INTO idempotency_keys (workspace_id, key, fingerprint, response_id, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )
        .and_then(|mut insert| insert.execute((workspace, key, fingerprint, response, now)))
        .sql_context("failed to record an idempotency key")?;
    Ok(())
}

/// Forgets `key`.
pub(crate) fn forget(connection: &Connection, workspace: i64, key: &str) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM idempotency_keys WHERE workspace_id = ?1 AND key = ?2")
        .and_then(|mut delete| delete.execute((workspace, key)))
        .sql_context("failed to forget an idempotency key")?;
    Ok(())
}

/// The reply remembered for `key`; a key an ingest used has none.
pub(crate) fn saved_reply(
    connection: &Connection,
    workspace: WorkspaceId,
    key: &str,
) -> StoreResult<Option<SavedReply>> {
    let found = connection
        .prepare_cached(
            "SELECT fingerprint, status, body FROM idempotency_keys
             WHERE workspace_id = ?1 AND key = ?2 AND status IS NOT NULL",
        )
        .and_then(|mut statement| {
            statement
                .query_row((workspace.0, key), |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, i64>(1)?,
                        row.get::<_, Option<String>>(2)?,
                    ))
                })
                .optional()
        })
        .sql_context("failed to read a saved reply")?;
    let Some((fingerprint, status, body)) = found else {
        return Ok(None);
    };
    let status = u16::try_from(status)
        .map_err(|_| other(format!("a saved reply has the status {status}")))?;
    Ok(Some(SavedReply {
        fingerprint,
        status,
        body: body.unwrap_or_default(),
    }))
}

/// Remembers a reply for `key`; false when the key was used already.
pub(crate) fn save_reply(
    connection: &Connection,
    workspace: WorkspaceId,
    key: &str,
    reply: &SavedReply,
) -> StoreResult<bool> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    let inserted = connection
        .prepare_cached(
            "INSERT INTO idempotency_keys (workspace_id, key, fingerprint, status, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (workspace_id, key) DO NOTHING",
        )
        .and_then(|mut insert| {
            insert.execute((
                workspace.0,
                key,
                &reply.fingerprint,
                reply.status,
                &reply.body,
                now_millis(),
            ))
        })
        .sql_context("failed to save a reply")?;
    Ok(inserted == 1)
}
