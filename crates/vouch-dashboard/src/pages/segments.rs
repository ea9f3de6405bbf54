//! `GET /app/surveys/{id}/segments?by=ATTR`: the NPS of each value of an attribute, with n
//! and margin of error; small segments (n < 30) greyed; each row a link that applies the
//! segment as a filter to the overview. The overview's filters apply here too.
//!
//! Numbers come in quartile bands and dates in months by default (`bands=quartiles`,
//! `month`, `quarter`, or `values` for one segment per value). Segments are sorted by the
//! low end of their adjusted 95 % interval ([`vouch_core::nps::adjusted_lower_bound`]), so
//! that a segment of three lucky answers does not top the list; `sort=nps`, `n` or `name`
//! sort otherwise.

use std::sync::Arc;

use askama::Template;
use axum::Extension;
use axum::extract::{Path, RawQuery, State};
use axum::response::Response;
use jiff::Timestamp;
use vouch_analytics::ResponseIndex;
use vouch_analytics::report::{GroupFigures, Report, build_report};
use vouch_core::{ANONYMITY_MIN_RESPONSES, Banding};
use vouch_store::{AttributeDefinition, SurveyId};

use super::filter_bar::{BarOptions, Choice, FilterBar, bad_filter};
use super::filters::selection::Selector;
use super::filters::{FilterError, Filters, Preset, Range, one, query_pairs};
use super::fresh::Freshness;
use super::view::Headline;
use super::visible_survey;
use crate::layout::{DashboardError, Frame, Nav, render};
use crate::session::Viewer;
use vouch_charts::{SegmentBar, format_count, segments};
use vouch_web::state::AppState;

/// The most segments shown: those with the most answers.
const MAX_SEGMENTS: usize = 200;

/// What a group without a value reads.
const NO_VALUE_LABEL: &str = "(no value)";

/// One segment of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SegmentRow {
    /// The value ("pro"), or "(no value)".
    pub(crate) label: String,
    /// The overview filtered on it (none for "(no value)": no filter selects it).
    pub(crate) href: Option<String>,
    /// NPS, ± MOE, n.
    pub(crate) headline: Headline,
}

/// A sortable header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SortLink {
    /// What it reads.
    pub(crate) label: &'static str,
    /// The page sorted by it.
    pub(crate) href: String,
    /// `ascending`/`descending` when sorted by it.
    pub(crate) aria_sort: &'static str,
    /// Right-aligned.
    pub(crate) numeric: bool,
}

/// `templates/dashboard/pages/segments.html`.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/segments.html")]
pub(crate) struct SegmentsPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The survey's name.
    pub(crate) survey_name: String,
    /// "NPS", or "eNPS" for employees.
    pub(crate) score_name: &'static str,
    /// The range shown.
    pub(crate) range_label: String,
    /// The filter bar.
    pub(crate) bar: FilterBar,
    /// The attribute broken down by.
    pub(crate) by: String,
    /// The banding choices for a number or date attribute (empty for the others); each
    /// choice's value is the page banded so.
    pub(crate) band_choices: Vec<Choice>,
    /// True when the rows are bands (they do not link to the overview).
    pub(crate) banded: bool,
    /// How the rows are sorted, in one sentence.
    pub(crate) sort_note: &'static str,
    /// The segments, sorted.
    pub(crate) rows: Vec<SegmentRow>,
    /// The table's headers.
    pub(crate) headers: Vec<SortLink>,
    /// The chart (SVG); the sortable table is its data table.
    pub(crate) chart: String,
    /// Notes under the table: hidden groups (eNPS), cut lists, an unapplied filter.
    pub(crate) notes: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SortBy {
    /// By the low end of the 95 % interval: small samples do not lead.
    LowerBound,
    Nps,
    Responses,
    Name,
}

impl SortBy {
    fn note(self) -> &'static str {
        match self {
            SortBy::LowerBound => {
                "Sorted by the low end of each segment's 95 % interval (adjusted for small \
                 samples), so that a few lucky answers do not come first."
            }
            SortBy::Nps => "Sorted by NPS, highest first.",
            SortBy::Responses => "Sorted by answers, most first.",
            SortBy::Name => "Sorted by segment.",
        }
    }
}

/// How the page bands `by`: `None` for one segment per value.
fn banding(
    pairs: &[(String, String)],
    definitions: &[AttributeDefinition],
    by: &str,
) -> Result<Option<Banding>, FilterError> {
    let kind = definitions.iter().find(|d| d.name == by).map(|d| d.kind);
    let Some(kind) = kind else { return Ok(None) };
    match one(pairs, "bands") {
        None | Some("") => Ok(Banding::natural(kind)),
        Some("values") => Ok(None),
        Some(text) => {
            let unknown = || FilterError {
                field: "bands",
                message: format!("unknown banding {text:?}: quartiles, month, quarter or values"),
            };
            let banding = Banding::parse(text).ok_or_else(unknown)?;
            vouch_core::bands::check_fits(by, banding, kind).map_err(|message| FilterError {
                field: "bands",
                message,
            })?;
            Ok(Some(banding))
        }
    }
}

/// The banding choices of an attribute kind (none for text and yes/no), `current` selected.
fn band_choices(
    definitions: &[AttributeDefinition],
    by: &str,
    current: Option<Banding>,
) -> Vec<Choice> {
    let Some(kind) = definitions.iter().find(|d| d.name == by).map(|d| d.kind) else {
        return Vec::new();
    };
    let fitting: Vec<Banding> = Banding::ALL
        .into_iter()
        .filter(|banding| banding.kind() == kind)
        .collect();
    if fitting.is_empty() {
        return Vec::new();
    }
    let mut choices: Vec<Choice> = fitting
        .into_iter()
        .map(|banding| Choice {
            value: banding.as_str().to_owned(),
            label: match banding {
                Banding::Quartiles => "Quartiles".to_owned(),
                Banding::Month => "By month".to_owned(),
                Banding::Quarter => "By quarter".to_owned(),
            },
            selected: current == Some(banding),
        })
        .collect();
    choices.push(Choice {
        value: "values".to_owned(),
        label: "Each value".to_owned(),
        selected: current.is_none(),
    });
    choices
}

/// `GET /app/surveys/{id}/segments`.
pub(crate) async fn page(
    viewer: Viewer,
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<Freshness>>,
    Path(id): Path<String>,
    RawQuery(query): RawQuery,
) -> Result<Response, DashboardError> {
    let survey = visible_survey(&state, &viewer, &id).await?;
    let workspace = viewer.workspace();
    let title = format!("{} · segments", survey.name);
    let frame = Frame::new(&viewer, title, Nav::Segments).for_survey(survey.id);
    let path = format!("/app/surveys/{}/segments", survey.id.0);
    let overview = format!("/app/surveys/{}", survey.id.0);
    let definitions = state.store().attribute_definitions(workspace).await?;
    let pairs = query_pairs(query.as_deref());
    let mut filters = match Filters::parse(&pairs, &definitions) {
        Ok(filters) => filters.report_only(),
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let store = state.store();
    let selector = match Selector::load(store, workspace, Some(survey.id), &filters).await? {
        Ok(selector) => selector,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let live = freshness.index(&state, workspace).await?;
    let carried = live
        .read()
        .most_carried_attribute(survey.id)
        .map(str::to_owned);
    let by = match breakdown_attribute(&pairs, &definitions, carried) {
        Ok(by) => by,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let bands = match banding(&pairs, &definitions, &by) {
        Ok(bands) => bands,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let sort = match one(&pairs, "sort") {
        Some("nps") => SortBy::Nps,
        Some("n") => SortBy::Responses,
        Some("name") => SortBy::Name,
        _ => SortBy::LowerBound,
    };
    let reported = {
        let index = live.read();
        selector.apply(&index, &mut filters);
        segment_report(&index, &filters, survey.id, &by, bands)
    };
    let (range, report) = match reported {
        Ok(found) => found,
        Err(error) => return Ok(bad_filter(frame, &path, error)),
    };
    let (mut groups, notes) = shown_groups(report);
    sort_groups(&mut groups, sort);
    let pinned = filters.pinned(Preset::Days90);
    let rows: Vec<SegmentRow> = groups
        .iter()
        .map(|group| segment_row(group, &by, bands.is_none(), &pinned, &overview))
        .collect();
    let bars: Vec<SegmentBar> = groups
        .iter()
        .map(|group| SegmentBar::from_figures(group_label(group), &group.figures))
        .collect();
    let mut keep = vec![("by".to_owned(), by.clone())];
    if let Some(text) = one(&pairs, "bands") {
        keep.push(("bands".to_owned(), text.to_owned()));
    }
    let options = BarOptions {
        keep: keep.clone(),
        breakdown: breakdown_choices(&definitions, &by),
        names: selector.chip_names(),
        ..BarOptions::default()
    };
    let bar = FilterBar::new(&path, &filters, &range, &definitions, options);
    let page = SegmentsPage {
        score_name: if survey.kind.is_anonymous() {
            "eNPS"
        } else {
            "NPS"
        },
        survey_name: survey.name.clone(),
        range_label: range.label.clone(),
        headers: sort_links(&path, &filters, &keep, sort),
        band_choices: band_choices(&definitions, &by, bands)
            .into_iter()
            .map(|choice| {
                let mut pairs = filters.pairs();
                pairs.push(("by".to_owned(), by.clone()));
                pairs.push(("bands".to_owned(), choice.value.clone()));
                Choice {
                    value: super::filters::with_query(&path, &pairs),
                    ..choice
                }
            })
            .collect(),
        banded: bands.is_some(),
        sort_note: sort.note(),
        chart: segments(&bars),
        rows,
        notes,
        by,
        bar,
        frame,
    };
    Ok(render(&page))
}

/// The attribute to break down by: `by`, which must be one of the workspace's, else the one
/// the survey's answers carry most (`carried`), else the first attribute (none when there is
/// none).
fn breakdown_attribute(
    pairs: &[(String, String)],
    definitions: &[AttributeDefinition],
    carried: Option<String>,
) -> Result<String, FilterError> {
    match one(pairs, "by") {
        Some(name) if definitions.iter().any(|d| d.name == name) => Ok(name.to_owned()),
        Some(name) => {
            let known: Vec<&str> = definitions.iter().map(|d| d.name.as_str()).collect();
            Err(FilterError {
                field: "by",
                message: vouch_core::attribute::unknown_attribute_message(name, &known),
            })
        }
        None => Ok(carried
            .or_else(|| definitions.first().map(|d| d.name.clone()))
            .unwrap_or_default()),
    }
}

/// The range and the report of the survey's answers under the filters, grouped by `by`.
fn segment_report(
    index: &ResponseIndex,
    filters: &Filters,
    survey: SurveyId,
    by: &str,
    bands: Option<Banding>,
) -> Result<(Range, Report), FilterError> {
    let range = filters.range(index.time_zone(), Timestamp::now(), Preset::Days90);
    let mut query = filters.query(vec![survey], range.from, range.to);
    if !by.is_empty() {
        query.group_by = vec![by.to_owned()];
        query.bands = bands.map(|b| (by.to_owned(), b)).into_iter().collect();
    }
    let plan = index.plan(&query).map_err(|error| FilterError {
        field: "by",
        message: error.to_string(),
    })?;
    let report = build_report(index, &plan, &index.run(&plan));
    Ok((range, report))
}

/// The groups to show (at most [`MAX_SEGMENTS`], those with the most answers), with notes on
/// the groups hidden for anonymity and those cut.
fn shown_groups(report: Report) -> (Vec<GroupFigures>, Vec<String>) {
    let mut notes: Vec<String> = Vec::new();
    if let Some(hidden) = report.suppressed.filter(|&hidden| hidden > 0) {
        notes.push(format!(
            "{hidden} segment{} hidden to protect anonymity: eNPS shows groups of \
             {ANONYMITY_MIN_RESPONSES} answers or more, and hides one more when a single \
             group would be left out.",
            if hidden == 1 { "" } else { "s" }
        ));
    }
    let mut groups = report.groups.unwrap_or_default();
    if groups.len() > MAX_SEGMENTS {
        notes.push(format!(
            "Showing the {MAX_SEGMENTS} segments with the most answers of {}.",
            format_count(groups.len() as u64)
        ));
        groups.sort_by_key(|group| std::cmp::Reverse(group.figures.responses));
        groups.truncate(MAX_SEGMENTS);
    }
    (groups, notes)
}

/// The attributes to break down by, `by` selected.
fn breakdown_choices(definitions: &[AttributeDefinition], by: &str) -> Vec<Choice> {
    definitions
        .iter()
        .map(|d| Choice {
            value: d.name.clone(),
            label: d.name.clone(),
            selected: d.name == by,
        })
        .collect()
}

fn group_label(group: &GroupFigures) -> String {
    match group.key.first() {
        Some(Some(value)) => value.canonical(),
        _ => NO_VALUE_LABEL.to_owned(),
    }
}

/// A row of the table; a value (not a band) links to the overview filtered on it.
fn segment_row(
    group: &GroupFigures,
    by: &str,
    is_value: bool,
    filters: &Filters,
    overview: &str,
) -> SegmentRow {
    let href = match group.key.first() {
        Some(Some(value)) if is_value => {
            let mut with = filters.clone();
            let pair = (by.to_owned(), value.canonical());
            if !with.wheres.contains(&pair) {
                with.wheres.push(pair);
            }
            Some(with.href(overview))
        }
        _ => None,
    };
    SegmentRow {
        label: group_label(group),
        href,
        headline: Headline::new(&group.figures),
    }
}

/// Sorts by the interval's low end or by NPS (highest first, segments without one last), by
/// n (largest first) or by name.
fn sort_groups(groups: &mut [GroupFigures], sort: SortBy) {
    match sort {
        SortBy::LowerBound => groups.sort_by(|a, b| {
            let key = |group: &GroupFigures| {
                vouch_core::nps::adjusted_lower_bound(&group.histogram).unwrap_or(f64::NEG_INFINITY)
            };
            key(b)
                .total_cmp(&key(a))
                .then(b.figures.responses.cmp(&a.figures.responses))
        }),
        SortBy::Nps => groups.sort_by(|a, b| {
            let key = |group: &GroupFigures| group.figures.nps.unwrap_or(f64::NEG_INFINITY);
            key(b)
                .total_cmp(&key(a))
                .then(b.figures.responses.cmp(&a.figures.responses))
        }),
        SortBy::Responses => groups.sort_by_key(|group| std::cmp::Reverse(group.figures.responses)),
        // The index already sorts groups by key (numbers as numbers, no value last).
        SortBy::Name => {}
    }
}

fn sort_links(
    path: &str,
    filters: &Filters,
    keep: &[(String, String)],
    sort: SortBy,
) -> Vec<SortLink> {
    let link = |label, key: &str, this: SortBy, numeric| {
        let mut pairs = filters.pairs();
        pairs.extend(keep.iter().cloned());
        pairs.push(("sort".to_owned(), key.to_owned()));
        SortLink {
            label,
            href: super::filters::with_query(path, &pairs),
            aria_sort: match (this == sort, this) {
                (false, _) => "",
                (true, SortBy::Name) => "ascending",
                (true, _) => "descending",
            },
            numeric,
        }
    };
    vec![
        link("Segment", "name", SortBy::Name, false),
        link("NPS", "nps", SortBy::Nps, true),
        link("Answers", "n", SortBy::Responses, true),
    ]
}

#[cfg(test)]
mod tests {
    use vouch_core::{AttributeValue, Histogram, NpsFigures, Score};

    use super::*;

    fn group(key: Option<&str>, scores: &[i64]) -> GroupFigures {
        let mut histogram = Histogram::default();
        for &score in scores {
            histogram.add(Score::new(score).unwrap());
        }
        GroupFigures {
            key: vec![key.map(|k| AttributeValue::String(k.to_owned()))],
            figures: NpsFigures::from_histogram(&histogram),
            histogram,
            sum: None,
        }
    }

    #[test]
    fn segments_sort_by_nps_then_size_and_link_to_the_overview() {
        let mut groups = vec![
            group(Some("free"), &[0, 10]),
            group(Some("pro"), &[10, 10, 9]),
            group(None, &[9]),
            group(Some("team"), &[10, 0, 10, 0]),
        ];
        sort_groups(&mut groups, SortBy::Nps);
        let labels: Vec<_> = groups.iter().map(group_label).collect();
        assert_eq!(labels, ["pro", "(no value)", "team", "free"]);
        let filters = Filters::default().pinned(Preset::Days90);
        let row = segment_row(&groups[0], "plan", true, &filters, "/app/surveys/1");
        assert_eq!(
            row.href.as_deref(),
            Some("/app/surveys/1?period=90d&where=plan%3Dpro")
        );
        assert_eq!(
            segment_row(&groups[1], "plan", true, &filters, "/x").href,
            None
        );
        assert_eq!(
            segment_row(&groups[0], "plan", false, &filters, "/x").href,
            None
        );
        sort_groups(&mut groups, SortBy::Responses);
        assert_eq!(group_label(&groups[0]), "team");
    }

    #[test]
    fn by_default_a_small_lucky_segment_does_not_come_first() {
        let mut many = vec![10; 60];
        many.extend([9; 20]);
        many.extend([3; 20]);
        let mut groups = vec![
            group(Some("lucky"), &[10, 10]),
            group(Some("large"), &many),
            group(Some("none"), &[]),
        ];
        sort_groups(&mut groups, SortBy::Nps);
        assert_eq!(group_label(&groups[0]), "lucky");
        sort_groups(&mut groups, SortBy::LowerBound);
        let labels: Vec<_> = groups.iter().map(group_label).collect();
        assert_eq!(labels, ["large", "lucky", "none"]);
    }
}
