//! Saved replies of idempotency keys.

use deadpool_postgres::ClientWrapper;
use vouch_store::{SavedReply, StoreError, StoreResult, WorkspaceId};

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::workspaces::workspace_exists;

/// The reply remembered for a key. A key that recorded an ingested response has no reply.
pub(crate) async fn saved_reply(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &str,
) -> StoreResult<Option<SavedReply>> {
    let statement = client
        .prepare_cached(
            "SELECT fingerprint, status, body FROM idempotency_keys
             WHERE workspace_id = $1 AND key = $2 AND status IS NOT NULL",
        )
        .await
        .pg_context("failed to prepare the saved reply lookup")?;
    let row = client
        .query_opt(&statement, &[&workspace.0, &key])
        .await
        .pg_context("failed to read a saved reply")?;
    let Some(row) = row else { return Ok(None) };
    let context = "failed to read a saved reply";
    let status: i32 = row.try_get(1).pg_context(context)?;
    Ok(Some(SavedReply {
        fingerprint: row.try_get(0).pg_context(context)?,
        status: u16::try_from(status)
            .map_err(|_| other(format!("a saved reply has the status {status}")))?,
        body: row.try_get(2).pg_context(context)?,
    }))
}

/// Remembers a reply for a key; false when the key already has a reply or a response.
pub(crate) async fn save_reply(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &str,
    reply: &SavedReply,
) -> StoreResult<bool> {
    let statement = client
        .prepare_cached(
            "INSERT INTO idempotency_keys (workspace_id, key, fingerprint, status, body, created_at)
             SELECT w.id, $2, $3, $4, $5, $6 FROM workspaces w WHERE w.id = $1
             ON CONFLICT DO NOTHING",
        )
        .await
        .pg_context("failed to prepare saving a reply")?;
    let saved = client
        .execute(
            &statement,
            &[
                &workspace.0,
                &key,
                &reply.fingerprint,
                &i32::from(reply.status),
                &reply.body,
                &now_millis(),
            ],
        )
        .await
        .pg_context("failed to save a reply")?;
    if saved == 0 && !workspace_exists(client, workspace).await? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    Ok(saved == 1)
}
