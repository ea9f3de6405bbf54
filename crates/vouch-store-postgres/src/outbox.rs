//! The outbox of webhooks and alerts: each write path that causes an event calls one of these
//! inside its own transaction, so that the messages commit (or roll back) with the change.
//! Answers to eNPS surveys queue nothing: they are anonymous.

use deadpool_postgres::GenericClient;
use vouch_core::webhook::WebhookEvent;
use vouch_store::{HistoryChange, ResponseId, StoreResult};

use crate::error::PgContext;

/// A change to one response that arrived before, as the outbox sees it (arrivals are queued
/// in bulk by [`QUEUE_ARRIVED`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum ResponseChange<'a> {
    /// Its follow-up changed.
    Updated,
    /// It gained this tag.
    Tagged(&'a str),
}

/// Queues `$2` (an event) about each response of `$3` (ids) for each active webhook of workspace `$1` that
/// subscribes to it and whose score range holds the response's score, due at `$4`.
const QUEUE_RESPONSE_EVENT: &str = "
    INSERT INTO webhook_deliveries
        (workspace_id, webhook_id, event, response_id, status, next_attempt_at, created_at,
         updated_at)
    SELECT w.workspace_id, w.id, $2, r.id, 'pending', $4, $4, $4
    FROM webhooks w
    JOIN responses r ON r.id = ANY($3::bigint[]) AND r.workspace_id = w.workspace_id
    JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
    WHERE w.workspace_id = $1 AND w.disabled IS NULL
      AND strpos(w.events, ',' || $2 || ',') > 0
      AND (w.min_score IS NULL OR r.score >= w.min_score)
      AND (w.max_score IS NULL OR r.score <= w.max_score)";

/// Queues an alert about each response of `$2` (ids) for each alert of workspace `$1` of tag `$4` whose
/// score bound holds the response's score.
const QUEUE_ALERTS: &str = "
    INSERT INTO alert_deliveries
        (workspace_id, alert_id, response_id, status, next_attempt_at, created_at, updated_at)
    SELECT a.workspace_id, a.id, r.id, 'pending', $3, $3, $3
    FROM alerts a
    JOIN responses r ON r.id = ANY($2::bigint[]) AND r.workspace_id = a.workspace_id
    JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
    WHERE a.workspace_id = $1
      AND lower(a.tag) = lower($4)
      AND (a.max_score IS NULL OR r.score <= a.max_score)
    ON CONFLICT (alert_id, response_id) DO NOTHING";

/// Queues event `$6` (`response.created`, or `response.updated` for an answer that replaces
/// another) and the alerts of responses that arrive: `$1` workspace, `$2`–`$4` the responses'
/// ids, surveys and scores, `$5` the time. Set-based and prepared, so that it is sent in the
/// same flight as the insert and the commit.
pub(crate) const QUEUE_ARRIVED: &str = "
    WITH created AS (
        SELECT u.id, u.score
        FROM unnest($2::bigint[], $3::bigint[], $4::smallint[]) AS u (id, survey_id, score)
        JOIN surveys s ON s.id = u.survey_id AND s.kind = 'nps'),
    hooks AS (
        INSERT INTO webhook_deliveries
            (workspace_id, webhook_id, event, response_id, status, next_attempt_at,
             created_at, updated_at)
        SELECT w.workspace_id, w.id, $6::text, c.id, 'pending', $5, $5, $5
        FROM created c
        JOIN webhooks w ON w.workspace_id = $1 AND w.disabled IS NULL
            AND strpos(w.events, ',' || $6::text || ',') > 0
            AND (w.min_score IS NULL OR c.score >= w.min_score)
            AND (w.max_score IS NULL OR c.score <= w.max_score)
        ORDER BY c.id, w.id)
    INSERT INTO alert_deliveries
        (workspace_id, alert_id, response_id, status, next_attempt_at, created_at, updated_at)
    SELECT a.workspace_id, a.id, c.id, 'pending', $5, $5, $5
    FROM created c
    JOIN alerts a ON a.workspace_id = $1 AND a.tag IS NULL
        AND (a.max_score IS NULL OR c.score <= a.max_score)
    ORDER BY c.id, a.id
    ON CONFLICT (alert_id, response_id) DO NOTHING";

/// Queues what a change to a response causes, inside the caller's transaction.
pub(crate) async fn response_changed(
    client: &impl GenericClient,
    workspace: i64,
    response: ResponseId,
    change: ResponseChange<'_>,
    at: i64,
) -> StoreResult<()> {
    responses_changed(client, workspace, &[response.0], change, at).await
}

/// Queues what one change to each of `responses` (ids) causes, in two statements whatever
/// their number, inside the caller's transaction.
pub(crate) async fn responses_changed(
    client: &impl GenericClient,
    workspace: i64,
    responses: &[i64],
    change: ResponseChange<'_>,
    at: i64,
) -> StoreResult<()> {
    let (event, tag) = match change {
        ResponseChange::Updated => (WebhookEvent::ResponseUpdated, None),
        ResponseChange::Tagged(tag) => (WebhookEvent::ResponseTagged, Some(tag)),
    };
    let queue = client
        .prepare_cached(QUEUE_RESPONSE_EVENT)
        .await
        .pg_context("failed to prepare queueing a webhook message")?;
    client
        .execute(&queue, &[&workspace, &event.as_str(), &responses, &at])
        .await
        .pg_context("failed to queue a webhook message")?;
    if matches!(change, ResponseChange::Updated) {
        return Ok(());
    }
    let alerts = client
        .prepare_cached(QUEUE_ALERTS)
        .await
        .pg_context("failed to prepare queueing an alert")?;
    client
        .execute(&alerts, &[&workspace, &responses, &at, &tag])
        .await
        .pg_context("failed to queue an alert")?;
    Ok(())
}

/// Queues `response.deleted` for each response of `contact` about to be erased, and forgets
/// the messages about them not yet sent or kept (their bodies quote the person), inside the
/// caller's transaction, before the responses go.
pub(crate) async fn contact_erased(
    client: &impl GenericClient,
    workspace: i64,
    contact: i64,
    at: i64,
) -> StoreResult<()> {
    let erased = "SELECT id FROM responses WHERE contact_id = $1";
    let forget = [
        format!(
            "DELETE FROM webhook_attempts WHERE delivery_id IN (SELECT id FROM webhook_deliveries
                 WHERE event <> 'response.deleted' AND response_id IN ({erased}))"
        ),
        format!(
            "DELETE FROM webhook_deliveries
             WHERE event <> 'response.deleted' AND response_id IN ({erased})"
        ),
        format!("DELETE FROM alert_deliveries WHERE response_id IN ({erased})"),
    ];
    for statement in &forget {
        client
            .execute(statement.as_str(), &[&contact])
            .await
            .pg_context("failed to forget the messages about erased responses")?;
    }
    client
        .execute(
            "INSERT INTO webhook_deliveries
                 (workspace_id, webhook_id, event, response_id, status, next_attempt_at,
                  created_at, updated_at)
             SELECT w.workspace_id, w.id, 'response.deleted', r.id, 'pending', $3, $3, $3
             FROM webhooks w
             JOIN responses r ON r.contact_id = $2 AND r.workspace_id = w.workspace_id
             JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
             WHERE w.workspace_id = $1 AND w.disabled IS NULL
               AND strpos(w.events, ',response.deleted,') > 0
               AND (w.min_score IS NULL OR r.score >= w.min_score)
               AND (w.max_score IS NULL OR r.score <= w.max_score)
             ORDER BY r.id",
            &[&workspace, &contact, &at],
        )
        .await
        .pg_context("failed to queue webhook messages about erased responses")?;
    Ok(())
}

/// Queues what a change of follow-up causes: one `response.tagged` per tag put on, one
/// `response.updated` for everything else.
pub(crate) async fn follow_up_changed(
    client: &impl GenericClient,
    workspace: i64,
    response: ResponseId,
    changes: &[HistoryChange],
    at: i64,
) -> StoreResult<()> {
    let mut updated = false;
    for change in changes {
        match change {
            HistoryChange::TagAdded(tag) => {
                let change = ResponseChange::Tagged(tag);
                response_changed(client, workspace, response, change, at).await?;
            }
            _ => updated = true,
        }
    }
    if updated {
        response_changed(client, workspace, response, ResponseChange::Updated, at).await?;
    }
    Ok(())
}
