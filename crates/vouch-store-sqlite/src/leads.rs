//! The lead model of each survey (`lead_models`).

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension};
use vouch_store::{LeadModelStore, SavedLeadModel, StoreError, StoreResult, SurveyId, WorkspaceId};

use crate::SqliteStore;
use crate::error::SqlContext;
use crate::row::timestamp;

fn read(
    connection: &Connection,
    workspace: WorkspaceId,
    survey: SurveyId,
) -> StoreResult<Option<SavedLeadModel>> {
    connection
        .prepare_cached(
            "SELECT model, trained_at FROM lead_models WHERE survey_id = ?1 AND workspace_id = ?2",
        )
        .and_then(|mut statement| {
            statement
                .query_row((survey.0, workspace.0), |row| {
                    Ok(SavedLeadModel {
                        survey,
                        model: row.get(0)?,
                        trained_at: timestamp(row, 1)?,
                    })
                })
                .optional()
        })
        .sql_context("failed to read a lead model")
}

fn save(
    connection: &Connection,
    workspace: WorkspaceId,
    survey: SurveyId,
    model: &str,
    trained_at: i64,
) -> StoreResult<()> {
    let written = connection
        .prepare_cached(
            "INSERT INTO lead_models (survey_id, workspace_id, model, trained_at)
             SELECT id, workspace_id, ?3, ?4 FROM surveys WHERE id = ?1 AND workspace_id = ?2
             ON CONFLICT (survey_id) DO UPDATE
             SET model = excluded.model, trained_at = excluded.trained_at",
        )
        .and_then(|mut statement| statement.execute((survey.0, workspace.0, model, trained_at)))
        .sql_context("failed to save a lead model")?;
    if written == 0 {
        return Err(StoreError::NotFound(format!("survey {}", survey.0)));
    }
    Ok(())
}

#[async_trait]
impl LeadModelStore for SqliteStore {
    async fn lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<SavedLeadModel>> {
        self.run(move |connection| read(connection, workspace, survey))
            .await
    }

    async fn save_lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        model: &str,
        trained_at: Timestamp,
    ) -> StoreResult<()> {
        let model = model.to_owned();
        let trained_at = trained_at.as_millisecond();
        self.run(move |connection| save(connection, workspace, survey, &model, trained_at))
            .await
    }
}
