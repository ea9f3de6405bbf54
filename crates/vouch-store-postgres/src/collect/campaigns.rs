//! Campaigns: their rows, their numbers, their runs and their reminders.
//!
//! Whatever queues a job does it in the transaction that makes the change the job is for, so a
//! campaign is never left without its next run, nor an invitation reminded without its email.

use deadpool_postgres::{ClientWrapper, Object, Transaction};
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_store::{
    Campaign, CampaignId, CampaignJob, CampaignNumbers, CampaignRules, JobPayload, NewCampaign,
    SendEmailJob, StoreError, StoreResult, SurveyId, WorkspaceId,
};

use crate::collect::audience::days_column;
use crate::error::{PgContext, other};
use crate::jobs::{RUN_CAMPAIGN_ATTEMPTS, SEND_EMAIL_ATTEMPTS, queue_jobs};
use crate::now_millis;
use crate::row::timestamp;

/// The columns [`campaign_of_row`] reads, from `campaigns k`.
const CAMPAIGN_COLUMNS: &str = "k.id, k.workspace_id, k.survey_id, k.name, k.filters, k.sample, \
     k.throttle_days, k.reminder_after_days, k.repeat_every_days, k.spread_over_weekdays, \
     k.created_at, k.next_run_at, k.last_run_at";

/// How many columns [`CAMPAIGN_COLUMNS`] names: where the numbers start.
const CAMPAIGN_COLUMN_COUNT: usize = 13;

/// A campaign's numbers over its invitations `i`, in the order [`numbers_of_row`] reads them.
const NUMBERS: &str = "
    SELECT count(*) AS invited,
           count(i.sent_at) AS sent,
           count(i.bounced_at) AS bounced,
           count(*) FILTER (WHERE i.sent_at IS NULL AND i.bounced_at IS NULL
                              AND i.suppressed_at IS NULL) AS pending,
           count(*) FILTER (WHERE i.sent_at IS NULL AND i.bounced_at IS NULL
                              AND i.suppressed_at IS NULL AND i.last_error IS NOT NULL) AS failing,
           count(i.suppressed_at) AS suppressed,
           count(i.opened_at) AS opened,
           count(i.response_id) AS answered,
           count(i.reminded_at) AS reminded
    FROM invitations i WHERE i.campaign_id = k.id";

/// Campaigns with their numbers: `$1` workspace, then `condition` on `campaigns k`.
fn campaigns_with_numbers(condition: &str) -> String {
    format!(
        "SELECT {CAMPAIGN_COLUMNS}, n.*
         FROM campaigns k CROSS JOIN LATERAL ({NUMBERS}) n
         WHERE k.workspace_id = $1 {condition}
         ORDER BY k.id DESC"
    )
}

/// The campaign in the [`CAMPAIGN_COLUMNS`] of `row`.
fn campaign_of_row(row: &Row) -> StoreResult<Campaign> {
    let context = "failed to read a campaign";
    let filters: &str = row.try_get(4).pg_context(context)?;
    let days = |index: usize| -> StoreResult<Option<u32>> {
        let days: Option<i32> = row.try_get(index).pg_context(context)?;
        Ok(days.map(i32::unsigned_abs))
    };
    let throttle_days: i32 = row.try_get(6).pg_context(context)?;
    let next_run_at: Option<i64> = row.try_get(11).pg_context(context)?;
    let last_run_at: Option<i64> = row.try_get(12).pg_context(context)?;
    Ok(Campaign {
        id: CampaignId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        survey: SurveyId(row.try_get(2).pg_context(context)?),
        name: row.try_get(3).pg_context(context)?,
        rules: CampaignRules {
            filters: serde_json::from_str(filters)
                .map_err(|error| other(format!("a campaign's filters are unreadable: {error}")))?,
            sample: row.try_get(5).pg_context(context)?,
            throttle_days: throttle_days.unsigned_abs(),
            reminder_after_days: days(7)?,
            repeat_every_days: days(8)?,
            spread_over_weekdays: row.try_get(9).pg_context(context)?,
        },
        created_at: timestamp(row.try_get(10).pg_context(context)?)?,
        next_run_at: next_run_at.map(timestamp).transpose()?,
        last_run_at: last_run_at.map(timestamp).transpose()?,
    })
}

/// The numbers that follow the campaign's columns in `row`.
fn numbers_of_row(row: &Row) -> StoreResult<CampaignNumbers> {
    let count = |offset: usize| -> StoreResult<u64> {
        let count: i64 = row
            .try_get(CAMPAIGN_COLUMN_COUNT + offset)
            .pg_context("failed to count a campaign's invitations")?;
        Ok(count.unsigned_abs())
    };
    Ok(CampaignNumbers {
        invited: count(0)?,
        sent: count(1)?,
        bounced: count(2)?,
        pending: count(3)?,
        failing: count(4)?,
        suppressed: count(5)?,
        opened: count(6)?,
        answered: count(7)?,
        reminded: count(8)?,
    })
}

/// Queues the campaign's `run_campaign` job, due at `run_at`, inside the caller's transaction.
async fn queue_run(
    transaction: &Transaction<'_>,
    workspace: WorkspaceId,
    campaign: CampaignId,
    run_at: i64,
    now: i64,
) -> StoreResult<()> {
    let run = JobPayload::RunCampaign(CampaignJob {
        campaign: campaign.0,
    });
    queue_jobs(
        transaction,
        workspace.0,
        &[run],
        RUN_CAMPAIGN_ATTEMPTS,
        run_at,
        now,
    )
    .await
}

/// Creates a campaign of a survey of the workspace and queues its first run, in one
/// transaction.
pub(crate) async fn create_campaign(
    mut client: Object,
    workspace: WorkspaceId,
    campaign: &NewCampaign,
) -> StoreResult<Campaign> {
    let rules = &campaign.rules;
    let filters = serde_json::to_string(&rules.filters)
        .map_err(|error| other(format!("failed to write a campaign's filters: {error}")))?;
    let sql = format!(
        "WITH k AS (
             INSERT INTO campaigns
                 (workspace_id, survey_id, name, filters, sample, throttle_days,
                  reminder_after_days, repeat_every_days, spread_over_weekdays, created_at,
                  next_run_at)
             SELECT $1, s.id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM surveys s
             WHERE s.id = $2 AND s.workspace_id = $1
             RETURNING *)
         SELECT {CAMPAIGN_COLUMNS} FROM k"
    );
    let now = now_millis();
    let first_run_at = campaign.first_run_at.as_millisecond();
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start creating a campaign")?;
    let row = transaction
        .query_opt(
            &sql,
            &[
                &workspace.0,
                &campaign.survey.0,
                &campaign.name,
                &filters,
                &rules.sample,
                &days_column(rules.throttle_days)?,
                &rules.reminder_after_days.map(days_column).transpose()?,
                &rules.repeat_every_days.map(days_column).transpose()?,
                &rules.spread_over_weekdays,
                &now,
                &first_run_at,
            ],
        )
        .await
        .pg_context("failed to create a campaign")?;
    let Some(row) = row else {
        // Dropping the transaction rolls it back.
        return Err(StoreError::NotFound(format!(
            "survey {}",
            campaign.survey.0
        )));
    };
    let created = campaign_of_row(&row)?;
    queue_run(&transaction, workspace, created.id, first_run_at, now).await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit a campaign")?;
    Ok(created)
}

/// The campaign with this id in the workspace.
pub(crate) async fn campaign(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: CampaignId,
) -> StoreResult<Option<Campaign>> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {CAMPAIGN_COLUMNS} FROM campaigns k WHERE k.workspace_id = $1 AND k.id = $2"
            ),
            &[&workspace.0, &id.0],
        )
        .await
        .pg_context("failed to read a campaign")?;
    row.as_ref().map(campaign_of_row).transpose()
}

/// Every campaign of the workspace with its numbers, newest first.
pub(crate) async fn campaigns(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(Campaign, CampaignNumbers)>> {
    let rows = client
        .query(&campaigns_with_numbers(""), &[&workspace.0])
        .await
        .pg_context("failed to list campaigns")?;
    rows.iter()
        .map(|row| Ok((campaign_of_row(row)?, numbers_of_row(row)?)))
        .collect()
}

/// A campaign's numbers; `NotFound` when the workspace has no such campaign.
pub(crate) async fn campaign_numbers(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: CampaignId,
) -> StoreResult<CampaignNumbers> {
    let row = client
        .query_opt(
            &campaigns_with_numbers("AND k.id = $2"),
            &[&workspace.0, &id.0],
        )
        .await
        .pg_context("failed to count a campaign's invitations")?;
    match row {
        Some(row) => numbers_of_row(&row),
        None => Err(StoreError::NotFound(format!("campaign {}", id.0))),
    }
}

/// Records a finished run and queues the next one, in one transaction.
pub(crate) async fn finish_campaign_run(
    mut client: Object,
    workspace: WorkspaceId,
    id: CampaignId,
    ran_at: Timestamp,
    next_run_at: Option<Timestamp>,
) -> StoreResult<()> {
    let next_run_at = next_run_at.map(Timestamp::as_millisecond);
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start recording a campaign run")?;
    let finished = transaction
        .execute(
            "UPDATE campaigns SET last_run_at = $3, next_run_at = $4
             WHERE workspace_id = $1 AND id = $2",
            &[&workspace.0, &id.0, &ran_at.as_millisecond(), &next_run_at],
        )
        .await
        .pg_context("failed to record a campaign run")?;
    if finished == 0 {
        return Err(StoreError::NotFound(format!("campaign {}", id.0)));
    }
    if let Some(next_run_at) = next_run_at {
        queue_run(&transaction, workspace, id, next_run_at, now_millis()).await?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit a campaign run")
}

/// Marks the campaign's invitations due a reminder as reminded and queues their emails, due
/// and queued at `now`, in invitation order, in one transaction; `NotFound` when the workspace
/// has no such campaign. Two calls at once remind each invitation once: the second waits for
/// the rows the first changed and then finds them reminded.
pub(crate) async fn queue_reminders(
    mut client: Object,
    workspace: WorkspaceId,
    id: CampaignId,
    sent_before: Timestamp,
    now: Timestamp,
) -> StoreResult<u64> {
    let context = "failed to queue reminders";
    let now = now.as_millisecond();
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start queueing reminders")?;
    let found = transaction
        .query_opt(
            "SELECT 1 FROM campaigns WHERE workspace_id = $1 AND id = $2",
            &[&workspace.0, &id.0],
        )
        .await
        .pg_context(context)?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("campaign {}", id.0)));
    }
    let rows = transaction
        .query(
            "UPDATE invitations AS i SET reminded_at = $4
             FROM contacts c
             WHERE i.workspace_id = $1 AND i.campaign_id = $2 AND i.channel = 'email'
               AND i.sent_at < $3 AND i.response_id IS NULL AND i.bounced_at IS NULL
               AND i.reminded_at IS NULL
               AND c.id = i.contact_id AND c.email IS NOT NULL
               AND NOT EXISTS (
                   SELECT 1 FROM email_suppressions s
                   WHERE s.workspace_id = $1 AND s.email = lower(c.email))
             RETURNING i.id",
            &[&workspace.0, &id.0, &sent_before.as_millisecond(), &now],
        )
        .await
        .pg_context(context)?;
    let mut reminded = rows
        .iter()
        .map(|row| row.try_get::<_, i64>(0).pg_context(context))
        .collect::<StoreResult<Vec<i64>>>()?;
    reminded.sort_unstable();
    let sends: Vec<JobPayload> = reminded
        .iter()
        .map(|&invitation| {
            JobPayload::SendEmail(SendEmailJob {
                invitation,
                reminder: true,
            })
        })
        .collect();
    queue_jobs(
        &transaction,
        workspace.0,
        &sends,
        SEND_EMAIL_ATTEMPTS,
        now,
        now,
    )
    .await?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit the reminders")?;
    Ok(reminded.len() as u64)
}
