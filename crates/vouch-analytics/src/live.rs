//! An index that stays in step with its store while a server runs.
//!
//! Readers take a shared lock for the few milliseconds a query needs. Refreshing reads the
//! store *without* holding the lock (into a fresh batch), then takes the exclusive lock only
//! to append, so a slow database never blocks reports. One refresh runs at a time.

use std::sync::{Arc, RwLock, RwLockReadGuard};
use std::time::Duration;

use jiff::tz::TimeZone;
use vouch_store::{Store, StoreResult, WorkspaceId};

use crate::index::ResponseIndex;
use crate::sync::PAGE_SIZE;

/// The index of one workspace, shared by every request of a server.
#[derive(Debug)]
pub struct LiveIndex {
    store: Arc<dyn Store>,
    workspace: WorkspaceId,
    index: RwLock<ResponseIndex>,
    refreshing: tokio::sync::Mutex<()>,
}

impl LiveIndex {
    /// Builds the index of `workspace` from the store.
    pub async fn load(
        store: Arc<dyn Store>,
        workspace: WorkspaceId,
        time_zone: TimeZone,
    ) -> StoreResult<LiveIndex> {
        let live = LiveIndex {
            store,
            workspace,
            index: RwLock::new(ResponseIndex::new(time_zone)),
            refreshing: tokio::sync::Mutex::new(()),
        };
        live.refresh().await?;
        Ok(live)
    }

    /// The index, for reading. Hold the guard only while planning and counting.
    pub fn read(&self) -> RwLockReadGuard<'_, ResponseIndex> {
        // A writer that panicked mid-append leaves at worst a few rows missing; reads go on.
        self.index
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Appends what the store has that the index lacks (new responses, erasures) and returns
    /// the number of responses appended. Writes made by other processes are picked up too.
    pub async fn refresh(&self) -> StoreResult<u64> {
        let _one_at_a_time = self.refreshing.lock().await;
        let definitions = self.store.attribute_definitions(self.workspace).await?;
        {
            let mut index = self.write();
            for definition in &definitions {
                index.define_attribute(&definition.name, definition.kind);
            }
        }
        let mut appended = 0u64;
        loop {
            let after = self.read().last_response_id();
            let page = self
                .store
                .responses_after(self.workspace, after, None, PAGE_SIZE)
                .await?;
            appended += page.len() as u64;
            self.write().append(&page);
            if page.len() < PAGE_SIZE {
                break;
            }
        }
        // After the responses: every survey they belong to is known by now (see `sync`).
        let surveys = self.store.survey_list(self.workspace).await?;
        {
            let mut index = self.write();
            for survey in &surveys {
                index.define_survey(survey.id, survey.kind);
            }
        }
        loop {
            let after = self.read().last_deletion();
            let deletions = self.store.deletions_after(self.workspace, after).await?;
            if deletions.is_empty() {
                break;
            }
            self.write().apply_deletions(&deletions);
        }
        Ok(appended)
    }

    /// Refreshes every `period` until the returned task is aborted; errors are logged by the
    /// caller's `on_error` and retried at the next tick.
    pub fn refresh_every(
        self: &Arc<Self>,
        period: Duration,
        on_error: impl Fn(&vouch_store::StoreError) + Send + 'static,
    ) -> tokio::task::JoinHandle<()> {
        let live = Arc::clone(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                if let Err(error) = live.refresh().await {
                    on_error(&error);
                }
            }
        })
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, ResponseIndex> {
        self.index
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
