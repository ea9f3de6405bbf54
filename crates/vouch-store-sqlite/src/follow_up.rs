//! The team's follow-up of responses: status, assignee and tags (`response_workflows`, with
//! the tags repeated one per row in `response_tags`), and internal notes (`response_notes`).
//!
//! Only responses someone touched have rows. Rows name responses without a foreign key, so the
//! store keeps them in step itself: erasing a contact erases the follow-up of its responses,
//! and an answer that replaces an earlier one takes the earlier one's follow-up over, each in
//! the transaction that erases or replaces the responses.

use async_trait::async_trait;
use vouch_store::{
    Actor, FollowUpStore, HistoryChange, ResponseId, ResponseNote, ResponseStatus,
    ResponseWorkflow, StoreError, StoreResult, UserId, WorkflowChange, WorkflowFilter, WorkspaceId,
};

use crate::SqliteStore;

use std::collections::HashMap;

use jiff::Timestamp;
use rusqlite::{Connection, TransactionBehavior};
use vouch_core::normalise_tags;

use crate::accounts::user;
use crate::error::{SqlContext, other};
use crate::outbox::{self, ResponseChange};
use crate::row::{conversion_error, json, timestamp};
use crate::{history, tags};

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

/// The columns [`workflow`] reads, in order.
const WORKFLOW_COLUMNS: &str = "response_id, status, assignee_id, tags, updated_at";

fn workflow(row: &rusqlite::Row<'_>) -> rusqlite::Result<ResponseWorkflow> {
    let status: String = row.get(1)?;
    Ok(ResponseWorkflow {
        response: ResponseId(row.get(0)?),
        status: ResponseStatus::parse(&status)
            .ok_or_else(|| conversion_error(1, format!("unknown response status {status:?}")))?,
        assignee: row.get::<_, Option<i64>>(2)?.map(UserId),
        tags: json(row, 3, "response tags")?,
        updated_at: Some(timestamp(row, 4)?),
    })
}

/// The follow-up of each response, in the order given; see [`vouch_store::FollowUpStore::workflows`].
/// A response of another workspace reads as untouched.
pub(crate) fn workflows(
    connection: &Connection,
    workspace: WorkspaceId,
    responses: &[ResponseId],
) -> StoreResult<Vec<ResponseWorkflow>> {
    if responses.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = responses.iter().map(|id| id.0).collect();
    let ids = serde_json::to_string(&ids)
        .map_err(|error| other(format!("failed to write response ids: {error}")))?;
    let stored: HashMap<ResponseId, ResponseWorkflow> = connection
        .prepare_cached(&format!(
            "SELECT {WORKFLOW_COLUMNS} FROM response_workflows
             WHERE workspace_id = ?1 AND response_id IN (SELECT value FROM json_each(?2))"
        ))
        .and_then(|mut statement| {
            statement
                .query_map((workspace.0, &ids), |row| {
                    workflow(row).map(|found| (found.response, found))
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the follow-up of responses")?;
    let mut tags: HashMap<ResponseId, Vec<String>> = HashMap::new();
    connection
        .prepare_cached(
            "SELECT response_id, tag FROM response_tags
             WHERE workspace_id = ?1 AND response_id IN (SELECT value FROM json_each(?2))
             ORDER BY response_id, tag",
        )
        .and_then(|mut statement| {
            let rows = statement.query_map((workspace.0, &ids), |row| {
                Ok((ResponseId(row.get(0)?), row.get::<_, String>(1)?))
            })?;
            for row in rows {
                let (response, tag) = row?;
                tags.entry(response).or_default().push(tag);
            }
            Ok(())
        })
        .sql_context("failed to read the tags of responses")?;
    Ok(responses
        .iter()
        .map(|id| {
            let mut workflow = stored.get(id).cloned().unwrap_or_else(|| untouched(*id));
            workflow.tags = tags.get(id).cloned().unwrap_or_default();
            workflow
        })
        .collect())
}

/// Fails with `NotFound` unless the workspace has the response.
pub(crate) fn check_response(
    connection: &Connection,
    workspace: WorkspaceId,
    response: ResponseId,
) -> StoreResult<()> {
    let found = connection
        .prepare_cached("SELECT 1 FROM responses WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((response.0, workspace.0)))
        .sql_context("failed to read a response")?;
    match found {
        true => Ok(()),
        false => Err(StoreError::NotFound(format!("response {}", response.0))),
    }
}

/// Queues the webhook messages and alerts of a change's history entries: one
/// `response.tagged` per tag put on, one `response.updated` for everything else.
fn queue_events(
    connection: &Connection,
    workspace: WorkspaceId,
    response: ResponseId,
    entries: &[HistoryChange],
    at: i64,
) -> StoreResult<()> {
    let mut updated = false;
    for entry in entries {
        match entry {
            HistoryChange::TagAdded(tag) => {
                outbox::response_changed(
                    connection,
                    workspace.0,
                    response,
                    ResponseChange::Tagged(tag),
                    at,
                )?;
            }
            _ => updated = true,
        }
    }
    if updated {
        outbox::response_changed(
            connection,
            workspace.0,
            response,
            ResponseChange::Updated,
            at,
        )?;
    }
    Ok(())
}

/// Changes a response's follow-up in one transaction; see
/// [`vouch_store::FollowUpStore::change_workflow`]. An unknown assignee is `NotFound`.
pub(crate) fn change(
    connection: &mut Connection,
    workspace: WorkspaceId,
    response: ResponseId,
    change: &WorkflowChange,
    actor: Actor,
    at: i64,
) -> StoreResult<ResponseWorkflow> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start changing the follow-up of a response")?;
    check_response(&transaction, workspace, response)?;
    if let Some(Some(assignee)) = change.assignee
        && !user::exists(&transaction, assignee)?
    {
        return Err(StoreError::NotFound(format!("user {}", assignee.0)));
    }
    let before = workflows(&transaction, workspace, &[response])?
        .pop()
        .unwrap_or_else(|| untouched(response));
    let mut changed = before.clone();
    if let Some(status) = change.status {
        changed.status = status;
    }
    if let Some(assignee) = change.assignee {
        changed.assignee = assignee;
    }
    if let Some(tags) = &change.tags {
        let mut spelt = Vec::new();
        for tag in normalise_tags(tags) {
            spelt.push(tags::ensure_tag(&transaction, workspace, &tag, at)?);
        }
        changed.tags = normalise_tags(&spelt);
    }
    let entries = before.changes_to(&changed);
    for entry in &entries {
        history::record(&transaction, workspace.0, response, actor, entry, at)?;
    }
    queue_events(&transaction, workspace, response, &entries, at)?;
    changed.updated_at = Some(
        Timestamp::from_millisecond(at)
            .map_err(|error| other(format!("a change time out of range: {error}")))?,
    );
    // The tags are read from response_tags; the older JSON column is no longer kept.
    let tags = "[]";
    transaction
        .prepare_cached(
            "INSERT INTO response_workflows
                 (response_id, workspace_id, status, assignee_id, tags, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (response_id) DO UPDATE SET
                 status = excluded.status,
                 assignee_id = excluded.assignee_id,
                 tags = excluded.tags,
                 updated_at = excluded.updated_at",
        )
        .and_then(|mut upsert| {
            upsert.execute((
                response.0,
                workspace.0,
                changed.status.as_str(),
                changed.assignee.map(|assignee| assignee.0),
                tags,
                at,
            ))
        })
        .sql_context("failed to write the follow-up of a response")?;
    if change.tags.is_some() {
        replace_tags(&transaction, workspace, response, &changed.tags)?;
    }
    transaction
        .commit()
        .sql_context("failed to commit the follow-up of a response")?;
    Ok(changed)
}

/// Replaces the rows of `response_tags` of a response with `tags`.
fn replace_tags(
    connection: &Connection,
    workspace: WorkspaceId,
    response: ResponseId,
    tags: &[String],
) -> StoreResult<()> {
    connection
        .prepare_cached("DELETE FROM response_tags WHERE response_id = ?1")
        .and_then(|mut delete| delete.execute([response.0]))
        .sql_context("failed to clear the tags of a response")?;
    let mut insert = connection
        .prepare_cached(
            "INSERT INTO response_tags (workspace_id, tag, response_id) VALUES (?1, ?2, ?3)",
        )
        .sql_context("failed to prepare the tags of a response")?;
    for tag in tags {
        insert
            .execute((workspace.0, tag, response.0))
            .sql_context("failed to tag a response")?;
    }
    Ok(())
}

/// Ids of the workspace's responses whose stored follow-up matches every part of the filter,
/// ascending; see [`vouch_store::FollowUpStore::workflow_response_ids`].
pub(crate) fn response_ids(
    connection: &Connection,
    workspace: WorkspaceId,
    filter: &WorkflowFilter,
) -> StoreResult<Vec<ResponseId>> {
    // A tag filter names the tag in any case: compare with the spelling kept.
    let tag = match filter.tag.as_deref() {
        Some(tag) => match tags::stored_name(connection, workspace, tag)? {
            Some(stored) => Some(stored),
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    connection
        .prepare_cached(
            "SELECT r.response_id FROM (
                 SELECT response_id FROM response_workflows WHERE workspace_id = ?1 AND ?4 IS NULL
                 UNION
                 SELECT response_id FROM response_tags
                 WHERE workspace_id = ?1 AND (?4 IS NULL OR tag = ?4)
             ) r
             LEFT JOIN response_workflows w ON w.response_id = r.response_id
             WHERE (?2 IS NULL OR w.status = ?2)
               AND (?3 IS NULL OR w.assignee_id = ?3)
             ORDER BY r.response_id",
        )
        .and_then(|mut statement| {
            statement
                .query_map(
                    (
                        workspace.0,
                        filter.status.map(ResponseStatus::as_str),
                        filter.assignee.map(|assignee| assignee.0),
                        tag,
                    ),
                    |row| Ok(ResponseId(row.get(0)?)),
                )
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to list responses by their follow-up")
}

/// Every tag of the workspace with how many responses carry it, most used first (then by
/// tag).
pub(crate) fn tags(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(String, u64)>> {
    connection
        .prepare_cached(
            "SELECT tag, count(*) FROM response_tags WHERE workspace_id = ?1
             GROUP BY tag ORDER BY count(*) DESC, tag",
        )
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], |row| {
                    let count: i64 = row.get(1)?;
                    let count = u64::try_from(count)
                        .map_err(|_| conversion_error(1, format!("a count of {count}")))?;
                    Ok((row.get(0)?, count))
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to count the tags of the workspace")
}

/// Adds a note to a response in one transaction; see [`vouch_store::FollowUpStore::add_note`]. An
/// unknown author is `NotFound`.
pub(crate) fn add_note(
    connection: &mut Connection,
    workspace: WorkspaceId,
    response: ResponseId,
    author: UserId,
    body: &str,
    at: i64,
) -> StoreResult<ResponseNote> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start adding a note")?;
    check_response(&transaction, workspace, response)?;
    let author_name = user::by_id(&transaction, author)?
        .ok_or_else(|| StoreError::NotFound(format!("user {}", author.0)))?
        .name;
    let id: i64 = transaction
        .prepare_cached(
            "INSERT INTO response_notes (workspace_id, response_id, author_id, body, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)
             RETURNING id",
        )
        .and_then(|mut insert| {
            insert.query_row((workspace.0, response.0, author.0, body, at), |row| {
                row.get(0)
            })
        })
        .sql_context("failed to add a note")?;
    transaction
        .commit()
        .sql_context("failed to commit a note")?;
    Ok(ResponseNote {
        id,
        response,
        author,
        author_name,
        body: body.to_owned(),
        created_at: Timestamp::from_millisecond(at)
            .map_err(|error| other(format!("a note time out of range: {error}")))?,
    })
}

/// The notes of a response of the workspace, oldest first (none for another workspace's).
pub(crate) fn notes(
    connection: &Connection,
    workspace: WorkspaceId,
    response: ResponseId,
) -> StoreResult<Vec<ResponseNote>> {
    connection
        .prepare_cached(
            "SELECT n.id, n.response_id, n.author_id, u.name, n.body, n.created_at
             FROM response_notes n JOIN users u ON u.id = n.author_id
             WHERE n.response_id = ?1 AND n.workspace_id = ?2
             ORDER BY n.created_at, n.id",
        )
        .and_then(|mut statement| {
            statement
                .query_map((response.0, workspace.0), |row| {
                    Ok(ResponseNote {
                        id: row.get(0)?,
                        response: ResponseId(row.get(1)?),
                        author: UserId(row.get(2)?),
                        author_name: row.get(3)?,
                        body: row.get(4)?,
                        created_at: timestamp(row, 5)?,
                    })
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the notes of a response")
}

/// Erases the follow-up (workflow, tags, notes, history, replies) of every response of a contact, inside the
/// caller's transaction, before the responses themselves go.
pub(crate) fn erase_of_contact(connection: &Connection, contact: i64) -> StoreResult<()> {
    for table in [
        "response_tags",
        "response_workflows",
        "response_notes",
        "response_history",
        "response_replies",
    ] {
        connection
            .prepare_cached(&format!(
                "DELETE FROM {table} WHERE response_id IN
                     (SELECT id FROM responses WHERE contact_id = ?1)"
            ))
            .and_then(|mut delete| delete.execute([contact]))
            .sql_context("failed to erase the follow-up of the erased responses")?;
    }
    Ok(())
}

/// Moves the follow-up (workflow, tags, notes, history, replies) of a replaced response to the response that
/// replaces it, inside the caller's transaction. Nothing about it changed, so `updated_at`
/// stays.
pub(crate) fn move_to(
    connection: &Connection,
    from: ResponseId,
    to: ResponseId,
) -> StoreResult<()> {
    for table in [
        "response_workflows",
        "response_tags",
        "response_notes",
        "response_history",
        "response_replies",
    ] {
        connection
            .prepare_cached(&format!(
                "UPDATE {table} SET response_id = ?2 WHERE response_id = ?1"
            ))
            .and_then(|mut update| update.execute((from.0, to.0)))
            .sql_context("failed to move the follow-up of a replaced answer")?;
    }
    Ok(())
}

#[async_trait]
impl FollowUpStore for SqliteStore {
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>> {
        let responses = responses.to_vec();
        self.run(move |connection| workflows(connection, workspace, &responses))
            .await
    }

    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow> {
        let change = change.clone();
        self.run(move |connection| {
            self::change(
                connection,
                workspace,
                response,
                &change,
                actor,
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn workflow_response_ids(
        &self,
        workspace: WorkspaceId,
        filter: &WorkflowFilter,
    ) -> StoreResult<Vec<ResponseId>> {
        let filter = filter.clone();
        self.run(move |connection| response_ids(connection, workspace, &filter))
            .await
    }

    async fn workflow_tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<(String, u64)>> {
        self.run(move |connection| tags(connection, workspace))
            .await
    }

    async fn add_note(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        author: UserId,
        body: &str,
        at: Timestamp,
    ) -> StoreResult<ResponseNote> {
        let body = body.to_owned();
        self.run(move |connection| {
            add_note(
                connection,
                workspace,
                response,
                author,
                &body,
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn notes(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<ResponseNote>> {
        self.run(move |connection| notes(connection, workspace, response))
            .await
    }
}
