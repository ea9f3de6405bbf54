//! The SQLite backend of the Vouch store: everything in one file, next to the binary.
//!
//! [`SqliteStore`] implements [`vouch_store::Store`]. Opening a database applies the numbered
//! migrations in `migrations/` that it has not seen yet. Connections run in WAL mode with
//! `synchronous = NORMAL`, a 5 s busy timeout and foreign keys on; every query runs on tokio's
//! blocking pool so that async callers never wait on disk.
//!
//! An import ([`vouch_store::Store::begin_import`]) is one transaction on a connection owned by
//! a thread of its own, fed batch by batch, and nobody sees it until it commits. SQLite has one
//! writer at a time: while an import runs, other writes wait for it, and fail with "database is
//! locked" after the busy timeout; reads go on. A 16 KiB page size, many-row statements and
//! contacts resolved beside the writer make a million-row import take about three seconds on
//! two cores (`cargo bench -p vouch-store-sqlite --bench import`).
//!
//! The server's single responses go through [`vouch_store::Store::ingest`]: one `BEGIN
//! IMMEDIATE` transaction per call of up to about a thousand requests, on a connection kept for
//! it, with contacts, attribute definitions and idempotency keys written in the same
//! transaction, and checkpoints made by a thread of their own after each call. 100 calls of
//! 1 000 requests take about two to three seconds on two cores
//! (`cargo bench -p vouch-store-sqlite --bench ingest`); as the tables grow, each request
//! changes pages at random places in two indexes (the contact's responses and the idempotency
//! keys), and writing those pages to the log becomes what limits the rate.
//!
//! ```no_run
//! use vouch_store::Store;
//! use vouch_store_sqlite::SqliteStore;
//!
//! # async fn example() -> vouch_store::StoreResult<()> {
//! let store = SqliteStore::open("sqlite://vouch.db")?;
//! let workspace = store.workspace("default").await?;
//! for listing in store.surveys(workspace.id).await? {
//!     println!("{}: {} responses", listing.survey.name, listing.responses);
//! }
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

mod api_key;
mod attributes;
mod bulk;
mod connection;
mod contact;
mod contact_cache;
mod contact_rows;
mod error;
mod idempotency;
mod import;
mod ingest;
mod migrate;
mod response;
mod row;
mod survey;
mod workspace;
mod writer;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use rusqlite::Connection;
use vouch_store::{
    ApiKey, AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery,
    Deletion, IngestOutcome, IngestRequest, NewApiKey, NewSurvey, ResponseId, ResponseImport,
    SavedReply, Store, StoreResult, StoredResponse, Survey, SurveyChanges, SurveyId, SurveyListing,
    Workspace, WorkspaceId,
};

use crate::connection::{Pool, path_of_url};
use crate::error::{SqlContext, other};
use crate::ingest::Ingester;

/// A Vouch database in one SQLite file. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct SqliteStore {
    pool: Arc<Pool>,
    ingester: Arc<Ingester>,
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.pool.path())
            .finish()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database named by `sqlite://PATH`, `sqlite:PATH` or a bare
    /// path, and brings its schema up to date. In-memory databases (`sqlite::memory:`) are not
    /// supported. This does blocking file I/O for a few milliseconds: call it before serving,
    /// or from a blocking task.
    pub fn open(url_or_path: &str) -> StoreResult<SqliteStore> {
        SqliteStore::open_path(&path_of_url(url_or_path)?)
    }

    /// Opens (creating if needed) the database file at `path` and brings its schema up to
    /// date. Blocks like [`SqliteStore::open`].
    pub fn open_path(path: &Path) -> StoreResult<SqliteStore> {
        let pool = Pool::new(path.to_owned());
        let mut connection = pool.take()?;
        migrate::migrate(&mut connection)?;
        pool.give_back(connection);
        Ok(SqliteStore {
            pool: Arc::new(pool),
            ingester: Arc::default(),
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        self.pool.path()
    }

    /// Runs `task` on a pooled connection on tokio's blocking pool.
    async fn run<T, F>(&self, task: F) -> StoreResult<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut Connection) -> StoreResult<T> + Send + 'static,
    {
        let pool = Arc::clone(&self.pool);
        tokio::task::spawn_blocking(move || {
            let mut connection = pool.take()?;
            let outcome = task(&mut connection);
            pool.give_back(connection);
            outcome
        })
        .await
        .map_err(|error| other(format!("a database task failed: {error}")))?
    }
}

/// The current time as stored: milliseconds since the epoch.
pub(crate) fn now_millis() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

#[async_trait]
impl Store for SqliteStore {
    fn backend_name(&self) -> &'static str {
        "sqlite"
    }

    async fn ping(&self) -> StoreResult<()> {
        self.run(|connection| {
            connection
                .query_row("SELECT 1", [], |_| Ok(()))
                .sql_context("the database did not answer")
        })
        .await
    }

    async fn workspace(&self, slug: &str) -> StoreResult<Workspace> {
        let slug = slug.to_owned();
        self.run(move |connection| workspace::workspace(connection, &slug))
            .await
    }

    async fn set_workspace_time_zone(
        &self,
        workspace: WorkspaceId,
        time_zone: &str,
    ) -> StoreResult<()> {
        let time_zone = time_zone.to_owned();
        self.run(move |connection| workspace::set_time_zone(connection, workspace, &time_zone))
            .await
    }

    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>> {
        self.run(move |connection| workspace::attribute_definitions(connection, workspace))
            .await
    }

    async fn create_survey(
        &self,
        workspace: WorkspaceId,
        survey: NewSurvey,
    ) -> StoreResult<Survey> {
        self.run(move |connection| survey::create(connection, workspace, &survey))
            .await
    }

    async fn survey_by_name(
        &self,
        workspace: WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Survey>> {
        let name = name.to_owned();
        self.run(move |connection| survey::by_name(connection, workspace, &name))
            .await
    }

    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>> {
        self.run(move |connection| survey::by_id(connection, workspace, id))
            .await
    }

    async fn surveys(&self, workspace: WorkspaceId) -> StoreResult<Vec<SurveyListing>> {
        self.run(move |connection| survey::list(connection, workspace))
            .await
    }

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

    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>> {
        let key = key.clone();
        self.run(move |connection| response::contact(connection, workspace, &key))
            .await
    }

    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64> {
        self.run(move |connection| response::delete_contact(connection, workspace, contact))
            .await
    }

    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.run(move |connection| workspace::by_id(connection, id))
            .await
    }

    async fn create_api_key(&self, workspace: WorkspaceId, key: NewApiKey) -> StoreResult<ApiKey> {
        self.run(move |connection| api_key::create(connection, workspace, &key))
            .await
    }

    async fn api_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>> {
        self.run(move |connection| api_key::list(connection, workspace))
            .await
    }

    async fn api_key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        let secret_hash = secret_hash.to_owned();
        self.run(move |connection| api_key::by_hash(connection, &secret_hash))
            .await
    }

    async fn revoke_api_key(&self, workspace: WorkspaceId, name: &str) -> StoreResult<ApiKey> {
        let name = name.to_owned();
        self.run(move |connection| api_key::revoke(connection, workspace, &name))
            .await
    }

    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey> {
        self.run(move |connection| survey::update(connection, workspace, id, &changes))
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
            let definitions = workspace::attribute_definitions(connection, workspace)?;
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
            contact::upsert(connection, workspace, &key, &attributes, &definitions)
        })
        .await
    }

    async fn contact_by_id(
        &self,
        workspace: WorkspaceId,
        id: ContactId,
    ) -> StoreResult<Option<Contact>> {
        self.run(move |connection| contact::by_id(connection, workspace, id))
            .await
    }

    async fn contacts(
        &self,
        workspace: WorkspaceId,
        query: &ContactQuery,
    ) -> StoreResult<Vec<Contact>> {
        let query = query.clone();
        self.run(move |connection| contact::page(connection, workspace, &query))
            .await
    }

    async fn contact_responses(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Vec<StoredResponse>> {
        self.run(move |connection| response::of_contact(connection, workspace, contact))
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
