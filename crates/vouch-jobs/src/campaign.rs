//! Job `run_campaign` `{"campaign": ID}`: one run of a campaign — invite the eligible contacts
//! it keeps (see [`crate::plan`]), then record the run and schedule the next one.
//!
//! Eligible means: matching the campaign's filters, with an email that is not suppressed, not
//! asked anything within the throttle window, and not invited by this campaign since its cycle
//! began — so a run that is retried or runs twice invites nobody twice. Invitations are created
//! a page at a time with [`vouch_store::Store::invite`], which queues each one's `send_email`
//! job in the same transaction.

use jiff::Timestamp;
use vouch_store::{
    Campaign, CampaignId, CampaignJob, CampaignRules, Channel, DEFAULT_INVITATION_DAYS,
    Eligibility, JobPayload, JobQuery, JobStatus, NewInvitation, NewJob, Store, WorkspaceId,
};

use crate::JobResult;
use crate::plan::{self, RunPlan, days};
use crate::worker::JobContext;

/// Contacts read (and invited) per transaction.
pub const PAGE: usize = 1_000;

/// Attempts of a `campaign_reminders` job.
const REMINDER_JOB_ATTEMPTS: u32 = 5;

/// Runs a `run_campaign` job of the workspace.
pub async fn run(
    context: &JobContext,
    workspace: WorkspaceId,
    campaign: CampaignId,
) -> JobResult<()> {
    let store = context.store.as_ref();
    let Some(campaign) = store.campaign(workspace, campaign).await? else {
        return Ok(());
    };
    let now = Timestamp::now();
    let survey = store.survey(workspace, campaign.survey).await?;
    if survey.is_none_or(|survey| survey.archived) {
        // Nothing more to send: the survey is gone or takes no answers.
        store
            .finish_campaign_run(workspace, campaign.id, now, None)
            .await?;
        return Ok(());
    }
    let plan = plan::run_plan(&campaign.rules, campaign.created_at, now);
    let invited = invite(store, workspace, &campaign, &plan, now).await?;
    let next = plan::next_run(&campaign.rules, &plan, now);
    store
        .finish_campaign_run(workspace, campaign.id, now, next)
        .await?;
    tracing::info!(
        campaign = campaign.id.0,
        invited,
        next_run = next.map(|at| at.to_string()),
        "campaign run finished"
    );
    if let Some(after_days) = campaign.rules.reminder_after_days
        && invited > 0
    {
        // A little after the emails of this run were sent `after_days` ago.
        let at = now + days(after_days) + jiff::SignedDuration::from_mins(10);
        schedule_reminders(store, workspace, campaign.id, at).await?;
    }
    Ok(())
}

/// Invites, page by page, the eligible contacts the run keeps; returns how many.
pub async fn invite(
    store: &dyn Store,
    workspace: WorkspaceId,
    campaign: &Campaign,
    plan: &RunPlan,
    now: Timestamp,
) -> JobResult<u64> {
    let expires_at = now + days(DEFAULT_INVITATION_DAYS);
    let mut query = eligibility(&campaign.rules, Some(campaign.id), plan, now);
    let mut invited = 0u64;
    loop {
        let page = store.eligible_contacts(workspace, &query).await?;
        let Some(last) = page.last() else { break };
        query.after = Some(last.id);
        let ids: Vec<_> = page.iter().map(|contact| contact.id).collect();
        let invitations: Vec<NewInvitation> =
            plan::plan_page(campaign.id, &campaign.rules, plan, &ids)
                .into_iter()
                .map(|contact| NewInvitation {
                    survey: campaign.survey,
                    contact,
                    campaign: Some(campaign.id),
                    channel: Channel::Email,
                    expires_at,
                })
                .collect();
        if !invitations.is_empty() {
            invited += store.invite(workspace, &invitations).await?.len() as u64;
        }
        if page.len() < PAGE {
            break;
        }
    }
    Ok(invited)
}

/// What a run would do, without writing anything: how many contacts are eligible now and how
/// many of them it would ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Preview {
    /// Contacts eligible (filters, email, suppression, throttle).
    pub eligible: u64,
    /// Of those, the ones the sample (and, when spreading, today's slot) keeps.
    pub asked: u64,
}

/// Counts what a campaign with these rules would do if it were created and run at `now`.
/// Sampling depends on the campaign's id, which does not exist yet: `asked` is what a
/// campaign with the next id would most likely pick, the same share as the real one.
pub async fn preview(
    store: &dyn Store,
    workspace: WorkspaceId,
    rules: &CampaignRules,
    now: Timestamp,
) -> JobResult<Preview> {
    let plan = plan::run_plan(rules, now, now);
    let mut query = eligibility(rules, None, &plan, now);
    let mut preview = Preview::default();
    loop {
        let page = store.eligible_contacts(workspace, &query).await?;
        let Some(last) = page.last() else { break };
        query.after = Some(last.id);
        let ids: Vec<_> = page.iter().map(|contact| contact.id).collect();
        preview.eligible += ids.len() as u64;
        preview.asked += plan::plan_page(CampaignId(0), rules, &plan, &ids).len() as u64;
        if page.len() < PAGE {
            break;
        }
    }
    Ok(preview)
}

fn eligibility(
    rules: &CampaignRules,
    campaign: Option<CampaignId>,
    plan: &RunPlan,
    now: Timestamp,
) -> Eligibility {
    Eligibility {
        filters: rules.filters.clone(),
        not_surveyed_since: now - days(rules.throttle_days),
        campaign: campaign.map(|id| (id, plan.cycle_start)),
        need_email: true,
        after: None,
        limit: PAGE,
    }
}

/// Queues the campaign's `campaign_reminders` job at `at`, unless one is already queued.
pub async fn schedule_reminders(
    store: &dyn Store,
    workspace: WorkspaceId,
    campaign: CampaignId,
    at: Timestamp,
) -> JobResult<()> {
    let reminders = JobPayload::CampaignReminders(CampaignJob {
        campaign: campaign.0,
    });
    let queued = store
        .jobs(&JobQuery {
            workspace: Some(workspace),
            status: Some(JobStatus::Queued),
            kind: Some(reminders.kind().to_owned()),
            limit: 10_000,
        })
        .await?;
    let already = queued
        .iter()
        .any(|job| job.parse_payload().is_ok_and(|queued| queued == reminders));
    if !already {
        let job = NewJob {
            payload: reminders,
            run_at: at,
            max_attempts: REMINDER_JOB_ATTEMPTS,
        };
        store.enqueue_job(workspace, job).await?;
    }
    Ok(())
}
