//! The job queue that every server on the database shares.
//!
//! A worker claims due jobs with one statement that locks them `FOR UPDATE SKIP LOCKED` and
//! marks them `running` with a lease: two servers claiming at the same moment lock disjoint
//! sets of jobs (each skips what the other holds), and a job one of them claimed and committed
//! is no longer due when the other reaches it, because PostgreSQL checks a row's newest version
//! again before locking it. A worker that dies leaves its jobs `running` until their lease ends;
//! they are then due again.

use async_trait::async_trait;
use vouch_store::{
    Job, JobId, JobPayload, JobQuery, JobStatus, JobStore, NewJob, StoreError, StoreResult,
    WorkspaceId,
};

use crate::PostgresStore;

use deadpool_postgres::{ClientWrapper, Transaction};
use jiff::Timestamp;
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use crate::error::{PgContext, other};
use crate::now_millis;
use crate::row::timestamp;

/// The columns [`job_of_row`] reads, in its order.
pub(crate) const JOB_COLUMNS: &str = "id, workspace_id, kind, payload, status, attempts, \
     max_attempts, run_at, locked_until, last_error, created_at, updated_at";

/// Attempts of a `send_email` job before it is marked failed.
pub(crate) const SEND_EMAIL_ATTEMPTS: i32 = 8;

/// Attempts of a `run_campaign` job before it is marked failed.
pub(crate) const RUN_CAMPAIGN_ATTEMPTS: i32 = 5;

/// Queues a job: `$1` workspace, `$2` kind, `$3` payload, `$4` attempts allowed, `$5` when it is
/// due, `$6` now.
pub(crate) const ENQUEUE: &str = "
    INSERT INTO jobs
        (workspace_id, kind, payload, status, max_attempts, run_at, created_at, updated_at)
    VALUES ($1, $2, $3, 'queued', $4, $5, $6, $6)
    RETURNING id, workspace_id, kind, payload, status, attempts, max_attempts, run_at,
              locked_until, last_error, created_at, updated_at";

/// Queues jobs, one per element of the arrays, in their order: `$1` workspace, `$2` kinds, `$3`
/// payloads, `$4` attempts allowed, `$5` when they are due, `$6` now.
const ENQUEUE_MANY: &str = "
    INSERT INTO jobs
        (workspace_id, kind, payload, status, max_attempts, run_at, created_at, updated_at)
    SELECT $1, g.kind, g.payload, 'queued', $4, $5, $6, $6
    FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS g (kind, payload, position)
    ORDER BY g.position";

/// Claims due jobs: `$1` now, `$2` the end of the lease, `$3` how many at most. The CTE, run
/// once (MATERIALIZED), picks and locks the jobs, skipping those another claim holds; see the
/// module documentation for why no job is claimed twice.
const CLAIM: &str = "
    WITH due AS MATERIALIZED (
        SELECT id FROM jobs
        WHERE (status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1)
        ORDER BY run_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED)
    UPDATE jobs AS j
    SET status = 'running', attempts = j.attempts + 1, locked_until = $2, updated_at = $1
    FROM due WHERE j.id = due.id
    RETURNING j.id, j.workspace_id, j.kind, j.payload, j.status, j.attempts, j.max_attempts,
              j.run_at, j.locked_until, j.last_error, j.created_at, j.updated_at";

/// The job in the [`JOB_COLUMNS`] of `row`.
pub(crate) fn job_of_row(row: &Row) -> StoreResult<Job> {
    let context = "failed to read a job";
    let status: &str = row.try_get(4).pg_context(context)?;
    let attempts: i32 = row.try_get(5).pg_context(context)?;
    let max_attempts: i32 = row.try_get(6).pg_context(context)?;
    let locked_until: Option<i64> = row.try_get(8).pg_context(context)?;
    Ok(Job {
        id: JobId(row.try_get(0).pg_context(context)?),
        workspace: WorkspaceId(row.try_get(1).pg_context(context)?),
        kind: row.try_get(2).pg_context(context)?,
        payload: row.try_get(3).pg_context(context)?,
        status: JobStatus::parse(status)
            .ok_or_else(|| other(format!("a job has an unknown status {status:?}")))?,
        attempts: attempts.unsigned_abs(),
        max_attempts: max_attempts.unsigned_abs(),
        run_at: timestamp(row.try_get(7).pg_context(context)?)?,
        locked_until: locked_until.map(timestamp).transpose()?,
        last_error: row.try_get(9).pg_context(context)?,
        created_at: timestamp(row.try_get(10).pg_context(context)?)?,
        updated_at: timestamp(row.try_get(11).pg_context(context)?)?,
    })
}

/// A count of attempts as stored.
pub(crate) fn attempts_column(attempts: u32) -> StoreResult<i32> {
    i32::try_from(attempts).map_err(|_| other(format!("{attempts} attempts is too many")))
}

/// Queues a job; a workspace that does not exist is `NotFound`.
pub(crate) async fn enqueue_job(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    job: &NewJob,
) -> StoreResult<Job> {
    let statement = client
        .prepare_cached(ENQUEUE)
        .await
        .pg_context("failed to prepare queueing a job")?;
    let row = client
        .query_one(
            &statement,
            &[
                &workspace.0,
                &job.payload.kind(),
                &job.payload.to_payload_json(),
                &attempts_column(job.max_attempts)?,
                &job.run_at.as_millisecond(),
                &now_millis(),
            ],
        )
        .await
        .pg_context("failed to queue a job")?;
    job_of_row(&row)
}

/// Queues one job per payload, in their order (so their ids grow in that order), all with the
/// same attempts and due time, inside the caller's transaction; `now` in milliseconds.
pub(crate) async fn queue_jobs(
    transaction: &Transaction<'_>,
    workspace: i64,
    payloads: &[JobPayload],
    max_attempts: i32,
    run_at: i64,
    now: i64,
) -> StoreResult<()> {
    if payloads.is_empty() {
        return Ok(());
    }
    let kinds: Vec<&str> = payloads.iter().map(JobPayload::kind).collect();
    let payloads: Vec<String> = payloads.iter().map(JobPayload::to_payload_json).collect();
    let statement = transaction
        .prepare_cached(ENQUEUE_MANY)
        .await
        .pg_context("failed to prepare queueing jobs")?;
    transaction
        .execute(
            &statement,
            &[&workspace, &kinds, &payloads, &max_attempts, &run_at, &now],
        )
        .await
        .pg_context("failed to queue jobs")?;
    Ok(())
}

/// Claims up to `limit` due jobs, oldest `run_at` first.
pub(crate) async fn claim_jobs(
    client: &ClientWrapper,
    now: Timestamp,
    locked_until: Timestamp,
    limit: usize,
) -> StoreResult<Vec<Job>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let statement = client
        .prepare_cached(CLAIM)
        .await
        .pg_context("failed to prepare claiming jobs")?;
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let rows = client
        .query(
            &statement,
            &[
                &now.as_millisecond(),
                &locked_until.as_millisecond(),
                &limit,
            ],
        )
        .await
        .pg_context("failed to claim jobs")?;
    let mut jobs = rows
        .iter()
        .map(job_of_row)
        .collect::<StoreResult<Vec<_>>>()?;
    // RETURNING follows no order.
    jobs.sort_by_key(|job| (job.run_at, job.id));
    Ok(jobs)
}

/// Marks a job done.
pub(crate) async fn complete_job(
    client: &ClientWrapper,
    id: JobId,
    at: Timestamp,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = $2 WHERE id = $1",
            &[&id.0, &at.as_millisecond()],
        )
        .await
        .pg_context("failed to mark a job done")?;
    found(changed, id)
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good.
pub(crate) async fn fail_job(
    client: &ClientWrapper,
    id: JobId,
    error: &str,
    retry_at: Option<Timestamp>,
    at: Timestamp,
) -> StoreResult<()> {
    let changed = client
        .execute(
            "UPDATE jobs
             SET status = CASE WHEN $3::bigint IS NULL THEN 'failed' ELSE 'queued' END,
                 run_at = coalesce($3::bigint, run_at),
                 last_error = $2, locked_until = NULL, updated_at = $4
             WHERE id = $1",
            &[
                &id.0,
                &error,
                &retry_at.map(Timestamp::as_millisecond),
                &at.as_millisecond(),
            ],
        )
        .await
        .pg_context("failed to record a failed job")?;
    found(changed, id)
}

/// `NotFound` when no row changed.
fn found(changed: u64, id: JobId) -> StoreResult<()> {
    match changed {
        0 => Err(StoreError::NotFound(format!("job {}", id.0))),
        _ => Ok(()),
    }
}

/// Jobs matching the query, newest first.
pub(crate) async fn jobs(client: &ClientWrapper, query: &JobQuery) -> StoreResult<Vec<Job>> {
    let statement = client
        .prepare_cached(&format!(
            "SELECT {JOB_COLUMNS} FROM jobs
             WHERE ($1::bigint IS NULL OR workspace_id = $1)
               AND ($2::text IS NULL OR status = $2)
               AND ($3::text IS NULL OR kind = $3)
             ORDER BY id DESC LIMIT $4"
        ))
        .await
        .pg_context("failed to prepare the job listing")?;
    let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
    let parameters: [&(dyn ToSql + Sync); 4] = [
        &query.workspace.map(|workspace| workspace.0),
        &query.status.map(JobStatus::as_str),
        &query.kind,
        &limit,
    ];
    let rows = client
        .query(&statement, &parameters)
        .await
        .pg_context("failed to list jobs")?;
    rows.iter().map(job_of_row).collect()
}

/// Claims a workspace's digest of `week`: true when this call wrote the row (the primary key
/// lets one of two concurrent claims through).
pub(crate) async fn claim_digest_week(
    client: &ClientWrapper,
    workspace: WorkspaceId,
    week: &str,
    at: Timestamp,
) -> StoreResult<bool> {
    let written = client
        .execute(
            "INSERT INTO digest_sends (workspace_id, week, claimed_at)
             SELECT id, $2, $3 FROM workspaces WHERE id = $1
             ON CONFLICT (workspace_id, week) DO NOTHING",
            &[&workspace.0, &week, &at.as_millisecond()],
        )
        .await
        .pg_context("failed to claim a weekly digest")?;
    if written == 0 {
        let exists = client
            .query_opt("SELECT 1 FROM workspaces WHERE id = $1", &[&workspace.0])
            .await
            .pg_context("failed to read a workspace")?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
        }
    }
    Ok(written == 1)
}

#[async_trait]
impl JobStore for PostgresStore {
    async fn claim_digest_week(
        &self,
        workspace: WorkspaceId,
        week: &str,
        at: Timestamp,
    ) -> StoreResult<bool> {
        self::claim_digest_week(&*self.client().await?, workspace, week, at).await
    }

    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job> {
        self::enqueue_job(&*self.client().await?, workspace, &job).await
    }

    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>> {
        self::claim_jobs(&*self.client().await?, now, locked_until, limit).await
    }

    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()> {
        self::complete_job(&*self.client().await?, id, at).await
    }

    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()> {
        self::fail_job(&*self.client().await?, id, error, retry_at, at).await
    }

    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>> {
        self::jobs(&*self.client().await?, query).await
    }
}
