//! `GET /app/surveys`: every survey the viewer may see (eNPS ones only with the HR
//! permission), with its NPS over the last 12 months, a sparkline per month, and its answers.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{RawQuery, State};
use axum::response::Response;
use jiff::Timestamp;
use vouch_analytics::report::build_report;
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::Interval;
use vouch_store::Survey;

use super::directory::Directory;
use super::filters::{Filters, Preset, one, query_pairs};
use super::fresh::Freshness;
use super::periods::trend_points;
use super::view::Headline;
use super::{answer_count, visible_surveys};
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;
use vouch_charts::{format_count, sparkline};
use vouch_web::state::AppState;

/// One survey of the list.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SurveyRow {
    /// Its name.
    pub(crate) name: String,
    /// Its overview.
    pub(crate) href: String,
    /// Its settings (members and admins).
    pub(crate) settings_href: String,
    /// `NPS` or `eNPS`.
    pub(crate) kind: &'static str,
    /// Whether it is archived.
    pub(crate) archived: bool,
    /// NPS ± MOE over the last 12 months; `None` without answers (or hidden: eNPS).
    pub(crate) headline: Option<Headline>,
    /// NPS per month over the last 12 months (SVG).
    pub(crate) sparkline: String,
    /// Every answer it has, as printed.
    pub(crate) responses: String,
    /// The answers of the last 12 months the NPS beside it counts ("—" when hidden).
    pub(crate) recent: String,
    /// Sort keys.
    nps: Option<f64>,
    total: u64,
}

/// A sortable column header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortHeader {
    /// What it reads.
    pub(crate) label: &'static str,
    /// The list sorted by it.
    pub(crate) href: String,
    /// `ascending`/`descending` when the list is sorted by it, else empty.
    pub(crate) aria_sort: &'static str,
    /// Right-aligned (numbers).
    pub(crate) numeric: bool,
}

/// `templates/dashboard/pages/surveys.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/surveys.html")]
pub(crate) struct SurveysPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The surveys.
    pub(crate) rows: Vec<SurveyRow>,
    /// The column headers.
    pub(crate) headers: Vec<SortHeader>,
}

/// How the list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    Name,
    Nps,
    Responses,
}

/// `GET /app/surveys`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Extension(directory): Extension<Arc<Directory>>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let pairs = query_pairs(query.as_deref());
    let sort = match one(&pairs, "sort") {
        Some("nps") => SortBy::Nps,
        Some("responses") => SortBy::Responses,
        _ => SortBy::Name,
    };
    let surveys = visible_surveys(&state, &viewer, &directory).await?;
    let live = freshness.index(&state, viewer.workspace()).await?;
    let mut rows = {
        let index = live.read();
        surveys
            .iter()
            .map(|survey| survey_row(&index, survey))
            .collect::<Vec<_>>()
    };
    match sort {
        SortBy::Name => rows.sort_by_key(|row| row.name.to_lowercase()),
        SortBy::Nps => rows.sort_by(|a, b| {
            let key = |nps: Option<f64>| nps.unwrap_or(f64::NEG_INFINITY);
            key(b.nps).total_cmp(&key(a.nps))
        }),
        SortBy::Responses => rows.sort_by_key(|row| std::cmp::Reverse(row.total)),
    }
    let header = |label, by: SortBy, key: &str, numeric| SortHeader {
        label,
        href: format!("/app/surveys?sort={key}"),
        aria_sort: match (by == sort, by) {
            (false, _) => "",
            (true, SortBy::Name) => "ascending",
            (true, _) => "descending",
        },
        numeric,
    };
    let headers = vec![
        header("Survey", SortBy::Name, "name", false),
        header("NPS, last 12 months", SortBy::Nps, "nps", true),
        header("Answers, all time", SortBy::Responses, "responses", true),
    ];
    let page = SurveysPage {
        frame: Frame::new(&viewer, "Surveys", Nav::Surveys),
        rows,
        headers,
    };
    Ok(render(&page))
}

/// A survey's row: its last 12 months, per month, from the index.
fn survey_row(index: &ResponseIndex, survey: &Survey) -> SurveyRow {
    let total = answer_count(index, survey.id);
    let range = Filters::default().range(index.time_zone(), Timestamp::now(), Preset::Months12);
    let query = Query {
        surveys: vec![survey.id],
        from: range.from,
        to: range.to,
        interval: Some(Interval::Month),
        ..Query::default()
    };
    let report = index
        .plan(&query)
        .ok()
        .map(|plan| build_report(index, &plan, &index.run(&plan)));
    let overall = report
        .as_ref()
        .and_then(|report| report.overall)
        .filter(|figures| figures.responses > 0);
    let last = range.to.map(|to| {
        to.checked_sub(jiff::SignedDuration::from_nanos(1))
            .unwrap_or(to)
    });
    let points = trend_points(
        report
            .as_ref()
            .and_then(|report| report.trend.as_deref())
            .unwrap_or_default(),
        Interval::Month,
        range.from,
        last,
        index.time_zone(),
    );
    let values: Vec<Option<f64>> = points.iter().map(|point| point.nps).collect();
    SurveyRow {
        name: survey.name.clone(),
        href: format!("/app/surveys/{}", survey.id.0),
        settings_href: format!("/app/surveys/{}/settings", survey.id.0),
        kind: if survey.kind.is_anonymous() {
            "eNPS"
        } else {
            "NPS"
        },
        archived: survey.archived,
        headline: overall.as_ref().map(Headline::new),
        sparkline: sparkline(&values),
        // eNPS reports no group under 5 answers, not even its size.
        responses: if survey.kind.is_anonymous() && total < vouch_core::ANONYMITY_MIN_RESPONSES {
            format!("fewer than {}", vouch_core::ANONYMITY_MIN_RESPONSES)
        } else {
            format_count(total)
        },
        recent: overall.map_or_else(|| "—".to_owned(), |figures| format_count(figures.responses)),
        nps: overall.and_then(|figures| figures.nps),
        total,
    }
}
