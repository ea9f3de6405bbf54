//! `GET /app/surveys/{id}`: a survey's overview, top to bottom as `UI.md` lays it out — the
//! NPS as a large whole number with ± MOE and n, the change from the previous period of the
//! same length (significant or within noise), the split bar, the 0–10 distribution, the trend
//! with its band, the response rate where sends are known, and the latest comments.
//!
//! Every figure is one query on the live index through `build_report` (which hides eNPS
//! groups under 5): the selection with its trend, the previous period, and the survey's total
//! (to tell "no answers yet" from "none match these filters").

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use std::sync::Arc;
use vouch_analytics::disclosure::Verdict;
use vouch_analytics::live::LiveIndex;
use vouch_analytics::report::{Report, build_report};
use vouch_analytics::themes::ThemeSources;
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::{ANONYMITY_MIN_COMMENTS, ANONYMITY_MIN_RESPONSES, Histogram, compare};
use vouch_store::{Survey, SurveyId, WorkspaceId};

use super::comments::{CommentView, comment_views, with_comments, withheld_comments_note};
use super::filter_bar::{BarOptions, FilterBar, bad_filter};
use super::filters::selection::Selector;
use super::filters::{FilterError, Filters, Preset, Range, interval_name, query_pairs};
use super::fresh::Freshness;
use super::periods::trend_points;
use super::view::Headline;
use super::visible_survey;
use super::why_moved::{WhyMoved, why_it_moved};
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;
use vouch_charts::{
    SegmentBar, TrendOptions, distribution, distribution_table, format_count, format_nps,
    format_nps_change, format_percent, segments, shown_nps_change, split_bar, trend, trend_table,
};
use vouch_web::state::AppState;
use vouch_web::wire::WeightedNpsJson;

/// How many comments the overview lists.
const COMMENTS: usize = 5;

/// How many segments the overview's glance at them shows.
const BREAKDOWN_SEGMENTS: usize = 6;

/// The change from the previous period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Change {
    /// ▲, ▼ or ▶ (no change).
    pub(crate) arrow: &'static str,
    /// "up", "down" or "unchanged", for screen readers.
    pub(crate) direction: &'static str,
    /// `+5`, `−3`, `0`.
    pub(crate) value: String,
    /// "vs the 90 days before (NPS 37, n = 120)".
    pub(crate) versus: String,
    /// Whether the z-test says the change is significant at 95 %.
    pub(crate) significant: bool,
}

/// The response rate of the survey's email campaigns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResponseRate {
    /// `23.4%`.
    pub(crate) percent: String,
    /// `234`.
    pub(crate) answered: String,
    /// `1,000`.
    pub(crate) sent: String,
}

/// The figures of the selection, when there are some to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shown {
    /// NPS, ± MOE, n.
    pub(crate) headline: Headline,
    /// The split bar (SVG).
    pub(crate) split: String,
    /// The distribution (SVG) and its table.
    pub(crate) distribution: String,
    /// The distribution's data table.
    pub(crate) distribution_table: String,
    /// The trend (SVG).
    pub(crate) trend: String,
    /// The trend's data table.
    pub(crate) trend_table: String,
    /// "per week".
    pub(crate) trend_caption: String,
}

/// An empty state: what happened and what to do next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Empty {
    /// "No answers yet".
    pub(crate) title: String,
    /// What to do.
    pub(crate) text: String,
    /// The button: (href, label).
    pub(crate) action: Option<(String, String)>,
    /// A second way out: (href, label).
    pub(crate) other: Option<(String, String)>,
}

/// `templates/dashboard/pages/overview.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/overview.html")]
pub(crate) struct OverviewPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The survey's name.
    pub(crate) survey_name: String,
    /// True for eNPS.
    pub(crate) anonymous: bool,
    /// The range shown ("Last 90 days").
    pub(crate) range_label: String,
    /// The filter bar.
    pub(crate) bar: FilterBar,
    /// The figures, when there are answers to show.
    pub(crate) shown: Option<Shown>,
    /// Where answers carry a value: the revenue-weighted NPS and the attribute that weighs it.
    pub(crate) weighted: Option<(String, String)>,
    /// Why the NPS moved from the period before: its largest parts, by segment.
    pub(crate) movers: WhyMoved,
    /// Why there are none.
    pub(crate) empty: Option<Empty>,
    /// The change from the previous period.
    pub(crate) change: Option<Change>,
    /// Why there is no change to show.
    pub(crate) change_note: String,
    /// The response rate, when emails were sent.
    pub(crate) rate: Option<ResponseRate>,
    /// The latest comments.
    pub(crate) comments: Vec<CommentView>,
    /// Why comments are not shown (eNPS under 10 answers), or that there are none.
    pub(crate) comments_note: String,
    /// The selection in the inbox.
    pub(crate) inbox_href: String,
    /// How many answers the inbox link reads ("All 1,234 answers").
    pub(crate) inbox_label: String,
    /// The segments page with the same filters.
    pub(crate) segments_href: String,
    /// NPS by the first attribute, beside the comments.
    pub(crate) breakdown: Option<Breakdown>,
}

/// A glance at the segments of one attribute, beside the comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Breakdown {
    /// The attribute.
    pub(crate) attribute: String,
    /// The segments chart (SVG), largest segments sorted by NPS.
    pub(crate) chart: String,
    /// How many segments the attribute has in the selection (the chart shows a few).
    pub(crate) total: usize,
    /// Groups hidden for anonymity (eNPS).
    pub(crate) hidden: u64,
}

/// What the index says about the selection.
struct Counted {
    /// Every response of the survey, whatever the filters.
    survey_total: u64,
    /// The selection, with its trend.
    current: Report,
    /// Whether the selection holds any answer at all (even one anonymity hides).
    any_selected: bool,
    /// The previous period of the same length.
    previous: Option<Report>,
    /// The selection by the first attribute, when there is one.
    breakdown: Option<(String, Report)>,
}

impl Counted {
    /// How many answers the selection has.
    fn selected(&self) -> u64 {
        self.current.overall.map_or(0, |figures| figures.responses)
    }
}

/// `GET /app/surveys/{id}`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let workspace = viewer.workspace();
    let frame = Frame::new(&viewer, survey.name.clone(), Nav::Overview).for_survey(survey.id);
    let path = format!("/app/surveys/{}", survey.id.0);
    let definitions = state.store().attribute_definitions(workspace).await?;
    let mut filters = match Filters::parse(&query_pairs(query.as_deref()), &definitions) {
        Ok(filters) => filters.report_only(),
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let store = state.store();
    let selector = match Selector::load(store, workspace, Some(survey.id), &filters).await? {
        Ok(selector) => selector,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let live = freshness.index(&state, workspace).await?;
    let counted = {
        let index = live.read();
        selector.apply(&index, &mut filters);
        // The breakdown shown first: what this survey's answers carry most (employees have a
        // department, not a country).
        let first_attribute = index.most_carried_attribute(survey.id);
        count_selection(&index, &survey, &filters, first_attribute)
    };
    let (zone, range, counted) = match counted {
        Ok(found) => found,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let anonymous = survey.kind.is_anonymous();
    let selection = counted.selected();
    let comments_allowed = !anonymous || selection >= ANONYMITY_MIN_COMMENTS;
    let (comments, verdict) = if comments_allowed && selection > 0 {
        let query = filters.query(vec![survey.id], range.from, range.to);
        read_comments(&state, workspace, &live, &query, &zone).await?
    } else {
        (Vec::new(), None)
    };
    let comments_note = comments_note(!comments_allowed && selection > 0, verdict, &comments);
    let rate = response_rate(&state, &viewer, survey.id).await?;
    let options = BarOptions {
        interval: true,
        names: selector.chip_names(),
        ..BarOptions::default()
    };
    let bar = FilterBar::new(&path, &filters, &range, &definitions, options);
    let (change, change_note) = change(&counted, &range, anonymous);
    let movers = match anonymous || change.is_none() {
        true => WhyMoved::default(),
        false => {
            let sources = ThemeSources::load(store, workspace, survey.id).await?;
            let query = filters.query(vec![survey.id], range.from, range.to);
            let index = live.read();
            why_it_moved(&index, &query, &sources.entries(&index))
        }
    };
    let weighted = match anonymous || selection == 0 {
        true => None,
        false => {
            let kind_of = |name: &str| definitions.iter().find(|d| d.name == name).map(|d| d.kind);
            let value = vouch_core::revenue::value_attribute(None, kind_of)
                .ok()
                .flatten();
            let query = filters.query(vec![survey.id], range.from, range.to);
            let index = live.read();
            WeightedNpsJson::of(&index, &query, value.as_deref())
                .map(|weighted| (format_nps(weighted.nps), weighted.value_attribute))
        }
    };
    let pinned = filters.pinned(Preset::Days90);
    let page = OverviewPage {
        survey_name: survey.name.clone(),
        anonymous,
        range_label: range.label.clone(),
        shown: shown(&counted.current, &range, &zone),
        weighted,
        movers,
        empty: empty_state(&counted, &filters, &path, viewer.can_write()),
        change,
        change_note,
        rate,
        comments,
        comments_note,
        inbox_href: inbox_href(&pinned, survey.id),
        inbox_label: format!("All {} answers in the inbox", format_count(selection)),
        segments_href: pinned.href(&format!("/app/surveys/{}/segments", survey.id.0)),
        breakdown: counted
            .breakdown
            .as_ref()
            .map(|(attribute, report)| breakdown(attribute, report)),
        bar,
        frame,
    };
    Ok(render(&page))
}

/// The workspace's time zone, the range the filters select, and the overview's counts; a
/// query that cannot run is an error of the `text` filter.
fn count_selection(
    index: &ResponseIndex,
    survey: &Survey,
    filters: &Filters,
    first_attribute: Option<&str>,
) -> Result<(TimeZone, Range, Counted), FilterError> {
    let zone = index.time_zone().clone();
    let range = filters.range(&zone, Timestamp::now(), Preset::Days90);
    match count(index, survey, filters, &range, first_attribute) {
        Ok(counted) => Ok((zone, range, counted)),
        Err(error) => Err(FilterError {
            field: "text",
            message: error.to_string(),
        }),
    }
}

/// The note under the comments: why they are held back (`held_back`: an eNPS selection under
/// [`ANONYMITY_MIN_COMMENTS`] answers) or withheld, that there are none, or nothing.
fn comments_note(held_back: bool, verdict: Option<Verdict>, comments: &[CommentView]) -> String {
    if held_back {
        format!(
            "Comments show from {ANONYMITY_MIN_COMMENTS} answers in the selection, to protect \
             anonymity."
        )
    } else if let Some(Verdict::Withheld(why)) = verdict {
        withheld_comments_note(why)
    } else if comments.is_empty() {
        "No comments in this selection yet.".to_owned()
    } else {
        String::new()
    }
}

/// The first [`COMMENTS`] comments the query selects and the disclosure rules let through,
/// with their follow-up, and the survey's verdict.
async fn read_comments(
    state: &AppState,
    workspace: WorkspaceId,
    live: &LiveIndex,
    query: &Query,
    zone: &TimeZone,
) -> Result<(Vec<CommentView>, Option<Verdict>), DashboardError> {
    let (answers, verdict) = with_comments(state.store(), workspace, live, query, COMMENTS).await?;
    let views = comment_views(state.store(), workspace, answers, zone).await?;
    Ok((views, verdict))
}

/// The inbox's answers of the survey under the same filters (with no trend interval).
fn inbox_href(pinned: &Filters, survey: SurveyId) -> String {
    let mut inbox_filters = pinned.clone();
    inbox_filters.survey = Some(survey.0);
    inbox_filters.interval = None;
    inbox_filters.href("/app/inbox")
}

/// The three queries of the overview.
fn count(
    index: &ResponseIndex,
    survey: &Survey,
    filters: &Filters,
    range: &Range,
    first_attribute: Option<&str>,
) -> Result<Counted, vouch_analytics::QueryError> {
    let total_plan = index.plan(&Query {
        surveys: vec![survey.id],
        ..Query::default()
    })?;
    let survey_total = index.run(&total_plan).total.responses();
    let mut query = filters.query(vec![survey.id], range.from, range.to);
    query.interval = Some(range.interval);
    let plan = index.plan(&query)?;
    let counts = index.run(&plan);
    let any_selected = counts.total.responses() > 0;
    let current = build_report(index, &plan, &counts);
    let previous = match range.previous {
        Some((from, to)) => {
            let query = filters.query(vec![survey.id], Some(from), Some(to));
            let plan = index.plan(&query)?;
            Some(build_report(index, &plan, &index.run(&plan)))
        }
        None => None,
    };
    let breakdown = match first_attribute {
        Some(attribute) => {
            let mut query = filters.query(vec![survey.id], range.from, range.to);
            query.group_by = vec![attribute.to_owned()];
            let plan = index.plan(&query)?;
            let report = build_report(index, &plan, &index.run(&plan));
            Some((attribute.to_owned(), report))
        }
        None => None,
    };
    Ok(Counted {
        survey_total,
        current,
        any_selected,
        previous,
        breakdown,
    })
}

/// The segments of the breakdown worth a glance: the largest few, sorted by NPS.
fn breakdown(attribute: &str, report: &Report) -> Breakdown {
    let mut groups: Vec<_> = report.groups.clone().unwrap_or_default();
    let total = groups.len();
    groups.sort_by_key(|group| std::cmp::Reverse(group.figures.responses));
    groups.truncate(BREAKDOWN_SEGMENTS);
    groups.sort_by(|a, b| {
        let key = |figures: &vouch_core::NpsFigures| figures.nps.unwrap_or(f64::NEG_INFINITY);
        key(&b.figures).total_cmp(&key(&a.figures))
    });
    let bars: Vec<SegmentBar> = groups
        .iter()
        .map(|group| {
            let label = match group.key.first() {
                Some(Some(value)) => value.canonical(),
                _ => "(no value)".to_owned(),
            };
            SegmentBar::from_figures(label, &group.figures)
        })
        .collect();
    Breakdown {
        attribute: attribute.to_owned(),
        chart: segments(&bars),
        total,
        hidden: report.suppressed.unwrap_or(0),
    }
}

/// The figures and charts of the selection; `None` when there are none to show.
fn shown(report: &Report, range: &Range, zone: &TimeZone) -> Option<Shown> {
    let figures = report.overall.filter(|figures| figures.responses > 0)?;
    let histogram = report.histogram.unwrap_or_default();
    let counts = *histogram.counts();
    let points = trend_points(
        report.trend.as_deref().unwrap_or_default(),
        range.interval,
        range.from,
        range
            .to
            .map(|to| {
                to.checked_sub(jiff::SignedDuration::from_nanos(1))
                    .unwrap_or(to)
            })
            .or_else(|| range.from.map(|_| Timestamp::now())),
        zone,
    );
    let options = TrendOptions {
        title: format!("NPS per {}", interval_name(range.interval)),
        ..TrendOptions::default()
    };
    Some(Shown {
        headline: Headline::new(&figures),
        split: split_bar(figures.detractors, figures.passives, figures.promoters),
        distribution: distribution(&counts),
        distribution_table: distribution_table(&counts),
        trend: trend(&points, &options),
        trend_table: trend_table(&points, &options),
        trend_caption: format!("per {}", interval_name(range.interval)),
    })
}

/// The change from the previous period, or why there is none.
fn change(counted: &Counted, range: &Range, anonymous: bool) -> (Option<Change>, String) {
    let Some(previous) = &counted.previous else {
        return (
            None,
            "Choose a range with a start to compare with the period before.".into(),
        );
    };
    let (Some(now), Some(before)) = (&counted.current.histogram, &previous.histogram) else {
        let note = if anonymous {
            format!(
                "Too few answers to compare with {} (eNPS needs {ANONYMITY_MIN_RESPONSES}).",
                range.previous_label
            )
        } else {
            format!("No answers in {} to compare with.", range.previous_label)
        };
        return (None, note);
    };
    let Some(comparison) = compare(now, before) else {
        return (
            None,
            format!("No answers in {} to compare with.", range.previous_label),
        );
    };
    // The change as the reader works it out from the two figures shown; whether it is
    // significant is still decided on the exact figures.
    let shown = match (counted.current.overall, previous.overall) {
        (Some(now), Some(before)) => now
            .nps
            .zip(before.nps)
            .map(|(now, before)| shown_nps_change(now, before)),
        _ => None,
    };
    let rounded = format_nps_change(shown.unwrap_or(comparison.difference));
    let (arrow, direction) = if rounded.starts_with('+') {
        ("▲", "up")
    } else if rounded == "0" {
        ("▶", "unchanged")
    } else {
        ("▼", "down")
    };
    let before_figures = previous
        .overall
        .unwrap_or_else(|| vouch_core::NpsFigures::from_histogram(&Histogram::default()));
    let versus = format!(
        "vs {} (NPS {}, n = {})",
        range.previous_label,
        before_figures
            .nps
            .map_or_else(|| "—".to_owned(), format_nps),
        format_count(before_figures.responses)
    );
    let change = Change {
        arrow,
        direction,
        value: rounded,
        versus,
        significant: comparison.significant,
    };
    (Some(change), String::new())
}

/// The empty state, when the selection shows nothing.
fn empty_state(counted: &Counted, filters: &Filters, path: &str, can_write: bool) -> Option<Empty> {
    let selection = counted.current.overall.map(|figures| figures.responses);
    if selection.is_some_and(|n| n > 0) {
        return None;
    }
    let settings = format!("{path}/settings");
    if counted.survey_total == 0 {
        return Some(Empty {
            title: "No answers yet".into(),
            text: "Send your first survey: share its public link, embed the widget or email \
                   your contacts. Answers show here as they arrive."
                .into(),
            // Viewers cannot open the settings: no button they would be refused.
            action: can_write.then(|| (settings, "Get the survey link".into())),
            other: None,
        });
    }
    let mut all_time = filters.clone();
    all_time.from = None;
    all_time.to = None;
    all_time.period = Some(Preset::All);
    if selection.is_none() && counted.any_selected {
        return Some(Empty {
            title: "Hidden to protect anonymity".into(),
            text: format!(
                "This selection has fewer than {ANONYMITY_MIN_RESPONSES} answers. eNPS figures \
                 show only for groups of {ANONYMITY_MIN_RESPONSES} or more: widen the range or \
                 remove a filter."
            ),
            // Widening to all time keeps the filters: a link that changes nothing helps no one.
            action: Some((all_time.href(path), "Show all time".into())),
            other: None,
        });
    }
    Some(Empty {
        title: "No answers match".into(),
        text: format!(
            "This survey has {} answers, none in this range with these filters.",
            format_count(counted.survey_total)
        ),
        action: Some((all_time.href(path), "Show all time".into())),
        other: filters
            .narrows()
            .then(|| (path.to_owned(), "Clear filters".to_owned())),
    })
}

/// Answered per email sent, over the survey's campaigns; `None` before any was sent.
async fn response_rate(
    state: &AppState,
    viewer: &Viewer,
    survey: SurveyId,
) -> Result<Option<ResponseRate>, DashboardError> {
    let campaigns = state.store().campaigns(viewer.workspace()).await?;
    let (sent, answered) = campaigns
        .iter()
        .filter(|(campaign, _)| campaign.survey == survey)
        .fold((0u64, 0u64), |(sent, answered), (_, numbers)| {
            (sent + numbers.sent, answered + numbers.answered)
        });
    Ok((sent > 0).then(|| ResponseRate {
        percent: format_percent(answered.min(sent), sent),
        answered: format_count(answered),
        sent: format_count(sent),
    }))
}
