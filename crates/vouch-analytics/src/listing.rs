//! Listing the responses a plan selects, newest first, a page at a time.
//!
//! Reports count; an inbox lists. Both select with the same [`QueryPlan`], so a list filtered
//! by survey, time range, attribute values, a word and scores holds exactly the responses a
//! report with the same filters counts.

use vouch_store::ResponseId;

use crate::index::{CHUNK_ROWS, ResponseIndex};
use crate::query::QueryPlan;

impl ResponseIndex {
    /// The ids of up to `limit` live responses the plan selects, newest (largest id) first,
    /// all below `before` when given: pass the last id of a page to get the next one.
    ///
    /// Grouping, interval and sum of the plan play no part. Chunks whose days lie outside the
    /// plan's range are skipped; with a word filter only the rows holding the word are read.
    pub fn newest_ids(
        &self,
        plan: &QueryPlan,
        before: Option<ResponseId>,
        limit: usize,
    ) -> Vec<ResponseId> {
        let mut found = Vec::new();
        if plan.matches_nothing || limit == 0 {
            return found;
        }
        // Rows are in id order: every row below `end` has an id below `before`.
        let end = match before {
            Some(before) => self.ids.partition_point(|&id| id < before.0),
            None => self.ids.len(),
        };
        match &plan.text_rows {
            Some(rows) => {
                for row in rows.range(0..end.min(u32::MAX as usize) as u32).rev() {
                    if self.row_selected(plan, row as usize) {
                        found.push(ResponseId(self.ids[row as usize]));
                        if found.len() == limit {
                            break;
                        }
                    }
                }
            }
            None => self.newest_by_chunk(plan, end, limit, &mut found),
        }
        found
    }

    /// Walks the chunks backwards from row `end`, skipping those outside the day range.
    fn newest_by_chunk(
        &self,
        plan: &QueryPlan,
        end: usize,
        limit: usize,
        found: &mut Vec<ResponseId>,
    ) {
        let mut chunk_end = end;
        while chunk_end > 0 {
            let chunk_index = (chunk_end - 1) / CHUNK_ROWS;
            let chunk_start = chunk_index * CHUNK_ROWS;
            let chunk = &self.chunks[chunk_index];
            let outside = plan.from.is_some_and(|(day, _)| chunk.max_day < day)
                || plan.to.is_some_and(|(day, _)| chunk.min_day > day);
            if !outside {
                for row in (chunk_start..chunk_end).rev() {
                    if self.row_selected(plan, row) {
                        found.push(ResponseId(self.ids[row]));
                        if found.len() == limit {
                            return;
                        }
                    }
                }
            }
            chunk_end = chunk_start;
        }
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
        index
            .newest_ids(&plan, before.map(ResponseId), limit)
            .into_iter()
            .map(|id| id.0)
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
        let expected: Vec<i64> = responses
            .iter()
            .rev()
            .filter(|r| r.id.0 % 3 == 0 && (10..20).contains(&(r.id.0 % 200)))
            .map(|r| r.id.0)
            .collect();
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
    fn erased_responses_are_not_listed() {
        let mut index = index();
        index.apply_deletions(&[Deletion {
            sequence: 1,
            response: ResponseId(5),
        }]);
        assert_eq!(ids(&index, &Query::default(), None, 3), [6, 4, 3]);
    }
}
