//! Responses: imports, group commit, reading in id order, idempotency.

use async_trait::async_trait;

use crate::{
    AttributeDefinition, Deletion, ImportSummary, IngestOutcome, IngestRequest, NewResponse,
    ResponseId, SavedReply, StoreResult, StoredResponse, SurveyId, WorkspaceId,
};

/// Responses: imports, group commit, reading them back in id order, and saved replies of
/// idempotency keys.
#[async_trait]
pub trait ResponseStore: Send + Sync {
    /// Starts an all-or-nothing import. Nothing written through it is visible to anyone until
    /// [`ResponseImport::commit`]; dropping it, or the process dying, discards everything.
    async fn begin_import(&self, workspace: WorkspaceId) -> StoreResult<Box<dyn ResponseImport>>;

    /// Up to `limit` responses with an id greater than `after`, in id order, optionally of one
    /// survey only. This is how the analytics index loads and tails the store.
    async fn responses_after(
        &self,
        workspace: WorkspaceId,
        after: ResponseId,
        survey: Option<SurveyId>,
        limit: usize,
    ) -> StoreResult<Vec<StoredResponse>>;

    /// Deletions recorded after the deletion sequence number `after`, in order.
    async fn deletions_after(
        &self,
        workspace: WorkspaceId,
        after: i64,
    ) -> StoreResult<Vec<Deletion>>;

    /// Writes many single responses in one transaction (group commit) and returns one outcome
    /// per request, in order. When it returns, everything `Created` is durable. Each request's
    /// contact is upserted with its attributes merged in; idempotency keys are recorded in the
    /// same transaction (a key repeated within the batch replays the first). A survey of
    /// another workspace, or an archived one, fails the whole call with `NotFound`.
    async fn ingest(
        &self,
        workspace: WorkspaceId,
        requests: Vec<IngestRequest>,
    ) -> StoreResult<Vec<IngestOutcome>>;

    /// One response of the workspace.
    async fn response(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> StoreResult<Option<StoredResponse>>;

    /// The workspace's responses with these ids, in the order given; unknown ids are skipped.
    async fn responses_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ResponseId],
    ) -> StoreResult<Vec<StoredResponse>>;

    /// The reply remembered for an idempotency key, if any.
    async fn saved_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<SavedReply>>;

    /// Remembers a reply for an idempotency key; false (and nothing changed) when the key
    /// already has one.
    async fn save_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
        reply: &SavedReply,
    ) -> StoreResult<bool>;
}

/// One all-or-nothing write of many responses. See [`ResponseStore::begin_import`].
#[async_trait]
pub trait ResponseImport: Send {
    /// Records the kinds of attributes first seen in this import.
    async fn define_attributes(&mut self, definitions: &[AttributeDefinition]) -> StoreResult<()>;

    /// Writes a batch: upserts each contact (its attributes become the latest ones given) and
    /// inserts each response with the contact's attributes as they were in that row.
    async fn write(&mut self, batch: &[NewResponse]) -> StoreResult<()>;

    /// Makes everything written visible at once and reports how much was written.
    async fn commit(self: Box<Self>) -> StoreResult<ImportSummary>;
}
