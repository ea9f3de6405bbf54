//! The `data` of a webhook message about a response: exactly the JSON of
//! `GET /api/v1/responses/{id}`, read through `disclosure::customer_answer`, so an anonymous
//! (eNPS) answer is never sent.

use std::sync::Arc;

use async_trait::async_trait;
use serde_json::Value;
use vouch_analytics::disclosure;
use vouch_jobs::outbox::EventData;
use vouch_store::{ResponseId, Store, WorkspaceId};

use crate::responses::responses_json;

/// The API's JSON of responses, for the outbox (`vouch_jobs::outbox`).
#[derive(Debug, Clone)]
pub struct ApiEventData {
    store: Arc<dyn Store>,
}

impl ApiEventData {
    /// The event data of responses in `store`.
    pub fn new(store: Arc<dyn Store>) -> ApiEventData {
        ApiEventData { store }
    }
}

#[async_trait]
impl EventData for ApiEventData {
    async fn response_json(
        &self,
        workspace: WorkspaceId,
        id: ResponseId,
    ) -> Result<Option<Value>, String> {
        let store = self.store.as_ref();
        let found = disclosure::customer_answer(store, workspace, id)
            .await
            .map_err(|error| error.to_string())?;
        let Some(response) = found else {
            return Ok(None);
        };
        let mut json = responses_json(store, workspace, &[&response])
            .await
            .map_err(|error| error.to_string())?;
        json.pop()
            .map(|json| serde_json::to_value(json).map_err(|error| error.to_string()))
            .transpose()
    }
}
