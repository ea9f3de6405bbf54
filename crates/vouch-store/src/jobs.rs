//! The job queue: rows and the store area.

use async_trait::async_trait;
use jiff::Timestamp;

use crate::{StoreResult, WorkspaceId};

/// Identifies a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub i64);

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    /// Waiting for its `run_at`, or for a worker.
    Queued,
    /// Claimed by a worker until its lease ends (then claimable again: a crash loses nothing).
    Running,
    /// Finished.
    Done,
    /// Failed on its last allowed attempt.
    Failed,
}

impl JobStatus {
    /// `queued`, `running`, `done` or `failed`.
    pub fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Failed => "failed",
        }
    }

    /// Parses the names [`JobStatus::as_str`] gives.
    pub fn parse(text: &str) -> Option<JobStatus> {
        match text {
            "queued" => Some(JobStatus::Queued),
            "running" => Some(JobStatus::Running),
            "done" => Some(JobStatus::Done),
            "failed" => Some(JobStatus::Failed),
            _ => None,
        }
    }
}

/// A job to queue.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    /// What to do (`send_email`, `run_campaign`…): the worker's dispatch key.
    pub kind: String,
    /// Its arguments, a JSON document.
    pub payload: String,
    /// Not before this time.
    pub run_at: Timestamp,
    /// Attempts before it is marked failed.
    pub max_attempts: u32,
}

/// A queued, running or finished job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    /// Its id.
    pub id: JobId,
    /// The workspace it works for.
    pub workspace: WorkspaceId,
    /// What to do.
    pub kind: String,
    /// Its arguments, a JSON document.
    pub payload: String,
    /// Where it is in its life.
    pub status: JobStatus,
    /// Attempts started so far.
    pub attempts: u32,
    /// Attempts before it is marked failed.
    pub max_attempts: u32,
    /// When it may run next.
    pub run_at: Timestamp,
    /// While running: when its lease ends.
    pub locked_until: Option<Timestamp>,
    /// The error of its last failed attempt.
    pub last_error: Option<String>,
    /// When it was queued.
    pub created_at: Timestamp,
    /// When it last changed.
    pub updated_at: Timestamp,
}

/// A filter on [`JobStore::jobs`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobQuery {
    /// Only jobs of this workspace.
    pub workspace: Option<WorkspaceId>,
    /// Only jobs in this status.
    pub status: Option<JobStatus>,
    /// Only jobs of this kind.
    pub kind: Option<String>,
    /// At most this many, newest first.
    pub limit: usize,
}

/// The job queue shared by every worker on the database.
#[async_trait]
pub trait JobStore: Send + Sync {
    /// Queues a job.
    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job>;

    /// Claims up to `limit` jobs that are due (queued with `run_at` ≤ `now`, or running with an
    /// expired lease), oldest `run_at` first, across workspaces: each becomes `running` with a
    /// lease until `locked_until` and one more attempt. A job is claimed by one worker only,
    /// even with several servers on one PostgreSQL (`FOR UPDATE SKIP LOCKED`).
    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>>;

    /// Marks a claimed job done.
    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()>;

    /// Records a failed attempt: queued again at `retry_at`, or `failed` for good when `None`.
    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()>;

    /// Jobs matching the query, newest first.
    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>>;
}
