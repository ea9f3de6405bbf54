//! The SQL behind an import's contact cache.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::StoreResult;

use crate::bulk::{BulkInsert, ROWS_PER_STATEMENT, Value};
use crate::error::SqlContext;

/// The key a contact is looked up by.
#[derive(Clone, Copy)]
pub(crate) enum Key {
    ExternalId,
    Email,
}

/// A stored contact as read during an import.
pub(crate) struct Found {
    pub(crate) id: i64,
    pub(crate) external_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) attributes: String,
}

/// A contact to insert, with the id the import gave it.
pub(crate) struct NewContact {
    pub(crate) id: i64,
    pub(crate) external_id: Option<String>,
    pub(crate) email: Option<String>,
    pub(crate) attributes: String,
}

/// What a batch of an import changes in contacts, in the order to apply it.
#[derive(Default)]
pub(crate) struct ContactChanges {
    /// New contacts, sorted by key and numbered in that order.
    pub(crate) created: Vec<NewContact>,
    /// Existing contacts given an email (id, email).
    pub(crate) emails: Vec<(i64, String)>,
    /// Existing contacts given an external id (id, external id).
    pub(crate) external_ids: Vec<(i64, String)>,
}

/// Writes a batch's contact changes.
pub(crate) fn apply(
    connection: &Connection,
    workspace: i64,
    now: i64,
    changes: &ContactChanges,
) -> StoreResult<()> {
    insert(connection, workspace, now, &changes.created)?;
    for (id, email) in &changes.emails {
        set_email(connection, *id, email, now)?;
    }
    for (id, external_id) in &changes.external_ids {
        set_external_id(connection, *id, external_id, now)?;
    }
    Ok(())
}

/// Inserts contacts with ids chosen by the import; `?1` is the workspace and `?2` the time.
const INSERT_CONTACTS: BulkInsert = BulkInsert {
    head: "INSERT OR FAIL INTO contacts
               (id, workspace_id, external_id, email, attributes, created_at, updated_at)",
    row: &[
        Value::Own,
        Value::Shared(1),
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Shared(2),
        Value::Shared(2),
    ],
    shared: 2,
};

/// True when the workspace has any contact.
pub(crate) fn any(connection: &Connection, workspace: i64) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM contacts WHERE workspace_id = ?1 LIMIT 1")
        .and_then(|mut statement| statement.exists([workspace]))
        .sql_context("failed to look for contacts")
}

/// How many contacts the workspace has.
pub(crate) fn count(connection: &Connection, workspace: i64) -> StoreResult<i64> {
    connection
        .query_row(
            "SELECT count(*) FROM contacts WHERE workspace_id = ?1",
            [workspace],
            |row| row.get(0),
        )
        .sql_context("failed to count contacts")
}

/// The largest contact id ever given, erased contacts included: AUTOINCREMENT keeps it in
/// sqlite_sequence.
pub(crate) fn last_id(connection: &Connection) -> StoreResult<i64> {
    connection
        .query_row(
            "SELECT max(
                 coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'contacts'), 0),
                 coalesce((SELECT max(id) FROM contacts), 0))",
            [],
            |row| row.get(0),
        )
        .sql_context("failed to read the contact sequence")
}

/// The contact of the workspace whose `key` is `value`.
pub(crate) fn find(
    connection: &Connection,
    workspace: i64,
    key: Key,
    value: &str,
) -> StoreResult<Option<Found>> {
    let sql = match key {
        Key::ExternalId => {
            "SELECT id, external_id, email, attributes FROM contacts
             WHERE workspace_id = ?1 AND external_id = ?2"
        }
        Key::Email => {
            "SELECT id, external_id, email, attributes FROM contacts
             WHERE workspace_id = ?1 AND email = ?2"
        }
    };
    connection
        .prepare_cached(sql)
        .and_then(|mut statement| statement.query_row((workspace, value), found).optional())
        .sql_context("failed to look a contact up")
}

/// Every contact of the workspace.
pub(crate) fn all(connection: &Connection, workspace: i64) -> StoreResult<Vec<Found>> {
    let mut statement = connection
        .prepare("SELECT id, external_id, email, attributes FROM contacts WHERE workspace_id = ?1")
        .sql_context("failed to prepare the contact load")?;
    statement
        .query_map([workspace], found)
        .and_then(|rows| rows.collect())
        .sql_context("failed to load contacts")
}

fn found(row: &rusqlite::Row<'_>) -> rusqlite::Result<Found> {
    Ok(Found {
        id: row.get(0)?,
        external_id: row.get(1)?,
        email: row.get(2)?,
        attributes: row.get(3)?,
    })
}

/// Inserts contacts, many per statement.
fn insert(
    connection: &Connection,
    workspace: i64,
    now: i64,
    contacts: &[NewContact],
) -> StoreResult<()> {
    if contacts.is_empty() {
        return Ok(());
    }
    let mut many = connection
        .prepare_cached(&INSERT_CONTACTS.sql(ROWS_PER_STATEMENT))
        .sql_context("failed to prepare the contact insert")?;
    let mut one = connection
        .prepare_cached(&INSERT_CONTACTS.sql(1))
        .sql_context("failed to prepare the contact insert")?;
    for chunk in contacts.chunks(ROWS_PER_STATEMENT) {
        if chunk.len() == ROWS_PER_STATEMENT {
            insert_chunk(&mut many, workspace, now, chunk)?;
        } else {
            for contact in chunk.chunks(1) {
                insert_chunk(&mut one, workspace, now, contact)?;
            }
        }
    }
    Ok(())
}

fn insert_chunk(
    statement: &mut rusqlite::Statement<'_>,
    workspace: i64,
    now: i64,
    contacts: &[NewContact],
) -> StoreResult<()> {
    let mut bind = || -> rusqlite::Result<()> {
        statement.raw_bind_parameter(1, workspace)?;
        statement.raw_bind_parameter(2, now)?;
        for (row, contact) in contacts.iter().enumerate() {
            let first = INSERT_CONTACTS.first_parameter(row);
            statement.raw_bind_parameter(first, contact.id)?;
            statement.raw_bind_parameter(first + 1, &contact.external_id)?;
            statement.raw_bind_parameter(first + 2, &contact.email)?;
            statement.raw_bind_parameter(first + 3, &contact.attributes)?;
        }
        Ok(())
    };
    bind()
        .and_then(|()| statement.raw_execute())
        .sql_context("failed to create contacts")?;
    Ok(())
}

/// Sets one column of a contact (and its `updated_at`).
fn set(connection: &Connection, sql: &str, value: &str, now: i64, id: i64) -> StoreResult<()> {
    connection
        .prepare_cached(sql)
        .and_then(|mut update| update.execute((value, now, id)))
        .sql_context("failed to update a contact")?;
    Ok(())
}

/// Gives a contact its email.
fn set_email(connection: &Connection, id: i64, email: &str, now: i64) -> StoreResult<()> {
    let sql = "UPDATE contacts SET email = ?1, updated_at = ?2 WHERE id = ?3";
    set(connection, sql, email, now, id)
}

/// Gives a contact its external id.
fn set_external_id(
    connection: &Connection,
    id: i64,
    external_id: &str,
    now: i64,
) -> StoreResult<()> {
    let sql = "UPDATE contacts SET external_id = ?1, updated_at = ?2 WHERE id = ?3";
    set(connection, sql, external_id, now, id)
}

/// Replaces a contact's attributes.
pub(crate) fn set_attributes(
    connection: &Connection,
    id: i64,
    attributes: &str,
    now: i64,
) -> StoreResult<()> {
    let sql = "UPDATE contacts SET attributes = ?1, updated_at = ?2 WHERE id = ?3";
    set(connection, sql, attributes, now, id)
}
