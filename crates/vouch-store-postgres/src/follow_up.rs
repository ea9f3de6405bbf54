//! The team's follow-up of responses: status, assignee, tags and internal notes.
//!
//! # Keeping the follow-up with its response
//!
//! `responses` has no foreign keys (see migration 1), so nothing in the schema ties a workflow
//! row, a tag, a note or an entry of its history to its response. Row locks do instead:
//! - a writer here ([`change::change_workflow`], [`add_note`]) or of tags in bulk (the `tags`
//!   module) locks the response `FOR SHARE` in its transaction, and finds nothing (`NotFound`,
//!   or nothing to tag) if it is gone;
//! - an erasure ([`crate::read::delete_contact`]) and an answer replacing another
//!   ([`crate::collect::invitations`]) delete the response first, which waits for such writers to
//!   commit, and only then, in a later statement and so with a later snapshot under READ
//!   COMMITTED, delete or move its follow-up: they see whatever those writers committed.
//!   A writer that comes after the delete waits for the erasure or replacement to end, then
//!   finds the response gone.
//!
//! The order is always the workspace's tag set (its row, when tags change: see the `tags`
//! module), then the response (responses in id order, when there are several; an erasure
//! locks its contact's in id order too), then its workflow row, then its tags, history or notes,
//! so these transactions wait for one another without deadlocking. Two changes of one response
//! take the workflow row before they read it, so they are applied one after the other and each
//! records what it changed.
//!
//! A response's tags are its rows of `response_tags`, which bulk operations write without a
//! workflow row: a response may have tags and no row (the JSON `tags` column of
//! `response_workflows` is no longer kept, and written as `[]`).

mod change;

use async_trait::async_trait;
use vouch_store::{
    Actor, FollowUpStore, ResponseId, ResponseNote, ResponseStatus, ResponseWorkflow, StoreError,
    StoreResult, UserId, WorkflowChange, WorkflowFilter, WorkspaceId,
};

use crate::PostgresStore;

use deadpool_postgres::{ClientWrapper, Object};
use jiff::Timestamp;
use tokio_postgres::Row;

use crate::error::{PgContext, other};
use crate::row::timestamp;
use crate::tags;

/// Moves the follow-up of a replaced response to the response replacing it, in one statement:
/// `$1` workspace, `$2` the replaced response, `$3` the new one. Run by an answer in its
/// transaction, after the statement that deleted the replaced response.
pub(crate) const MOVE_FOLLOW_UP: &str = "
    WITH history AS (
        UPDATE response_history SET response_id = $3
        WHERE response_id = $2 AND workspace_id = $1
    ),
    replies AS (
        UPDATE response_replies SET response_id = $3
        WHERE response_id = $2 AND workspace_id = $1
    ),
    workflow AS (
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
    WITH history AS (
        DELETE FROM response_history WHERE response_id = ANY($2) AND workspace_id = $1
    ),
    replies AS (
        DELETE FROM response_replies WHERE response_id = ANY($2) AND workspace_id = $1
    ),
    workflows AS (
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

/// The follow-up of each response among `$2` that has a workflow row or tags: its id, status,
/// assignee, time and tags (sorted byte for byte).
const WORKFLOWS: &str = "
    SELECT g.id, w.status, w.assignee_id, w.updated_at, t.tags
    FROM (SELECT DISTINCT id FROM unnest($2::bigint[]) AS given (id)) AS g
    LEFT JOIN response_workflows w ON w.response_id = g.id AND w.workspace_id = $1
    LEFT JOIN LATERAL (
        SELECT array_agg(tag ORDER BY tag COLLATE \"C\") AS tags FROM response_tags
        WHERE response_id = g.id AND workspace_id = $1
    ) AS t ON true
    WHERE w.response_id IS NOT NULL OR t.tags IS NOT NULL";

/// The follow-up in a row of [`WORKFLOWS`].
fn workflow_of_row(row: &Row) -> StoreResult<ResponseWorkflow> {
    let context = "failed to read a response's follow-up";
    let status: Option<&str> = row.try_get(1).pg_context(context)?;
    let assignee: Option<i64> = row.try_get(2).pg_context(context)?;
    let updated_at: Option<i64> = row.try_get(3).pg_context(context)?;
    let tags: Option<Vec<String>> = row.try_get(4).pg_context(context)?;
    Ok(ResponseWorkflow {
        response: ResponseId(row.try_get(0).pg_context(context)?),
        status: match status {
            Some(status) => ResponseStatus::parse(status)
                .ok_or_else(|| other(format!("a stored status is unknown: {status:?}")))?,
            None => ResponseStatus::Open,
        },
        assignee: assignee.map(UserId),
        tags: tags.unwrap_or_default(),
        updated_at: updated_at.map(timestamp).transpose()?,
    })
}

/// The follow-up of each response, in the order given; responses without a stored row or tags
/// (those nobody touched, and ids the workspace does not have) read as untouched.
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
        .prepare_cached(WORKFLOWS)
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

/// Ids of the workspace's responses whose stored follow-up matches every part of the filter
/// given, ascending: `$2` status, `$3` assignee, `$4` tag as stored (each NULL for any). A
/// response has a stored follow-up when it has a workflow row or a tag.
const WORKFLOW_IDS: &str = "
    SELECT r.response_id FROM (
        SELECT response_id FROM response_workflows WHERE workspace_id = $1 AND $4::text IS NULL
        UNION
        SELECT response_id FROM response_tags
        WHERE workspace_id = $1 AND ($4::text IS NULL OR tag = $4)
    ) AS r
    LEFT JOIN response_workflows w ON w.response_id = r.response_id AND w.workspace_id = $1
    WHERE ($2::text IS NULL OR w.status = $2)
      AND ($3::bigint IS NULL OR w.assignee_id = $3)
    ORDER BY r.response_id";

/// Ids of the workspace's responses whose stored follow-up matches the filter, ascending. The
/// tag asked for names a tag of the workspace in any case; one it does not have finds none.
pub(crate) async fn workflow_response_ids(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    filter: &WorkflowFilter,
) -> StoreResult<Vec<ResponseId>> {
    let status = filter.status.map(ResponseStatus::as_str);
    let assignee = filter.assignee.map(|user| user.0);
    let tag = match filter.tag.as_deref() {
        Some(tag) => {
            let known = tags::names(&**client, workspace).await?;
            match tags::spelling(&known, tag) {
                Some(stored) => Some(stored.to_owned()),
                None => return Ok(Vec::new()),
            }
        }
        None => None,
    };
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
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow> {
        let client = self.client().await?;
        change::change_workflow(client, workspace, response, change, actor, at).await
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
