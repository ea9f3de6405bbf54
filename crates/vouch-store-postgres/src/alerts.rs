//! Alerts (`alerts`) and the alerts queued about responses (`alert_deliveries`, filled by
//! [`crate::outbox`]), claimed like webhook messages (`FOR UPDATE SKIP LOCKED`).

use tokio_postgres::Row;
use vouch_store::{
    Alert, AlertId, AlertSent, DeliveryOutcome, DueAlert, NewAlert, ResponseId, StoreError,
    StoreResult, WorkspaceId,
};

use crate::PostgresStore;
use crate::error::PgContext;
use crate::row::timestamp;
use crate::webhooks::{bound_column, count, outcome_columns, score_bound, status};

/// The columns [`alert`] reads, for `alerts a`.
const ALERT_COLUMNS: &str = "a.id, a.workspace_id, a.name, a.max_score, a.tag, \
     a.where_attribute, a.where_value, a.emails, a.slack_url, a.created_at";

/// How many columns [`ALERT_COLUMNS`] has.
const ALERT_WIDTH: usize = 10;

fn alert(row: &Row) -> StoreResult<Alert> {
    let context = "failed to read an alert";
    let attribute: Option<String> = row.try_get(5).pg_context(context)?;
    let value: Option<String> = row.try_get(6).pg_context(context)?;
    let emails: &str = row.try_get(7).pg_context(context)?;
    Ok(Alert {
        id: AlertId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        rule: NewAlert {
            name: row.try_get(2).pg_context(context)?,
            max_score: score_bound(row, 3)?,
            tag: row.try_get(4).pg_context(context)?,
            filter: attribute.zip(value),
            emails: emails
                .split(',')
                .filter(|email| !email.is_empty())
                .map(str::to_owned)
                .collect(),
            slack_url: row.try_get(8).pg_context(context)?,
        },
        created_at: timestamp(row.try_get(9).pg_context(context)?)?,
    })
}

pub(crate) async fn create(
    store: &PostgresStore,
    workspace: WorkspaceId,
    new: &NewAlert,
    at: i64,
) -> StoreResult<Alert> {
    let (attribute, value) = new.filter.clone().unzip();
    let client = store.client().await?;
    let row = client
        .query_one(
            &format!(
                "INSERT INTO alerts AS a
                     (workspace_id, name, max_score, tag, where_attribute, where_value, emails,
                      slack_url, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                 RETURNING {ALERT_COLUMNS}"
            ),
            &[
                &workspace.0,
                &new.name,
                &bound_column(new.max_score),
                &new.tag,
                &attribute,
                &value,
                &new.emails.join(","),
                &new.slack_url,
                &at,
            ],
        )
        .await
        .pg_context("failed to create an alert")
        .map_err(|error| match error {
            StoreError::Conflict(_) => {
                StoreError::Conflict(format!("an alert named {:?} exists", new.name))
            }
            StoreError::NotFound(_) => StoreError::NotFound(format!("workspace {}", workspace.0)),
            other => other,
        })?;
    alert(&row)
}

pub(crate) async fn list(store: &PostgresStore, workspace: WorkspaceId) -> StoreResult<Vec<Alert>> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!(
                "SELECT {ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = $1 ORDER BY a.id"
            ),
            &[&workspace.0],
        )
        .await
        .pg_context("failed to read the alerts")?;
    rows.iter().map(alert).collect()
}

pub(crate) async fn delete(
    store: &PostgresStore,
    workspace: WorkspaceId,
    id: AlertId,
) -> StoreResult<()> {
    let client = store.client().await?;
    // What it queued goes with it (ON DELETE CASCADE).
    let deleted = client
        .execute(
            "DELETE FROM alerts WHERE id = $1 AND workspace_id = $2",
            &[&id.0, &workspace.0],
        )
        .await
        .pg_context("failed to delete an alert")?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("alert {}", id.0)));
    }
    Ok(())
}

pub(crate) async fn sent(
    store: &PostgresStore,
    workspace: WorkspaceId,
    id: AlertId,
    limit: usize,
) -> StoreResult<Vec<AlertSent>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let client = store.client().await?;
    let rows = client
        .query(
            "SELECT response_id, status, attempts, last_error, created_at FROM alert_deliveries
             WHERE alert_id = $1 AND workspace_id = $2 ORDER BY id DESC LIMIT $3",
            &[&id.0, &workspace.0, &limit],
        )
        .await
        .pg_context("failed to read an alert's messages")?;
    rows.iter()
        .map(|row| {
            let context = "failed to read an alert's message";
            Ok(AlertSent {
                response: ResponseId(row.try_get(0).pg_context(context)?),
                status: status(row, 1)?,
                attempts: count(row, 2)?,
                last_error: row.try_get(3).pg_context(context)?,
                created_at: timestamp(row.try_get(4).pg_context(context)?)?,
            })
        })
        .collect()
}

pub(crate) async fn claim(
    store: &PostgresStore,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> StoreResult<Vec<DueAlert>> {
    let client = store.client().await?;
    let rows = client
        .query(
            &format!(
                "WITH due AS MATERIALIZED (
                     SELECT id FROM alert_deliveries
                     WHERE status = 'pending' AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id
                     LIMIT $3
                     FOR UPDATE SKIP LOCKED),
                 claimed AS (
                     UPDATE alert_deliveries AS q
                     SET attempts = q.attempts + 1, next_attempt_at = $2, updated_at = $1
                     FROM due WHERE q.id = due.id
                     RETURNING q.*)
                 SELECT {ALERT_COLUMNS}, q.id, q.response_id, q.attempts, q.created_at
                 FROM claimed q JOIN alerts a ON a.id = q.alert_id
                 ORDER BY q.id"
            ),
            &[&now, &lease_until, &limit],
        )
        .await
        .pg_context("failed to claim alerts")?;
    rows.iter()
        .map(|row| {
            let context = "failed to read a claimed alert";
            Ok(DueAlert {
                alert: alert(row)?,
                id: row.try_get(ALERT_WIDTH).pg_context(context)?,
                response: ResponseId(row.try_get(ALERT_WIDTH + 1).pg_context(context)?),
                attempts: count(row, ALERT_WIDTH + 2)?,
                created_at: timestamp(row.try_get(ALERT_WIDTH + 3).pg_context(context)?)?,
            })
        })
        .collect()
}

pub(crate) async fn record(
    store: &PostgresStore,
    id: i64,
    outcome: &DeliveryOutcome,
    error: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    let (status, next) = outcome_columns(outcome, at);
    store
        .client()
        .await?
        .execute(
            "UPDATE alert_deliveries
             SET status = $2, next_attempt_at = $3, last_error = $4, updated_at = $5
             WHERE id = $1",
            &[&id, &status, &next, &error, &at],
        )
        .await
        .pg_context("failed to settle an alert")?;
    Ok(())
}
