//! Surveys: created with a public-link slug, found, listed and changed.

use async_trait::async_trait;
use vouch_store::{
    NewSurvey, StoreError, StoreResult, Survey, SurveyChanges, SurveyId, SurveyListing,
    SurveySettings, SurveyStore, WorkspaceId, check_slug, generate_slug,
};

use crate::PostgresStore;
use crate::row::timestamp;
use crate::workspaces::workspace_exists;

use deadpool_postgres::ClientWrapper;
use tokio_postgres::Row;
use vouch_core::SurveyKind;

use crate::error::{PgContext, database_error, other};
use crate::now_millis;

/// The columns [`survey_of_row`] reads, from `surveys s`.
pub(crate) const SURVEY_COLUMNS: &str =
    "s.id, s.name, s.kind, s.question, s.follow_up, s.created_at, s.archived, s.slug, s.settings";

/// How many columns [`SURVEY_COLUMNS`] names: the first column after them.
const SURVEY_COLUMN_COUNT: usize = 9;

/// The unique index that keeps slugs unique across the server (see migration 3).
const SLUG_INDEX: &str = "surveys_slug";

/// How many generated slugs are tried before giving up: each has 24 random bits, so a second
/// collision in a row would already be remarkable.
const SLUG_ATTEMPTS: u32 = 5;

/// Creates a survey; a taken name, or a taken slug the caller chose, is a
/// [`StoreError::Conflict`]. Without a slug, one is generated from the name, and generated
/// again should it be taken.
pub(crate) async fn create_survey(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    new: &NewSurvey,
) -> StoreResult<Survey> {
    if !workspace_exists(client, workspace).await? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    if let Some(slug) = &new.slug {
        check_slug(slug)?;
    }
    let settings = settings_json(&new.settings)?;
    let statement = client
        .prepare_cached(&format!(
            "INSERT INTO surveys AS s
                 (workspace_id, name, kind, question, follow_up, created_at, slug, settings)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {SURVEY_COLUMNS}"
        ))
        .await
        .pg_context("failed to prepare creating a survey")?;
    for _ in 0..SLUG_ATTEMPTS {
        let slug = new.slug.clone().unwrap_or_else(|| generate_slug(&new.name));
        let inserted = client
            .query_one(
                &statement,
                &[
                    &workspace.0,
                    &new.name,
                    &new.kind.as_str(),
                    &new.question,
                    &new.follow_up,
                    &now_millis(),
                    &slug,
                    &settings,
                ],
            )
            .await;
        match inserted {
            Ok(row) => return survey_of_row(&row),
            Err(error) if broke_index(&error, SLUG_INDEX) => {
                if new.slug.is_some() {
                    return Err(slug_taken(&slug));
                }
            }
            Err(error) => {
                return match database_error(error, "failed to create a survey") {
                    StoreError::Conflict(_) => Err(StoreError::Conflict(format!(
                        "a survey named {:?} already exists",
                        new.name
                    ))),
                    error => Err(error),
                };
            }
        }
    }
    Err(other(format!(
        "no free slug found for survey {:?} after {SLUG_ATTEMPTS} attempts",
        new.name
    )))
}

/// The conflict reported when another survey has the slug.
fn slug_taken(slug: &str) -> StoreError {
    StoreError::Conflict(format!("the slug {slug:?} is taken by another survey"))
}

/// True when `error` is a uniqueness violation of the constraint or index `name`.
fn broke_index(error: &tokio_postgres::Error, name: &str) -> bool {
    error.as_db_error().is_some_and(|database| {
        *database.code() == tokio_postgres::error::SqlState::UNIQUE_VIOLATION
            && database.constraint() == Some(name)
    })
}

/// Survey settings as stored: their JSON.
fn settings_json(settings: &SurveySettings) -> StoreResult<String> {
    serde_json::to_string(settings)
        .map_err(|error| other(format!("failed to write survey settings: {error}")))
}

/// The survey whose public link has this slug, with its workspace.
pub(crate) async fn survey_by_slug(
    client: &ClientWrapper,
    slug: &str,
) -> StoreResult<Option<(WorkspaceId, Survey)>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {SURVEY_COLUMNS}, s.workspace_id FROM surveys s WHERE s.slug = $1"
        ))
        .await
        .pg_context("failed to prepare the survey lookup")?;
    let row = client
        .query_opt(&statement, &[&slug])
        .await
        .pg_context("failed to read a survey")?;
    let Some(row) = row else { return Ok(None) };
    let workspace: i64 = row
        .try_get(SURVEY_COLUMN_COUNT)
        .pg_context("failed to read a survey")?;
    Ok(Some((WorkspaceId(workspace), survey_of_row(&row)?)))
}

/// The survey with this name in the workspace.
pub(crate) async fn survey_by_name(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    name: &str,
) -> StoreResult<Option<Survey>> {
    let sql =
        format!("SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = $1 AND s.name = $2");
    let statement = client
        .prepare_cached(&sql)
        .await
        .pg_context("failed to prepare the survey lookup")?;
    let row = client
        .query_opt(&statement, &[&workspace.0, &name])
        .await
        .pg_context("failed to read a survey")?;
    row.as_ref().map(survey_of_row).transpose()
}

/// The survey with this id in the workspace.
pub(crate) async fn survey_by_id(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: SurveyId,
) -> StoreResult<Option<Survey>> {
    let sql =
        format!("SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = $1 AND s.id = $2");
    let statement = client
        .prepare_cached(&sql)
        .await
        .pg_context("failed to prepare the survey lookup")?;
    let row = client
        .query_opt(&statement, &[&workspace.0, &id.0])
        .await
        .pg_context("failed to read a survey")?;
    row.as_ref().map(survey_of_row).transpose()
}

/// Every survey of the workspace with its response count, oldest first.
pub(crate) async fn surveys(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<SurveyListing>> {
    let sql = format!(
        "SELECT {SURVEY_COLUMNS}, (SELECT count(*) FROM responses r WHERE r.survey_id = s.id)
         FROM surveys s WHERE s.workspace_id = $1
         ORDER BY s.created_at, s.id"
    );
    let statement = client
        .prepare_cached(&sql)
        .await
        .pg_context("failed to prepare the survey listing")?;
    let rows = client
        .query(&statement, &[&workspace.0])
        .await
        .pg_context("failed to list the surveys")?;
    rows.iter()
        .map(|row| {
            let responses: i64 = row
                .try_get(SURVEY_COLUMN_COUNT)
                .pg_context("failed to count responses")?;
            Ok(SurveyListing {
                survey: survey_of_row(row)?,
                responses: responses.unsigned_abs(),
            })
        })
        .collect()
}

/// Every survey of the workspace, oldest first, without counting responses.
pub(crate) async fn survey_list(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<Survey>> {
    let sql = format!(
        "SELECT {SURVEY_COLUMNS} FROM surveys s WHERE s.workspace_id = $1
         ORDER BY s.created_at, s.id"
    );
    let statement = client
        .prepare_cached(&sql)
        .await
        .pg_context("failed to prepare the survey listing")?;
    let rows = client
        .query(&statement, &[&workspace.0])
        .await
        .pg_context("failed to list the surveys")?;
    rows.iter().map(survey_of_row).collect()
}

/// The survey in the [`SURVEY_COLUMNS`] of `row`.
pub(crate) fn survey_of_row(row: &Row) -> StoreResult<Survey> {
    let kind: &str = row.try_get(2).pg_context("failed to read a survey")?;
    let created_at: i64 = row.try_get(5).pg_context("failed to read a survey")?;
    let settings: &str = row.try_get(8).pg_context("failed to read a survey")?;
    Ok(Survey {
        id: SurveyId(row.try_get(0).pg_context("failed to read a survey")?),
        name: row.try_get(1).pg_context("failed to read a survey")?,
        kind: SurveyKind::parse(kind)
            .ok_or_else(|| other(format!("a survey has an unknown kind {kind:?}")))?,
        question: row.try_get(3).pg_context("failed to read a survey")?,
        follow_up: row.try_get(4).pg_context("failed to read a survey")?,
        created_at: timestamp(created_at)?,
        archived: row.try_get(6).pg_context("failed to read a survey")?,
        slug: row.try_get(7).pg_context("failed to read a survey")?,
        settings: serde_json::from_str(settings)
            .map_err(|error| other(format!("a survey's settings are unreadable: {error}")))?,
    })
}

/// Changes a survey's name, wording, archived flag, slug or settings; a taken name or slug is
/// a [`StoreError::Conflict`], an invalid slug an error of its own.
pub(crate) async fn update_survey(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: SurveyId,
    changes: &SurveyChanges,
) -> StoreResult<Survey> {
    if let Some(slug) = &changes.slug {
        check_slug(slug)?;
    }
    let settings = changes.settings.as_ref().map(settings_json).transpose()?;
    let sql = format!(
        "UPDATE surveys AS s
         SET name = coalesce($3::text, s.name),
             question = coalesce($4::text, s.question),
             follow_up = coalesce($5::text, s.follow_up),
             archived = coalesce($6::boolean, s.archived),
             slug = coalesce($7::text, s.slug),
             settings = coalesce($8::text, s.settings)
         WHERE s.workspace_id = $1 AND s.id = $2
         RETURNING {SURVEY_COLUMNS}"
    );
    let updated = client
        .query_opt(
            &sql,
            &[
                &workspace.0,
                &id.0,
                &changes.name,
                &changes.question,
                &changes.follow_up,
                &changes.archived,
                &changes.slug,
                &settings,
            ],
        )
        .await;
    match updated {
        Ok(Some(row)) => survey_of_row(&row),
        Ok(None) => Err(StoreError::NotFound(format!("survey {}", id.0))),
        Err(error) if broke_index(&error, SLUG_INDEX) => {
            Err(slug_taken(changes.slug.as_deref().unwrap_or_default()))
        }
        Err(error) => match database_error(error, "failed to change a survey") {
            StoreError::Conflict(_) => Err(StoreError::Conflict(format!(
                "a survey named {:?} already exists",
                changes.name.as_deref().unwrap_or_default()
            ))),
            error => Err(error),
        },
    }
}

#[async_trait]
impl SurveyStore for PostgresStore {
    async fn create_survey(
        &self,
        workspace: WorkspaceId,
        survey: NewSurvey,
    ) -> StoreResult<Survey> {
        create_survey(&*self.client().await?, workspace, &survey).await
    }

    async fn survey_by_name(
        &self,
        workspace: WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Survey>> {
        survey_by_name(&*self.client().await?, workspace, name).await
    }

    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>> {
        survey_by_id(&*self.client().await?, workspace, id).await
    }

    async fn surveys(&self, workspace: WorkspaceId) -> StoreResult<Vec<SurveyListing>> {
        surveys(&*self.client().await?, workspace).await
    }

    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>> {
        survey_list(&*self.client().await?, workspace).await
    }

    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey> {
        update_survey(&*self.client().await?, workspace, id, &changes).await
    }

    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>> {
        survey_by_slug(&*self.client().await?, slug).await
    }
}
