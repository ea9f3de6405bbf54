//! The `tag` and `theme` filters, read from the store once per request and applied to the
//! index under its lock: `vouch_analytics::selection::RowFilter` gives the rows, which ride
//! in [`Filters::rows`] into every query the page builds.

use vouch_analytics::ResponseIndex;
use vouch_analytics::selection::{RowFilter, SelectionError};
use vouch_store::{Store, SurveyId, WorkspaceId};

use super::{ChipNames, FilterError, Filters};
use crate::layout::DashboardError;

/// The tag and theme filters of a request, ready to apply to the index.
#[derive(Debug, Default)]
pub(crate) struct Selector {
    filter: Option<RowFilter>,
    /// The labels of the themes filtered on, by id (`"12"`, `"tag:billing"`).
    pub(crate) theme_names: Vec<(String, String)>,
}

impl Selector {
    /// Reads what the filters' tags and themes select (themes of `survey`, or of every
    /// survey); an unknown tag or theme is a [`FilterError`] naming its parameter.
    pub(crate) async fn load(
        store: &dyn Store,
        workspace: WorkspaceId,
        survey: Option<SurveyId>,
        filters: &Filters,
    ) -> Result<Result<Selector, FilterError>, DashboardError> {
        if filters.tags.is_empty() && filters.themes.is_empty() {
            return Ok(Ok(Selector::default()));
        }
        let loaded = RowFilter::load(store, workspace, survey, &filters.tags, &filters.themes);
        let filter = match loaded.await {
            Ok(filter) => filter,
            Err(SelectionError::Store(error)) => return Err(error.into()),
            Err(error) => {
                let field = error.field().unwrap_or("theme");
                let message = error.to_string().replace("vouch ", "");
                return Ok(Err(FilterError { field, message }));
            }
        };
        let mut theme_names = Vec::new();
        if !filters.themes.is_empty() {
            for theme in store.themes(workspace, survey).await? {
                theme_names.push((theme.id.0.to_string(), theme.label));
            }
        }
        for theme in &filters.themes {
            if let Some(tag) = theme.strip_prefix(vouch_analytics::selection::TAG_THEME_PREFIX) {
                theme_names.push((theme.clone(), format!("tag {tag}")));
            }
        }
        Ok(Ok(Selector {
            filter: Some(filter),
            theme_names,
        }))
    }

    /// Sets the rows the filters select in this read of the index.
    pub(crate) fn apply(&self, index: &ResponseIndex, filters: &mut Filters) {
        filters.rows = self.filter.as_ref().and_then(|filter| filter.rows(index));
    }

    /// The chips' names for the themes filtered on.
    pub(crate) fn chip_names(&self) -> ChipNames {
        ChipNames {
            themes: self.theme_names.clone(),
            ..ChipNames::default()
        }
    }
}
