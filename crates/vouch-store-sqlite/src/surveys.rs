//! Surveys: their names (unique in a workspace), public link slugs (unique across the
//! server) and presentation settings (a JSON document).

use async_trait::async_trait;
use vouch_store::{
    NewSurvey, StoreError, StoreResult, Survey, SurveyChanges, SurveyId, SurveyListing,
    SurveySettings, SurveyStore, WorkspaceId, check_slug, generate_slug,
};

use crate::SqliteStore;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

use crate::error::{SqlContext, is_unique_violation, other};
use crate::now_millis;
use crate::row::{SURVEY_COLUMN_COUNT, SURVEY_COLUMNS, survey};

/// How many generated slugs are tried before giving up: a collision needs the same name and
/// the same 24 random bits, so a second try practically always succeeds.
const SLUG_TRIES: usize = 8;

/// Creates a survey; a taken name, or a taken slug given by the caller, is a
/// [`StoreError::Conflict`]. Without a slug, one is generated from the name (and generated
/// again on the rare collision).
pub(crate) fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewSurvey,
) -> StoreResult<Survey> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    if let Some(slug) = &new.slug {
        check_slug(slug)?;
    }
    let settings = settings_json(&new.settings)?;
    let mut tries = 0;
    loop {
        tries += 1;
        let slug = match &new.slug {
            Some(slug) => slug.clone(),
            None => generate_slug(&new.name),
        };
        let inserted = connection
            .prepare_cached(
                "INSERT INTO surveys
                     (workspace_id, name, kind, question, follow_up, created_at, slug, settings)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )
            .and_then(|mut insert| {
                insert.execute((
                    workspace.0,
                    &new.name,
                    new.kind.as_str(),
                    &new.question,
                    &new.follow_up,
                    now_millis(),
                    &slug,
                    &settings,
                ))
            });
        match inserted {
            Ok(_) => break,
            Err(error) if is_unique_violation(&error) => {
                if name_taken(connection, workspace, &new.name, None)? {
                    return Err(StoreError::Conflict(format!(
                        "a survey named {:?} already exists",
                        new.name
                    )));
                }
                if new.slug.is_some() {
                    return Err(slug_taken(&slug));
                }
                if tries == SLUG_TRIES {
                    return Err(other(format!(
                        "failed to find a free slug for the survey {:?}",
                        new.name
                    )));
                }
            }
            Err(error) => return Err(error).sql_context("failed to create a survey"),
        }
    }
    let id = SurveyId(connection.last_insert_rowid());
    by_id(connection, workspace, id)?
        .ok_or_else(|| StoreError::NotFound(format!("survey {}", id.0)))
}

/// The conflict of a slug another survey has.
fn slug_taken(slug: &str) -> StoreError {
    StoreError::Conflict(format!("a survey with the slug {slug:?} already exists"))
}

/// Settings as stored.
fn settings_json(settings: &SurveySettings) -> StoreResult<String> {
    serde_json::to_string(settings)
        .map_err(|error| other(format!("failed to write survey settings: {error}")))
}

/// True when another survey of the workspace than `except` has this name.
fn name_taken(
    connection: &Connection,
    workspace: WorkspaceId,
    name: &str,
    except: Option<SurveyId>,
) -> StoreResult<bool> {
    connection
        .prepare_cached(
            "SELECT 1 FROM surveys WHERE workspace_id = ?1 AND name = ?2 AND id IS NOT ?3",
        )
        .and_then(|mut statement| statement.exists((workspace.0, name, except.map(|id| id.0))))
        .sql_context("failed to read a survey")
}

/// The survey whose public link has this slug, with its workspace.
pub(crate) fn by_slug(
    connection: &Connection,
    slug: &str,
) -> StoreResult<Option<(WorkspaceId, Survey)>> {
    connection
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS}, s.workspace_id FROM surveys s WHERE s.slug = ?1"
        ))
        .and_then(|mut statement| {
            statement
                .query_row([slug], |row| {
                    Ok((WorkspaceId(row.get(SURVEY_COLUMN_COUNT)?), survey(row)?))
                })
                .optional()
        })
        .sql_context("failed to read a survey")
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
                responses: row.get::<_, i64>(SURVEY_COLUMN_COUNT)?.unsigned_abs(),
            })
        })
        .and_then(|rows| rows.collect())
        .sql_context("failed to list the surveys")
}

/// Every survey of the workspace, oldest first, without counting responses.
pub(crate) fn list_plain(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<Survey>> {
    connection
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = ?1
             ORDER BY s.created_at, s.id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], survey)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to list the surveys")
}

/// Changes a survey's name, wording, archived flag, slug or settings, in one transaction with
/// reading it back; a taken name or slug is a [`StoreError::Conflict`].
pub(crate) fn update(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: SurveyId,
    changes: &SurveyChanges,
) -> StoreResult<Survey> {
    if let Some(slug) = &changes.slug {
        check_slug(slug)?;
    }
    let settings = changes.settings.as_ref().map(settings_json).transpose()?;
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start changing a survey")?;
    let updated = transaction
        .prepare_cached(
            "UPDATE surveys SET
                 name = coalesce(?3, name),
                 question = coalesce(?4, question),
                 follow_up = coalesce(?5, follow_up),
                 archived = coalesce(?6, archived),
                 slug = coalesce(?7, slug),
                 settings = coalesce(?8, settings)
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
                &changes.slug,
                &settings,
            ))
        });
    match updated {
        Ok(0) => return Err(StoreError::NotFound(format!("survey {}", id.0))),
        Ok(_) => {}
        Err(error) if is_unique_violation(&error) => {
            let name = changes.name.as_deref().unwrap_or_default();
            let name_conflict =
                changes.name.is_some() && name_taken(&transaction, workspace, name, Some(id))?;
            return Err(match (name_conflict, &changes.slug) {
                (false, Some(slug)) => slug_taken(slug),
                _ => StoreError::Conflict(format!("a survey named {name:?} already exists")),
            });
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

#[async_trait]
impl SurveyStore for SqliteStore {
    async fn create_survey(
        &self,
        workspace: WorkspaceId,
        survey: NewSurvey,
    ) -> StoreResult<Survey> {
        self.run(move |connection| create(connection, workspace, &survey))
            .await
    }

    async fn survey_by_name(
        &self,
        workspace: WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Survey>> {
        let name = name.to_owned();
        self.run(move |connection| by_name(connection, workspace, &name))
            .await
    }

    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>> {
        self.run(move |connection| by_id(connection, workspace, id))
            .await
    }

    async fn surveys(&self, workspace: WorkspaceId) -> StoreResult<Vec<SurveyListing>> {
        self.run(move |connection| list(connection, workspace))
            .await
    }

    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>> {
        self.run(move |connection| list_plain(connection, workspace))
            .await
    }

    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey> {
        self.run(move |connection| update(connection, workspace, id, &changes))
            .await
    }

    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>> {
        let slug = slug.to_owned();
        self.run(move |connection| by_slug(connection, &slug)).await
    }
}
