//! Keeping an index in step with the store it was built from.

use vouch_store::{Store, StoreResult, SurveyId, WorkspaceId};

use crate::index::ResponseIndex;

/// Responses read from the store per round trip while loading or catching up.
pub const PAGE_SIZE: usize = 50_000;

/// Brings `index` up to date with the store: appends every response newer than the index
/// holds (of `survey` only, when given) and applies every deletion recorded since.
///
/// Returns the number of responses appended. Safe to call at any time and as often as wanted;
/// the store decides what "newer" means, so writes by other processes are picked up too.
pub async fn catch_up(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: Option<SurveyId>,
    index: &mut ResponseIndex,
) -> StoreResult<u64> {
    for definition in store.attribute_definitions(workspace).await? {
        index.define_attribute(&definition.name, definition.kind);
    }
    let mut appended = 0u64;
    loop {
        let after = index.last_response_id();
        let page = store
            .responses_after(workspace, after, survey, PAGE_SIZE)
            .await?;
        appended += page.len() as u64;
        index.append(&page);
        if page.len() < PAGE_SIZE {
            break;
        }
    }
    // Surveys are read after their responses: every survey a response read above belongs to
    // exists by now, so no answer is ever counted before its survey's kind is known.
    for survey in store.survey_list(workspace).await? {
        index.define_survey(survey.id, survey.kind);
    }
    loop {
        let deletions = store
            .deletions_after(workspace, index.last_deletion())
            .await?;
        if deletions.is_empty() {
            break;
        }
        index.apply_deletions(&deletions);
    }
    Ok(appended)
}
