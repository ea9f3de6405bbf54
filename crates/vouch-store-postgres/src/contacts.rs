//! Contacts: upserted with their attributes merged, read, erased, and chosen to be asked.

pub(crate) mod book;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery, ContactStore,
    Eligibility, StoreResult, StoredResponse, WorkspaceId,
};

use crate::PostgresStore;
use book::{LOCK_CONTACTS, Resolution, UPDATE_CONTACTS, Who, lock_parameters, resolve};

use deadpool_postgres::Object;
use futures_util::future::{try_join, try_join4};

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::transaction::{ATTEMPTS, PooledTransaction, prepare, settle};
use crate::workspaces::{
    DEFINE_ATTRIBUTES, SELECT_DEFINITIONS, definition_columns, definitions_of_rows,
};

/// Creates or updates the contact `key` names, merging `attributes` into its own, after
/// recording the kinds of `definitions` not defined yet; all in one transaction.
pub(crate) async fn upsert_contact(
    client: Object,
    workspace: WorkspaceId,
    key: &ContactKey,
    attributes: &Attributes,
    definitions: &[AttributeDefinition],
) -> StoreResult<Contact> {
    let who = Who::of(key)
        .ok_or_else(|| other("a contact key names neither an external id nor an email"))?;
    let resolution = upsert(client, workspace, &[(who, attributes)], definitions).await?;
    let (index, _) = resolution
        .placed
        .first()
        .ok_or_else(|| other("the contact went missing"))?;
    resolution.book.contact(*index)
}

/// Creates or updates the contacts of `contacts` as [`upsert_contact`] does for one, all in one
/// transaction. Returns how many were created, and how many existing contacts were named (and
/// updated when their attributes changed).
pub(crate) async fn upsert_contacts(
    client: Object,
    workspace: WorkspaceId,
    contacts: &[(ContactKey, Attributes)],
    definitions: &[AttributeDefinition],
) -> StoreResult<(u64, u64)> {
    if contacts.is_empty() {
        return Ok((0, 0));
    }
    let requests = contacts
        .iter()
        .map(|(key, attributes)| {
            let who = Who::of(key)
                .ok_or_else(|| other("a contact key names neither an external id nor an email"))?;
            Ok((who, attributes))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let resolution = upsert(client, workspace, &requests, definitions).await?;
    let mut named: Vec<usize> = resolution.placed.iter().map(|(index, _)| *index).collect();
    named.sort_unstable();
    named.dedup();
    let created = resolution.created as u64;
    Ok((created, (named.len() as u64).saturating_sub(created)))
}

/// Applies `requests` to the contacts they name, after recording the kinds of `definitions`
/// not defined yet, in one transaction run again when it loses a race.
async fn upsert(
    client: Object,
    workspace: WorkspaceId,
    requests: &[(Who<'_>, &Attributes)],
    definitions: &[AttributeDefinition],
) -> StoreResult<Resolution> {
    let (names, kinds) = definition_columns(definitions);
    let mut transaction = PooledTransaction::new(client);
    for attempt in 1..=ATTEMPTS {
        let outcome = upsert_once(&mut transaction, workspace.0, requests, &names, &kinds).await;
        if let Some(resolution) = settle(&mut transaction, outcome, attempt).await? {
            return Ok(resolution);
        }
    }
    Err(other(format!(
        "gave up writing contacts after {ATTEMPTS} attempts: other writers kept changing them"
    )))
}

async fn upsert_once(
    transaction: &mut PooledTransaction,
    workspace: i64,
    requests: &[(Who<'_>, &Attributes)],
    names: &[&str],
    kinds: &[&str],
) -> StoreResult<Option<Resolution>> {
    let [define, select_definitions, lock, update] = prepare(
        transaction.client(),
        [
            DEFINE_ATTRIBUTES,
            SELECT_DEFINITIONS,
            LOCK_CONTACTS,
            UPDATE_CONTACTS,
        ],
    )
    .await?;
    transaction.opening();
    let client = transaction.client();
    let begin = async {
        client
            .batch_execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            .await
            .pg_context("failed to begin writing a contact")
    };
    let defining = async {
        if names.is_empty() {
            return Ok(0);
        }
        client
            .execute(&define, &[&workspace, &names, &kinds])
            .await
            .pg_context("failed to define attributes")
    };
    let definitions = async {
        client
            .query(&select_definitions, &[&workspace])
            .await
            .pg_context("failed to read the attribute definitions")
    };
    let who: Vec<Who<'_>> = requests.iter().map(|(who, _)| *who).collect();
    let (external_ids, emails) = lock_parameters(&who);
    let locking = async {
        client
            .query(&lock, &[&workspace, &external_ids, &emails])
            .await
            .pg_context("failed to lock contacts")
    };
    let (_, _, definitions, locked) = try_join4(begin, defining, definitions, locking).await?;
    let now = now_millis();
    let resolution = resolve(
        client,
        workspace,
        now,
        &locked,
        &definitions_of_rows(&definitions)?,
        requests,
    )
    .await?;
    let committing = async {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit a contact")
    };
    try_join(
        resolution.changes.write(client, &update, workspace, now),
        committing,
    )
    .await?;
    transaction.committed();
    Ok(Some(resolution))
}

#[async_trait]
impl ContactStore for PostgresStore {
    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>> {
        crate::read::contact(&*self.client().await?, workspace, key).await
    }

    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64> {
        let mut client = self.client().await?;
        crate::read::delete_contact(&mut client, workspace, contact).await
    }

    async fn upsert_contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
        attributes: &Attributes,
        definitions: &[AttributeDefinition],
    ) -> StoreResult<Contact> {
        let client = self.client().await?;
        upsert_contact(client, workspace, key, attributes, definitions).await
    }

    async fn contact_by_id(
        &self,
        workspace: WorkspaceId,
        id: ContactId,
    ) -> StoreResult<Option<Contact>> {
        crate::read::contact_by_id(&*self.client().await?, workspace, id).await
    }

    async fn contacts_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ContactId],
    ) -> StoreResult<Vec<Contact>> {
        crate::read::contacts_by_ids(&*self.client().await?, workspace, ids).await
    }

    async fn contacts(
        &self,
        workspace: WorkspaceId,
        query: &ContactQuery,
    ) -> StoreResult<Vec<Contact>> {
        crate::read::contacts(&*self.client().await?, workspace, query).await
    }

    async fn contact_responses(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Vec<StoredResponse>> {
        crate::read::contact_responses(&*self.client().await?, workspace, contact).await
    }

    async fn upsert_contacts(
        &self,
        workspace: WorkspaceId,
        contacts: &[(ContactKey, Attributes)],
        definitions: &[AttributeDefinition],
    ) -> StoreResult<(u64, u64)> {
        let client = self.client().await?;
        upsert_contacts(client, workspace, contacts, definitions).await
    }

    async fn last_surveyed(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Option<Timestamp>> {
        crate::collect::audience::last_surveyed(&*self.client().await?, workspace, contact).await
    }

    async fn eligible_contacts(
        &self,
        workspace: WorkspaceId,
        query: &Eligibility,
    ) -> StoreResult<Vec<Contact>> {
        crate::collect::audience::eligible_contacts(&*self.client().await?, workspace, query).await
    }
}
