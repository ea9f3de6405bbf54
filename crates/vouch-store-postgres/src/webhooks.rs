//! Webhooks (`webhooks`), their outbox (`webhook_deliveries`) and delivery log
//! (`webhook_attempts`); alerts are in [`crate::alerts`], the write paths' side in
//! [`crate::outbox`].
//!
//! Messages are claimed like jobs (see [`crate::jobs`]): one statement locks due rows
//! `FOR UPDATE SKIP LOCKED` and moves their next attempt to the end of a lease, so two servers
//! never claim the same message.

use async_trait::async_trait;
use deadpool_postgres::GenericClient;
use jiff::Timestamp;
use tokio_postgres::Row;
use vouch_core::webhook::{TEST_EVENT, WebhookEvent};
use vouch_store::{
    Alert, AlertId, AlertSent, AttemptRecord, DeliveryAttempt, DeliveryId, DeliveryOutcome,
    DeliveryStatus, DueAlert, DueDelivery, NewAlert, NewWebhook, ResponseId, StoreError,
    StoreResult, Webhook, WebhookDelivery, WebhookFormat, WebhookId, WebhookStore, WorkspaceId,
};

use crate::PostgresStore;
use crate::error::{PgContext, other};
use crate::row::timestamp;

/// The columns [`webhook`] reads, for `webhooks w`.
const WEBHOOK_COLUMNS: &str = "w.id, w.workspace_id, w.url, w.events, w.format, \
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

/// A stored score bound.
pub(crate) fn score_bound(row: &Row, column: usize) -> StoreResult<Option<u8>> {
    let value: Option<i32> = row.try_get(column).pg_context("failed to read a score")?;
    value
        .map(|value| u8::try_from(value).map_err(|_| other("a stored score is out of range")))
        .transpose()
}

/// A stored count of attempts.
pub(crate) fn count(row: &Row, column: usize) -> StoreResult<u32> {
    let value: i64 = row.try_get(column).pg_context("failed to read a count")?;
    Ok(u32::try_from(value).unwrap_or(u32::MAX))
}

fn webhook(row: &Row, first: usize) -> StoreResult<Webhook> {
    let context = "failed to read a webhook";
    let events: &str = row.try_get(first + 3).pg_context(context)?;
    let events = events
        .split(',')
        .filter(|name| !name.is_empty())
        .map(|name| {
            WebhookEvent::parse(name).ok_or_else(|| other(format!("unknown event {name:?}")))
        })
        .collect::<StoreResult<Vec<_>>>()?;
    let format: &str = row.try_get(first + 4).pg_context(context)?;
    let format =
        WebhookFormat::parse(format).ok_or_else(|| other(format!("unknown format {format:?}")))?;
    Ok(Webhook {
        id: WebhookId(row.try_get(first).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(first + 1).pg_context(context)?),
        url: row.try_get(first + 2).pg_context(context)?,
        events,
        format,
        min_score: score_bound(row, first + 5)?,
        max_score: score_bound(row, first + 6)?,
        secret: row.try_get(first + 7).pg_context(context)?,
        disabled: row.try_get(first + 8).pg_context(context)?,
        created_at: timestamp(row.try_get(first + 9).pg_context(context)?)?,
    })
}

/// A stored status.
pub(crate) fn status(row: &Row, column: usize) -> StoreResult<DeliveryStatus> {
    let name: &str = row.try_get(column).pg_context("failed to read a status")?;
    DeliveryStatus::parse(name).ok_or_else(|| other(format!("unknown status {name:?}")))
}

fn delivery(row: &Row, first: usize) -> StoreResult<WebhookDelivery> {
    let context = "failed to read a webhook message";
    let response: Option<i64> = row.try_get(first + 4).pg_context(context)?;
    Ok(WebhookDelivery {
        id: DeliveryId(row.try_get(first).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(first + 1).pg_context(context)?),
        webhook: WebhookId(row.try_get(first + 2).pg_context(context)?),
        event: row.try_get(first + 3).pg_context(context)?,
        response: response.map(ResponseId),
        email: row.try_get(first + 5).pg_context(context)?,
        status: status(row, first + 6)?,
        attempts: count(row, first + 7)?,
        next_attempt_at: timestamp(row.try_get(first + 8).pg_context(context)?)?,
        body: row.try_get(first + 9).pg_context(context)?,
        last_error: row.try_get(first + 10).pg_context(context)?,
        created_at: timestamp(row.try_get(first + 11).pg_context(context)?)?,
        log: Vec::new(),
    })
}

async fn delivery_by_id(
    client: &impl GenericClient,
    workspace: WorkspaceId,
    id: i64,
) -> StoreResult<WebhookDelivery> {
    let row = client
        .query_opt(
            &format!(
                "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
                 WHERE d.id = $1 AND d.workspace_id = $2"
            ),
            &[&id, &workspace.0],
        )
        .await
        .pg_context("failed to read a webhook message")?
        .ok_or_else(|| StoreError::NotFound(format!("webhook message {id}")))?;
    delivery(&row, 0)
}

async fn attempts_of(
    client: &impl GenericClient,
    delivery: DeliveryId,
) -> StoreResult<Vec<DeliveryAttempt>> {
    let rows = client
        .query(
            "SELECT at, status_code, latency_ms, error FROM webhook_attempts
             WHERE delivery_id = $1 ORDER BY id",
            &[&delivery.0],
        )
        .await
        .pg_context("failed to read a webhook message's attempts")?;
    rows.iter()
        .map(|row| {
            let context = "failed to read an attempt";
            let code: Option<i64> = row.try_get(1).pg_context(context)?;
            let latency: i64 = row.try_get(2).pg_context(context)?;
            Ok(DeliveryAttempt {
                at: timestamp(row.try_get(0).pg_context(context)?)?,
                status_code: code.and_then(|code| u16::try_from(code).ok()),
                latency_ms: u64::try_from(latency).unwrap_or(0),
                error: row.try_get(3).pg_context(context)?,
            })
        })
        .collect()
}

/// How an outcome is stored: the status and the time of the next attempt.
pub(crate) fn outcome_columns(outcome: &DeliveryOutcome, at: i64) -> (&'static str, i64) {
    match outcome {
        DeliveryOutcome::Delivered => ("delivered", at),
        DeliveryOutcome::RetryAt(when) => ("pending", when.as_millisecond()),
        DeliveryOutcome::Failed | DeliveryOutcome::DisableWebhook(_) => ("failed", at),
    }
}

/// The bound as stored.
pub(crate) fn bound_column(bound: Option<u8>) -> Option<i32> {
    bound.map(i32::from)
}

impl PostgresStore {
    async fn claim_webhook_messages(
        &self,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> StoreResult<Vec<DueDelivery>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "WITH due AS MATERIALIZED (
                         SELECT d.id FROM webhook_deliveries d
                         JOIN webhooks w ON w.id = d.webhook_id
                         WHERE d.status = 'pending' AND d.next_attempt_at <= $1
                           AND w.disabled IS NULL
                         ORDER BY d.next_attempt_at, d.id
                         LIMIT $3
                         FOR UPDATE OF d SKIP LOCKED),
                     claimed AS (
                         UPDATE webhook_deliveries AS d
                         SET attempts = d.attempts + 1, next_attempt_at = $2, updated_at = $1
                         FROM due WHERE d.id = due.id
                         RETURNING d.*)
                     SELECT {WEBHOOK_COLUMNS}, {DELIVERY_COLUMNS}
                     FROM claimed d JOIN webhooks w ON w.id = d.webhook_id
                     ORDER BY d.id"
                ),
                &[&now, &lease_until, &limit],
            )
            .await
            .pg_context("failed to claim webhook messages")?;
        rows.iter()
            .map(|row| {
                Ok(DueDelivery {
                    webhook: webhook(row, 0)?,
                    delivery: delivery(row, WEBHOOK_WIDTH)?,
                })
            })
            .collect()
    }

    async fn record_webhook_attempt(&self, record: &AttemptRecord) -> StoreResult<()> {
        let attempt = &record.attempt;
        let at = attempt.at.as_millisecond();
        let mut client = self.client().await?;
        let transaction = client
            .transaction()
            .await
            .pg_context("failed to start logging a webhook attempt")?;
        let code = attempt.status_code.map(i64::from);
        let latency = i64::try_from(attempt.latency_ms).unwrap_or(i64::MAX);
        transaction
            .execute(
                "INSERT INTO webhook_attempts (delivery_id, at, status_code, latency_ms, error)
                 SELECT id, $2, $3, $4, $5 FROM webhook_deliveries WHERE id = $1",
                &[&record.delivery.0, &at, &code, &latency, &attempt.error],
            )
            .await
            .pg_context("failed to log a webhook attempt")?;
        let (status, next) = outcome_columns(&record.outcome, at);
        transaction
            .execute(
                "UPDATE webhook_deliveries
                 SET status = $2, next_attempt_at = $3, last_error = $4,
                     body = coalesce(body, $5), updated_at = $6
                 WHERE id = $1",
                &[
                    &record.delivery.0,
                    &status,
                    &next,
                    &attempt.error,
                    &record.body,
                    &at,
                ],
            )
            .await
            .pg_context("failed to settle a webhook message")?;
        if let DeliveryOutcome::DisableWebhook(reason) = &record.outcome {
            transaction
                .execute(
                    "UPDATE webhooks SET disabled = $2
                     WHERE id = (SELECT webhook_id FROM webhook_deliveries WHERE id = $1)",
                    &[&record.delivery.0, reason],
                )
                .await
                .pg_context("failed to disable a webhook")?;
        }
        transaction
            .commit()
            .await
            .pg_context("failed to commit a webhook attempt")
    }
}

#[async_trait]
impl WebhookStore for PostgresStore {
    async fn create_webhook(
        &self,
        workspace: WorkspaceId,
        new: &NewWebhook,
        at: Timestamp,
    ) -> StoreResult<Webhook> {
        let client = self.client().await?;
        let row = client
            .query_one(
                &format!(
                    "INSERT INTO webhooks AS w
                         (workspace_id, url, events, format, min_score, max_score, secret,
                          created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     RETURNING {WEBHOOK_COLUMNS}"
                ),
                &[
                    &workspace.0,
                    &new.url,
                    &events_column(&new.events),
                    &new.format.as_str(),
                    &bound_column(new.min_score),
                    &bound_column(new.max_score),
                    &new.secret,
                    &at.as_millisecond(),
                ],
            )
            .await
            .pg_context("failed to create a webhook")
            .map_err(|error| match error {
                StoreError::NotFound(_) => {
                    StoreError::NotFound(format!("workspace {}", workspace.0))
                }
                other => other,
            })?;
        webhook(&row, 0)
    }

    async fn webhooks(&self, workspace: WorkspaceId) -> StoreResult<Vec<Webhook>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT {WEBHOOK_COLUMNS} FROM webhooks w
                     WHERE w.workspace_id = $1 ORDER BY w.id"
                ),
                &[&workspace.0],
            )
            .await
            .pg_context("failed to read the webhooks")?;
        rows.iter().map(|row| webhook(row, 0)).collect()
    }

    async fn delete_webhook(&self, workspace: WorkspaceId, id: WebhookId) -> StoreResult<()> {
        let client = self.client().await?;
        // The messages and their log go with it (ON DELETE CASCADE).
        let deleted = client
            .execute(
                "DELETE FROM webhooks WHERE id = $1 AND workspace_id = $2",
                &[&id.0, &workspace.0],
            )
            .await
            .pg_context("failed to delete a webhook")?;
        if deleted == 0 {
            return Err(StoreError::NotFound(format!("webhook {}", id.0)));
        }
        Ok(())
    }

    async fn queue_test_delivery(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery> {
        let client = self.client().await?;
        let row = client
            .query_opt(
                "INSERT INTO webhook_deliveries
                     (workspace_id, webhook_id, event, status, next_attempt_at, created_at,
                      updated_at)
                 SELECT workspace_id, id, $3, 'pending', $4, $4, $4
                 FROM webhooks WHERE id = $1 AND workspace_id = $2
                 RETURNING id",
                &[&webhook.0, &workspace.0, &TEST_EVENT, &at.as_millisecond()],
            )
            .await
            .pg_context("failed to queue a test message")?
            .ok_or_else(|| StoreError::NotFound(format!("webhook {}", webhook.0)))?;
        let id: i64 = row
            .try_get(0)
            .pg_context("failed to queue a test message")?;
        delivery_by_id(&client, workspace, id).await
    }

    async fn deliveries(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        limit: usize,
    ) -> StoreResult<Vec<WebhookDelivery>> {
        let client = self.client().await?;
        let known = client
            .query_opt(
                "SELECT 1 FROM webhooks WHERE id = $1 AND workspace_id = $2",
                &[&webhook.0, &workspace.0],
            )
            .await
            .pg_context("failed to read a webhook")?;
        if known.is_none() {
            return Err(StoreError::NotFound(format!("webhook {}", webhook.0)));
        }
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = client
            .query(
                &format!(
                    "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d
                     WHERE d.webhook_id = $1 ORDER BY d.id DESC LIMIT $2"
                ),
                &[&webhook.0, &limit],
            )
            .await
            .pg_context("failed to read a webhook's messages")?;
        let mut found = rows
            .iter()
            .map(|row| delivery(row, 0))
            .collect::<StoreResult<Vec<_>>>()?;
        for delivery in &mut found {
            delivery.log = attempts_of(&client, delivery.id).await?;
        }
        Ok(found)
    }

    async fn resend_delivery(
        &self,
        workspace: WorkspaceId,
        delivery: DeliveryId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery> {
        let client = self.client().await?;
        let changed = client
            .execute(
                "UPDATE webhook_deliveries
                 SET status = 'pending', next_attempt_at = $3, created_at = $3, updated_at = $3
                 WHERE id = $1 AND workspace_id = $2",
                &[&delivery.0, &workspace.0, &at.as_millisecond()],
            )
            .await
            .pg_context("failed to queue a webhook message again")?;
        if changed == 0 {
            return Err(StoreError::NotFound(format!(
                "webhook message {}",
                delivery.0
            )));
        }
        delivery_by_id(&client, workspace, delivery.0).await
    }

    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueDelivery>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.claim_webhook_messages(now.as_millisecond(), lease_until.as_millisecond(), limit)
            .await
    }

    async fn record_attempt(&self, record: &AttemptRecord) -> StoreResult<()> {
        self.record_webhook_attempt(record).await
    }

    async fn create_alert(
        &self,
        workspace: WorkspaceId,
        alert: &NewAlert,
        at: Timestamp,
    ) -> StoreResult<Alert> {
        crate::alerts::create(self, workspace, alert, at.as_millisecond()).await
    }

    async fn alerts(&self, workspace: WorkspaceId) -> StoreResult<Vec<Alert>> {
        crate::alerts::list(self, workspace).await
    }

    async fn delete_alert(&self, workspace: WorkspaceId, alert: AlertId) -> StoreResult<()> {
        crate::alerts::delete(self, workspace, alert).await
    }

    async fn alerts_sent(
        &self,
        workspace: WorkspaceId,
        alert: AlertId,
        limit: usize,
    ) -> StoreResult<Vec<AlertSent>> {
        crate::alerts::sent(self, workspace, alert, limit).await
    }

    async fn claim_alerts(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueAlert>> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        crate::alerts::claim(
            self,
            now.as_millisecond(),
            lease_until.as_millisecond(),
            limit,
        )
        .await
    }

    async fn record_alert(
        &self,
        id: i64,
        outcome: &DeliveryOutcome,
        error: Option<&str>,
        at: Timestamp,
    ) -> StoreResult<()> {
        crate::alerts::record(self, id, outcome, error, at.as_millisecond()).await
    }
}
