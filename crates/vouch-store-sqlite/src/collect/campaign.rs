//! Campaigns, their numbers, their runs and their reminders.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    Campaign, CampaignId, CampaignJob, CampaignNumbers, CampaignRules, JobPayload, NewCampaign,
    NewJob, StoreError, StoreResult, SurveyId, WorkspaceId,
};

use crate::collect::invitation::queue_send;
use crate::error::{SqlContext, other};
use crate::jobs;
use crate::now_millis;
use crate::row::{json, optional_small_count, optional_timestamp, small_count, timestamp};

/// The columns [`campaign`] reads, in order.
const CAMPAIGN_COLUMNS: &str = "id, workspace_id, survey_id, name, filters, sample, \
     throttle_days, reminder_after_days, repeat_every_days, spread_over_weekdays, created_at, \
     next_run_at, last_run_at";

fn campaign(row: &rusqlite::Row<'_>) -> rusqlite::Result<Campaign> {
    Ok(Campaign {
        id: CampaignId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        survey: SurveyId(row.get(2)?),
        name: row.get(3)?,
        rules: CampaignRules {
            filters: json(row, 4, "campaign filters")?,
            sample: row.get(5)?,
            throttle_days: small_count(row, 6)?,
            reminder_after_days: optional_small_count(row, 7)?,
            repeat_every_days: optional_small_count(row, 8)?,
            spread_over_weekdays: row.get(9)?,
        },
        created_at: timestamp(row, 10)?,
        next_run_at: optional_timestamp(row, 11)?,
        last_run_at: optional_timestamp(row, 12)?,
    })
}

/// The numbers of campaigns, counted over their invitations, after `campaign_id` in the first
/// column. Sums are coalesced: a campaign without invitations has zeros, not NULLs.
const NUMBERS: &str = "campaign_id,
     count(*),
     count(sent_at),
     count(bounced_at),
     coalesce(sum(sent_at IS NULL AND bounced_at IS NULL AND suppressed_at IS NULL), 0),
     coalesce(sum(sent_at IS NULL AND bounced_at IS NULL AND suppressed_at IS NULL
                  AND last_error IS NOT NULL), 0),
     count(suppressed_at),
     count(opened_at),
     count(response_id),
     count(reminded_at)";

fn numbers(row: &rusqlite::Row<'_>) -> rusqlite::Result<(i64, CampaignNumbers)> {
    let count = |column: usize| row.get::<_, i64>(column).map(i64::unsigned_abs);
    // Without GROUP BY over no rows, the campaign is NULL: those numbers are all zeros.
    Ok((
        row.get::<_, Option<i64>>(0)?.unwrap_or_default(),
        CampaignNumbers {
            invited: count(1)?,
            sent: count(2)?,
            bounced: count(3)?,
            pending: count(4)?,
            failing: count(5)?,
            suppressed: count(6)?,
            opened: count(7)?,
            answered: count(8)?,
            reminded: count(9)?,
        },
    ))
}

/// Creates a campaign and queues its first run, in one transaction.
pub(crate) fn create(
    connection: &mut Connection,
    workspace: WorkspaceId,
    new: &NewCampaign,
) -> StoreResult<Campaign> {
    let filters = serde_json::to_string(&new.rules.filters)
        .map_err(|error| other(format!("failed to write campaign filters: {error}")))?;
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start creating a campaign")?;
    let survey_owned = transaction
        .prepare_cached("SELECT 1 FROM surveys WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((new.survey.0, workspace.0)))
        .sql_context("failed to read a survey")?;
    if !survey_owned {
        return Err(StoreError::NotFound(format!("survey {}", new.survey.0)));
    }
    let now = now_millis();
    let rules = &new.rules;
    let created = transaction
        .prepare_cached(&format!(
            "INSERT INTO campaigns
                 (workspace_id, survey_id, name, filters, sample, throttle_days,
                  reminder_after_days, repeat_every_days, spread_over_weekdays, created_at,
                  next_run_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             RETURNING {CAMPAIGN_COLUMNS}"
        ))
        .and_then(|mut insert| {
            insert.query_row(
                rusqlite::params![
                    workspace.0,
                    new.survey.0,
                    &new.name,
                    &filters,
                    rules.sample,
                    rules.throttle_days,
                    rules.reminder_after_days,
                    rules.repeat_every_days,
                    rules.spread_over_weekdays,
                    now,
                    new.first_run_at.as_millisecond(),
                ],
                campaign,
            )
        })
        .sql_context("failed to create a campaign")?;
    queue_run(&transaction, &created, new.first_run_at, now)?;
    transaction
        .commit()
        .sql_context("failed to commit a campaign")?;
    Ok(created)
}

/// Queues a `run_campaign` job for the campaign at `at`.
fn queue_run(
    connection: &Connection,
    campaign: &Campaign,
    at: jiff::Timestamp,
    now: i64,
) -> StoreResult<()> {
    let new = NewJob {
        payload: JobPayload::RunCampaign(CampaignJob {
            campaign: campaign.id.0,
        }),
        run_at: at,
        max_attempts: jobs::RUN_CAMPAIGN_ATTEMPTS,
    };
    jobs::queue(connection, campaign.workspace.0, &new, now)?;
    Ok(())
}

/// The campaign with this id in the workspace.
pub(crate) fn by_id(
    connection: &Connection,
    workspace: WorkspaceId,
    id: CampaignId,
) -> StoreResult<Option<Campaign>> {
    connection
        .prepare_cached(&format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ?1 AND workspace_id = ?2"
        ))
        .and_then(|mut statement| {
            statement
                .query_row((id.0, workspace.0), campaign)
                .optional()
        })
        .sql_context("failed to read a campaign")
}

/// Every campaign of the workspace with its numbers, newest first.
pub(crate) fn list(
    connection: &Connection,
    workspace: WorkspaceId,
) -> StoreResult<Vec<(Campaign, CampaignNumbers)>> {
    let campaigns: Vec<Campaign> = connection
        .prepare_cached(&format!(
            "SELECT {CAMPAIGN_COLUMNS} FROM campaigns WHERE workspace_id = ?1
             ORDER BY created_at DESC, id DESC"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], campaign)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to list campaigns")?;
    let mut counted: HashMap<i64, CampaignNumbers> = connection
        .prepare_cached(&format!(
            "SELECT {NUMBERS} FROM invitations
             WHERE workspace_id = ?1 AND campaign_id IS NOT NULL
             GROUP BY campaign_id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], numbers)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to count the campaigns' invitations")?;
    Ok(campaigns
        .into_iter()
        .map(|campaign| {
            let numbers = counted.remove(&campaign.id.0).unwrap_or_default();
            (campaign, numbers)
        })
        .collect())
}

/// A campaign's numbers; `NotFound` when the workspace has no such campaign.
pub(crate) fn numbers_of(
    connection: &Connection,
    workspace: WorkspaceId,
    id: CampaignId,
) -> StoreResult<CampaignNumbers> {
    if !exists(connection, workspace, id)? {
        return Err(StoreError::NotFound(format!("campaign {}", id.0)));
    }
    connection
        .prepare_cached(&format!(
            "SELECT {NUMBERS} FROM invitations WHERE campaign_id = ?1 AND workspace_id = ?2"
        ))
        .and_then(|mut statement| statement.query_row((id.0, workspace.0), numbers))
        .map(|(_, numbers)| numbers)
        .sql_context("failed to count a campaign's invitations")
}

fn exists(connection: &Connection, workspace: WorkspaceId, id: CampaignId) -> StoreResult<bool> {
    connection
        .prepare_cached("SELECT 1 FROM campaigns WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((id.0, workspace.0)))
        .sql_context("failed to read a campaign")
}

/// Records a finished run and queues the next one, in one transaction.
pub(crate) fn finish_run(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: CampaignId,
    ran_at: jiff::Timestamp,
    next_run_at: Option<jiff::Timestamp>,
) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start finishing a campaign run")?;
    let updated = transaction
        .prepare_cached(&format!(
            "UPDATE campaigns SET last_run_at = ?3, next_run_at = ?4
             WHERE id = ?1 AND workspace_id = ?2
             RETURNING {CAMPAIGN_COLUMNS}"
        ))
        .and_then(|mut update| {
            update
                .query_row(
                    (
                        id.0,
                        workspace.0,
                        ran_at.as_millisecond(),
                        next_run_at.map(|next| next.as_millisecond()),
                    ),
                    campaign,
                )
                .optional()
        })
        .sql_context("failed to finish a campaign run")?
        .ok_or_else(|| StoreError::NotFound(format!("campaign {}", id.0)))?;
    if let Some(next) = next_run_at {
        queue_run(&transaction, &updated, next, now_millis())?;
    }
    transaction
        .commit()
        .sql_context("failed to commit a campaign run")
}

/// Marks the campaign's invitations that are due a reminder (`reminded_at` = `now`) and queues
/// one `send_email` job for each, due at `now`, in invitation order, in one transaction. An invitation is due when its email was
/// sent before `sent_before` and it is not answered, bounced or reminded yet, and its
/// contact's address is not suppressed.
pub(crate) fn queue_reminders(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: CampaignId,
    sent_before: i64,
    now: i64,
) -> StoreResult<u64> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start queueing reminders")?;
    if !exists(&transaction, workspace, id)? {
        return Err(StoreError::NotFound(format!("campaign {}", id.0)));
    }
    let mut reminded: Vec<i64> = transaction
        .prepare_cached(
            "UPDATE invitations SET reminded_at = ?4
             WHERE campaign_id = ?2 AND workspace_id = ?1 AND channel = 'email'
               AND sent_at IS NOT NULL AND sent_at < ?3
               AND response_id IS NULL AND bounced_at IS NULL AND reminded_at IS NULL
               AND NOT EXISTS (
                   SELECT 1 FROM contacts c JOIN email_suppressions s
                       ON s.workspace_id = c.workspace_id AND s.email = lower(c.email)
                   WHERE c.id = invitations.contact_id)
             RETURNING id",
        )
        .and_then(|mut update| {
            update
                .query_map((workspace.0, id.0, sent_before, now), |row| row.get(0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to mark reminders")?;
    reminded.sort_unstable();
    let queued_at = now_millis();
    for invitation in &reminded {
        queue_send(&transaction, workspace.0, *invitation, true, now, queued_at)?;
    }
    transaction
        .commit()
        .sql_context("failed to commit the reminders")?;
    Ok(reminded.len() as u64)
}
