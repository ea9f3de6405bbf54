//! Responses: imports on a thread of their own, group commit, reads in id order and saved replies.

pub(crate) mod contact_cache;
pub(crate) mod contact_rows;
pub(crate) mod idempotency;
pub(crate) mod import;
pub(crate) mod ingest;
pub(crate) mod response;
pub(crate) mod writer;

use async_trait::async_trait;
use vouch_store::{
    Deletion, IngestOutcome, IngestRequest, ResponseId, ResponseImport, ResponseStore, SavedReply,
    StoreResult, StoredResponse, SurveyId, WorkspaceId,
};

use crate::SqliteStore;
use crate::error::other;
use std::sync::Arc;

#[async_trait]
impl ResponseStore for SqliteStore {
    async fn begin_import(&self, workspace: WorkspaceId) -> StoreResult<Box<dyn ResponseImport>> {
        let import = import::begin(self.pool.path().to_owned(), workspace).await?;
        Ok(Box::new(import))
    }

    async fn responses_after(
        &self,
        workspace: WorkspaceId,
        after: ResponseId,
        survey: Option<SurveyId>,
        limit: usize,
    ) -> StoreResult<Vec<StoredResponse>> {
        self.run(move |connection| {
            response::responses_after(connection, workspace, after, survey, limit)
        })
        .await
    }

    async fn deletions_after(
        &self,
        workspace: WorkspaceId,
        after: i64,
    ) -> StoreResult<Vec<Deletion>> {
        self.run(move |connection| response::deletions_after(connection, workspace, after))
            .await
    }

    async fn ingest(
        &self,
        workspace: WorkspaceId,
        requests: Vec<IngestRequest>,
    ) -> StoreResult<Vec<IngestOutcome>> {
        let ingester = Arc::clone(&self.ingester);
        let pool = Arc::clone(&self.pool);
        tokio::task::spawn_blocking(move || ingester.ingest(pool.path(), workspace, &requests))
            .await
            .map_err(|error| other(format!("a database task failed: {error}")))?
    }

    async fn response(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> StoreResult<Option<StoredResponse>> {
        self.run(move |connection| {
            let definitions = crate::workspaces::attribute_definitions(connection, workspace)?;
            response::by_id(connection, workspace, id, &definitions)
        })
        .await
    }

    async fn responses_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ResponseId],
    ) -> StoreResult<Vec<StoredResponse>> {
        let ids = ids.to_vec();
        self.run(move |connection| response::by_ids(connection, workspace, &ids))
            .await
    }

    async fn saved_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<SavedReply>> {
        let key = key.to_owned();
        self.run(move |connection| idempotency::saved_reply(connection, workspace, &key))
            .await
    }

    async fn save_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
        reply: &SavedReply,
    ) -> StoreResult<bool> {
        let (key, reply) = (key.to_owned(), reply.clone());
        self.run(move |connection| idempotency::save_reply(connection, workspace, &key, &reply))
            .await
    }
}
