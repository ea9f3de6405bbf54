//! Answer collection: the link secret, invitations and answers, suppressions, campaigns and widget keys.

pub(crate) mod answer;
pub(crate) mod campaign;
pub(crate) mod invitation;
pub(crate) mod secret;
pub(crate) mod suppression;
pub(crate) mod widget_key;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    Answer, Campaign, CampaignId, CampaignNumbers, CollectStore, Invitation, InvitationId,
    NewCampaign, NewInvitation, NewWidgetKey, SendOutcome, StoreResult, StoredResponse,
    SuppressionReason, WidgetKey, WorkspaceId,
};

use crate::SqliteStore;

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
