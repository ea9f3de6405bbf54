//! What answer collection keeps besides invitations and campaigns: the link secret, email
//! suppressions, widget keys, and who may be asked now (the throttle).

use deadpool_postgres::ClientWrapper;
use futures_util::future::try_join;
use jiff::Timestamp;
use rand::RngCore;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;
use vouch_core::{AttributeKind, AttributeValue};
use vouch_store::{
    Contact, ContactId, Eligibility, NewWidgetKey, StoreError, StoreResult, SuppressionReason,
    WidgetKey, WidgetKeyId, WorkspaceId,
};

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::read::contact_of_row;
use crate::row::timestamp;
use crate::workspaces::{SELECT_DEFINITIONS, definitions_of_rows};

/// The name of the secret that signs survey links.
const LINK_SECRET: &str = "link";

/// Bytes of a new link secret.
const SECRET_BYTES: usize = 32;

/// The link secret, made at random by the first server to ask. Of two servers asking at once,
/// one inserts and the other's insert waits for it and then does nothing: both read the same.
pub(crate) async fn link_secret(client: &ClientWrapper) -> StoreResult<Vec<u8>> {
    let select = "SELECT value FROM server_secrets WHERE name = $1";
    if let Some(row) = client
        .query_opt(select, &[&LINK_SECRET])
        .await
        .pg_context("failed to read the link secret")?
    {
        return row.try_get(0).pg_context("failed to read the link secret");
    }
    let mut secret = vec![0u8; SECRET_BYTES];
    rand::rng().fill_bytes(&mut secret);
    client
        .execute(
            "INSERT INTO server_secrets (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
            &[&LINK_SECRET, &secret, &now_millis()],
        )
        .await
        .pg_context("failed to store the link secret")?;
    client
        .query_one(select, &[&LINK_SECRET])
        .await
        .and_then(|row| row.try_get(0))
        .pg_context("failed to read the link secret")
}

/// An address as suppressions are kept: trimmed, ASCII letters in lower case. PostgreSQL's
/// `lower()` of the contacts' `COLLATE "C"` emails changes the same letters, and SQLite's
/// `lower()` too ([`vouch_core::email::normalise`]).
pub(crate) fn suppression_key(email: &str) -> String {
    vouch_core::email::normalise(email)
}

/// Suppresses address `$2` of workspace `$1` for reason `$3` at `$4`, keeping the first reason
/// given; a new unsubscription queues its `contact.unsubscribed` messages in the same
/// statement.
const SUPPRESS: &str = "
    WITH suppressed AS (
        INSERT INTO email_suppressions (workspace_id, email, reason, created_at)
        VALUES ($1, $2, $3, $4) ON CONFLICT (workspace_id, email) DO NOTHING
        RETURNING workspace_id, email, reason)
    INSERT INTO webhook_deliveries
        (workspace_id, webhook_id, event, email, status, next_attempt_at, created_at, updated_at)
    SELECT w.workspace_id, w.id, 'contact.unsubscribed', s.email, 'pending', $4, $4, $4
    FROM suppressed s
    JOIN webhooks w ON w.workspace_id = s.workspace_id AND w.disabled IS NULL
        AND strpos(w.events, ',contact.unsubscribed,') > 0
    WHERE s.reason = 'unsubscribed'";

/// Suppresses an address, keeping the first reason given.
pub(crate) async fn suppress_email(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    email: &str,
    reason: SuppressionReason,
    at: Timestamp,
) -> StoreResult<()> {
    client
        .execute(
            SUPPRESS,
            &[
                &workspace.0,
                &suppression_key(email),
                &reason.as_str(),
                &at.as_millisecond(),
            ],
        )
        .await
        .pg_context("failed to suppress an address")?;
    Ok(())
}

/// Why the address is suppressed, if it is.
pub(crate) async fn suppression(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    email: &str,
) -> StoreResult<Option<SuppressionReason>> {
    let row = client
        .query_opt(
            "SELECT reason FROM email_suppressions WHERE workspace_id = $1 AND email = $2",
            &[&workspace.0, &suppression_key(email)],
        )
        .await
        .pg_context("failed to read a suppression")?;
    let Some(row) = row else { return Ok(None) };
    let reason: &str = row.try_get(0).pg_context("failed to read a suppression")?;
    SuppressionReason::parse(reason)
        .map(Some)
        .ok_or_else(|| other(format!("a suppression has an unknown reason {reason:?}")))
}

/// When the contact was last invited or answered, whichever is later.
pub(crate) async fn last_surveyed(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    contact: ContactId,
) -> StoreResult<Option<Timestamp>> {
    let statement = client
        .prepare_cached(
            "SELECT greatest(
                 (SELECT max(created_at) FROM invitations
                   WHERE contact_id = $2 AND workspace_id = $1),
                 (SELECT max(created_at) FROM responses
                   WHERE contact_id = $2 AND workspace_id = $1))",
        )
        .await
        .pg_context("failed to prepare reading when a contact was surveyed")?;
    let latest: Option<i64> = client
        .query_one(&statement, &[&workspace.0, &contact.0])
        .await
        .and_then(|row| row.try_get(0))
        .pg_context("failed to read when a contact was surveyed")?;
    latest.map(timestamp).transpose()
}

/// Contacts that may be asked now: `$1` workspace, `$2` cursor, `$3` limit; filters as in
/// `read::FILTERED_CONTACT_PAGE` (`$4` names, `$5` canonical values, `$6` numbers), except that
/// values of the same attribute are alternatives (each attribute named must match one of its
/// values); `$7` the start of the throttle window; `$8` a campaign and `$9` the start of its
/// cycle (NULL for none); `$10` whether an email that is not suppressed is needed.
///
/// The throttle subqueries are ranges of `invitations (contact_id, created_at)` and of
/// `responses (contact_id)`, one per contact looked at.
const ELIGIBLE_CONTACTS: &str = "
    SELECT c.id, c.external_id, c.email, c.attributes
    FROM contacts c CROSS JOIN LATERAL (SELECT c.attributes::jsonb AS attributes) j
    WHERE c.workspace_id = $1 AND c.id > $2
      AND NOT EXISTS (
          SELECT 1 FROM unnest($4::text[], $5::text[], $6::float8[]) AS f (name, value, number)
          GROUP BY f.name
          HAVING NOT bool_or(coalesce(
              CASE jsonb_typeof(j.attributes -> f.name)
                  WHEN 'number' THEN (j.attributes -> f.name)::float8 = f.number
                  WHEN 'boolean' THEN (j.attributes ->> f.name) = lower(f.value)
                  ELSE (j.attributes ->> f.name) = f.value
              END,
              false)))
      AND NOT EXISTS (
          SELECT 1 FROM invitations i WHERE i.contact_id = c.id AND i.created_at >= $7)
      AND NOT EXISTS (
          SELECT 1 FROM responses r
          WHERE r.contact_id = c.id AND r.workspace_id = $1 AND r.created_at >= $7)
      AND ($8::bigint IS NULL OR NOT EXISTS (
          SELECT 1 FROM invitations i
          WHERE i.contact_id = c.id AND i.campaign_id = $8 AND i.created_at >= $9))
      AND (NOT $10::boolean OR (c.email IS NOT NULL AND NOT EXISTS (
          SELECT 1 FROM email_suppressions s
          WHERE s.workspace_id = $1 AND s.email = lower(c.email))))
    ORDER BY c.id LIMIT $3";

/// Contacts that may be asked now; see [`vouch_store::ContactStore::eligible_contacts`].
pub(crate) async fn eligible_contacts(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    query: &Eligibility,
) -> StoreResult<Vec<Contact>> {
    let (statement, definitions) = try_join(
        client.prepare_cached(ELIGIBLE_CONTACTS),
        client.prepare_cached(SELECT_DEFINITIONS),
    )
    .await
    .pg_context("failed to prepare the eligible contacts")?;
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
    let since = query.not_surveyed_since.as_millisecond();
    let campaign = query.campaign.map(|(campaign, _)| campaign.0);
    let cycle = query.campaign.map(|(_, since)| since.as_millisecond());
    let parameters: [&(dyn ToSql + Sync); 10] = [
        &workspace.0,
        &after,
        &limit,
        &names,
        &values,
        &numbers,
        &since,
        &campaign,
        &cycle,
        &query.need_email,
    ];
    let (rows, definitions) = try_join(
        client.query(&statement, &parameters),
        client.query(&definitions, &[&workspace.0]),
    )
    .await
    .pg_context("failed to read the eligible contacts")?;
    let definitions = definitions_of_rows(&definitions)?;
    rows.iter()
        .map(|row| contact_of_row(row, &definitions))
        .collect()
}

/// The columns [`widget_key_of_row`] reads, in its order.
const WIDGET_KEY_COLUMNS: &str = "id, workspace_id, survey_id, key, origins, sample, \
     min_account_age_days, created_at, revoked_at";

/// The widget key in the [`WIDGET_KEY_COLUMNS`] of `row`.
fn widget_key_of_row(row: &Row) -> StoreResult<WidgetKey> {
    let context = "failed to read a widget key";
    let origins: &str = row.try_get(4).pg_context(context)?;
    let min_account_age_days: i32 = row.try_get(6).pg_context(context)?;
    let revoked_at: Option<i64> = row.try_get(8).pg_context(context)?;
    Ok(WidgetKey {
        id: WidgetKeyId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        survey: vouch_store::SurveyId(row.try_get(2).pg_context(context)?),
        key: row.try_get(3).pg_context(context)?,
        origins: serde_json::from_str(origins)
            .map_err(|error| other(format!("a widget key's origins are unreadable: {error}")))?,
        sample: row.try_get(5).pg_context(context)?,
        min_account_age_days: min_account_age_days.unsigned_abs(),
        created_at: timestamp(row.try_get(7).pg_context(context)?)?,
        revoked_at: revoked_at.map(timestamp).transpose()?,
    })
}

/// A whole number of days as stored.
pub(crate) fn days_column(days: u32) -> StoreResult<i32> {
    i32::try_from(days).map_err(|_| other(format!("{days} days is too long")))
}

/// Stores a widget key for a survey of the workspace; a key that exists is a `Conflict`.
pub(crate) async fn create_widget_key(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &NewWidgetKey,
) -> StoreResult<WidgetKey> {
    let origins = serde_json::to_string(&key.origins)
        .map_err(|error| other(format!("failed to write a widget key's origins: {error}")))?;
    let inserted = client
        .query_opt(
            &format!(
                "INSERT INTO widget_keys
                     (workspace_id, survey_id, key, origins, sample, min_account_age_days,
                      created_at)
                 SELECT $1, s.id, $3, $4, $5, $6, $7 FROM surveys s
                 WHERE s.id = $2 AND s.workspace_id = $1
                 RETURNING {WIDGET_KEY_COLUMNS}"
            ),
            &[
                &workspace.0,
                &key.survey.0,
                &key.key,
                &origins,
                &key.sample,
                &days_column(key.min_account_age_days)?,
                &now_millis(),
            ],
        )
        .await;
    match inserted.pg_context("failed to store a widget key") {
        Ok(Some(row)) => widget_key_of_row(&row),
        Ok(None) => Err(StoreError::NotFound(format!("survey {}", key.survey.0))),
        Err(StoreError::Conflict(_)) => Err(StoreError::Conflict(format!(
            "the widget key {:?} exists",
            key.key
        ))),
        Err(error) => Err(error),
    }
}

/// The widget key with this public key, in any workspace.
pub(crate) async fn widget_key(
    client: &ClientWrapper,
    key: &str,
) -> StoreResult<Option<WidgetKey>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {WIDGET_KEY_COLUMNS} FROM widget_keys WHERE key = $1"
        ))
        .await
        .pg_context("failed to prepare the widget key lookup")?;
    let row = client
        .query_opt(&statement, &[&key])
        .await
        .pg_context("failed to read a widget key")?;
    row.as_ref().map(widget_key_of_row).transpose()
}

/// Every widget key of the workspace, oldest first.
pub(crate) async fn widget_keys(
    client: &ClientWrapper,
    workspace: WorkspaceId,
) -> StoreResult<Vec<WidgetKey>> {
    let rows = client
        .query(
            &format!(
                "SELECT {WIDGET_KEY_COLUMNS} FROM widget_keys WHERE workspace_id = $1 ORDER BY id"
            ),
            &[&workspace.0],
        )
        .await
        .pg_context("failed to list widget keys")?;
    rows.iter().map(widget_key_of_row).collect()
}

/// Revokes a widget key of the workspace (revoking again keeps the first time).
pub(crate) async fn revoke_widget_key(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    key: &str,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE widget_keys SET revoked_at = coalesce(revoked_at, $3)
             WHERE workspace_id = $1 AND key = $2",
            &[&workspace.0, &key, &now_millis()],
        )
        .await
        .pg_context("failed to revoke a widget key")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("widget key {key:?}"))),
        _ => Ok(()),
    }
}
