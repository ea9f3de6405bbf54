//! The revenue calculator: each contact's value (a number attribute such as `mrr`, 0 when
//! missing) summed by the category of its latest answer, for the whole selection and per group.

use vouch_core::Category;
use vouch_core::revenue::RevenueFigures;

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};

/// Contacts and summed value of one category.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CategoryValue {
    /// Contacts whose latest answer is in the category.
    pub contacts: u64,
    /// Their summed value.
    pub value: f64,
}

/// The value of a set of contacts by category.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct ValueSplit {
    /// All contacts.
    pub contacts: u64,
    /// Detractors (0–6).
    pub detractors: CategoryValue,
    /// Passives (7–8).
    pub passives: CategoryValue,
    /// Promoters (9–10).
    pub promoters: CategoryValue,
}

impl ValueSplit {
    fn add(&mut self, category: Category, value: f64) {
        self.contacts += 1;
        let part = match category {
            Category::Detractor => &mut self.detractors,
            Category::Passive => &mut self.passives,
            Category::Promoter => &mut self.promoters,
        };
        part.contacts += 1;
        part.value += value;
    }

    /// The summed values, for `vouch_core::revenue`'s formulas.
    pub fn figures(&self) -> RevenueFigures {
        RevenueFigures {
            detractor_value: self.detractors.value,
            passive_value: self.passives.value,
            promoter_value: self.promoters.value,
        }
    }
}

/// The revenue figures of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct RevenueReport {
    /// The whole selection.
    pub total: ValueSplit,
    /// Per value of the `by` attribute (bands for numbers and dates), in value order.
    pub groups: Vec<(String, ValueSplit)>,
}

/// The revenue figures of `query`'s selection with each contact's value read from
/// `value_attribute` (a number attribute) at its latest answer, grouped by `by` if given.
pub fn revenue(
    index: &ResponseIndex,
    query: &Query,
    value_attribute: &str,
    by: Option<&str>,
) -> Result<RevenueReport, QueryError> {
    let plan = index.plan(query)?;
    let value_column = index.number_column(value_attribute);
    // A value attribute no answer carries yet counts 0 for everyone; one of another kind is
    // an error.
    let value_column = match value_column {
        Ok(column) => Some(column),
        Err(QueryError::UnknownAttribute(_)) => None,
        Err(error) => return Err(error),
    };
    let by_column = by.map(|name| index.attribute_column(name)).transpose()?;
    let answers = index.latest_per_contact(&plan);
    let rows = &answers.latest;
    let value_of = |row: u32| value_column.map_or(0.0, |column| index.number_at(column, row));
    let mut total = ValueSplit::default();
    for &row in rows {
        total.add(index.score_at(row).category(), value_of(row));
    }
    let groups = match by_column {
        None => Vec::new(),
        Some(column) => {
            let groups = index.value_groups(column, rows);
            let mut splits = vec![ValueSplit::default(); groups.labels.len()];
            for (&row, group) in rows.iter().zip(&groups.group_of_row) {
                if let Some(group) = group {
                    splits[*group].add(index.score_at(row).category(), value_of(row));
                }
            }
            groups.labels.into_iter().zip(splits).collect()
        }
    };
    Ok(RevenueReport { total, groups })
}

/// The revenue-weighted NPS of the selection's answers: each answer weighted by the value its
/// contact carried when answering (`value_attribute`, a number; 0 when missing), as
/// `vouch_core::revenue::weighted_nps`. `None` when no answer carries a value.
pub fn revenue_weighted_nps(
    index: &ResponseIndex,
    query: &Query,
    value_attribute: &str,
) -> Result<Option<f64>, QueryError> {
    let mut base = query.clone();
    base.group_by.clear();
    base.bands.clear();
    base.interval = None;
    base.sum_of = Some(value_attribute.to_owned());
    let summed = |scores: std::ops::RangeInclusive<usize>| -> Result<f64, QueryError> {
        let mut narrowed = base.clone();
        let mut allowed = query.scores.unwrap_or([true; 11]);
        for (score, keep) in allowed.iter_mut().enumerate() {
            *keep &= scores.contains(&score);
        }
        narrowed.scores = Some(allowed);
        Ok(index.run(&index.plan(&narrowed)?).total_sum)
    };
    let total = summed(0..=10)?;
    let promoters = summed(9..=10)?;
    let detractors = summed(0..=6)?;
    Ok(vouch_core::revenue::weighted_nps(
        promoters, detractors, total,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn values_sum_per_category_of_each_contacts_latest_answer() {
        let index = index_of(&[
            answer(1, 1, 10, "2025-06-01", &[("mrr", "999"), ("plan", "pro")]),
            answer(2, 1, 2, "2026-01-01", &[("mrr", "100"), ("plan", "pro")]),
            answer(3, 2, 8, "2026-01-01", &[("mrr", "50"), ("plan", "free")]),
            answer(4, 3, 9, "2026-01-01", &[("plan", "free")]),
        ]);
        let report = revenue(&index, &Query::default(), "mrr", Some("plan")).expect("revenue");
        assert_eq!(report.total.contacts, 3);
        assert_eq!(
            report.total.detractors,
            CategoryValue {
                contacts: 1,
                value: 100.0
            }
        );
        assert_eq!(
            report.total.passives,
            CategoryValue {
                contacts: 1,
                value: 50.0
            }
        );
        assert_eq!(
            report.total.promoters,
            CategoryValue {
                contacts: 1,
                value: 0.0
            }
        );
        let groups: Vec<(&str, u64)> = report
            .groups
            .iter()
            .map(|(key, split)| (key.as_str(), split.contacts))
            .collect();
        assert_eq!(groups, vec![("pro", 1), ("free", 2)]);
        assert_eq!(
            revenue(&index, &Query::default(), "plan", None),
            Err(QueryError::NotANumber("plan".into()))
        );
        let nothing = revenue(&index, &Query::default(), "arr", None).expect("revenue");
        assert_eq!(nothing.total.detractors.value, 0.0);
    }

    #[test]
    fn the_weighted_nps_weighs_every_answer_by_its_value_then() {
        let index = index_of(&[
            answer(1, 1, 10, "2025-06-01", &[("mrr", "900")]),
            answer(2, 1, 2, "2026-01-01", &[("mrr", "100")]),
            answer(3, 2, 8, "2026-01-01", &[("mrr", "50")]),
            answer(4, 3, 9, "2026-01-01", &[]),
        ]);
        // Every answer counts, with the value it carried: (900 − 100) / 1 050.
        let nps = revenue_weighted_nps(&index, &Query::default(), "mrr").expect("figure");
        assert!((nps.expect("a figure") - 100.0 * 800.0 / 1050.0).abs() < 1e-9);
        // A score filter narrows it: detractors alone weigh −100.
        let detractors = Query {
            scores: Some(std::array::from_fn(|score| score <= 6)),
            ..Query::default()
        };
        let nps = revenue_weighted_nps(&index, &detractors, "mrr").expect("figure");
        assert_eq!(nps, Some(-100.0));
        let none = Query {
            scores: Some(std::array::from_fn(|score| score == 9)),
            ..Query::default()
        };
        assert_eq!(
            revenue_weighted_nps(&index, &none, "mrr").expect("figure"),
            None
        );
    }
}
