//! The scan: count scores into histograms for the rows a plan selects.
//!
//! Chunks of [`CHUNK_ROWS`] rows are counted in parallel and their counts merged. A chunk
//! outside the day range is skipped from its summary alone; a chunk that nothing filters or
//! groups is counted from its summary histogram without touching its rows. Everything else is
//! one pass over the chunk's columns with no allocation per row.

use rayon::prelude::*;
use vouch_core::Histogram;

use crate::index::{CHUNK_ROWS, ChunkSummary, ResponseIndex};
use crate::query::QueryPlan;

/// Score counts of a query: the whole selection, per group slot and per period.
#[derive(Debug, Clone, PartialEq)]
pub struct Counts {
    /// The whole selection.
    pub total: Histogram,
    /// Per group slot (see [`ResponseIndex::group_key`]); empty without grouping.
    pub groups: Vec<[u32; 11]>,
    /// Per group slot, the sum of the plan's number attribute; empty without one.
    pub group_sums: Vec<f64>,
    /// The sum of the plan's number attribute over the whole selection.
    pub total_sum: f64,
    /// Per period of the plan's period table; empty without an interval.
    pub periods: Vec<[u32; 11]>,
}

struct Accumulator {
    total: [u64; 11],
    groups: Vec<[u32; 11]>,
    group_sums: Vec<f64>,
    total_sum: f64,
    periods: Vec<[u32; 11]>,
}

impl Accumulator {
    fn new(plan: &QueryPlan) -> Accumulator {
        let grouped = !plan.group_columns.is_empty();
        let group_slots = if grouped { plan.group_count } else { 0 };
        let sum_slots = if grouped && plan.sum_column.is_some() {
            plan.group_count
        } else {
            0
        };
        let periods = plan
            .period_of_day
            .as_ref()
            .map_or(0, |table| table.periods.len());
        Accumulator {
            total: [0; 11],
            groups: vec![[0; 11]; group_slots],
            group_sums: vec![0.0; sum_slots],
            total_sum: 0.0,
            periods: vec![[0; 11]; periods],
        }
    }

    fn merge(mut self, other: Accumulator) -> Accumulator {
        add_all(&mut self.total, &other.total);
        for (mine, theirs) in self.groups.iter_mut().zip(&other.groups) {
            add_all(mine, theirs);
        }
        for (mine, theirs) in self.group_sums.iter_mut().zip(&other.group_sums) {
            *mine += theirs;
        }
        self.total_sum += other.total_sum;
        for (mine, theirs) in self.periods.iter_mut().zip(&other.periods) {
            add_all(mine, theirs);
        }
        self
    }
}

fn add_all<T: Copy + std::ops::AddAssign>(mine: &mut [T; 11], theirs: &[T; 11]) {
    for (m, t) in mine.iter_mut().zip(theirs) {
        *m += *t;
    }
}

impl ResponseIndex {
    /// Counts the scores of the rows a plan selects.
    pub fn run(&self, plan: &QueryPlan) -> Counts {
        let accumulator = if plan.matches_nothing {
            Accumulator::new(plan)
        } else {
            let splits = (self.chunks.len() / (rayon::current_num_threads() * 4)).max(1);
            self.chunks
                .par_iter()
                .enumerate()
                .with_min_len(splits)
                .fold(
                    || Accumulator::new(plan),
                    |mut accumulator, (chunk_index, chunk)| {
                        self.count_chunk(plan, chunk_index, chunk, &mut accumulator);
                        accumulator
                    },
                )
                .reduce(|| Accumulator::new(plan), Accumulator::merge)
        };
        Counts {
            total: Histogram::from_counts(accumulator.total),
            groups: accumulator.groups,
            group_sums: accumulator.group_sums,
            total_sum: accumulator.total_sum,
            periods: accumulator.periods,
        }
    }

    fn count_chunk(
        &self,
        plan: &QueryPlan,
        chunk_index: usize,
        chunk: &ChunkSummary,
        accumulator: &mut Accumulator,
    ) {
        if plan.from.is_some_and(|(day, _)| chunk.max_day < day)
            || plan.to.is_some_and(|(day, _)| chunk.min_day > day)
        {
            return;
        }
        let start = chunk_index * CHUNK_ROWS;
        let end = (start + CHUNK_ROWS).min(self.ids.len());
        if self.counts_whole_chunk(plan, chunk) {
            for (total, count) in accumulator.total.iter_mut().zip(&chunk.histogram) {
                *total += u64::from(*count);
            }
            return;
        }
        let check_deleted = chunk.deleted > 0;
        match &plan.text_rows {
            Some(rows) => {
                let rows = rows.range(start as u32..end as u32).map(|row| row as usize);
                self.count_rows(plan, rows, check_deleted, accumulator);
            }
            None => self.count_rows(plan, start..end, check_deleted, accumulator),
        }
    }

    /// True when every live row of the chunk is selected and nothing is grouped or summed.
    fn counts_whole_chunk(&self, plan: &QueryPlan, chunk: &ChunkSummary) -> bool {
        plan.surveys.is_none()
            && plan.filters.is_empty()
            && plan.text_rows.is_none()
            && plan.scores.is_none()
            && plan.group_columns.is_empty()
            && plan.period_of_day.is_none()
            && plan.sum_column.is_none()
            && plan.from.is_none_or(|(day, _)| chunk.min_day > day)
            && plan.to.is_none_or(|(day, _)| chunk.max_day < day)
    }

    fn count_rows(
        &self,
        plan: &QueryPlan,
        rows: impl Iterator<Item = usize>,
        check_deleted: bool,
        accumulator: &mut Accumulator,
    ) {
        let (scores, days, surveys) = (&self.scores[..], &self.days[..], &self.surveys[..]);
        let filters: Vec<(&[u32], &[bool])> = plan
            .filters
            .iter()
            .map(|(column, allowed)| (&self.attributes[*column].codes[..], &allowed[..]))
            .collect();
        let grouping: Vec<(&[u32], usize)> = plan
            .group_columns
            .iter()
            .map(|&column| match self.attributes.get(column) {
                Some(attribute) => (&attribute.codes[..], attribute.code_count()),
                None => (&[][..], 1),
            })
            .collect();
        let sum = plan.sum_column.map(|column| {
            let attribute = &self.attributes[column];
            (&attribute.codes[..], &attribute.numbers[..])
        });
        'rows: for row in rows {
            if check_deleted && self.deleted.contains(row as u32) {
                continue;
            }
            if let Some(allowed) = &plan.surveys
                && !allowed[surveys[row] as usize]
            {
                continue;
            }
            let day = days[row];
            if let Some((from_day, from_ms)) = plan.from
                && (day < from_day || (day == from_day && self.created_ms[row] < from_ms))
            {
                continue;
            }
            if let Some((to_day, to_ms)) = plan.to
                && (day > to_day || (day == to_day && self.created_ms[row] >= to_ms))
            {
                continue;
            }
            let score = usize::from(scores[row]);
            if let Some(allowed) = &plan.scores
                && !allowed[score]
            {
                continue;
            }
            for (codes, allowed) in &filters {
                if !allowed[codes[row] as usize] {
                    continue 'rows;
                }
            }
            accumulator.total[score] += 1;
            let value = sum.map_or(0.0, |(codes, numbers)| numbers[codes[row] as usize]);
            accumulator.total_sum += value;
            if !grouping.is_empty() {
                let mut slot = 0usize;
                for (codes, code_count) in &grouping {
                    let code = codes.get(row).map_or(0, |&code| code as usize);
                    slot = slot * code_count + code;
                }
                accumulator.groups[slot][score] += 1;
                if let Some(group_sum) = accumulator.group_sums.get_mut(slot) {
                    *group_sum += value;
                }
            }
            if let Some(table) = &plan.period_of_day {
                let period = table.period_index[(day - table.first_day) as usize] as usize;
                accumulator.periods[period][score] += 1;
            }
        }
    }
}
