//! Contacts: upserts, pages, erasure and who may be asked now.

pub(crate) mod queries;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery, ContactStore,
    Eligibility, StoreResult, StoredResponse, WorkspaceId,
};

use crate::SqliteStore;

#[async_trait]
impl ContactStore for SqliteStore {
    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>> {
        let key = key.clone();
        self.run(move |connection| crate::responses::response::contact(connection, workspace, &key))
            .await
    }

    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64> {
        self.run(move |connection| {
            crate::responses::response::delete_contact(connection, workspace, contact)
        })
        .await
    }

    async fn upsert_contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
        attributes: &Attributes,
        definitions: &[AttributeDefinition],
    ) -> StoreResult<Contact> {
        let (key, attributes, definitions) =
            (key.clone(), attributes.clone(), definitions.to_vec());
        self.run(move |connection| {
            queries::upsert(connection, workspace, &key, &attributes, &definitions)
        })
        .await
    }

    async fn contact_by_id(
        &self,
        workspace: WorkspaceId,
        id: ContactId,
    ) -> StoreResult<Option<Contact>> {
        self.run(move |connection| queries::by_id(connection, workspace, id))
            .await
    }

    async fn contacts_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>> {
        let ids = ids.to_vec();
        self.run(move |connection| queries::by_ids(connection, workspace, &ids))
            .await
    }

    async fn contacts(
        &self,
        workspace: WorkspaceId,
        query: &ContactQuery,
    ) -> StoreResult<Vec<Contact>> {
        let query = query.clone();
        self.run(move |connection| queries::page(connection, workspace, &query))
            .await
    }

    async fn contact_responses(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Vec<StoredResponse>> {
        self.run(move |connection| {
            crate::responses::response::of_contact(connection, workspace, contact)
        })
        .await
    }

    async fn upsert_contacts(
        &self,
        workspace: WorkspaceId,
        contacts: &[(ContactKey, Attributes)],
        definitions: &[AttributeDefinition],
    ) -> StoreResult<(u64, u64)> {
        let (contacts, definitions) = (contacts.to_vec(), definitions.to_vec());
        self.run(move |connection| {
            queries::upsert_many(connection, workspace, &contacts, &definitions)
        })
        .await
    }

    async fn last_surveyed(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Option<Timestamp>> {
        self.run(move |connection| {
            crate::collect::invitation::last_surveyed(connection, workspace, contact)
        })
        .await
    }

    async fn eligible_contacts(
        &self,
        workspace: WorkspaceId,
        query: &Eligibility,
    ) -> StoreResult<Vec<Contact>> {
        let query = query.clone();
        self.run(move |connection| queries::eligible(connection, workspace, &query))
            .await
    }
}
