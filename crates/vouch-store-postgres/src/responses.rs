//! Responses: imports through `COPY`, group commit, reads in id order and saved replies.

pub(crate) mod contact_cache;
pub(crate) mod copy;
pub(crate) mod idempotency;
pub(crate) mod import;
pub(crate) mod ingest;

use async_trait::async_trait;
use vouch_store::{
    Deletion, IngestOutcome, IngestRequest, ResponseId, ResponseImport, ResponseStore, SavedReply,
    StoreResult, StoredResponse, SurveyId, WorkspaceId,
};

use crate::PostgresStore;
use deadpool_postgres::Object;

#[async_trait]
impl ResponseStore for PostgresStore {
    async fn begin_import(&self, workspace: WorkspaceId) -> StoreResult<Box<dyn ResponseImport>> {
        let connection = Object::take(self.client().await?);
        let import =
            import::PostgresImport::begin(connection, self.reservations.clone(), workspace).await?;
        Ok(Box::new(import))
    }

    async fn responses_after(
        &self,
        workspace: WorkspaceId,
        after: ResponseId,
        survey: Option<SurveyId>,
        limit: usize,
    ) -> StoreResult<Vec<StoredResponse>> {
        let client = self.client().await?;
        crate::read::responses_after(&client, workspace, after, survey, limit).await
    }

    async fn deletions_after(
        &self,
        workspace: WorkspaceId,
        after: i64,
    ) -> StoreResult<Vec<Deletion>> {
        crate::read::deletions_after(&*self.client().await?, workspace, after).await
    }

    async fn ingest(
        &self,
        workspace: WorkspaceId,
        requests: Vec<IngestRequest>,
    ) -> StoreResult<Vec<IngestOutcome>> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        ingest::ingest(client, &self.reservations, workspace, &requests).await
    }

    async fn response(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> StoreResult<Option<StoredResponse>> {
        crate::read::response(&*self.client().await?, workspace, id).await
    }

    async fn responses_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ResponseId],
    ) -> StoreResult<Vec<StoredResponse>> {
        crate::read::responses_by_ids(&*self.client().await?, workspace, ids).await
    }

    async fn saved_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<SavedReply>> {
        idempotency::saved_reply(&*self.client().await?, workspace, key).await
    }

    async fn save_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
        reply: &SavedReply,
    ) -> StoreResult<bool> {
        idempotency::save_reply(&*self.client().await?, workspace, key, reply).await
    }
}
