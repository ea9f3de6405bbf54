//! The background work of Vouch: a job queue worker and one module per job.
//!
//! Jobs live in the store (`Store::enqueue_job`, `claim_jobs`, `complete_job`, `fail_job`), so
//! that a job is queued in the same transaction as the write that causes it and survives a
//! crash. What a job does is a [`vouch_store::JobPayload`], stored as a kind and a JSON payload.
//! A [`Worker`] claims due jobs with a lease, parses each into its `JobPayload`, runs the module
//! of its variant with the variant's fields, and records the outcome:
//!
//! | `JobPayload` | kind | payload | module |
//! |---|---|---|---|
//! | `SendEmail` | `send_email` | `{"invitation": ID, "reminder": BOOL}` | [`send_email`] |
//! | `RunCampaign` | `run_campaign` | `{"campaign": ID}` | [`campaign`] |
//! | `CampaignReminders` | `campaign_reminders` | `{"campaign": ID}` | [`reminders`] |
//! | `SendPasswordReset` | `send_password_reset` | `{"user": ID, "token": "…"}` | [`password_reset`] |
//! | `SendReply` | `send_reply` | `{"reply": ID}` | [`send_reply`] |
//!
//! A job of a kind this version does not run, or whose payload its kind cannot read, fails for
//! good at its first attempt, with an error that names the kind (and what is wrong with the
//! payload); it stays in the queue, listed like any other.
//!
//! [`campaign_rules`] checks what a person typed (`vouch send`'s flags, the dashboard's send
//! form) into a campaign's rules, once for both.
//!
//! The weekly digest is worded and rendered by [`digest`] and sent on time by
//! [`digest_schedule`] (beside the worker, not as a queued job: its schedule is the calendar).
//!
//! Webhook messages and alerts are queued by the store in the transactions of the changes
//! that cause them; [`outbox`] (beside the worker, polling every 200 ms) sends them:
//! [`deliver_webhooks`] signs and posts Standard Webhooks or Slack messages, with retries for
//! a day, [`send_alerts`] e-mails and posts alerts; [`webhook_target`] is the one check of
//! where they may go (no private or loopback address, after DNS resolution).
//!
//! Survey emails are rendered by [`email`] (the eleven score buttons are in the email itself)
//! and sent over SMTP by [`mailer`].
//!
//! ```no_run
//! # async fn example(store: std::sync::Arc<dyn vouch_store::Store>) -> Result<(), vouch_jobs::JobError> {
//! use vouch_jobs::{JobsConfig, Worker};
//! let config = JobsConfig {
//!     public_url: "https://nps.example.com".into(),
//!     smtp_url: Some("smtp://127.0.0.1:2525".into()),
//!     ..JobsConfig::default()
//! };
//! let worker = Worker::new(store, config)?;
//! // Run everything that is due now, as `vouch send` does; `vouch serve` calls
//! // `worker.run_until_stopped(shutdown)` instead.
//! worker.run_due_jobs().await?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]

pub mod apply_rule;
pub mod campaign;
pub mod campaign_rules;
pub mod deliver_webhooks;
pub mod digest;
pub mod digest_schedule;
pub mod email;
pub mod hook_rules;
pub mod mailer;
pub mod outbox;
pub mod password_reset;
pub mod plan;
pub mod reminders;
pub mod send_alerts;
pub mod send_email;
pub mod send_reply;
pub mod train_leads;
pub mod webhook_body;
pub mod webhook_target;
pub mod worker;

use std::time::Duration;

pub use mailer::Mailer;
pub use worker::{Worker, backoff};

/// What the worker needs to know about the deployment.
#[derive(Debug, Clone, PartialEq)]
pub struct JobsConfig {
    /// The base of every link in emails, e.g. `https://nps.example.com` (no trailing slash
    /// needed).
    pub public_url: String,
    /// The SMTP server: `smtp://host:port`, `smtp://user:pass@host:port?tls=starttls` or
    /// `smtps://user:pass@host:465`. Without one, email jobs fail (and are retried) with an
    /// error saying so.
    pub smtp_url: Option<String>,
    /// The sender address, `vouch@example.com` or `Acme <nps@acme.example>`. Without a display
    /// name, the survey's brand name is used as one.
    pub smtp_from: String,
    /// Jobs run at once (and SMTP connections kept open).
    pub concurrency: usize,
    /// How long a claimed job is reserved for its worker; a job still running after that may
    /// be claimed again (a crashed worker loses nothing).
    pub lease: Duration,
    /// Whether webhooks and Slack alerts may post to private and loopback addresses
    /// (`webhooks_allow_private`); refused by default, against server-side request forgery.
    pub webhooks_allow_private: bool,
}

impl Default for JobsConfig {
    fn default() -> Self {
        JobsConfig {
            public_url: "http://127.0.0.1:8080".into(),
            smtp_url: None,
            smtp_from: DEFAULT_SMTP_FROM.into(),
            concurrency: 16,
            lease: Duration::from_secs(600),
            webhooks_allow_private: false,
        }
    }
}

/// The sender address when none is configured.
pub const DEFAULT_SMTP_FROM: &str = "vouch@localhost";

/// Why a job (or setting up the worker) failed.
#[derive(Debug, thiserror::Error)]
pub enum JobError {
    /// A failure that a later attempt may cure (SMTP server down, database busy).
    #[error("{0}")]
    Retry(String),
    /// A failure no retry can cure (a malformed payload, an unknown kind): the job is marked
    /// failed at once.
    #[error("{0}")]
    Permanent(String),
    /// A setting is invalid (the SMTP URL, the sender address).
    #[error("{0}")]
    Config(String),
    /// The store failed; retried.
    #[error(transparent)]
    Store(#[from] vouch_store::StoreError),
}

impl JobError {
    /// Whether another attempt may succeed.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, JobError::Permanent(_) | JobError::Config(_))
    }
}

/// The result of a job.
pub type JobResult<T> = Result<T, JobError>;

/// The message every email job fails with when no SMTP server is configured.
pub const NO_SMTP_SERVER: &str = "no SMTP server configured (smtp_url)";
