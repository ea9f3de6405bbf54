//! Webhooks (`webhooks`), their outbox (`webhook_deliveries`) and delivery log
//! (`webhook_attempts`); alerts are in [`crate::alerts`], the write paths' side in
//! [`crate::outbox`].

use async_trait::async_trait;
use jiff::Timestamp;
use rusqlite::{Connection, OptionalExtension, TransactionBehavior};
use vouch_core::webhook::{TEST_EVENT, WebhookEvent};
use vouch_store::{
    Alert, AlertId, AlertSent, AttemptRecord, DeliveryAttempt, DeliveryId, DeliveryOutcome,
    DeliveryStatus, DueAlert, DueDelivery, NewAlert, NewWebhook, ResponseId, StoreError,
    StoreResult, Webhook, WebhookDelivery, WebhookFormat, WebhookId, WebhookStore, WorkspaceId,
};

use crate::SqliteStore;
use crate::error::SqlContext;
use crate::row::{conversion_error, timestamp};

/// The columns [`webhook`] reads, for `webhooks w`.
pub(crate) const WEBHOOK_COLUMNS: &str = "w.id, w.workspace_id, w.url, w.events, w.format, \
     w.min_score, w.max_score, w.secret, w.disabled, w.created_at";

/// How many columns [`WEBHOOK_COLUMNS`] has.
const WEBHOOK_WIDTH: usize = 10;

/// The columns [`delivery`] reads, for `webhook_deliveries d`.
const DELIVERY_COLUMNS: &str = "d.id, d.workspace_id, d.webhook_id, d.event, d.response_id, \
     d.email, d.status, d.attempts, d.next_attempt_at, d.body, d.last_error, d.created_at";

/// Events as stored: their names between commas.
fn events_column(events: &[WebhookEvent]) -> String {
    let names: Vec<&str> = events.iter().map(|event| event.as_str()).collect();
    format!(",{},", names.join(","))
}

fn score_column(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Option<u8>> {
    let value: Option<i64> = row.get(column)?;
    value
        .map(|value| u8::try_from(value).map_err(|_| conversion_error(column, "a bad score")))
        .transpose()
}

fn webhook(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<Webhook> {
    let events: String = row.get(first + 3)?;
    let events = events
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            WebhookEvent::parse(name)
                .ok_or_else(|| conversion_error(first + 3, format!("unknown event {name:?}")))
        })
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let format: String = row.get(first + 4)?;
    let format = WebhookFormat::parse(&format)
        .ok_or_else(|| conversion_error(first + 4, format!("unknown format {format:?}")))?;
    Ok(Webhook {
        id: WebhookId(row.get(first)?),
        workspace: WorkspaceId(row.get(first + 1)?),
        url: row.get(first + 2)?,
        events,
        format,
        min_score: score_column(row, first + 5)?,
        max_score: score_column(row, first + 6)?,
        secret: row.get(first + 7)?,
        disabled: row.get(first + 8)?,
        created_at: timestamp(row, first + 9)?,
    })
}

/// A stored status back into a [`DeliveryStatus`].
pub(crate) fn status(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<DeliveryStatus> {
    let name: String = row.get(column)?;
    DeliveryStatus::parse(&name)
        .ok_or_else(|| conversion_error(column, format!("unknown status {name:?}")))
}

fn delivery(row: &rusqlite::Row<'_>) -> rusqlite::Result<WebhookDelivery> {
    delivery_from(row, 0)
}

fn create(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewWebhook,
    at: i64,
) -> StoreResult<Webhook> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    connection
        .query_row(
            &format!(
                "INSERT INTO webhooks
                     (workspace_id, url, events, format, min_score, max_score, secret, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 RETURNING {returning}",
                returning = WEBHOOK_COLUMNS.replace("w.", "")
            ),
            (
                workspace.0,
                &new.url,
                events_column(&new.events),
                new.format.as_str(),
                new.min_score,
                new.max_score,
                &new.secret,
                at,
            ),
            |row| webhook(row, 0),
        )
        .sql_context("failed to create a webhook")
}

fn list(connection: &Connection, workspace: WorkspaceId) -> StoreResult<Vec<Webhook>> {
    connection
        .prepare_cached(&format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks w WHERE w.workspace_id = ?1 ORDER BY w.id"
        ))
        .and_then(|mut statement| {
            statement
                .query_map([workspace.0], |row| webhook(row, 0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read the webhooks")
}

fn delete(connection: &mut Connection, workspace: WorkspaceId, id: WebhookId) -> StoreResult<()> {
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start deleting a webhook")?;
    let statements = [
        "DELETE FROM webhook_attempts WHERE delivery_id IN
             (SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
              WHERE w.id = ?1 AND w.workspace_id = ?2)",
        "DELETE FROM webhook_deliveries WHERE webhook_id IN
             (SELECT id FROM webhooks WHERE id = ?1 AND workspace_id = ?2)",
    ];
    for statement in statements {
        transaction
            .execute(statement, (id.0, workspace.0))
            .sql_context("failed to delete a webhook's messages")?;
    }
    let deleted = transaction
        .execute(
            "DELETE FROM webhooks WHERE id = ?1 AND workspace_id = ?2",
            (id.0, workspace.0),
        )
        .sql_context("failed to delete a webhook")?;
    if deleted == 0 {
        return Err(StoreError::NotFound(format!("webhook {}", id.0)));
    }
    transaction
        .commit()
        .sql_context("failed to commit deleting a webhook")
}

fn delivery_by_id(
    connection: &Connection,
    workspace: WorkspaceId,
    id: i64,
) -> StoreResult<Option<WebhookDelivery>> {
    connection
        .query_row(
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
                 WHERE d.id = ?1 AND d.workspace_id = ?2"
            ),
            (id, workspace.0),
            delivery,
        )
        .optional()
        .sql_context("failed to read a webhook message")
}

fn queue_test(
    connection: &Connection,
    workspace: WorkspaceId,
    webhook: WebhookId,
    at: i64,
) -> StoreResult<WebhookDelivery> {
    let id: Option<i64> = connection
        .query_row(
            "INSERT INTO webhook_deliveries
                 (workspace_id, webhook_id, event, status, next_attempt_at, created_at, updated_at)
             SELECT workspace_id, id, ?3, 'pending', ?4, ?4, ?4
             FROM webhooks WHERE id = ?1 AND workspace_id = ?2
             RETURNING id",
            (webhook.0, workspace.0, TEST_EVENT, at),
            |row| row.get(0),
        )
        .optional()
        .sql_context("failed to queue a test message")?;
    let id = id.ok_or_else(|| StoreError::NotFound(format!("webhook {}", webhook.0)))?;
    delivery_by_id(connection, workspace, id)?
        .ok_or_else(|| StoreError::NotFound(format!("webhook message {id}")))
}

fn attempts_of(connection: &Connection, delivery: DeliveryId) -> StoreResult<Vec<DeliveryAttempt>> {
    connection
        .prepare_cached(
            "SELECT at, status_code, latency_ms, error FROM webhook_attempts
             WHERE delivery_id = ?1 ORDER BY id",
        )
        .and_then(|mut statement| {
            statement
                .query_map([delivery.0], |row| {
                    let code: Option<i64> = row.get(1)?;
                    let latency: i64 = row.get(2)?;
                    Ok(DeliveryAttempt {
                        at: timestamp(row, 0)?,
                        status_code: code.and_then(|code| u16::try_from(code).ok()),
                        latency_ms: u64::try_from(latency).unwrap_or(0),
                        error: row.get(3)?,
                    })
                })
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to read a webhook message's attempts")
}

fn deliveries(
    connection: &Connection,
    workspace: WorkspaceId,
    webhook: WebhookId,
    limit: usize,
) -> StoreResult<Vec<WebhookDelivery>> {
    let known = connection
        .prepare_cached("SELECT 1 FROM webhooks WHERE id = ?1 AND workspace_id = ?2")
        .and_then(|mut statement| statement.exists((webhook.0, workspace.0)))
        .sql_context("failed to read a webhook")?;
    if !known {
        return Err(StoreError::NotFound(format!("webhook {}", webhook.0)));
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let mut found = connection
        .prepare_cached(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
             WHERE d.webhook_id = ?1 ORDER BY d.id DESC LIMIT ?2"
        ))
        .and_then(|mut statement| {
            statement
                .query_map((webhook.0, limit), delivery)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
        })
        .sql_context("failed to read a webhook's messages")?;
    for delivery in &mut found {
        delivery.log = attempts_of(connection, delivery.id)?;
    }
    Ok(found)
}

fn resend(
    connection: &Connection,
    workspace: WorkspaceId,
    id: DeliveryId,
    at: i64,
) -> StoreResult<WebhookDelivery> {
    let changed = connection
        .execute(
            "UPDATE webhook_deliveries
             SET status = 'pending', next_attempt_at = ?3, created_at = ?3, updated_at = ?3
             WHERE id = ?1 AND workspace_id = ?2",
            (id.0, workspace.0, at),
        )
        .sql_context("failed to queue a webhook message again")?;
    if changed == 0 {
        return Err(StoreError::NotFound(format!("webhook message {}", id.0)));
    }
    delivery_by_id(connection, workspace, id.0)?
        .ok_or_else(|| StoreError::NotFound(format!("webhook message {}", id.0)))
}

fn claim(
    connection: &mut Connection,
    now: i64,
    lease_until: i64,
    limit: usize,
) -> StoreResult<Vec<DueDelivery>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start claiming webhook messages")?;
    let ids: Vec<i64> = transaction
        .prepare_cached(
            "UPDATE webhook_deliveries
             SET attempts = attempts + 1, next_attempt_at = ?2, updated_at = ?1
             WHERE id IN (
                 SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.status = 'pending' AND d.next_attempt_at <= ?1 AND w.disabled IS NULL
                 ORDER BY d.next_attempt_at, d.id LIMIT ?3)
             RETURNING id",
        )
        .and_then(|mut update| {
            update
                .query_map((now, lease_until, limit), |row| row.get(0))
                .and_then(|rows| rows.collect())
        })
        .sql_context("failed to claim webhook messages")?;
    let mut due = Vec::with_capacity(ids.len());
    for id in ids {
        let found = transaction
            .query_row(
                &format!(
                    "SELECT {WEBHOOK_COLUMNS}, {DELIVERY_COLUMNS}
                     FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                     WHERE d.id = ?1"
                ),
                [id],
                |row| {
                    let webhook = webhook(row, 0)?;
                    let delivery = delivery_from(row, WEBHOOK_WIDTH)?;
                    Ok(DueDelivery { delivery, webhook })
                },
            )
            .sql_context("failed to read a claimed webhook message")?;
        due.push(found);
    }
    transaction
        .commit()
        .sql_context("failed to commit claimed webhook messages")?;
    due.sort_by_key(|due| due.delivery.id);
    Ok(due)
}

/// [`delivery`] for columns starting at `first`.
fn delivery_from(row: &rusqlite::Row<'_>, first: usize) -> rusqlite::Result<WebhookDelivery> {
    let attempts: i64 = row.get(first + 7)?;
    Ok(WebhookDelivery {
        id: DeliveryId(row.get(first)?),
        workspace: WorkspaceId(row.get(first + 1)?),
        webhook: WebhookId(row.get(first + 2)?),
        event: row.get(first + 3)?,
        response: row.get::<_, Option<i64>>(first + 4)?.map(ResponseId),
        email: row.get(first + 5)?,
        status: status(row, first + 6)?,
        attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
        next_attempt_at: timestamp(row, first + 8)?,
        body: row.get(first + 9)?,
        last_error: row.get(first + 10)?,
        created_at: timestamp(row, first + 11)?,
        log: Vec::new(),
    })
}

/// How an outcome is stored: the status and the time of the next attempt.
pub(crate) fn outcome_columns(outcome: &DeliveryOutcome, at: i64) -> (&'static str, i64) {
    match outcome {
        DeliveryOutcome::Delivered => ("delivered", at),
        DeliveryOutcome::RetryAt(when) => ("pending", when.as_millisecond()),
        DeliveryOutcome::Failed | DeliveryOutcome::DisableWebhook(_) => ("failed", at),
    }
}

fn record(connection: &mut Connection, record: &AttemptRecord) -> StoreResult<()> {
    let attempt = &record.attempt;
    let at = attempt.at.as_millisecond();
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start logging a webhook attempt")?;
    transaction
        .execute(
            "INSERT INTO webhook_attempts (delivery_id, at, status_code, latency_ms, error)
             SELECT id, ?2, ?3, ?4, ?5 FROM webhook_deliveries WHERE id = ?1",
            (
                record.delivery.0,
                at,
                attempt.status_code,
                i64::try_from(attempt.latency_ms).unwrap_or(i64::MAX),
                &attempt.error,
            ),
        )
        .sql_context("failed to log a webhook attempt")?;
    let (status, next) = outcome_columns(&record.outcome, at);
    transaction
        .execute(
            "UPDATE webhook_deliveries
             SET status = ?2, next_attempt_at = ?3, last_error = ?4,
                 body = coalesce(body, ?5), updated_at = ?6
             WHERE id = ?1",
            (
                record.delivery.0,
                status,
                next,
                &attempt.error,
                &record.body,
                at,
            ),
        )
        .sql_context("failed to settle a webhook message")?;
    if let DeliveryOutcome::DisableWebhook(reason) = &record.outcome {
        transaction
            .execute(
                "UPDATE webhooks SET disabled = ?2
                 WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = ?1)",
                (record.delivery.0, reason),
            )
            .sql_context("failed to disable a webhook")?;
    }
    transaction
        .commit()
        .sql_context("failed to commit a webhook attempt")
}

#[async_trait]
impl WebhookStore for SqliteStore {
    async fn create_webhook(
        &self,
        workspace: WorkspaceId,
        webhook: &NewWebhook,
        at: Timestamp,
    ) -> StoreResult<Webhook> {
        let webhook = webhook.clone();
        let at = at.as_millisecond();
        self.run(move |connection| create(connection, workspace, &webhook, at))
            .await
    }

    async fn webhooks(&self, workspace: WorkspaceId) -> StoreResult<Vec<Webhook>> {
        self.run(move |connection| list(connection, workspace))
            .await
    }

    async fn delete_webhook(&self, workspace: WorkspaceId, webhook: WebhookId) -> StoreResult<()> {
        self.run(move |connection| delete(connection, workspace, webhook))
            .await
    }

    async fn queue_test_delivery(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery> {
        let at = at.as_millisecond();
        self.run(move |connection| queue_test(connection, workspace, webhook, at))
            .await
    }

    async fn deliveries(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        limit: usize,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        self.run(move |connection| deliveries(connection, workspace, webhook, limit))
            .await
    }

    async fn resend_delivery(
        &self,
        workspace: WorkspaceId,
        delivery: DeliveryId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery> {
        let at = at.as_millisecond();
        self.run(move |connection| resend(connection, workspace, delivery, at))
            .await
    }

    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueDelivery>> {
        let (now, lease_until) = (now.as_millisecond(), lease_until.as_millisecond());
        self.run(move |connection| claim(connection, now, lease_until, limit))
            .await
    }

    async fn record_attempt(&self, attempt: &AttemptRecord) -> StoreResult<()> {
        let attempt = attempt.clone();
        self.run(move |connection| record(connection, &attempt))
            .await
    }

    async fn create_alert(
        &self,
        workspace: WorkspaceId,
        alert: &NewAlert,
        at: Timestamp,
    ) -> StoreResult<Alert> {
        let alert = alert.clone();
        let at = at.as_millisecond();
        self.run(move |connection| crate::alerts::create(connection, workspace, &alert, at))
            .await
    }

    async fn alerts(&self, workspace: WorkspaceId) -> StoreResult<Vec<Alert>> {
        self.run(move |connection| crate::alerts::list(connection, workspace))
            .await
    }

    async fn delete_alert(&self, workspace: WorkspaceId, alert: AlertId) -> StoreResult<()> {
        self.run(move |connection| crate::alerts::delete(connection, workspace, alert))
            .await
    }

    async fn alerts_sent(
        &self,
        workspace: WorkspaceId,
        alert: AlertId,
        limit: usize,
    ) -> StoreResult<Vec<AlertSent>> {
        self.run(move |connection| crate::alerts::sent(connection, workspace, alert, limit))
            .await
    }

    async fn claim_alerts(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueAlert>> {
        let (now, lease_until) = (now.as_millisecond(), lease_until.as_millisecond());
        self.run(move |connection| crate::alerts::claim(connection, now, lease_until, limit))
            .await
    }

    async fn record_alert(
        &self,
        id: i64,
        outcome: &DeliveryOutcome,
        error: Option<&str>,
        at: Timestamp,
    ) -> StoreResult<()> {
        let outcome = outcome.clone();
        let error = error.map(str::to_owned);
        let at = at.as_millisecond();
        self.run(move |connection| {
            crate::alerts::record(connection, id, &outcome, error.as_deref(), at)
        })
        .await
    }
}
