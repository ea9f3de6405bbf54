//! Webhooks and alerts: subscriptions, their durable outbox and its delivery log.
//!
//! An event is written to the outbox **in the transaction of the change that causes it**: the
//! backends' write paths (a response arriving, its follow-up or tags changing, an answer
//! changed by its author, a contact erased, an address unsubscribing) insert one delivery per
//! matching webhook, and one per matching alert, before they commit. A rolled back change
//! therefore leaves no delivery behind, and a committed one always has its deliveries. Answers
//! to eNPS surveys are anonymous and never queue anything. Tag operations over a whole tag
//! (rename, merge, delete) and imports of past answers queue nothing.

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_core::webhook::WebhookEvent;

use crate::{ResponseId, StoreResult, WorkspaceId};

/// Identifies a webhook.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WebhookId(pub i64);

/// Identifies one message to a webhook (its `webhook-id` is `msg_` and this number).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DeliveryId(pub i64);

/// Identifies an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AlertId(pub i64);

/// How a webhook's messages are shaped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WebhookFormat {
    /// Standard Webhooks v1: `{"type", "timestamp", "data"}`, signed.
    Standard,
    /// A Slack incoming webhook: `{"text", "blocks"}`.
    Slack,
}

impl WebhookFormat {
    /// `standard` or `slack`.
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Standard => "standard",
            WebhookFormat::Slack => "slack",
        }
    }

    /// The format of a name [`WebhookFormat::as_str`] gives.
    pub fn parse(name: &str) -> Option<WebhookFormat> {
        match name {
            "standard" => Some(WebhookFormat::Standard),
            "slack" => Some(WebhookFormat::Slack),
            _ => None,
        }
    }
}

/// A webhook to create (checked by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct NewWebhook {
    /// Where messages are posted.
    pub url: String,
    /// What it subscribes to, at least one.
    pub events: Vec<WebhookEvent>,
    /// Their shape.
    pub format: WebhookFormat,
    /// Response events only for scores at least this.
    pub min_score: Option<u8>,
    /// Response events only for scores at most this.
    pub max_score: Option<u8>,
    /// The signing secret, `whsec_…`.
    pub secret: String,
}

/// A webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Webhook {
    /// Its id.
    pub id: WebhookId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// Where messages are posted.
    pub url: String,
    /// What it subscribes to.
    pub events: Vec<WebhookEvent>,
    /// Their shape.
    pub format: WebhookFormat,
    /// Response events only for scores at least this.
    pub min_score: Option<u8>,
    /// Response events only for scores at most this.
    pub max_score: Option<u8>,
    /// The signing secret.
    pub secret: String,
    /// Why it no longer receives anything (the receiver answered 410 Gone); `None` while active.
    pub disabled: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
}

/// Where a message is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Waiting for its next attempt.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Given up: retried for a day, refused for good, or its webhook was disabled.
    Failed,
}

impl DeliveryStatus {
    /// `pending`, `delivered` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Delivered => "delivered",
            DeliveryStatus::Failed => "failed",
        }
    }

    /// The status of a name [`DeliveryStatus::as_str`] gives.
    pub fn parse(name: &str) -> Option<DeliveryStatus> {
        match name {
            "pending" => Some(DeliveryStatus::Pending),
            "delivered" => Some(DeliveryStatus::Delivered),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

/// One attempt to deliver a message, as logged.
#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryAttempt {
    /// When it started.
    pub at: Timestamp,
    /// The receiver's HTTP status; `None` when none came (refused address, timeout…).
    pub status_code: Option<u16>,
    /// How long it took, in milliseconds.
    pub latency_ms: u64,
    /// What went wrong, if anything.
    pub error: Option<String>,
}

/// One message to a webhook (an outbox row).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookDelivery {
    /// Its id.
    pub id: DeliveryId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// Its webhook.
    pub webhook: WebhookId,
    /// Its type: an event name, or [`vouch_core::webhook::TEST_EVENT`].
    pub event: String,
    /// The response it is about, if any.
    pub response: Option<ResponseId>,
    /// The address it is about (`contact.unsubscribed`).
    pub email: Option<String>,
    /// Where it is in its life.
    pub status: DeliveryStatus,
    /// Attempts started.
    pub attempts: u32,
    /// When it is (or was) next due.
    pub next_attempt_at: Timestamp,
    /// The body, fixed at its first attempt so that every retry sends the same bytes.
    pub body: Option<String>,
    /// The error of its last failed attempt.
    pub last_error: Option<String>,
    /// When the change that caused it committed.
    pub created_at: Timestamp,
    /// Its attempts, oldest first (filled by [`WebhookStore::deliveries`] only).
    pub log: Vec<DeliveryAttempt>,
}

/// A message claimed for an attempt, with what sending it needs.
#[derive(Debug, Clone, PartialEq)]
pub struct DueDelivery {
    /// The message (its attempts already counting this one).
    pub delivery: WebhookDelivery,
    /// Its webhook.
    pub webhook: Webhook,
}

/// How an attempt ended.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryOutcome {
    /// Delivered.
    Delivered,
    /// Tried again at this time.
    RetryAt(Timestamp),
    /// Given up.
    Failed,
    /// Given up, and the webhook disabled with this reason (410 Gone).
    DisableWebhook(String),
}

/// The result of one attempt, to record.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptRecord {
    /// The message.
    pub delivery: DeliveryId,
    /// The attempt.
    pub attempt: DeliveryAttempt,
    /// The body sent, kept for the retries when it was not yet.
    pub body: Option<String>,
    /// What happens next.
    pub outcome: DeliveryOutcome,
}

/// An alert to create (checked by the caller).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAlert {
    /// Its name, unique in the workspace ignoring case.
    pub name: String,
    /// Only responses scoring at most this.
    pub max_score: Option<u8>,
    /// Only responses carrying this tag (an alert then goes out when the tag is put on).
    pub tag: Option<String>,
    /// Only responses whose attribute has this value (`ATTR`, `VALUE`).
    pub filter: Option<(String, String)>,
    /// Who is e-mailed.
    pub emails: Vec<String>,
    /// The Slack incoming webhook posted to.
    pub slack_url: Option<String>,
}

/// An alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    /// Its id.
    pub id: AlertId,
    /// Its workspace.
    pub workspace: WorkspaceId,
    /// What it is and does.
    pub rule: NewAlert,
    /// When it was created.
    pub created_at: Timestamp,
}

/// One alert about one response, claimed for an attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct DueAlert {
    /// Its id.
    pub id: i64,
    /// The alert.
    pub alert: Alert,
    /// The response.
    pub response: ResponseId,
    /// Attempts started, this one included.
    pub attempts: u32,
    /// When it was first due.
    pub created_at: Timestamp,
}

/// One alert about one response, as the dashboard lists it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertSent {
    /// The response.
    pub response: ResponseId,
    /// Where it is in its life.
    pub status: DeliveryStatus,
    /// Attempts started.
    pub attempts: u32,
    /// The last error, or why it was not sent (the response no longer matches).
    pub last_error: Option<String>,
    /// When it was first due.
    pub created_at: Timestamp,
}

/// Webhooks, their outbox and delivery log, and alerts.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Creates a webhook; `NotFound` when the workspace does not exist.
    async fn create_webhook(
        &self,
        workspace: WorkspaceId,
        webhook: &NewWebhook,
        at: Timestamp,
    ) -> StoreResult<Webhook>;

    /// The workspace's webhooks, oldest first.
    async fn webhooks(&self, workspace: WorkspaceId) -> StoreResult<Vec<Webhook>>;

    /// Deletes a webhook with its outbox and log; `NotFound` when it is not the workspace's.
    async fn delete_webhook(&self, workspace: WorkspaceId, webhook: WebhookId) -> StoreResult<()>;

    /// Queues a [`vouch_core::webhook::TEST_EVENT`] message to the webhook, due now.
    async fn queue_test_delivery(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery>;

    /// The webhook's latest `limit` messages, newest first, each with its attempts.
    async fn deliveries(
        &self,
        workspace: WorkspaceId,
        webhook: WebhookId,
        limit: usize,
    ) -> StoreResult<Vec<WebhookDelivery>>;

    /// Queues a message again, due now, with its first body (a message that went out is sent
    /// again with the same id); `NotFound` when it is not the workspace's.
    async fn resend_delivery(
        &self,
        workspace: WorkspaceId,
        delivery: DeliveryId,
        at: Timestamp,
    ) -> StoreResult<WebhookDelivery>;

    /// Claims up to `limit` due messages of active webhooks, across workspaces, oldest first:
    /// each counts one more attempt and is not due again before `lease_until` (a crash loses
    /// nothing). One claimer only gets each, even with several servers on one database.
    async fn claim_deliveries(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueDelivery>>;

    /// Logs an attempt and settles its message as the outcome says.
    async fn record_attempt(&self, record: &AttemptRecord) -> StoreResult<()>;

    /// Creates an alert; `Conflict` when its name is taken, `NotFound` without the workspace.
    async fn create_alert(
        &self,
        workspace: WorkspaceId,
        alert: &NewAlert,
        at: Timestamp,
    ) -> StoreResult<Alert>;

    /// The workspace's alerts, oldest first.
    async fn alerts(&self, workspace: WorkspaceId) -> StoreResult<Vec<Alert>>;

    /// Deletes an alert and what it queued; `NotFound` when it is not the workspace's.
    async fn delete_alert(&self, workspace: WorkspaceId, alert: AlertId) -> StoreResult<()>;

    /// The alert's latest `limit` messages, newest first.
    async fn alerts_sent(
        &self,
        workspace: WorkspaceId,
        alert: AlertId,
        limit: usize,
    ) -> StoreResult<Vec<AlertSent>>;

    /// Claims up to `limit` due alerts, like [`WebhookStore::claim_deliveries`].
    async fn claim_alerts(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<DueAlert>>;

    /// Settles an alert: sent (`Delivered`), retried, or given up with its reason.
    async fn record_alert(
        &self,
        id: i64,
        outcome: &DeliveryOutcome,
        error: Option<&str>,
        at: Timestamp,
    ) -> StoreResult<()>;
}
