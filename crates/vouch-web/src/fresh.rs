//! Read-your-writes for reports and lists: the index a reader gets holds everything committed
//! before the request arrived, by this server or any other process.
//!
//! Refreshing costs a few small queries, so concurrent readers share refreshes: a reader waits
//! for the workspace's gate and refreshes only if no refresh *started* after it arrived has
//! finished meanwhile. Under load one refresh serves every request that queued behind it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use vouch_analytics::live::LiveIndex;
use vouch_store::{StoreResult, WorkspaceId};

use crate::ApiState;

/// Per workspace, when the last completed refresh started.
#[derive(Debug, Default)]
pub struct Freshness {
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
}

/// The workspace's live index, holding every response committed before this call.
pub async fn fresh_index(state: &ApiState, workspace: WorkspaceId) -> StoreResult<Arc<LiveIndex>> {
    let arrived = Instant::now();
    let index = state.app().indexes().get(workspace).await?;
    let gate = state.caches().freshness.gate(workspace);
    let mut last_started = gate.lock().await;
    if last_started.is_some_and(|started| started >= arrived) {
        return Ok(index);
    }
    let started = Instant::now();
    index.refresh().await?;
    *last_started = Some(started);
    Ok(index)
}
