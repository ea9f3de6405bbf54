//! The outbox loop, beside the worker in `vouch serve`: it claims the webhook messages and
//! alerts the store's write paths queued (in the transactions of their changes) and sends
//! them — [`crate::deliver_webhooks`] and [`crate::send_alerts`].
//!
//! It looks for due messages every [`POLL`] (a message leaves within that of its commit, on
//! any server sharing the database) and at once again while there are more. Each claim leases
//! its messages for [`LEASE`], so a server that dies mid-send loses nothing: the messages are
//! due again after the lease, and two servers never send one message at once.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use futures_util::future::join_all;
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use vouch_store::{ResponseId, Store, WorkspaceId};

use crate::{JobError, JobResult, JobsConfig, Mailer};

/// How often the loop looks for due messages.
pub const POLL: Duration = Duration::from_millis(200);

/// How long a claimed message is reserved for its sender.
pub const LEASE: SignedDuration = SignedDuration::from_secs(120);

/// The most messages (and alerts) claimed at once.
pub const BATCH: usize = 32;

/// What a message says of a response: the API's JSON of it. The server supplies it (the API
/// owns its wire shape), so a webhook's `data` is exactly what `GET /api/v1/responses/{id}`
/// returns.
#[async_trait]
pub trait EventData: Send + Sync {
    /// The API's JSON of the response; `None` when it no longer exists or is anonymous (an
    /// eNPS answer, which is never sent anywhere).
    async fn response_json(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> Result<Option<Value>, String>;
}

/// What sending needs: the store, the HTTP client, the mailer, and the settings.
pub struct Outbox {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) data: Arc<dyn EventData>,
    pub(crate) client: reqwest::Client,
    pub(crate) mailer: Option<Mailer>,
    pub(crate) config: JobsConfig,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Outbox")
            .field("allow_private", &self.config.webhooks_allow_private)
            .finish_non_exhaustive()
    }
}

impl Outbox {
    /// An outbox over `store`; fails when the SMTP settings are invalid.
    pub fn new(
        store: Arc<dyn Store>,
        config: JobsConfig,
        data: Arc<dyn EventData>,
    ) -> JobResult<Outbox> {
        let client = crate::webhook_target::client(config.webhooks_allow_private)
            .map_err(|error| JobError::Config(format!("cannot build the HTTP client: {error}")))?;
        let mailer = match &config.smtp_url {
            Some(url) => Some(Mailer::from_url(url, &config.smtp_from, 2)?),
            None => None,
        };
        Ok(Outbox {
            store,
            data,
            client,
            mailer,
            config,
        })
    }

    /// Sends what is due now, once: returns how many messages and alerts were attempted.
    pub async fn run_due(&self) -> JobResult<usize> {
        let now = Timestamp::now();
        let lease_until = now + LEASE;
        let deliveries = self.store.claim_deliveries(now, lease_until, BATCH).await?;
        let alerts = self.store.claim_alerts(now, lease_until, BATCH).await?;
        let attempted = deliveries.len() + alerts.len();
        let sending = deliveries
            .into_iter()
            .map(|due| crate::deliver_webhooks::deliver(self, due));
        let alerting = alerts
            .into_iter()
            .map(|due| crate::send_alerts::send(self, due));
        let (sent, alerted) = tokio::join!(join_all(sending), join_all(alerting));
        for outcome in sent.into_iter().chain(alerted) {
            if let Err(error) = outcome {
                tracing::warn!(%error, "an outbox message could not be settled");
            }
        }
        Ok(attempted)
    }

    /// Runs until `stop` turns true (or its sender is dropped): everything due, then again
    /// every [`POLL`].
    pub async fn run_until_stopped(&self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            let attempted = match self.run_due().await {
                Ok(attempted) => attempted,
                Err(error) => {
                    tracing::warn!(%error, "the outbox could not be read");
                    0
                }
            };
            if attempted < BATCH {
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    changed = stop.changed() => {
                        if changed.is_err() {
                            return; // the server is gone
                        }
                    }
                }
            }
        }
    }
}
