//! Group commit of single responses: what `POST /api/v1/responses` writes through.
//!
//! One call writes a batch of requests in one transaction, in a fixed number of round trips
//! whatever the batch's size, each statement set-based (`unnest` of arrays):
//!
//! 1. begin and register as a writer of responses ([`BEGIN_WRITER`]), check the surveys and read
//!    the workspace's attribute kinds; meanwhile, on another connection, reserve one response id
//!    per request ([`ids::reserve`]);
//! 2. claim the idempotency keys, each with the id its response will have
//!    (`INSERT … ON CONFLICT DO NOTHING`), and in the same statement record the attribute kinds
//!    of the requests that will be written (a replayed or refused request records none); lock
//!    the contacts the keys name, in id order; only when a key was taken, read what it recorded
//!    (one more round trip);
//! 3. insert the new contacts ([`resolve`](crate::contacts::book::resolve); one more round trip for each race lost to another
//!    writer creating the same contact);
//! 4. write back the changed contacts, insert the responses and commit, in one flight.
//!
//! Locks are always taken in the same order — idempotency keys by key, attribute definitions by
//! name, stored contacts by id, new contacts by key — so that concurrent calls wait for each
//! other without deadlocking. What is left — a key filled in that another writer took, a
//! deadlock through contacts found late — rolls the call back and runs it again; see
//! [`crate::contacts::book`].
//!
//! Ids reserved for requests that turn out to be replays are left unused: ids only need to
//! grow, not to be dense.

mod batch;
mod keys;
mod write;

use std::collections::HashMap;

use deadpool_postgres::{ClientWrapper, Object, Pool};
use futures_util::future::try_join3;
use tokio_postgres::{Row, Statement};
use vouch_store::{
    AttributeDefinition, IngestOutcome, IngestRequest, StoreError, StoreResult, WorkspaceId,
};

use self::batch::Batch;
use self::keys::{CLAIM_KEYS_AND_DEFINE, claim_keys_and_lock_contacts};
use self::write::{ResponseColumns, insert_and_commit, outcomes, resolve_contacts, written};
use crate::contacts::book::{LOCK_CONTACTS, UPDATE_CONTACTS};
use crate::error::{PgContext, other};
use crate::ids::{self, BEGIN_WRITER, Reservation};
use crate::now_millis;
use crate::transaction::{ATTEMPTS, PooledTransaction, prepare, settle};
use crate::workspaces::{SELECT_DEFINITIONS, definitions_of_rows};

/// The surveys of the batch that exist in the workspace (`$1`): `$2` ids.
const CHECK_SURVEYS: &str =
    "SELECT id, archived FROM surveys WHERE workspace_id = $1 AND id = ANY($2::bigint[])";

/// Inserts the responses: the ids are the reserved ones, written as given.
pub(crate) const INSERT_RESPONSES: &str = "
    INSERT INTO responses
        (id, workspace_id, survey_id, contact_id, score, comment, created_at, channel, attributes,
         horizon)
    OVERRIDING SYSTEM VALUE
    SELECT u.id, $1, u.survey_id, u.contact_id, u.score, u.comment, u.created_at, u.channel,
           u.attributes, $2::bigint::text::xid8
    FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::smallint[], $7::text[],
                $8::bigint[], $9::text[], $10::text[])
        AS u (id, survey_id, contact_id, score, comment, created_at, channel, attributes)";

/// Writes the batch; see the module documentation.
pub(crate) async fn ingest(
    client: Object,
    reservations: &Pool,
    workspace: WorkspaceId,
    requests: &[IngestRequest],
) -> StoreResult<Vec<IngestOutcome>> {
    if requests.is_empty() {
        return Ok(Vec::new());
    }
    let batch = Batch::of(workspace, requests)?;
    let mut transaction = PooledTransaction::new(client);
    for attempt in 1..=ATTEMPTS {
        let outcome = write(&mut transaction, reservations, &batch).await;
        if let Some(outcomes) = settle(&mut transaction, outcome, attempt).await? {
            return Ok(outcomes);
        }
    }
    Err(other(format!(
        "gave up writing responses after {ATTEMPTS} attempts: other writers kept creating the \
         same contacts"
    )))
}

/// The statements of one attempt, prepared together.
struct Statements {
    check_surveys: Statement,
    definitions: Statement,
    claim: Statement,
    lock: Statement,
    update: Statement,
    insert: Statement,
    queue: Statement,
}

impl Statements {
    async fn prepare(client: &ClientWrapper) -> StoreResult<Statements> {
        let [
            check_surveys,
            definitions,
            claim,
            lock,
            update,
            insert,
            queue,
        ] = prepare(
            client,
            [
                CHECK_SURVEYS,
                SELECT_DEFINITIONS,
                CLAIM_KEYS_AND_DEFINE,
                LOCK_CONTACTS,
                UPDATE_CONTACTS,
                INSERT_RESPONSES,
                crate::outbox::QUEUE_ARRIVED,
            ],
        )
        .await?;
        Ok(Statements {
            check_surveys,
            definitions,
            claim,
            lock,
            update,
            insert,
            queue,
        })
    }
}

/// The id reserved for the request at `index` of the batch.
fn response_id(reservation: Reservation, index: usize) -> i64 {
    reservation.first + index as i64
}

/// One attempt: the outcomes once committed, or `None` when a race was lost (roll back and try
/// again). Each step sends its statements together and then awaits their answers
/// (`try_join` polls in order, and a statement is sent when first polled).
async fn write(
    transaction: &mut PooledTransaction,
    reservations: &Pool,
    batch: &Batch<'_>,
) -> StoreResult<Option<Vec<IngestOutcome>>> {
    let now = now_millis();
    let statements = Statements::prepare(transaction.client()).await?;
    transaction.opening();
    let client = transaction.client();
    let (reservation, definitions) =
        begin_and_check(client, reservations, batch, &statements).await?;
    let Some((plans, contacts)) =
        claim_keys_and_lock_contacts(client, batch, &statements, &definitions, reservation, now)
            .await?
    else {
        return Ok(None);
    };
    let created = resolve_contacts(client, batch, &plans, &contacts, &definitions, now).await?;
    let columns = ResponseColumns::of(batch, &created, reservation)?;
    insert_and_commit(
        client,
        &statements,
        batch,
        &created,
        &columns,
        reservation,
        now,
    )
    .await?;
    transaction.committed();
    outcomes(plans, written(batch, created.requests, &columns)?).map(Some)
}

/// Step 1: begins the transaction, checks that the batch's surveys are open and reads the
/// attribute kinds; reserves the ids once the transaction has its id.
async fn begin_and_check(
    client: &ClientWrapper,
    reservations: &Pool,
    batch: &Batch<'_>,
    statements: &Statements,
) -> StoreResult<(Reservation, Vec<AttributeDefinition>)> {
    let workspace = batch.workspace;
    let begin = async {
        client
            .batch_execute(BEGIN_WRITER)
            .await
            .pg_context("failed to begin writing responses")?;
        ids::reserve(reservations, batch.requests.len()).await
    };
    let surveys = async {
        client
            .query(&statements.check_surveys, &[&workspace, &batch.surveys])
            .await
            .pg_context("failed to read surveys")
    };
    let definitions = async {
        client
            .query(&statements.definitions, &[&workspace])
            .await
            .pg_context("failed to read the attribute definitions")
    };
    let (reservation, surveys, definitions) = try_join3(begin, surveys, definitions).await?;
    check_surveys_open(batch, &surveys)?;
    Ok((reservation, definitions_of_rows(&definitions)?))
}

/// Fails with the first survey of the batch that is missing or archived, given the rows of
/// [`CHECK_SURVEYS`].
fn check_surveys_open(batch: &Batch<'_>, rows: &[Row]) -> StoreResult<()> {
    let open: HashMap<i64, bool> = rows
        .iter()
        .map(|row| Ok((row.try_get(0)?, !row.try_get::<_, bool>(1)?)))
        .collect::<Result<_, tokio_postgres::Error>>()
        .pg_context("failed to read surveys")?;
    match batch
        .surveys
        .iter()
        .find(|survey| open.get(survey) != Some(&true))
    {
        Some(survey) => Err(StoreError::NotFound(format!("survey {survey}"))),
        None => Ok(()),
    }
}
