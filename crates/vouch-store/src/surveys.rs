//! Surveys.

use async_trait::async_trait;

use crate::{NewSurvey, StoreResult, Survey, SurveyChanges, SurveyId, SurveyListing, WorkspaceId};

/// Surveys: creating, finding, listing and changing them.
#[async_trait]
pub trait SurveyStore: Send + Sync {
    /// Creates a survey; [`StoreError::Conflict`](crate::StoreError::Conflict) if the name is taken
    /// in the workspace.
    async fn create_survey(&self, workspace: WorkspaceId, survey: NewSurvey)
    -> StoreResult<Survey>;

    /// The survey with this name, if any.
    async fn survey_by_name(
        &self,
        workspace: WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Survey>>;

    /// The survey with this id in the workspace, if any.
    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>>;

    /// Every survey of the workspace with its response count, oldest first.
    async fn surveys(&self, workspace: WorkspaceId) -> StoreResult<Vec<SurveyListing>>;

    /// Every survey of the workspace, oldest first, without counting responses: the same
    /// surveys in the same order as [`SurveyStore::surveys`], for callers that only need the list.
    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>>;

    /// Changes a survey's name, wording or archived flag; `NotFound`, or `Conflict` when the
    /// new name is taken.
    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey>;

    /// The survey whose public link has this slug, with its workspace, in any workspace.
    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>>;
}
