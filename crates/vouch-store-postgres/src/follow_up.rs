//! The team's follow-up of responses: status, assignee, tags and internal notes.
//!
//! # Keeping the follow-up with its response
//!
//! `responses` has no foreign keys (see migration 1), so nothing in the schema ties a workflow
//! row, a tag or a note to its response. Row locks do instead:
//! - a writer here ([`change_workflow`], [`add_note`]) locks the response `FOR SHARE` in its
//!   transaction, and finds nothing (`NotFound`) if it is gone;
//! - an erasure ([`crate::read::delete_contact`]) and an answer replacing another
//!   ([`crate::collect::invitations`]) delete the response first, which waits for such writers to
//!   commit, and only then, in a later statement and so with a later snapshot under READ
//!   COMMITTED, delete or move its follow-up: they see whatever those writers committed.
//!   A writer that comes after the delete waits for the erasure or replacement to end, then
//!   finds the response gone.
//!
//! The order is always the response, then its workflow row, then its tags or notes, so these
//! transactions wait for one another without deadlocking. Two changes of one response take the
//! workflow row (by its upsert) before its tags, so they are applied one after the other.

use async_trait::async_trait;
use vouch_store::{
    FollowUpStore, ResponseId, ResponseNote, ResponseStatus, ResponseWorkflow, StoreError,
    StoreResult, UserId, WorkflowChange, WorkflowFilter, WorkspaceId,
};

use crate::PostgresStore;

use deadpool_postgres::{ClientWrapper, Object};
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_core::normalise_tags;

use crate::error::{PgContext, other};
use crate::row::timestamp;
use crate::transaction::prepare;

/// Moves the follow-up of a replaced response to the response replacing it, in one statement:
/// `$1` workspace, `$2` the replaced response, `$3` the new one. Run by an answer in its
/// transaction, after the statement that deleted the replaced response.
pub(crate) const MOVE_FOLLOW_UP: &str = "
    WITH workflow AS (
        UPDATE response_workflows SET response_id = $3
        WHERE response_id = $2 AND workspace_id = $1
    ),
    tags AS (
        UPDATE response_tags SET response_id = $3
        WHERE response_id = $2 AND workspace_id = $1
    )
    UPDATE response_notes SET response_id = $3 WHERE response_id = $2 AND workspace_id = $1";

/// Deletes the follow-up of erased responses, in one statement: `$1` workspace, `$2` the ids.
/// Run by an erasure in its transaction, after the statement that deleted the responses.
pub(crate) const ERASE_FOLLOW_UP: &str = "
    WITH workflows AS (
        DELETE FROM response_workflows WHERE response_id = ANY($2) AND workspace_id = $1
    ),
    tags AS (
        DELETE FROM response_tags WHERE response_id = ANY($2) AND workspace_id = $1
    )
    DELETE FROM response_notes WHERE response_id = ANY($2) AND workspace_id = $1";

/// The follow-up of a response nobody touched.
fn untouched(response: ResponseId) -> ResponseWorkflow {
    ResponseWorkflow {
        response,
        status: ResponseStatus::Open,
        assignee: None,
        tags: Vec::new(),
        updated_at: None,
    }
}

/// The columns [`workflow_of_row`] reads, in its order.
const WORKFLOW_COLUMNS: &str = "response_id, status, assignee_id, tags, updated_at";

/// The follow-up in the [`WORKFLOW_COLUMNS`] of `row`.
fn workflow_of_row(row: &Row) -> StoreResult<ResponseWorkflow> {
    let context = "failed to read a response's follow-up";
    let status: &str = row.try_get(1).pg_context(context)?;
    let assignee: Option<i64> = row.try_get(2).pg_context(context)?;
    let tags: &str = row.try_get(3).pg_context(context)?;
    Ok(ResponseWorkflow {
        response: ResponseId(row.try_get(0).pg_context(context)?),
        status: ResponseStatus::parse(status)
            .ok_or_else(|| other(format!("a stored status is unknown: {status:?}")))?,
        assignee: assignee.map(UserId),
        tags: serde_json::from_str(tags)
            .map_err(|error| other(format!("a response's stored tags are unreadable: {error}")))?,
        updated_at: Some(timestamp(row.try_get(4).pg_context(context)?)?),
    })
}

/// The follow-up of each response, in the order given; responses without a stored row (those
/// nobody touched, and ids the workspace does not have) read as untouched.
pub(crate) async fn workflows(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    responses: &[ResponseId],
) -> StoreResult<Vec<ResponseWorkflow>> {
    if responses.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = responses.iter().map(|id| id.0).collect();
    let statement = client
        .prepare_cached(&format!(
            "SELECT {WORKFLOW_COLUMNS} FROM response_workflows
             WHERE response_id = ANY($2) AND workspace_id = $1"
        ))
        .await
        .pg_context("failed to prepare the follow-up lookup")?;
    let rows = client
        .query(&statement, &[&workspace.0, &ids])
        .await
        .pg_context("failed to read the follow-up of responses")?;
    let mut stored = std::collections::HashMap::with_capacity(rows.len());
    for row in &rows {
        let workflow = workflow_of_row(row)?;
        stored.insert(workflow.response, workflow);
    }
    Ok(responses
        .iter()
        .map(|id| stored.get(id).cloned().unwrap_or_else(|| untouched(*id)))
        .collect())
}

/// Changes a response's follow-up in one transaction: locks the response (`NotFound` if the
/// workspace has none such), upserts its workflow row, then rewrites its tags when they change.
/// Even a change of nothing stores the row (as open, unassigned, untagged when there was none)
/// and its time, as every backend does.
pub(crate) async fn change_workflow(
    mut client: Object,
    workspace: WorkspaceId,
    response: ResponseId,
    change: &WorkflowChange,
    at: Timestamp,
) -> StoreResult<ResponseWorkflow> {
    let tags = change.tags.as_deref().map(normalise_tags);
    let tags_json = tags
        .as_ref()
        .map(serde_json::to_string)
        .transpose()
        .map_err(|error| other(format!("failed to write tags: {error}")))?;
    let status = change.status.map(ResponseStatus::as_str);
    let set_assignee = change.assignee.is_some();
    let assignee = change.assignee.flatten().map(|user| user.0);

    let [lock_response, upsert, retag] = prepare(
        &client,
        [
            "SELECT 1 FROM responses WHERE workspace_id = $1 AND id = $2 FOR SHARE",
            &format!(
                "INSERT INTO response_workflows
                     (response_id, workspace_id, status, assignee_id, tags, updated_at)
                 VALUES ($1, $2, coalesce($3, 'open'), $5, coalesce($6, '[]'), $7)
                 ON CONFLICT (response_id) DO UPDATE SET
                     status = coalesce($3, response_workflows.status),
                     assignee_id = CASE WHEN $4 THEN $5 ELSE response_workflows.assignee_id END,
                     tags = coalesce($6, response_workflows.tags),
                     updated_at = $7
                 RETURNING {WORKFLOW_COLUMNS}"
            ),
            // Tags dropped are deleted and tags added inserted; tags kept are left alone.
            "WITH dropped AS (
                 DELETE FROM response_tags
                 WHERE response_id = $1 AND workspace_id = $2 AND NOT (tag = ANY($3))
             )
             INSERT INTO response_tags (workspace_id, tag, response_id)
             SELECT $2, t.tag, $1 FROM unnest($3::text[]) AS t (tag)
             ON CONFLICT DO NOTHING",
        ],
    )
    .await?;
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start changing a response's follow-up")?;
    let found = transaction
        .query_opt(&lock_response, &[&workspace.0, &response.0])
        .await
        .pg_context("failed to lock the response")?;
    if found.is_none() {
        // Dropping the transaction rolls it back.
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    let row = transaction
        .query_one(
            &upsert,
            &[
                &response.0,
                &workspace.0,
                &status,
                &set_assignee,
                &assignee,
                &tags_json,
                &at.as_millisecond(),
            ],
        )
        .await;
    let row = match row.pg_context("failed to change a response's follow-up") {
        Ok(row) => row,
        Err(StoreError::NotFound(_)) => {
            return Err(StoreError::NotFound(format!(
                "user {}",
                assignee.unwrap_or_default()
            )));
        }
        Err(error) => return Err(error),
    };
    if let Some(tags) = &tags {
        transaction
            .execute(&retag, &[&response.0, &workspace.0, tags])
            .await
            .pg_context("failed to change a response's tags")?;
    }
    let workflow = workflow_of_row(&row)?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a response's follow-up")?;
    Ok(workflow)
}

/// Ids of the workspace's responses whose stored follow-up matches every part of the filter
/// given, ascending: `$2` status, `$3` assignee, `$4` tag (each NULL for any).
const WORKFLOW_IDS: &str = "
    SELECT w.response_id FROM response_workflows w
    WHERE w.workspace_id = $1
      AND ($2::text IS NULL OR w.status = $2)
      AND ($3::bigint IS NULL OR w.assignee_id = $3)
      AND ($4::text IS NULL OR EXISTS (
          SELECT 1 FROM response_tags t
          WHERE t.workspace_id = $1 AND t.tag = $4 AND t.response_id = w.response_id))
    ORDER BY w.response_id";

/// Ids of the workspace's responses whose stored follow-up matches the filter, ascending. The
/// tag asked for is trimmed, as stored tags are.
pub(crate) async fn workflow_response_ids(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    filter: &WorkflowFilter,
) -> StoreResult<Vec<ResponseId>> {
    let status = filter.status.map(ResponseStatus::as_str);
    let assignee = filter.assignee.map(|user| user.0);
    let tag = filter.tag.as_deref().map(str::trim);
    let statement = client
        .prepare_cached(WORKFLOW_IDS)
        .await
        .pg_context("failed to prepare the follow-up filter")?;
    let rows = client
        .query(&statement, &[&workspace.0, &status, &assignee, &tag])
        .await
        .pg_context("failed to filter responses by their follow-up")?;
    rows.iter()
        .map(|row| row.try_get(0).map(ResponseId))
        .collect::<Result<_, _>>()
        .pg_context("failed to filter responses by their follow-up")
}

/// Every tag of the workspace with the number of responses carrying it, most used first (ties
/// by tag, in byte order).
pub(crate) async fn workflow_tags(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(String, u64)>> {
    let rows = client
        .query(
            "SELECT tag, count(*) FROM response_tags WHERE workspace_id = $1
             GROUP BY tag ORDER BY count(*) DESC, tag",
            &[&workspace.0],
        )
        .await
        .pg_context("failed to count tags")?;
    rows.iter()
        .map(|row| {
            let tag: String = row.try_get(0).pg_context("failed to count tags")?;
            let count: i64 = row.try_get(1).pg_context("failed to count tags")?;
            let count = u64::try_from(count).map_err(|_| other("a negative count"))?;
            Ok((tag, count))
        })
        .collect()
}

/// The columns [`note_of_row`] reads, of `response_notes n` joined with `users u`.
const NOTE_COLUMNS: &str = "n.id, n.response_id, n.author_id, u.name, n.body, n.created_at";

fn note_of_row(row: &Row) -> StoreResult<ResponseNote> {
    let context = "failed to read a note";
    Ok(ResponseNote {
        id: row.try_get(0).pg_context(context)?,
        response: ResponseId(row.try_get(1).pg_context(context)?),
        author: UserId(row.try_get(2).pg_context(context)?),
        author_name: row.try_get(3).pg_context(context)?,
        body: row.try_get(4).pg_context(context)?,
        created_at: timestamp(row.try_get(5).pg_context(context)?)?,
    })
}

/// Adds a note to a response, in one transaction that locks the response (`NotFound` if the
/// workspace has none such; an unknown author is `NotFound` too).
pub(crate) async fn add_note(
    mut client: Object,
    workspace: WorkspaceId,
    response: ResponseId,
    author: UserId,
    body: &str,
    at: Timestamp,
) -> StoreResult<ResponseNote> {
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start adding a note")?;
    let found = transaction
        .query_opt(
            "SELECT 1 FROM responses WHERE workspace_id = $1 AND id = $2 FOR SHARE",
            &[&workspace.0, &response.0],
        )
        .await
        .pg_context("failed to lock the response")?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("response {}", response.0)));
    }
    let row = transaction
        .query_one(
            &format!(
                "WITH n AS (
                     INSERT INTO response_notes (workspace_id, response_id, author_id, body,
                                                 created_at)
                     VALUES ($1, $2, $3, $4, $5)
                     RETURNING *
                 )
                 SELECT {NOTE_COLUMNS} FROM n JOIN users u ON u.id = n.author_id"
            ),
            &[
                &workspace.0,
                &response.0,
                &author.0,
                &body,
                &at.as_millisecond(),
            ],
        )
        .await;
    let note = match row.pg_context("failed to add a note") {
        Ok(row) => note_of_row(&row)?,
        Err(StoreError::NotFound(_)) => {
            return Err(StoreError::NotFound(format!("user {}", author.0)));
        }
        Err(error) => return Err(error),
    };
    transaction
        .commit()
        .await
        .pg_context("failed to commit a note")?;
    Ok(note)
}

/// The notes of a response of the workspace, oldest first.
pub(crate) async fn notes(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    response: ResponseId,
) -> StoreResult<Vec<ResponseNote>> {
    let rows = client
        .query(
            &format!(
                "SELECT {NOTE_COLUMNS} FROM response_notes n JOIN users u ON u.id = n.author_id
                 WHERE n.workspace_id = $1 AND n.response_id = $2
                 ORDER BY n.created_at, n.id"
            ),
            &[&workspace.0, &response.0],
        )
        .await
        .pg_context("failed to read notes")?;
    rows.iter().map(note_of_row).collect()
}

#[async_trait]
impl FollowUpStore for PostgresStore {
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>> {
        self::workflows(&*self.client().await?, workspace, responses).await
    }

    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow> {
        let client = self.client().await?;
        self::change_workflow(client, workspace, response, change, at).await
    }

    async fn workflow_response_ids(
        &self,
        workspace: WorkspaceId,
        filter: &WorkflowFilter,
    ) -> StoreResult<Vec<ResponseId>> {
        self::workflow_response_ids(&*self.client().await?, workspace, filter).await
    }

    async fn workflow_tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<(String, u64)>> {
        self::workflow_tags(&*self.client().await?, workspace).await
    }

    async fn add_note(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        author: UserId,
        body: &str,
        at: Timestamp,
    ) -> StoreResult<ResponseNote> {
        let client = self.client().await?;
        self::add_note(client, workspace, response, author, body, at).await
    }

    async fn notes(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<ResponseNote>> {
        self::notes(&*self.client().await?, workspace, response).await
    }
}
