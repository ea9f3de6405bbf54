//! Invitations: creating them with their emails' jobs, following their sends and opens, and
//! recording answers through them.
//!
//! # Answers
//!
//! [`record_answer`] writes a response, and when the invitation was answered before, erases the
//! earlier one. It is therefore a writer of responses *and* an erasure, and follows the rules of
//! both (see the `read` and `ids` modules): it registers as a writer before it takes its
//! transaction id, writes the id it reserved with the horizon that came with it, and holds the
//! erasure lock until it commits whenever it logs a deletion.
//!
//! Locks are taken in the order an erasure of the contact takes them — the erasure lock, the
//! contact, then its invitations — so that the two wait for each other without deadlocking:
//! - the erasure lock only when the invitation was answered before (a first answer, the common
//!   case, does not queue behind every other answer); should a concurrent answer land first,
//!   the attempt is rolled back and run again with the lock;
//! - the contact `FOR SHARE`: an erasure, which locks it `FOR UPDATE`, waits until the answer
//!   is committed and then erases it too, and the answer reads the contact's latest attributes;
//! - the invitation `FOR UPDATE`: two answers to it are written one after the other;
//! - the response replaced, by deleting it, then its follow-up (workflow row, tags, notes),
//!   which moves to the new response in the same transaction (see the `follow_up` module).

use deadpool_postgres::{Object, Pool};
use futures_util::future::try_join;
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_store::{
    Answer, CampaignId, Channel, ContactId, Invitation, InvitationId, JobPayload, NewInvitation,
    ResponseId, SendEmailJob, SendOutcome, StoreError, StoreResult, StoredResponse,
    SuppressionReason, SurveyId, WorkspaceId,
};

use crate::collect::audience::suppression_key;
use crate::error::{PgContext, other};
use crate::follow_up::MOVE_FOLLOW_UP;
use crate::ids::{self, BEGIN_WRITER, Reservation};
use crate::jobs::{SEND_EMAIL_ATTEMPTS, queue_jobs};
use crate::now_millis;
use crate::read::{AttributeDecoder, RESPONSE_COLUMNS, stored_response};
use crate::responses::ingest::INSERT_RESPONSES;
use crate::row::timestamp;
use crate::transaction::{ATTEMPTS, PooledTransaction, prepare, settle};
use crate::workspaces::{SELECT_DEFINITIONS, definitions_of_rows};

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

/// What an invitation was answered with, read before the transaction.
struct Known {
    workspace: i64,
    contact: i64,
    response: Option<i64>,
}

/// Records an answer through an invitation; see the module documentation.
pub(crate) async fn record_answer(
    client: Object,
    reservations: &Pool,
    answer: &Answer,
) -> StoreResult<StoredResponse> {
    let row = client
        .query_opt(
            "SELECT workspace_id, contact_id, response_id FROM invitations WHERE id = $1",
            &[&answer.invitation.0],
        )
        .await
        .pg_context("failed to read an invitation")?;
    let Some(row) = row else {
        return Err(StoreError::NotFound(format!(
            "invitation {}",
            answer.invitation.0
        )));
    };
    let context = "failed to read an invitation";
    let known = Known {
        workspace: row.try_get(0).pg_context(context)?,
        contact: row.try_get(1).pg_context(context)?,
        response: row.try_get(2).pg_context(context)?,
    };
    // The same answer again (a double click, a retried request) changes nothing, and needs no
    // transaction.
    if let Some(current) = known.response {
        let workspace = WorkspaceId(known.workspace);
        let current = crate::read::response(&client, workspace, ResponseId(current)).await?;
        if let Some(current) = current.filter(|current| is_same(current, answer)) {
            return Ok(current);
        }
    }
    let mut erasing = known.response.is_some();
    let mut transaction = PooledTransaction::new(client);
    for attempt in 1..=ATTEMPTS {
        let outcome =
            answer_once(&mut transaction, reservations, answer, &known, &mut erasing).await;
        if let Some(response) = settle(&mut transaction, outcome, attempt).await? {
            return Ok(response);
        }
    }
    Err(other(format!(
        "gave up recording an answer after {ATTEMPTS} attempts: other answers kept replacing it"
    )))
}

/// True when the stored response says what the answer says.
fn is_same(response: &StoredResponse, answer: &Answer) -> bool {
    response.score == answer.score && response.comment == answer.comment
}

/// One attempt: the response once committed, or `None` to roll back and try again (with the
/// erasure lock, when the invitation turned out to be answered already).
async fn answer_once(
    transaction: &mut PooledTransaction,
    reservations: &Pool,
    answer: &Answer,
    known: &Known,
    erasing: &mut bool,
) -> StoreResult<Option<StoredResponse>> {
    let [
        lock_contact,
        lock_invitation,
        definitions,
        current,
        erase,
        move_follow_up,
        insert,
        answered,
    ] = prepare(
        transaction.client(),
        [
            "SELECT attributes FROM contacts WHERE id = $1 AND workspace_id = $2 FOR SHARE",
            "SELECT survey_id, channel, response_id FROM invitations WHERE id = $1 FOR UPDATE",
            SELECT_DEFINITIONS,
            &format!(
                "SELECT {RESPONSE_COLUMNS} FROM responses WHERE workspace_id = $1 AND id = $2"
            ),
            "WITH erased AS (
                 DELETE FROM responses WHERE workspace_id = $1 AND id = $2 RETURNING id
             )
             INSERT INTO response_deletions (workspace_id, response_id, deleted_at)
             SELECT $1, id, $3 FROM erased",
            MOVE_FOLLOW_UP,
            INSERT_RESPONSES,
            "UPDATE invitations SET response_id = $2, answered_at = coalesce(answered_at, $3)
             WHERE id = $1",
        ],
    )
    .await?;
    transaction.opening();
    let client = transaction.client();
    let workspace = known.workspace;

    // Register as a writer, then reserve an id (on another connection) while taking the locks.
    client
        .batch_execute(BEGIN_WRITER)
        .await
        .pg_context("failed to begin recording an answer")?;
    let locking = async {
        if *erasing {
            // Held until commit, so that deletion sequence numbers become visible in order.
            client
                .execute("SELECT pg_advisory_xact_lock(1987011, 2)", &[])
                .await
                .pg_context("failed to wait for other erasures")?;
        }
        let contact = client
            .query_opt(&lock_contact, &[&known.contact, &workspace])
            .await
            .pg_context("failed to lock the contact")?;
        let invitation = client
            .query_opt(&lock_invitation, &[&answer.invitation.0])
            .await
            .pg_context("failed to lock the invitation")?;
        Ok((contact, invitation))
    };
    let (reservation, (contact, invitation)) =
        try_join(ids::reserve(reservations, 1), locking).await?;
    let (Some(contact), Some(invitation)) = (contact, invitation) else {
        // The contact was erased, and its invitations with it.
        return Err(StoreError::NotFound(format!(
            "invitation {}",
            answer.invitation.0
        )));
    };
    let context = "failed to read the invitation";
    let survey: i64 = invitation.try_get(0).pg_context(context)?;
    let channel: String = invitation.try_get(1).pg_context(context)?;
    let previous: Option<i64> = invitation.try_get(2).pg_context(context)?;
    if previous.is_some() && !*erasing {
        // Answered meanwhile: this answer replaces that one, which takes the erasure lock first.
        *erasing = true;
        return Ok(None);
    }
    let attributes: String = contact
        .try_get(0)
        .pg_context("failed to read the contact")?;
    let (definitions, previous) = try_join(
        async {
            client
                .query(&definitions, &[&workspace])
                .await
                .pg_context("failed to read the attribute definitions")
        },
        async {
            match previous {
                Some(id) => client
                    .query_opt(&current, &[&workspace, &id])
                    .await
                    .pg_context("failed to read the current answer"),
                None => Ok(None),
            }
        },
    )
    .await?;
    let definitions = definitions_of_rows(&definitions)?;
    let mut decoder = AttributeDecoder::new(&definitions);
    let previous = previous
        .as_ref()
        .map(|row| stored_response(row, 0, &mut decoder))
        .transpose()?;
    if let Some(previous) = previous
        .as_ref()
        .filter(|previous| is_same(previous, answer))
    {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to end recording an answer")?;
        transaction.committed();
        return Ok(Some(previous.clone()));
    }

    // Erase the answer replaced, keeping its time, and move its follow-up; write the new one;
    // point the invitation at it.
    let Reservation { first: id, horizon } = reservation;
    let now = now_millis();
    let created_at = previous
        .as_ref()
        .map_or(answer.at, |previous| previous.created_at)
        .as_millisecond();
    let score = i16::from(answer.score.value());
    let erasing_previous = async {
        match &previous {
            Some(previous) => client
                .execute(&erase, &[&workspace, &previous.id.0, &now])
                .await
                .pg_context("failed to erase the answer replaced"),
            None => Ok(0),
        }
    };
    // The team's follow-up and notes move to the new response. Statements on the connection run
    // in the order sent, so this runs after the erasure above, which waited for anyone writing
    // that follow-up, and sees what they committed (see the `follow_up` module).
    let moving = async {
        match &previous {
            Some(previous) => client
                .execute(&move_follow_up, &[&workspace, &previous.id.0, &id])
                .await
                .pg_context("failed to move the follow-up of the answer replaced"),
            None => Ok(0),
        }
    };
    let inserting = async {
        client
            .execute(
                &insert,
                &[
                    &workspace,
                    &horizon,
                    &[id].as_slice(),
                    &[survey].as_slice(),
                    &[known.contact].as_slice(),
                    &[score].as_slice(),
                    &[answer.comment.as_deref()].as_slice(),
                    &[created_at].as_slice(),
                    &[channel.as_str()].as_slice(),
                    &[attributes.as_str()].as_slice(),
                ],
            )
            .await
            .pg_context("failed to write the answer")
    };
    let pointing = async {
        client
            .execute(
                &answered,
                &[&answer.invitation.0, &id, &answer.at.as_millisecond()],
            )
            .await
            .pg_context("failed to record the answer on its invitation")
    };
    let committing = async {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit the answer")
    };
    futures_util::future::try_join5(erasing_previous, moving, inserting, pointing, committing)
        .await?;
    transaction.committed();
    Ok(Some(StoredResponse {
        id: ResponseId(id),
        survey: SurveyId(survey),
        contact: ContactId(known.contact),
        score: answer.score,
        comment: answer.comment.clone(),
        created_at: timestamp(created_at)?,
        channel,
        attributes: decoder.decode(&attributes)?,
    }))
}
