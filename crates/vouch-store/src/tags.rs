//! Tags as a managed set, keyword rules that tag responses, and each response's history of
//! changes: rows and the store area.
//!
//! A tag exists once per workspace whatever its case (`vouch_core::tag::tag_key`); a response
//! carries each tag once, whether a person or a rule set it. Every change to a response's tags,
//! status or assignee is written to its history in the transaction that makes it.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{ResponseId, StoreResult, SurveyId, UserId, WorkspaceId};

/// Attempts of the job that matches a new rule against the past.
pub const APPLY_RULE_ATTEMPTS: u32 = 5;

/// Identifies a keyword rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleId(pub i64);

/// A tag of the workspace with how much uses it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagSummary {
    /// The name, as first spelt (or as renamed).
    pub name: String,
    /// How many responses carry it.
    pub responses: u64,
    /// How many keyword rules set it.
    pub rules: u64,
}

/// Who made a change to a response, as its history names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Actor {
    /// A member, from the dashboard.
    Member(UserId),
    /// A keyword rule.
    Rule(RuleId),
    /// A program holding an API key (the key's id).
    ApiKey(i64),
    /// The operator, from the command line.
    Operator,
}

/// A keyword rule: responses whose comment holds any of its terms get its tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRule {
    /// Its id.
    pub id: RuleId,
    /// The tag it sets.
    pub tag: String,
    /// Its terms as given (`refund*, "money back"`), read with `vouch_core::text::Term::parse_list`.
    pub terms: String,
    /// Only this survey's responses, or every survey's.
    pub survey: Option<SurveyId>,
    /// When it was saved.
    pub created_at: Timestamp,
    /// Every response up to this id has been matched against the rule.
    pub through: ResponseId,
    /// The latest response when the rule was saved: once `through` reaches it, the past is
    /// done and new responses are matched as they arrive.
    pub backfill_until: ResponseId,
    /// How many responses it has tagged.
    pub tagged: u64,
}

impl TagRule {
    /// True once every response stored before the rule was saved has been matched.
    pub fn caught_up(&self) -> bool {
        self.through >= self.backfill_until
    }

    /// How far the rule got through the responses stored before it, 0 to 1 (by response id,
    /// which grows with time); 1 once caught up.
    pub fn progress(&self) -> f64 {
        match self.caught_up() || self.backfill_until.0 <= 0 {
            true => 1.0,
            false => (self.through.0.max(0) as f64 / self.backfill_until.0 as f64).min(1.0),
        }
    }
}

/// A rule to save; the tag is created if the workspace has none of that name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTagRule {
    /// The tag (a checked name: `vouch_core::tag::check_tag_name`).
    pub tag: String,
    /// The terms, already checked with `vouch_core::text::Term::parse_list`.
    pub terms: String,
    /// Only this survey's responses.
    pub survey: Option<SurveyId>,
}

/// What one entry of a response's history records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HistoryChange {
    /// A tag was put on the response.
    TagAdded(String),
    /// A tag was taken off.
    TagRemoved(String),
    /// A tag on it was renamed (or merged into another).
    TagRenamed {
        /// The old name.
        from: String,
        /// The new one.
        to: String,
    },
    /// Its status changed (to `open`, `in_progress` or `closed`).
    Status(String),
    /// It was assigned (to this user) or unassigned.
    Assignee(Option<UserId>),
    /// Its author was replied to by email (written by `ReplyStore::create_reply` only).
    Reply(Box<crate::Reply>),
}

/// One change to a response, with when and who.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryEntry {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor: Actor,
    /// The member's name, when a member made it.
    pub actor_name: Option<String>,
    /// What changed.
    pub change: HistoryChange,
}

/// The managed set of tags, keyword rules and the history of responses.
#[async_trait]
pub trait TagStore: Send + Sync {
    /// Every tag of the workspace (created, or used on a response), by name.
    async fn tags(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagSummary>>;

    /// Adds a tag to the set; `Conflict` if one of that name (in any case) exists.
    async fn create_tag(&self, workspace: WorkspaceId, name: &str) -> StoreResult<()>;

    /// Renames a tag on every response and rule (a change of case alone is a rename);
    /// `NotFound` without it, `Conflict` if another tag has the new name (merge instead).
    /// Returns how many responses carried it.
    async fn rename_tag(
        &self,
        workspace: WorkspaceId,
        from: &str,
        to: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64>;

    /// Merges tags into `into` (created if missing): every response with one of them carries
    /// `into` instead, rules setting them set `into`, and they leave the set. `NotFound` for a
    /// tag in `from` that does not exist. Returns how many responses changed.
    async fn merge_tags(
        &self,
        workspace: WorkspaceId,
        from: &[String],
        into: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64>;

    /// Deletes a tag: off every response, its rules deleted; `NotFound` without it. Returns
    /// how many responses carried it.
    async fn delete_tag(
        &self,
        workspace: WorkspaceId,
        name: &str,
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64>;

    /// Puts a tag (created if missing) on these responses of the workspace; ones that carry
    /// it already, or are not the workspace's, are left alone. Returns how many gained it.
    async fn add_tag(
        &self,
        workspace: WorkspaceId,
        tag: &str,
        responses: &[ResponseId],
        actor: Actor,
        at: Timestamp,
    ) -> StoreResult<u64>;

    /// Saves a rule (creating its tag if needed), to be matched from the first response on,
    /// and queues its `apply_rule` job (with [`APPLY_RULE_ATTEMPTS`]) in the same transaction;
    /// `NotFound` for a survey of another workspace.
    async fn create_rule(
        &self,
        workspace: WorkspaceId,
        rule: &NewTagRule,
        at: Timestamp,
    ) -> StoreResult<TagRule>;

    /// The workspace's rules, oldest first.
    async fn rules(&self, workspace: WorkspaceId) -> StoreResult<Vec<TagRule>>;

    /// Deletes a rule; the tags it set stay. `NotFound` without it.
    async fn delete_rule(&self, workspace: WorkspaceId, rule: RuleId) -> StoreResult<()>;

    /// Tags `responses` by `rule` (as [`TagStore::add_tag`] with the rule as actor) and records
    /// that every response up to `through` has been matched, in one transaction; `through`
    /// never moves back. A deleted rule is `NotFound` and tags nothing. Returns how many
    /// responses gained the tag.
    async fn apply_rule(
        &self,
        workspace: WorkspaceId,
        rule: RuleId,
        responses: &[ResponseId],
        through: ResponseId,
        at: Timestamp,
    ) -> StoreResult<u64>;

    /// The changes made to a response, oldest first; `NotFound` if the workspace has no such
    /// response.
    async fn response_history(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
    ) -> StoreResult<Vec<HistoryEntry>>;
}
