//! One alert about one response: an e-mail to each of its addresses (through the configured
//! mailer) and a Slack message to its incoming webhook, each linking to the response in the
//! inbox. The store queues alerts for customer surveys only (never eNPS), for the score bound
//! and tag; the attribute filter is checked here, on the response as the API shows it. A
//! failure is retried with backoff for a day, like a webhook message.

use std::time::Duration;

use jiff::Timestamp;
use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use serde_json::Value;
use vouch_core::webhook::retry_delay;
use vouch_store::{DeliveryOutcome, DueAlert, StoreResult};

use crate::NO_SMTP_SERVER;
use crate::deliver_webhooks::survey_name;
use crate::mailer::SendError;
use crate::outbox::Outbox;
use crate::webhook_body::{self, Summary, response_summary};
use crate::webhook_target::check_target;

/// Sends one claimed alert and records how it went.
pub async fn send(outbox: &Outbox, due: DueAlert) -> StoreResult<()> {
    let at = Timestamp::now();
    let workspace = due.alert.workspace;
    let (outcome, error) = match outbox.data.response_json(workspace, due.response).await {
        Ok(Some(data)) => match filter_refusal(&due, &data) {
            Some(reason) => (DeliveryOutcome::Failed, Some(reason)),
            None => {
                let survey = survey_name(outbox, workspace, &data).await;
                let summary = response_summary(&data, &survey, &outbox.config.public_url);
                match deliver(outbox, &due, &summary).await {
                    Ok(()) => (DeliveryOutcome::Delivered, None),
                    Err(Failure::Permanent(error)) => (DeliveryOutcome::Failed, Some(error)),
                    Err(Failure::Retry(error)) => (retry(&due, at), Some(error)),
                }
            }
        },
        Ok(None) => (
            DeliveryOutcome::Failed,
            Some("not sent: the response no longer exists".to_owned()),
        ),
        Err(error) => (retry(&due, at), Some(error)),
    };
    outbox
        .store
        .record_alert(due.id, &outcome, error.as_deref(), at)
        .await
}

/// Why the response does not match the alert's attribute filter, if it does not. Values are
/// compared as the attribute's kind: `seats=3` matches the number 3.
fn filter_refusal(due: &DueAlert, data: &Value) -> Option<String> {
    let (attribute, wanted) = due.alert.rule.filter.as_ref()?;
    let value = data.get("attributes").and_then(|all| all.get(attribute));
    let matches = match value {
        Some(Value::String(text)) => text == wanted,
        Some(Value::Number(number)) => wanted
            .trim()
            .parse::<f64>()
            .is_ok_and(|wanted| number.as_f64() == Some(wanted)),
        Some(Value::Bool(flag)) => wanted.trim().parse::<bool>() == Ok(*flag),
        _ => false,
    };
    (!matches).then(|| format!("not sent: its {attribute} is not {wanted}"))
}

/// How sending failed.
enum Failure {
    Retry(String),
    Permanent(String),
}

/// E-mails and posts the alert.
async fn deliver(outbox: &Outbox, due: &DueAlert, summary: &Summary) -> Result<(), Failure> {
    let rule = &due.alert.rule;
    if !rule.emails.is_empty() {
        let Some(mailer) = &outbox.mailer else {
            return Err(Failure::Retry(NO_SMTP_SERVER.to_owned()));
        };
        let text = webhook_body::email_text(&rule.name, summary);
        let subject = format!("Vouch alert: {}", summary.headline);
        for address in &rule.emails {
            let message = message(mailer.from(), address, &subject, &text)?;
            match mailer.send(message).await {
                Ok(()) => {}
                Err(SendError::Bounce(reason)) => return Err(Failure::Permanent(reason)),
                Err(SendError::Retry(reason)) => return Err(Failure::Retry(reason)),
            }
        }
    }
    if let Some(url) = &rule.slack_url {
        post_slack(outbox, url, summary).await?;
    }
    Ok(())
}

async fn post_slack(outbox: &Outbox, url: &str, summary: &Summary) -> Result<(), Failure> {
    check_target(url, outbox.config.webhooks_allow_private)
        .await
        .map_err(|error| Failure::Permanent(error.to_string()))?;
    let response = outbox
        .client
        .post(url)
        .header("content-type", "application/json")
        .body(webhook_body::slack(summary))
        .send()
        .await
        .map_err(|error| Failure::Retry(format!("Slack: {error}")))?;
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else if status.is_client_error() && status.as_u16() != 429 {
        Err(Failure::Permanent(format!("Slack answered HTTP {status}")))
    } else {
        Err(Failure::Retry(format!("Slack answered HTTP {status}")))
    }
}

fn message(from: &Mailbox, to: &str, subject: &str, text: &str) -> Result<Message, Failure> {
    let to: Mailbox = to
        .parse()
        .map_err(|error| Failure::Permanent(format!("invalid address {to:?}: {error}")))?;
    let from = match from.name {
        Some(_) => from.clone(),
        None => Mailbox::new(Some("Vouch".to_owned()), from.email.clone()),
    };
    Message::builder()
        .from(from)
        .to(to)
        .subject(subject)
        .header(ContentType::TEXT_PLAIN)
        .body(text.to_owned())
        .map_err(|error| Failure::Permanent(format!("cannot build the email: {error}")))
}

/// The next attempt, or giving up once retried for a day.
fn retry(due: &DueAlert, at: Timestamp) -> DeliveryOutcome {
    let since_due = Duration::try_from(at.duration_since(due.created_at)).unwrap_or_default();
    match retry_delay(due.attempts, since_due, None)
        .and_then(|wait| jiff::SignedDuration::try_from(wait).ok())
    {
        Some(wait) => DeliveryOutcome::RetryAt(at + wait),
        None => DeliveryOutcome::Failed,
    }
}
