//! Crossing the index's selection with the follow-up filters the store keeps (status,
//! assignee, tag): one inbox page, latest answer first, below a cursor, and the count of all.
//!
//! An inclusion (the few responses with a status, an assignee or a tag) is read from its own
//! ids: each is looked up in the index, so a page costs about as many probes as the inclusion
//! holds. An exclusion is a test on each row the index reads.

use std::collections::HashSet;

use vouch_store::ResponseId;

use crate::index::ResponseIndex;
use crate::listing::ListPosition;
use crate::query::QueryPlan;

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

/// Up to `limit` positions the plan selects and the follow-up allows, latest answer first,
/// below `before`.
pub fn page(
    index: &ResponseIndex,
    plan: &QueryPlan,
    follow_up: &FollowUp,
    before: Option<ListPosition>,
    limit: usize,
) -> Vec<ListPosition> {
    match follow_up {
        FollowUp::Any => index.newest(plan, |_| true, before, limit),
        FollowUp::Except(excluded) => index.newest(
            plan,
            |row| !excluded.contains(&index.position(row).id),
            before,
            limit,
        ),
        FollowUp::Only(wanted) => {
            let mut found: Vec<ListPosition> = wanted
                .iter()
                .filter_map(|id| index.row_of(*id))
                .filter(|row| index.selects(plan, *row))
                .map(|row| index.position(row))
                .filter(|position| before.is_none_or(|before| *position < before))
                .collect();
            found.sort_unstable_by(|a, b| b.cmp(a));
            found.truncate(limit);
            found
        }
    }
}

/// The position listed just before `after` (the next newer answer) that the plan selects and
/// the follow-up allows.
pub(crate) fn above(
    index: &ResponseIndex,
    plan: &QueryPlan,
    follow_up: &FollowUp,
    after: ListPosition,
) -> Option<ListPosition> {
    match follow_up {
        FollowUp::Any => index.nearest_above(plan, |_| true, after),
        FollowUp::Except(excluded) => index.nearest_above(
            plan,
            |row| !excluded.contains(&index.position(row).id),
            after,
        ),
        FollowUp::Only(wanted) => wanted
            .iter()
            .filter_map(|id| index.row_of(*id))
            .filter(|row| index.selects(plan, *row))
            .map(|row| index.position(row))
            .filter(|position| *position > after)
            .min(),
    }
}

/// Every row the plan selects and the follow-up allows, in row order.
pub(crate) fn rows(index: &ResponseIndex, plan: &QueryPlan, follow_up: &FollowUp) -> Vec<usize> {
    match follow_up {
        FollowUp::Any => index.selected_rows_where(plan, |_| true),
        FollowUp::Except(excluded) => {
            index.selected_rows_where(plan, |row| !excluded.contains(&index.position(row).id))
        }
        FollowUp::Only(wanted) => {
            let mut rows: Vec<usize> = wanted
                .iter()
                .filter_map(|id| index.row_of(*id))
                .filter(|row| index.selects(plan, *row))
                .collect();
            rows.sort_unstable();
            rows.dedup();
            rows
        }
    }
}

/// How many responses the plan selects and the follow-up allows.
pub fn count(index: &ResponseIndex, plan: &QueryPlan, follow_up: &FollowUp) -> u64 {
    match follow_up {
        // The engine counts from its chunk summaries where it can.
        FollowUp::Any => index.run(plan).total.responses(),
        FollowUp::Except(excluded) => {
            let left_out = excluded
                .iter()
                .filter_map(|id| index.row_of(*id))
                .filter(|row| index.selects(plan, *row))
                .count() as u64;
            index.run(plan).total.responses().saturating_sub(left_out)
        }
        FollowUp::Only(_) => rows(index, plan, follow_up).len() as u64,
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

    fn ids(found: Vec<ListPosition>) -> Vec<i64> {
        found.into_iter().map(|position| position.id.0).collect()
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
        assert_eq!(ids(page(&index, &plan, &wanted, None, 5)), expected[..5]);
        let cursor = index.position_of(ResponseId(expected[4]));
        assert_eq!(ids(page(&index, &plan, &wanted, cursor, 3)), expected[5..8]);
        let all = ids(page(&index, &plan, &wanted, None, 10_000));
        assert_eq!(all, expected);
        assert_eq!(count(&index, &plan, &wanted), expected.len() as u64);
        let none = FollowUp::Only(Vec::new());
        assert!(page(&index, &plan, &none, None, 5).is_empty());
    }

    #[test]
    fn an_exclusion_skips_its_ids_across_batches() {
        let index = index(500);
        let plan = index.plan(&Query::default()).unwrap();
        let excluded: HashSet<ResponseId> = (300..=500).map(ResponseId).collect();
        let found = page(&index, &plan, &FollowUp::Except(excluded), None, 3);
        assert_eq!(ids(found), [299, 298, 297]);
        let except = FollowUp::Except((300..=500).map(ResponseId).collect());
        assert_eq!(count(&index, &plan, &except), 299);
        assert_eq!(rows(&index, &plan, &except).len(), 299);
        assert_eq!(count(&index, &plan, &FollowUp::Any), 500);
        let found = page(
            &index,
            &plan,
            &FollowUp::Any,
            index.position_of(ResponseId(3)),
            5,
        );
        assert_eq!(ids(found), [2, 1]);
    }
}
