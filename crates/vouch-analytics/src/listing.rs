//! Listing the responses a plan selects, latest answer first, a page at a time.
//!
//! Reports count; an inbox lists. Both select with the same [`QueryPlan`], so a list filtered
//! by survey, time range, attribute values, a word and scores holds exactly the responses a
//! report with the same filters counts.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::str::FromStr;

use vouch_store::ResponseId;

use crate::index::{CHUNK_ROWS, ResponseIndex};
use crate::query::QueryPlan;

/// A place in the order answers are listed in: the latest answer time first and, among
/// answers of the same millisecond, the larger id first. A page ends at the position of its
/// last answer, and the next page lists what lies below it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ListPosition {
    /// When the answer was given, in milliseconds since the epoch.
    pub answered_ms: i64,
    /// The response.
    pub id: ResponseId,
}

impl fmt::Display for ListPosition {
    /// `1767225600000.42`: the answer time in milliseconds, a dot, the id.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.answered_ms, self.id.0)
    }
}

/// A list cursor that is not one this module wrote.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a list position: expected the answer time in milliseconds, a dot and the id")]
pub struct BadPosition;

impl FromStr for ListPosition {
    type Err = BadPosition;

    fn from_str(text: &str) -> Result<ListPosition, BadPosition> {
        let (answered_ms, id) = text.split_once('.').ok_or(BadPosition)?;
        let answered_ms = answered_ms.parse().map_err(|_| BadPosition)?;
        let id = id
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0)
            .ok_or(BadPosition)?;
        Ok(ListPosition {
            answered_ms,
            id: ResponseId(id),
        })
    }
}

/// The `limit` greatest positions pushed, kept as a min-heap.
struct Newest {
    heap: BinaryHeap<Reverse<ListPosition>>,
    limit: usize,
}

impl Newest {
    fn new(limit: usize) -> Newest {
        Newest {
            heap: BinaryHeap::with_capacity(limit.min(1_024) + 1),
            limit,
        }
    }

    /// The answer time below which nothing can enter any more.
    fn floor_ms(&self) -> Option<i64> {
        (self.heap.len() == self.limit).then(|| self.heap.peek().map(|r| r.0.answered_ms))?
    }

    fn push(&mut self, position: ListPosition) {
        self.heap.push(Reverse(position));
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
    }

    /// Newest first.
    fn into_positions(self) -> Vec<ListPosition> {
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect()
    }
}

impl ResponseIndex {
    /// The list position of a row.
    pub(crate) fn position(&self, row: usize) -> ListPosition {
        ListPosition {
            answered_ms: self.created_ms[row],
            id: ResponseId(self.ids[row]),
        }
    }

    /// The row holding a response, if the index holds it.
    pub(crate) fn row_of(&self, id: ResponseId) -> Option<usize> {
        self.ids.binary_search(&id.0).ok()
    }

    /// The list position of a response the index holds.
    pub fn position_of(&self, id: ResponseId) -> Option<ListPosition> {
        self.row_of(id).map(|row| self.position(row))
    }

    /// The positions of up to `limit` live responses the plan selects and `accept` keeps (it
    /// is given rows), latest answer first, all below `before` when given: pass the last
    /// position of a page to get the next one.
    ///
    /// Grouping, interval and sum of the plan play no part. Chunks are read from the one
    /// holding the latest answer down, and reading stops once no further chunk holds an
    /// answer late enough for the page, so history imported in any order lists by answer
    /// time. Chunks outside the plan's days are skipped; with a word filter only the rows
    /// holding the word are read.
    pub fn newest(
        &self,
        plan: &QueryPlan,
        accept: impl Fn(usize) -> bool,
        before: Option<ListPosition>,
        limit: usize,
    ) -> Vec<ListPosition> {
        let mut newest = Newest::new(limit);
        if plan.matches_nothing || limit == 0 {
            return Vec::new();
        }
        let consider = |row: usize, newest: &mut Newest| {
            let answered_ms = self.created_ms[row];
            if newest.floor_ms().is_some_and(|floor| answered_ms < floor) {
                return;
            }
            let position = self.position(row);
            if before.is_some_and(|before| position >= before) {
                return;
            }
            if self.row_selected(plan, row) && accept(row) {
                newest.push(position);
            }
        };
        match &plan.text_rows {
            Some(rows) => {
                for row in rows {
                    consider(row as usize, &mut newest);
                }
            }
            None => {
                for chunk_index in self.chunks_latest_first() {
                    let chunk = &self.chunks[chunk_index];
                    if newest.floor_ms().is_some_and(|floor| chunk.max_ms < floor) {
                        break;
                    }
                    let after_cursor = before.is_some_and(|b| chunk.min_ms > b.answered_ms);
                    let outside = plan.from.is_some_and(|(day, _)| chunk.max_day < day)
                        || plan.to.is_some_and(|(day, _)| chunk.min_day > day);
                    if after_cursor || outside {
                        continue;
                    }
                    let start = chunk_index * CHUNK_ROWS;
                    let end = (start + CHUNK_ROWS).min(self.ids.len());
                    for row in start..end {
                        consider(row, &mut newest);
                    }
                }
            }
        }
        newest.into_positions()
    }

    /// The position just above `after` (the answer listed right before it) among the live
    /// responses the plan selects and `accept` keeps.
    pub(crate) fn nearest_above(
        &self,
        plan: &QueryPlan,
        accept: impl Fn(usize) -> bool,
        after: ListPosition,
    ) -> Option<ListPosition> {
        if plan.matches_nothing {
            return None;
        }
        let mut best: Option<ListPosition> = None;
        let consider = |row: usize, best: &mut Option<ListPosition>| {
            let position = self.position(row);
            if position <= after || best.is_some_and(|best| position >= best) {
                return;
            }
            if self.row_selected(plan, row) && accept(row) {
                *best = Some(position);
            }
        };
        match &plan.text_rows {
            Some(rows) => rows
                .iter()
                .for_each(|row| consider(row as usize, &mut best)),
            None => {
                for (chunk_index, chunk) in self.chunks.iter().enumerate() {
                    let too_late = best.is_some_and(|best| chunk.min_ms > best.answered_ms);
                    if chunk.max_ms < after.answered_ms || too_late {
                        continue;
                    }
                    let start = chunk_index * CHUNK_ROWS;
                    let end = (start + CHUNK_ROWS).min(self.ids.len());
                    (start..end).for_each(|row| consider(row, &mut best));
                }
            }
        }
        best
    }

    /// The chunks, the one holding the latest answer first.
    fn chunks_latest_first(&self) -> Vec<usize> {
        let mut order: Vec<usize> = (0..self.chunks.len()).collect();
        order.sort_unstable_by_key(|&chunk| Reverse(self.chunks[chunk].max_ms));
        order
    }

    /// Every live row the plan selects and `accept` keeps, in row order.
    pub(crate) fn selected_rows_where(
        &self,
        plan: &QueryPlan,
        accept: impl Fn(usize) -> bool,
    ) -> Vec<usize> {
        self.selected_rows(plan)
            .into_iter()
            .map(|row| row as usize)
            .filter(|&row| accept(row))
            .collect()
    }

    /// True when the plan selects this row (it is live and passes every filter).
    pub(crate) fn selects(&self, plan: &QueryPlan, row: usize) -> bool {
        !plan.matches_nothing && self.row_selected(plan, row)
    }

    /// True when the plan's filters keep this row and it was not erased.
    fn row_selected(&self, plan: &QueryPlan, row: usize) -> bool {
        if self.deleted.contains(row as u32) {
            return false;
        }
        if let Some(allowed) = &plan.surveys
            && !allowed[self.surveys[row] as usize]
        {
            return false;
        }
        let (day, created) = (self.days[row], self.created_ms[row]);
        if let Some((from_day, from_ms)) = plan.from
            && (day < from_day || (day == from_day && created < from_ms))
        {
            return false;
        }
        if let Some((to_day, to_ms)) = plan.to
            && (day > to_day || (day == to_day && created >= to_ms))
        {
            return false;
        }
        if let Some(allowed) = &plan.scores
            && !allowed[usize::from(self.scores[row])]
        {
            return false;
        }
        if let Some(allowed) = &plan.channels
            && !allowed[usize::from(self.channels[row])]
        {
            return false;
        }
        if let Some(rows) = &plan.text_rows
            && !rows.contains(row as u32)
        {
            return false;
        }
        plan.filters
            .iter()
            .all(|(column, allowed)| allowed[self.attributes[*column].codes[row] as usize])
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use jiff::Timestamp;
    use jiff::tz::TimeZone;
    use vouch_core::{AttributeValue, Score};
    use vouch_store::{ContactId, Deletion, ResponseId, StoredResponse, SurveyId};

    use crate::{Query, ResponseIndex};

    /// Response `id` to survey 1 or 2, given on day `id` of March 2026, with a plan, a score
    /// and sometimes a comment.
    fn response(
        id: i64,
        survey: i64,
        plan: &str,
        score: i64,
        comment: Option<&str>,
    ) -> StoredResponse {
        let created_at: Timestamp = format!("2026-03-{:02}T12:00:00Z", id).parse().unwrap();
        StoredResponse {
            id: ResponseId(id),
            survey: SurveyId(survey),
            contact: ContactId(id),
            score: Score::new(score).unwrap(),
            comment: comment.map(str::to_owned),
            created_at,
            channel: "api".into(),
            attributes: BTreeMap::from([("plan".to_owned(), AttributeValue::String(plan.into()))]),
        }
    }

    fn index() -> ResponseIndex {
        let mut index = ResponseIndex::new(TimeZone::UTC);
        index.append(&[
            response(1, 1, "pro", 10, Some("Love the support")),
            response(2, 1, "free", 3, Some("too slow")),
            response(3, 2, "pro", 9, None),
            response(4, 1, "pro", 6, Some("support was slow")),
            response(5, 1, "free", 8, None),
            response(6, 1, "pro", 9, Some("support rocks")),
        ]);
        index
    }

    fn ids(index: &ResponseIndex, query: &Query, before: Option<i64>, limit: usize) -> Vec<i64> {
        let plan = index.plan(query).unwrap();
        let before = before.map(|id| index.position_of(ResponseId(id)).unwrap());
        index
            .newest(&plan, |_| true, before, limit)
            .into_iter()
            .map(|position| position.id.0)
            .collect()
    }

    #[test]
    fn responses_are_listed_newest_first_in_pages_below_a_cursor() {
        let index = index();
        let all = Query::default();
        assert_eq!(ids(&index, &all, None, 10), [6, 5, 4, 3, 2, 1]);
        assert_eq!(ids(&index, &all, None, 2), [6, 5]);
        assert_eq!(ids(&index, &all, Some(5), 2), [4, 3]);
        assert_eq!(ids(&index, &all, Some(1), 2), Vec::<i64>::new());
        assert_eq!(ids(&index, &all, None, 0), Vec::<i64>::new());
    }

    #[test]
    fn a_listing_keeps_what_a_report_with_the_same_filters_counts() {
        let index = index();
        let pro_of_survey_one = Query {
            surveys: vec![SurveyId(1)],
            filters: vec![("plan".into(), vec!["pro".into()])],
            ..Query::default()
        };
        assert_eq!(ids(&index, &pro_of_survey_one, None, 10), [6, 4, 1]);
        let word = Query {
            text: Some("Support".into()),
            ..Query::default()
        };
        assert_eq!(ids(&index, &word, None, 10), [6, 4, 1]);
        assert_eq!(ids(&index, &word, Some(6), 1), [4]);
        let prefix = Query {
            text: Some("SUPP*".into()),
            ..Query::default()
        };
        assert_eq!(ids(&index, &prefix, None, 10), [6, 4, 1]);
        let slow = Query {
            text: Some("slo*".into()),
            ..Query::default()
        };
        assert_eq!(ids(&index, &slow, None, 10), [4, 2]);
        let promoters_in_range = Query {
            from: Some("2026-03-02T00:00:00Z".parse().unwrap()),
            to: Some("2026-03-06T12:00:00Z".parse().unwrap()),
            scores: Some(std::array::from_fn(|score| score >= 8)),
            ..Query::default()
        };
        assert_eq!(ids(&index, &promoters_in_range, None, 10), [5, 3]);
        let unknown_value = Query {
            filters: vec![("plan".into(), vec!["team".into()])],
            ..Query::default()
        };
        assert_eq!(ids(&index, &unknown_value, None, 10), Vec::<i64>::new());
    }

    #[test]
    fn pages_cross_chunk_boundaries_and_skip_chunks_outside_the_range() {
        // Two and a half chunks; days go round a 200-day cycle so every chunk spans the range.
        let rows = 2 * crate::index::CHUNK_ROWS + 1_000;
        let start: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let responses: Vec<StoredResponse> = (1..=rows as i64)
            .map(|id| {
                let plan = if id % 3 == 0 { "pro" } else { "free" };
                let mut response = response(1, 1, plan, id % 11, None);
                response.id = ResponseId(id);
                response.created_at = start + jiff::SignedDuration::from_hours((id % 200) * 24);
                response
            })
            .collect();
        let mut index = ResponseIndex::new(TimeZone::UTC);
        index.append(&responses);
        let query = Query {
            filters: vec![("plan".into(), vec!["pro".into()])],
            from: Some(start + jiff::SignedDuration::from_hours(10 * 24)),
            to: Some(start + jiff::SignedDuration::from_hours(20 * 24)),
            ..Query::default()
        };
        // Answer time first, then id: days go round, so this is not id order.
        let mut kept: Vec<&StoredResponse> = responses
            .iter()
            .filter(|r| r.id.0 % 3 == 0 && (10..20).contains(&(r.id.0 % 200)))
            .collect();
        kept.sort_by_key(|r| std::cmp::Reverse((r.created_at, r.id)));
        let expected: Vec<i64> = kept.iter().map(|r| r.id.0).collect();
        let mut listed = Vec::new();
        let mut before = None;
        loop {
            let page = ids(&index, &query, before, 997);
            let Some(&last) = page.last() else { break };
            listed.extend(page);
            before = Some(last);
        }
        assert_eq!(listed, expected);
    }

    #[test]
    fn history_stored_out_of_order_lists_by_answer_time() {
        let mut index = ResponseIndex::new(TimeZone::UTC);
        // Ids in import order; answers from March 9 back to March 1, then two of one moment.
        let mut stored: Vec<StoredResponse> = (1..=9)
            .map(|id| {
                let mut r = response(id, 1, "pro", 9, None);
                r.created_at = format!("2026-03-{:02}T12:00:00Z", 10 - id).parse().unwrap();
                r
            })
            .collect();
        for id in [10, 11] {
            let mut r = response(id, 1, "pro", 9, None);
            r.created_at = "2026-03-05T12:00:00Z".parse().unwrap();
            stored.push(r);
        }
        index.append(&stored);
        let all = Query::default();
        assert_eq!(ids(&index, &all, None, 4), [1, 2, 3, 4]);
        assert_eq!(ids(&index, &all, Some(4), 3), [11, 10, 5]);
        assert_eq!(ids(&index, &all, Some(5), 10), [6, 7, 8, 9]);
        let later = Query {
            from: Some("2026-03-05T00:00:00Z".parse().unwrap()),
            ..Query::default()
        };
        assert_eq!(ids(&index, &later, Some(4), 10), [11, 10, 5]);
    }

    #[test]
    fn the_answer_listed_just_above_a_position_is_found() {
        let index = index();
        let plan = index.plan(&Query::default()).unwrap();
        let at = |id: i64| index.position_of(ResponseId(id)).unwrap();
        let above = |id: i64| index.nearest_above(&plan, |_| true, at(id)).map(|p| p.id.0);
        assert_eq!(above(3), Some(4));
        assert_eq!(above(6), None);
        let word = index
            .plan(&Query {
                text: Some("support".into()),
                ..Query::default()
            })
            .unwrap();
        assert_eq!(
            index.nearest_above(&word, |_| true, at(1)).map(|p| p.id.0),
            Some(4)
        );
        assert_eq!(
            index
                .nearest_above(&plan, |row| row != 3, at(3))
                .map(|p| p.id.0),
            Some(5)
        );
    }

    #[test]
    fn a_position_reads_back_what_it_writes_and_refuses_anything_else() {
        use super::ListPosition;
        let position = ListPosition {
            answered_ms: 1_767_225_600_000,
            id: ResponseId(42),
        };
        assert_eq!(position.to_string(), "1767225600000.42");
        assert_eq!("1767225600000.42".parse::<ListPosition>(), Ok(position));
        let early: ListPosition = "-5.3".parse().unwrap();
        assert_eq!(early.answered_ms, -5);
        for bad in ["", "42", "1.0", "x.1", "1.-2", "1.2.3", "1 .2"] {
            assert!(bad.parse::<ListPosition>().is_err(), "{bad}");
        }
    }

    #[test]
    fn erased_responses_are_not_listed() {
        let mut index = index();
        index.apply_deletions(&[Deletion {
            sequence: 1,
            response: ResponseId(5),
        }]);
        assert_eq!(ids(&index, &Query::default(), None, 3), [6, 4, 3]);
    }
}
