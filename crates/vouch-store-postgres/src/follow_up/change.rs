//! Changing one response's follow-up, with its history, in one transaction that takes its rows
//! in the order the `follow_up` module documents.

use deadpool_postgres::Object;
use jiff::Timestamp;
use vouch_core::normalise_tags;
use vouch_store::{
    Actor, ResponseId, ResponseStatus, ResponseWorkflow, StoreError, StoreResult, UserId,
    WorkflowChange, WorkspaceId,
};

use crate::error::{PgContext, other};
use crate::history;
use crate::tags::{ensure_tags, lock_tag_set};
use crate::transaction::prepare;

/// Locks the response `FOR SHARE`: `$1` workspace, `$2` response.
const LOCK_RESPONSE: &str = "SELECT 1 FROM responses WHERE workspace_id = $1 AND id = $2 FOR SHARE";

/// Takes the response's workflow row, making it (open, unassigned) when there is none, and
/// returns its status and assignee as they are: `$1` response, `$2` workspace, `$3` time. An
/// update that changes nothing, so that the row is locked and read in its latest version, even
/// when another change made it a moment ago.
const CLAIM_WORKFLOW: &str = "
    INSERT INTO response_workflows
        (response_id, workspace_id, status, assignee_id, tags, updated_at)
    VALUES ($1, $2, 'open', NULL, '[]', $3)
    ON CONFLICT (response_id) DO UPDATE SET status = response_workflows.status
    RETURNING status, assignee_id";

/// The response's tags, byte order: `$1` response, `$2` workspace.
const READ_TAGS: &str = "
    SELECT tag FROM response_tags WHERE response_id = $1 AND workspace_id = $2
    ORDER BY tag COLLATE \"C\"";

/// Writes the workflow row: `$1` response, `$2` status, `$3` assignee, `$4` time. The JSON
/// `tags` column is no longer kept.
const WRITE_WORKFLOW: &str = "
    UPDATE response_workflows SET status = $2, assignee_id = $3, tags = '[]', updated_at = $4
    WHERE response_id = $1";

/// Replaces the response's tags with `$3`: tags dropped are deleted and tags added inserted;
/// tags kept are left alone. `$1` response, `$2` workspace.
const RETAG: &str = "
    WITH dropped AS (
        DELETE FROM response_tags
        WHERE response_id = $1 AND workspace_id = $2 AND NOT (tag = ANY($3))
    )
    INSERT INTO response_tags (workspace_id, tag, response_id)
    SELECT $2, t.tag, $1 FROM unnest($3::text[]) AS t (tag)
    ON CONFLICT DO NOTHING";

/// Changes a response's follow-up in one transaction: locks the tag set when tags change, then
/// the response (`NotFound` if the workspace has none such), then its workflow row, and writes
/// the row, the tags and what changed to the history. Even a change of nothing stores the row
/// (as open, unassigned when there was none) and its time, as every backend does.
pub(crate) async fn change_workflow(
    mut client: Object,
    workspace: WorkspaceId,
    response: ResponseId,
    change: &WorkflowChange,
    actor: Actor,
    at: Timestamp,
) -> StoreResult<ResponseWorkflow> {
    let wanted = change.tags.as_deref().map(normalise_tags);
    let at_millis = at.as_millisecond();
    let [lock_response, claim, read_tags, write, retag] = prepare(
        &client,
        [
            LOCK_RESPONSE,
            CLAIM_WORKFLOW,
            READ_TAGS,
            WRITE_WORKFLOW,
            RETAG,
        ],
    )
    .await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start changing a response's follow-up")?;
    if wanted.is_some() {
        match lock_tag_set(&transaction, workspace).await {
            Err(StoreError::NotFound(_)) => {
                return Err(StoreError::NotFound(format!("response {}", response.0)));
            }
            locked => locked?,
        }
    }
    let found = transaction
        .query_opt(&lock_response, &[&workspace.0, &response.0])
        .await
        .pg_context("failed to lock the response")?;
    if found.is_none() {
        // Dropping the transaction rolls it back.
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    let context = "failed to read a response's follow-up";
    let row = transaction
        .query_one(&claim, &[&response.0, &workspace.0, &at_millis])
        .await
        .pg_context(context)?;
    let status: &str = row.try_get(0).pg_context(context)?;
    let assignee: Option<i64> = row.try_get(1).pg_context(context)?;
    let tags: Vec<String> = transaction
        .query(&read_tags, &[&response.0, &workspace.0])
        .await
        .and_then(|rows| rows.iter().map(|row| row.try_get(0)).collect())
        .pg_context(context)?;
    let before = ResponseWorkflow {
        response,
        status: ResponseStatus::parse(status)
            .ok_or_else(|| other(format!("a stored status is unknown: {status:?}")))?,
        assignee: assignee.map(UserId),
        tags,
        updated_at: None,
    };
    let mut after = ResponseWorkflow {
        status: change.status.unwrap_or(before.status),
        assignee: change.assignee.unwrap_or(before.assignee),
        updated_at: Some(at),
        ..before.clone()
    };
    if let Some(wanted) = &wanted {
        // Each is spelt as the workspace spells it already; normalising again sorts them.
        let spelt = ensure_tags(&transaction, workspace, wanted, at_millis).await?;
        after.tags = normalise_tags(&spelt);
    }
    let written = transaction
        .execute(
            &write,
            &[
                &response.0,
                &after.status.as_str(),
                &after.assignee.map(|user| user.0),
                &at_millis,
            ],
        )
        .await
        .pg_context("failed to change a response's follow-up");
    match written {
        Ok(_) => {}
        Err(StoreError::NotFound(_)) => {
            let assignee = after.assignee.map_or(0, |user| user.0);
            return Err(StoreError::NotFound(format!("user {assignee}")));
        }
        Err(error) => return Err(error),
    }
    if wanted.is_some() {
        transaction
            .execute(&retag, &[&response.0, &workspace.0, &after.tags])
            .await
            .pg_context("failed to change a response's tags")?;
    }
    let changes = before.changes_to(&after);
    history::record(
        &transaction,
        workspace.0,
        response,
        actor,
        &changes,
        at_millis,
    )
    .await?;
    crate::outbox::follow_up_changed(&transaction, workspace.0, response, &changes, at_millis)
        .await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a response's follow-up")?;
    Ok(after)
}
