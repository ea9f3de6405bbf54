//! The operations on a tag that touch every response carrying it: renaming, merging and
//! deleting. Each locks the tag set, then the carriers `FOR SHARE` in id order, records their
//! history and then changes their tags, in a few statements whatever their number.

use deadpool_postgres::Transaction;
use tokio_postgres::types::ToSql;
use vouch_store::{Actor, StoreError, StoreResult, WorkspaceId};

use super::{ensure_tags, existing, lock_tag_set, names, spelling};
use crate::PostgresStore;
use crate::error::PgContext;
use crate::history::actor_columns;

/// Locks `FOR SHARE`, in id order, the workspace's responses carrying any of tags `$2`, and
/// counts them.
const LOCK_CARRIERS: &str = "
    WITH locked AS (
        SELECT r.id FROM responses r
        WHERE r.workspace_id = $1 AND r.id IN (
            SELECT response_id FROM response_tags WHERE workspace_id = $1 AND tag = ANY($2))
        ORDER BY r.id
        FOR SHARE OF r
    )
    SELECT count(*) FROM locked";

/// Records that tags `$2` were renamed to `$6` on every response carrying them (`$3` time,
/// `$4`–`$5` the actor), a response's in the order of `$2`.
const HISTORY_RENAMED: &str = "
    INSERT INTO response_history
        (workspace_id, response_id, at, actor_kind, actor_id, change, value, previous)
    SELECT $1, response_id, $3, $4, $5, 'tag_renamed', $6, tag FROM response_tags
    WHERE workspace_id = $1 AND tag = ANY($2)
    ORDER BY response_id, array_position($2, tag)";

/// Records that tags `$2` were taken off every response carrying them.
const HISTORY_REMOVED: &str = "
    INSERT INTO response_history
        (workspace_id, response_id, at, actor_kind, actor_id, change, value)
    SELECT $1, response_id, $3, $4, $5, 'tag_removed', tag FROM response_tags
    WHERE workspace_id = $1 AND tag = ANY($2)
    ORDER BY response_id, tag";

/// Locks the carriers of `tags` and records `history` (one of the statements above) for them;
/// returns how many responses carry them.
async fn lock_and_record(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    tags: &[String],
    history: &str,
    renamed_to: Option<&str>,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let count: i64 = transaction
        .query_one(LOCK_CARRIERS, &[&workspace.0, &tags])
        .await
        .and_then(|row| row.try_get(0))
        .pg_context("failed to lock the responses of a tag")?;
    let (actor_kind, actor_id) = actor_columns(actor);
    let statement = transaction
        .prepare_cached(history)
        .await
        .pg_context("failed to prepare recording tag changes")?;
    match renamed_to {
        Some(to) => {
            transaction
                .execute(
                    &statement,
                    &[&workspace.0, &tags, &at, &actor_kind, &actor_id, &to],
                )
                .await
        }
        None => {
            transaction
                .execute(
                    &statement,
                    &[&workspace.0, &tags, &at, &actor_kind, &actor_id],
                )
                .await
        }
    }
    .pg_context("failed to record tag changes")?;
    Ok(count.unsigned_abs())
}

/// Runs one statement of a tag operation.
async fn execute(
    transaction: &Transaction<'_>,
    sql: &str,
    params: &[&(dyn ToSql + Sync)],
) -> StoreResult<()> {
    transaction
        .execute(sql, params)
        .await
        .pg_context("failed to change tags")?;
    Ok(())
}

pub(super) async fn rename(
    store: &PostgresStore,
    workspace: WorkspaceId,
    from: &str,
    to: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start renaming a tag")?;
    lock_tag_set(&transaction, workspace).await?;
    let known = names(&*transaction, workspace).await?;
    let from = spelling(&known, from)
        .map(str::to_owned)
        .ok_or_else(|| StoreError::NotFound(format!("tag {from:?}")))?;
    if let Some(taken) = spelling(&known, to)
        && taken != from
    {
        return Err(StoreError::Conflict(format!(
            "the tag {taken:?} exists: merge {from:?} into it instead"
        )));
    }
    let sources = [from.clone()];
    if to == from {
        // Nothing changes, so nothing is recorded.
        let count: i64 = transaction
            .query_one(LOCK_CARRIERS, &[&workspace.0, &sources.as_slice()])
            .await
            .and_then(|row| row.try_get(0))
            .pg_context("failed to count the responses of a tag")?;
        return Ok(count.unsigned_abs());
    }
    let count = lock_and_record(
        &transaction,
        workspace,
        &sources,
        HISTORY_RENAMED,
        Some(to),
        actor,
        at,
    )
    .await?;
    for sql in [
        "UPDATE response_tags SET tag = $3 WHERE workspace_id = $1 AND tag = $2",
        "UPDATE tag_rules SET tag = $3 WHERE workspace_id = $1 AND tag = $2",
        "UPDATE tags SET name = $3 WHERE workspace_id = $1 AND name = $2",
    ] {
        execute(&transaction, sql, &[&workspace.0, &from, &to]).await?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit a renamed tag")?;
    Ok(count)
}

pub(super) async fn merge(
    store: &PostgresStore,
    workspace: WorkspaceId,
    from: &[String],
    into: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start merging tags")?;
    lock_tag_set(&transaction, workspace).await?;
    let mut sources = Vec::with_capacity(from.len());
    for name in from {
        sources.push(existing(&transaction, workspace, name).await?);
    }
    let into = ensure_tags(&transaction, workspace, &[into.to_owned()], at)
        .await?
        .remove(0);
    // Each once, in the order given (a response's history records them in that order).
    let mut seen = std::collections::HashSet::new();
    sources.retain(|source| *source != into && seen.insert(source.clone()));
    if sources.is_empty() {
        transaction
            .commit()
            .await
            .pg_context("failed to commit merged tags")?;
        return Ok(0);
    }
    let changed = lock_and_record(
        &transaction,
        workspace,
        &sources,
        HISTORY_RENAMED,
        Some(&into),
        actor,
        at,
    )
    .await?;
    let params: [&(dyn ToSql + Sync); 3] = [&workspace.0, &sources, &into];
    for sql in [
        "INSERT INTO response_tags (workspace_id, tag, response_id)
         SELECT DISTINCT $1::bigint, $3::text, response_id FROM response_tags
         WHERE workspace_id = $1 AND tag = ANY($2)
         ON CONFLICT DO NOTHING",
        "UPDATE tag_rules SET tag = $3 WHERE workspace_id = $1 AND tag = ANY($2)",
    ] {
        execute(&transaction, sql, &params).await?;
    }
    for sql in [
        "DELETE FROM response_tags WHERE workspace_id = $1 AND tag = ANY($2)",
        "DELETE FROM tags WHERE workspace_id = $1 AND name = ANY($2)",
    ] {
        execute(&transaction, sql, &params[..2]).await?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit merged tags")?;
    Ok(changed)
}

pub(super) async fn delete(
    store: &PostgresStore,
    workspace: WorkspaceId,
    name: &str,
    actor: Actor,
    at: i64,
) -> StoreResult<u64> {
    let mut client = store.client().await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start deleting a tag")?;
    lock_tag_set(&transaction, workspace).await?;
    let name = existing(&transaction, workspace, name).await?;
    let doomed = [name];
    let count = lock_and_record(
        &transaction,
        workspace,
        &doomed,
        HISTORY_REMOVED,
        None,
        actor,
        at,
    )
    .await?;
    for sql in [
        "DELETE FROM response_tags WHERE workspace_id = $1 AND tag = ANY($2)",
        "DELETE FROM tag_rules WHERE workspace_id = $1 AND tag = ANY($2)",
        "DELETE FROM tags WHERE workspace_id = $1 AND name = ANY($2)",
    ] {
        execute(&transaction, sql, &[&workspace.0, &doomed.as_slice()]).await?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit a deleted tag")?;
    Ok(count)
}
