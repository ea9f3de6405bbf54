//! The outbox of webhooks and alerts: each write path that causes an event calls one of these
//! inside its own transaction, so that the messages commit (or roll back) with the change.
//! Answers to eNPS surveys queue nothing: they are anonymous.

use rusqlite::Connection;
use vouch_core::webhook::WebhookEvent;
use vouch_store::{ResponseId, StoreResult};

use crate::error::SqlContext;

/// A change to one response, as the outbox sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ResponseChange<'a> {
    /// It arrived.
    Created,
    /// Its follow-up changed.
    Updated,
    /// It replaced its author's earlier answer: an update, which alerts see as an arrival.
    Replaced,
    /// It gained this tag.
    Tagged(&'a str),
}

/// Queues `$2` (an event) about response `$3` for each active webhook of workspace `$1` that
/// subscribes to it and whose score range holds the response's score, due at `$4`.
const QUEUE_RESPONSE_EVENT: &str = "
    INSERT INTO webhook_deliveries
        (workspace_id, webhook_id, event, response_id, status, next_attempt_at, created_at,
         updated_at)
    SELECT w.workspace_id, w.id, ?2, r.id, 'pending', ?4, ?4, ?4
    FROM webhooks w
    JOIN responses r ON r.id = ?3 AND r.workspace_id = w.workspace_id
    JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
    WHERE w.workspace_id = ?1 AND w.disabled IS NULL
      AND instr(w.events, ',' || ?2 || ',') > 0
      AND (w.min_score IS NULL OR r.score >= w.min_score)
      AND (w.max_score IS NULL OR r.score <= w.max_score)";

/// Queues an alert about response `$2` for each alert of workspace `$1` without a tag whose
/// score bound holds the response's score (a tag `$4` given: the alerts of that tag instead).
const QUEUE_ALERTS: &str = "
    INSERT INTO alert_deliveries
        (workspace_id, alert_id, response_id, status, next_attempt_at, created_at, updated_at)
    SELECT a.workspace_id, a.id, r.id, 'pending', ?3, ?3, ?3
    FROM alerts a
    JOIN responses r ON r.id = ?2 AND r.workspace_id = a.workspace_id
    JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
    WHERE a.workspace_id = ?1
      AND ((?4 IS NULL AND a.tag IS NULL) OR lower(a.tag) = lower(?4))
      AND (a.max_score IS NULL OR r.score <= a.max_score)
    ON CONFLICT (alert_id, response_id) DO NOTHING";

/// Queues what a change to a response causes, inside the caller's transaction.
pub(crate) fn response_changed(
    connection: &Connection,
    workspace: i64,
    response: ResponseId,
    change: ResponseChange<'_>,
    at: i64,
) -> StoreResult<()> {
    let (event, tag) = match change {
        ResponseChange::Created => (WebhookEvent::ResponseCreated, None),
        ResponseChange::Updated | ResponseChange::Replaced => (WebhookEvent::ResponseUpdated, None),
        ResponseChange::Tagged(tag) => (WebhookEvent::ResponseTagged, Some(tag)),
    };
    connection
        .prepare_cached(QUEUE_RESPONSE_EVENT)
        .and_then(|mut insert| insert.execute((workspace, event.as_str(), response.0, at)))
        .sql_context("failed to queue a webhook message")?;
    if matches!(change, ResponseChange::Updated) {
        return Ok(());
    }
    connection
        .prepare_cached(QUEUE_ALERTS)
        .and_then(|mut insert| insert.execute((workspace, response.0, at, tag)))
        .sql_context("failed to queue an alert")?;
    Ok(())
}

/// Queues `response.deleted` for each response of `contact` about to be erased, and forgets
/// the messages about them not yet sent or kept (their bodies quote the person), inside the
/// caller's transaction, before the responses go.
pub(crate) fn contact_erased(
    connection: &Connection,
    workspace: i64,
    contact: i64,
    at: i64,
) -> StoreResult<()> {
    let erased = "SELECT id FROM responses WHERE contact_id = ?1";
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
        connection
            .execute(statement, [contact])
            .sql_context("failed to forget the messages about erased responses")?;
    }
    connection
        .execute(
            "INSERT INTO webhook_deliveries
                 (workspace_id, webhook_id, event, response_id, status, next_attempt_at,
                  created_at, updated_at)
             SELECT w.workspace_id, w.id, 'response.deleted', r.id, 'pending', ?3, ?3, ?3
             FROM webhooks w
             JOIN responses r ON r.contact_id = ?2 AND r.workspace_id = w.workspace_id
             JOIN surveys s ON s.id = r.survey_id AND s.kind = 'nps'
             WHERE w.workspace_id = ?1 AND w.disabled IS NULL
               AND instr(w.events, ',response.deleted,') > 0
               AND (w.min_score IS NULL OR r.score >= w.min_score)
               AND (w.max_score IS NULL OR r.score <= w.max_score)
             ORDER BY r.id",
            (workspace, contact, at),
        )
        .sql_context("failed to queue webhook messages about erased responses")?;
    Ok(())
}

/// Queues `contact.unsubscribed` about `email` (as suppressions store it) for each webhook
/// subscribing to it, inside the caller's transaction.
pub(crate) fn unsubscribed(
    connection: &Connection,
    workspace: i64,
    email: &str,
    at: i64,
) -> StoreResult<()> {
    connection
        .prepare_cached(
            "INSERT INTO webhook_deliveries
                 (workspace_id, webhook_id, event, email, status, next_attempt_at, created_at,
                  updated_at)
             SELECT workspace_id, id, 'contact.unsubscribed', ?2, 'pending', ?3, ?3, ?3
             FROM webhooks
             WHERE workspace_id = ?1 AND disabled IS NULL
               AND instr(events, ',contact.unsubscribed,') > 0",
        )
        .and_then(|mut insert| insert.execute((workspace, email, at)))
        .sql_context("failed to queue a webhook message about an unsubscription")?;
    Ok(())
}
