//! `/app/settings/webhooks` (admins): the workspace's webhooks with their delivery log, a
//! "Send test" button per webhook and "Resend" per message, the creation form (whose answer
//! shows the signing secret once), and the detractor alerts with their form. Every form is
//! checked by `vouch_jobs::hook_rules`, as the CLI and the API are; the messages are sent by
//! the outbox of `vouch serve`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use vouch_core::webhook::WebhookEvent;
use vouch_jobs::hook_rules::{AlertInput, WebhookInput, check_alert, check_webhook};
use vouch_store::{Alert, AlertId, DeliveryId, StoreError, Webhook, WebhookDelivery, WebhookId};
use vouch_web::state::AppState;

use super::admin_pages::{SavedQuery, require_admin};
use super::layout::{DashboardError, Frame, Nav, render, render_status};
use super::session::{Admin, Viewer};

/// The page's path.
pub const WEBHOOKS_PATH: &str = "/app/settings/webhooks";

/// How many messages each webhook's log shows.
const LOG_ROWS: usize = 20;

/// One message of a webhook's log, as shown.
struct MessageRow {
    id: i64,
    event: String,
    status: &'static str,
    attempts: u32,
    http: String,
    latency: String,
    error: String,
    at: String,
}

impl MessageRow {
    fn new(delivery: &WebhookDelivery) -> MessageRow {
        let last = delivery.log.last();
        MessageRow {
            id: delivery.id.0,
            event: delivery.event.clone(),
            status: delivery.status.as_str(),
            attempts: delivery.attempts,
            http: last
                .and_then(|attempt| attempt.status_code)
                .map_or_else(|| "—".to_owned(), |code| code.to_string()),
            latency: last.map_or_else(
                || "—".to_owned(),
                |attempt| format!("{} ms", attempt.latency_ms),
            ),
            error: delivery.last_error.clone().unwrap_or_default(),
            at: delivery
                .created_at
                .strftime("%Y-%m-%d %H:%M:%S")
                .to_string(),
        }
    }
}

/// One webhook, as shown.
struct WebhookRow {
    id: i64,
    url: String,
    events: String,
    format: &'static str,
    scores: String,
    disabled: Option<String>,
    messages: Vec<MessageRow>,
}

/// One alert, as shown.
struct AlertRow {
    id: i64,
    name: String,
    rule: String,
    to: String,
}

fn alert_row(alert: &Alert) -> AlertRow {
    let rule = &alert.rule;
    let mut parts = Vec::new();
    if let Some(score) = rule.max_score {
        parts.push(format!("score ≤ {score}"));
    }
    if let Some(tag) = &rule.tag {
        parts.push(format!("tagged {tag}"));
    }
    if let Some((attribute, value)) = &rule.filter {
        parts.push(format!("{attribute} = {value}"));
    }
    let mut to = rule.emails.clone();
    if rule.slack_url.is_some() {
        to.push("Slack".to_owned());
    }
    AlertRow {
        id: alert.id.0,
        name: rule.name.clone(),
        rule: if parts.is_empty() {
            "every answer".to_owned()
        } else {
            parts.join(", ")
        },
        to: to.join(", "),
    }
}

#[derive(Template)]
#[template(path = "dashboard/admin/webhooks.html")]
struct WebhooksPage {
    frame: Frame,
    webhooks: Vec<WebhookRow>,
    alerts: Vec<AlertRow>,
    events: Vec<&'static str>,
    /// The webhook just made, with its secret shown once: (url, secret).
    new_secret: Option<(String, String)>,
    error: Option<String>,
    saved: bool,
}

async fn page(
    state: &AppState,
    viewer: &Viewer,
    saved: bool,
) -> Result<WebhooksPage, DashboardError> {
    let workspace = viewer.workspace();
    let store = state.store();
    let mut webhooks = Vec::new();
    for webhook in store.webhooks(workspace).await? {
        let messages = store.deliveries(workspace, webhook.id, LOG_ROWS).await?;
        webhooks.push(webhook_row(&webhook, &messages));
    }
    let alerts = store
        .alerts(workspace)
        .await?
        .iter()
        .map(alert_row)
        .collect();
    Ok(WebhooksPage {
        frame: Frame::new(viewer, "Webhooks and alerts", Nav::Webhooks),
        webhooks,
        alerts,
        events: WebhookEvent::ALL.map(WebhookEvent::as_str).to_vec(),
        new_secret: None,
        error: None,
        saved,
    })
}

fn webhook_row(webhook: &Webhook, messages: &[WebhookDelivery]) -> WebhookRow {
    let scores = match (webhook.min_score, webhook.max_score) {
        (None, None) => "any score".to_owned(),
        (min, max) => format!("scores {}–{}", min.unwrap_or(0), max.unwrap_or(10)),
    };
    WebhookRow {
        id: webhook.id.0,
        url: webhook.url.clone(),
        events: webhook
            .events
            .iter()
            .map(|event| event.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        format: webhook.format.as_str(),
        scores,
        disabled: webhook.disabled.clone(),
        messages: messages.iter().map(MessageRow::new).collect(),
    }
}

/// `GET /app/settings/webhooks`.
pub(crate) async fn webhooks(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<SavedQuery>,
) -> Result<Response, DashboardError> {
    require_admin(&viewer)?;
    Ok(render(&page(&state, &viewer, query.is_saved()).await?))
}

/// The page again with an error, nothing changed.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    error: String,
) -> Result<Response, DashboardError> {
    let mut page = page(state, viewer, false).await?;
    page.error = Some(error);
    Ok(render_status(&page, StatusCode::UNPROCESSABLE_ENTITY))
}

/// The first value of a form field.
fn field<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.trim().is_empty())
}

/// A number field: `None` when empty, an error naming it when not a number.
fn number(form: &[(String, String)], name: &str, label: &str) -> Result<Option<i64>, String> {
    field(form, name)
        .map(|text| {
            text.trim()
                .parse::<i64>()
                .map_err(|_| format!("{label}: {text:?} is not a whole number."))
        })
        .transpose()
}

/// `POST /app/settings/webhooks`: makes a webhook and shows its secret once.
pub(crate) async fn create_webhook(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, DashboardError> {
    let scores = number(&form, "min_score", "Lowest score")
        .and_then(|min| Ok((min, number(&form, "max_score", "Highest score")?)));
    let (min_score, max_score) = match scores {
        Ok(scores) => scores,
        Err(error) => return refused(&state, &viewer, error).await,
    };
    let input = WebhookInput {
        url: field(&form, "url").unwrap_or_default().to_owned(),
        events: form
            .iter()
            .filter(|(key, _)| key == "event")
            .map(|(_, value)| value.clone())
            .collect(),
        format: field(&form, "format").map(str::to_owned),
        min_score,
        max_score,
    };
    let allow_private = state.config().webhooks_allow_private;
    let new = match check_webhook(&input, allow_private).await {
        Ok(new) => new,
        Err(error) => {
            return refused(
                &state,
                &viewer,
                format!("{}: {}", error.field, error.message),
            )
            .await;
        }
    };
    let created = state
        .store()
        .create_webhook(viewer.workspace(), &new, Timestamp::now())
        .await?;
    let mut page = page(&state, &viewer, false).await?;
    page.new_secret = Some((created.url, created.secret));
    Ok(render_status(&page, StatusCode::CREATED))
}

/// `POST /app/settings/webhooks/{id}/delete`.
pub(crate) async fn delete_webhook(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(id): Path<i64>,
) -> Result<Response, DashboardError> {
    state
        .store()
        .delete_webhook(viewer.workspace(), WebhookId(id))
        .await?;
    Ok(Redirect::to(&format!("{WEBHOOKS_PATH}?saved=1")).into_response())
}

/// `POST /app/settings/webhooks/{id}/test`: queues a test message, sent within a second.
pub(crate) async fn test_webhook(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(id): Path<i64>,
) -> Result<Response, DashboardError> {
    state
        .store()
        .queue_test_delivery(viewer.workspace(), WebhookId(id), Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("{WEBHOOKS_PATH}?saved=1")).into_response())
}

/// `POST /app/settings/webhooks/messages/{id}/resend`: the message again, same id and body.
pub(crate) async fn resend(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(id): Path<i64>,
) -> Result<Response, DashboardError> {
    state
        .store()
        .resend_delivery(viewer.workspace(), DeliveryId(id), Timestamp::now())
        .await?;
    Ok(Redirect::to(&format!("{WEBHOOKS_PATH}?saved=1")).into_response())
}

/// `POST /app/settings/alerts`: makes an alert.
pub(crate) async fn create_alert(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response, DashboardError> {
    let max_score = match number(&form, "max_score", "Highest score") {
        Ok(score) => score,
        Err(error) => return refused(&state, &viewer, error).await,
    };
    let text = |name: &str| field(&form, name).map(str::to_owned);
    let input = AlertInput {
        name: text("name").unwrap_or_default(),
        max_score,
        tag: text("tag"),
        filter: text("where"),
        emails: text("emails").into_iter().collect(),
        slack_url: text("slack_url"),
    };
    let allow_private = state.config().webhooks_allow_private;
    let new = match check_alert(&input, allow_private).await {
        Ok(new) => new,
        Err(error) => {
            return refused(
                &state,
                &viewer,
                format!("{}: {}", error.field, error.message),
            )
            .await;
        }
    };
    match state
        .store()
        .create_alert(viewer.workspace(), &new, Timestamp::now())
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("{WEBHOOKS_PATH}?saved=1")).into_response()),
        Err(StoreError::Conflict(message)) => {
            refused(&state, &viewer, format!("name: {message}")).await
        }
        Err(error) => Err(error.into()),
    }
}

/// `POST /app/settings/alerts/{id}/delete`.
pub(crate) async fn delete_alert(
    State(state): State<AppState>,
    Admin(viewer): Admin,
    Path(id): Path<i64>,
) -> Result<Response, DashboardError> {
    state
        .store()
        .delete_alert(viewer.workspace(), AlertId(id))
        .await?;
    Ok(Redirect::to(&format!("{WEBHOOKS_PATH}?saved=1")).into_response())
}
