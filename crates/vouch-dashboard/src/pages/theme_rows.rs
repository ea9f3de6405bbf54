//! The rows of the themes page: one automatic theme or tag with its figures as printed, the
//! links that filter the overview and the inbox by it, and how the table sorts.

use vouch_analytics::theme_report::ThemeFigures;
use vouch_charts::{format_count, format_nps, format_percent, sparkline, split_bar};
use vouch_core::NpsFigures;
use vouch_store::SurveyId;

use super::filters::{Filters, with_query};
use super::view::Headline;

/// How the table is sorted (`sort=impact|volume|value`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ThemeSort {
    /// Most negative impact first (the default).
    Impact,
    /// Most responses first.
    Volume,
    /// Largest detractors' value first.
    Value,
}

impl ThemeSort {
    /// The sort a `sort` parameter asks for (impact when absent or unknown).
    pub(crate) fn parse(text: Option<&str>) -> ThemeSort {
        match text {
            Some("volume") => ThemeSort::Volume,
            Some("value") => ThemeSort::Value,
            _ => ThemeSort::Impact,
        }
    }

    /// The parameter's value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ThemeSort::Impact => "impact",
            ThemeSort::Volume => "volume",
            ThemeSort::Value => "value",
        }
    }

    /// One sentence on the order.
    pub(crate) fn note(self) -> &'static str {
        match self {
            ThemeSort::Impact => "Sorted by impact: the themes that cost the most NPS first.",
            ThemeSort::Volume => "Sorted by answers: the most common themes first.",
            ThemeSort::Value => "Sorted by detractors' value: the most revenue at risk first.",
        }
    }
}

/// Sorts the themes; ties keep the report's order (most answers first).
pub(crate) fn sort_themes(themes: &mut [ThemeFigures], sort: ThemeSort) {
    let low = f64::NEG_INFINITY;
    match sort {
        ThemeSort::Impact => themes.sort_by(|a, b| {
            let key = |t: &ThemeFigures| t.impact.unwrap_or(f64::INFINITY);
            key(a).total_cmp(&key(b))
        }),
        ThemeSort::Volume => {
            themes.sort_by_key(|t| std::cmp::Reverse(t.histogram.responses()));
        }
        ThemeSort::Value => themes.sort_by(|a, b| {
            let key = |t: &ThemeFigures| t.detractor_value.unwrap_or(low);
            key(b).total_cmp(&key(a))
        }),
    }
}

/// One period of a theme's trend, for the table alternative to its sparkline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrendCell {
    /// "Jan 2026".
    pub(crate) period: String,
    /// The NPS, or "—".
    pub(crate) nps: String,
    /// The answers.
    pub(crate) responses: String,
}

/// One theme of the table, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ThemeRow {
    /// `"12"` or `"tag:billing"`: the `theme=` value.
    pub(crate) id: String,
    /// The stored id of an automatic theme (for "Make a tag").
    pub(crate) theme_id: Option<i64>,
    /// Its label.
    pub(crate) label: String,
    /// Its keywords, comma separated (empty for a tag).
    pub(crate) keywords: String,
    /// `auto` or `tag`.
    pub(crate) source: &'static str,
    /// The overview filtered by it.
    pub(crate) overview_href: String,
    /// The inbox filtered by it.
    pub(crate) inbox_href: String,
    /// Its answers.
    pub(crate) responses: String,
    /// Its share of the selection's answers ("12.5 %").
    pub(crate) share: String,
    /// The category split (SVG).
    pub(crate) split: String,
    /// Its NPS ± margin.
    pub(crate) headline: Headline,
    /// The impact, signed ("−4.2"), or "—".
    pub(crate) impact: String,
    /// True when the theme costs NPS.
    pub(crate) costs: bool,
    /// The detractors' summed value, when the workspace has one.
    pub(crate) value: String,
    /// "3 positive · 5 negative · 1 neutral · 0 mixed".
    pub(crate) sentiment: String,
    /// Per month (SVG).
    pub(crate) sparkline: String,
    /// The sparkline's data.
    pub(crate) trend: Vec<TrendCell>,
}

/// What every row's links are built from.
pub(crate) struct RowLinks<'a> {
    /// The page's filters, its range pinned.
    pub(crate) filters: &'a Filters,
    /// The survey shown.
    pub(crate) survey: SurveyId,
}

impl RowLinks<'_> {
    /// The filters with this theme added.
    fn with_theme(&self, id: &str) -> Filters {
        let mut with = self.filters.clone();
        if !with.themes.iter().any(|theme| theme == id) {
            with.themes.push(id.to_owned());
        }
        with
    }

    fn overview(&self, id: &str) -> String {
        self.with_theme(id)
            .href(&format!("/app/surveys/{}", self.survey.0))
    }

    fn inbox(&self, id: &str) -> String {
        let mut with = self.with_theme(id);
        with.survey = Some(self.survey.0);
        with.interval = None;
        with.href("/app/inbox")
    }
}

/// A theme's row; `total` is the selection's answers.
pub(crate) fn theme_row(theme: &ThemeFigures, total: u64, links: &RowLinks<'_>) -> ThemeRow {
    let figures = &theme.figures;
    let entry = &theme.entry;
    let mix = &theme.sentiment;
    ThemeRow {
        theme_id: (!entry.is_tag).then(|| entry.id.parse().ok()).flatten(),
        label: entry.label.clone(),
        keywords: entry.keywords.join(", "),
        source: if entry.is_tag { "tag" } else { "auto" },
        overview_href: links.overview(&entry.id),
        inbox_href: links.inbox(&entry.id),
        responses: format_count(figures.responses),
        share: format_percent(figures.responses, total),
        split: split_bar(figures.detractors, figures.passives, figures.promoters),
        headline: Headline::new(figures),
        impact: theme.impact.map_or_else(|| "—".to_owned(), signed),
        costs: theme.impact.is_some_and(|impact| impact < 0.0),
        value: theme.detractor_value.map(money).unwrap_or_default(),
        sentiment: format!(
            "{} positive · {} negative · {} neutral · {} mixed",
            mix.positive, mix.negative, mix.neutral, mix.mixed
        ),
        sparkline: sparkline(&trend_values(theme)),
        trend: trend_cells(theme),
        id: entry.id.clone(),
    }
}

/// Points of NPS with their sign and one decimal: "+3.0", "−12.5".
pub(crate) fn signed(points: f64) -> String {
    let rounded = (points * 10.0).round() / 10.0;
    if rounded > 0.0 {
        format!("+{rounded:.1}")
    } else if rounded < 0.0 {
        format!("−{:.1}", -rounded)
    } else {
        "0.0".to_owned()
    }
}

/// A summed value as a whole number with thousands separated.
pub(crate) fn money(value: f64) -> String {
    let whole = value.round().max(0.0);
    // A sum of attribute values fits u64 once rounded and floored at 0.
    format_count(whole as u64)
}

fn trend_values(theme: &ThemeFigures) -> Vec<Option<f64>> {
    theme
        .trend
        .iter()
        .map(|(_, histogram)| NpsFigures::from_histogram(histogram).nps)
        .collect()
}

fn trend_cells(theme: &ThemeFigures) -> Vec<TrendCell> {
    theme
        .trend
        .iter()
        .map(|(period, histogram)| {
            let figures = NpsFigures::from_histogram(histogram);
            TrendCell {
                period: period.label(),
                nps: figures.nps.map_or_else(|| "—".to_owned(), format_nps),
                responses: format_count(figures.responses),
            }
        })
        .collect()
}

/// A sortable header of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ThemeSortLink {
    /// What it reads.
    pub(crate) label: &'static str,
    /// The page sorted by it.
    pub(crate) href: String,
    /// `descending` when sorted by it.
    pub(crate) aria_sort: &'static str,
}

/// The three sort links, keeping the page's filters and `keep` parameters.
pub(crate) fn sort_links(
    path: &str,
    filters: &Filters,
    keep: &[(String, String)],
    current: ThemeSort,
) -> Vec<ThemeSortLink> {
    [
        ("Answers", ThemeSort::Volume),
        ("Impact", ThemeSort::Impact),
        ("Detractors' value", ThemeSort::Value),
    ]
    .into_iter()
    .map(|(label, sort)| {
        let mut pairs = filters.pairs();
        pairs.extend(keep.iter().cloned());
        pairs.push(("sort".to_owned(), sort.as_str().to_owned()));
        ThemeSortLink {
            label,
            href: with_query(path, &pairs),
            aria_sort: if sort == current { "descending" } else { "" },
        }
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impact_reads_with_its_sign() {
        assert_eq!(signed(-12.34), "−12.3");
        assert_eq!(signed(3.0), "+3.0");
        assert_eq!(signed(0.01), "0.0");
        assert_eq!(ThemeSort::parse(Some("volume")), ThemeSort::Volume);
        assert_eq!(ThemeSort::parse(Some("nonsense")), ThemeSort::Impact);
    }
}
