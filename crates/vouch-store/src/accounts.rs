//! Rows of the dashboard: users, their memberships of workspaces, sign-in sessions, invitations
//! to join and password resets, and the store area that keeps them with API keys.

use jiff::Timestamp;

use async_trait::async_trait;

use crate::types::WorkspaceId;
use crate::{ApiKey, NewApiKey, StoreResult};

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

/// What a member chose for themselves in one workspace's dashboard, kept between sessions.
/// Unknown or missing fields read as their default, so that older choices stay readable.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct MemberPreferences {
    /// The attributes the inbox shows on each row, in order; `None`: the default choice.
    pub inbox_columns: Option<Vec<String>>,
    /// Whether the member receives the weekly digest e-mail (off unless they opt in).
    pub weekly_digest: bool,
}

impl MemberPreferences {
    /// Reads the stored JSON object; anything unreadable reads as the defaults.
    pub fn from_json(text: &str) -> MemberPreferences {
        serde_json::from_str(text).unwrap_or_default()
    }

    /// The JSON object stored.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
    }
}

/// The dashboard's accounts: API keys, users, memberships, sessions, invitations to join and
/// password resets.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Stores a new API key; [`StoreError::Conflict`](crate::StoreError::Conflict) if a key that is
    /// not revoked has the name.
    async fn create_api_key(&self, workspace: WorkspaceId, key: NewApiKey) -> StoreResult<ApiKey>;

    /// Every API key of the workspace, revoked ones included, oldest first.
    async fn api_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>>;

    /// The key whose secret has this hash (revoked or not: the caller decides).
    async fn api_key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>>;

    /// Revokes the workspace's key of this name that is not yet revoked; `NotFound` otherwise.
    async fn revoke_api_key(&self, workspace: WorkspaceId, name: &str) -> StoreResult<ApiKey>;

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

    /// What a member chose for themselves in the workspace (the defaults when nothing was
    /// saved); `NotFound` if they are not a member.
    async fn member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<MemberPreferences>;

    /// Replaces a member's choices in the workspace; `NotFound` if they are not a member.
    async fn set_member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        preferences: &MemberPreferences,
    ) -> StoreResult<()>;

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
}
