//! The SQLite backend of the Vouch store: everything in one file, next to the binary.
//!
//! [`SqliteStore`] implements [`vouch_store::Store`]. Opening a database applies the numbered
//! migrations in `migrations/` that it has not seen yet. Connections run in WAL mode with
//! `synchronous = NORMAL`, a 5 s busy timeout and foreign keys on; every query runs on tokio's
//! blocking pool so that async callers never wait on disk.
//!
//! An import ([`vouch_store::ResponseStore::begin_import`]) is one transaction on a connection
//! owned by a thread of its own, fed batch by batch, and nobody sees it until it commits. SQLite
//! has one writer at a time: while an import runs, other writes wait for it, and fail with
//! "database is locked" after the busy timeout; reads go on. A 16 KiB page size, many-row
//! statements and contacts resolved beside the writer make a million-row import take about three
//! seconds on two cores (`cargo bench -p vouch-store-sqlite --bench import`).
//!
//! The server's single responses go through [`vouch_store::ResponseStore::ingest`]: one `BEGIN
//! IMMEDIATE` transaction per call of up to about a thousand requests, on a connection kept for
//! it, with contacts, attribute definitions and idempotency keys written in the same
//! transaction, and checkpoints made by a thread of their own after each call. 100 calls of
//! 1 000 requests take about two to three seconds on two cores
//! (`cargo bench -p vouch-store-sqlite --bench ingest`); as the tables grow, each request
//! changes pages at random places in two indexes (the contact's responses and the idempotency
//! keys), and writing those pages to the log becomes what limits the rate.
//!
//! Answer collection (invitations, answers, campaigns, suppressions, widget keys) and the job
//! queue write through the same pooled connections as every other call, each call one
//! transaction (`BEGIN IMMEDIATE` when it reads before it writes, a single statement
//! otherwise), so that they queue for the one write lock like every other writer: commit order
//! stays id order, which the analytics index relies on when it tails responses by id.
//! An answer that replaces an earlier one erases it (a row in `response_deletions`) and writes
//! the new one in the same transaction. Claiming jobs reads what is due and marks it running
//! under that lock, so two workers, in one process or in several on the same file, never
//! claim one job.
//!
//! The dashboard's accounts (users, memberships, sessions, invitations to join, password
//! resets) and the follow-up of responses (status, assignee, tags, notes) go the same way.
//! Links that work once are used up by one `UPDATE … RETURNING` (a password reset) or under
//! the write lock (an invitation to join, which also writes the membership), so two clicks
//! never both count. The follow-up of a response moves to the answer that replaces it and is
//! erased with its contact, in the transaction that replaces or erases the response.
//!
//! ```no_run
//! use vouch_store::prelude::*;
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

mod answer;
mod api_key;
mod attributes;
mod bulk;
mod campaign;
mod connection;
mod contact;
mod contact_cache;
mod contact_rows;
mod error;
mod follow_up;
mod idempotency;
mod import;
mod ingest;
mod invitation;
mod job;
mod member_invite;
mod migrate;
mod password_reset;
mod response;
mod row;
mod secret;
mod session;
mod suppression;
mod survey;
mod user;
mod widget_key;
mod workspace;
mod writer;

use std::fmt;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::Connection;
use vouch_store::prelude::*;
use vouch_store::{
    Answer, ApiKey, AttributeDefinition, Attributes, Campaign, CampaignId, CampaignNumbers,
    Contact, ContactId, ContactKey, ContactQuery, Deletion, Eligibility, IngestOutcome,
    IngestRequest, Invitation, InvitationId, Job, JobId, JobQuery, MemberInvite, Membership,
    NewApiKey, NewCampaign, NewInvitation, NewJob, NewSurvey, NewUser, NewWidgetKey, ResponseId,
    ResponseImport, ResponseNote, ResponseWorkflow, Role, SavedReply, SendOutcome, SessionRecord,
    StoreResult, StoredResponse, SuppressionReason, Survey, SurveyChanges, SurveyId, SurveyListing,
    User, UserId, WidgetKey, WorkflowChange, WorkflowFilter, Workspace, WorkspaceId,
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
impl WorkspaceStore for SqliteStore {
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

    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        self.run(move |connection| workspace::by_id(connection, id))
            .await
    }

    async fn workspaces(&self) -> StoreResult<Vec<Workspace>> {
        self.run(|connection| workspace::list(connection)).await
    }
}

#[async_trait]
impl SurveyStore for SqliteStore {
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

    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>> {
        self.run(move |connection| survey::list_plain(connection, workspace))
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

    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>> {
        let slug = slug.to_owned();
        self.run(move |connection| survey::by_slug(connection, &slug))
            .await
    }
}

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

#[async_trait]
impl ContactStore for SqliteStore {
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

    async fn upsert_contacts(
        &self,
        workspace: WorkspaceId,
        contacts: &[(ContactKey, Attributes)],
        definitions: &[AttributeDefinition],
    ) -> StoreResult<(u64, u64)> {
        let (contacts, definitions) = (contacts.to_vec(), definitions.to_vec());
        self.run(move |connection| {
            contact::upsert_many(connection, workspace, &contacts, &definitions)
        })
        .await
    }

    async fn last_surveyed(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Option<Timestamp>> {
        self.run(move |connection| invitation::last_surveyed(connection, workspace, contact))
            .await
    }

    async fn eligible_contacts(
        &self,
        workspace: WorkspaceId,
        query: &Eligibility,
    ) -> StoreResult<Vec<Contact>> {
        let query = query.clone();
        self.run(move |connection| contact::eligible(connection, workspace, &query))
            .await
    }
}

#[async_trait]
impl CollectStore for SqliteStore {
    async fn link_secret(&self) -> StoreResult<Vec<u8>> {
        self.run(|connection| secret::link_secret(connection)).await
    }

    async fn invite(
        &self,
        workspace: WorkspaceId,
        invitations: &[NewInvitation],
    ) -> StoreResult<Vec<Invitation>> {
        let invitations = invitations.to_vec();
        self.run(move |connection| invitation::invite(connection, workspace, &invitations))
            .await
    }

    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>> {
        self.run(move |connection| invitation::by_id(connection, id))
            .await
    }

    async fn mark_opened(&self, id: InvitationId, at: Timestamp) -> StoreResult<()> {
        self.run(move |connection| invitation::mark_opened(connection, id, at.as_millisecond()))
            .await
    }

    async fn record_send(
        &self,
        id: InvitationId,
        outcome: &SendOutcome,
        at: Timestamp,
    ) -> StoreResult<()> {
        let outcome = outcome.clone();
        self.run(move |connection| {
            invitation::record_send(connection, id, &outcome, at.as_millisecond())
        })
        .await
    }

    async fn record_answer(&self, answer: &Answer) -> StoreResult<StoredResponse> {
        let answer = answer.clone();
        self.run(move |connection| answer::record(connection, &answer))
            .await
    }

    async fn suppress_email(
        &self,
        workspace: WorkspaceId,
        email: &str,
        reason: SuppressionReason,
        at: Timestamp,
    ) -> StoreResult<()> {
        let email = email.to_owned();
        self.run(move |connection| {
            suppression::suppress_email(connection, workspace, &email, reason, at.as_millisecond())
        })
        .await
    }

    async fn suppression(
        &self,
        workspace: WorkspaceId,
        email: &str,
    ) -> StoreResult<Option<SuppressionReason>> {
        let email = email.to_owned();
        self.run(move |connection| suppression::reason(connection, workspace, &email))
            .await
    }

    async fn create_campaign(
        &self,
        workspace: WorkspaceId,
        campaign: NewCampaign,
    ) -> StoreResult<Campaign> {
        self.run(move |connection| campaign::create(connection, workspace, &campaign))
            .await
    }

    async fn campaign(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<Option<Campaign>> {
        self.run(move |connection| campaign::by_id(connection, workspace, id))
            .await
    }

    async fn campaigns(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(Campaign, CampaignNumbers)>> {
        self.run(move |connection| campaign::list(connection, workspace))
            .await
    }

    async fn campaign_numbers(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<CampaignNumbers> {
        self.run(move |connection| campaign::numbers_of(connection, workspace, id))
            .await
    }

    async fn finish_campaign_run(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        ran_at: Timestamp,
        next_run_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        self.run(move |connection| {
            campaign::finish_run(connection, workspace, id, ran_at, next_run_at)
        })
        .await
    }

    async fn queue_reminders(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        sent_before: Timestamp,
        now: Timestamp,
    ) -> StoreResult<u64> {
        self.run(move |connection| {
            campaign::queue_reminders(
                connection,
                workspace,
                id,
                sent_before.as_millisecond(),
                now.as_millisecond(),
            )
        })
        .await
    }

    async fn create_widget_key(
        &self,
        workspace: WorkspaceId,
        key: NewWidgetKey,
    ) -> StoreResult<WidgetKey> {
        self.run(move |connection| widget_key::create(connection, workspace, &key))
            .await
    }

    async fn widget_key(&self, key: &str) -> StoreResult<Option<WidgetKey>> {
        let key = key.to_owned();
        self.run(move |connection| widget_key::by_key(connection, &key))
            .await
    }

    async fn widget_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>> {
        self.run(move |connection| widget_key::list(connection, workspace))
            .await
    }

    async fn revoke_widget_key(&self, workspace: WorkspaceId, key: &str) -> StoreResult<()> {
        let key = key.to_owned();
        self.run(move |connection| widget_key::revoke(connection, workspace, &key))
            .await
    }
}

#[async_trait]
impl AccountStore for SqliteStore {
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

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        self.run(move |connection| user::create(connection, &user))
            .await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        let email = email.to_owned();
        self.run(move |connection| user::by_email(connection, &email))
            .await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        self.run(move |connection| user::by_id(connection, id))
            .await
    }

    async fn set_password(&self, id: UserId, password_hash: &str) -> StoreResult<()> {
        let password_hash = password_hash.to_owned();
        self.run(move |connection| user::set_password(connection, id, &password_hash))
            .await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        self.run(move |connection| user::memberships(connection, user))
            .await
    }

    async fn members(&self, workspace: WorkspaceId) -> StoreResult<Vec<(User, Membership)>> {
        self.run(move |connection| user::members(connection, workspace))
            .await
    }

    async fn set_membership(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        hr: bool,
    ) -> StoreResult<Membership> {
        self.run(move |connection| user::set_membership(connection, workspace, user, role, hr))
            .await
    }

    async fn remove_membership(&self, workspace: WorkspaceId, user: UserId) -> StoreResult<()> {
        self.run(move |connection| user::remove_membership(connection, workspace, user))
            .await
    }

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        let session = session.clone();
        self.run(move |connection| session::create(connection, &session))
            .await
    }

    async fn session(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<SessionRecord>> {
        let id_hash = id_hash.to_owned();
        self.run(move |connection| session::by_hash(connection, &id_hash, now.as_millisecond()))
            .await
    }

    async fn switch_session(&self, id_hash: &str, workspace: WorkspaceId) -> StoreResult<()> {
        let id_hash = id_hash.to_owned();
        self.run(move |connection| session::switch(connection, &id_hash, workspace))
            .await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        let id_hash = id_hash.to_owned();
        self.run(move |connection| session::delete(connection, &id_hash))
            .await
    }

    async fn create_member_invite(&self, invite: &MemberInvite) -> StoreResult<()> {
        let invite = invite.clone();
        self.run(move |connection| member_invite::create(connection, &invite))
            .await
    }

    async fn member_invite(&self, token_hash: &str) -> StoreResult<Option<MemberInvite>> {
        let token_hash = token_hash.to_owned();
        self.run(move |connection| member_invite::by_hash(connection, &token_hash))
            .await
    }

    async fn accept_member_invite(
        &self,
        token_hash: &str,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<Membership> {
        let token_hash = token_hash.to_owned();
        self.run(move |connection| {
            member_invite::accept(connection, &token_hash, user, at.as_millisecond())
        })
        .await
    }

    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let token_hash = token_hash.to_owned();
        self.run(move |connection| {
            password_reset::create(connection, user, &token_hash, expires_at.as_millisecond())
        })
        .await
    }

    async fn take_password_reset(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<UserId>> {
        let token_hash = token_hash.to_owned();
        self.run(move |connection| {
            password_reset::take(connection, &token_hash, now.as_millisecond())
        })
        .await
    }
}

#[async_trait]
impl FollowUpStore for SqliteStore {
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>> {
        let responses = responses.to_vec();
        self.run(move |connection| follow_up::workflows(connection, workspace, &responses))
            .await
    }

    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow> {
        let change = change.clone();
        self.run(move |connection| {
            follow_up::change(
                connection,
                workspace,
                response,
                &change,
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn workflow_response_ids(
        &self,
        workspace: WorkspaceId,
        filter: &WorkflowFilter,
    ) -> StoreResult<Vec<ResponseId>> {
        let filter = filter.clone();
        self.run(move |connection| follow_up::response_ids(connection, workspace, &filter))
            .await
    }

    async fn workflow_tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<(String, u64)>> {
        self.run(move |connection| follow_up::tags(connection, workspace))
            .await
    }

    async fn add_note(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        author: UserId,
        body: &str,
        at: Timestamp,
    ) -> StoreResult<ResponseNote> {
        let body = body.to_owned();
        self.run(move |connection| {
            follow_up::add_note(
                connection,
                workspace,
                response,
                author,
                &body,
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn notes(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<ResponseNote>> {
        self.run(move |connection| follow_up::notes(connection, workspace, response))
            .await
    }
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job> {
        self.run(move |connection| job::enqueue(connection, workspace, &job))
            .await
    }

    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>> {
        self.run(move |connection| {
            job::claim(
                connection,
                now.as_millisecond(),
                locked_until.as_millisecond(),
                limit,
            )
        })
        .await
    }

    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()> {
        self.run(move |connection| job::complete(connection, id, at.as_millisecond()))
            .await
    }

    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()> {
        let error = error.to_owned();
        self.run(move |connection| {
            job::fail(
                connection,
                id,
                &error,
                retry_at.map(|retry_at| retry_at.as_millisecond()),
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>> {
        let query = query.clone();
        self.run(move |connection| job::list(connection, &query))
            .await
    }
}
