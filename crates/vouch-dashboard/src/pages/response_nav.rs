//! Moving through the inbox from an answer's page: the newer and the older answer of the list
//! the page was opened from (its filters travel in the query string), so that a support agent
//! works through detractors one after the other without going back to the list.

use std::sync::Arc;

use vouch_analytics::ResponseIndex;
use vouch_store::{ResponseId, SurveyId};

use super::directory::Directory;
use super::filters::selection::Selector;
use super::filters::{Filters, with_query};
use super::fresh::Freshness;
use super::inbox::{chosen_surveys, list_query};
use super::listing::follow_up;
use super::visible_surveys;
use crate::layout::DashboardError;
use crate::session::Viewer;
use vouch_web::state::AppState;

/// Links to the answers listed right before and after this one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Neighbours {
    /// The newer answer's page.
    pub(crate) newer: Option<String>,
    /// The older answer's page.
    pub(crate) older: Option<String>,
}

/// The neighbours of answer `id` in the list `pairs` describe; none when the list's filters
/// do not read (the page still shows, with its link back to the list).
pub(crate) async fn neighbours(
    state: &AppState,
    viewer: &Viewer,
    freshness: &Freshness,
    directory: &Arc<Directory>,
    id: ResponseId,
    pairs: &[(String, String)],
) -> Result<Neighbours, DashboardError> {
    let store = state.store();
    let workspace = viewer.workspace();
    let definitions = store.attribute_definitions(workspace).await?;
    let Ok(filters) = Filters::parse(pairs, &definitions) else {
        return Ok(Neighbours::default());
    };
    let visible = visible_surveys(state, viewer, directory).await?;
    let Ok(surveys) = chosen_surveys(&visible, filters.survey) else {
        return Ok(Neighbours::default());
    };
    let ids: Vec<SurveyId> = surveys.iter().map(|survey| survey.id).collect();
    if ids.is_empty() {
        return Ok(Neighbours::default());
    }
    let survey = filters.survey.map(SurveyId);
    let Ok(selector) = Selector::load(store, workspace, survey, &filters).await? else {
        return Ok(Neighbours::default());
    };
    let follow_up = follow_up(store, workspace, &filters).await?;
    let live = freshness.index(state, workspace).await?;
    let (newer, older) = {
        let index = live.read();
        let mut filters = filters;
        selector.apply(&index, &mut filters);
        find(&index, &filters, &ids, &follow_up, id)
    };
    let link = |id: ResponseId| with_query(&format!("/app/inbox/{}", id.0), pairs);
    Ok(Neighbours {
        newer: newer.map(link),
        older: older.map(link),
    })
}

/// The newer and older ids around `id` in the list, under one read of the index.
fn find(
    index: &ResponseIndex,
    filters: &Filters,
    surveys: &[SurveyId],
    follow_up: &vouch_analytics::FollowUp,
    id: ResponseId,
) -> (Option<ResponseId>, Option<ResponseId>) {
    let Some(at) = index.position_of(id) else {
        return (None, None);
    };
    let (_, query) = list_query(index, filters, surveys);
    index
        .neighbours(&query, follow_up, at)
        .unwrap_or((None, None))
}
