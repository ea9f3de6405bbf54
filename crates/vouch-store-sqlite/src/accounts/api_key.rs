//! API keys: stored by the hash of their secret, named uniquely among a workspace's live keys.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{ApiKey, ApiKeyId, KeyScope, NewApiKey, StoreError, StoreResult, WorkspaceId};

use crate::error::{SqlContext, is_unique_violation};
use crate::now_millis;
use crate::row::{conversion_error, timestamp};

/// The columns [`api_key`] reads, in order.
const KEY_COLUMNS: &str = "id, workspace_id, name, scope, prefix, created_at, revoked_at";

fn api_key(row: &rusqlite::Row<'_>) -> rusqlite::Result<ApiKey> {
    let scope: String = row.get(3)?;
    let revoked_at = match row.get::<_, Option<i64>>(6)? {
        Some(_) => Some(timestamp(row, 6)?),
        None => None,
    };
    Ok(ApiKey {
        id: ApiKeyId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        name: row.get(2)?,
        scope: KeyScope::parse(&scope)
            .ok_or_else(|| conversion_error(3, format!("unknown key scope {scope:?}")))?,
        prefix: row.get(4)?,
        created_at: timestamp(row, 5)?,
        revoked_at,
    })
}

/// Stores a new key; a live key of the same name, or any key with the same secret, is a
/// [`StoreError::Conflict`].
pub(crate) fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewApiKey,
) -> StoreResult<ApiKey> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    let inserted = connection
        .prepare_cached(&format!(
            "INSERT INTO api_keys (workspace_id, name, scope, prefix, secret_hash, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             RETURNING {KEY_COLUMNS}"
        ))
        .and_then(|mut insert| {
            insert.query_row(
                (
                    workspace.0,
                    &new.name,
                    new.scope.as_str(),
                    &new.prefix,
                    &new.secret_hash,
                    now_millis(),
                ),
                api_key,
            )
        });
    match inserted {
        Ok(key) => Ok(key),
        Err(error) if is_unique_violation(&error) => {
            let name_taken = connection
                .prepare_cached(
                    "SELECT 1 FROM api_keys
                     WHERE workspace_id = ?1 AND name = ?2 AND revoked_at IS NULL",
                )
                .and_then(|mut statement| statement.exists((workspace.0, &new.name)))
                .sql_context("failed to read API keys")?;
            Err(StoreError::Conflict(match name_taken {
                true => format!("an API key named {:?} already exists", new.name),
                false => "another API key has the same secret".to_owned(),
            }))
        }
        Err(error) => Err(error).sql_context("failed to create an API key"),
    }
}

/// Every key of the workspace, oldest first.
pub(crate) fn list(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE workspace_id = ?1 ORDER BY id"
        ))
        .sql_context("failed to prepare the API key listing")?;
    statement
        .query_map([workspace.0], api_key)
        .and_then(|rows| rows.collect())
        .sql_context("failed to list API keys")
}

/// The key whose secret has this hash, revoked or not.
pub(crate) fn by_hash(connection: &Connection, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE secret_hash = ?1"
        ))
        .and_then(|mut statement| statement.query_row([secret_hash], api_key).optional())
        .sql_context("failed to read an API key")
}

/// Revokes the workspace's live key of this name.
pub(crate) fn revoke(
    connection: &Connection,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<ApiKey> {
    connection
        .prepare_cached(&format!(
            "UPDATE api_keys SET revoked_at = ?3
             WHERE workspace_id = ?1 AND name = ?2 AND revoked_at IS NULL
             RETURNING {KEY_COLUMNS}"
        ))
        .and_then(|mut update| {
            update
                .query_row((workspace.0, name, now_millis()), api_key)
                .optional()
        })
        .sql_context("failed to revoke an API key")?
        .ok_or_else(|| StoreError::NotFound(format!("no API key named {name:?} to revoke")))
}
