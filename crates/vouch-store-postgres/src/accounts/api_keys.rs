//! API keys: stored by the SHA-256 of their secret, listed and revoked.

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use vouch_store::{ApiKey, ApiKeyId, KeyScope, NewApiKey, StoreError, StoreResult, WorkspaceId};

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::row::timestamp;

/// The columns [`api_key_of_row`] reads.
const API_KEY_COLUMNS: &str = "id, workspace_id, name, scope, prefix, created_at, revoked_at";

/// Stores a new key; a name taken by a key that is not revoked is a [`StoreError::Conflict`].
pub(crate) async fn create_api_key(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &NewApiKey,
) -> StoreResult<ApiKey> {
    let inserted = client
        .query_one(
            &format!(
                "INSERT INTO api_keys (workspace_id, name, scope, prefix, secret_hash, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 RETURNING {API_KEY_COLUMNS}"
            ),
            &[
                &workspace.0,
                &key.name,
                &key.scope.as_str(),
                &key.prefix,
                &key.secret_hash,
                &now_millis(),
            ],
        )
        .await;
    match inserted.pg_context("failed to create an API key") {
        Ok(row) => api_key_of_row(&row),
        Err(StoreError::Conflict(message)) if message.contains("api_keys_live_name") => Err(
            StoreError::Conflict(format!("an API key named {:?} already exists", key.name)),
        ),
        Err(StoreError::NotFound(_)) => {
            Err(StoreError::NotFound(format!("workspace {}", workspace.0)))
        }
        Err(error) => Err(error),
    }
}

/// Every key of the workspace, revoked ones included, oldest first.
pub(crate) async fn api_keys(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<ApiKey>> {
    let rows = client
        .query(
            &format!(
                "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE workspace_id = $1
                 ORDER BY created_at, id"
            ),
            &[&workspace.0],
        )
        .await
        .pg_context("failed to list API keys")?;
    rows.iter().map(api_key_of_row).collect()
}

/// The key whose secret has this hash. Every API request asks, so the statement is prepared
/// once per connection.
pub(crate) async fn api_key_by_hash(
    client: &ClientWrapper,
    secret_hash: &str,
) -> StoreResult<Option<ApiKey>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {API_KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1"
        ))
        .await
        .pg_context("failed to prepare the API key lookup")?;
    let row = client
        .query_opt(&statement, &[&secret_hash])
        .await
        .pg_context("failed to read an API key")?;
    row.as_ref().map(api_key_of_row).transpose()
}

/// Revokes the workspace's live key of this name.
pub(crate) async fn revoke_api_key(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<ApiKey> {
    let row = client
        .query_opt(
            &format!(
                "UPDATE api_keys SET revoked_at = $3
                 WHERE workspace_id = $1 AND name = $2 AND revoked_at IS NULL
                 RETURNING {API_KEY_COLUMNS}"
            ),
            &[&workspace.0, &name, &now_millis()],
        )
        .await
        .pg_context("failed to revoke an API key")?;
    match row {
        Some(row) => api_key_of_row(&row),
        None => Err(StoreError::NotFound(format!("API key {name:?}"))),
    }
}

fn api_key_of_row(row: &Row) -> StoreResult<ApiKey> {
    let context = "failed to read an API key";
    let scope: &str = row.try_get(3).pg_context(context)?;
    let created_at: i64 = row.try_get(5).pg_context(context)?;
    let revoked_at: Option<i64> = row.try_get(6).pg_context(context)?;
    Ok(ApiKey {
        id: ApiKeyId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        name: row.try_get(2).pg_context(context)?,
        scope: KeyScope::parse(scope)
            .ok_or_else(|| other(format!("an API key has an unknown scope {scope:?}")))?,
        prefix: row.try_get(4).pg_context(context)?,
        created_at: timestamp(created_at)?,
        revoked_at: revoked_at.map(timestamp).transpose()?,
    })
}
