//! The analytics query that filters select.

use std::collections::BTreeMap;

use jiff::Timestamp;
use vouch_analytics::Query;
use vouch_core::Category;
use vouch_store::SurveyId;

use super::Filters;

impl Filters {
    /// The analytics query of these filters over `surveys` between `from` and `to`.
    pub(crate) fn query(
        &self,
        surveys: Vec<SurveyId>,
        from: Option<Timestamp>,
        to: Option<Timestamp>,
    ) -> Query {
        let mut grouped: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in &self.wheres {
            grouped.entry(name.clone()).or_default().push(value.clone());
        }
        Query {
            surveys,
            from,
            to,
            filters: grouped.into_iter().collect(),
            channels: self.channel.iter().cloned().collect(),
            text: self.text.clone(),
            scores: self.category.map(category_scores),
            rows: self.rows.clone(),
            ..Query::default()
        }
    }
}

/// The scores of a category, as a query's score mask.
fn category_scores(category: Category) -> [bool; 11] {
    std::array::from_fn(|score| {
        let score = i64::try_from(score).unwrap_or(0);
        vouch_core::Score::new(score).is_ok_and(|score| score.category() == category)
    })
}
