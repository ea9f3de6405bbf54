//! Rows of the dashboard: users, their memberships of workspaces, sign-in sessions, invitations
//! to join, password resets, and the follow-up work on responses (status, assignee, tags, notes).

use jiff::Timestamp;

use crate::types::{ResponseId, WorkspaceId};

/// Identifies a user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct UserId(pub i64);

/// What a member may do in a workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Reads everything the workspace shows (eNPS only with the hr permission).
    Viewer,
    /// Also works the inbox, edits surveys and sends campaigns.
    Member,
    /// Also manages members, API keys and workspace settings.
    Admin,
}

impl Role {
    /// `viewer`, `member` or `admin`.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }

    /// Parses the names [`Role::as_str`] gives.
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "viewer" => Some(Role::Viewer),
            "member" => Some(Role::Member),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// A person who signs in to the dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Their email, unique across the server (stored trimmed, ASCII lower-cased).
    pub email: String,
    /// Their name as shown to colleagues.
    pub name: String,
    /// When the account was made.
    pub created_at: Timestamp,
}

/// A user to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Their email.
    pub email: String,
    /// Their name.
    pub name: String,
    /// The argon2 PHC string of their password.
    pub password_hash: String,
}

/// A user's place in a workspace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Membership {
    /// The workspace.
    pub workspace: WorkspaceId,
    /// The workspace's slug, for switchers and URLs.
    pub workspace_slug: String,
    /// The member.
    pub user: UserId,
    /// What they may do.
    pub role: Role,
    /// Whether they may see eNPS surveys (the HR permission).
    pub hr: bool,
    /// Since when.
    pub created_at: Timestamp,
}

/// A signed-in browser. The cookie holds a random secret; only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the cookie's secret.
    pub id_hash: String,
    /// Who signed in.
    pub user: UserId,
    /// The workspace they are looking at.
    pub workspace: WorkspaceId,
    /// The token every form of this session must carry (CSRF).
    pub csrf_token: String,
    /// When they signed in.
    pub created_at: Timestamp,
    /// When the session ends.
    pub expires_at: Timestamp,
}

/// An invitation to join a workspace, by link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInvite {
    /// Hex SHA-256 of the link's secret.
    pub token_hash: String,
    /// The workspace joined.
    pub workspace: WorkspaceId,
    /// The role given.
    pub role: Role,
    /// Whether the HR permission is given.
    pub hr: bool,
    /// The email it was sent to, if any (then only that address may accept it).
    pub email: Option<String>,
    /// Who invited.
    pub invited_by: UserId,
    /// When it was made.
    pub created_at: Timestamp,
    /// When the link stops working.
    pub expires_at: Timestamp,
    /// When it was accepted (a link works once).
    pub accepted_at: Option<Timestamp>,
}

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
    /// Tags set by people, sorted, unique.
    pub tags: Vec<String>,
    /// When any of it last changed (`None` when never).
    pub updated_at: Option<Timestamp>,
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

/// Which responses to list by their follow-up. See [`crate::Store::workflow_response_ids`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkflowFilter {
    /// Only responses in this status (`Open` is not stored: ask for the others and subtract).
    pub status: Option<ResponseStatus>,
    /// Only responses assigned to this user.
    pub assignee: Option<UserId>,
    /// Only responses with this tag.
    pub tag: Option<String>,
}
