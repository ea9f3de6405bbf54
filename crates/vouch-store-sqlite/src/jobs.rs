//! The job queue: emails to send and campaigns to run, kept in the database.
//!
//! Claiming is one `BEGIN IMMEDIATE` transaction: it holds SQLite's write lock from the moment
//! it reads which jobs are due until it has marked them running, so two workers (in one
//! process or several on the same file) never claim the same job.

use async_trait::async_trait;
use jiff::Timestamp;
use vouch_store::{
    Job, JobId, JobQuery, JobStatus, JobStore, NewJob, StoreError, StoreResult, WorkspaceId,
};

use crate::SqliteStore;

use rusqlite::{Connection, TransactionBehavior};

use crate::error::SqlContext;
use crate::now_millis;
use crate::row::{conversion_error, optional_timestamp, small_count, timestamp};

/// Attempts of a `send_email` job.
pub(crate) const SEND_EMAIL_ATTEMPTS: u32 = 8;

/// Attempts of a `run_campaign` job.
pub(crate) const RUN_CAMPAIGN_ATTEMPTS: u32 = 5;

/// The columns [`job`] reads, in order.
const JOB_COLUMNS: &str = "id, workspace_id, kind, payload, status, attempts, max_attempts, \
                           run_at, locked_until, last_error, created_at, updated_at";

fn job(row: &rusqlite::Row<'_>) -> rusqlite::Result<Job> {
    let status: String = row.get(4)?;
    Ok(Job {
        id: JobId(row.get(0)?),
        workspace: WorkspaceId(row.get(1)?),
        kind: row.get(2)?,
        payload: row.get(3)?,
        status: JobStatus::parse(&status)
            .ok_or_else(|| conversion_error(4, format!("unknown job status {status:?}")))?,
        attempts: small_count(row, 5)?,
        max_attempts: small_count(row, 6)?,
        run_at: timestamp(row, 7)?,
        locked_until: optional_timestamp(row, 8)?,
        last_error: row.get(9)?,
        created_at: timestamp(row, 10)?,
        updated_at: timestamp(row, 11)?,
    })
}

/// Queues a job inside the caller's transaction (the workspace must exist) and returns it.
pub(crate) fn queue(
    connection: &Connection,
    workspace: i64,
    new: &NewJob,
    now: i64,
) -> StoreResult<Job> {
    let stored = StoredJob {
        kind: new.payload.kind(),
        payload: &new.payload.to_payload_json(),
        run_at: new.run_at.as_millisecond(),
        max_attempts: new.max_attempts,
    };
    insert(connection, workspace, &stored, now)
}

/// A job's columns as written.
struct StoredJob<'a> {
    kind: &'a str,
    payload: &'a str,
    run_at: i64,
    max_attempts: u32,
}

/// Inserts a queued job with these columns and returns it.
fn insert(
    connection: &Connection,
    workspace: i64,
    stored: &StoredJob<'_>,
    now: i64,
) -> StoreResult<Job> {
    connection
        .prepare_cached(&format!(
            "INSERT INTO jobs
                 (workspace_id, kind, payload, status, max_attempts, run_at, created_at, updated_at)
             VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6, ?6)
             RETURNING {JOB_COLUMNS}"
        ))
        .and_then(|mut insert| {
            insert.query_row(
                (
                    workspace,
                    stored.kind,
                    stored.payload,
                    stored.max_attempts,
                    stored.run_at,
                    now,
                ),
                job,
            )
        })
        .sql_context("failed to queue a job")
}

/// Queues a job; see [`vouch_store::JobStore::enqueue_job`].
pub(crate) fn enqueue(
    connection: &Connection,
    workspace: WorkspaceId,
    new: &NewJob,
) -> StoreResult<Job> {
    if !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    queue(connection, workspace.0, new, now_millis())
}

#[cfg(feature = "test-support")]
impl SqliteStore {
    /// Queues a job of any kind with any payload, unchecked, as another version of Vouch may
    /// have left one in the database: for tests of what readers of the queue (the worker, the
    /// listings) do with a job they cannot read. Product code queues jobs with
    /// [`JobStore::enqueue_job`].
    pub async fn enqueue_raw_job(
        &self,
        workspace: WorkspaceId,
        kind: &str,
        payload: &str,
        run_at: Timestamp,
        max_attempts: u32,
    ) -> StoreResult<Job> {
        let (kind, payload) = (kind.to_owned(), payload.to_owned());
        self.run(move |connection| {
            if !crate::workspaces::exists(connection, workspace)? {
                return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
            }
            let stored = StoredJob {
                kind: &kind,
                payload: &payload,
                run_at: run_at.as_millisecond(),
                max_attempts,
            };
            insert(connection, workspace.0, &stored, now_millis())
        })
        .await
    }
}

/// Claims up to `limit` due jobs; see [`vouch_store::JobStore::claim_jobs`].
pub(crate) fn claim(
    connection: &mut Connection,
    now: i64,
    locked_until: i64,
    limit: usize,
) -> StoreResult<Vec<Job>> {
    if limit == 0 {
        return Ok(Vec::new());
    }
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    let transaction = connection
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .sql_context("failed to start claiming jobs")?;
    let mut claimed = transaction
        .prepare_cached(&format!(
            "UPDATE jobs SET
                 status = 'running',
                 attempts = attempts + 1,
                 locked_until = ?2,
                 updated_at = ?1
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE (status = 'queued' AND run_at <= ?1)
                    OR (status = 'running' AND locked_until < ?1)
                 ORDER BY run_at, id
                 LIMIT ?3
             )
             RETURNING {JOB_COLUMNS}"
        ))
        .and_then(|mut update| {
            update
                .query_map((now, locked_until, limit), job)
                .and_then(|rows| rows.collect::<rusqlite::Result<Vec<Job>>>())
        })
        .sql_context("failed to claim jobs")?;
    transaction
        .commit()
        .sql_context("failed to commit claimed jobs")?;
    // RETURNING gives rows in no promised order.
    claimed.sort_by_key(|job| (job.run_at, job.id));
    Ok(claimed)
}

/// Marks a job done.
pub(crate) fn complete(connection: &Connection, id: JobId, at: i64) -> StoreResult<()> {
    let changed = connection
        .prepare_cached(
            "UPDATE jobs SET status = 'done', locked_until = NULL, updated_at = ?2 WHERE id = ?1",
        )
        .and_then(|mut update| update.execute((id.0, at)))
        .sql_context("failed to complete a job")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("job {}", id.0))),
        _ => Ok(()),
    }
}

/// Records a failed attempt: queued again at `retry_at`, or failed for good.
pub(crate) fn fail(
    connection: &Connection,
    id: JobId,
    error: &str,
    retry_at: Option<i64>,
    at: i64,
) -> StoreResult<()> {
    let changed = connection
        .prepare_cached(
            "UPDATE jobs SET
                 status = CASE WHEN ?3 IS NULL THEN 'failed' ELSE 'queued' END,
                 run_at = coalesce(?3, run_at),
                 locked_until = NULL,
                 last_error = ?2,
                 updated_at = ?4
             WHERE id = ?1",
        )
        .and_then(|mut update| update.execute((id.0, error, retry_at, at)))
        .sql_context("failed to record a failed job")?;
    match changed {
        0 => Err(StoreError::NotFound(format!("job {}", id.0))),
        _ => Ok(()),
    }
}

/// Jobs matching the query, newest first. Only the filters given are written into the
/// statement, so that a workspace's listing reads its own index range.
pub(crate) fn list(connection: &Connection, query: &JobQuery) -> StoreResult<Vec<Job>> {
    if query.limit == 0 {
        return Ok(Vec::new());
    }
    let mut sql = format!("SELECT {JOB_COLUMNS} FROM jobs WHERE 1");
    let mut parameters: Vec<rusqlite::types::Value> = Vec::new();
    let mut filter = |column: &str, value: rusqlite::types::Value| {
        parameters.push(value);
        sql.push_str(&format!(" AND {column} = ?{}", parameters.len()));
    };
    if let Some(workspace) = query.workspace {
        filter("workspace_id", workspace.0.into());
    }
    if let Some(status) = query.status {
        filter("status", status.as_str().to_owned().into());
    }
    if let Some(kind) = &query.kind {
        filter("kind", kind.clone().into());
    }
    parameters.push(i64::try_from(query.limit).unwrap_or(i64::MAX).into());
    sql.push_str(&format!(" ORDER BY id DESC LIMIT ?{}", parameters.len()));
    let mut statement = connection
        .prepare_cached(&sql)
        .sql_context("failed to prepare the job listing")?;
    statement
        .query_map(rusqlite::params_from_iter(parameters), job)
        .and_then(|rows| rows.collect())
        .sql_context("failed to list jobs")
}

/// Claims a workspace's digest of `week`: true when this call wrote the row.
fn claim_digest(
    connection: &Connection,
    workspace: WorkspaceId,
    week: &str,
    at: i64,
) -> StoreResult<bool> {
    let written = connection
        .execute(
            "INSERT INTO digest_sends (workspace_id, week, claimed_at)
             SELECT id, ?2, ?3 FROM workspaces WHERE id = ?1
             ON CONFLICT (workspace_id, week) DO NOTHING",
            (workspace.0, week, at),
        )
        .sql_context("failed to claim a weekly digest")?;
    if written == 0 && !crate::workspaces::exists(connection, workspace)? {
        return Err(StoreError::NotFound(format!("workspace {}", workspace.0)));
    }
    Ok(written == 1)
}

#[async_trait]
impl JobStore for SqliteStore {
    async fn claim_digest_week(
        &self,
        workspace: WorkspaceId,
        week: &str,
        at: Timestamp,
    ) -> StoreResult<bool> {
        let week = week.to_owned();
        self.run(move |connection| claim_digest(connection, workspace, &week, at.as_millisecond()))
            .await
    }

    async fn enqueue_job(&self, workspace: WorkspaceId, job: NewJob) -> StoreResult<Job> {
        self.run(move |connection| enqueue(connection, workspace, &job))
            .await
    }

    async fn claim_jobs(
        &self,
        now: Timestamp,
        locked_until: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Job>> {
        self.run(move |connection| {
            claim(
                connection,
                now.as_millisecond(),
                locked_until.as_millisecond(),
                limit,
            )
        })
        .await
    }

    async fn complete_job(&self, id: JobId, at: Timestamp) -> StoreResult<()> {
        self.run(move |connection| complete(connection, id, at.as_millisecond()))
            .await
    }

    async fn fail_job(
        &self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        at: Timestamp,
    ) -> StoreResult<()> {
        let error = error.to_owned();
        self.run(move |connection| {
            fail(
                connection,
                id,
                &error,
                retry_at.map(|retry_at| retry_at.as_millisecond()),
                at.as_millisecond(),
            )
        })
        .await
    }

    async fn jobs(&self, query: &JobQuery) -> StoreResult<Vec<Job>> {
        let query = query.clone();
        self.run(move |connection| list(connection, &query)).await
    }
}

#[cfg(test)]
mod tests {
    use vouch_store::{JobPayloadError, WorkspaceStore};

    use super::*;

    /// A job another version of Vouch queued, of a kind this one does not run, is listed and
    /// claimed like any other; reading its payload says what it is.
    #[tokio::test]
    async fn a_job_of_an_unknown_kind_is_listed_and_claimed() {
        let directory = tempfile::tempdir().expect("a temporary directory");
        let store = SqliteStore::open_path(&directory.path().join("vouch.db")).expect("open");
        let workspace = store.workspace("acme").await.expect("a workspace").id;
        let planted = store
            .run(move |connection| {
                let stored = StoredJob {
                    kind: "reticulate_splines",
                    payload: r#"{"splines":3}"#,
                    run_at: 1_000,
                    max_attempts: 2,
                };
                insert(connection, workspace.0, &stored, 1_000)
            })
            .await
            .expect("a job of another version");
        let query = JobQuery {
            kind: Some("reticulate_splines".into()),
            limit: 10,
            ..JobQuery::default()
        };
        let listed = store.jobs(&query).await.expect("jobs");
        assert_eq!(listed, vec![planted.clone()]);
        assert_eq!(
            listed[0].parse_payload(),
            Err(JobPayloadError::UnknownKind("reticulate_splines".into()))
        );
        let now = Timestamp::from_millisecond(2_000).expect("a time");
        let claimed = store.claim_jobs(now, now, 10).await.expect("claim_jobs");
        assert_eq!(
            claimed.iter().map(|job| job.id).collect::<Vec<_>>(),
            [planted.id]
        );
    }
}
