//! Job `apply_rule` `{"rule": ID}`: a keyword rule saved from the dashboard or the API is
//! matched against the responses stored before it, page by page, each page's tags committed
//! with the rule's position (`TagRule::through`), which the dashboard shows as progress. A
//! retried or restarted job resumes from there.

use vouch_analytics::rules::{RuleError, run_rule};
use vouch_store::{RuleId, StoreError, WorkspaceId};

use crate::worker::JobContext;
use crate::{JobError, JobResult};

/// Runs an `apply_rule` job of the workspace. A rule deleted meanwhile is nothing to do.
pub async fn run(context: &JobContext, workspace: WorkspaceId, rule: RuleId) -> JobResult<()> {
    let store = context.store.as_ref();
    let Some(rule) = store
        .rules(workspace)
        .await?
        .into_iter()
        .find(|saved| saved.id == rule)
    else {
        return Ok(());
    };
    match run_rule(store, workspace, &rule, |_| {}).await {
        Ok(pass) => {
            tracing::info!(
                rule = rule.id.0,
                matched = pass.matched,
                "rule applied to the past"
            );
            Ok(())
        }
        Err(RuleError::Store(StoreError::NotFound(_))) => Ok(()),
        Err(RuleError::Store(error)) => Err(error.into()),
        Err(error @ RuleError::Terms { .. }) => Err(JobError::Permanent(error.to_string())),
    }
}

/// How often the server checks every workspace for responses no rule has seen yet (written by
/// another process: an import, another server on the same database).
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Tags, in every workspace, the responses that arrived since each caught-up rule last ran,
/// every [`SWEEP_EVERY`], until `stopped` turns true. Writes through this server tag their
/// responses at once; this catches the rest.
pub async fn sweep_until_stopped(
    store: std::sync::Arc<dyn vouch_store::Store>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    loop {
        match store.workspaces().await {
            Ok(workspaces) => {
                for workspace in workspaces {
                    if let Err(error) =
                        vouch_analytics::rules::apply_to_new(store.as_ref(), workspace.id).await
                    {
                        tracing::warn!(%error, workspace = workspace.id.0, "rule sweep failed");
                    }
                }
            }
            Err(error) => tracing::warn!(%error, "rule sweep cannot list the workspaces"),
        }
        let stop = stopped.wait_for(|stop| *stop);
        if tokio::time::timeout(SWEEP_EVERY, stop).await.is_ok() {
            return;
        }
    }
}
