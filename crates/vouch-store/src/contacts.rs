//! Contacts.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery, Eligibility,
    StoreResult, StoredResponse, WorkspaceId,
};

/// Contacts: who answered, their attributes, their erasure, and who may be asked now.
#[async_trait]
pub trait ContactStore: Send + Sync {
    /// The contact with this external id or email, if any.
    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>>;

    /// Erases a contact and every response it gave (GDPR), recording a
    /// [`Deletion`](crate::Deletion) for each response so that indexes forget them too. Returns the
    /// number of responses erased.
    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64>;

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

    /// The contacts of these ids in the workspace, in id order; ids of no contact (erased, or
    /// of another workspace) are left out.
    async fn contacts_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>>;

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

    /// Creates or updates many contacts in one transaction, as [`ContactStore::upsert_contact`]
    /// does for one. Returns how many were created and how many updated.
    async fn upsert_contacts(
        &self,
        workspace: WorkspaceId,
        contacts: &[(ContactKey, Attributes)],
        definitions: &[AttributeDefinition],
    ) -> StoreResult<(u64, u64)>;

    /// When the contact was last asked anything: the latest of its invitations' creation and
    /// its responses' `created_at`, over every survey and channel.
    async fn last_surveyed(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Option<Timestamp>>;

    /// Contacts that may be asked now, in id order: matching the filters, not surveyed since
    /// the given time (invitations and responses of any survey and channel count), not invited
    /// by the campaign in its current cycle, and with `need_email` an email that is not
    /// suppressed.
    async fn eligible_contacts(
        &self,
        workspace: WorkspaceId,
        query: &Eligibility,
    ) -> StoreResult<Vec<Contact>>;
}
