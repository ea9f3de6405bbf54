//! The workspaces of a server and the database they live in.

use async_trait::async_trait;

use vouch_core::revenue::Rates;

use crate::{AttributeDefinition, Brand, StoreResult, Workspace, WorkspaceId};

/// The workspaces of a server, their time zone and attribute definitions, and the database itself.
#[async_trait]
pub trait WorkspaceStore: Send + Sync {
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

    /// Replaces the workspace's brand whole (fields checked by the caller with
    /// `vouch_core::brand`); `NotFound` for an unknown workspace.
    async fn set_workspace_brand(&self, workspace: WorkspaceId, brand: &Brand) -> StoreResult<()>;

    /// The revenue calculator's rates the workspace saved, if any.
    async fn revenue_rates(&self, workspace: WorkspaceId) -> StoreResult<Option<Rates>>;

    /// Saves the workspace's revenue rates (checked by `Rates::new`), or forgets them with
    /// `None`; `NotFound` for an unknown workspace.
    async fn set_revenue_rates(
        &self,
        workspace: WorkspaceId,
        rates: Option<Rates>,
    ) -> StoreResult<()>;

    /// The attributes the workspace has seen, with the kind each was given.
    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>>;

    /// The workspace with this id, if any.
    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>>;

    /// Every workspace of the server, oldest first.
    async fn workspaces(&self) -> StoreResult<Vec<Workspace>>;
}
