//! Invitations: one person asked one survey once, and what became of the email that asked.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_store::{
    CampaignId, Channel, ContactId, Invitation, InvitationId, JobPayload, NewInvitation, NewJob,
    ResponseId, SendEmailJob, SendOutcome, StoreError, StoreResult, SuppressionReason, SurveyId,
    WorkspaceId,
};

use crate::collect::suppression;
use crate::error::{SqlContext, other};
use crate::jobs;
use crate::now_millis;
use crate::row::{conversion_error, optional_timestamp, timestamp};

/// The columns [`invitation`] reads, in order.
pub(crate) const INVITATION_COLUMNS: &str = "id, workspace_id, survey_id, contact_id, \
     campaign_id, channel, created_at, expires_at, sent_at, bounced_at, last_error, opened_at, \
     reminded_at, response_id, answered_at";

/// An invitation from a row of [`INVITATION_COLUMNS`].
pub(crate) fn invitation(row: &rusqlite::Row<'_>) -> rusqlite::Result<Invitation> {
    let channel: String = row.get(5)?;
    Ok(Invitation {
        id: InvitationId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        survey: SurveyId(row.get(2)?),
        contact: ContactId(row.get(3)?),
        campaign: row.get::<_, Option<i64>>(4)?.map(CampaignId),
        channel: Channel::parse(&channel)
            .ok_or_else(|| conversion_error(5, format!("unknown channel {channel:?}")))?,
        created_at: timestamp(row, 6)?,
        expires_at: timestamp(row, 7)?,
        sent_at: optional_timestamp(row, 8)?,
        bounced_at: optional_timestamp(row, 9)?,
        last_error: row.get(10)?,
        opened_at: optional_timestamp(row, 11)?,
        reminded_at: optional_timestamp(row, 12)?,
        response: row.get::<_, Option<i64>>(13)?.map(ResponseId),
        answered_at: optional_timestamp(row, 14)?,
    })
}

/// Creates invitations and the `send_email` job of each email invitation, in one transaction.
pub(crate) fn invite(
    connection: &mut Connection,
    workspace: WorkspaceId,
    invitations: &[NewInvitation],
) -> StoreResult<Vec<Invitation>> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start inviting")?;
    if !crate::workspaces::exists(&transaction, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    let now = now_millis();
    let mut created = Vec::with_capacity(invitations.len());
    for new in invitations {
        check_owned(&transaction, workspace, new)?;
        let invitation = transaction
            .prepare_cached(&format!(
                "INSERT INTO invitations
                     (workspace_id, survey_id, contact_id, campaign_id, channel, created_at,
                      expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 RETURNING {INVITATION_COLUMNS}"
            ))
            .and_then(|mut insert| {
                insert.query_row(
                    (
                        workspace.0,
                        new.survey.0,
                        new.contact.0,
                        new.campaign.map(|campaign| campaign.0),
                        new.channel.as_str(),
                        now,
                        new.expires_at.as_millisecond(),
                    ),
                    invitation,
                )
            })
            .sql_context("failed to create an invitation")?;
        if invitation.channel == Channel::Email {
            queue_send(&transaction, workspace.0, invitation.id.0, false, now, now)?;
        }
        created.push(invitation);
    }
    transaction
        .commit()
        .sql_context("failed to commit the invitations")?;
    Ok(created)
}

/// Queues the `send_email` job of an invitation of the workspace, due at `run_at`, queued at
/// `now` (both milliseconds).
pub(crate) fn queue_send(
    connection: &Connection,
    workspace: i64,
    invitation: i64,
    reminder: bool,
    run_at: i64,
    now: i64,
) -> StoreResult<()> {
    let run_at = jiff::Timestamp::from_millisecond(run_at)
        .map_err(|error| other(format!("a send time out of range: {error}")))?;
    let new = NewJob {
        payload: JobPayload::SendEmail(SendEmailJob {
            invitation,
            reminder,
        }),
        run_at,
        max_attempts: jobs::SEND_EMAIL_ATTEMPTS,
    };
    jobs::queue(connection, workspace, &new, now)?;
    Ok(())
}

/// Fails with `NotFound` unless the survey, the contact and the campaign of an invitation are
/// the workspace's.
fn check_owned(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewInvitation,
) -> StoreResult<()> {
    let owns = |table: &str, id: i64| -> StoreResult<bool> {
        connection
            .prepare_cached(&format!(
                "SELECT 1 FROM {table} WHERE id = ?1 AND workspace_id = ?2"
            ))
            .and_then(|mut statement| statement.exists((id, workspace.0)))
            .sql_context("failed to check an invitation")
    };
    if !owns("surveys", new.survey.0)? {
        return Err(StoreError::NotFound(format!("survey {}", new.survey.0)));
    }
    if !owns("contacts", new.contact.0)? {
        return Err(StoreError::NotFound(format!("contact {}", new.contact.0)));
    }
    if let Some(campaign) = new.campaign
        && !owns("campaigns", campaign.0)?
    {
        return Err(StoreError::NotFound(format!("campaign {}", campaign.0)));
    }
    Ok(())
}

/// The invitation with this id, in any workspace.
pub(crate) fn by_id(connection: &Connection, id: InvitationId) -> StoreResult<Option<Invitation>> {
    connection
        .prepare_cached(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = ?1"
        ))
        .and_then(|mut statement| statement.query_row([id.0], invitation).optional())
        .sql_context("failed to read an invitation")
}

/// Records the first opening of the survey page from an invitation.
pub(crate) fn mark_opened(connection: &Connection, id: InvitationId, at: i64) -> StoreResult<()> {
    let changed = connection
        .prepare_cached("UPDATE invitations SET opened_at = coalesce(opened_at, ?2) WHERE id = ?1")
        .and_then(|mut update| update.execute((id.0, at)))
        .sql_context("failed to mark an invitation opened")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("invitation {}", id.0))),
        _ => Ok(()),
    }
}

/// Records what a send attempt came to; a bounce suppresses the contact's address in the same
/// transaction.
pub(crate) fn record_send(
    connection: &mut Connection,
    id: InvitationId,
    outcome: &SendOutcome,
    at: i64,
) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start recording a send")?;
    let (sql, error) = match outcome {
        SendOutcome::Sent => (
            "UPDATE invitations SET sent_at = ?2, last_error = NULL WHERE id = ?1",
            None,
        ),
        SendOutcome::Bounced(error) => (
            "UPDATE invitations SET bounced_at = ?2, last_error = ?3 WHERE id = ?1",
            Some(error),
        ),
        SendOutcome::Failed(error) => (
            // ?2 (the time) is bound but unused: a failure keeps the invitation pending.
            "UPDATE invitations SET last_error = ?3 WHERE id = ?1",
            Some(error),
        ),
        SendOutcome::Suppressed => (
            "UPDATE invitations SET suppressed_at = ?2 WHERE id = ?1",
            None,
        ),
    };
    let changed = match error {
        Some(error) => transaction.execute(sql, (id.0, at, error)),
        None => transaction.execute(sql, (id.0, at)),
    }
    .sql_context("failed to record a send")?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("invitation {}", id.0)));
    }
    if matches!(outcome, SendOutcome::Bounced(_)) {
        let address: Option<(i64, Option<String>)> = transaction
            .query_row(
                "SELECT i.workspace_id, c.email FROM invitations i
                 JOIN contacts c ON c.id = i.contact_id
                 WHERE i.id = ?1",
                [id.0],
                |row| Ok((row.get(0)?, row.get(1)?)),
            )
            .optional()
            .sql_context("failed to read the address of an invitation")?;
        if let Some((workspace, Some(email))) = address {
            suppression::suppress(
                &transaction,
                WorkspaceId(workspace),
                &email,
                SuppressionReason::Bounced,
                at,
            )?;
        }
    }
    transaction.commit().sql_context("failed to commit a send")
}

/// When the contact was last asked anything: its latest invitation or response.
pub(crate) fn last_surveyed(
    connection: &Connection,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<Option<jiff::Timestamp>> {
    let latest: Option<i64> = connection
        .prepare_cached(
            "SELECT max(latest) FROM (
                 SELECT max(created_at) AS latest FROM invitations
                 WHERE contact_id = ?2 AND workspace_id = ?1
                 UNION ALL
                 SELECT max(created_at) FROM responses
                 WHERE contact_id = ?2 AND workspace_id = ?1
             )",
        )
        .and_then(|mut statement| statement.query_row((workspace.0, contact.0), |row| row.get(0)))
        .sql_context("failed to read when a contact was last surveyed")?;
    latest
        .map(|millis| {
            jiff::Timestamp::from_millisecond(millis)
                .map_err(|error| other(format!("a stored time out of range: {error}")))
        })
        .transpose()
}
