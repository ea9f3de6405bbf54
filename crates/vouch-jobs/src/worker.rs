//! The worker: claims due jobs from the store, runs them by kind, records the outcome.
//!
//! **Concurrency invariant:** a job runs on one worker at a time. The store hands a job out
//! with a lease (`claim_jobs`, `FOR UPDATE SKIP LOCKED` on PostgreSQL, one writer on SQLite);
//! only when the lease ends without a `complete_job` / `fail_job` — the worker died — can
//! another worker claim it again. Jobs are therefore written to be safe to run twice: a
//! campaign run skips contacts it already invited in its cycle, an email is not sent again once
//! its invitation records it sent.
//!
//! Within one worker, at most `concurrency` jobs run at once; the worker only claims as many
//! jobs as it has free slots, so nothing it claims waits behind a lease.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tokio::sync::{OnceCell, Semaphore, watch};
use tokio::task::JoinSet;
use vouch_store::{
    Brand, CampaignId, Job, JobPayload, JobPayloadError, RuleId, Store, WorkspaceId,
};

use crate::{JobError, JobResult, JobsConfig, Mailer};

/// How long the worker waits before looking for jobs again when it found fewer than it could
/// take.
pub const IDLE_POLL: Duration = Duration::from_millis(500);
/// The first retry waits about this long; each further one twice as long.
pub const BACKOFF_BASE: Duration = Duration::from_secs(30);
/// No retry waits longer than this.
pub const BACKOFF_CAP: Duration = Duration::from_secs(3600);

/// What every job can reach: the store, the settings, the SMTP pool and a few cached values.
#[derive(Debug)]
pub struct JobContext {
    /// The store.
    pub store: Arc<dyn Store>,
    /// The settings.
    pub config: JobsConfig,
    /// The SMTP pool, when an SMTP server is configured.
    pub mailer: Option<Mailer>,
    link_secret: OnceCell<Vec<u8>>,
}

impl JobContext {
    /// The server's link secret (read once).
    pub async fn link_secret(&self) -> JobResult<&[u8]> {
        let secret = self
            .link_secret
            .get_or_try_init(|| async { self.store.link_secret().await })
            .await?;
        Ok(secret)
    }

    /// The workspace's brand, as it is now (an admin may change it while jobs run).
    pub async fn workspace_brand(&self, id: WorkspaceId) -> JobResult<Brand> {
        match self.store.workspace_by_id(id).await? {
            Some(workspace) => Ok(workspace.brand),
            None => Err(JobError::Permanent(format!("no workspace {}", id.0))),
        }
    }
}

/// Runs jobs from the store. Cheap to clone; clones share the SMTP pool.
#[derive(Debug, Clone)]
pub struct Worker {
    context: Arc<JobContext>,
}

/// Whether the loop runs until told to stop or until nothing is due.
enum Until {
    Stopped(watch::Receiver<bool>),
    Idle,
}

impl Worker {
    /// A worker over `store`; fails when the SMTP settings are invalid.
    pub fn new(store: Arc<dyn Store>, config: JobsConfig) -> JobResult<Worker> {
        let mailer = match &config.smtp_url {
            Some(url) => Some(Mailer::from_url(
                url,
                &config.smtp_from,
                config.concurrency,
            )?),
            None => None,
        };
        Ok(Worker {
            context: Arc::new(JobContext {
                store,
                config,
                mailer,
                link_secret: OnceCell::new(),
            }),
        })
    }

    /// What jobs can reach.
    pub fn context(&self) -> &Arc<JobContext> {
        &self.context
    }

    /// Runs jobs until `shutdown` completes, then lets the jobs in flight finish and returns.
    /// Polls every [`IDLE_POLL`] while idle, and at once again when a claim came back full.
    pub async fn run_until_stopped(&self, shutdown: impl Future<Output = ()> + Send + 'static) {
        let (stop, stopped) = watch::channel(false);
        let signal = tokio::spawn(async move {
            shutdown.await;
            let _ = stop.send(true);
        });
        if let Err(error) = self.run(Until::Stopped(stopped)).await {
            tracing::error!(%error, "the job worker stopped");
        }
        signal.abort();
    }

    /// Runs every job that is due, and the jobs they make due, until none is due; returns how
    /// many ran. Jobs that failed and wait for a retry are left for later.
    pub async fn run_due_jobs(&self) -> JobResult<u64> {
        self.run(Until::Idle).await
    }

    async fn run(&self, mut until: Until) -> JobResult<u64> {
        let concurrency = self.context.config.concurrency.max(1);
        let slots = Arc::new(Semaphore::new(concurrency));
        let mut running: JoinSet<()> = JoinSet::new();
        let mut ran = 0u64;
        loop {
            while running.try_join_next().is_some() {}
            if let Until::Stopped(stopped) = &until
                && *stopped.borrow()
            {
                break;
            }
            let free = slots.available_permits();
            let mut claimed = 0;
            if free > 0 {
                match self.claim(free).await {
                    Ok(jobs) => {
                        claimed = jobs.len();
                        for job in jobs {
                            let permit = Arc::clone(&slots)
                                .acquire_owned()
                                .await
                                .expect("the semaphore is never closed");
                            let context = Arc::clone(&self.context);
                            running.spawn(async move {
                                execute(&context, job).await;
                                drop(permit);
                            });
                            ran += 1;
                        }
                    }
                    Err(error) => match &until {
                        Until::Idle => {
                            while running.join_next().await.is_some() {}
                            return Err(error);
                        }
                        Until::Stopped(_) => {
                            tracing::warn!(%error, "cannot claim jobs; trying again shortly");
                        }
                    },
                }
            }
            if free > 0 && claimed == free {
                continue;
            }
            match &mut until {
                Until::Idle => {
                    if running.is_empty() && claimed == 0 {
                        break;
                    }
                    // Wait for a job to finish: it may have made others due.
                    if !running.is_empty() {
                        running.join_next().await;
                    }
                }
                Until::Stopped(stopped) => {
                    tokio::select! {
                        _ = stopped.changed() => {}
                        _ = tokio::time::sleep(IDLE_POLL) => {}
                        Some(_) = running.join_next(), if !running.is_empty() => {}
                    }
                }
            }
        }
        while running.join_next().await.is_some() {}
        Ok(ran)
    }

    async fn claim(&self, limit: usize) -> JobResult<Vec<Job>> {
        let now = Timestamp::now();
        let lease = SignedDuration::try_from(self.context.config.lease)
            .unwrap_or(SignedDuration::from_secs(600));
        let until = now.checked_add(lease).unwrap_or(Timestamp::MAX);
        Ok(self.context.store.claim_jobs(now, until, limit).await?)
    }
}

/// Runs one claimed job and records how it went: done, queued again after [`backoff`], or
/// failed for good (a permanent error, or the last allowed attempt).
async fn execute(context: &Arc<JobContext>, job: Job) {
    let outcome = {
        let context = Arc::clone(context);
        let job = job.clone();
        // A job of its own, so that a panic fails this job instead of the worker.
        match tokio::spawn(async move { dispatch(&context, &job).await }).await {
            Ok(outcome) => outcome,
            Err(error) => Err(JobError::Permanent(format!("the job crashed: {error}"))),
        }
    };
    let now = Timestamp::now();
    let store = &context.store;
    let recorded = match outcome {
        Ok(()) => {
            tracing::debug!(job = job.id.0, kind = %job.kind, "job done");
            store.complete_job(job.id, now).await
        }
        Err(error) => {
            let retry_at = (error.is_retryable() && job.attempts < job.max_attempts)
                .then(|| now + jittered_backoff(job.attempts));
            tracing::warn!(
                job = job.id.0,
                kind = %job.kind,
                attempt = job.attempts,
                retry_at = retry_at.map(|at| at.to_string()),
                %error,
                "job failed"
            );
            store
                .fail_job(job.id, &error.to_string(), retry_at, now)
                .await
        }
    };
    if let Err(error) = recorded {
        // The lease will run out and the job will be claimed again.
        tracing::error!(job = job.id.0, %error, "cannot record the outcome of a job");
    }
}

/// Runs a job by what its payload says. A kind this version does not run, or a payload its
/// kind cannot read, fails the job for good.
pub async fn dispatch(context: &JobContext, job: &Job) -> JobResult<()> {
    let workspace = job.workspace;
    match job.parse_payload().map_err(unreadable)? {
        JobPayload::SendEmail(send) => crate::send_email::run(context, workspace, send).await,
        JobPayload::RunCampaign(run) => {
            crate::campaign::run(context, workspace, CampaignId(run.campaign)).await
        }
        JobPayload::CampaignReminders(reminders) => {
            crate::reminders::run(context, workspace, CampaignId(reminders.campaign)).await
        }
        JobPayload::SendPasswordReset(reset) => crate::password_reset::run(context, reset).await,
        JobPayload::ApplyRule(apply) => {
            crate::apply_rule::run(context, workspace, RuleId(apply.rule)).await
        }
        JobPayload::SendReply(reply) => crate::send_reply::run(context, workspace, reply).await,
        JobPayload::DiscoverThemes(_) => Err(JobError::Permanent(
            "finding themes is not run by this worker".into(),
        )),
    }
}

/// The permanent failure of a job whose kind or payload cannot be read.
fn unreadable(error: JobPayloadError) -> JobError {
    match error {
        JobPayloadError::UnknownKind(_) => {
            JobError::Permanent(format!("{error}: no worker of this version runs it"))
        }
        JobPayloadError::BadPayload { .. } => JobError::Permanent(error.to_string()),
    }
}

/// How long to wait before the next attempt after `attempts` attempts, with `jitter` in
/// [0, 1): [`BACKOFF_BASE`] × 2^(attempts − 1), capped at [`BACKOFF_CAP`], of which the
/// second half is scaled by `jitter` ("equal jitter": between half and all of it), so that
/// jobs that failed together do not all come back together.
pub fn backoff(attempts: u32, jitter: f64) -> Duration {
    let exponent = attempts.saturating_sub(1).min(16);
    let full = BACKOFF_BASE
        .saturating_mul(1u32 << exponent)
        .min(BACKOFF_CAP);
    let half = full / 2;
    half + half.mul_f64(jitter.clamp(0.0, 1.0))
}

fn jittered_backoff(attempts: u32) -> SignedDuration {
    let delay = backoff(attempts, rand::random::<f64>());
    SignedDuration::try_from(delay).unwrap_or(SignedDuration::from_secs(3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(1, 0.0), Duration::from_secs(15));
        assert_eq!(backoff(1, 1.0), Duration::from_secs(30));
        assert_eq!(backoff(2, 1.0), Duration::from_secs(60));
        assert_eq!(backoff(3, 1.0), Duration::from_secs(120));
        assert_eq!(backoff(8, 1.0), Duration::from_secs(3600));
        assert_eq!(backoff(40, 1.0), Duration::from_secs(3600));
        assert_eq!(backoff(40, 0.0), Duration::from_secs(1800));
        // Attempts are counted from 1; 0 behaves as the first.
        assert_eq!(backoff(0, 1.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_stays_between_half_and_all_of_the_delay() {
        for attempts in 1..12 {
            let full = backoff(attempts, 1.0);
            for _ in 0..100 {
                let delay = Duration::try_from(jittered_backoff(attempts)).unwrap();
                assert!(delay >= full / 2 && delay <= full, "{delay:?} vs {full:?}");
            }
        }
    }
}
