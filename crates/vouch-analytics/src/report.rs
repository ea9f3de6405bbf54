//! From counts to the figures a report shows, with eNPS anonymity applied on the way out.

use std::cmp::Ordering;

use vouch_core::{AttributeValue, Histogram, NpsFigures, Period, suppressed_groups};

use crate::engine::Counts;
use crate::index::ResponseIndex;
use crate::query::{GroupKey, QueryPlan};

/// The figures of one group of a breakdown.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupFigures {
    /// One value per grouping attribute (`None` = contacts without a value).
    pub key: Vec<GroupKey>,
    /// The group's figures.
    pub figures: NpsFigures,
    /// The 0–10 distribution of the group.
    pub histogram: Histogram,
    /// The sum of the query's number attribute over the group, if one was asked for.
    pub sum: Option<f64>,
}

/// The figures of one period of a trend.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodFigures {
    /// The period.
    pub period: Period,
    /// The period's figures.
    pub figures: NpsFigures,
    /// The 0–10 distribution of the period.
    pub histogram: Histogram,
}

/// A whole report: the selection's figures, and its breakdowns when asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The selection's figures; `None` when anonymity forbids showing any (eNPS, n < 5).
    pub overall: Option<NpsFigures>,
    /// The 0–10 distribution of the selection; `None` with `overall`.
    pub histogram: Option<Histogram>,
    /// Per group, sorted by key, when the query grouped by attributes.
    pub groups: Option<Vec<GroupFigures>>,
    /// Per period, oldest first, when the query had an interval.
    pub trend: Option<Vec<PeriodFigures>>,
    /// For anonymous surveys, how many groups and periods were left out.
    pub suppressed: Option<u64>,
}

/// Turns counts into a report. When the plan selects answers to an anonymous survey (eNPS, as
/// the index was told by [`ResponseIndex::define_survey`]), groups and periods under the
/// anonymity threshold are left out by the rules of `vouch_core::suppression`, and a selection
/// under it shows no figure at all.
pub fn build_report(index: &ResponseIndex, plan: &QueryPlan, counts: &Counts) -> Report {
    let anonymous = plan.anonymous;
    let mut groups = (!plan.group_columns.is_empty()).then(|| group_figures(index, plan, counts));
    let mut trend = plan.period_of_day.as_ref().map(|table| {
        let periods = table.periods.iter().zip(&counts.periods);
        periods
            .filter(|(_, counts)| counts.iter().any(|&count| count > 0))
            .map(|(period, counts)| {
                let histogram = Histogram::from(*counts);
                let figures = NpsFigures::from_histogram(&histogram);
                PeriodFigures {
                    period: *period,
                    figures,
                    histogram,
                }
            })
            .collect::<Vec<_>>()
    });
    let mut overall = Some(NpsFigures::from_histogram(&counts.total));
    let mut histogram = Some(counts.total);
    let mut suppressed = None;
    if anonymous {
        let mut hidden = 0u64;
        if counts.total.responses() < vouch_core::ANONYMITY_MIN_RESPONSES {
            overall = None;
            histogram = None;
            hidden += groups.as_ref().map_or(0, Vec::len) as u64;
            hidden += trend.as_ref().map_or(0, Vec::len) as u64;
            groups = groups.map(|_| Vec::new());
            trend = trend.map(|_| Vec::new());
        } else {
            if let Some(groups) = &mut groups {
                hidden += retain_shown(groups, |group| group.figures.responses);
            }
            if let Some(trend) = &mut trend {
                hidden += retain_shown(trend, |period| period.figures.responses);
            }
        }
        suppressed = Some(hidden);
    }
    Report {
        overall,
        histogram,
        groups,
        trend,
        suppressed,
    }
}

/// Removes the items anonymity hides and returns how many it removed.
fn retain_shown<T>(items: &mut Vec<T>, responses: impl Fn(&T) -> u64) -> u64 {
    let counts: Vec<u64> = items.iter().map(&responses).collect();
    let hidden = suppressed_groups(&counts);
    let mut position = 0;
    items.retain(|_| {
        let keep = !hidden[position];
        position += 1;
        keep
    });
    hidden.iter().filter(|&&h| h).count() as u64
}

fn group_figures(index: &ResponseIndex, plan: &QueryPlan, counts: &Counts) -> Vec<GroupFigures> {
    let mut groups: Vec<GroupFigures> = counts
        .groups
        .iter()
        .enumerate()
        .filter(|(_, counts)| counts.iter().any(|&count| count > 0))
        .map(|(slot, slot_counts)| {
            let histogram = Histogram::from(*slot_counts);
            GroupFigures {
                key: index.group_key(plan, slot),
                figures: NpsFigures::from_histogram(&histogram),
                histogram,
                sum: counts.group_sums.get(slot).copied(),
            }
        })
        .collect();
    groups.sort_by(|a, b| compare_keys(&a.key, &b.key));
    crate::bands::band_groups(groups, &plan.group_bands, compare_key)
}

/// Orders group keys value by value; groups without a value come last.
fn compare_keys(a: &[GroupKey], b: &[GroupKey]) -> Ordering {
    for (left, right) in a.iter().zip(b) {
        let order = compare_key(left, right);
        if order != Ordering::Equal {
            return order;
        }
    }
    Ordering::Equal
}

/// Orders two values of one grouping attribute; no value comes last.
fn compare_key(left: &GroupKey, right: &GroupKey) -> Ordering {
    match (left, right) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(left), Some(right)) => compare_values(left, right),
    }
}

fn compare_values(left: &AttributeValue, right: &AttributeValue) -> Ordering {
    match (left, right) {
        (AttributeValue::Number(l), AttributeValue::Number(r)) => l.total_cmp(r),
        (AttributeValue::Boolean(l), AttributeValue::Boolean(r)) => l.cmp(r),
        (AttributeValue::Date(l), AttributeValue::Date(r)) => l.cmp(r),
        (l, r) => l.canonical().cmp(&r.canonical()),
    }
}
