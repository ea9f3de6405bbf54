//! What an import does inside its transaction: write contacts and responses.

use std::collections::HashSet;

use rusqlite::Transaction;
use vouch_store::{
    AttributeDefinition, ImportSummary, NewResponse, StoreError, StoreResult, WorkspaceId,
    attributes_to_json,
};

use crate::bulk::{BulkInsert, ROWS_PER_STATEMENT, Value};
use crate::error::{SqlContext, other};
use crate::now_millis;
use crate::responses::contact_rows::{self, ContactChanges};

/// Inserts responses; `?1` is the workspace.
const INSERT_RESPONSES: BulkInsert = BulkInsert {
    head: "INSERT OR FAIL INTO responses
               (workspace_id, survey_id, contact_id, score, comment, created_at, channel, attributes)",
    row: &[
        Value::Shared(1),
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Own,
        Value::Own,
    ],
    shared: 1,
};

/// One response, owned, ready to insert.
pub(crate) struct Row {
    survey: i64,
    pub(crate) external_id: Option<String>,
    pub(crate) email: Option<String>,
    /// The contact's attributes in this response, as JSON.
    pub(crate) attributes: String,
    score: u8,
    comment: Option<String>,
    created_at: i64,
    channel: String,
    /// The contact's id, once the contact cache has resolved the row.
    pub(crate) contact: i64,
}

impl Row {
    /// The row for a response; fails when it names no contact.
    pub(crate) fn of(response: &NewResponse) -> StoreResult<Row> {
        let non_empty = |key: &Option<String>| key.as_ref().filter(|key| !key.is_empty()).cloned();
        let row = Row {
            survey: response.survey.0,
            external_id: non_empty(&response.contact.external_id),
            email: non_empty(&response.contact.email),
            attributes: attributes_to_json(&response.attributes),
            score: response.score.value(),
            comment: response.comment.clone(),
            created_at: response.created_at.as_millisecond(),
            channel: response.channel.clone(),
            contact: 0,
        };
        if row.external_id.is_none() && row.email.is_none() {
            return Err(other(
                "a response names neither an external id nor an email",
            ));
        }
        Ok(row)
    }
}

/// Inserts within the import's transaction.
pub(crate) struct Writer<'t> {
    transaction: &'t Transaction<'t>,
    workspace: i64,
    surveys: HashSet<i64>,
    now: i64,
    responses: u64,
    /// The statement that inserts [`ROWS_PER_STATEMENT`] responses at once.
    insert_many: String,
}

impl<'t> Writer<'t> {
    /// A writer for the workspace, which must exist.
    pub(crate) fn new(
        transaction: &'t Transaction<'t>,
        workspace: WorkspaceId,
    ) -> StoreResult<Writer<'t>> {
        let exists = crate::workspaces::exists(transaction, workspace)?;
        if !exists {
            return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
        }
        let mut writer = Writer {
            transaction,
            workspace: workspace.0,
            surveys: HashSet::new(),
            now: now_millis(),
            responses: 0,
            insert_many: INSERT_RESPONSES.sql(ROWS_PER_STATEMENT),
        };
        writer.load_surveys()?;
        Ok(writer)
    }

    fn load_surveys(&mut self) -> StoreResult<()> {
        let mut statement = self
            .transaction
            .prepare_cached("SELECT id FROM surveys WHERE workspace_id = ?1")
            .sql_context("failed to prepare the survey list")?;
        let ids = statement
            .query_map([self.workspace], |row| row.get::<_, i64>(0))
            .and_then(|ids| ids.collect::<rusqlite::Result<Vec<i64>>>())
            .sql_context("failed to list the workspace's surveys")?;
        self.surveys.extend(ids);
        Ok(())
    }

    /// Records attribute kinds not seen before.
    pub(crate) fn define(&mut self, definitions: &[AttributeDefinition]) -> StoreResult<()> {
        let mut insert = self
            .transaction
            .prepare_cached(
                "INSERT INTO attribute_definitions (workspace_id, name, kind) VALUES (?1, ?2, ?3)
                 ON CONFLICT (workspace_id, name) DO NOTHING",
            )
            .sql_context("failed to prepare the attribute definition")?;
        for definition in definitions {
            insert
                .execute((self.workspace, &definition.name, definition.kind.as_str()))
                .sql_context("failed to define an attribute")?;
        }
        Ok(())
    }

    /// Writes a batch: its contact changes, then its responses.
    pub(crate) fn write(&mut self, changes: &ContactChanges, rows: &[Row]) -> StoreResult<()> {
        for row in rows {
            self.check_survey(row.survey)?;
        }
        contact_rows::apply(self.transaction, self.workspace, self.now, changes)?;
        let mut many = self
            .transaction
            .prepare_cached(&self.insert_many)
            .sql_context("failed to prepare the response insert")?;
        let mut one = self
            .transaction
            .prepare_cached(&INSERT_RESPONSES.sql(1))
            .sql_context("failed to prepare the response insert")?;
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            if chunk.len() == ROWS_PER_STATEMENT {
                insert_rows(&mut many, self.workspace, chunk)?;
            } else {
                for row in chunk.chunks(1) {
                    insert_rows(&mut one, self.workspace, row)?;
                }
            }
        }
        self.responses += rows.len() as u64;
        Ok(())
    }

    /// Fails unless the survey belongs to the workspace (it may have been created since the
    /// import began).
    fn check_survey(&mut self, survey: i64) -> StoreResult<()> {
        if self.surveys.contains(&survey) {
            return Ok(());
        }
        self.load_surveys()?;
        match self.surveys.contains(&survey) {
            true => Ok(()),
            false => Err(StoreError::NotFound(format!("survey {survey}"))),
        }
    }

    /// Writes the contacts' latest attributes, (id, attributes), and reports what the import
    /// wrote.
    pub(crate) fn finish(
        self,
        attributes: &[(i64, String)],
        contacts_created: u64,
    ) -> StoreResult<ImportSummary> {
        for (id, attributes) in attributes {
            contact_rows::set_attributes(self.transaction, *id, attributes, self.now)?;
        }
        Ok(ImportSummary {
            responses: self.responses,
            contacts_created,
        })
    }
}

/// Runs an insert of as many rows as `rows`.
fn insert_rows(
    statement: &mut rusqlite::Statement<'_>,
    workspace: i64,
    rows: &[Row],
) -> StoreResult<()> {
    bind_rows(statement, workspace, rows)
        .and_then(|()| statement.raw_execute())
        .sql_context("failed to insert responses")?;
    Ok(())
}

fn bind_rows(
    statement: &mut rusqlite::Statement<'_>,
    workspace: i64,
    rows: &[Row],
) -> rusqlite::Result<()> {
    statement.raw_bind_parameter(1, workspace)?;
    for (index, row) in rows.iter().enumerate() {
        let first = INSERT_RESPONSES.first_parameter(index);
        statement.raw_bind_parameter(first, row.survey)?;
        statement.raw_bind_parameter(first + 1, row.contact)?;
        statement.raw_bind_parameter(first + 2, row.score)?;
        statement.raw_bind_parameter(first + 3, &row.comment)?;
        statement.raw_bind_parameter(first + 4, row.created_at)?;
        statement.raw_bind_parameter(first + 5, &row.channel)?;
        statement.raw_bind_parameter(first + 6, &row.attributes)?;
    }
    Ok(())
}
