//! The storage interface of Vouch.
//!
//! [`Store`] is what the rest of Vouch calls; `vouch-store-sqlite` and `vouch-store-postgres`
//! implement it, each with its own migrations. Nothing outside those two crates writes SQL.
//!
//! Responses are identified by a monotonic `ResponseId`; the analytics index loads responses in
//! id order and then tails new ids and [`Deletion`]s, so the database stays the source of truth.

mod access;
mod attributes_json;
mod types;

use async_trait::async_trait;

pub use access::*;
pub use attributes_json::{attributes_from_json, attributes_to_json};
pub use types::*;

/// Errors a store reports.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The thing asked for does not exist (in this workspace).
    #[error("not found: {0}")]
    NotFound(String),
    /// The write would break a uniqueness rule.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Anything else: the database is unreachable, a query failed.
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// The result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything Vouch keeps. One implementation per database backend.
#[async_trait]
pub trait Store: Send + Sync + std::fmt::Debug {
    /// `sqlite` or `postgres`.
    fn backend_name(&self) -> &'static str;

    /// Succeeds once the database answers a trivial query.
    async fn ping(&self) -> StoreResult<()>;

    /// The workspace with this slug, created (with UTC as its time zone) on first use.
    async fn workspace(&self, slug: &str) -> StoreResult<Workspace>;

    /// Sets the IANA time zone that reports of this workspace bucket periods in.
    async fn set_workspace_time_zone(
        &self,
        workspace: WorkspaceId,
        time_zone: &str,
    ) -> StoreResult<()>;

    /// The attributes the workspace has seen, with the kind each was given.
    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>>;

    /// Creates a survey; [`StoreError::Conflict`] if the name is taken in the workspace.
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

    /// The contact with this external id or email, if any.
    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>>;

    /// Erases a contact and every response it gave (GDPR), recording a [`Deletion`] for each
    /// response so that indexes forget them too. Returns the number of responses erased.
    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64>;

    /// The workspace with this id, if any.
    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>>;

    /// Stores a new API key; [`StoreError::Conflict`] if a key that is not revoked has the name.
    async fn create_api_key(&self, workspace: WorkspaceId, key: NewApiKey) -> StoreResult<ApiKey>;

    /// Every API key of the workspace, revoked ones included, oldest first.
    async fn api_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>>;

    /// The key whose secret has this hash (revoked or not: the caller decides).
    async fn api_key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>>;

    /// Revokes the workspace's key of this name that is not yet revoked; `NotFound` otherwise.
    async fn revoke_api_key(&self, workspace: WorkspaceId, name: &str) -> StoreResult<ApiKey>;

    /// Changes a survey's name, wording or archived flag; `NotFound`, or `Conflict` when the
    /// new name is taken.
    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey>;

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

    /// Creates or updates a contact: attributes given replace those of the same name, others
    /// are kept. Kinds of new attributes are recorded from `definitions`.
    async fn upsert_contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
        attributes: &Attributes,
        definitions: &[AttributeDefinition],
    ) -> StoreResult<Contact>;

    /// The contact with this id in the workspace, if any.
    async fn contact_by_id(
        &self,
        workspace: WorkspaceId,
        id: ContactId,
    ) -> StoreResult<Option<Contact>>;

    /// A page of contacts in id order; see [`ContactQuery`].
    async fn contacts(
        &self,
        workspace: WorkspaceId,
        query: &ContactQuery,
    ) -> StoreResult<Vec<Contact>>;

    /// Every response a contact gave, oldest first.
    async fn contact_responses(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
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

/// One all-or-nothing write of many responses. See [`Store::begin_import`].
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
