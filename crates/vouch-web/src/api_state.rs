//! What the request handlers of every surface share: the server's state and the short-lived
//! memory (keys, attribute kinds, surveys, index freshness) that spares the database.

use std::sync::Arc;

use vouch_store::Store;

use crate::auth::KeyCache;
use crate::state::{AppState, Limits};

/// What API handlers share: the server's state and the API's own short-lived memory.
#[derive(Debug, Clone)]
pub struct ApiState {
    app: AppState,
    caches: Arc<Caches>,
}

/// Things the API remembers between requests to spare the database.
#[derive(Debug, Default)]
pub struct Caches {
    /// API keys by hash.
    pub keys: KeyCache,
    /// Attribute kinds per workspace.
    pub attributes: crate::attributes::KindCache,
    /// Surveys answered recently, for the checks before an answer is queued.
    pub surveys: crate::survey_cache::SurveyCache,
    /// When each workspace's index was last brought up to date for a reader.
    pub freshness: crate::fresh::Freshness,
}

impl ApiState {
    /// The API's state over the server's.
    pub fn new(app: AppState) -> ApiState {
        ApiState {
            app,
            caches: Arc::default(),
        }
    }

    /// The server's state.
    pub fn app(&self) -> &AppState {
        &self.app
    }

    /// The store.
    pub fn store(&self) -> &dyn Store {
        self.app.store()
    }

    /// Request limits.
    pub fn limits(&self) -> &Limits {
        self.app.limits()
    }

    /// What the surfaces remember between requests.
    pub fn caches(&self) -> &Caches {
        &self.caches
    }
}
