//! The story every Vouch store backend must pass.
//!
//! [`run_story`] walks one workspace through its life — surveys, imports, paging, erasure,
//! answer collection, the dashboard's accounts and follow-up — calling every method of
//! [`vouch_store::Store`] and asserting what each must return. Each
//! backend has one test file that opens a fresh store and hands it over:
//!
//! ```no_run
//! # async fn example(store: &dyn vouch_store::Store) {
//! vouch_store_tests::run_story(store).await;
//! # }
//! ```
//!
//! The story makes its own workspaces with names unique to the run, so it can run again and
//! again against one long-lived database (a shared PostgreSQL, say). Its [`CHAPTERS`] run as
//! one test each per backend. A backend whose database is not configured may skip its tests,
//! unless `VOUCH_TEST_REQUIRE_ALL=1` (see `vouch_test_kit::missing`).

#![deny(missing_docs)]

mod accounts;
mod collect;
mod fixtures;
mod opening;
mod sequel;
mod server;
mod tags;
mod teams;
mod webhooks;

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use vouch_store::Store;

/// Runs the story against `store`, panicking with a message at the first broken promise.
///
/// What it checks, in order:
/// - `ping` answers; `workspace` creates a workspace (time zone `UTC`) on first use and returns
///   the same one after; `set_workspace_time_zone` sticks.
/// - Surveys: creating, a taken name is `Conflict`, finding by name and by id, listing oldest
///   first with response counts.
/// - An import from three contacts (external id only, email only, both) writes every field,
///   defines attributes, creates three contacts; reading back gives typed attributes (dates
///   come back as dates).
/// - A later import changes a contact's attributes (and fills in its missing email) while older
///   responses keep the attributes they were given with.
/// - An import dropped without commit writes nothing: no response, contact or definition.
/// - `responses_after` pages in id order, filters by survey, and ids only grow.
/// - `delete_contact` erases the contact and its responses, returns how many, records one
///   deletion per response in order, and is `NotFound` the second time; ids of erased
///   responses are never given again.
/// - Workspaces are isolated: nothing of one is seen through another, names may repeat across
///   workspaces, and an import that names another workspace's survey fails (at `write` or at
///   `commit`) and writes nothing.
/// - `workspace_by_id` finds a workspace, or none; a new workspace has no brand;
///   `set_workspace_brand` replaces it whole (read back by `workspace`, `workspace_by_id` and
///   `workspaces`, other workspaces untouched), and is `NotFound` for an unknown workspace.
/// - API keys: created with their fields, a name taken by a live key is `Conflict` (in its
///   workspace only), so is a secret hash used twice; found by hash (revoked ones too);
///   listed oldest first; revoking twice or another workspace's key is `NotFound`; a revoked
///   key's name may be used again.
/// - `update_survey` renames, rewords, archives and restores; a taken name is `Conflict`, a
///   survey of another workspace `NotFound`.
/// - `ingest` returns one outcome per request in order: `Created`, `Replayed` for a key seen
///   before with the same fingerprint (in the same call or an earlier one), `KeyReused` with
///   another fingerprint (writing nothing, not even definitions or the contact). Contacts get
///   the given attributes merged into theirs (given ones win) and each response keeps the
///   merged set; an email alone names a contact that also has an external id. A call naming
///   an archived survey, another workspace's or an unknown one is `NotFound` and writes
///   nothing, its idempotency keys included. Ids grow across calls. Keys are per workspace.
/// - `response`, `responses_by_ids` (order given, unknown and foreign ids skipped) and
///   `contact_responses` (oldest `created_at` first) read back exactly what `ingest` returned.
/// - `upsert_contact` creates, then merges attributes; `contact_by_id`; `contacts` pages by
///   cursor in id order and filters by canonical values: text exactly, numbers as numbers
///   (`3` matches `3.0`), booleans, dates, several filters ANDed.
/// - `save_reply` keeps the first reply for a key (a second save is `false`), per workspace.
/// - Survey links: a slug is made from the name (`customer-nps-` and six hex digits) unless
///   given; slugs are unique across the server (a given one that is taken is `Conflict`, an
///   invalid one an error); `survey_by_slug` finds a survey in any workspace; `update_survey`
///   moves a slug (the old one is free) and replaces settings whole; settings round-trip
///   through every read; `link_secret` is 32 bytes, the same every time.
/// - `upsert_contacts` counts created and updated contacts (every key that matched counts as
///   updated, changed or not) and merges attributes as `upsert_contact` does.
/// - `eligible_contacts`: filters (AND across attributes, OR between values of one),
///   throttled by responses and by invitations of any channel at or after the time, the
///   campaign's cycle, suppressed or missing emails when an email is needed, cursor and
///   limit; `last_surveyed` is the latest invitation or response.
/// - `suppress_email` compares addresses trimmed and lower-cased, keeps the first reason, and
///   outlives the contact's erasure.
/// - `invite` returns the invitations as created and queues one `send_email` job (payload
///   `{"invitation":ID,"reminder":false}`, 8 attempts, due now) per email invitation, none
///   for link and widget ones; a contact or survey of another workspace is `NotFound` and
///   writes nothing.
/// - `mark_opened` keeps the first time; `record_send` of each outcome and the campaign's
///   numbers after each (a bounce suppresses the address).
/// - `record_answer`: the first answer takes the invitation's survey, contact, channel and the
///   contact's attributes; the same answer again changes nothing; a changed answer erases the
///   first (a deletion) and gets a new id with the first one's `created_at`.
/// - `queue_reminders` reminds only invitations sent before the time, not answered, bounced,
///   reminded or suppressed, with a job (payload `{"invitation":ID,"reminder":true}`) due at
///   `now`; `create_campaign` and `finish_campaign_run` queue `run_campaign` jobs (payload
///   `{"campaign":ID}`, 5 attempts); `campaigns` lists newest first with numbers.
/// - Widget keys: created, found by key, unique across the server (`Conflict`), listed oldest
///   first, revoked (again: the first time stays; another workspace's: `NotFound`).
/// - Erasing an invited contact erases its invitations and answers.
/// - Jobs (on a fake clock in 2001): claimed oldest `run_at` first across workspaces, with a
///   lease and one more attempt each time (`updated_at` is the claim's `now`), never while the
///   lease holds, again once it ran out; completed, retried at a time, failed for good;
///   listed newest first by workspace, status and kind; two workers claiming at once never
///   get the same job.
/// - Users: the email is stored trimmed and lower-cased, a taken one (in any case) is
///   `Conflict`; `user_by_email` finds a user typed in any case, with the password hash;
///   `user` by id.
/// - Memberships: `memberships` by workspace slug, `members` by name; `set_membership` again
///   changes role and HR permission and keeps the time joined; an unknown user or workspace
///   is `NotFound`, so is removing someone who is not a member.
/// - Sessions: read back until `expires_at` (not at it), switched to another workspace, ended
///   (ending twice is no error); `set_password` ends every session of the user and of nobody
///   else; `remove_membership` ends the user's sessions in that workspace only.
/// - Invitations to join: read back as given; accepted once, joining at the time of
///   acceptance; accepted again, expired (at or after `expires_at`), unknown, or for an
///   unknown user: `NotFound`, leaving it unused; a member already keeps the higher role and
///   gains the HR permission from either, and the time joined.
/// - Password resets: taken once, only before they expire (a late try does not use one up);
///   for an unknown user `NotFound`.
/// - Follow-up of responses: untouched responses read as open, unassigned, untagged, in the
///   order given; `change_workflow` keeps what it does not name, `Some(None)` unassigns, tags
///   are trimmed, non-empty, sorted and unique and replace the old ones; a response of another
///   workspace, an unknown one or an unknown assignee is `NotFound` and writes nothing;
///   `workflow_response_ids` ANDs status, assignee and tag, ascending; `workflow_tags` counts,
///   most used first, then by tag.
/// - Notes: oldest `created_at` first with the author's name; none seen through another
///   workspace; another workspace's response or an unknown author is `NotFound`.
/// - A changed answer (`record_answer`) moves the follow-up and notes, unchanged, to the new
///   response id; erasing the contact (`delete_contact`) erases them, other responses keep
///   theirs.
/// - `workspaces` lists every workspace, oldest first.
/// - Tags: a workspace's set holds each tag once whatever its case (creating "bug" beside
///   "Bug" is `Conflict`), in byte order with counts of responses and rules;
///   `change_workflow` keeps the set's spelling and records status, assignee and tags added or
///   removed, by its actor (a member's name too). Renaming moves responses and rules (another
///   tag's name is `Conflict`, a change of case alone is allowed, the same name records
///   nothing); merging leaves responses that had both with one tag, moves rules and takes the
///   sources out of the set; deleting takes the tag off responses and deletes its rules;
///   `add_tag` tags only the workspace's responses that lack it and counts them. Each records
///   history. Rules: saved with `backfill_until` the workspace's latest response (`NotFound`
///   for another workspace's survey); `apply_rule` counts what it tagged and never moves
///   `through` back; a deleted rule is `NotFound`. Responses tagged without a workflow row
///   read and filter with their tags. `response_history` is `NotFound` through another
///   workspace; erasing a contact erases it, a changed answer carries it. Replies:
///   `create_reply` writes the reply (`sending`), its history entry by its actor and its
///   `send_reply` job (payload `{"reply":ID}`, 8 attempts, due at once); `reply` reads it
///   back; `record_reply_status` replaces its state; another workspace's or an unknown
///   response is `NotFound` and writes and queues nothing; erasure takes replies too.
/// - Themes: `replace_themes` keeps the ids of themes it continues and retires the others
///   (`NotFound` for a survey of another workspace or a `continues` that is not current), the
///   run is recorded, and `themes(None)` lists every survey's.
/// - Revenue rates: none at first, saved exactly, per workspace, forgotten with `None`,
///   `NotFound` for an unknown workspace; `contacts_by_ids` reads a workspace's contacts in id
///   order, skipping ids of other workspaces or of no contact.
pub async fn run_story(store: &dyn Store) {
    for (_, chapter) in CHAPTERS {
        chapter(store).await;
    }
}

/// One chapter of the story: it makes workspaces of its own, so chapters run in any order,
/// alone or together, on one database.
pub type Chapter = for<'a> fn(&'a dyn Store) -> Pin<Box<dyn Future<Output = ()> + 'a>>;

/// The chapters of [`run_story`], in order, by name: each backend runs each as a test of its
/// own, so that a broken promise in one hides nothing of the others.
pub const CHAPTERS: [(&str, Chapter); 7] = [
    ("imports_paging_erasure_isolation", boxed::imports),
    ("keys_surveys_ingest_contacts", boxed::server_side),
    ("collection_campaigns_jobs", boxed::collection),
    ("accounts_follow_up_notes", boxed::accounts_and_follow_up),
    (
        "tags_rules_history_themes",
        boxed::tags_rules_history_themes,
    ),
    ("revenue_rates_contacts_lead_models", boxed::teams),
    ("webhooks_alerts_outbox", boxed::webhooks),
];

/// The chapters as [`Chapter`]s.
mod boxed {
    use super::*;

    /// The future of one chapter.
    type Boxed<'a> = Pin<Box<dyn Future<Output = ()> + 'a>>;

    pub(super) fn imports(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::imports(store))
    }

    pub(super) fn server_side(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::server_side(store))
    }

    pub(super) fn collection(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::collection(store))
    }

    pub(super) fn accounts_and_follow_up(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::accounts_and_follow_up(store))
    }

    pub(super) fn tags_rules_history_themes(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::tags_rules_history_themes(store))
    }

    pub(super) fn teams(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::teams(store))
    }

    pub(super) fn webhooks(store: &dyn Store) -> Boxed<'_> {
        Box::pin(super::webhooks(store))
    }
}

/// Webhooks and alerts: the outbox the write paths fill in their transactions (nothing when
/// they roll back, nothing for eNPS answers), claiming, the delivery log, 410 disabling,
/// erasure and unsubscription.
pub async fn webhooks(store: &dyn Store) {
    webhooks::chapter(store, &unique_run_name()).await;
}

/// Surveys, imports, paging, erasure and workspace isolation.
pub async fn imports(store: &dyn Store) {
    let run = unique_run_name();
    let story = opening::Story::begin(store, &run).await;
    let surveys = story.surveys().await;
    let first = story.first_import(surveys).await;
    story.later_import_updates_contacts(&first).await;
    story.dropped_import_writes_nothing(&first).await;
    story.paging_and_filters(&first).await;
    story.erasing_a_contact(&first).await;
    story.workspaces_are_isolated(&first).await;
}

/// API keys, survey changes, ingest, reading responses back, contacts and saved replies.
pub async fn server_side(store: &dyn Store) {
    server::chapters(store, &unique_run_name()).await;
}

/// Survey links, contacts in bulk, throttling, invitations, sends, answers, reminders,
/// campaigns, widget keys and jobs.
pub async fn collection(store: &dyn Store) {
    collect::chapters(store, &unique_run_name()).await;
}

/// Users, memberships, sessions, invitations to join, password resets, follow-up and notes.
pub async fn accounts_and_follow_up(store: &dyn Store) {
    accounts::chapters(store, &unique_run_name()).await;
}

/// The managed tag set, tags in bulk, keyword rules, the history of responses and themes.
pub async fn tags_rules_history_themes(store: &dyn Store) {
    tags::chapter(store, &unique_run_name()).await;
}

/// The revenue rates a workspace saves and contacts read by id in bulk.
pub async fn teams(store: &dyn Store) {
    teams::chapter(store, &unique_run_name()).await;
}

/// A name no other run of the story uses, on this database or any other.
pub fn unique_run_name() -> String {
    static RUNS: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_nanos());
    let count = RUNS.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:x}-{:x}-{count}", std::process::id())
}
