//! `GET /app/surveys/{id}/themes`: what a survey's comments are about. One row per automatic
//! theme and per tag: volume, share, category split, NPS ± margin, impact, detractors' value,
//! sentiment and a monthly trend; sortable (`sort=impact|volume|value`), each row a link that
//! filters the overview (and one the inbox) by it. The overview's filters apply.
//!
//! On the first visit of a survey whose themes were never found, they are found there and
//! then (`vouch_analytics::themes::discover`). `POST …/themes/find` finds them again (themes
//! found again keep their ids) and `POST …/themes/{theme}/tag` saves the rule that makes a
//! theme a tag (its job tags past responses).

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use vouch_analytics::ResponseIndex;
use vouch_analytics::theme_report::{ThemesReport, theme_report};
use vouch_analytics::themes::{ThemeSources, discover, promotion_rule};
use vouch_core::Interval;
use vouch_store::{Survey, ThemeId};

use super::filter_bar::{BarOptions, FilterBar, bad_filter};
use super::filters::selection::Selector;
use super::filters::{
    FilterError, Filters, Preset, Range, one, query_pairs, value_attribute, with_query,
};
use super::fresh::Freshness;
use super::theme_rows::{RowLinks, ThemeRow, ThemeSort, ThemeSortLink, sort_links, sort_themes};
use super::{path_id, visible_survey};
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::{Viewer, Writer};
use vouch_web::state::AppState;

/// `templates/dashboard/pages/themes.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/themes.html")]
pub(crate) struct ThemesPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The survey's name.
    pub(crate) survey_name: String,
    /// "NPS" or "eNPS".
    pub(crate) score_name: &'static str,
    /// The range shown.
    pub(crate) range_label: String,
    /// The filter bar.
    pub(crate) bar: FilterBar,
    /// What just happened ("Themes found in 120 comments just now").
    pub(crate) notice: Option<String>,
    /// The rows, sorted.
    pub(crate) rows: Vec<ThemeRow>,
    /// The sortable headers.
    pub(crate) headers: Vec<ThemeSortLink>,
    /// The order, in one sentence.
    pub(crate) sort_note: &'static str,
    /// The value attribute summed for detractors, when there is one.
    pub(crate) value_name: Option<String>,
    /// The empty state's title and text, when there is no row.
    pub(crate) empty: Option<(&'static str, &'static str)>,
    /// Where "Find themes again" posts.
    pub(crate) find_action: String,
    /// The path "Make a tag" posts under (`{base}/{theme}/tag`).
    pub(crate) tag_base: String,
}

/// `GET /app/surveys/{id}/themes`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let store = state.store();
    let workspace = viewer.workspace();
    let title = format!("{} · themes", survey.name);
    let frame = Frame::new(&viewer, title, Nav::Themes).for_survey(survey.id);
    let path = themes_path(&survey);
    let definitions = store.attribute_definitions(workspace).await?;
    let pairs = query_pairs(query.as_deref());
    let mut filters = match Filters::parse(&pairs, &definitions) {
        Ok(filters) => filters.report_only(),
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let value = match value_attribute(&pairs, &definitions) {
        Ok(value) => value,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let selector = match Selector::load(store, workspace, Some(survey.id), &filters).await? {
        Ok(selector) => selector,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let live = freshness.index(&state, workspace).await?;
    let mut notice = notice_of(&pairs);
    let mut run = store.theme_run(workspace, survey.id).await?;
    if run.is_none() {
        let comments = live.read().stats().comments;
        if comments > 0 {
            discover(store, workspace, survey.id, comments).await?;
            run = store.theme_run(workspace, survey.id).await?;
            let read = run.as_ref().map_or(0, |run| run.comments);
            notice = Some(format!(
                "Themes found in {} comments just now.",
                vouch_charts::format_count(read)
            ));
        }
    }
    let sources = ThemeSources::load(store, workspace, survey.id).await?;
    let reported = {
        let index = live.read();
        selector.apply(&index, &mut filters);
        report(&index, &filters, &survey, &sources, value.as_deref())
    };
    let (range, mut report) = match reported {
        Ok(found) => found,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    filters.rows = None;
    let sort = ThemeSort::parse(one(&pairs, "sort"));
    sort_themes(&mut report.themes, sort);
    let pinned = filters.pinned(Preset::Days90);
    let links = RowLinks {
        filters: &pinned,
        survey: survey.id,
    };
    let total = report.total.responses();
    let rows: Vec<ThemeRow> = report
        .themes
        .iter()
        .map(|theme| super::theme_rows::theme_row(theme, total, &links))
        .collect();
    let mut keep: Vec<(String, String)> = Vec::new();
    if let Some(text) = one(&pairs, "value") {
        keep.push(("value".to_owned(), text.to_owned()));
    }
    let mut sort_keep = keep.clone();
    if sort != ThemeSort::Impact {
        keep.push(("sort".to_owned(), sort.as_str().to_owned()));
    }
    let options = BarOptions {
        keep,
        names: selector.chip_names(),
        ..BarOptions::default()
    };
    let bar = FilterBar::new(&path, &filters, &range, &definitions, options);
    sort_keep.retain(|(name, _)| name != "sort");
    let no_comments = run.as_ref().is_none_or(|run| run.comments == 0);
    let page = ThemesPage {
        score_name: if survey.kind.is_anonymous() {
            "eNPS"
        } else {
            "NPS"
        },
        survey_name: survey.name.clone(),
        range_label: range.label.clone(),
        notice,
        headers: sort_links(&path, &filters, &sort_keep, sort),
        sort_note: sort.note(),
        value_name: value,
        empty: rows.is_empty().then(|| empty_state(no_comments, total)),
        find_action: format!("{path}/find"),
        tag_base: path.clone(),
        rows,
        bar,
        frame,
    };
    Ok(render(&page))
}

/// The survey's themes page.
fn themes_path(survey: &Survey) -> String {
    format!("/app/surveys/{}/themes", survey.id.0)
}

/// The range and the themes report of the survey's answers under the filters, per month.
fn report(
    index: &ResponseIndex,
    filters: &Filters,
    survey: &Survey,
    sources: &ThemeSources,
    value: Option<&str>,
) -> Result<(Range, ThemesReport), FilterError> {
    let range = filters.range(index.time_zone(), Timestamp::now(), Preset::Days90);
    let mut query = filters.query(vec![survey.id], range.from, range.to);
    query.interval = Some(Interval::Month);
    let entries = sources.entries(index);
    let report = theme_report(index, &query, entries, value).map_err(|error| FilterError {
        field: "text",
        message: error.to_string(),
    })?;
    Ok((range, report))
}

/// The sentence of what the last form did (`found=N`, `tagged=NAME`).
fn notice_of(pairs: &[(String, String)]) -> Option<String> {
    if let Some(found) = one(pairs, "found") {
        let count = found.parse::<u64>().unwrap_or(0);
        let count = vouch_charts::format_count(count);
        return Some(format!("Themes found again in {count} comments just now."));
    }
    one(pairs, "tagged").map(|tag| {
        format!("Tag “{tag}” created from the theme: tagging past responses in the background.")
    })
}

fn empty_state(no_comments: bool, total: u64) -> (&'static str, &'static str) {
    if no_comments {
        (
            "No comments yet",
            "Themes are found in what respondents write. Once answers come with comments, \
             come back here (or find themes again).",
        )
    } else if total == 0 {
        (
            "No answers in this selection",
            "Widen the range or clear a filter to see the themes of more answers.",
        )
    } else {
        (
            "No theme found",
            "The comments read so far share no clear theme. Tag responses in the inbox, or \
             find themes again once more comments have come in.",
        )
    }
}

/// `POST /app/surveys/{id}/themes/find`: finds the survey's themes again.
pub(crate) async fn find_again(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let workspace = viewer.workspace();
    let live = freshness.index(&state, workspace).await?;
    let comments = live.read().stats().comments;
    let store = state.store();
    discover(store, workspace, survey.id, comments).await?;
    let read = store
        .theme_run(workspace, survey.id)
        .await?
        .map_or(0, |run| run.comments);
    let pairs = vec![("found".to_owned(), read.to_string())];
    Ok(Redirect::to(&with_query(&themes_path(&survey), &pairs)).into_response())
}

/// `POST /app/surveys/{id}/themes/{theme}/tag`: saves the rule that tags the theme's
/// responses, past (by its job) and future.
pub(crate) async fn make_tag(
    Writer(viewer): Writer,
    State(state): State<AppState>,
    Path((id, theme)): Path<(String, String)>,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let workspace = viewer.workspace();
    let store = state.store();
    let theme_id = path_id(&theme).ok_or(DashboardError::NotFound)?;
    let themes = store.themes(workspace, Some(survey.id)).await?;
    let theme = themes
        .iter()
        .find(|theme| theme.id == ThemeId(theme_id))
        .ok_or(DashboardError::NotFound)?;
    let path = themes_path(&survey);
    let (rule, _) = match promotion_rule(theme, None) {
        Ok(found) => found,
        Err(error) => {
            let frame = Frame::new(&viewer, "Make a tag", Nav::Themes).for_survey(survey.id);
            let error = FilterError {
                field: "theme",
                message: error.to_string(),
            };
            return Ok(bad_filter(frame, &path, error));
        }
    };
    let saved = store
        .create_rule(workspace, &rule, Timestamp::now())
        .await?;
    let pairs = vec![("tagged".to_owned(), saved.tag.clone())];
    Ok(Redirect::to(&with_query(&path, &pairs)).into_response())
}
