//! Alerts (`alerts`) and the alerts queued about responses (`alert_deliveries`, filled by
//! [`crate::outbox`]).

use rusqlite::{Connection, TransactionBehavior};
use vouch_store::{
    Alert, AlertId, AlertSent, DeliveryOutcome, DueAlert, NewAlert, ResponseId, StoreError,
    StoreResult, WorkspaceId,
};

use crate::error::{SqlContext, is_unique_violation};
use crate::row::{conversion_error, timestamp};
use crate::webhooks::{outcome_columns, status};

/// The columns [`alert`] reads, for `alerts a`.
const ALERT_COLUMNS: &str = "a.id, a.workspace_id, a.name, a.max_score, a.tag, \
     a.where_attribute, a.where_value, a.emails, a.slack_url, a.created_at";

/// How many columns [`ALERT_COLUMNS`] has.
const ALERT_WIDTH: usize = 10;

fn alert(row: &rusqlite::Row<'_>) -> rusqlite::Result<Alert> {
    let max_score: Option<i64> = row.get(3)?;
    let max_score = max_score
        .map(|score| u8::try_from(score).map_err(|_| conversion_error(3, "a bad score")))
        .transpose()?;
    let attribute: Option<String> = row.get(5)?;
    let value: Option<String> = row.get(6)?;
    let emails: String = row.get(7)?;
    Ok(Alert {
        id: AlertId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        rule: NewAlert {
            name: row.get(2)?,
            max_score,
            tag: row.get(4)?,
            filter: attribute.zip(value),
            emails: emails
                .split(',')
                .filter(|email| !email.is_empty())
                .map(str::to_owned)
                .collect(),
            slack_url: row.get(8)?,
        },
        created_at: timestamp(row, 9)?,
    })
}

pub(crate) fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewAlert,
    at: i64,
) -> StoreResult<Alert> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    let (attribute, value) = new.filter.clone().unzip();
    connection
        .query_row(
            &format!(
                "INSERT INTO alerts
                     (workspace_id, name, max_score, tag, where_attribute, where_value, emails,
                      slack_url, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 RETURNING {returning}",
                returning = ALERT_COLUMNS.replace("a.", "")
            ),
            (
                workspace.0,
                &new.name,
                new.max_score,
                &new.tag,
                attribute,
                value,
                new.emails.join(","),
                &new.slack_url,
                at,
            ),
            alert,
        )
        .map_err(|error| {
            if is_unique_violation(&error) {
                StoreError::Conflict(format!("an alert named {:?} exists", new.name))
            } else {
                StoreError::Other(anyhow::Error::new(error).context("failed to create an alert"))
            }
        })
}

pub(crate) fn list(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<Alert>> {
    connection
        .prepare_cached(&format!(
            "SELECT {ALERT_COLUMNS} FROM alerts a WHERE a.workspace_id = ?1 ORDER BY a.id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], alert)
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the alerts")
}

pub(crate) fn delete(
    connection: &mut Connection,
    workspace: WorkspaceId,
    id: AlertId,
) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start deleting an alert")?;
    transaction
        .execute(
            "DELETE FROM alert_deliveries WHERE alert_id IN
                 (SELECT id FROM alerts WHERE id = ?1 AND workspace_id = ?2)",
            (id.0, workspace.0),
        )
        .sql_context("failed to delete an alert's messages")?;
    let deleted = transaction
        .execute(
            "DELETE FROM alerts WHERE id = ?1 AND workspace_id = ?2",
            (id.0, workspace.0),
        )
        .sql_context("failed to delete an alert")?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("alert {}", id.0)));
    }
    transaction
        .commit()
        .sql_context("failed to commit deleting an alert")
}

pub(crate) fn sent(
    connection: &Connection,
    workspace: WorkspaceId,
    id: AlertId,
    limit: usize,
) -> StoreResult<Vec<AlertSent>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    connection
        .prepare_cached(
            "SELECT response_id, status, attempts, last_error, created_at FROM alert_deliveries
             WHERE alert_id = ?1 AND workspace_id = ?2 ORDER BY id DESC LIMIT ?3",
        )
        .and_then(|mut statement| {
            statement
                .query_map((id.0, workspace.0, limit), |row| {
                    let attempts: i64 = row.get(2)?;
                    Ok(AlertSent {
                        response: ResponseId(row.get(0)?),
                        status: status(row, 1)?,
                        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                        last_error: row.get(3)?,
                        created_at: timestamp(row, 4)?,
                    })
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read an alert's messages")
}

pub(crate) fn claim(
    connection: &mut Connection,
    now: i64,
    lease_until: i64,
    limit: usize,
) -> StoreResult<Vec<DueAlert>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start claiming alerts")?;
    let ids: Vec<i64> = transaction
        .prepare_cached(
            "UPDATE alert_deliveries
             SET attempts = attempts + 1, next_attempt_at = ?2, updated_at = ?1
             WHERE id IN (SELECT id FROM alert_deliveries
                          WHERE status = 'pending' AND next_attempt_at <= ?1
                          ORDER BY next_attempt_at, id LIMIT ?3)
             RETURNING id",
        )
        .and_then(|mut update| {
            update
                .query_map((now, lease_until, limit), |row| row.get(0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to claim alerts")?;
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        let found = transaction
            .query_row(
                &format!(
                    "SELECT {ALERT_COLUMNS}, q.id, q.response_id, q.attempts, q.created_at
                     FROM alert_deliveries q JOIN alerts a ON a.id = q.alert_id
                     WHERE q.id = ?1"
                ),
                [id],
                |row| {
                    let attempts: i64 = row.get(ALERT_WIDTH + 2)?;
                    Ok(DueAlert {
                        alert: alert(row)?,
                        id: row.get(ALERT_WIDTH)?,
                        response: ResponseId(row.get(ALERT_WIDTH + 1)?),
                        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
                        created_at: timestamp(row, ALERT_WIDTH + 3)?,
                    })
                },
            )
            .sql_context("failed to read a claimed alert")?;
        due.push(found);
    }
    transaction
        .commit()
        .sql_context("failed to commit claimed alerts")?;
    due.sort_by_key(|due| due.id);
    Ok(due)
}

pub(crate) fn record(
    connection: &Connection,
    id: i64,
    outcome: &DeliveryOutcome,
    error: Option<&str>,
    at: i64,
) -> StoreResult<()> {
    let (status, next) = outcome_columns(outcome, at);
    connection
        .execute(
            "UPDATE alert_deliveries
             SET status = ?2, next_attempt_at = ?3, last_error = ?4, updated_at = ?5
             WHERE id = ?1",
            (id, status, next, error, at),
        )
        .sql_context("failed to settle an alert")?;
    Ok(())
}
