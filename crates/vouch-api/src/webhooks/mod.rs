//! `/api/v1/webhooks` and `/api/v1/alerts`: signed webhooks with their delivery log, and
//! detractor alerts. Managing them takes a write key; a webhook's secret is shown once, when it
//! is created. Targets that are (or resolve to) private or loopback addresses are refused
//! unless the server allows them (`webhooks_allow_private`).

mod event_data;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use vouch_jobs::hook_rules::{AlertInput, FieldError, WebhookInput, check_alert, check_webhook};
use vouch_store::{Alert, AlertId, DeliveryId, Webhook, WebhookDelivery, WebhookId};
use vouch_web::ApiState;
use vouch_web::auth::WriteCaller;
use vouch_web::error::{ApiError, Result};
use vouch_web::json::{ApiJson, PathId, path_id};

use crate::Routes;
use crate::openapi::WriteErrors;

pub use event_data::ApiEventData;

/// How many messages the delivery log lists.
const LOG_LIMIT: usize = 100;

/// The webhook and alert routes.
pub(crate) fn routes(routes: Routes) -> Routes {
    routes
        .add::<__path_list_webhooks, _, _>(list_webhooks)
        .add::<__path_create_webhook, _, _>(create_webhook)
        .add::<__path_delete_webhook, _, _>(delete_webhook)
        .add::<__path_test_webhook, _, _>(test_webhook)
        .add::<__path_webhook_deliveries, _, _>(webhook_deliveries)
        .add::<__path_resend_delivery, _, _>(resend_delivery)
        .add::<__path_list_alerts, _, _>(list_alerts)
        .add::<__path_create_alert, _, _>(create_alert)
        .add::<__path_delete_alert, _, _>(delete_alert)
}

/// A webhook to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhookBody {
    /// Where messages are posted: `http://` or `https://`, a public address.
    pub url: String,
    /// `response.created`, `response.updated`, `response.tagged`, `response.deleted`,
    /// `contact.unsubscribed`: at least one.
    pub events: Vec<String>,
    /// `standard` (Standard Webhooks, signed; the default) or `slack`.
    pub format: Option<String>,
    /// Response events only for scores at least this (0–10).
    pub min_score: Option<i64>,
    /// Response events only for scores at most this (0–10).
    pub max_score: Option<i64>,
}

/// A webhook.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookJson {
    /// Its id.
    pub id: i64,
    /// Where messages are posted.
    pub url: String,
    /// What it subscribes to.
    pub events: Vec<String>,
    /// `standard` or `slack`.
    pub format: String,
    /// Response events only for scores at least this.
    pub min_score: Option<u8>,
    /// Response events only for scores at most this.
    pub max_score: Option<u8>,
    /// Why it receives nothing more (the receiver answered 410); null while active.
    pub disabled: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
    /// The signing secret (`whsec_…`): only in the reply that creates it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<String>,
}

impl WebhookJson {
    /// The JSON of a webhook, without its secret.
    pub fn new(webhook: &Webhook) -> WebhookJson {
        WebhookJson {
            id: webhook.id.0,
            url: webhook.url.clone(),
            events: webhook
                .events
                .iter()
                .map(|event| event.as_str().to_owned())
                .collect(),
            format: webhook.format.as_str().to_owned(),
            min_score: webhook.min_score,
            max_score: webhook.max_score,
            disabled: webhook.disabled.clone(),
            created_at: webhook.created_at.to_string(),
            secret: None,
        }
    }
}

/// The workspace's webhooks.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct WebhookList {
    /// The webhooks, oldest first.
    pub data: Vec<WebhookJson>,
}

/// One attempt to deliver a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AttemptJson {
    /// When it started (RFC 3339).
    pub at: String,
    /// The receiver's HTTP status; null when none came.
    pub status_code: Option<u16>,
    /// How long it took, in milliseconds.
    pub latency_ms: u64,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// One message to a webhook, with its attempts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryJson {
    /// Its id; its `webhook-id` header is `msg_` and this number.
    pub id: i64,
    /// Its type (an event, or `webhook.test`).
    pub event: String,
    /// The response it is about, if any.
    pub response_id: Option<i64>,
    /// `pending`, `delivered` or `failed`.
    pub status: String,
    /// Attempts made.
    pub attempts: u32,
    /// When it is next due, while pending (RFC 3339).
    pub next_attempt_at: Option<String>,
    /// The error of its last attempt.
    pub last_error: Option<String>,
    /// When it was queued (RFC 3339).
    pub created_at: String,
    /// Every attempt, oldest first.
    pub log: Vec<AttemptJson>,
}

impl DeliveryJson {
    /// The JSON of a message.
    pub fn new(delivery: &WebhookDelivery) -> DeliveryJson {
        let pending = delivery.status == vouch_store::DeliveryStatus::Pending;
        DeliveryJson {
            id: delivery.id.0,
            event: delivery.event.clone(),
            response_id: delivery.response.map(|id| id.0),
            status: delivery.status.as_str().to_owned(),
            attempts: delivery.attempts,
            next_attempt_at: pending.then(|| delivery.next_attempt_at.to_string()),
            last_error: delivery.last_error.clone(),
            created_at: delivery.created_at.to_string(),
            log: delivery
                .log
                .iter()
                .map(|attempt| AttemptJson {
                    at: attempt.at.to_string(),
                    status_code: attempt.status_code,
                    latency_ms: attempt.latency_ms,
                    error: attempt.error.clone(),
                })
                .collect(),
        }
    }
}

/// A webhook's messages.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct DeliveryList {
    /// The latest 100 messages, newest first.
    pub data: Vec<DeliveryJson>,
}

fn field_error(error: FieldError) -> ApiError {
    ApiError::validation(error.field, error.message)
}

/// List the workspace's webhooks (without their secrets).
#[utoipa::path(get, path = "/api/v1/webhooks", tag = "webhooks",
    responses((status = 200, description = "The webhooks", body = WebhookList), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn list_webhooks(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
) -> Result<Response> {
    let webhooks = state.store().webhooks(caller.workspace).await?;
    let data = webhooks.iter().map(WebhookJson::new).collect();
    Ok(axum::Json(WebhookList { data }).into_response())
}

/// Create a webhook; the reply carries its signing secret, shown only this once.
#[utoipa::path(post, path = "/api/v1/webhooks", tag = "webhooks", request_body = NewWebhookBody,
    responses((status = 201, description = "Created, with its secret", body = WebhookJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn create_webhook(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<NewWebhookBody>,
) -> Result<Response> {
    let body = body.value;
    let input = WebhookInput {
        url: body.url,
        events: body.events,
        format: body.format,
        min_score: body.min_score,
        max_score: body.max_score,
    };
    let allow_private = state.app().config().webhooks_allow_private;
    let new = check_webhook(&input, allow_private)
        .await
        .map_err(field_error)?;
    let created = state
        .store()
        .create_webhook(caller.workspace, &new, Timestamp::now())
        .await?;
    let mut json = WebhookJson::new(&created);
    json.secret = Some(created.secret);
    Ok((StatusCode::CREATED, axum::Json(json)).into_response())
}

/// Delete a webhook with its messages and their log.
#[utoipa::path(delete, path = "/api/v1/webhooks/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook's id")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn delete_webhook(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "webhook")?;
    state
        .store()
        .delete_webhook(caller.workspace, WebhookId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// Queue a `webhook.test` message to the webhook, sent within a second.
#[utoipa::path(post, path = "/api/v1/webhooks/{id}/test", tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook's id")),
    responses((status = 202, description = "Queued", body = DeliveryJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn test_webhook(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "webhook")?;
    let queued = state
        .store()
        .queue_test_delivery(caller.workspace, WebhookId(id), Timestamp::now())
        .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(DeliveryJson::new(&queued))).into_response())
}

/// The webhook's latest 100 messages, newest first, each with every attempt (status, latency,
/// error).
#[utoipa::path(get, path = "/api/v1/webhooks/{id}/deliveries", tag = "webhooks",
    params(("id" = i64, Path, description = "The webhook's id")),
    responses((status = 200, description = "The delivery log", body = DeliveryList), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn webhook_deliveries(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "webhook")?;
    let found = state
        .store()
        .deliveries(caller.workspace, WebhookId(id), LOG_LIMIT)
        .await?;
    let data = found.iter().map(DeliveryJson::new).collect();
    Ok(axum::Json(DeliveryList { data }).into_response())
}

/// Send a message again (same id and body), now.
#[utoipa::path(post, path = "/api/v1/webhooks/deliveries/{id}/resend", tag = "webhooks",
    params(("id" = i64, Path, description = "The message's id")),
    responses((status = 202, description = "Queued again", body = DeliveryJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn resend_delivery(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "message")?;
    let queued = state
        .store()
        .resend_delivery(caller.workspace, DeliveryId(id), Timestamp::now())
        .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(DeliveryJson::new(&queued))).into_response())
}

/// An alert to create.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAlertBody {
    /// Its name, unique ignoring case.
    pub name: String,
    /// Only responses scoring at most this (0–10).
    pub max_score: Option<i64>,
    /// Only responses carrying this tag (sent when it is put on).
    pub tag: Option<String>,
    /// Only responses whose attribute has this value: `ATTR=VALUE`.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// Who is e-mailed.
    #[serde(default)]
    pub emails: Vec<String>,
    /// A Slack incoming webhook to post to.
    pub slack_url: Option<String>,
}

/// An alert.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AlertJson {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Only responses scoring at most this.
    pub max_score: Option<u8>,
    /// Only responses carrying this tag.
    pub tag: Option<String>,
    /// Only responses whose attribute has this value: `ATTR=VALUE`.
    #[serde(rename = "where")]
    pub filter: Option<String>,
    /// Who is e-mailed.
    pub emails: Vec<String>,
    /// The Slack incoming webhook posted to.
    pub slack_url: Option<String>,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl AlertJson {
    /// The JSON of an alert.
    pub fn new(alert: &Alert) -> AlertJson {
        let rule = &alert.rule;
        AlertJson {
            id: alert.id.0,
            name: rule.name.clone(),
            max_score: rule.max_score,
            tag: rule.tag.clone(),
            filter: rule
                .filter
                .as_ref()
                .map(|(attribute, value)| format!("{attribute}={value}")),
            emails: rule.emails.clone(),
            slack_url: rule.slack_url.clone(),
            created_at: alert.created_at.to_string(),
        }
    }
}

/// The workspace's alerts.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct AlertList {
    /// The alerts, oldest first.
    pub data: Vec<AlertJson>,
}

/// List the workspace's alerts.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "webhooks",
    responses((status = 200, description = "The alerts", body = AlertList), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn list_alerts(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
) -> Result<Response> {
    let alerts = state.store().alerts(caller.workspace).await?;
    let data = alerts.iter().map(AlertJson::new).collect();
    Ok(axum::Json(AlertList { data }).into_response())
}

/// Create an alert: an e-mail and/or a Slack message for each matching response as it
/// arrives (never for eNPS answers).
#[utoipa::path(post, path = "/api/v1/alerts", tag = "webhooks", request_body = NewAlertBody,
    responses((status = 201, description = "Created", body = AlertJson), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn create_alert(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    body: ApiJson<NewAlertBody>,
) -> Result<Response> {
    let body = body.value;
    let input = AlertInput {
        name: body.name,
        max_score: body.max_score,
        tag: body.tag,
        filter: body.filter,
        emails: body.emails,
        slack_url: body.slack_url,
    };
    let allow_private = state.app().config().webhooks_allow_private;
    let new = check_alert(&input, allow_private)
        .await
        .map_err(field_error)?;
    let created = state
        .store()
        .create_alert(caller.workspace, &new, Timestamp::now())
        .await?;
    Ok((StatusCode::CREATED, axum::Json(AlertJson::new(&created))).into_response())
}

/// Delete an alert.
#[utoipa::path(delete, path = "/api/v1/alerts/{id}", tag = "webhooks",
    params(("id" = i64, Path, description = "The alert's id")),
    responses((status = 204, description = "Deleted"), WriteErrors),
    security(("api_key" = [])))]
pub(crate) async fn delete_alert(
    State(state): State<ApiState>,
    WriteCaller(caller): WriteCaller,
    PathId(id): PathId,
) -> Result<Response> {
    let id = path_id(&id, "alert")?;
    state
        .store()
        .delete_alert(caller.workspace, AlertId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
