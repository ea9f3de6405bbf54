//! Idempotency keys: claiming them, reading what keys taken by other writers recorded, and
//! planning what becomes of each request.

use std::collections::{HashMap, HashSet};

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join;
use tokio_postgres::{Row, Statement};
use vouch_store::{AttributeDefinition, StoreResult, StoredResponse};

use super::batch::Batch;
use super::{Statements, response_id};
use crate::contacts::book::lock_parameters;
use crate::error::PgContext;
use crate::ids::Reservation;
use crate::read::{AttributeDecoder, RESPONSE_COLUMNS_OF_R, stored_response};

/// Claims idempotency keys for the responses to be written, in key order, and then records the
/// attribute kinds of the requests to be written: those without a key, and those whose key was
/// claimed (`$6` names, `$7` kinds, `$8` the key of the request giving each, in request order;
/// the first kind given for a name wins). Returns the keys claimed. A key or a definition that
/// another transaction holds makes this wait for it to end.
pub(super) const CLAIM_KEYS_AND_DEFINE: &str = "
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

/// What a key recorded before this call.
pub(super) struct Recorded {
    pub(super) fingerprint: String,
    /// The response it recorded; `None` for a key that holds a saved reply instead.
    pub(super) response: Option<StoredResponse>,
}

/// What becomes of one request.
pub(super) enum Plan {
    Create,
    /// The response written for the earlier request of the batch with the same key.
    ReplayOf(usize),
    Replay(StoredResponse),
    KeyReused,
}

/// Step 2: claims the keys and defines the attributes while locking the contacts; then plans
/// each request, reading what taken keys recorded. Returns the plans and the locked contacts, or
/// `None` when a taken key was forgotten before it could be read.
pub(super) async fn claim_keys_and_lock_contacts(
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
pub(super) async fn claim_keys(
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
pub(super) fn taken_keys<'k>(keys: &[&'k str], claimed: &[Row]) -> StoreResult<Vec<&'k str>> {
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

/// What the keys another writer took recorded, or `None` when one of them has disappeared since
/// (a race with an erasure: the call is then tried again).
pub(super) async fn recorded(
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
pub(super) fn plan(batch: &Batch<'_>, recorded: &HashMap<String, Recorded>) -> Vec<Plan> {
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
