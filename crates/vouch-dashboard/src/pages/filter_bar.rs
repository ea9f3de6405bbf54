//! The filter bar at the top of the overview, segments and inbox: one GET form whose fields
//! are the filters, the active filters as removable chips, and a visible "Clear filters".
//!
//! It works without script: presets are links, the form submits with its button, and every
//! filter already applied rides along as a hidden field, so adding one keeps the others.

use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use vouch_core::{Category, Interval};
use vouch_store::AttributeDefinition;

use super::filters::{
    ChipNames, FilterChip, FilterError, Filters, Preset, Range, interval_name, status_label,
};
use crate::layout::{Frame, render_status};

/// One choice of a `<select>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Choice {
    /// The value sent.
    pub(crate) value: String,
    /// What it reads.
    pub(crate) label: String,
    /// Whether it is the current one.
    pub(crate) selected: bool,
}

/// A preset range as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PresetLink {
    /// "Last 90 days".
    pub(crate) label: &'static str,
    /// The page with this preset (custom dates dropped, other filters kept).
    pub(crate) href: String,
    /// Whether the page shows it.
    pub(crate) current: bool,
}

/// The inbox's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct InboxFields {
    /// The surveys the viewer may see (first: any).
    pub(crate) surveys: Vec<Choice>,
    /// Open, in progress, closed (first: any).
    pub(crate) statuses: Vec<Choice>,
    /// The workspace's members (first: anyone).
    pub(crate) assignees: Vec<Choice>,
    /// The search (`q`), when the inbox searches.
    pub(crate) search: String,
    /// Why the search cannot run, next to its box.
    pub(crate) search_error: Option<String>,
    /// Tags in use, for the tag field's suggestions.
    pub(crate) known_tags: Vec<String>,
}

/// What `templates/dashboard/pages/filter_bar.html` draws.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FilterBar {
    /// The page the form submits to.
    pub(crate) action: String,
    /// The pages' script (it folds the bar's fields on a phone).
    pub(crate) script: String,
    /// The preset ranges.
    pub(crate) presets: Vec<PresetLink>,
    /// The custom range's start, as a date input's value.
    pub(crate) from: String,
    /// The custom range's end (exclusive), as a date input's value.
    pub(crate) to: String,
    /// The trend's periods (empty on pages without a trend).
    pub(crate) intervals: Vec<Choice>,
    /// Any category, promoters, passives, detractors.
    pub(crate) categories: Vec<Choice>,
    /// The search word.
    pub(crate) text: String,
    /// The attributes a filter can be added on.
    pub(crate) attributes: Vec<String>,
    /// Filters kept as they are when the form is sent.
    pub(crate) hidden: Vec<(String, String)>,
    /// The active filters.
    pub(crate) chips: Vec<FilterChip>,
    /// The page without any filter.
    pub(crate) clear_href: String,
    /// Whether the URL holds any filter (a range included): "Clear filters" shows.
    pub(crate) filtered: bool,
    /// The inbox's own fields, on the inbox.
    pub(crate) inbox: Option<InboxFields>,
    /// The attributes to break down by, on the segments page (sent as `by`).
    pub(crate) breakdown: Vec<Choice>,
}

/// What a page adds to the bar.
#[derive(Debug, Clone, Default)]
pub(crate) struct BarOptions {
    /// Offer the trend's interval.
    pub(crate) interval: bool,
    /// Page parameters kept when the form is sent (`by`, `sort`).
    pub(crate) keep: Vec<(String, String)>,
    /// Names of ids for the chips.
    pub(crate) names: ChipNames,
    /// The inbox's fields.
    pub(crate) inbox: Option<InboxFields>,
    /// The attributes to break down by (segments); `by` is then a field, not kept hidden.
    pub(crate) breakdown: Vec<Choice>,
}

impl FilterBar {
    /// The bar of a page at `path` showing `filters` over `range`.
    pub(crate) fn new(
        path: &str,
        filters: &Filters,
        range: &Range,
        definitions: &[AttributeDefinition],
        options: BarOptions,
    ) -> FilterBar {
        let keep_only = Filters::default();
        FilterBar {
            action: path.to_owned(),
            script: super::script::script_src(),
            presets: preset_links(path, filters, range, &options.keep),
            from: date_value(filters.from.as_ref().map(|bound| bound.text.as_str())),
            to: date_value(filters.to.as_ref().map(|bound| bound.text.as_str())),
            intervals: if options.interval {
                interval_choices(range.interval)
            } else {
                Vec::new()
            },
            categories: category_choices(filters.category),
            text: filters.text.clone().unwrap_or_default(),
            attributes: definitions.iter().map(|d| d.name.clone()).collect(),
            hidden: hidden_fields(filters, &options),
            chips: with_keep_chips(filters.chips(path, &options.names), &options.keep),
            clear_href: with_keep(keep_only.href(path), &options.keep),
            filtered: !filters.pairs().is_empty(),
            inbox: options.inbox,
            breakdown: options.breakdown,
        }
    }
}

/// True when the filters give a custom range (dates rather than a preset).
fn is_custom(filters: &Filters) -> bool {
    filters.from.is_some() || filters.to.is_some()
}

/// The preset ranges as links: each drops custom dates and keeps the other filters.
fn preset_links(
    path: &str,
    filters: &Filters,
    range: &Range,
    keep: &[(String, String)],
) -> Vec<PresetLink> {
    let custom = is_custom(filters);
    Preset::ALL
        .into_iter()
        .map(|preset| {
            let mut with = filters.clone();
            with.from = None;
            with.to = None;
            with.period = Some(preset);
            PresetLink {
                label: preset.label(),
                href: with_keep(with.href(path), keep),
                current: !custom && range.preset == Some(preset),
            }
        })
        .collect()
}

/// The filters the form has no field for, sent again as they are: `where`s, the preset, the
/// channel, the inbox's filters off the inbox, and the page's kept parameters.
fn hidden_fields(filters: &Filters, options: &BarOptions) -> Vec<(String, String)> {
    let mut hidden: Vec<(String, String)> = filters
        .wheres
        .iter()
        .map(|(name, value)| ("where".to_owned(), format!("{name}={value}")))
        .collect();
    if !is_custom(filters)
        && let Some(period) = filters.period
    {
        hidden.push(("period".to_owned(), period.as_str().to_owned()));
    }
    if let Some(channel) = &filters.channel {
        hidden.push(("channel".to_owned(), channel.clone()));
    }
    if options.inbox.is_none() {
        hidden.extend(
            filters
                .pairs()
                .into_iter()
                .filter(|(name, _)| ["survey", "status", "assignee"].contains(&name.as_str())),
        );
    }
    hidden.extend(
        filters
            .pairs()
            .into_iter()
            .filter(|(name, _)| name == "tag" || name == "theme"),
    );
    let shown_as_field = |name: &str| name == "by" && !options.breakdown.is_empty();
    hidden.extend(
        options
            .keep
            .iter()
            .filter(|(name, _)| !shown_as_field(name))
            .cloned(),
    );
    hidden
}

/// The trend's periods, `current` selected.
fn interval_choices(current: Interval) -> Vec<Choice> {
    [Interval::Week, Interval::Month, Interval::Quarter]
        .into_iter()
        .map(|interval| Choice {
            value: interval_name(interval).to_owned(),
            label: format!("per {}", interval_name(interval)),
            selected: current == interval,
        })
        .collect()
}

/// Every score and the three categories, `current` selected.
fn category_choices(current: Option<Category>) -> Vec<Choice> {
    [
        ("", "Every score", current.is_none()),
        (
            "promoter",
            "Promoters (9–10)",
            current == Some(Category::Promoter),
        ),
        (
            "passive",
            "Passives (7–8)",
            current == Some(Category::Passive),
        ),
        (
            "detractor",
            "Detractors (0–6)",
            current == Some(Category::Detractor),
        ),
    ]
    .into_iter()
    .map(|(value, label, selected)| Choice {
        value: value.to_owned(),
        label: label.to_owned(),
        selected,
    })
    .collect()
}

/// The statuses as choices, the current one selected.
pub(crate) fn status_choices(current: Option<vouch_store::ResponseStatus>) -> Vec<Choice> {
    use vouch_store::ResponseStatus;
    let mut choices = vec![Choice {
        value: String::new(),
        label: "Any status".to_owned(),
        selected: current.is_none(),
    }];
    for status in [
        ResponseStatus::Open,
        ResponseStatus::InProgress,
        ResponseStatus::Closed,
    ] {
        choices.push(Choice {
            value: status.as_str().to_owned(),
            label: status_label(status).to_owned(),
            selected: current == Some(status),
        });
    }
    choices
}

/// `href` with the page's own parameters appended.
fn with_keep(href: String, keep: &[(String, String)]) -> String {
    if keep.is_empty() {
        return href;
    }
    let Ok(extra) = serde_urlencoded::to_string(keep) else {
        return href;
    };
    let separator = if href.contains('?') { '&' } else { '?' };
    format!("{href}{separator}{extra}")
}

fn with_keep_chips(chips: Vec<FilterChip>, keep: &[(String, String)]) -> Vec<FilterChip> {
    chips
        .into_iter()
        .map(|chip| FilterChip {
            remove_href: with_keep(chip.remove_href, keep),
            ..chip
        })
        .collect()
}

/// A date input's value: the date of a `YYYY-MM-DD…` parameter, else nothing.
fn date_value(text: Option<&str>) -> String {
    text.and_then(|text| text.get(..10))
        .filter(|date| date.parse::<jiff::civil::Date>().is_ok())
        .unwrap_or_default()
        .to_owned()
}

/// A page saying which filter could not be applied (400), with a way out.
#[derive(Debug, Template)]
#[template(path = "dashboard/pages/bad_filter.html")]
pub(crate) struct BadFilterPage {
    /// The frame.
    pub(crate) frame: Frame,
    /// The parameter at fault.
    pub(crate) field: &'static str,
    /// What is wrong.
    pub(crate) message: String,
    /// The page without filters.
    pub(crate) clear_href: String,
}

/// The 400 page of a filter that cannot be applied on the page at `path`.
pub(crate) fn bad_filter(frame: Frame, path: &str, error: FilterError) -> Response {
    let page = BadFilterPage {
        frame,
        field: error.field,
        message: error.message,
        clear_href: path.to_owned(),
    };
    render_status(&page, StatusCode::BAD_REQUEST)
}

#[cfg(test)]
mod tests {
    use jiff::Timestamp;
    use jiff::tz::TimeZone;

    use super::*;
    use crate::pages::filters::query_pairs;

    #[test]
    fn the_bar_keeps_applied_filters_and_links_presets() {
        let definitions = vec![AttributeDefinition {
            name: "plan".into(),
            kind: vouch_core::AttributeKind::String,
        }];
        let pairs = query_pairs(Some("period=12m&where=plan%3Dpro&category=detractor"));
        let filters = Filters::parse(&pairs, &definitions).unwrap();
        let now: Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let range = filters.range(&TimeZone::UTC, now, Preset::Days90);
        let options = BarOptions {
            interval: true,
            keep: vec![("by".into(), "plan".into())],
            ..BarOptions::default()
        };
        let bar = FilterBar::new("/app/x", &filters, &range, &definitions, options);
        assert!(bar.filtered);
        assert_eq!(
            bar.hidden,
            vec![
                ("where".to_owned(), "plan=pro".to_owned()),
                ("period".to_owned(), "12m".to_owned()),
                ("by".to_owned(), "plan".to_owned()),
            ]
        );
        let current: Vec<_> = bar.presets.iter().filter(|p| p.current).collect();
        assert_eq!(current.len(), 1);
        assert_eq!(
            current[0].href,
            "/app/x?period=12m&where=plan%3Dpro&category=detractor&by=plan"
        );
        assert_eq!(bar.clear_href, "/app/x?by=plan");
        assert_eq!(bar.chips.len(), 2);
        assert!(
            bar.intervals
                .iter()
                .any(|c| c.selected && c.value == "month")
        );
    }

    #[test]
    fn date_inputs_take_the_date_of_a_bound() {
        assert_eq!(date_value(Some("2026-03-01T10:00:00Z")), "2026-03-01");
        assert_eq!(date_value(Some("2026-03-01")), "2026-03-01");
        assert_eq!(date_value(Some("2026")), "");
        assert_eq!(date_value(None), "");
    }
}
