//! `vouch jobs list`: the background job queue, with attempts and last errors.

use serde_json::json;
use vouch_store::{Job, JobQuery, JobStatus, Store, Workspace};

use crate::cli::{JobStatusArg, JobsCommand};
use crate::{bad_input, out, outln, table};

/// The most jobs one listing shows.
const MAX_LIMIT: usize = 100_000;

/// Runs a `vouch jobs` command.
pub async fn jobs(
    store: &dyn Store,
    workspace: &Workspace,
    command: &JobsCommand,
) -> anyhow::Result<()> {
    let JobsCommand::List {
        status,
        kind,
        limit,
        json,
    } = command;
    if *limit == 0 || *limit > MAX_LIMIT {
        bad_input!("--limit: between 1 and {MAX_LIMIT}");
    }
    let query = JobQuery {
        workspace: Some(workspace.id),
        status: status.map(|status| match status {
            JobStatusArg::Queued => JobStatus::Queued,
            JobStatusArg::Running => JobStatus::Running,
            JobStatusArg::Done => JobStatus::Done,
            JobStatusArg::Failed => JobStatus::Failed,
        }),
        kind: kind.clone(),
        limit: *limit,
    };
    let jobs = store.jobs(&query).await?;
    if *json {
        let items: Vec<serde_json::Value> = jobs.iter().map(to_json).collect();
        outln!("{}", serde_json::to_string_pretty(&items)?);
        return Ok(());
    }
    let rows: Vec<Vec<String>> = jobs
        .iter()
        .map(|job| {
            vec![
                job.id.0.to_string(),
                job.kind.clone(),
                job.payload.clone(),
                job.status.as_str().to_owned(),
                format!("{}/{}", job.attempts, job.max_attempts),
                job.run_at.strftime("%Y-%m-%d %H:%M:%S").to_string(),
                job.last_error.clone().unwrap_or_default(),
            ]
        })
        .collect();
    let header = [
        "id",
        "kind",
        "payload",
        "status",
        "attempts",
        "run at",
        "last error",
    ];
    out!(
        "{}",
        table::render(
            &header,
            &rows,
            &[true, false, false, false, true, false, false]
        )
    );
    Ok(())
}

fn to_json(job: &Job) -> serde_json::Value {
    let payload: serde_json::Value =
        serde_json::from_str(&job.payload).unwrap_or_else(|_| job.payload.clone().into());
    json!({
        "id": job.id.0,
        "kind": job.kind,
        "payload": payload,
        "status": job.status.as_str(),
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "run_at": job.run_at.to_string(),
        "locked_until": job.locked_until.map(|at| at.to_string()),
        "last_error": job.last_error,
        "created_at": job.created_at.to_string(),
        "updated_at": job.updated_at.to_string(),
    })
}
