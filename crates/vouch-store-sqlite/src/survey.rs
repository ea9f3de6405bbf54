//! Surveys.

use rusqlite::{Connection, OptionalExtension};
use vouch_store::{
    NewSurvey, StoreError, StoreResult, Survey, SurveyId, SurveyListing, WorkspaceId,
};

use crate::error::{SqlContext, is_unique_violation};
use crate::now_millis;
use crate::row::{SURVEY_COLUMNS, survey};

/// Creates a survey; a taken name is a [`StoreError::Conflict`].
pub(crate) fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewSurvey,
) -> StoreResult<Survey> {
    if !crate::workspace::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    let created_at = now_millis();
    let inserted = connection.execute(
        "INSERT INTO surveys (workspace_id, name, kind, question, follow_up, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        (
            workspace.0,
            &new.name,
            new.kind.as_str(),
            &new.question,
            &new.follow_up,
            created_at,
        ),
    );
    match inserted {
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            return Err(StoreError::Conflict(format!(
                "a survey named {:?} already exists",
                new.name
            )));
        }
        Err(error) => return Err(error).sql_context("failed to create a survey"),
    }
    let id = SurveyId(connection.last_insert_rowid());
    by_id(connection, workspace, id)?
        .ok_or_else(|| StoreError::NotFound(format!("survey {}", id.0)))
}

/// The survey with this name in the workspace.
pub(crate) fn by_name(
    connection: &Connection,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<Option<Survey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = ?1 AND s.name = ?2"
        ))
        .and_then(|mut statement| statement.query_row((workspace.0, name), survey).optional())
        .sql_context("failed to read a survey")
}

/// The survey with this id in the workspace.
pub(crate) fn by_id(
    connection: &Connection,
    workspace: WorkspaceId,
    id: SurveyId,
) -> StoreResult<Option<Survey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = ?1 AND s.id = ?2"
        ))
        .and_then(|mut statement| statement.query_row((workspace.0, id.0), survey).optional())
        .sql_context("failed to read a survey")
}

/// Every survey of the workspace with its response count, oldest first.
pub(crate) fn list(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<SurveyListing>> {
    let mut statement = connection
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS},
                    (SELECT count(*) FROM responses r WHERE r.survey_id = s.id)
             FROM surveys s WHERE s.workspace_id = ?1
             ORDER BY s.created_at, s.id"
        ))
        .sql_context("failed to prepare the survey listing")?;
    statement
        .query_map([workspace.0], |row| {
            Ok(SurveyListing {
                survey: survey(row)?,
                responses: row.get::<_, i64>(7)?.unsigned_abs(),
            })
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to list the surveys")
}
