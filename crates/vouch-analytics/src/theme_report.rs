//! The figures of themes and tags over a selection: volume, categories, NPS with its margin of
//! error, `impact` (what the theme costs or earns the selection's NPS), the summed value of its
//! detractors, the sentiment of its comments, and its trend.

use roaring::RoaringBitmap;
use vouch_core::nps::impact;
use vouch_core::{Histogram, NpsFigures, Period, suppressed_groups};

use crate::index::{ResponseIndex, SentimentMix};
use crate::query::{Query, QueryError};

/// Something responses can be grouped by for the themes report.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeEntry {
    /// `"12"` for an automatic theme, `"tag:billing"` for a tag.
    pub id: String,
    /// Its readable label.
    pub label: String,
    /// Its keywords (none for a tag).
    pub keywords: Vec<String>,
    /// True for a tag, false for an automatic theme.
    pub is_tag: bool,
    /// Its rows in the index.
    pub rows: RoaringBitmap,
}

/// One theme's (or tag's) figures.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemeFigures {
    /// What it is.
    pub entry: ThemeEntry,
    /// Its responses in the selection, as 0–10 counts.
    pub histogram: Histogram,
    /// Its NPS, margin of error and category split.
    pub figures: NpsFigures,
    /// The selection's NPS minus the NPS of the selection without this theme.
    pub impact: Option<f64>,
    /// The summed value of its detractors (`None` without a value attribute).
    pub detractor_value: Option<f64>,
    /// How its comments feel.
    pub sentiment: SentimentMix,
    /// Per period when an interval was asked, oldest first.
    pub trend: Vec<(Period, Histogram)>,
}

/// The themes report of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct ThemesReport {
    /// The whole selection.
    pub total: Histogram,
    /// Its NPS.
    pub figures: NpsFigures,
    /// Each theme and tag with a response in the selection, most responses first. For an
    /// anonymous (eNPS) selection, themes under the anonymity threshold are left out.
    pub themes: Vec<ThemeFigures>,
}

/// The themes report of `base` (the selection) for these entries; `value_attribute` (a number
/// attribute, such as `mrr`) gives `detractor_value`.
pub fn theme_report(
    index: &ResponseIndex,
    base: &Query,
    entries: Vec<ThemeEntry>,
    value_attribute: Option<&str>,
) -> Result<ThemesReport, QueryError> {
    let plan = index.plan(base)?;
    let total = index.run(&plan).total;
    let mut themes = Vec::new();
    for entry in entries {
        let narrowed = narrowed(base, &entry.rows);
        let plan = index.plan(&narrowed)?;
        let counts = index.run(&plan);
        if counts.total.responses() == 0 {
            continue;
        }
        let trend = match &plan.period_of_day {
            Some(table) => table
                .periods
                .iter()
                .zip(&counts.periods)
                .filter(|(_, bins)| bins.iter().any(|&count| count > 0))
                .map(|(period, bins)| (*period, Histogram::from_counts(bins.map(u64::from))))
                .collect(),
            None => Vec::new(),
        };
        let detractor_value = match value_attribute {
            Some(attribute) => Some(detractors_value(index, &narrowed, attribute)?),
            None => None,
        };
        themes.push(ThemeFigures {
            sentiment: index.sentiment_mix(&plan, &entry.rows),
            entry,
            figures: NpsFigures::from_histogram(&counts.total),
            impact: impact(&total, &counts.total),
            histogram: counts.total,
            detractor_value,
            trend,
        });
    }
    if plan.anonymous {
        let sizes: Vec<u64> = themes
            .iter()
            .map(|theme| theme.histogram.responses())
            .collect();
        let mut hidden = suppressed_groups(&sizes).into_iter();
        themes.retain(|_| !hidden.next().unwrap_or(true));
    }
    themes.sort_by(|a, b| {
        b.histogram
            .responses()
            .cmp(&a.histogram.responses())
            .then_with(|| a.entry.label.cmp(&b.entry.label))
    });
    Ok(ThemesReport {
        figures: NpsFigures::from_histogram(&total),
        total,
        themes,
    })
}

/// The base query kept to these rows too.
fn narrowed(base: &Query, rows: &RoaringBitmap) -> Query {
    let mut query = base.clone();
    query.rows = Some(match &base.rows {
        Some(only) => only & rows,
        None => rows.clone(),
    });
    query
}

/// The summed `attribute` of the detractors of a selection.
fn detractors_value(
    index: &ResponseIndex,
    query: &Query,
    attribute: &str,
) -> Result<f64, QueryError> {
    let mut detractors = query.clone();
    let mut scores = query.scores.unwrap_or([true; 11]);
    for allowed in scores.iter_mut().skip(7) {
        *allowed = false;
    }
    detractors.scores = Some(scores);
    detractors.sum_of = Some(attribute.to_owned());
    detractors.interval = None;
    let plan = index.plan(&detractors)?;
    Ok(index.run(&plan).total_sum)
}
