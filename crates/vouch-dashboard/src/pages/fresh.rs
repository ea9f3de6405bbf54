//! Read-your-writes for the pages: the index a page reads holds everything committed before
//! the request arrived, as for the API's reports (`api/fresh.rs`).
//!
//! Concurrent readers share refreshes: a reader waits for the workspace's gate and refreshes
//! only when no refresh that *started* after it arrived has finished meanwhile, so under load
//! one refresh (a few small queries) serves every page that queued behind it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use vouch_analytics::live::LiveIndex;
use vouch_store::WorkspaceId;

use crate::layout::DashboardError;
use vouch_web::state::AppState;

/// Per workspace, when the last completed refresh started.
#[derive(Debug, Default)]
pub(crate) struct Freshness {
    gates: Mutex<HashMap<WorkspaceId, Arc<tokio::sync::Mutex<Option<Instant>>>>>,
}

impl Freshness {
    fn gate(&self, workspace: WorkspaceId) -> Arc<tokio::sync::Mutex<Option<Instant>>> {
        let mut gates = self
            .gates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Arc::clone(gates.entry(workspace).or_default())
    }

    /// The workspace's live index, holding every response committed before this call.
    pub(crate) async fn index(
        &self,
        state: &AppState,
        workspace: WorkspaceId,
    ) -> Result<Arc<LiveIndex>, DashboardError> {
        let arrived = Instant::now();
        let index = state.indexes().get(workspace).await?;
        let gate = self.gate(workspace);
        let mut last_started = gate.lock().await;
        if last_started.is_some_and(|started| started >= arrived) {
            return Ok(index);
        }
        let started = Instant::now();
        index.refresh().await?;
        *last_started = Some(started);
        Ok(index)
    }
}
