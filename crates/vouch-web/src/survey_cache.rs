//! Surveys remembered for a second, so that checking an answer costs no query.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use vouch_store::{Store, StoreResult, Survey, SurveyId, WorkspaceId};

/// How long a survey read for an answer is trusted. The store refuses answers to archived
/// surveys anyway; this only spares a query per answer.
const SURVEY_CACHE_TTL: Duration = Duration::from_secs(1);

/// Surveys recently read to check answers, by workspace and id.
#[derive(Debug, Default)]
pub struct SurveyCache {
    entries: Mutex<HashMap<(WorkspaceId, SurveyId), (Instant, Survey)>>,
}

impl SurveyCache {
    /// The survey, from memory when read less than [`SURVEY_CACHE_TTL`] ago.
    pub async fn survey(
        &self,
        store: &dyn Store,
        workspace: WorkspaceId,
        id: SurveyId,
    ) -> StoreResult<Option<Survey>> {
        if let Some((read_at, survey)) = self.lock().get(&(workspace, id))
            && read_at.elapsed() < SURVEY_CACHE_TTL
        {
            return Ok(Some(survey.clone()));
        }
        let found = store.survey(workspace, id).await?;
        let mut entries = self.lock();
        if entries.len() >= 10_000 {
            entries.clear();
        }
        match &found {
            Some(survey) => entries.insert((workspace, id), (Instant::now(), survey.clone())),
            None => entries.remove(&(workspace, id)),
        };
        Ok(found)
    }

    /// Forgets a survey this server just changed.
    pub fn forget(&self, workspace: WorkspaceId, id: SurveyId) {
        self.lock().remove(&(workspace, id));
    }

    fn lock(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<(WorkspaceId, SurveyId), (Instant, Survey)>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
