//! The lead model of each survey (`lead_models`).

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{LeadModelStore, SavedLeadModel, StoreError, StoreResult, SurveyId, WorkspaceId};

use crate::PostgresStore;
use crate::error::PgContext;
use crate::row::timestamp;

#[async_trait]
impl LeadModelStore for PostgresStore {
    async fn lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<SavedLeadModel>> {
        let context = "failed to read a lead model";
        let row = self
            .client()
            .await?
            .query_opt(
                "SELECT model, trained_at FROM lead_models
                 WHERE survey_id = $1 AND workspace_id = $2",
                &[&survey.0, &workspace.0],
            )
            .await
            .pg_context(context)?;
        row.map(|row| {
            Ok(SavedLeadModel {
                survey,
                model: row.try_get(0).pg_context(context)?,
                trained_at: timestamp(row.try_get(1).pg_context(context)?)?,
            })
        })
        .transpose()
    }

    async fn save_lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        model: &str,
        trained_at: Timestamp,
    ) -> StoreResult<()> {
        let written = self
            .client()
            .await?
            .execute(
                "INSERT INTO lead_models (survey_id, workspace_id, model, trained_at)
                 SELECT id, workspace_id, $3, $4 FROM surveys WHERE id = $1 AND workspace_id = $2
                 ON CONFLICT (survey_id) DO UPDATE
                 SET model = excluded.model, trained_at = excluded.trained_at",
                &[
                    &survey.0,
                    &workspace.0,
                    &model,
                    &trained_at.as_millisecond(),
                ],
            )
            .await
            .pg_context("failed to save a lead model")?;
        if written == 0 {
            return Err(StoreError::NotFound(format!("survey {}", survey.0)));
        }
        Ok(())
    }
}
