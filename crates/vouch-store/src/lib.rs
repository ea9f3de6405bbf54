//! The storage interface of Vouch.
//!
//! [`Store`] is what the rest of Vouch calls; `vouch-store-sqlite` and `vouch-store-postgres`
//! implement it, each with its own migrations. Nothing outside those two crates writes SQL.
//!
//! Responses are identified by a monotonic `ResponseId`; the analytics index loads responses in
//! id order and then tails new ids and [`Deletion`]s, so the database stays the source of truth.

mod access;
mod accounts;
mod attributes_json;
mod collect;
mod slug;
mod types;

use async_trait::async_trait;
use jiff::Timestamp;

pub use access::*;
pub use accounts::*;
pub use attributes_json::{attributes_from_json, attributes_to_json};
pub use collect::*;
pub use slug::{generate_slug, is_valid_slug};
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

    /// Every survey of the workspace, oldest first, without counting responses: the same
    /// surveys in the same order as [`Store::surveys`], for callers that only need the list.
    async fn survey_list(&self, workspace: WorkspaceId) -> StoreResult<Vec<Survey>>;

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

    // ---- Answer collection -------------------------------------------------------------

    /// The secret that signs survey links, made at random on first use and the same for every
    /// server sharing the database.
    async fn link_secret(&self) -> StoreResult<Vec<u8>>;

    /// The survey whose public link has this slug, with its workspace, in any workspace.
    async fn survey_by_slug(&self, slug: &str) -> StoreResult<Option<(WorkspaceId, Survey)>>;

    /// Creates or updates many contacts in one transaction, as [`Store::upsert_contact`] does
    /// for one. Returns how many were created and how many updated.
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

    /// Creates invitations in one transaction. For each email invitation a `send_email` job
    /// (payload `{"invitation": ID, "reminder": false}`, 8 attempts) is queued in that same
    /// transaction, so an invitation is never left without its send.
    async fn invite(
        &self,
        workspace: WorkspaceId,
        invitations: &[NewInvitation],
    ) -> StoreResult<Vec<Invitation>>;

    /// The invitation with this id, in any workspace (links carry only the id).
    async fn invitation(&self, id: InvitationId) -> StoreResult<Option<Invitation>>;

    /// Records that the survey page was opened from the invitation (the first time only).
    async fn mark_opened(&self, id: InvitationId, at: Timestamp) -> StoreResult<()>;

    /// Records what an attempt to email the invitation came to. `Bounced` also suppresses the
    /// contact's address; `Failed` keeps the error for display and leaves the invitation
    /// pending.
    async fn record_send(
        &self,
        id: InvitationId,
        outcome: &SendOutcome,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Records an answer through an invitation, in one transaction. The response is written
    /// with the invitation's survey, contact, channel and the contact's current attributes.
    /// When the invitation was answered before, the earlier response is erased (recorded as a
    /// [`Deletion`]) and replaced, keeping its `created_at`: answering twice never counts
    /// twice. An answer equal to the current one changes nothing and returns it.
    async fn record_answer(&self, answer: &Answer) -> StoreResult<StoredResponse>;

    /// Suppresses an address for good (unsubscribe or bounce). Kept by address, so it outlives
    /// the contact; suppressing twice keeps the first reason.
    async fn suppress_email(
        &self,
        workspace: WorkspaceId,
        email: &str,
        reason: SuppressionReason,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Why the address is suppressed, if it is.
    async fn suppression(
        &self,
        workspace: WorkspaceId,
        email: &str,
    ) -> StoreResult<Option<SuppressionReason>>;

    /// Creates a campaign and queues its first `run_campaign` job (payload
    /// `{"campaign": ID}`) at `first_run_at`, in one transaction.
    async fn create_campaign(
        &self,
        workspace: WorkspaceId,
        campaign: NewCampaign,
    ) -> StoreResult<Campaign>;

    /// The campaign with this id in the workspace, if any.
    async fn campaign(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<Option<Campaign>>;

    /// Every campaign of the workspace with its numbers, newest first.
    async fn campaigns(
        &self,
        workspace: WorkspaceId,
    ) -> StoreResult<Vec<(Campaign, CampaignNumbers)>>;

    /// A campaign's numbers.
    async fn campaign_numbers(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
    ) -> StoreResult<CampaignNumbers>;

    /// Records that a run of the campaign finished at `ran_at`; with `next_run_at`, queues the
    /// next `run_campaign` job then, in the same transaction.
    async fn finish_campaign_run(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        ran_at: Timestamp,
        next_run_at: Option<Timestamp>,
    ) -> StoreResult<()>;

    /// Queues one reminder for each of the campaign's invitations sent before `sent_before`,
    /// not answered, not bounced, not reminded yet, whose address is not suppressed: marks
    /// them reminded and queues a `send_email` job (payload `{"invitation": ID, "reminder":
    /// true}`) for each, in one transaction. Returns how many were queued.
    async fn queue_reminders(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        sent_before: Timestamp,
        now: Timestamp,
    ) -> StoreResult<u64>;

    /// Stores a widget key; `Conflict` if the key exists.
    async fn create_widget_key(
        &self,
        workspace: WorkspaceId,
        key: NewWidgetKey,
    ) -> StoreResult<WidgetKey>;

    /// The widget key with this public key, in any workspace (revoked or not).
    async fn widget_key(&self, key: &str) -> StoreResult<Option<WidgetKey>>;

    /// Every widget key of the workspace, oldest first.
    async fn widget_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>>;

    /// Revokes a widget key of the workspace; `NotFound` if it has none such.
    async fn revoke_widget_key(&self, workspace: WorkspaceId, key: &str) -> StoreResult<()>;

    // ---- Jobs ---------------------------------------------------------------------------

    /// Queues a job.
    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job>;

    /// Claims up to `limit` jobs that are due (queued with `run_at` ≤ `now`, or running with an
    /// expired lease), oldest `run_at` first, across workspaces: each becomes `running` with a
    /// lease until `locked_until` and one more attempt. A job is claimed by one worker only,
    /// even with several servers on one PostgreSQL (`FOR UPDATE SKIP LOCKED`).
    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>>;

    /// Marks a claimed job done.
    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()>;

    /// Records a failed attempt: queued again at `retry_at`, or `failed` for good when `None`.
    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Jobs matching the query, newest first.
    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>>;

    // ---- Users and sessions -----------------------------------------------------------------

    /// Every workspace of the server, oldest first.
    async fn workspaces(&self) -> StoreResult<Vec<Workspace>>;

    /// Creates a user; `Conflict` when the email is taken.
    async fn create_user(&self, user: NewUser) -> StoreResult<User>;

    /// The user with this email (compared trimmed and ASCII lower-cased) and their password
    /// hash.
    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>>;

    /// The user with this id.
    async fn user(&self, id: UserId) -> StoreResult<Option<User>>;

    /// Replaces a user's password hash and ends every session of theirs.
    async fn set_password(&self, id: UserId, password_hash: &str) -> StoreResult<()>;

    /// The workspaces a user belongs to, by workspace slug.
    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>>;

    /// The members of a workspace with their users, by name.
    async fn members(&self, workspace: WorkspaceId) -> StoreResult<Vec<(User, Membership)>>;

    /// Adds a user to a workspace or changes their role and HR permission there.
    async fn set_membership(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        hr: bool,
    ) -> StoreResult<Membership>;

    /// Removes a user from a workspace (and ends their sessions in it); `NotFound` if they
    /// were not a member.
    async fn remove_membership(&self, workspace: WorkspaceId, user: UserId) -> StoreResult<()>;

    /// Stores a new session.
    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()>;

    /// The session with this hash, if it exists and has not expired at `now`.
    async fn session(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<SessionRecord>>;

    /// Points a session at another workspace (the user must be a member: checked by callers).
    async fn switch_session(&self, id_hash: &str, workspace: WorkspaceId) -> StoreResult<()>;

    /// Ends a session.
    async fn delete_session(&self, id_hash: &str) -> StoreResult<()>;

    /// Stores an invitation to join a workspace.
    async fn create_member_invite(&self, invite: &MemberInvite) -> StoreResult<()>;

    /// The invitation with this hash, accepted or not.
    async fn member_invite(&self, token_hash: &str) -> StoreResult<Option<MemberInvite>>;

    /// Accepts an invitation for a user in one transaction: it must exist, not be expired at
    /// `at` nor accepted (`NotFound` otherwise); the user becomes a member with its role.
    async fn accept_member_invite(
        &self,
        token_hash: &str,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<Membership>;

    /// Stores a password reset link for a user.
    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()>;

    /// Uses a password reset link: the user it was for, if it exists, is unused and not expired
    /// at `now`; it is then used up.
    async fn take_password_reset(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<UserId>>;

    // ---- Follow-up of responses -------------------------------------------------------------

    /// The follow-up of each of these responses of the workspace, in the order given (untouched
    /// ones as open, unassigned, untagged).
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>>;

    /// Changes a response's follow-up; `NotFound` if the workspace has no such response.
    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        at: Timestamp,
    ) -> StoreResult<ResponseWorkflow>;

    /// Ids of the workspace's responses whose stored follow-up matches (AND of the parts
    /// given), ascending. With no part given, every response with a stored follow-up.
    async fn workflow_response_ids(
        &self,
        workspace: WorkspaceId,
        filter: &WorkflowFilter,
    ) -> StoreResult<Vec<ResponseId>>;

    /// Every tag used in the workspace with how many responses carry it, most used first.
    async fn workflow_tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<(String, u64)>>;

    /// Adds an internal note to a response; `NotFound` if the workspace has no such response.
    async fn add_note(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        author: UserId,
        body: &str,
        at: Timestamp,
    ) -> StoreResult<ResponseNote>;

    /// The notes of a response, oldest first.
    async fn notes(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<ResponseNote>>;
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
