//! `GET /app/inbox/export`: the inbox's current view of one customer survey downloaded as CSV,
//! JSON lines or Parquet — the same filters (range, attributes, words, tags, themes, status,
//! assignee), chosen on the live index the inbox reads, then streamed from the store by
//! `vouch_export`. eNPS answers are not downloaded here: `vouch export` exports them whole,
//! without identity.

use std::sync::Arc;

use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use vouch_analytics::Query;
use vouch_export::{Export, ExportError, Format, ResponseExport, Selection};
use vouch_store::{ResponseId, Survey};
use vouch_web::export_body::{file_name, streamed};
use vouch_web::state::AppState;

use super::directory::Directory;
use super::filter_bar::bad_filter;
use super::filters::selection::Selector;
use super::filters::{FilterError, Filters, one, query_pairs, with_query};
use super::fresh::Freshness;
use super::inbox::{chosen_surveys, list_query};
use super::listing::follow_up;
use super::visible_surveys;
use crate::layout::{DashboardError, Frame, Nav};
use crate::session::Viewer;

/// The inbox's download links, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Download {
    /// `(label, href)` per format, for the filters shown.
    pub(crate) links: Vec<(&'static str, String)>,
    /// Why nothing can be downloaded from this view.
    pub(crate) hint: Option<&'static str>,
}

/// The download of the view `filters` make, over `surveys` (those the inbox lists).
pub(crate) fn download(filters: &Filters, surveys: &[&Survey]) -> Download {
    let survey = match (filters.survey, surveys) {
        (Some(_), [survey]) => survey,
        _ => {
            return Download {
                links: Vec::new(),
                hint: Some("Choose a survey to download its answers."),
            };
        }
    };
    if survey.kind.is_anonymous() {
        return Download {
            links: Vec::new(),
            hint: Some("eNPS answers are exported whole, without identity, by vouch export."),
        };
    }
    let links = [
        ("CSV", Format::Csv),
        ("JSON lines", Format::Jsonl),
        ("Parquet", Format::Parquet),
    ]
    .into_iter()
    .map(|(label, format)| {
        let mut pairs = filters.pairs();
        pairs.push(("format".to_owned(), format.as_str().to_owned()));
        (label, with_query("/app/inbox/export", &pairs))
    })
    .collect();
    Download { links, hint: None }
}

/// `GET /app/inbox/export?survey=ID&format=csv|jsonl|parquet&…` (the inbox's filters).
pub(crate) async fn export(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Extension(directory): Extension<Arc<Directory>>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let store = state.store();
    let workspace = viewer.workspace();
    let frame = Frame::new(&viewer, "Inbox", Nav::Inbox);
    let pairs = query_pairs(query.as_deref());
    let definitions = store.attribute_definitions(workspace).await?;
    let mut filters = match Filters::parse(&pairs, &definitions) {
        Ok(filters) => filters,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let format = match one(&pairs, "format").unwrap_or("csv").parse::<Format>() {
        Ok(format) => format,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", filter_error(error))),
    };
    let visible = visible_surveys(&state, &viewer, &directory).await?;
    let survey = match chosen_surveys(&visible, filters.survey) {
        Ok(chosen) if filters.survey.is_some() && !chosen[0].kind.is_anonymous() => {
            chosen[0].clone()
        }
        Ok(_) => {
            let error = FilterError {
                field: "survey",
                message: "choose one customer survey to download its answers".to_owned(),
            };
            return Ok(bad_filter(frame, "/app/inbox", error));
        }
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let selector = match Selector::load(store, workspace, Some(survey.id), &filters).await? {
        Ok(selector) => selector,
        Err(error) => return Ok(bad_filter(frame, "/app/inbox", error)),
    };
    let follow_up = follow_up(store, workspace, &filters).await?;
    let live = freshness.index(&state, workspace).await?;
    let (chosen, time_zone) = {
        let index = live.read();
        selector.apply(&index, &mut filters);
        let (_, query) = list_query(&index, &filters, &[survey.id]);
        let ids: Vec<ResponseId> = index
            .listing(&query, &follow_up, None, usize::MAX - 1)
            .map(|listing| listing.ids().to_vec())
            .unwrap_or_default();
        (ids, index.time_zone().clone())
    };
    let selection = Selection {
        query: Query {
            surveys: vec![survey.id],
            ..Query::default()
        },
        chosen: Some(chosen),
        ..Selection::default()
    };
    let name = file_name(&survey.name, format);
    let prepared = ResponseExport::prepare(store, workspace, survey, selection, time_zone).await;
    match prepared {
        Ok(export) => Ok(streamed(
            state.clone(),
            Export::Responses(Box::new(export)),
            format,
            &name,
        )),
        Err(ExportError::Store(error)) => Err(error.into()),
        Err(error) => Ok(bad_filter(frame, "/app/inbox", filter_error(error))),
    }
}

/// An export's refusal as the filter bar's error.
fn filter_error(error: ExportError) -> FilterError {
    match error {
        ExportError::Invalid { field, message } => FilterError { field, message },
        other => FilterError {
            field: "format",
            message: other.to_string(),
        },
    }
}
