//! The Customers pages of a survey — what marketing, finance, executives and support act on,
//! each contact counted once with its latest answer in the selection:
//!
//! | route | page |
//! |---|---|
//! | `GET /app/surveys/{id}/customers/personas` | [`personas`]: which attribute values over-index among promoters |
//! | `GET /app/surveys/{id}/customers/leads` | [`leads`]: the lead model's quality and factors, and a lead scored |
//! | `POST /app/surveys/{id}/customers/leads/train` | [`leads`]: learn the model again from the selection (members+) |
//! | `GET /app/surveys/{id}/customers/revenue` | [`revenue`]: revenue at risk and referral potential, per segment |
//! | `POST /app/surveys/{id}/customers/revenue/rates` | [`revenue`]: save or forget the rates (members+) |
//! | `GET /app/surveys/{id}/customers/churn` | [`churn`]: churn of promoters, passives and detractors |
//! | `GET /app/surveys/{id}/customers/at-risk` | [`at_risk`]: accounts whose score is low or fell, linked to the inbox |
//!
//! The overview's filters apply (range, attributes, words, tags, themes). None of these pages
//! is made for an eNPS survey: its answers are anonymous, so nothing is counted per person.

pub(crate) mod at_risk;
pub(crate) mod churn;
pub(crate) mod leads;
pub(crate) mod leads_objections;
pub(crate) mod leads_view;
pub(crate) mod personas;
pub(crate) mod revenue;

use std::sync::Arc;

use axum::response::Response;
use jiff::Timestamp;
use vouch_analytics::Query;
use vouch_analytics::live::LiveIndex;
use vouch_store::{AttributeDefinition, Survey};

use super::filter_bar::{BarOptions, FilterBar, bad_filter};
use super::filters::selection::Selector;
use super::filters::{FilterError, Filters, Preset, Range, one, query_pairs, value_attribute};
use super::fresh::Freshness;
use super::visible_survey;
use crate::layout::{DashboardError, Frame, Nav, NavItem};
use crate::session::Viewer;
use vouch_web::state::AppState;
use vouch_web::wire_teams::refuse_anonymous;

/// The range a Customers page shows unless the filters say otherwise.
const DEFAULT_RANGE: Preset = Preset::Months12;

/// One tab of the Customers pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tab {
    /// Promoter personas.
    Personas,
    /// Lead scoring.
    Leads,
    /// The revenue calculator.
    Revenue,
    /// Score against churn.
    Churn,
    /// At-risk accounts.
    AtRisk,
}

impl Tab {
    const ALL: [Tab; 5] = [
        Tab::Personas,
        Tab::Leads,
        Tab::Revenue,
        Tab::Churn,
        Tab::AtRisk,
    ];

    fn slug(self) -> &'static str {
        match self {
            Tab::Personas => "personas",
            Tab::Leads => "leads",
            Tab::Revenue => "revenue",
            Tab::Churn => "churn",
            Tab::AtRisk => "at-risk",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Tab::Personas => "Personas",
            Tab::Leads => "Leads",
            Tab::Revenue => "Revenue",
            Tab::Churn => "Churn",
            Tab::AtRisk => "At risk",
        }
    }

    /// The page of this tab for a survey.
    pub(crate) fn path(self, survey: &Survey) -> String {
        format!("/app/surveys/{}/customers/{}", survey.id.0, self.slug())
    }
}

/// What every Customers page reads before its own figures.
pub(crate) struct Loaded {
    /// The survey.
    pub(crate) survey: Survey,
    /// The frame.
    pub(crate) frame: Frame,
    /// The tabs, the current one marked.
    pub(crate) tabs: Vec<NavItem>,
    /// The page's path.
    pub(crate) path: String,
    /// The query string's pairs.
    pub(crate) pairs: Vec<(String, String)>,
    /// The workspace's attributes.
    pub(crate) definitions: Vec<AttributeDefinition>,
    /// The filters, their tags and themes resolved to rows of `index`.
    pub(crate) filters: Filters,
    /// The tag and theme filters (for the bar's chips).
    pub(crate) selector: Selector,
    /// The range shown.
    pub(crate) range: Range,
    /// The selection as a query of `index`.
    pub(crate) query: Query,
    /// The workspace's live index.
    pub(crate) index: Arc<LiveIndex>,
}

impl Loaded {
    /// Loads a tab's survey, filters and index; `Err` holds the page to answer instead (a bad
    /// filter, or the refusal of an eNPS survey).
    pub(crate) async fn load(
        viewer: &Viewer,
        state: &AppState,
        freshness: &Freshness,
        id: &str,
        raw_query: Option<&str>,
        tab: Tab,
    ) -> Result<Result<Loaded, Response>, DashboardError> {
        let survey = visible_survey(state, viewer, id).await?;
        let title = format!("{} · {}", survey.name, tab.label().to_lowercase());
        let frame = Frame::new(viewer, title, Nav::Customers).for_survey(survey.id);
        let path = tab.path(&survey);
        if let Some(reason) = refuse_anonymous(&survey) {
            let error = FilterError {
                field: "survey",
                message: reason,
            };
            return Ok(Err(bad_filter(frame, &path, error)));
        }
        let store = state.store();
        let workspace = viewer.workspace();
        let definitions = store.attribute_definitions(workspace).await?;
        let pairs = query_pairs(raw_query);
        let mut filters = match Filters::parse(&pairs, &definitions) {
            Ok(filters) => filters.report_only(),
            Err(error) => return Ok(Err(bad_filter(frame, &path, error))),
        };
        let selector = match Selector::load(store, workspace, Some(survey.id), &filters).await? {
            Ok(selector) => selector,
            Err(error) => return Ok(Err(bad_filter(frame, &path, error))),
        };
        let index = freshness.index(state, workspace).await?;
        let (range, query) = {
            let read = index.read();
            selector.apply(&read, &mut filters);
            let range = filters.range(read.time_zone(), Timestamp::now(), DEFAULT_RANGE);
            let query = filters.query(vec![survey.id], range.from, range.to);
            // The rows are the index's; links and the bar carry the tag and theme names.
            filters.rows = None;
            (range, query)
        };
        let tabs = Tab::ALL
            .iter()
            .map(|&each| NavItem {
                label: each.label(),
                href: each.path(&survey),
                current: each == tab,
            })
            .collect();
        Ok(Ok(Loaded {
            survey,
            frame,
            tabs,
            path,
            pairs,
            definitions,
            filters,
            selector,
            range,
            query,
            index,
        }))
    }

    /// The filter bar, keeping the page's own parameters.
    pub(crate) fn bar(&self, keep: &[&str]) -> FilterBar {
        let keep = keep
            .iter()
            .filter_map(|name| {
                one(&self.pairs, name).map(|value| ((*name).to_owned(), value.to_owned()))
            })
            .collect();
        let options = BarOptions {
            keep,
            names: self.selector.chip_names(),
            ..BarOptions::default()
        };
        FilterBar::new(
            &self.path,
            &self.filters,
            &self.range,
            &self.definitions,
            options,
        )
    }

    /// The page answered for bad page input, naming the field.
    pub(crate) fn refuse(self, field: &'static str, message: String) -> Response {
        bad_filter(self.frame, &self.path, FilterError { field, message })
    }

    /// The value attribute of the page (`filters::value_attribute`).
    pub(crate) fn value_attribute(&self) -> Result<Option<String>, FilterError> {
        value_attribute(&self.pairs, &self.definitions)
    }
}
