//! Answer collection: the link secret, invitations and answers, suppressions, campaigns and widget keys.

pub(crate) mod audience;
pub(crate) mod campaigns;
pub(crate) mod invitations;

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    Answer, Campaign, CampaignId, CampaignNumbers, CollectStore, Invitation, InvitationId,
    NewCampaign, NewInvitation, NewWidgetKey, SendOutcome, StoreResult, StoredResponse,
    SuppressionReason, WidgetKey, WorkspaceId,
};

use crate::PostgresStore;

#[async_trait]
impl CollectStore for PostgresStore {
    async fn link_secret(&self) -> StoreResult<Vec<u8>> {
        audience::link_secret(&*self.client().await?).await
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
        audience::suppress_email(&*self.client().await?, workspace, email, reason, at).await
    }

    async fn suppression(
        &self,
        workspace: WorkspaceId,
        email: &str,
    ) -> StoreResult<Option<SuppressionReason>> {
        audience::suppression(&*self.client().await?, workspace, email).await
    }

    async fn create_campaign(
        &self,
        workspace: WorkspaceId,
        campaign: NewCampaign,
    ) -> StoreResult<Campaign> {
        campaigns::create_campaign(self.client().await?, workspace, &campaign).await
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
        campaigns::finish_campaign_run(client, workspace, id, ran_at, next_run_at).await
    }

    async fn queue_reminders(
        &self,
        workspace: WorkspaceId,
        id: CampaignId,
        sent_before: Timestamp,
        now: Timestamp,
    ) -> StoreResult<u64> {
        let client = self.client().await?;
        campaigns::queue_reminders(client, workspace, id, sent_before, now).await
    }

    async fn create_widget_key(
        &self,
        workspace: WorkspaceId,
        key: NewWidgetKey,
    ) -> StoreResult<WidgetKey> {
        audience::create_widget_key(&*self.client().await?, workspace, &key).await
    }

    async fn widget_key(&self, key: &str) -> StoreResult<Option<WidgetKey>> {
        audience::widget_key(&*self.client().await?, key).await
    }

    async fn widget_keys(&self, workspace: WorkspaceId) -> StoreResult<Vec<WidgetKey>> {
        audience::widget_keys(&*self.client().await?, workspace).await
    }

    async fn revoke_widget_key(&self, workspace: WorkspaceId, key: &str) -> StoreResult<()> {
        audience::revoke_widget_key(&*self.client().await?, workspace, key).await
    }
}
