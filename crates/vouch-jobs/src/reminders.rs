//! Job `campaign_reminders` `{"campaign": ID}`: queue one reminder for each invitation of the
//! campaign that was emailed at least `reminder_after_days` ago and is still unanswered (see
//! [`vouch_store::Store::queue_reminders`]; each becomes a `send_email` job).
//!
//! Emails that were late (retried after a failure) become due for their reminder later, so the
//! job queues itself again for the next day while some could still need one: while invitations
//! are still pending, or the last run's emails are not yet all old enough. It never goes on
//! past the day the last run's invitations expire, so the chain always ends; the next run of a
//! repeating campaign starts a new one.

use jiff::{SignedDuration, Timestamp};
use vouch_store::{CampaignId, DEFAULT_INVITATION_DAYS, WorkspaceId};

use crate::JobResult;
use crate::campaign::schedule_reminders;
use crate::plan::days;
use crate::worker::JobContext;

/// Runs a `campaign_reminders` job of the workspace.
pub async fn run(
    context: &JobContext,
    workspace: WorkspaceId,
    campaign: CampaignId,
) -> JobResult<()> {
    let store = context.store.as_ref();
    let Some(campaign) = store.campaign(workspace, campaign).await? else {
        return Ok(());
    };
    let Some(after_days) = campaign.rules.reminder_after_days else {
        return Ok(());
    };
    let now = Timestamp::now();
    let queued = store
        .queue_reminders(workspace, campaign.id, now - days(after_days), now)
        .await?;
    let numbers = store.campaign_numbers(workspace, campaign.id).await?;
    let last_run = campaign.last_run_at.unwrap_or(campaign.created_at);
    let tomorrow = now + SignedDuration::from_hours(24);
    let still_needed = numbers.pending > 0 || tomorrow < last_run + days(after_days + 2);
    let before_expiry = tomorrow < last_run + days(DEFAULT_INVITATION_DAYS);
    tracing::info!(
        campaign = campaign.id.0,
        queued,
        again = still_needed && before_expiry,
        "reminders queued"
    );
    if still_needed && before_expiry {
        schedule_reminders(store, workspace, campaign.id, tomorrow).await?;
    }
    Ok(())
}
