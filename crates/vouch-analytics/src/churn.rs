//! Score against churn: how often promoters, passives and detractors left after answering,
//! and how well the score alone ranks who left. A contact churned when the date attribute
//! `churned_at` its latest answer carries falls within `within_days` days from that answer.

use vouch_core::period::day_of_date;
use vouch_core::share::{Share, score_auc, wilson};
use vouch_core::{AttributeKind, AttributeValue, Category};

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};

/// The attribute that says when a contact left.
pub const CHURNED_AT: &str = "churned_at";

/// The days after an answer a churn is counted within, unless asked otherwise.
pub const DEFAULT_WITHIN_DAYS: u32 = 180;

/// The longest window one may ask for (ten years).
pub const MAX_WITHIN_DAYS: u32 = 3_653;

/// Why a churn report cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ChurnError {
    /// The window is not between 1 and [`MAX_WITHIN_DAYS`] days.
    #[error("within_days must be a whole number of days from 1 to {MAX_WITHIN_DAYS}, not {0}")]
    Window(i64),
    /// `churned_at` is not a date attribute.
    #[error("the attribute churned_at must hold dates, but it holds {0} values")]
    NotADate(&'static str),
    /// The selection could not be planned.
    #[error(transparent)]
    Query(#[from] QueryError),
}

/// One category's churn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CategoryChurn {
    /// The category.
    pub category: Category,
    /// Contacts whose latest answer is in it.
    pub contacts: u64,
    /// Of which churned within the window.
    pub churned: u64,
    /// `churned / contacts` with its Wilson interval (`None` without contacts).
    pub rate: Option<Share>,
}

/// The churn report of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct ChurnReport {
    /// The window, in days after the latest answer.
    pub within_days: u32,
    /// Promoters, passives and detractors, in that order.
    pub categories: [CategoryChurn; 3],
    /// How well a low score ranks those who churned (0.5 = chance); `None` unless some
    /// churned and some did not.
    pub auc: Option<f64>,
}

/// Checks a window given by a user.
pub fn check_window(days: i64) -> Result<u32, ChurnError> {
    match u32::try_from(days) {
        Ok(days) if (1..=MAX_WITHIN_DAYS).contains(&days) => Ok(days),
        _ => Err(ChurnError::Window(days)),
    }
}

/// The churn report of `query`'s selection.
pub fn churn(
    index: &ResponseIndex,
    query: &Query,
    within_days: u32,
) -> Result<ChurnReport, ChurnError> {
    let plan = index.plan(query)?;
    let column = match index.attribute_column(CHURNED_AT) {
        Ok(column) => Some(column),
        Err(QueryError::UnknownAttribute(_)) => None,
        Err(error) => return Err(error.into()),
    };
    if let Some(column) = column {
        let kind = index.attributes[column].kind;
        if kind != AttributeKind::Date {
            return Err(ChurnError::NotADate(kind.as_str()));
        }
    }
    let answers = index.latest_per_contact(&plan);
    let mut churned = [0u64; 11];
    let mut stayed = [0u64; 11];
    for &row in &answers.latest {
        let left = column
            .and_then(|column| match index.value_at(column, row) {
                Some(AttributeValue::Date(date)) => Some(day_of_date(*date)),
                _ => None,
            })
            .is_some_and(|day| {
                let answered = index.day_at(row);
                day >= answered && i64::from(day) < i64::from(answered) + i64::from(within_days)
            });
        let score = usize::from(index.score_at(row).value());
        match left {
            true => churned[score] += 1,
            false => stayed[score] += 1,
        }
    }
    let category = |category: Category, scores: std::ops::RangeInclusive<usize>| {
        let churned: u64 = churned[scores.clone()].iter().sum();
        let contacts = churned + stayed[scores].iter().sum::<u64>();
        CategoryChurn {
            category,
            contacts,
            churned,
            rate: wilson(churned, contacts),
        }
    };
    Ok(ChurnReport {
        within_days,
        categories: [
            category(Category::Promoter, 9..=10),
            category(Category::Passive, 7..=8),
            category(Category::Detractor, 0..=6),
        ],
        auc: score_auc(&churned, &stayed),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn a_contact_churned_when_churned_at_falls_in_the_window_after_its_latest_answer() {
        let index = index_of(&[
            answer(1, 1, 2, "2026-01-01", &[("churned_at", "2026-02-01")]),
            answer(2, 2, 3, "2026-01-01", &[("churned_at", "2027-01-01")]),
            answer(3, 3, 10, "2026-01-01", &[]),
            answer(4, 4, 9, "2026-01-01", &[("churned_at", "2026-01-10")]),
            answer(5, 5, 8, "2026-01-01", &[("churned_at", "2025-12-01")]),
        ]);
        let report = churn(&index, &Query::default(), 180).expect("churn");
        let counts: Vec<(u64, u64)> = report
            .categories
            .iter()
            .map(|category| (category.contacts, category.churned))
            .collect();
        assert_eq!(counts, vec![(2, 1), (1, 0), (2, 1)]);
        // Churners scored 2 and 9; stayers 3, 8 and 10: the churner scored lower in 4 of the
        // 6 pairs.
        let auc = report.auc.expect("an auc");
        assert!((auc - 4.0 / 6.0).abs() < 1e-12, "{auc}");
        assert_eq!(check_window(0), Err(ChurnError::Window(0)));
        assert_eq!(check_window(180), Ok(180));
        let bad = index_of(&[answer(1, 1, 2, "2026-01-01", &[("churned_at", "true")])]);
        assert_eq!(
            churn(&bad, &Query::default(), 30),
            Err(ChurnError::NotADate("boolean"))
        );
    }
}
