//! The storage interface of Vouch.
//!
//! [`Store`] is what the rest of Vouch calls: it gathers one trait per area of the store
//! ([`WorkspaceStore`], [`SurveyStore`], [`ResponseStore`], [`ContactStore`], [`CollectStore`],
//! [`AccountStore`], [`FollowUpStore`], [`JobStore`], [`ReplyStore`], [`WebhookStore`]…), and [`prelude`] brings them all into scope;
//! `vouch-store-sqlite` and `vouch-store-postgres` implement it, each with its own migrations.
//! Nothing outside those two crates writes SQL.
//!
//! Responses are identified by a monotonic `ResponseId`; the analytics index loads responses in id
//! order and then tails new ids and [`Deletion`]s, so the database stays the source of truth.

mod access;
mod accounts;
mod attributes_json;
mod collect;
mod contacts;
mod follow_up;
mod jobs;
mod leads;
mod replies;
mod responses;
mod slug;
mod surveys;
mod tags;
mod themes;
mod types;
mod webhooks;
mod workspaces;

pub use access::*;
pub use accounts::*;
pub use attributes_json::{attributes_from_json, attributes_to_json};
pub use collect::*;
pub use contacts::ContactStore;
pub use follow_up::*;
pub use jobs::*;
pub use leads::{LeadModelStore, SavedLeadModel};
pub use replies::*;
pub use responses::{ResponseImport, ResponseStore};
pub use slug::{MAX_SLUG_CHARS, check_slug, generate_slug, is_valid_slug};
pub use surveys::SurveyStore;
pub use tags::*;
pub use themes::*;
pub use types::*;
pub use webhooks::*;
pub use workspaces::WorkspaceStore;

/// The area traits and [`Store`], for callers of a store: `use vouch_store::prelude::*;`.
pub mod prelude {
    pub use crate::{
        AccountStore, CollectStore, ContactStore, FollowUpStore, JobStore, LeadModelStore,
        ReplyStore, ResponseImport, ResponseStore, Store, SurveyStore, TagStore, ThemeStore,
        WebhookStore, WorkspaceStore,
    };
}

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

/// Everything Vouch keeps: every area of the store. One implementation per database backend,
/// which implements each area trait; this trait gathers them so that `Arc<dyn Store>` carries
/// them all.
pub trait Store:
    WorkspaceStore
    + SurveyStore
    + ResponseStore
    + ContactStore
    + CollectStore
    + AccountStore
    + FollowUpStore
    + JobStore
    + LeadModelStore
    + ReplyStore
    + TagStore
    + ThemeStore
    + WebhookStore
    + Send
    + Sync
    + std::fmt::Debug
{
}

impl<T> Store for T where
    T: WorkspaceStore
        + SurveyStore
        + ResponseStore
        + ContactStore
        + CollectStore
        + AccountStore
        + FollowUpStore
        + JobStore
        + LeadModelStore
        + ReplyStore
        + TagStore
        + ThemeStore
        + WebhookStore
        + Send
        + Sync
        + std::fmt::Debug
{
}
