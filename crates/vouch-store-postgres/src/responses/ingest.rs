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
//! 3. insert the new contacts ([`resolve`]; one more round trip for each race lost to another
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

use std::collections::{HashMap, HashSet};

use deadpool_postgres::{ClientWrapper, Object, Pool};
use futures_util::future::{try_join, try_join3};
use tokio_postgres::{Row, Statement};
use vouch_store::{
    AttributeDefinition, Attributes, ContactId, IngestOutcome, IngestRequest, ResponseId,
    StoreError, StoreResult, StoredResponse, WorkspaceId, attributes_to_json,
};

use crate::contacts::book::{
    ContactBook, ContactChanges, LOCK_CONTACTS, Resolution, UPDATE_CONTACTS, Who, lock_parameters,
    resolve,
};
use crate::error::{PgContext, other};
use crate::ids::{self, BEGIN_WRITER, Reservation};
use crate::now_millis;
use crate::read::{AttributeDecoder, RESPONSE_COLUMNS_OF_R, stored_response};
use crate::row::timestamp;
use crate::transaction::{ATTEMPTS, PooledTransaction, prepare, settle};
use crate::workspaces::{SELECT_DEFINITIONS, definitions_of_rows};

/// The surveys of the batch that exist in the workspace (`$1`): `$2` ids.
const CHECK_SURVEYS: &str =
    "SELECT id, archived FROM surveys WHERE workspace_id = $1 AND id = ANY($2::bigint[])";

/// Claims idempotency keys for the responses to be written, in key order, and then records the
/// attribute kinds of the requests to be written: those without a key, and those whose key was
/// claimed (`$6` names, `$7` kinds, `$8` the key of the request giving each, in request order;
/// the first kind given for a name wins). Returns the keys claimed. A key or a definition that
/// another transaction holds makes this wait for it to end.
const CLAIM_KEYS_AND_DEFINE: &str = "
    WITH claimed AS (
        INSERT INTO idempotency_keys (workspace_id, key, fingerprint, response_id, created_at)
        SELECT $1, u.key, u.fingerprint, u.response_id, $5
        FROM unnest($2::text[], $3::text[], $4::bigint[]) AS u (key, fingerprint, response_id)
        ORDER BY u.key COLLATE \"C\"
        ON CONFLICT DO NOTHING
        RETURNING key),
    defined AS (
        INSERT INTO attribute_definitions (workspace_id, name, kind)
        SELECT $1, d.name, d.kind FROM (
            SELECT DISTINCT ON (d.name) d.name, d.kind
            FROM unnest($6::text[], $7::text[], $8::text[])
                WITH ORDINALITY AS d (name, kind, key, position)
            WHERE d.key IS NULL OR d.key IN (SELECT key FROM claimed)
            ORDER BY d.name, d.position) AS d
        ORDER BY d.name
        ON CONFLICT (workspace_id, name) DO NOTHING)
    SELECT key FROM claimed";

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

/// The batch as the attempts need it, worked out once.
struct Batch<'a> {
    workspace: i64,
    requests: &'a [IngestRequest],
    who: Vec<Who<'a>>,
    /// Distinct surveys, sorted.
    surveys: Vec<i64>,
    /// The attribute kinds of requests that will be written if their key is claimed (all those
    /// without a key, and the first of each key): names, kinds, and the key of the request.
    definition_names: Vec<&'a str>,
    definition_kinds: Vec<&'a str>,
    definition_keys: Vec<Option<&'a str>>,
    /// For each request with a key, the first request of the batch with that key.
    first_with_key: Vec<Option<usize>>,
    /// The first request of each key.
    keyed: Vec<usize>,
}

impl<'a> Batch<'a> {
    fn of(workspace: WorkspaceId, requests: &'a [IngestRequest]) -> StoreResult<Batch<'a>> {
        let who = requests
            .iter()
            .map(|request| {
                Who::of(&request.response.contact)
                    .ok_or_else(|| other("a response names neither an external id nor an email"))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut surveys: Vec<i64> = requests.iter().map(|r| r.response.survey.0).collect();
        surveys.sort_unstable();
        surveys.dedup();
        let mut first_by_key: HashMap<&str, usize> = HashMap::new();
        let mut keyed = Vec::new();
        let first_with_key = requests
            .iter()
            .enumerate()
            .map(|(index, request)| {
                let key = request.idempotency.as_ref()?;
                Some(*first_by_key.entry(key.key.as_str()).or_insert_with(|| {
                    keyed.push(index);
                    index
                }))
            })
            .collect::<Vec<Option<usize>>>();
        let mut definition_names = Vec::new();
        let mut definition_kinds = Vec::new();
        let mut definition_keys = Vec::new();
        for (index, request) in requests.iter().enumerate() {
            if first_with_key[index].is_some_and(|first| first != index) {
                continue;
            }
            let key = request.idempotency.as_ref().map(|key| key.key.as_str());
            for definition in &request.definitions {
                definition_names.push(definition.name.as_str());
                definition_kinds.push(definition.kind.as_str());
                definition_keys.push(key);
            }
        }
        Ok(Batch {
            workspace: workspace.0,
            requests,
            who,
            surveys,
            definition_names,
            definition_kinds,
            definition_keys,
            first_with_key,
            keyed,
        })
    }

    fn key(&self, index: usize) -> Option<&'a str> {
        self.requests[index]
            .idempotency
            .as_ref()
            .map(|key| key.key.as_str())
    }

    fn fingerprint(&self, index: usize) -> Option<&'a str> {
        self.requests[index]
            .idempotency
            .as_ref()
            .map(|key| key.fingerprint.as_str())
    }
}

/// What a key recorded before this call.
struct Recorded {
    fingerprint: String,
    /// The response it recorded; `None` for a key that holds a saved reply instead.
    response: Option<StoredResponse>,
}

/// What becomes of one request.
enum Plan {
    Create,
    /// The response written for the earlier request of the batch with the same key.
    ReplayOf(usize),
    Replay(StoredResponse),
    KeyReused,
}

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
}

impl Statements {
    async fn prepare(client: &ClientWrapper) -> StoreResult<Statements> {
        let [check_surveys, definitions, claim, lock, update, insert] = prepare(
            client,
            [
                CHECK_SURVEYS,
                SELECT_DEFINITIONS,
                CLAIM_KEYS_AND_DEFINE,
                LOCK_CONTACTS,
                UPDATE_CONTACTS,
                INSERT_RESPONSES,
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

/// Step 2: claims the keys and defines the attributes while locking the contacts; then plans
/// each request, reading what taken keys recorded. Returns the plans and the locked contacts, or
/// `None` when a taken key was forgotten before it could be read.
async fn claim_keys_and_lock_contacts(
    client: &ClientWrapper,
    batch: &Batch<'_>,
    statements: &Statements,
    definitions: &[AttributeDefinition],
    reservation: Reservation,
    now: i64,
) -> StoreResult<Option<(Vec<Plan>, Vec<Row>)>> {
    let workspace = batch.workspace;
    let keys: Vec<&str> = batch.keyed.iter().filter_map(|&i| batch.key(i)).collect();
    let claiming = claim_keys(client, &statements.claim, batch, &keys, reservation, now);
    let (external_ids, emails) = lock_parameters(&batch.who);
    let locking = async {
        client
            .query(&statements.lock, &[&workspace, &external_ids, &emails])
            .await
            .pg_context("failed to lock contacts")
    };
    let (claimed, contacts) = try_join(claiming, locking).await?;
    let taken = taken_keys(&keys, &claimed)?;
    let recorded = match taken.is_empty() {
        true => HashMap::new(),
        false => match recorded(client, workspace, &taken, definitions).await? {
            Some(recorded) => recorded,
            // A key was taken, then forgotten (its response erased) before it could be read.
            None => return Ok(None),
        },
    };
    Ok(Some((plan(batch, &recorded), contacts)))
}

/// Runs [`CLAIM_KEYS_AND_DEFINE`] for the first request of each key (`keys`), unless there is
/// nothing to claim or define.
async fn claim_keys(
    client: &ClientWrapper,
    claim: &Statement,
    batch: &Batch<'_>,
    keys: &[&str],
    reservation: Reservation,
    now: i64,
) -> StoreResult<Vec<Row>> {
    if keys.is_empty() && batch.definition_names.is_empty() {
        return Ok(Vec::new());
    }
    let fingerprints: Vec<&str> = batch
        .keyed
        .iter()
        .filter_map(|&i| batch.fingerprint(i))
        .collect();
    let ids: Vec<i64> = batch
        .keyed
        .iter()
        .map(|&i| response_id(reservation, i))
        .collect();
    client
        .query(
            claim,
            &[
                &batch.workspace,
                &keys,
                &fingerprints,
                &ids,
                &now,
                &batch.definition_names,
                &batch.definition_kinds,
                &batch.definition_keys,
            ],
        )
        .await
        .pg_context("failed to claim idempotency keys and define attributes")
}

/// The keys of `keys` that another writer took: those missing from the `claimed` rows.
fn taken_keys<'k>(keys: &[&'k str], claimed: &[Row]) -> StoreResult<Vec<&'k str>> {
    let claimed: HashSet<&str> = claimed
        .iter()
        .map(|row| row.try_get(0))
        .collect::<Result<_, _>>()
        .pg_context("failed to claim idempotency keys")?;
    Ok(keys
        .iter()
        .copied()
        .filter(|key| !claimed.contains(key))
        .collect())
}

/// The requests to write, with their contacts resolved.
struct Created {
    /// The contacts, with every request applied.
    book: ContactBook,
    /// What is left to write to stored contacts.
    changes: ContactChanges,
    /// For each request to write: its index, its contact's place in `book`, and its contact's
    /// attributes as merged up to it.
    requests: Vec<(usize, usize, Attributes)>,
}

/// Step 3: applies the requests to write to their contacts, inserting the new ones. Each
/// response keeps its contact's attributes as merged up to its request.
async fn resolve_contacts(
    client: &ClientWrapper,
    batch: &Batch<'_>,
    plans: &[Plan],
    contacts: &[Row],
    definitions: &[AttributeDefinition],
    now: i64,
) -> StoreResult<Created> {
    let creating: Vec<usize> = (0..plans.len())
        .filter(|&index| matches!(plans[index], Plan::Create))
        .collect();
    let applied: Vec<(Who<'_>, &Attributes)> = creating
        .iter()
        .map(|&index| (batch.who[index], &batch.requests[index].response.attributes))
        .collect();
    let Resolution {
        book,
        placed,
        changes,
        ..
    } = resolve(
        client,
        batch.workspace,
        now,
        contacts,
        definitions,
        &applied,
    )
    .await?;
    let requests = creating
        .into_iter()
        .zip(placed)
        .map(|(index, (contact, merged))| (index, contact, merged))
        .collect();
    Ok(Created {
        book,
        changes,
        requests,
    })
}

/// The responses to insert, as the parameters of [`INSERT_RESPONSES`].
struct ResponseColumns<'a> {
    ids: Vec<i64>,
    surveys: Vec<i64>,
    contact_ids: Vec<i64>,
    scores: Vec<i16>,
    comments: Vec<Option<&'a str>>,
    times: Vec<i64>,
    channels: Vec<&'a str>,
    attributes: Vec<String>,
}

impl<'a> ResponseColumns<'a> {
    fn of(
        batch: &Batch<'a>,
        created: &Created,
        reservation: Reservation,
    ) -> StoreResult<ResponseColumns<'a>> {
        let count = created.requests.len();
        let mut columns = ResponseColumns {
            ids: Vec::with_capacity(count),
            surveys: Vec::with_capacity(count),
            contact_ids: Vec::with_capacity(count),
            scores: Vec::with_capacity(count),
            comments: Vec::with_capacity(count),
            times: Vec::with_capacity(count),
            channels: Vec::with_capacity(count),
            attributes: Vec::with_capacity(count),
        };
        for (index, contact, merged) in &created.requests {
            let response = &batch.requests[*index].response;
            columns.ids.push(response_id(reservation, *index));
            columns.surveys.push(response.survey.0);
            columns.contact_ids.push(created.book.id(*contact)?);
            columns.scores.push(i16::from(response.score.value()));
            columns.comments.push(response.comment.as_deref());
            columns.times.push(response.created_at.as_millisecond());
            columns.channels.push(response.channel.as_str());
            columns.attributes.push(attributes_to_json(merged));
        }
        Ok(columns)
    }
}

/// Step 4: writes back the changed contacts, inserts the responses and commits, in one flight.
async fn insert_and_commit(
    client: &ClientWrapper,
    statements: &Statements,
    batch: &Batch<'_>,
    created: &Created,
    columns: &ResponseColumns<'_>,
    reservation: Reservation,
    now: i64,
) -> StoreResult<()> {
    let workspace = batch.workspace;
    let inserting = async {
        if columns.ids.is_empty() {
            return Ok(0);
        }
        client
            .execute(
                &statements.insert,
                &[
                    &workspace,
                    &reservation.horizon,
                    &columns.ids,
                    &columns.surveys,
                    &columns.contact_ids,
                    &columns.scores,
                    &columns.comments,
                    &columns.times,
                    &columns.channels,
                    &columns.attributes,
                ],
            )
            .await
            .pg_context("failed to write responses")
    };
    let committing = async {
        client
            .batch_execute("COMMIT")
            .await
            .pg_context("failed to commit responses")
    };
    try_join3(
        created
            .changes
            .write(client, &statements.update, workspace, now),
        inserting,
        committing,
    )
    .await?;
    Ok(())
}

/// The responses written, by the index of their request.
fn written(
    batch: &Batch<'_>,
    created: Vec<(usize, usize, Attributes)>,
    columns: &ResponseColumns<'_>,
) -> StoreResult<HashMap<usize, StoredResponse>> {
    let mut written = HashMap::with_capacity(created.len());
    for (position, (index, _, merged)) in created.into_iter().enumerate() {
        let response = &batch.requests[index].response;
        written.insert(
            index,
            StoredResponse {
                id: ResponseId(columns.ids[position]),
                survey: response.survey,
                contact: ContactId(columns.contact_ids[position]),
                score: response.score,
                comment: response.comment.clone(),
                created_at: timestamp(columns.times[position])?,
                channel: response.channel.clone(),
                attributes: merged,
            },
        );
    }
    Ok(written)
}

/// The outcome of each request, in request order.
fn outcomes(
    plans: Vec<Plan>,
    written: HashMap<usize, StoredResponse>,
) -> StoreResult<Vec<IngestOutcome>> {
    let written_for = |index: usize| {
        written
            .get(&index)
            .cloned()
            .ok_or_else(|| other("a response written went missing"))
    };
    plans
        .into_iter()
        .enumerate()
        .map(|(index, plan)| {
            Ok(match plan {
                Plan::Create => IngestOutcome::Created(written_for(index)?),
                Plan::ReplayOf(first) => IngestOutcome::Replayed(written_for(first)?),
                Plan::Replay(response) => IngestOutcome::Replayed(response),
                Plan::KeyReused => IngestOutcome::KeyReused,
            })
        })
        .collect()
}

/// What the keys another writer took recorded, or `None` when one of them has disappeared since
/// (a race with an erasure: the call is then tried again).
async fn recorded(
    client: &ClientWrapper,
    workspace: i64,
    keys: &[&str],
    definitions: &[AttributeDefinition],
) -> StoreResult<Option<HashMap<String, Recorded>>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT k.key, k.fingerprint, k.response_id, {RESPONSE_COLUMNS_OF_R}
             FROM idempotency_keys k
             LEFT JOIN responses r ON r.workspace_id = k.workspace_id AND r.id = k.response_id
             WHERE k.workspace_id = $1 AND k.key = ANY($2::text[])"
        ))
        .await
        .pg_context("failed to prepare reading idempotency keys")?;
    let rows = client
        .query(&statement, &[&workspace, &keys])
        .await
        .pg_context("failed to read idempotency keys")?;
    if rows.len() < keys.len() {
        return Ok(None);
    }
    let context = "failed to read an idempotency key";
    let mut decoder = AttributeDecoder::new(definitions);
    let mut recorded = HashMap::with_capacity(rows.len());
    for row in &rows {
        let key: String = row.try_get(0).pg_context(context)?;
        let response_id: Option<i64> = row.try_get(2).pg_context(context)?;
        let found: Option<i64> = row.try_get(3).pg_context(context)?;
        // A key whose response is gone (which erasure prevents by forgetting the key) cannot
        // be replayed: it is treated like a key used for something else.
        let response = match (response_id, found) {
            (Some(_), Some(_)) => Some(stored_response(row, 3, &mut decoder)?),
            _ => None,
        };
        recorded.insert(
            key,
            Recorded {
                fingerprint: row.try_get(1).pg_context(context)?,
                response,
            },
        );
    }
    Ok(Some(recorded))
}

/// What to do with each request, given what taken keys recorded.
fn plan(batch: &Batch<'_>, recorded: &HashMap<String, Recorded>) -> Vec<Plan> {
    (0..batch.requests.len())
        .map(|index| {
            let (Some(first), Some(key), Some(fingerprint)) = (
                batch.first_with_key[index],
                batch.key(index),
                batch.fingerprint(index),
            ) else {
                return Plan::Create;
            };
            match recorded.get(key) {
                // Recorded by another call: replay it if the request is the same.
                Some(record) => match &record.response {
                    Some(response) if record.fingerprint == fingerprint => {
                        Plan::Replay(response.clone())
                    }
                    _ => Plan::KeyReused,
                },
                // Claimed now by the first request with the key.
                None if first == index => Plan::Create,
                None if batch.fingerprint(first) == Some(fingerprint) => Plan::ReplayOf(first),
                None => Plan::KeyReused,
            }
        })
        .collect()
}
