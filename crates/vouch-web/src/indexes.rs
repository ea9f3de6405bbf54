//! One live analytics index per workspace, loaded on first use and refreshed in the background.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use vouch_analytics::live::LiveIndex;
use vouch_store::{Store, StoreResult, WorkspaceId};

/// The live indexes of the workspaces this server has been asked about.
#[derive(Debug)]
pub struct IndexRegistry {
    store: Arc<dyn Store>,
    loaded: Mutex<HashMap<WorkspaceId, Arc<tokio::sync::OnceCell<Arc<LiveIndex>>>>>,
}

impl IndexRegistry {
    /// An empty registry over a store.
    pub fn new(store: Arc<dyn Store>) -> IndexRegistry {
        IndexRegistry {
            store,
            loaded: Mutex::new(HashMap::new()),
        }
    }

    /// The workspace's index, loaded from the store the first time (concurrent first calls
    /// share one load).
    pub async fn get(&self, workspace: WorkspaceId) -> StoreResult<Arc<LiveIndex>> {
        let cell = {
            let mut loaded = self
                .loaded
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(loaded.entry(workspace).or_default())
        };
        let index = cell
            .get_or_try_init(|| async {
                let time_zone = match self.store.workspace_by_id(workspace).await? {
                    Some(found) => {
                        jiff::tz::TimeZone::get(&found.time_zone).unwrap_or(jiff::tz::TimeZone::UTC)
                    }
                    None => jiff::tz::TimeZone::UTC,
                };
                let live = LiveIndex::load(Arc::clone(&self.store), workspace, time_zone).await?;
                Ok::<_, vouch_store::StoreError>(Arc::new(live))
            })
            .await?;
        Ok(Arc::clone(index))
    }

    /// Whether the workspace's index is loaded (or loading).
    pub fn is_loaded(&self, workspace: WorkspaceId) -> bool {
        let loaded = self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loaded.contains_key(&workspace)
    }

    /// Indexes loaded so far.
    pub fn loaded(&self) -> Vec<Arc<LiveIndex>> {
        let loaded = self
            .loaded
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        loaded
            .values()
            .filter_map(|cell| cell.get().cloned())
            .collect()
    }

    /// Refreshes every loaded index each `period`, so writes by other processes (a CLI import,
    /// another server on the same PostgreSQL) show up; runs until aborted.
    pub fn refresh_every(self: &Arc<Self>, period: Duration) -> tokio::task::JoinHandle<()> {
        let registry = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                for index in registry.loaded() {
                    if let Err(error) = index.refresh().await {
                        tracing::warn!(%error, "refreshing an analytics index failed");
                    }
                }
            }
        })
    }
}
