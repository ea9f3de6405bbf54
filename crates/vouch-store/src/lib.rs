//! The storage interface of Vouch.
//!
//! [`Store`] is what the rest of Vouch calls; `vouch-store-sqlite` and `vouch-store-postgres`
//! implement it, each with its own migrations. Nothing outside those two crates writes SQL.
//!
//! Responses are identified by a monotonic `ResponseId`; the analytics index loads responses in
//! id order and then tails new ids and [`Deletion`]s, so the database stays the source of truth.

mod attributes_json;
mod types;

use async_trait::async_trait;

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
