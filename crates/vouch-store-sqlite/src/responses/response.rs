//! Reading responses, deletions and contacts; erasing a contact.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    AttributeDefinition, Contact, ContactId, ContactKey, Deletion, ResponseId, StoreError,
    StoreResult, StoredResponse, SurveyId, WorkspaceId,
};

use crate::attributes;
use crate::error::SqlContext;
use crate::now_millis;
use crate::row::{conversion_error, score, timestamp};
use crate::workspaces::attribute_definitions;

/// Up to `limit` responses of the workspace after `after`, in id order.
pub(crate) fn responses_after(
    connection: &Connection,
    workspace: WorkspaceId,
    after: ResponseId,
    survey: Option<SurveyId>,
    limit: usize,
) -> StoreResult<Vec<StoredResponse>> {
    let definitions = attribute_definitions(connection, workspace)?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut statement = connection
        .prepare_cached(
            "SELECT id, survey_id, contact_id, score, comment, created_at, channel, attributes
             FROM responses
             WHERE workspace_id = ?1 AND id > ?2 AND (?3 IS NULL OR survey_id = ?3)
             ORDER BY id LIMIT ?4",
        )
        .sql_context("failed to prepare the response page")?;
    let mut rows = statement
        .query((workspace.0, after.0, survey.map(|survey| survey.0), limit))
        .sql_context("failed to read responses")?;
    let mut responses = Vec::with_capacity(usize::try_from(limit).unwrap_or(0).min(65_536));
    while let Some(row) = rows.next().sql_context("failed to read responses")? {
        responses
            .push(stored_response(row, &definitions).sql_context("failed to read a response")?);
    }
    Ok(responses)
}

/// The columns [`stored_response`] reads, in order.
pub(crate) const RESPONSE_COLUMNS: &str =
    "id, survey_id, contact_id, score, comment, created_at, channel, attributes";

/// A response from a row of [`RESPONSE_COLUMNS`], its attributes typed by `definitions`.
pub(crate) fn stored_response(
    row: &rusqlite::Row<'_>,
    definitions: &[AttributeDefinition],
) -> rusqlite::Result<StoredResponse> {
    // Borrowing the JSON text saves a copy per row; a page can be a million rows.
    let attributes = attributes::decode(row.get_ref(7)?.as_str()?, definitions)
        .map_err(|error| conversion_error(7, format!("stored attributes: {error}")))?;
    Ok(StoredResponse {
        id: ResponseId(row.get(0)?),
        survey: SurveyId(row.get(1)?),
        contact: ContactId(row.get(2)?),
        score: score(row, 3)?,
        comment: row.get(4)?,
        created_at: timestamp(row, 5)?,
        channel: row.get(6)?,
        attributes,
    })
}

/// The workspace's deletions after the sequence number `after`, in order.
pub(crate) fn deletions_after(
    connection: &Connection,
    workspace: WorkspaceId,
    after: i64,
) -> StoreResult<Vec<Deletion>> {
    let mut statement = connection
        .prepare_cached(
            "SELECT sequence, response_id FROM response_deletions
             WHERE workspace_id = ?1 AND sequence > ?2 ORDER BY sequence",
        )
        .sql_context("failed to prepare the deletion log")?;
    statement
        .query_map((workspace.0, after), |row| {
            Ok(Deletion {
                sequence: row.get(0)?,
                response: ResponseId(row.get(1)?),
            })
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to read the deletion log")
}

/// The contact a key names, by the rules of [`crate::responses::contact_cache`]: by external id, else by
/// an email that no external id claims yet.
pub(crate) fn contact(
    connection: &Connection,
    workspace: WorkspaceId,
    key: &ContactKey,
) -> StoreResult<Option<Contact>> {
    let definitions = attribute_definitions(connection, workspace)?;
    let select = "SELECT id, external_id, email, attributes FROM contacts WHERE workspace_id = ?1";
    let found = match (&key.external_id, &key.email) {
        (Some(external_id), email) => {
            let by_external_id = find_contact(
                connection,
                &format!("{select} AND external_id = ?2"),
                workspace,
                external_id,
                &definitions,
            )?;
            match (by_external_id, email) {
                (None, Some(email)) => find_contact(
                    connection,
                    &format!("{select} AND email = ?2 AND external_id IS NULL"),
                    workspace,
                    email,
                    &definitions,
                )?,
                (found, _) => found,
            }
        }
        (None, Some(email)) => find_contact(
            connection,
            &format!("{select} AND email = ?2"),
            workspace,
            email,
            &definitions,
        )?,
        (None, None) => None,
    };
    Ok(found)
}

fn find_contact(
    connection: &Connection,
    sql: &str,
    workspace: WorkspaceId,
    value: &str,
    definitions: &[AttributeDefinition],
) -> StoreResult<Option<Contact>> {
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| {
            statement
                .query_row((workspace.0, value), |row| {
                    let attributes = attributes::decode(row.get_ref(3)?.as_str()?, definitions)
                        .map_err(|error| {
                            conversion_error(3, format!("stored attributes: {error}"))
                        })?;
                    Ok(Contact {
                        id: ContactId(row.get(0)?),
                        external_id: row.get(1)?,
                        email: row.get(2)?,
                        attributes,
                    })
                })
                .optional()
        })
        .sql_context("failed to read a contact")
}

/// Erases a contact, its responses with their follow-up (workflows, tags, notes) and its
/// invitations, logging one deletion per response, in one transaction.
pub(crate) fn delete_contact(
    connection: &mut Connection,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<u64> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start erasing a contact")?;
    let exists = transaction
        .query_row(
            "SELECT 1 FROM contacts WHERE id = ?1 AND workspace_id = ?2",
            (contact.0, workspace.0),
            |_| Ok(()),
        )
        .optional()
        .sql_context("failed to read a contact")?
        .is_some();
    if !exists {
        return Err(StoreError::NotFound(format!("contact {}", contact.0)));
    }
    crate::outbox::contact_erased(&transaction, workspace.0, contact.0, now_millis())?;
    let erased = transaction
        .execute(
            "INSERT INTO response_deletions (workspace_id, response_id, deleted_at)
             SELECT workspace_id, id, ?2 FROM responses WHERE contact_id = ?1 ORDER BY id",
            (contact.0, now_millis()),
        )
        .sql_context("failed to log the erased responses")?;
    // A fingerprint is a digest of a body that named the contact: it goes with the responses.
    transaction
        .execute(
            "DELETE FROM idempotency_keys WHERE workspace_id = ?2 AND response_id IN
                 (SELECT id FROM responses WHERE contact_id = ?1)",
            (contact.0, workspace.0),
        )
        .sql_context("failed to forget the idempotency keys of the erased responses")?;
    // The team's follow-up of the responses (status, tags, notes) may quote or describe the
    // person: it goes with them.
    crate::follow_up::erase_of_contact(&transaction, contact.0)?;
    transaction
        .execute("DELETE FROM responses WHERE contact_id = ?1", [contact.0])
        .sql_context("failed to erase the contact's responses")?;
    // Its invitations would go with it (ON DELETE CASCADE); deleting them here does not
    // depend on the connection enforcing foreign keys.
    transaction
        .execute("DELETE FROM invitations WHERE contact_id = ?1", [contact.0])
        .sql_context("failed to erase the contact's invitations")?;
    transaction
        .execute("DELETE FROM contacts WHERE id = ?1", [contact.0])
        .sql_context("failed to erase the contact")?;
    transaction
        .commit()
        .sql_context("failed to commit the erasure")?;
    Ok(erased as u64)
}

/// One response of the workspace, its attributes typed by `definitions`.
pub(crate) fn by_id(
    connection: &Connection,
    workspace: WorkspaceId,
    id: ResponseId,
    definitions: &[AttributeDefinition],
) -> StoreResult<Option<StoredResponse>> {
    connection
        .prepare_cached(&format!(
            "SELECT {RESPONSE_COLUMNS} FROM responses WHERE id = ?1 AND workspace_id = ?2"
        ))
        .and_then(|mut statement| {
            statement
                .query_row((id.0, workspace.0), |row| stored_response(row, definitions))
                .optional()
        })
        .sql_context("failed to read a response")
}

/// The workspace's responses with these ids, in the order given; unknown ids are skipped.
pub(crate) fn by_ids(
    connection: &Connection,
    workspace: WorkspaceId,
    ids: &[ResponseId],
) -> StoreResult<Vec<StoredResponse>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let definitions = attribute_definitions(connection, workspace)?;
    let mut list = String::with_capacity(ids.len() * 8 + 2);
    list.push('[');
    for (position, id) in ids.iter().enumerate() {
        if position > 0 {
            list.push(',');
        }
        list.push_str(&id.0.to_string());
    }
    list.push(']');
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {RESPONSE_COLUMNS} FROM responses
             WHERE workspace_id = ?1 AND id IN (SELECT value FROM json_each(?2))"
        ))
        .sql_context("failed to prepare the response lookup")?;
    let found: HashMap<ResponseId, StoredResponse> = statement
        .query_map((workspace.0, &list), |row| {
            let response = stored_response(row, &definitions)?;
            Ok((response.id, response))
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to read responses")?;
    Ok(ids.iter().filter_map(|id| found.get(id).cloned()).collect())
}

/// Every response the contact gave in the workspace, oldest first.
pub(crate) fn of_contact(
    connection: &Connection,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<Vec<StoredResponse>> {
    let definitions = attribute_definitions(connection, workspace)?;
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {RESPONSE_COLUMNS} FROM responses
             WHERE contact_id = ?1 AND workspace_id = ?2
             ORDER BY created_at, id"
        ))
        .sql_context("failed to prepare the contact's responses")?;
    statement
        .query_map((contact.0, workspace.0), |row| {
            stored_response(row, &definitions)
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to read the contact's responses")
}
