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
    /// Counted directly only without groups and periods; otherwise derived by `finish`.
    total: [u64; 11],
    groups: Vec<[u32; 11]>,
    group_sums: Vec<f64>,
    total_sum: f64,
    periods: Vec<[u32; 11]>,
    /// Row numbers selected in the current chunk (reused between chunks).
    selection: Vec<u32>,
    /// Group slot per selected row of the current chunk (reused between chunks).
    slots: Vec<u32>,
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
            selection: Vec::new(),
            slots: Vec::new(),
        }
    }

    /// Applies the plan's score filter to every histogram (rows are counted whatever their
    /// score: a score filter is a mask on the bins, not a per-row test), then derives the total
    /// from the groups or periods when rows were counted into those only.
    fn finish(mut self, scores: Option<&[bool; 11]>) -> Accumulator {
        if let Some(allowed) = scores {
            let histograms = self.groups.iter_mut().chain(self.periods.iter_mut());
            for histogram in histograms {
                mask(histogram, allowed);
            }
            for (total, keep) in self.total.iter_mut().zip(allowed) {
                if !keep {
                    *total = 0;
                }
            }
        }
        let derive_from = if !self.groups.is_empty() {
            Some(&self.groups)
        } else if !self.periods.is_empty() {
            Some(&self.periods)
        } else {
            None
        };
        if let Some(parts) = derive_from {
            let mut total = [0u64; 11];
            for part in parts {
                for (sum, count) in total.iter_mut().zip(part) {
                    *sum += u64::from(*count);
                }
            }
            self.total = total;
        }
        self
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
                .finish(plan.scores.as_ref())
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
        if self.counts_from_cells(plan, chunk) {
            count_cells(plan, chunk, accumulator);
            return;
        }
        self.count_rows(plan, chunk, start..end, accumulator);
    }

    /// True when the chunk's (survey, day) cells answer the plan: nothing filters or groups
    /// by attribute, word or sum, and the range's ends fall on midnights or outside the chunk.
    fn counts_from_cells(&self, plan: &QueryPlan, chunk: &ChunkSummary) -> bool {
        let whole_days = |bound: Option<(i32, i64)>, is_midnight: bool| {
            is_midnight || bound.is_none_or(|(day, _)| day < chunk.min_day || day > chunk.max_day)
        };
        plan.filters.is_empty()
            && plan.channels.is_none()
            && plan.text_rows.is_none()
            && plan.group_columns.is_empty()
            && plan.sum_column.is_none()
            && whole_days(plan.from, plan.from_is_midnight)
            && whole_days(plan.to, plan.to_is_midnight)
    }

    /// True when every live row of the chunk is selected and nothing is grouped or summed.
    fn counts_whole_chunk(&self, plan: &QueryPlan, chunk: &ChunkSummary) -> bool {
        plan.surveys.is_none()
            && plan.filters.is_empty()
            && plan.channels.is_none()
            && plan.text_rows.is_none()
            && plan.scores.is_none()
            && plan.group_columns.is_empty()
            && plan.period_of_day.is_none()
            && plan.sum_column.is_none()
            && plan.from.is_none_or(|(day, _)| chunk.min_day > day)
            && plan.to.is_none_or(|(day, _)| chunk.max_day < day)
    }

    /// Counts one chunk in two phases: first the selection (each filter a tight loop over a
    /// vector of row numbers), then the counting (one tight loop per thing counted).
    fn count_rows(
        &self,
        plan: &QueryPlan,
        chunk: &ChunkSummary,
        rows: std::ops::Range<usize>,
        accumulator: &mut Accumulator,
    ) {
        let mut selection = std::mem::take(&mut accumulator.selection);
        let selected = self.select(plan, chunk, rows.clone(), &mut selection);
        match selected {
            true => {
                let rows = selection.iter().map(|&row| row as usize);
                self.count_selected(plan, rows, accumulator);
            }
            false => self.count_selected(plan, rows, accumulator),
        }
        accumulator.selection = selection;
    }

    /// Fills `selection` with the rows of `rows` that every filter keeps. Returns false when
    /// no filter applies to this chunk, so that every row is selected and `selection` unused.
    pub(crate) fn select(
        &self,
        plan: &QueryPlan,
        chunk: &ChunkSummary,
        rows: std::ops::Range<usize>,
        selection: &mut Vec<u32>,
    ) -> bool {
        let mut started = false;
        if let Some(text_rows) = &plan.text_rows {
            selection.clear();
            selection.extend(text_rows.range(rows.start as u32..rows.end as u32));
            started = true;
        }
        if chunk.deleted > 0 {
            refine(selection, &mut started, &rows, |row| {
                !self.deleted.contains(row as u32)
            });
        }
        if let Some(allowed) = &plan.surveys {
            let surveys = &self.surveys[..];
            refine(selection, &mut started, &rows, |row| {
                allowed[surveys[row] as usize]
            });
        }
        let days = &self.days[..];
        if let Some((from_day, from_ms)) = plan.from
            && chunk.min_day <= from_day
        {
            let created = &self.created_ms[..];
            refine(selection, &mut started, &rows, |row| {
                days[row] > from_day || (days[row] == from_day && created[row] >= from_ms)
            });
        }
        if let Some((to_day, to_ms)) = plan.to
            && chunk.max_day >= to_day
        {
            let created = &self.created_ms[..];
            refine(selection, &mut started, &rows, |row| {
                days[row] < to_day || (days[row] == to_day && created[row] < to_ms)
            });
        }
        // Histograms apply a score filter as a mask on their bins (see `Accumulator::finish`),
        // but a sum must skip the rows themselves, and selecting them first is cheaper than
        // gathering the summed attribute for every row.
        if let Some(allowed) = plan.scores.as_ref().filter(|_| plan.sum_column.is_some()) {
            let scores = &self.scores[..];
            refine(selection, &mut started, &rows, |row| {
                allowed[usize::from(scores[row])]
            });
        }
        if let Some(allowed) = &plan.channels {
            let channels = &self.channels[..];
            refine(selection, &mut started, &rows, |row| {
                allowed[usize::from(channels[row])]
            });
        }
        for (column, allowed) in &plan.filters {
            let codes = &self.attributes[*column].codes[..];
            refine(selection, &mut started, &rows, |row| {
                allowed[codes[row] as usize]
            });
        }
        started
    }

    /// The rows the plan selects, in row order, its score filter applied to the rows
    /// themselves; groupings and periods play no part.
    pub fn selected_rows(&self, plan: &QueryPlan) -> Vec<u32> {
        if plan.matches_nothing {
            return Vec::new();
        }
        let per_chunk: Vec<Vec<u32>> = self
            .chunks
            .par_iter()
            .enumerate()
            .map(|(chunk_index, chunk)| {
                if plan.from.is_some_and(|(day, _)| chunk.max_day < day)
                    || plan.to.is_some_and(|(day, _)| chunk.min_day > day)
                {
                    return Vec::new();
                }
                let start = chunk_index * CHUNK_ROWS;
                let end = (start + CHUNK_ROWS).min(self.ids.len());
                let mut selection = Vec::new();
                if !self.select(plan, chunk, start..end, &mut selection) {
                    selection = (start as u32..end as u32).collect();
                }
                if let Some(allowed) = &plan.scores {
                    let scores = &self.scores[..];
                    selection.retain(|&row| allowed[usize::from(scores[row as usize])]);
                }
                selection
            })
            .collect();
        per_chunk.concat()
    }

    /// The ids of the responses the plan selects, in id order (what an export of the selection
    /// reads from the store).
    pub fn selected_ids(&self, plan: &QueryPlan) -> Vec<vouch_store::ResponseId> {
        self.selected_rows(plan)
            .into_iter()
            .filter(|&row| !self.deleted.contains(row))
            .map(|row| vouch_store::ResponseId(self.ids[row as usize]))
            .collect()
    }

    fn count_selected(
        &self,
        plan: &QueryPlan,
        rows: impl Iterator<Item = usize> + Clone,
        accumulator: &mut Accumulator,
    ) {
        let scores = &self.scores[..];
        let grouping: Vec<(&[u32], usize)> = plan
            .group_columns
            .iter()
            .map(|&column| match self.attributes.get(column) {
                Some(attribute) => (&attribute.codes[..], attribute.code_count()),
                None => (&[][..], 1),
            })
            .collect();
        let slot = |row: usize| -> usize {
            grouping.iter().fold(0, |slot, (codes, code_count)| {
                slot * code_count + codes.get(row).map_or(0, |&code| code as usize)
            })
        };
        // Sums only count rows whose score the plan keeps: 1.0 or 0.0 per score, no branch.
        let score_weights = plan
            .scores
            .map_or([1.0; 11], |allowed| allowed.map(f64::from));
        let score_weights = &score_weights;
        let sum = plan.sum_column.map(|column| {
            let attribute = &self.attributes[column];
            (&attribute.codes[..], &attribute.numbers[..])
        });
        if !grouping.is_empty() {
            // The group slot of every selected row, computed once for the counts and the sums.
            let mut slots = std::mem::take(&mut accumulator.slots);
            slots.clear();
            match grouping[..] {
                [(first, _)] if !first.is_empty() => {
                    slots.extend(rows.clone().map(|row| first[row]));
                }
                [(first, _), (second, second_count)] if !first.is_empty() && !second.is_empty() => {
                    let second_count = second_count as u32;
                    slots.extend(
                        rows.clone()
                            .map(|row| first[row] * second_count + second[row]),
                    );
                }
                _ => slots.extend(rows.clone().map(|row| slot(row) as u32)),
            }
            let groups = &mut accumulator.groups;
            for (row, &slot) in rows.clone().zip(&slots) {
                groups[slot as usize][usize::from(scores[row])] += 1;
            }
            if let Some((codes, numbers)) = sum {
                let sums = &mut accumulator.group_sums;
                for (row, &slot) in rows.clone().zip(&slots) {
                    let weight = score_weights[usize::from(scores[row])];
                    sums[slot as usize] += weight * numbers[codes[row] as usize];
                }
            }
            accumulator.slots = slots;
        }
        if let Some(table) = &plan.period_of_day {
            let (days, periods) = (&self.days[..], &mut accumulator.periods);
            for row in rows.clone() {
                let period = table.period_index[(days[row] - table.first_day) as usize] as usize;
                periods[period][usize::from(scores[row])] += 1;
            }
        }
        if let Some((codes, numbers)) = sum {
            accumulator.total_sum += rows
                .clone()
                .map(|row| score_weights[usize::from(scores[row])] * numbers[codes[row] as usize])
                .sum::<f64>();
        }
        if grouping.is_empty() && plan.period_of_day.is_none() {
            // With groups or periods, the total is their sum (see `Accumulator::finish`).
            let mut counts = [0u32; 11];
            for row in rows {
                counts[usize::from(scores[row])] += 1;
            }
            for (total, count) in accumulator.total.iter_mut().zip(counts) {
                *total += u64::from(count);
            }
        }
    }
}

fn mask(histogram: &mut [u32; 11], allowed: &[bool; 11]) {
    for (count, keep) in histogram.iter_mut().zip(allowed) {
        if !keep {
            *count = 0;
        }
    }
}

/// Counts a chunk from its (survey, day) cells; see [`ResponseIndex::counts_from_cells`].
fn count_cells(plan: &QueryPlan, chunk: &ChunkSummary, accumulator: &mut Accumulator) {
    let mut first_day = plan.from.map_or(i32::MIN, |(day, _)| day);
    if !plan.from_is_midnight {
        // The range starts mid-day outside this chunk: only later days are in it.
        first_day = first_day.saturating_add(1);
    }
    let end_day = plan.to.map_or(i32::MAX, |(day, _)| day);
    let end_day = if plan.to_is_midnight {
        end_day
    } else {
        end_day.saturating_add(1)
    };
    for (&(survey, day), cell) in &chunk.cells {
        if day < first_day || day >= end_day {
            continue;
        }
        if let Some(allowed) = &plan.surveys
            && !allowed[survey as usize]
        {
            continue;
        }
        let mut counts = *cell;
        if let Some(allowed) = &plan.scores {
            for (count, keep) in counts.iter_mut().zip(allowed) {
                if !keep {
                    *count = 0;
                }
            }
        }
        match &plan.period_of_day {
            Some(table) => {
                let period = table.period_index[(day - table.first_day) as usize] as usize;
                add_all(&mut accumulator.periods[period], &counts);
            }
            None => {
                for (total, count) in accumulator.total.iter_mut().zip(counts) {
                    *total += u64::from(count);
                }
            }
        }
    }
}

/// Keeps the rows `keep` accepts: of the whole range when nothing was selected yet, else of
/// the current selection. Branch-free, so unpredictable filters cost no mispredictions.
fn refine(
    selection: &mut Vec<u32>,
    started: &mut bool,
    rows: &std::ops::Range<usize>,
    keep: impl Fn(usize) -> bool,
) {
    if *started {
        let mut kept = 0;
        for index in 0..selection.len() {
            let row = selection[index];
            selection[kept] = row;
            kept += usize::from(keep(row as usize));
        }
        selection.truncate(kept);
    } else {
        selection.clear();
        selection.resize(rows.len(), 0);
        let mut kept = 0;
        for row in rows.clone() {
            selection[kept] = row as u32;
            kept += usize::from(keep(row));
        }
        selection.truncate(kept);
        *started = true;
    }
}
