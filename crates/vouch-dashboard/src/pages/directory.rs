//! The surveys of each workspace, kept in memory for the pages that list them.
//!
//! `Store::surveys` counts every survey's responses as it lists them, which on millions of
//! responses costs hundreds of milliseconds: too much for every page view. The pages need the
//! surveys only (counts come from the live index), and surveys change rarely, so the list is
//! read once per workspace and then served from memory, re-read in the background when it is
//! older than [`STALE_AFTER`] (a page never waits for it). A survey saved from these pages
//! replaces its entry at once.
//!
//! Serving a list a few seconds old is safe: a survey's kind (NPS or eNPS) never changes, and a
//! survey missing from the list is simply not shown yet.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use vouch_store::{Survey, WorkspaceId};

use crate::layout::DashboardError;
use vouch_web::state::AppState;

/// How old a list may be before a page asks for it to be read again (in the background).
const STALE_AFTER: Duration = Duration::from_secs(10);

/// One workspace's list.
#[derive(Debug)]
struct Entry {
    surveys: Arc<Vec<Survey>>,
    read_at: Instant,
    refreshing: bool,
}

/// The survey lists of the workspaces these pages were asked about.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    entries: Mutex<HashMap<WorkspaceId, Entry>>,
}

impl Directory {
    fn entries(&self) -> std::sync::MutexGuard<'_, HashMap<WorkspaceId, Entry>> {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every survey of the workspace, oldest first: from memory when it was read before.
    pub(crate) async fn surveys(
        self: &Arc<Self>,
        state: &AppState,
        workspace: WorkspaceId,
    ) -> Result<Arc<Vec<Survey>>, DashboardError> {
        let cached = {
            let mut entries = self.entries();
            entries.get_mut(&workspace).map(|entry| {
                let refresh = !entry.refreshing && entry.read_at.elapsed() > STALE_AFTER;
                entry.refreshing |= refresh;
                (Arc::clone(&entry.surveys), refresh)
            })
        };
        match cached {
            Some((surveys, refresh)) => {
                if refresh {
                    let (directory, state) = (Arc::clone(self), state.clone());
                    tokio::spawn(async move {
                        if let Err(error) = directory.read(&state, workspace).await {
                            tracing::warn!(error = %error, "re-reading the surveys failed");
                            if let Some(entry) = directory.entries().get_mut(&workspace) {
                                entry.refreshing = false;
                            }
                        }
                    });
                }
                Ok(surveys)
            }
            None => self.read(state, workspace).await,
        }
    }

    /// Reads the workspace's surveys from the store and keeps them.
    async fn read(
        &self,
        state: &AppState,
        workspace: WorkspaceId,
    ) -> Result<Arc<Vec<Survey>>, DashboardError> {
        let surveys: Arc<Vec<Survey>> = Arc::new(state.store().survey_list(workspace).await?);
        self.entries().insert(
            workspace,
            Entry {
                surveys: Arc::clone(&surveys),
                read_at: Instant::now(),
                refreshing: false,
            },
        );
        Ok(surveys)
    }

    /// Puts a survey just saved in its workspace's list (when the list is in memory).
    pub(crate) fn saved(&self, workspace: WorkspaceId, survey: &Survey) {
        if let Some(entry) = self.entries().get_mut(&workspace) {
            let mut surveys: Vec<Survey> = entry.surveys.as_ref().clone();
            match surveys.iter_mut().find(|known| known.id == survey.id) {
                Some(known) => *known = survey.clone(),
                None => surveys.push(survey.clone()),
            }
            entry.surveys = Arc::new(surveys);
        }
    }
}
