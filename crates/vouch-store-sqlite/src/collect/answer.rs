//! Answers given through an invitation: written once, replaced when given again.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    Answer, AttributeDefinition, Invitation, ResponseId, StoreError, StoreResult, StoredResponse,
    WorkspaceId,
};

use crate::collect::invitation;
use crate::error::SqlContext;
use crate::follow_up;
use crate::now_millis;
use crate::outbox::{self, ResponseChange};
use crate::responses::response::{self, RESPONSE_COLUMNS, stored_response};
use crate::workspaces::attribute_definitions;

/// Records an answer in one transaction; see [`vouch_store::CollectStore::record_answer`].
///
/// A replaced response is erased the way erasing a contact erases one (a row in
/// `response_deletions`, its idempotency keys forgotten), and the new one is inserted after it
/// in the same transaction, so that an index tailing responses and deletions sees the old
/// answer go and the new one, with a larger id, come. The replaced response's follow-up
/// (workflow, tags, notes) moves to the new one in that transaction too.
pub(crate) fn record(connection: &mut Connection, answer: &Answer) -> StoreResult<StoredResponse> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start recording an answer")?;
    let invitation = invitation::by_id(&transaction, answer.invitation)?
        .ok_or_else(|| StoreError::NotFound(format!("invitation {}", answer.invitation.0)))?;
    let workspace = invitation.workspace;
    let definitions = attribute_definitions(&transaction, workspace)?;
    let now = now_millis();
    let mut created_at = answer.at.as_millisecond();
    let previous = match invitation.response {
        Some(id) => response::by_id(&transaction, workspace, id, &definitions)?,
        None => None,
    };
    let mut replaced = None;
    if let Some(previous) = previous {
        if previous.score == answer.score && previous.comment == answer.comment {
            // Nothing was written: dropping the transaction ends it.
            return Ok(previous);
        }
        created_at = previous.created_at.as_millisecond();
        replaced = Some(previous.id);
        erase_replaced(&transaction, workspace, previous.id, now)?;
    }
    let stored = insert_answer(&transaction, &invitation, answer, created_at, &definitions)?;
    if let Some(previous) = replaced {
        // The team's follow-up (status, assignee, tags, notes) survives a changed answer.
        follow_up::move_to(&transaction, previous, stored.id)?;
    }
    link_to_invitation(&transaction, &invitation, answer, stored.id)?;
    let change = match replaced {
        Some(_) => ResponseChange::Replaced,
        None => ResponseChange::Created,
    };
    outbox::response_changed(&transaction, workspace.0, stored.id, change, now)?;
    transaction
        .commit()
        .sql_context("failed to commit an answer")?;
    Ok(stored)
}

/// Erases the response an answer replaces: logs its deletion, forgets its idempotency keys and
/// deletes it.
fn erase_replaced(
    connection: &Connection,
    workspace: WorkspaceId,
    replaced: ResponseId,
    now: i64,
) -> StoreResult<()> {
    connection
        .prepare_cached(
            "INSERT INTO response_deletions (workspace_id, response_id, deleted_at)
             VALUES (?1, ?2, ?3)",
        )
        .and_then(|mut insert| insert.execute((workspace.0, replaced.0, now)))
        .sql_context("failed to log a replaced answer")?;
    connection
        .prepare_cached("DELETE FROM idempotency_keys WHERE response_id = ?1")
        .and_then(|mut delete| delete.execute([replaced.0]))
        .sql_context("failed to forget the idempotency keys of a replaced answer")?;
    connection
        .prepare_cached("DELETE FROM responses WHERE id = ?1")
        .and_then(|mut delete| delete.execute([replaced.0]))
        .sql_context("failed to erase a replaced answer")?;
    Ok(())
}

/// Inserts the response an answer gives, with its contact's current attributes, at
/// `created_at`.
fn insert_answer(
    connection: &Connection,
    invitation: &Invitation,
    answer: &Answer,
    created_at: i64,
    definitions: &[AttributeDefinition],
) -> StoreResult<StoredResponse> {
    connection
        .prepare_cached(&format!(
            "INSERT INTO responses
                 (workspace_id, survey_id, contact_id, score, comment, created_at, channel,
                  attributes)
             SELECT ?1, ?2, c.id, ?4, ?5, ?6, ?7, c.attributes FROM contacts c WHERE c.id = ?3
             RETURNING {RESPONSE_COLUMNS}"
        ))
        .and_then(|mut insert| {
            insert
                .query_row(
                    (
                        invitation.workspace.0,
                        invitation.survey.0,
                        invitation.contact.0,
                        answer.score.value(),
                        &answer.comment,
                        created_at,
                        invitation.channel.as_str(),
                    ),
                    |row| stored_response(row, definitions),
                )
                .optional()
        })
        .sql_context("failed to write an answer")?
        .ok_or_else(|| StoreError::NotFound(format!("contact {}", invitation.contact.0)))
}

/// Points the invitation at the response its answer wrote.
fn link_to_invitation(
    connection: &Connection,
    invitation: &Invitation,
    answer: &Answer,
    response: ResponseId,
) -> StoreResult<()> {
    connection
        .prepare_cached(
            "UPDATE invitations SET response_id = ?2, answered_at = coalesce(answered_at, ?3)
             WHERE id = ?1",
        )
        .and_then(|mut update| {
            update.execute((invitation.id.0, response.0, answer.at.as_millisecond()))
        })
        .sql_context("failed to link an answer to its invitation")?;
    Ok(())
}
