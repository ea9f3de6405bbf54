//! The lead model learnt from a survey's answers, kept so that leads are scored without
//! learning it again.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{StoreResult, SurveyId, WorkspaceId};

/// A survey's saved lead model.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedLeadModel {
    /// The survey it was learnt from.
    pub survey: SurveyId,
    /// The model as the analytics engine wrote it (JSON); the store does not read it.
    pub model: String,
    /// When it was learnt.
    pub trained_at: Timestamp,
}

/// The lead model of each survey, one at a time: a new one replaces the last.
#[async_trait]
pub trait LeadModelStore: Send + Sync {
    /// The survey's saved model, if one was learnt.
    async fn lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
    ) -> StoreResult<Option<SavedLeadModel>>;

    /// Saves the survey's model, replacing any before it; `NotFound` when the survey is not
    /// the workspace's.
    async fn save_lead_model(
        &self,
        workspace: WorkspaceId,
        survey: SurveyId,
        model: &str,
        trained_at: Timestamp,
    ) -> StoreResult<()>;
}
