//! The dashboard's accounts: API keys, users and memberships, sessions, invitations to join and password resets.

pub(crate) mod api_key;
pub(crate) mod member_invite;
pub(crate) mod password_reset;
pub(crate) mod preferences;
pub(crate) mod session;
pub(crate) mod user;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    AccountStore, ApiKey, MemberInvite, MemberPreferences, Membership, NewApiKey, NewUser, Role,
    SessionRecord, StoreResult, User, UserId, WorkspaceId,
};

use crate::SqliteStore;

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

    async fn member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<MemberPreferences> {
        self.run(move |connection| preferences::read(connection, workspace, user))
            .await
    }

    async fn set_member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        chosen: &MemberPreferences,
    ) -> StoreResult<()> {
        let chosen = chosen.clone();
        self.run(move |connection| preferences::write(connection, workspace, user, &chosen))
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
