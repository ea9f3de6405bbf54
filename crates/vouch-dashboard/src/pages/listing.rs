//! The follow-up filters of a listing (status, assignee), read from the store as the
//! [`FollowUp`] the index crosses its selection with.
//!
//! The store answers "which responses have this stored follow-up" as a sorted id list.
//! Responses nobody touched are open and have no row, so "open" is "not in progress and not
//! closed": an exclusion. Everything else is an inclusion.

use std::collections::HashSet;

use vouch_analytics::FollowUp;
use vouch_store::{ContactId, ResponseId, ResponseStatus, Store, WorkflowFilter, WorkspaceId};

use super::filters::Filters;

/// The follow-up filters of `filters`, read from the store.
pub(crate) async fn follow_up(
    store: &dyn Store,
    workspace: WorkspaceId,
    filters: &Filters,
) -> vouch_store::StoreResult<FollowUp> {
    let others = WorkflowFilter {
        status: None,
        assignee: filters.assignee,
        // Tags select rows of the index (`filters::selection`), not follow-up.
        tag: None,
    };
    let has_others = others.assignee.is_some();
    match filters.status {
        Some(ResponseStatus::Open) => {
            let mut not_open: HashSet<ResponseId> = HashSet::new();
            for status in [ResponseStatus::InProgress, ResponseStatus::Closed] {
                let filter = WorkflowFilter {
                    status: Some(status),
                    ..WorkflowFilter::default()
                };
                not_open.extend(store.workflow_response_ids(workspace, &filter).await?);
            }
            if has_others {
                let mut ids = store.workflow_response_ids(workspace, &others).await?;
                ids.retain(|id| !not_open.contains(id));
                Ok(FollowUp::Only(ids))
            } else {
                Ok(FollowUp::Except(not_open))
            }
        }
        Some(status) => {
            let filter = WorkflowFilter {
                status: Some(status),
                ..others
            };
            Ok(FollowUp::Only(sorted(
                store.workflow_response_ids(workspace, &filter).await?,
            )))
        }
        None if has_others => Ok(FollowUp::Only(sorted(
            store.workflow_response_ids(workspace, &others).await?,
        ))),
        None => Ok(FollowUp::Any),
    }
}

fn sorted(mut ids: Vec<ResponseId>) -> Vec<ResponseId> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The workspace's tags in use, the first 100, to suggest in tag fields; none when they cannot
/// be read (the page works without suggestions).
pub(crate) async fn known_tags(store: &dyn Store, workspace: WorkspaceId) -> Vec<String> {
    match store.workflow_tags(workspace).await {
        Ok(tags) => tags.into_iter().map(|(tag, _)| tag).take(100).collect(),
        Err(error) => {
            tracing::warn!(%error, "reading the workspace's tags failed");
            Vec::new()
        }
    }
}

/// Who gave an answer, as lists show it: the contact's email, else its external id.
pub(crate) async fn who_answered(
    store: &dyn Store,
    workspace: WorkspaceId,
    contact: ContactId,
) -> vouch_store::StoreResult<String> {
    let contact = store.contact_by_id(workspace, contact).await?;
    Ok(contact
        .and_then(|contact| contact.email.or(contact.external_id))
        .unwrap_or_else(|| "unknown contact".to_owned()))
}
