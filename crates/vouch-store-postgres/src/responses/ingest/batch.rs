//! The batch of requests as every attempt needs it, worked out once.

use std::collections::HashMap;

use vouch_store::{IngestRequest, StoreResult, WorkspaceId};

use crate::contacts::book::Who;
use crate::error::other;

/// The batch as the attempts need it, worked out once.
pub(super) struct Batch<'a> {
    pub(super) workspace: i64,
    pub(super) requests: &'a [IngestRequest],
    pub(super) who: Vec<Who<'a>>,
    /// Distinct surveys, sorted.
    pub(super) surveys: Vec<i64>,
    /// The attribute kinds of requests that will be written if their key is claimed (all those
    /// without a key, and the first of each key): names, kinds, and the key of the request.
    pub(super) definition_names: Vec<&'a str>,
    pub(super) definition_kinds: Vec<&'a str>,
    pub(super) definition_keys: Vec<Option<&'a str>>,
    /// For each request with a key, the first request of the batch with that key.
    pub(super) first_with_key: Vec<Option<usize>>,
    /// The first request of each key.
    pub(super) keyed: Vec<usize>,
}

impl<'a> Batch<'a> {
    pub(super) fn of(
        workspace: WorkspaceId,
        requests: &'a [IngestRequest],
    ) -> StoreResult<Batch<'a>> {
        let who = requests
            .iter()
            .map(|request| {
                Who::of(&request.response.contact)
                    .ok_or_else(|| other("a response names neither an external id nor an email"))
            })
            .collect::<StoreResult<Vec<_>>>()?;
        let mut surveys: Vec<i64> = requests.iter().map(|r| r.response.survey.0).collect();
        surveys.sort_unstable();
        surveys.dedup();
        let mut first_by_key: HashMap<&str, usize> = HashMap::new();
        let mut keyed = Vec::new();
        let first_with_key = requests
            .iter()
            .enumerate()
            .map(|(index, request)| {
                let key = request.idempotency.as_ref()?;
                Some(*first_by_key.entry(key.key.as_str()).or_insert_with(|| {
                    keyed.push(index);
                    index
                }))
            })
            .collect::<Vec<Option<usize>>>();
        let mut definition_names = Vec::new();
        let mut definition_kinds = Vec::new();
        let mut definition_keys = Vec::new();
        for (index, request) in requests.iter().enumerate() {
            if first_with_key[index].is_some_and(|first| first != index) {
                continue;
            }
            let key = request.idempotency.as_ref().map(|key| key.key.as_str());
            for definition in &request.definitions {
                definition_names.push(definition.name.as_str());
                definition_kinds.push(definition.kind.as_str());
                definition_keys.push(key);
            }
        }
        Ok(Batch {
            workspace: workspace.0,
            requests,
            who,
            surveys,
            definition_names,
            definition_kinds,
            definition_keys,
            first_with_key,
            keyed,
        })
    }

    pub(super) fn key(&self, index: usize) -> Option<&'a str> {
        self.requests[index]
            .idempotency
            .as_ref()
            .map(|key| key.key.as_str())
    }

    pub(super) fn fingerprint(&self, index: usize) -> Option<&'a str> {
        self.requests[index]
            .idempotency
            .as_ref()
            .map(|key| key.fingerprint.as_str())
    }
}
