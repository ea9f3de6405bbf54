//! Why an NPS moved between two periods: the change split into each segment's own change and
//! the shift in the mix of segments, each part with its significance.
//!
//! With `w` a segment's share of the answers and `N` its NPS, the selection's NPS is `Σ w·N`,
//! so its change is exactly `Σ (w̄·ΔN + N̄·Δw)` where `w̄` and `N̄` are the two periods'
//! averages: `w̄·ΔN` is what the segment's own change contributed and `N̄·Δw` what its growing
//! or shrinking share did (the symmetric split, which favours neither period). A segment
//! present in one period only has no own change: all of its part is mix.

use crate::histogram::Histogram;
use crate::nps::{Comparison, Z_95, compare, nps};

/// One segment's part of a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SegmentMove {
    /// Its answers in the current period.
    pub current: Histogram,
    /// Its answers in the previous period.
    pub previous: Histogram,
    /// NPS points its own change contributed (`w̄·ΔN`).
    pub own: f64,
    /// NPS points the shift of its share contributed (`N̄·Δw`).
    pub mix: f64,
    /// The z-test of its own NPS change; `None` unless it has answers in both periods.
    pub own_test: Option<Comparison>,
    /// The z statistic of the change of its share (two proportions, pooled); `None` when it
    /// cannot be computed.
    pub mix_z: Option<f64>,
}

impl SegmentMove {
    /// Its whole part: own change plus mix.
    pub fn total(&self) -> f64 {
        self.own + self.mix
    }

    /// True when its own NPS changed beyond chance (95 %).
    pub fn own_significant(&self) -> bool {
        self.own_test.is_some_and(|test| test.significant)
    }

    /// True when its share changed beyond chance (95 %).
    pub fn mix_significant(&self) -> bool {
        self.mix_z.is_some_and(|z| z.abs() >= Z_95)
    }
}

/// A change split into segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Movement {
    /// Current NPS minus previous NPS; the parts sum to it.
    pub change: f64,
    /// The z-test of the whole change.
    pub test: Option<Comparison>,
    /// One per segment, in the order given.
    pub parts: Vec<SegmentMove>,
}

/// Splits the change between two periods over segments given as (current, previous)
/// histograms, which must together hold every answer of both periods (a "no value" segment
/// included) for the parts to sum to the change. `None` unless both periods have answers.
pub fn decompose(segments: &[(Histogram, Histogram)]) -> Option<Movement> {
    let mut current_total = Histogram::default();
    let mut previous_total = Histogram::default();
    for (current, previous) in segments {
        current_total.merge(current);
        previous_total.merge(previous);
    }
    let change = nps(&current_total)? - nps(&previous_total)?;
    let (n1, n2) = (
        previous_total.responses() as f64,
        current_total.responses() as f64,
    );
    let parts = segments
        .iter()
        .map(|&(current, previous)| {
            let (w1, w2) = (
                previous.responses() as f64 / n1,
                current.responses() as f64 / n2,
            );
            let (own, mix) = match (nps(&current), nps(&previous)) {
                (Some(now), Some(before)) => (
                    (w1 + w2) / 2.0 * (now - before),
                    (now + before) / 2.0 * (w2 - w1),
                ),
                (Some(now), None) => (0.0, w2 * now),
                (None, Some(before)) => (0.0, -w1 * before),
                (None, None) => (0.0, 0.0),
            };
            SegmentMove {
                current,
                previous,
                own,
                mix,
                own_test: compare(&current, &previous),
                mix_z: share_z(previous.responses(), n1, current.responses(), n2),
            }
        })
        .collect();
    Some(Movement {
        change,
        test: compare(&current_total, &previous_total),
        parts,
    })
}

/// The pooled two-proportion z statistic of a share going from `a / n1` to `b / n2`.
fn share_z(a: u64, n1: f64, b: u64, n2: f64) -> Option<f64> {
    let pooled = (a + b) as f64 / (n1 + n2);
    let spread = (pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2)).sqrt();
    (spread > 0.0).then(|| (b as f64 / n2 - a as f64 / n1) / spread)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(promoters: u64, passives: u64, detractors: u64) -> Histogram {
        let mut counts = [0u64; 11];
        counts[10] = promoters;
        counts[7] = passives;
        counts[3] = detractors;
        Histogram::from_counts(counts)
    }

    #[test]
    fn the_parts_sum_to_the_change_and_split_own_change_from_mix() {
        // Enterprise keeps NPS 60 but grows from 10 % to 50 % of answers; free drops 0 → −20.
        let enterprise = (answers(35, 10, 5), answers(7, 2, 1));
        let free = (answers(10, 20, 20), answers(30, 30, 30));
        let movement = decompose(&[enterprise, free]).expect("a movement");
        let before = nps(&answers(37, 32, 31)).expect("nps");
        let now = nps(&answers(45, 30, 25)).expect("nps");
        assert!((movement.change - (now - before)).abs() < 1e-9);
        let sum: f64 = movement.parts.iter().map(SegmentMove::total).sum();
        assert!(
            (sum - movement.change).abs() < 1e-9,
            "{sum} vs {}",
            movement.change
        );
        let [enterprise, free] = [movement.parts[0], movement.parts[1]];
        assert!(enterprise.own.abs() < 1e-9, "its own NPS did not move");
        assert!(
            (enterprise.mix - 60.0 * 0.4).abs() < 1e-9,
            "its share grew by 40 points"
        );
        assert!(enterprise.mix_significant());
        assert!(free.own < 0.0 && !enterprise.own_significant());
    }

    #[test]
    fn a_segment_of_one_period_is_all_mix() {
        let movement = decompose(&[
            (answers(10, 0, 0), answers(0, 0, 0)),
            (answers(5, 0, 5), answers(5, 0, 5)),
        ])
        .expect("a movement");
        let new = movement.parts[0];
        assert_eq!(new.own, 0.0);
        assert!(new.own_test.is_none());
        let sum: f64 = movement.parts.iter().map(SegmentMove::total).sum();
        assert!((sum - movement.change).abs() < 1e-9);
        assert_eq!(decompose(&[(answers(1, 0, 0), Histogram::default())]), None);
    }
}
