//! Invitations: creating them with their emails' jobs, following their sends and opens, and
//! recording answers through them (the `answers` module).

mod answers;

pub(crate) use answers::record_answer;

use deadpool_postgres::Object;
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_store::{
    CampaignId, Channel, ContactId, Invitation, InvitationId, JobPayload, NewInvitation,
    ResponseId, SendEmailJob, SendOutcome, StoreError, StoreResult, SuppressionReason, SurveyId,
    WorkspaceId,
};

use crate::collect::audience::suppression_key;
use crate::error::{PgContext, other};
use crate::jobs::{SEND_EMAIL_ATTEMPTS, queue_jobs};
use crate::now_millis;
use crate::row::timestamp;

/// The columns [`invitation_of_row`] reads, in its order.
const INVITATION_COLUMNS: &str = "id, workspace_id, survey_id, contact_id, campaign_id, channel, \
     created_at, expires_at, sent_at, bounced_at, last_error, opened_at, reminded_at, \
     response_id, answered_at";

/// The invitation in the [`INVITATION_COLUMNS`] of `row`.
fn invitation_of_row(row: &Row) -> StoreResult<Invitation> {
    let context = "failed to read an invitation";
    let time = |index: usize| -> StoreResult<Option<Timestamp>> {
        let millis: Option<i64> = row.try_get(index).pg_context(context)?;
        millis.map(timestamp).transpose()
    };
    let channel: &str = row.try_get(5).pg_context(context)?;
    let campaign: Option<i64> = row.try_get(4).pg_context(context)?;
    let response: Option<i64> = row.try_get(13).pg_context(context)?;
    Ok(Invitation {
        id: InvitationId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        survey: SurveyId(row.try_get(2).pg_context(context)?),
        contact: ContactId(row.try_get(3).pg_context(context)?),
        campaign: campaign.map(CampaignId),
        channel: Channel::parse(channel)
            .ok_or_else(|| other(format!("an invitation has an unknown channel {channel:?}")))?,
        created_at: timestamp(row.try_get(6).pg_context(context)?)?,
        expires_at: timestamp(row.try_get(7).pg_context(context)?)?,
        sent_at: time(8)?,
        bounced_at: time(9)?,
        last_error: row.try_get(10).pg_context(context)?,
        opened_at: time(11)?,
        reminded_at: time(12)?,
        response: response.map(ResponseId),
        answered_at: time(14)?,
    })
}

/// Creates invitations, in the order given: `$1` workspace, `$2`… the invitations' columns, `$7`
/// now. Invitations naming a survey, contact or campaign of another workspace are left out (the
/// caller then rolls back).
const INVITE: &str = "
    WITH inserted AS (
        INSERT INTO invitations
            (workspace_id, survey_id, contact_id, campaign_id, channel, created_at, expires_at)
        SELECT $1, g.survey_id, g.contact_id, g.campaign_id, g.channel, $7, g.expires_at
        FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::bigint[])
            WITH ORDINALITY AS g (survey_id, contact_id, campaign_id, channel, expires_at, position)
        WHERE EXISTS (SELECT 1 FROM surveys s WHERE s.id = g.survey_id AND s.workspace_id = $1)
          AND EXISTS (SELECT 1 FROM contacts c WHERE c.id = g.contact_id AND c.workspace_id = $1)
          AND (g.campaign_id IS NULL OR EXISTS (
              SELECT 1 FROM campaigns k WHERE k.id = g.campaign_id AND k.workspace_id = $1))
        ORDER BY g.position
        RETURNING id, workspace_id, survey_id, contact_id, campaign_id, channel, created_at,
                  expires_at, sent_at, bounced_at, last_error, opened_at, reminded_at,
                  response_id, answered_at)
    SELECT * FROM inserted ORDER BY id";

/// Creates invitations and one `send_email` job per email invitation, in invitation order, in
/// one transaction; any invitation naming what the workspace does not have makes the whole call
/// `NotFound`.
pub(crate) async fn invite(
    mut client: Object,
    workspace: WorkspaceId,
    invitations: &[NewInvitation],
) -> StoreResult<Vec<Invitation>> {
    if invitations.is_empty() {
        return Ok(Vec::new());
    }
    let surveys: Vec<i64> = invitations.iter().map(|i| i.survey.0).collect();
    let contacts: Vec<i64> = invitations.iter().map(|i| i.contact.0).collect();
    let campaigns: Vec<Option<i64>> = invitations
        .iter()
        .map(|i| i.campaign.map(|campaign| campaign.0))
        .collect();
    let channels: Vec<&str> = invitations.iter().map(|i| i.channel.as_str()).collect();
    let expiries: Vec<i64> = invitations
        .iter()
        .map(|i| i.expires_at.as_millisecond())
        .collect();
    let now = now_millis();
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start inviting")?;
    let rows = transaction
        .query(
            INVITE,
            &[
                &workspace.0,
                &surveys,
                &contacts,
                &campaigns,
                &channels,
                &expiries,
                &now,
            ],
        )
        .await
        .pg_context("failed to create invitations")?;
    if rows.len() < invitations.len() {
        // Dropping the transaction rolls it back.
        return Err(StoreError::NotFound(format!(
            "{} of {} invitations name a survey, contact or campaign the workspace does not have",
            invitations.len() - rows.len(),
            invitations.len()
        )));
    }
    let created = rows
        .iter()
        .map(invitation_of_row)
        .collect::<StoreResult<Vec<_>>>()?;
    let sends: Vec<JobPayload> = created
        .iter()
        .filter(|invitation| invitation.channel == Channel::Email)
        .map(|invitation| {
            JobPayload::SendEmail(SendEmailJob {
                invitation: invitation.id.0,
                reminder: false,
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
        .pg_context("failed to commit invitations")?;
    Ok(created)
}

/// The invitation with this id, in any workspace.
pub(crate) async fn invitation(
    client: &deadpool_postgres::ClientWrapper,
    id: InvitationId,
) -> StoreResult<Option<Invitation>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {INVITATION_COLUMNS} FROM invitations WHERE id = $1"
        ))
        .await
        .pg_context("failed to prepare the invitation lookup")?;
    let row = client
        .query_opt(&statement, &[&id.0])
        .await
        .pg_context("failed to read an invitation")?;
    row.as_ref().map(invitation_of_row).transpose()
}

/// Records the first opening of the survey page from the invitation.
pub(crate) async fn mark_opened(
    client: &deadpool_postgres::ClientWrapper,
    id: InvitationId,
    at: Timestamp,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE invitations SET opened_at = coalesce(opened_at, $2) WHERE id = $1",
            &[&id.0, &at.as_millisecond()],
        )
        .await
        .pg_context("failed to record an opening")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("invitation {}", id.0))),
        _ => Ok(()),
    }
}

/// Records what a send attempt came to; a bounce also suppresses the contact's address, in the
/// same transaction.
pub(crate) async fn record_send(
    mut client: Object,
    id: InvitationId,
    outcome: &SendOutcome,
    at: Timestamp,
) -> StoreResult<()> {
    let (kind, error) = match outcome {
        SendOutcome::Sent => ("sent", None),
        SendOutcome::Bounced(error) => ("bounced", Some(error.as_str())),
        SendOutcome::Failed(error) => ("failed", Some(error.as_str())),
        SendOutcome::Suppressed => ("suppressed", None),
    };
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start recording a send")?;
    let row = transaction
        .query_opt(
            "UPDATE invitations AS i SET
                 sent_at = CASE WHEN $3 = 'sent' THEN $2 ELSE i.sent_at END,
                 bounced_at = CASE WHEN $3 = 'bounced' THEN $2 ELSE i.bounced_at END,
                 suppressed_at = CASE WHEN $3 = 'suppressed' THEN $2 ELSE i.suppressed_at END,
                 last_error = CASE WHEN $3 = 'sent' THEN NULL
                                   WHEN $3 IN ('bounced', 'failed') THEN $4
                                   ELSE i.last_error END
             WHERE i.id = $1
             RETURNING i.workspace_id, (SELECT c.email FROM contacts c WHERE c.id = i.contact_id)",
            &[&id.0, &at.as_millisecond(), &kind, &error],
        )
        .await
        .pg_context("failed to record a send")?;
    let Some(row) = row else {
        return Err(StoreError::NotFound(format!("invitation {}", id.0)));
    };
    let workspace: i64 = row.try_get(0).pg_context("failed to record a send")?;
    let email: Option<String> = row.try_get(1).pg_context("failed to record a send")?;
    if let (SendOutcome::Bounced(_), Some(email)) = (outcome, email) {
        transaction
            .execute(
                "INSERT INTO email_suppressions (workspace_id, email, reason, created_at)
                 VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, email) DO NOTHING",
                &[
                    &workspace,
                    &suppression_key(&email),
                    &SuppressionReason::Bounced.as_str(),
                    &at.as_millisecond(),
                ],
            )
            .await
            .pg_context("failed to suppress a bounced address")?;
    }
    transaction
        .commit()
        .await
        .pg_context("failed to commit a send")
}
