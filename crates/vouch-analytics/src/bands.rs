//! Gathering a report's groups into bands: one group per quartile of a number attribute, or
//! per month or quarter of a date attribute, instead of one per value.
//!
//! Groups are banded from the per-value counts, so a band's figures are exactly those of the
//! answers it holds; quartiles are cut on the values' distribution among the selection's
//! answers ([`vouch_core::bands::NumberBands`]). The anonymity rules then apply to the bands.

use std::cmp::Ordering;
use std::collections::HashMap;

use vouch_core::bands::{NumberBands, date_band};
use vouch_core::{AttributeValue, Banding, Histogram, NpsFigures};

use crate::query::GroupKey;
use crate::report::GroupFigures;

/// How the values of one grouping position map to bands.
enum Mapper {
    /// Not banded: each value is its own group.
    Values,
    /// Quartiles of numbers.
    Numbers(NumberBands),
    /// Months or quarters of dates.
    Dates(Banding),
}

impl Mapper {
    /// The mapper of position `at` among `groups`.
    fn new(groups: &[GroupFigures], at: usize, banding: Option<Banding>) -> Mapper {
        match banding {
            None => Mapper::Values,
            Some(Banding::Quartiles) => {
                let values: Vec<(f64, u64)> = groups
                    .iter()
                    .filter_map(|group| match group.key.get(at) {
                        Some(Some(AttributeValue::Number(value))) => {
                            Some((*value, group.figures.responses))
                        }
                        _ => None,
                    })
                    .collect();
                NumberBands::quartiles(&values).map_or(Mapper::Values, Mapper::Numbers)
            }
            Some(dates) => Mapper::Dates(dates),
        }
    }

    /// The band of a key (its label as the key, and a number that orders it), or the key
    /// itself when not banded.
    fn band(&self, key: &GroupKey) -> (GroupKey, Option<i64>) {
        match (self, key) {
            (Mapper::Numbers(bands), Some(AttributeValue::Number(value))) => {
                let band = bands.band_of(*value);
                let label = AttributeValue::String(bands.label(band));
                (Some(label), Some(band as i64))
            }
            (Mapper::Dates(banding), Some(AttributeValue::Date(date))) => {
                match date_band(*date, *banding) {
                    Some((order, label)) => {
                        (Some(AttributeValue::String(label)), Some(i64::from(order)))
                    }
                    None => (key.clone(), None),
                }
            }
            _ => (key.clone(), None),
        }
    }
}

/// A group being gathered, with the order of each banded position.
struct Gathered {
    group: GroupFigures,
    orders: Vec<Option<i64>>,
}

/// The groups gathered into bands where `bands` says (one entry per grouping position),
/// ordered by band, then as `compare` orders the other positions' values; groups without a
/// value stay apart and come last.
pub(crate) fn band_groups(
    groups: Vec<GroupFigures>,
    bands: &[Option<Banding>],
    compare: impl Fn(&GroupKey, &GroupKey) -> Ordering,
) -> Vec<GroupFigures> {
    if bands.iter().all(Option::is_none) {
        return groups;
    }
    let mappers: Vec<Mapper> = bands
        .iter()
        .enumerate()
        .map(|(at, banding)| Mapper::new(&groups, at, *banding))
        .collect();
    let mut gathered: Vec<Gathered> = Vec::new();
    let mut by_key: HashMap<Vec<Option<String>>, usize> = HashMap::new();
    for group in groups {
        let (key, orders): (Vec<GroupKey>, Vec<Option<i64>>) = group
            .key
            .iter()
            .zip(&mappers)
            .map(|(key, mapper)| mapper.band(key))
            .unzip();
        let text: Vec<Option<String>> = key
            .iter()
            .map(|k| k.as_ref().map(|v| v.canonical()))
            .collect();
        match by_key.get(&text) {
            Some(&at) => merge(&mut gathered[at].group, &group),
            None => {
                by_key.insert(text, gathered.len());
                gathered.push(Gathered {
                    group: GroupFigures { key, ..group },
                    orders,
                });
            }
        }
    }
    gathered.sort_by(|a, b| {
        let positions = a
            .group
            .key
            .iter()
            .zip(&b.group.key)
            .zip(a.orders.iter().zip(&b.orders));
        for ((left, right), orders) in positions {
            let order = match (left.is_none(), right.is_none(), orders) {
                (false, false, (Some(l), Some(r))) => l.cmp(r),
                _ => compare(left, right),
            };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    gathered.into_iter().map(|g| g.group).collect()
}

/// Adds `other`'s answers to `group`.
fn merge(group: &mut GroupFigures, other: &GroupFigures) {
    let mut histogram: Histogram = group.histogram;
    histogram.merge(&other.histogram);
    group.histogram = histogram;
    group.figures = NpsFigures::from_histogram(&histogram);
    group.sum = match (group.sum, other.sum) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use jiff::tz::TimeZone;
    use vouch_core::{AttributeValue, Banding, Score};
    use vouch_store::{ContactId, ResponseId, StoredResponse, SurveyId};

    use crate::report::build_report;
    use crate::{Query, QueryError, ResponseIndex};

    /// 100 answers: `mrr` 1..=100 (promoters from 51 up, detractors below 26), `signed_up`
    /// in January to April 2026, `plan` a text.
    fn index() -> ResponseIndex {
        let responses: Vec<StoredResponse> = (1..=100)
            .map(|n: i64| StoredResponse {
                id: ResponseId(n),
                survey: SurveyId(1),
                contact: ContactId(n),
                score: Score::new(match n {
                    51.. => 10,
                    26..=50 => 7,
                    _ => 2,
                })
                .unwrap(),
                comment: None,
                created_at: jiff::Timestamp::from_second(1_770_000_000 + n).unwrap(),
                channel: "api".into(),
                attributes: BTreeMap::from([
                    ("mrr".to_owned(), AttributeValue::Number(n as f64)),
                    (
                        "signed_up".to_owned(),
                        AttributeValue::Date(jiff::civil::date(2026, ((n - 1) / 25 + 1) as i8, 3)),
                    ),
                    ("plan".to_owned(), AttributeValue::String("pro".into())),
                ]),
            })
            .collect();
        let mut index = ResponseIndex::new(TimeZone::UTC);
        index.append(&responses);
        index
    }

    fn banded(index: &ResponseIndex, by: &str, banding: Banding) -> Vec<(String, u64, f64)> {
        let query = Query {
            group_by: vec![by.into()],
            bands: vec![(by.into(), banding)],
            ..Query::default()
        };
        let plan = index.plan(&query).unwrap();
        let report = build_report(index, &plan, &index.run(&plan));
        report
            .groups
            .unwrap()
            .into_iter()
            .map(|group| {
                let label = group.key[0]
                    .as_ref()
                    .map(|v| v.canonical())
                    .unwrap_or_default();
                (label, group.figures.responses, group.figures.nps.unwrap())
            })
            .collect()
    }

    #[test]
    fn numbers_group_in_quartiles_with_exact_figures() {
        let bands = banded(&index(), "mrr", Banding::Quartiles);
        assert_eq!(
            bands,
            [
                ("[1, 26)".to_owned(), 25, -100.0),
                ("[26, 51)".to_owned(), 25, 0.0),
                ("[51, 76)".to_owned(), 25, 100.0),
                ("[76, 100]".to_owned(), 25, 100.0),
            ]
        );
    }

    #[test]
    fn dates_group_by_month_or_quarter_in_calendar_order() {
        let months = banded(&index(), "signed_up", Banding::Month);
        let labels: Vec<&str> = months.iter().map(|(label, _, _)| label.as_str()).collect();
        assert_eq!(labels, ["2026-01", "2026-02", "2026-03", "2026-04"]);
        let quarters = banded(&index(), "signed_up", Banding::Quarter);
        assert_eq!(
            quarters
                .iter()
                .map(|(l, n, _)| (l.as_str(), *n))
                .collect::<Vec<_>>(),
            [("2026-Q1", 75), ("2026-Q2", 25)]
        );
    }

    #[test]
    fn a_banding_of_another_kind_is_refused_by_name() {
        let index = index();
        let query = Query {
            group_by: vec!["plan".into()],
            bands: vec![("plan".into(), Banding::Quartiles)],
            ..Query::default()
        };
        let error = index.plan(&query).unwrap_err();
        assert!(matches!(error, QueryError::BandingDoesNotFit { .. }));
        assert!(
            error.to_string().contains("\"plan\" is not a number"),
            "{error}"
        );
    }
}
