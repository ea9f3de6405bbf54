//! Reading responses, deletions and contacts; erasing a contact (with the follow-up of its
//! responses).
//!
//! # Why a reader never finds an id behind one it has read
//!
//! The analytics index remembers the largest response id it has read and asks for larger ones.
//! Ids are handed out before transactions commit, and transactions commit in any order: an
//! import may take ids 1–1000, another 1001–2000 and commit first. A reader that returned
//! 1001–2000 then would skip 1–1000 forever.
//!
//! Comparing each row's `xmin` with the oldest running transaction
//! (`pg_snapshot_xmin(pg_current_snapshot())`) is not enough: an import is long and writes
//! batch after batch, so an *older* transaction can take ids *after* a younger one did, and
//! commit while the younger one still runs.
//!
//! What is done instead, in three parts:
//! 1. Every writer registers before it takes a transaction id: it holds a shared advisory lock
//!    whose 64-bit key is a lower bound of the transaction id it then takes
//!    (`pg_snapshot_xmax` of its first snapshot), until it ends. See [`crate::responses::import`].
//! 2. Ids are reserved in ranges, one range at a time, by `reserve_response_ids()` (see the
//!    migration), which returns its own, fresh transaction id as the range's *horizon*: larger
//!    than the transaction id of every writer that holds a smaller id. Each row stores it.
//! 3. A reader first computes a *bound*: the smallest key among registered writers, or, when
//!    none is registered, `pg_snapshot_xmax` (no transaction id below it is still unassigned).
//!    Then, in a later statement and so with a later snapshot, it returns rows whose horizon is
//!    at most the bound. Every writer that could hold a smaller id has a transaction id below
//!    that row's horizon, so below the bound, so it was not registered when the bound was
//!    computed: it had ended, and the later snapshot sees all it committed. Horizons grow
//!    with ids, so the rows returned are a prefix of the rows to come, with no gaps.
//!
//! Unlike a test on `pg_snapshot_xmin`, this only waits for Vouch's own writers: an unrelated
//! long transaction elsewhere on the server does not hold the tail back.
//!
//! Erasures are simpler: they are short, so they hold an exclusive advisory lock until they
//! commit, and their sequence numbers become visible in order.

use std::collections::HashMap;

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use vouch_core::{AttributeKind, AttributeValue, Score};
use vouch_store::{
    AttributeDefinition, Attributes, Contact, ContactId, ContactKey, ContactQuery, Deletion,
    ResponseId, StoreError, StoreResult, StoredResponse, SurveyId, WorkspaceId,
    attributes_from_json,
};

use crate::error::{PgContext, other};
use crate::follow_up::ERASE_FOLLOW_UP;
use crate::now_millis;
use crate::row::timestamp;
use crate::workspaces::{SELECT_DEFINITIONS, attribute_definitions, definitions_of_rows};

/// The largest horizon whose rows may be handed out now (part 3 above), as a number.
const READ_BOUND: &str = "
    SELECT least(
        pg_snapshot_xmax(pg_current_snapshot())::text::bigint,
        (SELECT min((l.classid::bigint << 32) | l.objid::bigint)
           FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.objsubid = 1
            AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())))";

/// The columns [`stored_response`] reads, in its order.
pub(crate) const RESPONSE_COLUMNS: &str =
    "id, survey_id, contact_id, score, comment, created_at, channel, attributes";

/// [`RESPONSE_COLUMNS`] of `responses r`, for joins.
pub(crate) const RESPONSE_COLUMNS_OF_R: &str =
    "r.id, r.survey_id, r.contact_id, r.score, r.comment, r.created_at, r.channel, r.attributes";

/// Up to `limit` responses of the workspace after `after`, in id order.
pub(crate) async fn responses_after(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    after: ResponseId,
    survey: Option<SurveyId>,
    limit: usize,
) -> StoreResult<Vec<StoredResponse>> {
    let definitions = attribute_definitions(client, workspace).await?;
    let bound: i64 = client
        .query_one(READ_BOUND, &[])
        .await
        .and_then(|row| row.try_get(0))
        .pg_context("failed to read the writers' horizon")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = match survey {
        None => {
            let statement = client
                .prepare_cached(&format!(
                    "SELECT {RESPONSE_COLUMNS} FROM responses
                     WHERE workspace_id = $1 AND id > $2 AND horizon <= $3::text::xid8
                     ORDER BY id LIMIT $4"
                ))
                .await
                .pg_context("failed to prepare the response page")?;
            client
                .query(
                    &statement,
                    &[&workspace.0, &after.0, &bound.to_string(), &limit],
                )
                .await
        }
        Some(survey) => {
            let statement = client
                .prepare_cached(&format!(
                    "SELECT {RESPONSE_COLUMNS} FROM responses
                     WHERE survey_id = $5 AND id > $2 AND workspace_id = $1
                       AND horizon <= $3::text::xid8
                     ORDER BY id LIMIT $4"
                ))
                .await
                .pg_context("failed to prepare the response page")?;
            let parameters: [&(dyn tokio_postgres::types::ToSql + Sync); 5] = [
                &workspace.0,
                &after.0,
                &bound.to_string(),
                &limit,
                &survey.0,
            ];
            client.query(&statement, &parameters).await
        }
    }
    .pg_context("failed to read responses")?;
    let mut decoder = AttributeDecoder::new(&definitions);
    rows.iter()
        .map(|row| stored_response(row, 0, &mut decoder))
        .collect()
}

/// The response in the columns [`RESPONSE_COLUMNS`] of `row`, the first one at `first`.
pub(crate) fn stored_response<'r>(
    row: &'r Row,
    first: usize,
    decoder: &mut AttributeDecoder<'_, 'r>,
) -> StoreResult<StoredResponse> {
    let context = "failed to read a response";
    let score: i16 = row.try_get(first + 3).pg_context(context)?;
    let created_at: i64 = row.try_get(first + 5).pg_context(context)?;
    Ok(StoredResponse {
        id: ResponseId(row.try_get(first).pg_context(context)?),
        survey: SurveyId(row.try_get(first + 1).pg_context(context)?),
        contact: ContactId(row.try_get(first + 2).pg_context(context)?),
        score: Score::new(score.into())
            .map_err(|error| other(format!("a stored score is invalid: {error}")))?,
        comment: row.try_get(first + 4).pg_context(context)?,
        created_at: timestamp(created_at)?,
        channel: row.try_get(first + 6).pg_context(context)?,
        attributes: decoder.decode(row.try_get(first + 7).pg_context(context)?)?,
    })
}

/// Parses attribute JSON, remembering the last few texts: consecutive responses often carry
/// the same snapshot, and a clone is cheaper than a parse.
pub(crate) struct AttributeDecoder<'d, 'r> {
    definitions: &'d [AttributeDefinition],
    recent: Vec<(&'r str, Attributes)>,
    next_slot: usize,
}

impl<'d, 'r> AttributeDecoder<'d, 'r> {
    const SLOTS: usize = 8;

    /// A decoder that types values by `definitions`.
    pub(crate) fn new(definitions: &'d [AttributeDefinition]) -> Self {
        AttributeDecoder {
            definitions,
            recent: Vec::with_capacity(Self::SLOTS),
            next_slot: 0,
        }
    }

    /// The attributes in `text`.
    pub(crate) fn decode(&mut self, text: &'r str) -> StoreResult<Attributes> {
        if let Some((_, attributes)) = self.recent.iter().find(|(seen, _)| *seen == text) {
            return Ok(attributes.clone());
        }
        let attributes = attributes_from_json(text, self.definitions)
            .map_err(|error| other(format!("a response's attributes are unreadable: {error:#}")))?;
        if self.recent.len() < Self::SLOTS {
            self.recent.push((text, attributes.clone()));
        } else {
            self.recent[self.next_slot] = (text, attributes.clone());
            self.next_slot = (self.next_slot + 1) % Self::SLOTS;
        }
        Ok(attributes)
    }
}

/// The workspace's deletions after the sequence number `after`, in order.
pub(crate) async fn deletions_after(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    after: i64,
) -> StoreResult<Vec<Deletion>> {
    let statement = client
        .prepare_cached(
            "SELECT sequence, response_id FROM response_deletions
             WHERE workspace_id = $1 AND sequence > $2 ORDER BY sequence",
        )
        .await
        .pg_context("failed to prepare the deletion log")?;
    let rows = client
        .query(&statement, &[&workspace.0, &after])
        .await
        .pg_context("failed to read the deletion log")?;
    rows.iter()
        .map(|row| {
            Ok(Deletion {
                sequence: row.try_get(0)?,
                response: ResponseId(row.try_get(1)?),
            })
        })
        .collect::<Result<_, tokio_postgres::Error>>()
        .pg_context("failed to read the deletion log")
}

/// The contact a key names, by the import's rules: by external id, else by an email that no
/// external id claims yet; a key with only an email, by email.
pub(crate) async fn contact(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &ContactKey,
) -> StoreResult<Option<Contact>> {
    let select = "SELECT id, external_id, email, attributes FROM contacts WHERE workspace_id = $1";
    let non_empty = |key: &Option<String>| key.clone().filter(|key| !key.is_empty());
    let found = match (non_empty(&key.external_id), non_empty(&key.email)) {
        (Some(external_id), email) => {
            let sql = format!("{select} AND external_id = $2");
            let by_external_id = find_contact(client, &sql, workspace, &external_id).await?;
            match (by_external_id, email) {
                (None, Some(email)) => {
                    let sql = format!("{select} AND email = $2 AND external_id IS NULL");
                    find_contact(client, &sql, workspace, &email).await?
                }
                (found, _) => found,
            }
        }
        (None, Some(email)) => {
            let sql = format!("{select} AND email = $2");
            find_contact(client, &sql, workspace, &email).await?
        }
        (None, None) => None,
    };
    let Some(row) = found else { return Ok(None) };
    let definitions = attribute_definitions(client, workspace).await?;
    contact_of_row(&row, &definitions).map(Some)
}

/// The contact in the columns `id, external_id, email, attributes` of `row`.
pub(crate) fn contact_of_row(
    row: &Row,
    definitions: &[AttributeDefinition],
) -> StoreResult<Contact> {
    let context = "failed to read a contact";
    let attributes = attributes_from_json(row.try_get(3).pg_context(context)?, definitions)
        .map_err(|error| other(format!("a contact's attributes are unreadable: {error:#}")))?;
    Ok(Contact {
        id: ContactId(row.try_get(0).pg_context(context)?),
        external_id: row.try_get(1).pg_context(context)?,
        email: row.try_get(2).pg_context(context)?,
        attributes,
    })
}

/// The contacts of these ids in the workspace, in id order.
pub(crate) async fn contacts_by_ids(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    ids: &[ContactId],
) -> StoreResult<Vec<Contact>> {
    let ids: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let (rows, definitions) = try_join(
        client.query(
            "SELECT id, external_id, email, attributes FROM contacts
             WHERE workspace_id = $1 AND id = ANY($2) ORDER BY id",
            &[&workspace.0, &ids],
        ),
        client.query(SELECT_DEFINITIONS, &[&workspace.0]),
    )
    .await
    .pg_context("failed to read contacts")?;
    let definitions = definitions_of_rows(&definitions)?;
    rows.iter()
        .map(|row| contact_of_row(row, &definitions))
        .collect()
}

/// The contact with this id in the workspace.
pub(crate) async fn contact_by_id(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: ContactId,
) -> StoreResult<Option<Contact>> {
    let (statement, definitions) = try_join(
        client.prepare_cached(
            "SELECT id, external_id, email, attributes FROM contacts
             WHERE workspace_id = $1 AND id = $2",
        ),
        client.prepare_cached(SELECT_DEFINITIONS),
    )
    .await
    .pg_context("failed to prepare the contact lookup")?;
    let (row, definitions) = try_join(
        client.query_opt(&statement, &[&workspace.0, &id.0]),
        client.query(&definitions, &[&workspace.0]),
    )
    .await
    .pg_context("failed to read a contact")?;
    let Some(row) = row else { return Ok(None) };
    contact_of_row(&row, &definitions_of_rows(&definitions)?).map(Some)
}

/// A page of the workspace's contacts without filters: `$1` workspace, `$2` cursor, `$3` limit.
const CONTACT_PAGE: &str = "
    SELECT id, external_id, email, attributes FROM contacts
    WHERE workspace_id = $1 AND id > $2
    ORDER BY id LIMIT $3";

/// A page of the workspace's contacts whose attributes have the values `$4` names, `$5`
/// canonical values, `$6` the values as numbers (NULL when a value is no number). A stored
/// number matches a value equal as a number (`3` and `3.0`), a stored boolean its name in any
/// case, anything else (text, dates) the same text.
const FILTERED_CONTACT_PAGE: &str = "
    SELECT c.id, c.external_id, c.email, c.attributes
    FROM contacts c CROSS JOIN LATERAL (SELECT c.attributes::jsonb AS attributes) j
    WHERE c.workspace_id = $1 AND c.id > $2
      AND NOT EXISTS (
          SELECT 1 FROM unnest($4::text[], $5::text[], $6::float8[]) AS f (name, value, number)
          WHERE NOT coalesce(
              CASE jsonb_typeof(j.attributes -> f.name)
                  WHEN 'number' THEN (j.attributes -> f.name)::float8 = f.number
                  WHEN 'boolean' THEN (j.attributes ->> f.name) = lower(f.value)
                  ELSE (j.attributes ->> f.name) = f.value
              END,
              false))
    ORDER BY c.id LIMIT $3";

/// A page of contacts; see [`vouch_store::ContactQuery`].
pub(crate) async fn contacts(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    query: &ContactQuery,
) -> StoreResult<Vec<Contact>> {
    let sql = match query.filters.is_empty() {
        true => CONTACT_PAGE,
        false => FILTERED_CONTACT_PAGE,
    };
    let (statement, definitions) = try_join(
        client.prepare_cached(sql),
        client.prepare_cached(SELECT_DEFINITIONS),
    )
    .await
    .pg_context("failed to prepare the contact page")?;
    let after = query.after.map_or(0, |id| id.0);
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let names: Vec<&str> = query
        .filters
        .iter()
        .map(|(name, _)| name.as_str())
        .collect();
    let values: Vec<&str> = query
        .filters
        .iter()
        .map(|(_, value)| value.as_str())
        .collect();
    let numbers: Vec<Option<f64>> = values
        .iter()
        .map(
            |value| match AttributeValue::parse_as(value, AttributeKind::Number) {
                Ok(AttributeValue::Number(number)) => Some(number),
                _ => None,
            },
        )
        .collect();
    let page = async {
        match query.filters.is_empty() {
            true => {
                client
                    .query(&statement, &[&workspace.0, &after, &limit])
                    .await
            }
            false => {
                let parameters: [&(dyn ToSql + Sync); 6] =
                    [&workspace.0, &after, &limit, &names, &values, &numbers];
                client.query(&statement, &parameters).await
            }
        }
    };
    let (rows, definitions) = try_join(page, client.query(&definitions, &[&workspace.0]))
        .await
        .pg_context("failed to read contacts")?;
    let definitions = definitions_of_rows(&definitions)?;
    rows.iter()
        .map(|row| contact_of_row(row, &definitions))
        .collect()
}

/// Responses of the workspace chosen by `condition` (on `responses`, parameters from `$2`, the
/// workspace being `$1`), ordered by `order`.
async fn responses_where(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    condition: &str,
    order: &str,
    parameters: &[&(dyn ToSql + Sync)],
) -> StoreResult<Vec<StoredResponse>> {
    let sql = format!(
        "SELECT {RESPONSE_COLUMNS} FROM responses WHERE workspace_id = $1 AND {condition} {order}"
    );
    let (statement, definitions) = try_join(
        client.prepare_cached(&sql),
        client.prepare_cached(SELECT_DEFINITIONS),
    )
    .await
    .pg_context("failed to prepare the response lookup")?;
    let mut all: Vec<&(dyn ToSql + Sync)> = vec![&workspace.0];
    all.extend_from_slice(parameters);
    let (rows, definitions) = try_join(
        client.query(&statement, &all),
        client.query(&definitions, &[&workspace.0]),
    )
    .await
    .pg_context("failed to read responses")?;
    let definitions = definitions_of_rows(&definitions)?;
    let mut decoder = AttributeDecoder::new(&definitions);
    rows.iter()
        .map(|row| stored_response(row, 0, &mut decoder))
        .collect()
}

/// One response of the workspace.
pub(crate) async fn response(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    id: ResponseId,
) -> StoreResult<Option<StoredResponse>> {
    let found = responses_where(client, workspace, "id = $2", "", &[&id.0]).await?;
    Ok(found.into_iter().next())
}

/// The workspace's responses with these ids, in the order given.
pub(crate) async fn responses_by_ids(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    ids: &[ResponseId],
) -> StoreResult<Vec<StoredResponse>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let wanted: Vec<i64> = ids.iter().map(|id| id.0).collect();
    let found =
        responses_where(client, workspace, "id = ANY($2::bigint[])", "", &[&wanted]).await?;
    let by_id: HashMap<ResponseId, StoredResponse> = found
        .into_iter()
        .map(|response| (response.id, response))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.get(id).cloned()).collect())
}

/// Every response a contact gave, oldest first.
pub(crate) async fn contact_responses(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<Vec<StoredResponse>> {
    responses_where(
        client,
        workspace,
        "contact_id = $2",
        "ORDER BY created_at, id",
        &[&contact.0],
    )
    .await
}

async fn find_contact(
    client: &ClientWrapper,
    sql: &str,
    workspace: WorkspaceId,
    value: &str,
) -> StoreResult<Option<Row>> {
    let statement = client
        .prepare_cached(sql)
        .await
        .pg_context("failed to prepare the contact lookup")?;
    client
        .query_opt(&statement, &[&workspace.0, &value])
        .await
        .pg_context("failed to read a contact")
}

/// Erases a contact, its responses and their follow-up (workflow, tags, notes), logging one
/// deletion per response, in one transaction.
pub(crate) async fn delete_contact(
    client: &mut ClientWrapper,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<u64> {
    let transaction = client
        .transaction()
        .await
        .pg_context("failed to start erasing a contact")?;
    // Held until commit, so that deletion sequence numbers become visible in order.
    transaction
        .execute("SELECT pg_advisory_xact_lock(1987011, 2)", &[])
        .await
        .pg_context("failed to wait for other erasures")?;
    let found = transaction
        .query_opt(
            "SELECT 1 FROM contacts WHERE id = $1 AND workspace_id = $2 FOR UPDATE",
            &[&contact.0, &workspace.0],
        )
        .await
        .pg_context("failed to read a contact")?;
    if found.is_none() {
        return Err(StoreError::NotFound(format!("contact {}", contact.0)));
    }
    // Keys of erased responses are forgotten: they could not be replayed, and their fingerprint
    // is a digest of what the person sent.
    transaction
        .execute(
            "DELETE FROM idempotency_keys
             WHERE workspace_id = $2 AND response_id IN (
                 SELECT id FROM responses WHERE contact_id = $1 AND workspace_id = $2
             )",
            &[&contact.0, &workspace.0],
        )
        .await
        .pg_context("failed to forget the contact's idempotency keys")?;
    // Locked in id order first, as writers of follow-up that lock several responses do (see
    // the `tags` module), so that the two wait for each other without deadlocking.
    transaction
        .execute(
            "SELECT id FROM responses WHERE contact_id = $1 AND workspace_id = $2
             ORDER BY id FOR UPDATE",
            &[&contact.0, &workspace.0],
        )
        .await
        .pg_context("failed to lock the contact's responses")?;
    crate::outbox::contact_erased(&transaction, workspace.0, contact.0, now_millis()).await?;
    let erased: Vec<i64> = transaction
        .query(
            "WITH erased AS (
                 DELETE FROM responses WHERE contact_id = $1 AND workspace_id = $2 RETURNING id
             ),
             logged AS (
                 INSERT INTO response_deletions (workspace_id, response_id, deleted_at)
                 SELECT $2, id, $3 FROM erased ORDER BY id
             )
             SELECT id FROM erased",
            &[&contact.0, &workspace.0, &now_millis()],
        )
        .await
        .and_then(|rows| rows.iter().map(|row| row.try_get(0)).collect())
        .pg_context("failed to erase the contact's responses")?;
    // The team's follow-up and notes of the erased responses go too. This comes after the
    // responses were deleted, in a statement of its own: deleting them waited for whoever was
    // writing their follow-up (which locks the response), and this statement's snapshot sees
    // what they committed (see the `follow_up` module).
    if !erased.is_empty() {
        transaction
            .execute(ERASE_FOLLOW_UP, &[&workspace.0, &erased])
            .await
            .pg_context("failed to erase the follow-up of the contact's responses")?;
    }
    transaction
        .execute("DELETE FROM contacts WHERE id = $1", &[&contact.0])
        .await
        .pg_context("failed to erase the contact")?;
    transaction
        .commit()
        .await
        .pg_context("failed to commit the erasure")?;
    Ok(erased.len() as u64)
}
