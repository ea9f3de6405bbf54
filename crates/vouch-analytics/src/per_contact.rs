//! Figures per contact: each contact (or account) counted once, with its latest answer in the
//! selection — the rule every marketing, sales, finance and support figure follows.

use rayon::prelude::*;
use vouch_core::{AttributeKind, AttributeValue, Score};
use vouch_store::ContactId;

use crate::index::ResponseIndex;
use crate::query::{QueryError, QueryPlan};

/// No row: the sentinel of the per-key vectors.
const NONE: u32 = u32::MAX;

/// Selections of at least this many rows are scanned in parallel parts.
const PARALLEL_ROWS: usize = 1 << 20;

/// The latest answer (and the one before it) of each key — a contact, or an attribute value
/// shared by an account's contacts — among the rows a plan selects.
#[derive(Debug, Clone, PartialEq)]
pub struct LatestAnswers {
    /// Per key that answered, its latest row (latest answer time, then highest id), in key
    /// order.
    pub latest: Vec<u32>,
    /// Per entry of `latest`, the key's answer just before it in the selection, if any.
    pub previous: Vec<Option<u32>>,
}

impl LatestAnswers {
    /// How many keys answered.
    pub fn len(&self) -> usize {
        self.latest.len()
    }

    /// True when nobody answered.
    pub fn is_empty(&self) -> bool {
        self.latest.is_empty()
    }
}

impl ResponseIndex {
    /// The latest answer of each contact the plan selects.
    pub fn latest_per_contact(&self, plan: &QueryPlan) -> LatestAnswers {
        let rows = self.selected_rows(plan);
        let contacts = &self.contacts[..];
        self.latest_per_key(&rows, self.contact_ids.len(), |row| {
            Some(contacts[row as usize])
        })
    }

    /// The latest answer of each value of `attribute` (an account such as `company`: all
    /// contacts sharing the value) the plan selects; rows without a value are left out.
    pub fn latest_per_value(
        &self,
        plan: &QueryPlan,
        attribute: &str,
    ) -> Result<LatestAnswers, QueryError> {
        let column = self.attribute_column(attribute)?;
        let rows = self.selected_rows(plan);
        let codes = &self.attributes[column].codes[..];
        let keys = self.attributes[column].code_count();
        Ok(self.latest_per_key(&rows, keys, |row| {
            let code = codes[row as usize];
            (code != 0).then_some(code)
        }))
    }

    /// The latest and previous row of each key among `rows` (ascending). Large selections are
    /// cut into one part per thread, each scanned on its own, and the parts merged key by key.
    fn latest_per_key(
        &self,
        rows: &[u32],
        keys: usize,
        key_of: impl Fn(u32) -> Option<u32> + Sync,
    ) -> LatestAnswers {
        let threads = rayon::current_num_threads().max(1);
        let part_rows = match rows.len() < PARALLEL_ROWS {
            true => rows.len().max(1),
            false => rows.len().div_ceil(threads),
        };
        self.latest_in_parts(rows, keys, &key_of, part_rows)
    }

    /// [`ResponseIndex::latest_per_key`] over parts of `part_rows` rows.
    fn latest_in_parts(
        &self,
        rows: &[u32],
        keys: usize,
        key_of: &(impl Fn(u32) -> Option<u32> + Sync),
        part_rows: usize,
    ) -> LatestAnswers {
        let parts: Vec<(Vec<u32>, Vec<u32>)> = rows
            .par_chunks(part_rows.max(1))
            .map(|part| self.scan_keys(part, keys, key_of))
            .collect();
        let mut parts = parts.into_iter();
        let first = parts
            .next()
            .unwrap_or_else(|| (vec![NONE; keys], vec![NONE; keys]));
        let (mut latest, mut previous) =
            parts.fold(first, |merged, part| self.merge_keys(merged, part));
        let mut answers = LatestAnswers {
            latest: Vec::new(),
            previous: Vec::new(),
        };
        for (best, before) in latest.drain(..).zip(previous.drain(..)) {
            if best != NONE {
                answers.latest.push(best);
                answers.previous.push((before != NONE).then_some(before));
            }
        }
        answers
    }

    /// True when row `a` was answered after row `b` (then: has the higher id).
    fn later(&self, a: u32, b: u32) -> bool {
        let (a, b) = (a as usize, b as usize);
        (self.created_ms[a], self.ids[a]) > (self.created_ms[b], self.ids[b])
    }

    /// One part's latest and previous row per key ([`NONE`] without). The answer times of
    /// both are kept beside them, so that a row is compared with what its key holds without
    /// reading the index's columns at random.
    fn scan_keys(
        &self,
        rows: &[u32],
        keys: usize,
        key_of: &(impl Fn(u32) -> Option<u32> + Sync),
    ) -> (Vec<u32>, Vec<u32>) {
        let mut latest = vec![NONE; keys];
        let mut previous = vec![NONE; keys];
        let mut latest_ms = vec![i64::MIN; keys];
        let mut previous_ms = vec![i64::MIN; keys];
        let created = &self.created_ms[..];
        // (time, id) order, reading ids only when the times are equal.
        let after = |ms: i64, row: u32, other_ms: i64, other: u32| {
            ms > other_ms || (ms == other_ms && self.ids[row as usize] > self.ids[other as usize])
        };
        for &row in rows {
            let Some(key) = key_of(row) else { continue };
            let key = key as usize;
            let ms = created[row as usize];
            let best = latest[key];
            if best == NONE {
                (latest[key], latest_ms[key]) = (row, ms);
            } else if after(ms, row, latest_ms[key], best) {
                (previous[key], previous_ms[key]) = (best, latest_ms[key]);
                (latest[key], latest_ms[key]) = (row, ms);
            } else if previous[key] == NONE || after(ms, row, previous_ms[key], previous[key]) {
                (previous[key], previous_ms[key]) = (row, ms);
            }
        }
        (latest, previous)
    }

    /// Two parts' latest and previous rows merged: per key, the two latest of the four.
    fn merge_keys(
        &self,
        (mut latest, mut previous): (Vec<u32>, Vec<u32>),
        (other_latest, other_previous): (Vec<u32>, Vec<u32>),
    ) -> (Vec<u32>, Vec<u32>) {
        latest
            .par_iter_mut()
            .zip(previous.par_iter_mut())
            .zip(other_latest.par_iter().zip(other_previous.par_iter()))
            .for_each(|((best, before), (&other_best, &other_before))| {
                for candidate in [other_best, other_before] {
                    if candidate == NONE {
                        continue;
                    }
                    if *best == NONE {
                        *best = candidate;
                    } else if self.later(candidate, *best) {
                        *before = *best;
                        *best = candidate;
                    } else if *before == NONE || self.later(candidate, *before) {
                        *before = candidate;
                    }
                }
            });
        (latest, previous)
    }

    /// The column of an attribute, or the error naming it when no answer carries it.
    pub(crate) fn attribute_column(&self, attribute: &str) -> Result<usize, QueryError> {
        self.attribute_by_name
            .get(attribute)
            .copied()
            .ok_or_else(|| QueryError::UnknownAttribute(attribute.to_owned()))
    }

    /// The column of a number attribute (a value such as `mrr`).
    pub(crate) fn number_column(&self, attribute: &str) -> Result<usize, QueryError> {
        let column = self.attribute_column(attribute)?;
        match self.attributes[column].kind {
            AttributeKind::Number => Ok(column),
            _ => Err(QueryError::NotANumber(attribute.to_owned())),
        }
    }

    /// The score of a row.
    pub fn score_at(&self, row: u32) -> Score {
        Score::new(self.scores[row as usize].into()).expect("the index holds valid scores")
    }

    /// The answer time of a row, in milliseconds since the epoch.
    pub fn answered_ms_at(&self, row: u32) -> i64 {
        self.created_ms[row as usize]
    }

    /// The day of a row's answer in the index's time zone.
    pub fn day_at(&self, row: u32) -> i32 {
        self.days[row as usize]
    }

    /// Who answered a row.
    pub fn contact_at(&self, row: u32) -> ContactId {
        self.contact_ids[self.contacts[row as usize] as usize]
    }

    /// The response id of a row.
    pub fn response_id_at(&self, row: u32) -> vouch_store::ResponseId {
        vouch_store::ResponseId(self.ids[row as usize])
    }

    /// The value a row carries for a column, if any.
    pub(crate) fn value_at(&self, column: usize, row: u32) -> Option<&AttributeValue> {
        let attribute = &self.attributes[column];
        attribute.value(attribute.codes[row as usize])
    }

    /// The value of a code of a column (`None` for code 0, no value).
    pub(crate) fn value_at_code(&self, column: usize, code: u32) -> Option<&AttributeValue> {
        self.attributes[column].value(code)
    }

    /// The number a row carries for a number column; 0 without one (the contract's rule for
    /// values).
    pub(crate) fn number_at(&self, column: usize, row: u32) -> f64 {
        let attribute = &self.attributes[column];
        attribute.numbers[attribute.codes[row as usize] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn each_contact_counts_once_with_its_latest_answer_whatever_the_id_order() {
        // Contact 1 answered three times, imported out of order; contact 2 once.
        let index = index_of(&[
            answer(1, 1, 3, "2026-03-01", &[]),
            answer(2, 1, 9, "2026-01-01", &[]),
            answer(3, 2, 7, "2026-02-01", &[]),
            answer(4, 1, 5, "2026-02-01", &[]),
        ]);
        let plan = index.plan(&Query::default()).expect("a plan");
        let answers = index.latest_per_contact(&plan);
        let latest: Vec<(i64, u8, Option<u8>)> = answers
            .latest
            .iter()
            .zip(&answers.previous)
            .map(|(&row, previous)| {
                (
                    index.contact_at(row).0,
                    index.score_at(row).value(),
                    previous.map(|row| index.score_at(row).value()),
                )
            })
            .collect();
        assert_eq!(latest, vec![(1, 3, Some(5)), (2, 7, None)]);
        // A selection that leaves the latest out falls back to the latest within it.
        let plan = index
            .plan(&Query {
                to: Some("2026-02-15T00:00:00Z".parse().expect("an instant")),
                ..Query::default()
            })
            .expect("a plan");
        let answers = index.latest_per_contact(&plan);
        assert_eq!(index.score_at(answers.latest[0]).value(), 5);
        assert_eq!(
            answers.previous[0].map(|row| index.score_at(row).value()),
            Some(9)
        );
    }

    #[test]
    fn accounts_share_an_attribute_value_and_rows_without_it_are_left_out() {
        let index = index_of(&[
            answer(1, 1, 10, "2026-01-01", &[("company", "Acme")]),
            answer(2, 2, 2, "2026-01-05", &[("company", "Acme")]),
            answer(3, 3, 8, "2026-01-02", &[]),
        ]);
        let plan = index.plan(&Query::default()).expect("a plan");
        let accounts = index.latest_per_value(&plan, "company").expect("accounts");
        assert_eq!(accounts.len(), 1);
        assert_eq!(index.score_at(accounts.latest[0]).value(), 2);
        assert_eq!(
            accounts.previous[0].map(|row| index.score_at(row).value()),
            Some(10)
        );
        assert_eq!(
            index.latest_per_value(&plan, "region"),
            Err(QueryError::UnknownAttribute("region".into()))
        );
    }

    #[test]
    fn parts_merged_find_the_same_latest_and_previous_answers_as_one_scan() {
        // 400 answers of 37 contacts, in an order that is not the time order.
        let answers: Vec<_> = (0..400i64)
            .map(|n| {
                let day = 1 + (n * 7919) % 28;
                let date = format!("2026-02-{day:02}");
                answer(n + 1, 1 + (n * 31) % 37, (n % 11) as u8, &date, &[])
            })
            .collect();
        let index = index_of(&answers);
        let plan = index.plan(&Query::default()).expect("a plan");
        let rows = index.selected_rows(&plan);
        let keys = index.contact_ids.len();
        let contacts = &index.contacts[..];
        let key_of = |row: u32| Some(contacts[row as usize]);
        let whole = index.latest_in_parts(&rows, keys, &key_of, rows.len());
        for part_rows in [1, 3, 64, 150] {
            assert_eq!(
                index.latest_in_parts(&rows, keys, &key_of, part_rows),
                whole,
                "{part_rows} rows a part"
            );
        }
        assert_eq!(whole.len(), 37);
        assert_eq!(whole.previous.iter().filter(|p| p.is_some()).count(), 37);
    }
}
