//! Crossing the index's selection with the follow-up filters the store keeps (status,
//! assignee, tag): the ids of one inbox page, newest first, below a cursor.
//!
//! An inclusion is walked from the newest wanted id down: for each wanted id the index says
//! whether it is selected, jumping over runs of ids it does not select, so a page costs about
//! as many index probes as it lists.

use std::collections::HashSet;

use vouch_store::ResponseId;

use crate::index::ResponseIndex;
use crate::query::QueryPlan;

/// The most ids reserved up front: a caller asking for every id (the anonymity rules count a
/// whole selection) does not reserve room for every row of the index.
const PAGE_CAPACITY: usize = 1_024;

/// What the follow-up filters allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FollowUp {
    /// No follow-up filter.
    Any,
    /// Only these responses (ascending ids).
    Only(Vec<ResponseId>),
    /// Every response but these.
    Except(HashSet<ResponseId>),
}

/// Up to `limit` ids the plan selects and the follow-up allows, newest first, below `before`.
pub fn page_ids(
    index: &ResponseIndex,
    plan: &QueryPlan,
    follow_up: &FollowUp,
    before: Option<ResponseId>,
    limit: usize,
) -> Vec<ResponseId> {
    match follow_up {
        FollowUp::Any => index.newest_ids(plan, before, limit),
        FollowUp::Except(excluded) => {
            let mut found = Vec::with_capacity(limit.min(PAGE_CAPACITY));
            let mut cursor = before;
            let batch = (limit * 2).max(64);
            while found.len() < limit {
                let ids = index.newest_ids(plan, cursor, batch);
                let exhausted = ids.len() < batch;
                cursor = ids.last().copied();
                found.extend(ids.into_iter().filter(|id| !excluded.contains(id)));
                if exhausted {
                    break;
                }
            }
            found.truncate(limit);
            found
        }
        FollowUp::Only(wanted) => {
            let mut found = Vec::with_capacity(limit.min(PAGE_CAPACITY));
            let mut cursor = before;
            while found.len() < limit {
                let below = match cursor {
                    Some(cursor) => wanted.partition_point(|id| *id < cursor),
                    None => wanted.len(),
                };
                let Some(&candidate) = below.checked_sub(1).and_then(|at| wanted.get(at)) else {
                    break;
                };
                // The newest selected id at or below the candidate.
                let probe = ResponseId(candidate.0.saturating_add(1));
                match index.newest_ids(plan, Some(probe), 1).first() {
                    None => break,
                    Some(&selected) if selected == candidate => {
                        found.push(candidate);
                        cursor = Some(candidate);
                    }
                    // Nothing between `selected` and the candidate is selected: go on below.
                    Some(&selected) => cursor = Some(ResponseId(selected.0.saturating_add(1))),
                }
            }
            found
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use crate::Query;
    use jiff::tz::TimeZone;
    use vouch_core::{AttributeValue, Score};
    use vouch_store::{ContactId, StoredResponse, SurveyId};

    use super::*;

    fn index(rows: i64) -> ResponseIndex {
        let mut index = ResponseIndex::new(TimeZone::UTC);
        let responses: Vec<StoredResponse> = (1..=rows)
            .map(|id| StoredResponse {
                id: ResponseId(id),
                survey: SurveyId(1),
                contact: ContactId(id),
                score: Score::new(id % 11).unwrap(),
                comment: None,
                created_at: jiff::Timestamp::from_second(1_700_000_000 + id).unwrap(),
                channel: "api".into(),
                attributes: BTreeMap::from([(
                    "plan".to_owned(),
                    AttributeValue::String(if id % 3 == 0 { "pro" } else { "free" }.into()),
                )]),
            })
            .collect();
        index.append(&responses);
        index
    }

    fn ids(found: Vec<ResponseId>) -> Vec<i64> {
        found.into_iter().map(|id| id.0).collect()
    }

    #[test]
    fn an_inclusion_lists_wanted_ids_the_index_selects_newest_first() {
        let index = index(1_000);
        let query = Query {
            filters: vec![("plan".into(), vec!["pro".into()])],
            ..Query::default()
        };
        let plan = index.plan(&query).unwrap();
        let wanted = FollowUp::Only((1..=1_000).step_by(7).map(ResponseId).collect());
        // Multiples of 3 (pro) that are 1 more than a multiple of 7: 981, 960, …
        let expected: Vec<i64> = (1..=1_000)
            .rev()
            .filter(|id| id % 3 == 0 && id % 7 == 1)
            .collect();
        assert_eq!(
            ids(page_ids(&index, &plan, &wanted, None, 5)),
            expected[..5]
        );
        let cursor = Some(ResponseId(expected[4]));
        assert_eq!(
            ids(page_ids(&index, &plan, &wanted, cursor, 3)),
            expected[5..8]
        );
        let all = ids(page_ids(&index, &plan, &wanted, None, 10_000));
        assert_eq!(all, expected);
        let none = FollowUp::Only(Vec::new());
        assert!(page_ids(&index, &plan, &none, None, 5).is_empty());
    }

    #[test]
    fn an_exclusion_skips_its_ids_across_batches() {
        let index = index(500);
        let plan = index.plan(&Query::default()).unwrap();
        let excluded: HashSet<ResponseId> = (300..=500).map(ResponseId).collect();
        let found = page_ids(&index, &plan, &FollowUp::Except(excluded), None, 3);
        assert_eq!(ids(found), [299, 298, 297]);
        let found = page_ids(&index, &plan, &FollowUp::Any, Some(ResponseId(3)), 5);
        assert_eq!(ids(found), [2, 1]);
    }
}
