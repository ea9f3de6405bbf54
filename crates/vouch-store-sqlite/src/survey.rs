//! Surveys.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    NewSurvey, StoreError, StoreResult, Survey, SurveyChanges, SurveyId, SurveyListing, WorkspaceId,
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

/// Changes a survey's name, wording or archived flag, in one transaction with reading it
/// back; a taken name is a [`StoreError::Conflict`].
pub(crate) fn update(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: SurveyId,
    changes: &SurveyChanges,
) -> StoreResult<Survey> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start changing a survey")?;
    let updated = transaction
        .prepare_cached(
            "UPDATE surveys SET
                 name = coalesce(?3, name),
                 question = coalesce(?4, question),
                 follow_up = coalesce(?5, follow_up),
                 archived = coalesce(?6, archived)
             WHERE workspace_id = ?1 AND id = ?2",
        )
        .and_then(|mut update| {
            update.execute((
                workspace.0,
                id.0,
                &changes.name,
                &changes.question,
                &changes.follow_up,
                changes.archived,
            ))
        });
    match updated {
        Ok(0) => return Err(StoreError::NotFound(format!("survey {}", id.0))),
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            return Err(StoreError::Conflict(format!(
                "a survey named {:?} already exists",
                changes.name.as_deref().unwrap_or_default()
            )));
        }
        Err(error) => return Err(error).sql_context("failed to change a survey"),
    }
    let survey = by_id(&transaction, workspace, id)?
        .ok_or_else(|| StoreError::NotFound(format!("survey {}", id.0)))?;
    transaction
        .commit()
        .sql_context("failed to commit a survey change")?;
    Ok(survey)
}
