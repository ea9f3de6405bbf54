//! The PostgreSQL backend of the Vouch store, for servers that share one database.
//!
//! [`PostgresStore`] implements [`vouch_store::Store`] on a pool of `tokio-postgres` connections.
//! Connecting applies the numbered migrations in `migrations/` that the database has not seen
//! yet, under an advisory lock so that servers starting together migrate once.
//!
//! An import ([`vouch_store::ResponseStore::begin_import`]) is one transaction on a connection
//! taken out of the pool for good: each batch resolves its contacts with one set-based lookup and
//! insert, then streams its responses with a binary `COPY`. Dropping the import closes the
//! connection, and the server rolls the transaction back.
//!
//! A group commit ([`vouch_store::ResponseStore::ingest`], the API's way in) is one transaction of
//! a fixed number of round trips for the whole batch: idempotency keys claimed and attribute kinds
//! recorded in one statement, contacts locked in id order and merged in memory, new contacts,
//! changed contacts and responses each written by one statement over arrays (see the `ingest` and
//! `contact_book` modules). Concurrent calls, from this server or others, wait for each other on
//! the contacts they share but do not deadlock; a call that loses a race to create a contact
//! applies its batch again within its transaction, and one the server aborts runs again whole.
//! Transactions on pooled connections that a caller abandons close their connection, so none is
//! handed out again mid-transaction.
//!
//! Readers tail `responses` by id; the `read` module explains why no id can show up behind one
//! already read, although transactions commit in any order. Every writer of responses — import,
//! ingest, or an answer through an invitation (which may also erase the answer it replaces; see
//! the `invitations` module) — follows the protocol of the `ids` module.
//!
//! The job queue is shared by every server on the database: claims lock jobs with `FOR UPDATE
//! SKIP LOCKED`, so no job is claimed by two workers (see the `jobs` module). Whatever queues a
//! job — an email invitation, a reminder, a campaign's next run — does so in the transaction
//! that makes the change the job is for.
//!
//! The dashboard's links that work once — invitations to join a workspace, password resets —
//! are used up by a single conditional `UPDATE`, so that of two servers racing on one link only
//! one wins (see the `accounts` module). The team's follow-up of a response (status, assignee,
//! tags, notes) has no foreign key to it; row locks on the response keep it from outliving an
//! erasure, and an answer that replaces another moves it along (see the `follow_up` module).
//!
//! ```no_run
//! use vouch_store::prelude::*;
//! use vouch_store_postgres::PostgresStore;
//!
//! # async fn example() -> vouch_store::StoreResult<()> {
//! let store = PostgresStore::connect("postgres://vouch@localhost/vouch").await?;
//! let workspace = store.workspace("default").await?;
//! for listing in store.surveys(workspace.id).await? {
//!     println!("{}: {} responses", listing.survey.name, listing.responses);
//! }
//! # Ok(())
//! # }
//! ```

mod access;
mod accounts;
#[cfg(test)]
mod accounts_tests;
mod campaigns;
mod catalog;
mod collect;
#[cfg(test)]
mod collect_tests;
mod contact_book;
mod contacts;
mod copy;
#[cfg(test)]
mod database_tests;
mod error;
mod follow_up;
mod ids;
mod import;
mod ingest;
mod invitations;
mod jobs;
mod migrate;
mod read;
#[cfg(test)]
mod server_tests;
mod test_database;
mod transaction;

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use jiff::Timestamp;
use tokio_postgres::NoTls;
use tokio_postgres::config::Host;
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

pub use test_database::TestDatabase;

use crate::error::{PgContext, other};

/// Connections the pool keeps open at most.
const POOL_SIZE: usize = 16;

/// Connections kept apart for reserving response ids. A writer reserves ids while it holds a
/// connection of the main pool, so reservations taken from that pool could wait forever for
/// one another; and they are serialised by a lock anyway, so a few connections are enough.
const RESERVATION_POOL_SIZE: usize = 4;

/// How long a caller waits for a free connection before giving up.
const POOL_WAIT: Duration = Duration::from_secs(30);

/// How long connecting may take when the URL does not say (`connect_timeout=`).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// A Vouch database on a PostgreSQL server. Cheap to clone: clones share the connection pool.
#[derive(Clone)]
pub struct PostgresStore {
    pool: Pool,
    /// Where writers reserve response ids (see the `ids` module).
    reservations: Pool,
    /// The URL without its password, for `Debug` and error messages.
    redacted_url: Arc<str>,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let status = self.pool.status();
        f.debug_struct("PostgresStore")
            .field("url", &self.redacted_url)
            .field("connections", &status.size)
            .field("idle", &status.available)
            .finish()
    }
}

impl PostgresStore {
    /// Connects to the database named by a `postgres://` or `postgresql://` URL (the
    /// `tokio-postgres` URL syntax, without TLS) and brings its schema up to date.
    pub async fn connect(url: &str) -> StoreResult<PostgresStore> {
        if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
            return Err(other(
                "a PostgreSQL URL starts with postgres:// or postgresql://",
            ));
        }
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|error| other(format!("invalid PostgreSQL URL {}: {error}", redact(url))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        let redacted_url: Arc<str> = describe(&config).into();
        let pool = build_pool(config.clone(), POOL_SIZE)?;
        let reservations = build_pool(ids::reservation_config(config), RESERVATION_POOL_SIZE)?;
        let store = PostgresStore {
            pool,
            reservations,
            redacted_url,
        };
        let mut client = store.client().await?;
        migrate::migrate(&mut client).await?;
        Ok(store)
    }

    /// The URL connected to, with any password left out.
    pub fn redacted_url(&self) -> &str {
        &self.redacted_url
    }

    /// A pooled connection.
    async fn client(&self) -> StoreResult<Object> {
        let context = format!("failed to connect to {}", self.redacted_url);
        self.pool.get().await.pg_context(&context)
    }
}

/// A pool of at most `size` connections made with `config`.
fn build_pool(config: tokio_postgres::Config, size: usize) -> StoreResult<Pool> {
    let manager = Manager::from_config(
        config,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(manager)
        .max_size(size)
        .wait_timeout(Some(POOL_WAIT))
        .runtime(Runtime::Tokio1)
        .build()
        .map_err(|error| other(format!("failed to set up the connection pool: {error}")))
}

/// The parts of a connection configuration that are safe to show: never the password.
fn describe(config: &tokio_postgres::Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .enumerate()
        .map(|(index, host)| {
            let name = match host {
                Host::Tcp(name) => name.clone(),
                Host::Unix(path) => path.display().to_string(),
            };
            match config.get_ports().get(index).or(config.get_ports().first()) {
                Some(port) => format!("{name}:{port}"),
                None => name,
            }
        })
        .collect();
    let user = config
        .get_user()
        .map(|user| format!("{user}@"))
        .unwrap_or_default();
    let database = config.get_dbname().unwrap_or_default();
    format!("postgres://{user}{}/{database}", hosts.join(","))
}

/// A URL that could not be parsed, with whatever follows `user:` up to `@` hidden.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return "(unparsable)".to_owned();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            format!(
                "{scheme}://{user}:***@{host}{}",
                hide_password_parameter(path)
            )
        }
        None => format!("{scheme}://{authority}{}", hide_password_parameter(path)),
    }
}

/// `path` with the value of a `password=` query parameter hidden.
fn hide_password_parameter(path: &str) -> String {
    match path.find("password=") {
        Some(start) => {
            let value_start = start + "password=".len();
            let value_end = path[value_start..]
                .find('&')
                .map_or(path.len(), |end| value_start + end);
            format!("{}***{}", &path[..value_start], &path[value_end..])
        }
        None => path.to_owned(),
    }
}

/// The current time as stored: milliseconds since the epoch.
pub(crate) fn now_millis() -> i64 {
    Timestamp::now().as_millisecond()
}

#[async_trait]
impl WorkspaceStore for PostgresStore {
    fn backend_name(&self) -> &'static str {
        "postgres"
    }

    async fn ping(&self) -> StoreResult<()> {
        let client = self.client().await?;
        client
            .simple_query("SELECT 1")
            .await
            .pg_context("the database did not answer")?;
        Ok(())
    }

    async fn workspace(&self, slug: &str) -> StoreResult<Workspace> {
        catalog::workspace(&*self.client().await?, slug).await
    }

    async fn set_workspace_time_zone(
        &self,
        workspace: WorkspaceId,
        time_zone: &str,
    ) -> StoreResult<()> {
        catalog::set_time_zone(&*self.client().await?, workspace, time_zone).await
    }

    async fn attribute_definitions(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<AttributeDefinition>> {
        catalog::attribute_definitions(&*self.client().await?, workspace).await
    }

    async fn workspace_by_id(&self, id: WorkspaceId) -> StoreResult<Option<Workspace>> {
        catalog::workspace_by_id(&*self.client().await?, id).await
    }

    async fn workspaces(&self) -> StoreResult<Vec<Workspace>> {
        catalog::workspaces(&*self.client().await?).await
    }
}

#[async_trait]
impl SurveyStore for PostgresStore {
    async fn create_survey(
        &self,
        workspace: WorkspaceId,
        survey: NewSurvey,
    ) -> StoreResult<Survey> {
        catalog::create_survey(&*self.client().await?, workspace, &survey).await
    }

    async fn survey_by_name(
        &self,
        workspace: WorkspaceId,
        name: &str,
    ) -> StoreResult<Option<Survey>> {
        catalog::survey_by_name(&*self.client().await?, workspace, name).await
    }

    async fn survey(&self, workspace: WorkspaceId, id: SurveyId) -> StoreResult<Option<Survey>> {
        catalog::survey_by_id(&*self.client().await?, workspace, id).await
    }

    async fn surveys(&self, workspace: WorkspaceId) -> StoreResult<Vec<SurveyListing>> {
        catalog::surveys(&*self.client().await?, workspace).await
    }

    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>> {
        catalog::survey_list(&*self.client().await?, workspace).await
    }

    async fn update_survey(
        &self,
        workspace: WorkspaceId,
        id: SurveyId,
        changes: SurveyChanges,
    ) -> StoreResult<Survey> {
        catalog::update_survey(&*self.client().await?, workspace, id, &changes).await
    }

    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>> {
        catalog::survey_by_slug(&*self.client().await?, slug).await
    }
}

#[async_trait]
impl ResponseStore for PostgresStore {
    async fn begin_import(&self, workspace: WorkspaceId) -> StoreResult<Box<dyn ResponseImport>> {
        let connection = Object::take(self.client().await?);
        let import =
            import::PostgresImport::begin(connection, self.reservations.clone(), workspace).await?;
        Ok(Box::new(import))
    }

    async fn responses_after(
        &self,
        workspace: WorkspaceId,
        after: ResponseId,
        survey: Option<SurveyId>,
        limit: usize,
    ) -> StoreResult<Vec<StoredResponse>> {
        let client = self.client().await?;
        read::responses_after(&client, workspace, after, survey, limit).await
    }

    async fn deletions_after(
        &self,
        workspace: WorkspaceId,
        after: i64,
    ) -> StoreResult<Vec<Deletion>> {
        read::deletions_after(&*self.client().await?, workspace, after).await
    }

    async fn ingest(
        &self,
        workspace: WorkspaceId,
        requests: Vec<IngestRequest>,
    ) -> StoreResult<Vec<IngestOutcome>> {
        if requests.is_empty() {
            return Ok(Vec::new());
        }
        let client = self.client().await?;
        ingest::ingest(client, &self.reservations, workspace, &requests).await
    }

    async fn response(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> StoreResult<Option<StoredResponse>> {
        read::response(&*self.client().await?, workspace, id).await
    }

    async fn responses_by_ids(
        &self,
        workspace: WorkspaceId,
        ids: &[ResponseId],
    ) -> StoreResult<Vec<StoredResponse>> {
        read::responses_by_ids(&*self.client().await?, workspace, ids).await
    }

    async fn saved_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
    ) -> StoreResult<Option<SavedReply>> {
        access::saved_reply(&*self.client().await?, workspace, key).await
    }

    async fn save_reply(
        &self,
        workspace: WorkspaceId,
        key: &str,
        reply: &SavedReply,
    ) -> StoreResult<bool> {
        access::save_reply(&*self.client().await?, workspace, key, reply).await
    }
}

#[async_trait]
impl ContactStore for PostgresStore {
    async fn contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
    ) -> StoreResult<Option<Contact>> {
        read::contact(&*self.client().await?, workspace, key).await
    }

    async fn delete_contact(&self, workspace: WorkspaceId, contact: ContactId) -> StoreResult<u64> {
        let mut client = self.client().await?;
        read::delete_contact(&mut client, workspace, contact).await
    }

    async fn upsert_contact(
        &self,
        workspace: WorkspaceId,
        key: &ContactKey,
        attributes: &Attributes,
        definitions: &[AttributeDefinition],
    ) -> StoreResult<Contact> {
        let client = self.client().await?;
        contact_book::upsert_contact(client, workspace, key, attributes, definitions).await
    }

    async fn contact_by_id(
        &self,
        workspace: WorkspaceId,
        id: ContactId,
    ) -> StoreResult<Option<Contact>> {
        read::contact_by_id(&*self.client().await?, workspace, id).await
    }

    async fn contacts(
        &self,
        workspace: WorkspaceId,
        query: &ContactQuery,
    ) -> StoreResult<Vec<Contact>> {
        read::contacts(&*self.client().await?, workspace, query).await
    }

    async fn contact_responses(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Vec<StoredResponse>> {
        read::contact_responses(&*self.client().await?, workspace, contact).await
    }

    async fn upsert_contacts(
        &self,
        workspace: WorkspaceId,
        contacts: &[(ContactKey, Attributes)],
        definitions: &[AttributeDefinition],
    ) -> StoreResult<(u64, u64)> {
        let client = self.client().await?;
        contact_book::upsert_contacts(client, workspace, contacts, definitions).await
    }

    async fn last_surveyed(
        &self,
        workspace: WorkspaceId,
        contact: ContactId,
    ) -> StoreResult<Option<Timestamp>> {
        collect::last_surveyed(&*self.client().await?, workspace, contact).await
    }

    async fn eligible_contacts(
        &self,
        workspace: WorkspaceId,
        query: &Eligibility,
    ) -> StoreResult<Vec<Contact>> {
        collect::eligible_contacts(&*self.client().await?, workspace, query).await
    }
}

#[async_trait]
impl CollectStore for PostgresStore {
    async fn link_secret(&self) -> StoreResult<Vec<u8>> {
        collect::link_secret(&*self.client().await?).await
    }

    async fn invite(
        &self,
        workspace: WorkspaceId,
        invitations: &[NewInvitation],
    ) -> StoreResult<Vec<Invitation>> {
        invitations::invite(self.client().await?, workspace, invitations).await
    }

    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>> {
        invitations::invitation(&*self.client().await?, id).await
    }

    async fn mark_opened(&self, id: InvitationId, at: Timestamp) -> StoreResult<()> {
        invitations::mark_opened(&*self.client().await?, id, at).await
    }

    async fn record_send(
        &self,
        id: InvitationId,
        outcome: &SendOutcome,
        at: Timestamp,
    ) -> StoreResult<()> {
        invitations::record_send(self.client().await?, id, outcome, at).await
    }

    async fn record_answer(&self, answer: &Answer) -> StoreResult<StoredResponse> {
        let client = self.client().await?;
        invitations::record_answer(client, &self.reservations, answer).await
    }

    async fn suppress_email(
        &self,
        workspace: WorkspaceId,
        email: &str,
        reason: SuppressionReason,
        at: Timestamp,
    ) -> StoreResult<()> {
        collect::suppress_email(&*self.client().await?, workspace, email, reason, at).await
    }

    async fn suppression(
        &self,
        workspace: WorkspaceId,
        email: &str,
    ) -> StoreResult<Option<SuppressionReason>> {
        collect::suppression(&*self.client().await?, workspace, email).await
    }

    async fn create_campaign(
        &self,
        workspace: WorkspaceId,
        campaign: NewCampaign,
    ) -> StoreResult<Campaign> {
        campaigns::create_campaign(&*self.client().await?, workspace, &campaign).await
    }

    async fn campaign(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<Option<Campaign>> {
        campaigns::campaign(&*self.client().await?, workspace, id).await
    }

    async fn campaigns(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(Campaign, CampaignNumbers)>> {
        campaigns::campaigns(&*self.client().await?, workspace).await
    }

    async fn campaign_numbers(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<CampaignNumbers> {
        campaigns::campaign_numbers(&*self.client().await?, workspace, id).await
    }

    async fn finish_campaign_run(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        ran_at: Timestamp,
        next_run_at: Option<Timestamp>,
    ) -> StoreResult<()> {
        let client = self.client().await?;
        campaigns::finish_campaign_run(&client, workspace, id, ran_at, next_run_at).await
    }

    async fn queue_reminders(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        sent_before: Timestamp,
        now: Timestamp,
    ) -> StoreResult<u64> {
        let client = self.client().await?;
        campaigns::queue_reminders(&client, workspace, id, sent_before, now).await
    }

    async fn create_widget_key(
        &self,
        workspace: WorkspaceId,
        key: NewWidgetKey,
    ) -> StoreResult<WidgetKey> {
        collect::create_widget_key(&*self.client().await?, workspace, &key).await
    }

    async fn widget_key(&self, key: &str) -> StoreResult<Option<WidgetKey>> {
        collect::widget_key(&*self.client().await?, key).await
    }

    async fn widget_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>> {
        collect::widget_keys(&*self.client().await?, workspace).await
    }

    async fn revoke_widget_key(&self, workspace: WorkspaceId, key: &str) -> StoreResult<()> {
        collect::revoke_widget_key(&*self.client().await?, workspace, key).await
    }
}

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_api_key(&self, workspace: WorkspaceId, key: NewApiKey) -> StoreResult<ApiKey> {
        access::create_api_key(&*self.client().await?, workspace, &key).await
    }

    async fn api_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>> {
        access::api_keys(&*self.client().await?, workspace).await
    }

    async fn api_key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        access::api_key_by_hash(&*self.client().await?, secret_hash).await
    }

    async fn revoke_api_key(&self, workspace: WorkspaceId, name: &str) -> StoreResult<ApiKey> {
        access::revoke_api_key(&*self.client().await?, workspace, name).await
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        accounts::create_user(&*self.client().await?, &user).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        accounts::user_by_email(&*self.client().await?, email).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        accounts::user(&*self.client().await?, id).await
    }

    async fn set_password(&self, id: UserId, password_hash: &str) -> StoreResult<()> {
        accounts::set_password(&*self.client().await?, id, password_hash).await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        accounts::memberships(&*self.client().await?, user).await
    }

    async fn members(&self, workspace: WorkspaceId) -> StoreResult<Vec<(User, Membership)>> {
        accounts::members(&*self.client().await?, workspace).await
    }

    async fn set_membership(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        hr: bool,
    ) -> StoreResult<Membership> {
        accounts::set_membership(&*self.client().await?, workspace, user, role, hr).await
    }

    async fn remove_membership(&self, workspace: WorkspaceId, user: UserId) -> StoreResult<()> {
        accounts::remove_membership(&*self.client().await?, workspace, user).await
    }

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        accounts::create_session(&*self.client().await?, session).await
    }

    async fn session(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<SessionRecord>> {
        accounts::session(&*self.client().await?, id_hash, now).await
    }

    async fn switch_session(&self, id_hash: &str, workspace: WorkspaceId) -> StoreResult<()> {
        accounts::switch_session(&*self.client().await?, id_hash, workspace).await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        accounts::delete_session(&*self.client().await?, id_hash).await
    }

    async fn create_member_invite(&self, invite: &MemberInvite) -> StoreResult<()> {
        accounts::create_member_invite(&*self.client().await?, invite).await
    }

    async fn member_invite(&self, token_hash: &str) -> StoreResult<Option<MemberInvite>> {
        accounts::member_invite(&*self.client().await?, token_hash).await
    }

    async fn accept_member_invite(
        &self,
        token_hash: &str,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<Membership> {
        accounts::accept_member_invite(&*self.client().await?, token_hash, user, at).await
    }

    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let client = self.client().await?;
        accounts::create_password_reset(&client, user, token_hash, expires_at).await
    }

    async fn take_password_reset(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<UserId>> {
        accounts::take_password_reset(&*self.client().await?, token_hash, now).await
    }
}

#[async_trait]
impl FollowUpStore for PostgresStore {
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>> {
        follow_up::workflows(&*self.client().await?, workspace, responses).await
    }

    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow> {
        let client = self.client().await?;
        follow_up::change_workflow(client, workspace, response, change, at).await
    }

    async fn workflow_response_ids(
        &self,
        workspace: WorkspaceId,
        filter: &WorkflowFilter,
    ) -> StoreResult<Vec<ResponseId>> {
        follow_up::workflow_response_ids(&*self.client().await?, workspace, filter).await
    }

    async fn workflow_tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<(String, u64)>> {
        follow_up::workflow_tags(&*self.client().await?, workspace).await
    }

    async fn add_note(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        author: UserId,
        body: &str,
        at: Timestamp,
    ) -> StoreResult<ResponseNote> {
        let client = self.client().await?;
        follow_up::add_note(client, workspace, response, author, body, at).await
    }

    async fn notes(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<ResponseNote>> {
        follow_up::notes(&*self.client().await?, workspace, response).await
    }
}

#[async_trait]
impl JobStore for PostgresStore {
    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job> {
        jobs::enqueue_job(&*self.client().await?, workspace, &job).await
    }

    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>> {
        jobs::claim_jobs(&*self.client().await?, now, locked_until, limit).await
    }

    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()> {
        jobs::complete_job(&*self.client().await?, id, at).await
    }

    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()> {
        jobs::fail_job(&*self.client().await?, id, error, retry_at, at).await
    }

    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>> {
        jobs::jobs(&*self.client().await?, query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_described_configuration_has_no_password() {
        let config =
            tokio_postgres::Config::from_str("postgres://vouch:s3cret@db.example:6543/nps")
                .unwrap();
        assert_eq!(describe(&config), "postgres://vouch@db.example:6543/nps");
    }

    #[test]
    fn an_unparsable_url_is_shown_without_its_password() {
        assert_eq!(
            redact("postgres://vouch:s3cret@db.example:bad/nps?password=x&a=b"),
            "postgres://vouch:***@db.example:bad/nps?password=***&a=b"
        );
    }

    #[tokio::test]
    async fn other_url_schemes_are_refused() {
        let error = PostgresStore::connect("sqlite://vouch.db")
            .await
            .unwrap_err();
        assert!(error.to_string().contains("postgres://"), "{error}");
    }
}
