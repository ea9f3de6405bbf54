//! One webhook message: its body (fixed at the first attempt), its Standard Webhooks headers,
//! one POST, and the outcome logged — 2xx delivered; 410 disables the webhook; 429 waits for
//! `Retry-After`; anything else, or no answer, is retried with backoff for a day
//! ([`vouch_core::webhook::retry_delay`]); a target that is (or resolves to) a private address
//! fails at once.

use std::time::{Duration, Instant};

use jiff::Timestamp;
use reqwest::StatusCode;
use serde_json::{Value, json};
use vouch_core::webhook::{TEST_EVENT, retry_delay, sign};
use vouch_store::{
    AttemptRecord, DeliveryAttempt, DeliveryOutcome, DueDelivery, StoreResult, WebhookFormat,
};

use crate::outbox::Outbox;
use crate::webhook_body::{self, Summary, plain_summary, response_summary};
use crate::webhook_target::{TargetError, check_target};

/// The most characters of a receiver's error kept in the log.
const MAX_ERROR_CHARS: usize = 300;

/// What a message's body turned out to be.
enum Body {
    /// Send this.
    Ready(String),
    /// Nothing to send: the response is gone (or anonymous).
    Gone,
}

/// Sends one claimed message and records the attempt.
pub async fn deliver(outbox: &Outbox, due: DueDelivery) -> StoreResult<()> {
    let at = Timestamp::now();
    let started = Instant::now();
    let body = match &due.delivery.body {
        Some(body) => Ok(Body::Ready(body.clone())),
        None => body_of(outbox, &due).await,
    };
    // A body built now is kept, so that every retry sends the same bytes.
    let kept = match (&due.delivery.body, &body) {
        (None, Ok(Body::Ready(body))) => Some(body.clone()),
        _ => None,
    };
    let (status_code, error, outcome) = match body {
        Ok(Body::Ready(body)) => attempt(outbox, &due, &body, at).await,
        Ok(Body::Gone) => (
            None,
            Some("not sent: the response no longer exists".to_owned()),
            DeliveryOutcome::Failed,
        ),
        Err(error) => (None, Some(error), retry(&due, at, None)),
    };
    let record = AttemptRecord {
        delivery: due.delivery.id,
        attempt: DeliveryAttempt {
            at,
            status_code,
            latency_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            error,
        },
        body: kept,
        outcome,
    };
    outbox.store.record_attempt(&record).await
}

/// The message's body in its webhook's format.
async fn body_of(outbox: &Outbox, due: &DueDelivery) -> Result<Body, String> {
    let delivery = &due.delivery;
    let (data, summary) = match delivery.event.as_str() {
        TEST_EVENT => (
            json!({"webhook_id": due.webhook.id.0, "message": "A test message from Vouch"}),
            plain_summary("A test message from Vouch: this webhook works".to_owned()),
        ),
        "contact.unsubscribed" => {
            let email = delivery.email.clone().unwrap_or_default();
            let headline = format!("{email} unsubscribed");
            (json!({"email": email}), plain_summary(headline))
        }
        "response.deleted" => {
            let id = delivery.response.map_or(0, |id| id.0);
            let headline = format!("Response {id} was erased");
            (json!({"id": id}), plain_summary(headline))
        }
        _ => match response_data(outbox, due).await? {
            Some(found) => found,
            None => return Ok(Body::Gone),
        },
    };
    Ok(Body::Ready(match due.webhook.format {
        WebhookFormat::Standard => {
            webhook_body::standard(&delivery.event, delivery.created_at, data)
        }
        WebhookFormat::Slack => webhook_body::slack(&event_summary(&delivery.event, summary)),
    }))
}

/// The headline of a Slack message names the event of a response beyond its arrival.
fn event_summary(event: &str, mut summary: Summary) -> Summary {
    let verb = match event {
        "response.updated" => Some("updated"),
        "response.tagged" => Some("tagged"),
        _ => None,
    };
    if let Some(verb) = verb {
        summary.headline = format!("{} ({verb})", summary.headline);
    }
    summary
}

/// The API's JSON of the message's response with its summary, or `None` when it is gone.
async fn response_data(
    outbox: &Outbox,
    due: &DueDelivery,
) -> Result<Option<(Value, Summary)>, String> {
    let Some(id) = due.delivery.response else {
        return Ok(None);
    };
    let workspace = due.delivery.workspace;
    let Some(data) = outbox.data.response_json(workspace, id).await? else {
        return Ok(None);
    };
    let survey = survey_name(outbox, workspace, &data).await;
    let summary = response_summary(&data, &survey, &outbox.config.public_url);
    Ok(Some((data, summary)))
}

/// The name of the survey a response's JSON names.
pub(crate) async fn survey_name(
    outbox: &Outbox,
    workspace: vouch_store::WorkspaceId,
    data: &Value,
) -> String {
    let id = data.get("survey_id").and_then(Value::as_i64).unwrap_or(0);
    match outbox
        .store
        .survey(workspace, vouch_store::SurveyId(id))
        .await
    {
        Ok(Some(survey)) => survey.name,
        _ => format!("survey {id}"),
    }
}

/// One POST of the body: the status, the error and the outcome.
async fn attempt(
    outbox: &Outbox,
    due: &DueDelivery,
    body: &str,
    at: Timestamp,
) -> (Option<u16>, Option<String>, DeliveryOutcome) {
    let allow_private = outbox.config.webhooks_allow_private;
    match check_target(&due.webhook.url, allow_private).await {
        Ok(_) => {}
        Err(error @ (TargetError::Private(_) | TargetError::Invalid(_))) => {
            return (None, Some(error.to_string()), DeliveryOutcome::Failed);
        }
        Err(error) => return (None, Some(error.to_string()), retry(due, at, None)),
    }
    let id = format!("msg_{}", due.delivery.id.0);
    let timestamp = at.as_second();
    let signature = match sign(&due.webhook.secret, &id, timestamp, body.as_bytes()) {
        Ok(signature) => signature,
        Err(error) => return (None, Some(error.to_string()), DeliveryOutcome::Failed),
    };
    let sent = outbox
        .client
        .post(&due.webhook.url)
        .header("content-type", "application/json")
        .header("webhook-id", &id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(body.to_owned())
        .send()
        .await;
    let response = match sent {
        Ok(response) => response,
        Err(error) => return (None, Some(clip(&error_chain(&error))), retry(due, at, None)),
    };
    let status = response.status();
    let code = Some(status.as_u16());
    if status.is_success() {
        return (code, None, DeliveryOutcome::Delivered);
    }
    let error = Some(format!("HTTP {status}"));
    if status == StatusCode::GONE {
        let reason = format!("the receiver answered 410 Gone at {at}");
        return (code, error, DeliveryOutcome::DisableWebhook(reason));
    }
    let wait = (status == StatusCode::TOO_MANY_REQUESTS)
        .then(|| retry_after(response.headers()))
        .flatten();
    (code, error, retry(due, at, wait))
}

/// The next attempt, or giving up once retried for a day.
fn retry(due: &DueDelivery, at: Timestamp, retry_after: Option<Duration>) -> DeliveryOutcome {
    let since_due =
        Duration::try_from(at.duration_since(due.delivery.created_at)).unwrap_or_default();
    match retry_delay(due.delivery.attempts, since_due, retry_after) {
        Some(wait) => match jiff::SignedDuration::try_from(wait) {
            Ok(wait) => DeliveryOutcome::RetryAt(at + wait),
            Err(_) => DeliveryOutcome::Failed,
        },
        None => DeliveryOutcome::Failed,
    }
}

/// A `Retry-After` of seconds (an HTTP date is read as no wait given).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// An error with its causes, as the log keeps it.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

fn clip(text: &str) -> String {
    text.chars().take(MAX_ERROR_CHARS).collect()
}
