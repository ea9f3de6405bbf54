//! The team's follow-up of responses (status, assignee, tags, notes): rows and the store area.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{Actor, HistoryChange, ResponseId, StoreResult, UserId, WorkspaceId};

/// Where a response is in the team's follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResponseStatus {
    /// Nobody has dealt with it (every response starts here).
    Open,
    /// Someone is on it.
    InProgress,
    /// Dealt with.
    Closed,
}

impl ResponseStatus {
    /// `open`, `in_progress` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResponseStatus::Open => "open",
            ResponseStatus::InProgress => "in_progress",
            ResponseStatus::Closed => "closed",
        }
    }

    /// Parses the names [`ResponseStatus::as_str`] gives.
    pub fn parse(text: &str) -> Option<ResponseStatus> {
        match text {
            "open" => Some(ResponseStatus::Open),
            "in_progress" => Some(ResponseStatus::InProgress),
            "closed" => Some(ResponseStatus::Closed),
            _ => None,
        }
    }
}

/// The follow-up state of one response. Responses nobody touched are `Open`, unassigned and
/// untagged, and have no stored row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseWorkflow {
    /// The response.
    pub response: ResponseId,
    /// Its status.
    pub status: ResponseStatus,
    /// Who is on it.
    pub assignee: Option<UserId>,
    /// Its tags, set by people or rules: sorted, unique.
    pub tags: Vec<String>,
    /// When any of it last changed (`None` when never).
    pub updated_at: Option<Timestamp>,
}

impl ResponseWorkflow {
    /// What changed from this follow-up to `after`, as history entries: status, assignee,
    /// tags added, tags removed. The one rule both backends record a change by.
    pub fn changes_to(&self, after: &ResponseWorkflow) -> Vec<HistoryChange> {
        let mut changes = Vec::new();
        if self.status != after.status {
            changes.push(HistoryChange::Status(after.status.as_str().to_owned()));
        }
        if self.assignee != after.assignee {
            changes.push(HistoryChange::Assignee(after.assignee));
        }
        let added = after.tags.iter().filter(|tag| !self.tags.contains(tag));
        changes.extend(added.map(|tag| HistoryChange::TagAdded(tag.clone())));
        let removed = self.tags.iter().filter(|tag| !after.tags.contains(tag));
        changes.extend(removed.map(|tag| HistoryChange::TagRemoved(tag.clone())));
        changes
    }
}

/// A change to a response's follow-up; `None` leaves a part as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkflowChange {
    /// A new status.
    pub status: Option<ResponseStatus>,
    /// A new assignee (`Some(None)` unassigns).
    pub assignee: Option<Option<UserId>>,
    /// The new set of tags (replacing the old one).
    pub tags: Option<Vec<String>>,
}

/// An internal note on a response, seen by the team only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseNote {
    /// Its id.
    pub id: i64,
    /// The response.
    pub response: ResponseId,
    /// Who wrote it.
    pub author: UserId,
    /// The author's name.
    pub author_name: String,
    /// The text.
    pub body: String,
    /// When it was written.
    pub created_at: Timestamp,
}

/// Which responses to list by their follow-up. See [`FollowUpStore::workflow_response_ids`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkflowFilter {
    /// Only responses in this status (`Open` is not stored: ask for the others and subtract).
    pub status: Option<ResponseStatus>,
    /// Only responses assigned to this user.
    pub assignee: Option<UserId>,
    /// Only responses with this tag.
    pub tag: Option<String>,
}

/// The team's follow-up of responses: status, assignee, tags and notes.
#[async_trait]
pub trait FollowUpStore: Send + Sync {
    /// The follow-up of each of these responses of the workspace, in the order given (untouched
    /// ones as open, unassigned, untagged).
    async fn workflows(
        &self,
        workspace: WorkspaceId,
        responses: &[ResponseId],
    ) -> StoreResult<Vec<ResponseWorkflow>>;

    /// Changes a response's follow-up, recording what changed in its history as `actor`'s;
    /// `NotFound` if the workspace has no such response. A tag is kept in the spelling the
    /// workspace already has for it (tags differing in case are one tag), new ones join the set.
    async fn change_workflow(
        &self,
        workspace: WorkspaceId,
        response: ResponseId,
        change: &WorkflowChange,
        actor: Actor,
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
