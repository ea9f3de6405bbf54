//! The dashboard's accounts: API keys, users and memberships, sessions, invitations to join and password resets.

pub(crate) mod api_keys;
pub(crate) mod preferences;
pub(crate) mod users;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    AccountStore, ApiKey, MemberInvite, MemberPreferences, Membership, NewApiKey, NewUser, Role,
    SessionRecord, StoreResult, User, UserId, WorkspaceId,
};

use crate::PostgresStore;

#[async_trait]
impl AccountStore for PostgresStore {
    async fn create_api_key(&self, workspace: WorkspaceId, key: NewApiKey) -> StoreResult<ApiKey> {
        api_keys::create_api_key(&*self.client().await?, workspace, &key).await
    }

    async fn api_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<ApiKey>> {
        api_keys::api_keys(&*self.client().await?, workspace).await
    }

    async fn api_key_by_hash(&self, secret_hash: &str) -> StoreResult<Option<ApiKey>> {
        api_keys::api_key_by_hash(&*self.client().await?, secret_hash).await
    }

    async fn revoke_api_key(&self, workspace: WorkspaceId, name: &str) -> StoreResult<ApiKey> {
        api_keys::revoke_api_key(&*self.client().await?, workspace, name).await
    }

    async fn create_user(&self, user: NewUser) -> StoreResult<User> {
        users::create_user(&*self.client().await?, &user).await
    }

    async fn user_by_email(&self, email: &str) -> StoreResult<Option<(User, String)>> {
        users::user_by_email(&*self.client().await?, email).await
    }

    async fn user(&self, id: UserId) -> StoreResult<Option<User>> {
        users::user(&*self.client().await?, id).await
    }

    async fn set_password(&self, id: UserId, password_hash: &str) -> StoreResult<()> {
        users::set_password(&*self.client().await?, id, password_hash).await
    }

    async fn memberships(&self, user: UserId) -> StoreResult<Vec<Membership>> {
        users::memberships(&*self.client().await?, user).await
    }

    async fn members(&self, workspace: WorkspaceId) -> StoreResult<Vec<(User, Membership)>> {
        users::members(&*self.client().await?, workspace).await
    }

    async fn set_membership(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        role: Role,
        hr: bool,
    ) -> StoreResult<Membership> {
        users::set_membership(&*self.client().await?, workspace, user, role, hr).await
    }

    async fn remove_membership(&self, workspace: WorkspaceId, user: UserId) -> StoreResult<()> {
        users::remove_membership(&*self.client().await?, workspace, user).await
    }

    async fn member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
    ) -> StoreResult<MemberPreferences> {
        preferences::read(&*self.client().await?, workspace, user).await
    }

    async fn set_member_preferences(
        &self,
        workspace: WorkspaceId,
        user: UserId,
        chosen: &MemberPreferences,
    ) -> StoreResult<()> {
        preferences::write(&*self.client().await?, workspace, user, chosen).await
    }

    async fn create_session(&self, session: &SessionRecord) -> StoreResult<()> {
        users::create_session(&*self.client().await?, session).await
    }

    async fn session(&self, id_hash: &str, now: Timestamp) -> StoreResult<Option<SessionRecord>> {
        users::session(&*self.client().await?, id_hash, now).await
    }

    async fn switch_session(&self, id_hash: &str, workspace: WorkspaceId) -> StoreResult<()> {
        users::switch_session(&*self.client().await?, id_hash, workspace).await
    }

    async fn delete_session(&self, id_hash: &str) -> StoreResult<()> {
        users::delete_session(&*self.client().await?, id_hash).await
    }

    async fn create_member_invite(&self, invite: &MemberInvite) -> StoreResult<()> {
        users::create_member_invite(&*self.client().await?, invite).await
    }

    async fn member_invite(&self, token_hash: &str) -> StoreResult<Option<MemberInvite>> {
        users::member_invite(&*self.client().await?, token_hash).await
    }

    async fn accept_member_invite(
        &self,
        token_hash: &str,
        user: UserId,
        at: Timestamp,
    ) -> StoreResult<Membership> {
        users::accept_member_invite(&*self.client().await?, token_hash, user, at).await
    }

    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: Timestamp,
    ) -> StoreResult<()> {
        let client = self.client().await?;
        users::create_password_reset(&client, user, token_hash, expires_at).await
    }

    async fn take_password_reset(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> StoreResult<Option<UserId>> {
        users::take_password_reset(&*self.client().await?, token_hash, now).await
    }
}
