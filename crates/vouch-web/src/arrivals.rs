//! What follows the commit of new responses, whichever surface wrote them: the keyword rules
//! tag them before the writer is answered, so a client reads its response back with its tags.

use vouch_store::{Store, WorkspaceId};

/// Tags the workspace's newly stored responses by its rules. A failure is logged, not
/// returned: the responses are committed, and the next write or the server's periodic pass
/// (`vouch_analytics::rules::apply_to_new` resumes where each rule got to) tags them.
pub async fn after_write(store: &dyn Store, workspace: WorkspaceId) {
    if let Err(error) = vouch_analytics::rules::apply_to_new(store, workspace).await {
        tracing::warn!(%error, workspace = workspace.0, "tagging new responses by rule failed");
    }
}
