//! Recording an answer given through an invitation.
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

use deadpool_postgres::{ClientWrapper, Object, Pool};
use futures_util::future::try_join;
use tokio_postgres::{Row, Statement};
use vouch_store::{
    Answer, AttributeDefinition, ContactId, ResponseId, StoreError, StoreResult, StoredResponse,
    SurveyId, WorkspaceId,
};

use crate::error::{PgContext, other};
use crate::follow_up::MOVE_FOLLOW_UP;
use crate::ids::{self, BEGIN_WRITER, Reservation};
use crate::now_millis;
use crate::read::{AttributeDecoder, RESPONSE_COLUMNS, stored_response};
use crate::responses::ingest::INSERT_RESPONSES;
use crate::row::timestamp;
use crate::transaction::{ATTEMPTS, PooledTransaction, prepare, settle};
use crate::workspaces::{SELECT_DEFINITIONS, definitions_of_rows};

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
        return Err(invitation_not_found(answer));
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

/// The error for an answer through an invitation that does not exist (or no longer does).
fn invitation_not_found(answer: &Answer) -> StoreError {
    StoreError::NotFound(format!("invitation {}", answer.invitation.0))
}

/// True when the stored response says what the answer says.
fn is_same(response: &StoredResponse, answer: &Answer) -> bool {
    response.score == answer.score && response.comment == answer.comment
}

/// The statements of one attempt to record an answer, prepared together.
struct AnswerStatements {
    lock_contact: Statement,
    lock_invitation: Statement,
    definitions: Statement,
    current: Statement,
    erase: Statement,
    move_follow_up: Statement,
    insert: Statement,
    answered: Statement,
    queue: Statement,
}

impl AnswerStatements {
    async fn prepare(client: &ClientWrapper) -> StoreResult<AnswerStatements> {
        let [
            lock_contact,
            lock_invitation,
            definitions,
            current,
            erase,
            move_follow_up,
            insert,
            answered,
            queue,
        ] = prepare(
            client,
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
                crate::outbox::QUEUE_ARRIVED,
            ],
        )
        .await?;
        Ok(AnswerStatements {
            lock_contact,
            lock_invitation,
            definitions,
            current,
            erase,
            move_follow_up,
            insert,
            answered,
            queue,
        })
    }
}

/// The contact and the invitation of an answer, as locked.
struct Locked {
    survey: i64,
    channel: String,
    /// The response the invitation was answered with so far.
    previous: Option<i64>,
    /// The contact's attributes, as stored (JSON).
    attributes: String,
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
    let statements = AnswerStatements::prepare(transaction.client()).await?;
    transaction.opening();
    let client = transaction.client();
    let (reservation, locked) =
        begin_and_lock(client, reservations, &statements, answer, known, *erasing).await?;
    if locked.previous.is_some() && !*erasing {
        // Answered meanwhile: this answer replaces that one, which takes the erasure lock first.
        *erasing = true;
        return Ok(None);
    }
    let (definitions, previous) =
        read_definitions_and_previous(client, &statements, known.workspace, locked.previous)
            .await?;
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
    let created_at = previous
        .as_ref()
        .map_or(answer.at, |previous| previous.created_at)
        .as_millisecond();
    let replaced = previous.as_ref().map(|previous| previous.id.0);
    let written = Written {
        reservation,
        created_at,
        replaced,
    };
    replace_and_commit(client, &statements, answer, known, &locked, &written).await?;
    transaction.committed();
    Ok(Some(StoredResponse {
        id: ResponseId(reservation.first),
        survey: SurveyId(locked.survey),
        contact: ContactId(known.contact),
        score: answer.score,
        comment: answer.comment.clone(),
        created_at: timestamp(created_at)?,
        attributes: decoder.decode(&locked.attributes)?,
        channel: locked.channel,
    }))
}

/// Registers as a writer, then reserves an id (on another connection) while taking the locks:
/// the erasure lock when `erasing`, the contact, then the invitation. Fails when the contact
/// was erased, and its invitations with it.
async fn begin_and_lock(
    client: &ClientWrapper,
    reservations: &Pool,
    statements: &AnswerStatements,
    answer: &Answer,
    known: &Known,
    erasing: bool,
) -> StoreResult<(Reservation, Locked)> {
    client
        .batch_execute(BEGIN_WRITER)
        .await
        .pg_context("failed to begin recording an answer")?;
    let locking = async {
        if erasing {
            // Held until commit, so that deletion sequence numbers become visible in order.
            client
                .execute("SELECT pg_advisory_xact_lock(1987011, 2)", &[])
                .await
                .pg_context("failed to wait for other erasures")?;
        }
        let contact = client
            .query_opt(
                &statements.lock_contact,
                &[&known.contact, &known.workspace],
            )
            .await
            .pg_context("failed to lock the contact")?;
        let invitation = client
            .query_opt(&statements.lock_invitation, &[&answer.invitation.0])
            .await
            .pg_context("failed to lock the invitation")?;
        Ok((contact, invitation))
    };
    let (reservation, (contact, invitation)) =
        try_join(ids::reserve(reservations, 1), locking).await?;
    let (Some(contact), Some(invitation)) = (contact, invitation) else {
        return Err(invitation_not_found(answer));
    };
    let context = "failed to read the invitation";
    let locked = Locked {
        survey: invitation.try_get(0).pg_context(context)?,
        channel: invitation.try_get(1).pg_context(context)?,
        previous: invitation.try_get(2).pg_context(context)?,
        attributes: contact
            .try_get(0)
            .pg_context("failed to read the contact")?,
    };
    Ok((reservation, locked))
}

/// The workspace's attribute definitions and, when the invitation was answered before, the row
/// of the response it was answered with.
async fn read_definitions_and_previous(
    client: &ClientWrapper,
    statements: &AnswerStatements,
    workspace: i64,
    previous: Option<i64>,
) -> StoreResult<(Vec<AttributeDefinition>, Option<Row>)> {
    let (definitions, previous) = try_join(
        async {
            client
                .query(&statements.definitions, &[&workspace])
                .await
                .pg_context("failed to read the attribute definitions")
        },
        async {
            match previous {
                Some(id) => client
                    .query_opt(&statements.current, &[&workspace, &id])
                    .await
                    .pg_context("failed to read the current answer"),
                None => Ok(None),
            }
        },
    )
    .await?;
    Ok((definitions_of_rows(&definitions)?, previous))
}

/// What the new response is written with.
struct Written {
    /// Its id (the first of the range), with the horizon to store.
    reservation: Reservation,
    /// Its time: that of the answer it replaces, if any, or the answer's.
    created_at: i64,
    /// The id of the response it replaces.
    replaced: Option<i64>,
}

/// Erases the answer replaced and moves its follow-up, writes the new one, points the
/// invitation at it and commits, in one flight.
async fn replace_and_commit(
    client: &ClientWrapper,
    statements: &AnswerStatements,
    answer: &Answer,
    known: &Known,
    locked: &Locked,
    written: &Written,
) -> StoreResult<()> {
    let workspace = known.workspace;
    let id = written.reservation.first;
    let now = now_millis();
    let erasing_previous = async {
        match written.replaced {
            Some(previous) => client
                .execute(&statements.erase, &[&workspace, &previous, &now])
                .await
                .pg_context("failed to erase the answer replaced"),
            None => Ok(0),
        }
    };
    // The team's follow-up and notes move to the new response. Statements on the connection run
    // in the order sent, so this runs after the erasure above, which waited for anyone writing
    // that follow-up, and sees what they committed (see the `follow_up` module).
    let moving = async {
        match written.replaced {
            Some(previous) => client
                .execute(&statements.move_follow_up, &[&workspace, &previous, &id])
                .await
                .pg_context("failed to move the follow-up of the answer replaced"),
            None => Ok(0),
        }
    };
    let inserting = insert_answer(client, &statements.insert, answer, known, locked, written);
    let pointing = async {
        client
            .execute(
                &statements.answered,
                &[&answer.invitation.0, &id, &answer.at.as_millisecond()],
            )
            .await
            .pg_context("failed to record the answer on its invitation")
    };
    // Its webhook messages and alerts, in the same transaction.
    let event = match written.replaced {
        Some(_) => "response.updated",
        None => "response.created",
    };
    let score = i16::from(answer.score.value());
    let queueing = async {
        client
            .execute(
                &statements.queue,
                &[
                    &workspace,
                    &[id].as_slice(),
                    &[locked.survey].as_slice(),
                    &[score].as_slice(),
                    &now,
                    &event,
                ],
            )
            .await
            .pg_context("failed to queue the webhook messages of an answer")
    };
    let committing = async {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit the answer")
    };
    // `try_join` polls in order: all six are sent in one flight, the commit last.
    let writing =
        futures_util::future::try_join5(erasing_previous, moving, inserting, pointing, queueing);
    try_join(writing, committing).await?;
    Ok(())
}

/// Inserts the new response with `insert`, the prepared [`INSERT_RESPONSES`].
async fn insert_answer(
    client: &ClientWrapper,
    insert: &Statement,
    answer: &Answer,
    known: &Known,
    locked: &Locked,
    written: &Written,
) -> StoreResult<u64> {
    let Reservation { first: id, horizon } = written.reservation;
    let score = i16::from(answer.score.value());
    client
        .execute(
            insert,
            &[
                &known.workspace,
                &horizon,
                &[id].as_slice(),
                &[locked.survey].as_slice(),
                &[known.contact].as_slice(),
                &[score].as_slice(),
                &[answer.comment.as_deref()].as_slice(),
                &[written.created_at].as_slice(),
                &[locked.channel.as_str()].as_slice(),
                &[locked.attributes.as_str()].as_slice(),
            ],
        )
        .await
        .pg_context("failed to write the answer")
}
