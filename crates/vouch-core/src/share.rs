//! Shares of a group and how sure they are: the Wilson interval of a share, the lift of a
//! group's share over its whole selection with its interval, and how well the score ranks an
//! outcome (the area under the ROC curve, from two score histograms).

use crate::nps::Z_95;

/// A share with its 95 % interval, all in 0…1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Share {
    /// `hits / n`.
    pub share: f64,
    /// The Wilson interval's lower end.
    pub low: f64,
    /// The Wilson interval's upper end.
    pub high: f64,
}

/// The share `hits / n` with its 95 % Wilson score interval; `None` when `n` is 0. Wilson's
/// interval stays inside 0…1 and is honest for small groups and shares near 0 or 1, where the
/// normal approximation is not.
pub fn wilson(hits: u64, n: u64) -> Option<Share> {
    if n == 0 {
        return None;
    }
    let (hits, n) = (hits.min(n) as f64, n as f64);
    let share = hits / n;
    let z2 = Z_95 * Z_95;
    let centre = (share + z2 / (2.0 * n)) / (1.0 + z2 / n);
    let half = Z_95 / (1.0 + z2 / n) * (share * (1.0 - share) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Share {
        share,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// How much a group over-indexes: its share of hits divided by the whole selection's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lift {
    /// The group's share ÷ the selection's share (1 = as common as anywhere).
    pub lift: f64,
    /// The lower end of its 95 % interval.
    pub low: f64,
    /// The upper end of its 95 % interval.
    pub high: f64,
}

impl Lift {
    /// True when the whole interval lies above 1: the group over-indexes beyond chance.
    pub fn is_significant_rise(&self) -> bool {
        self.low > 1.0
    }
}

/// The lift of a group (`group_hits` of `group_n`) within a selection (`all_hits` of `all_n`)
/// that contains it; `None` when either is empty or the selection has no hit.
///
/// The interval is the delta method on the logarithm of the ratio, with the covariance that
/// comes from the group being part of the selection:
/// `Var(ln lift) = (1 − p_g)/(n_g p_g) + (1 − p)/(N p) − 2 (1 − p_g)/(N p)`. A group without
/// a hit has lift 0; its interval is computed as if it held half a hit (the usual continuity
/// correction), so it still says how high the lift could be.
pub fn lift(group_hits: u64, group_n: u64, all_hits: u64, all_n: u64) -> Option<Lift> {
    if group_n == 0 || all_n == 0 || all_hits == 0 || group_n > all_n {
        return None;
    }
    let overall = all_hits as f64 / all_n as f64;
    let value = group_hits as f64 / group_n as f64 / overall;
    let (n_g, n) = (group_n as f64, all_n as f64);
    let hits = if group_hits == 0 {
        0.5
    } else {
        group_hits.min(group_n) as f64
    };
    let p_g = (hits / n_g).min(1.0);
    let centre = (p_g / overall).ln();
    let variance = (1.0 - p_g) / (n_g * p_g) + (1.0 - overall) / (n * overall)
        - 2.0 * (1.0 - p_g) / (n * overall);
    let half = Z_95 * variance.max(0.0).sqrt();
    Some(Lift {
        lift: value,
        low: if group_hits == 0 {
            0.0
        } else {
            (centre - half).exp()
        },
        high: (centre + half).exp(),
    })
}

/// How well a low score ranks those with an outcome (churned) above those without: the
/// probability that one of them, drawn at random, scored lower than one without it, ties
/// counting half (the area under the ROC curve, 0.5 = no better than chance). `None` unless
/// both histograms hold someone.
pub fn score_auc(with_outcome: &[u64; 11], without_outcome: &[u64; 11]) -> Option<f64> {
    let positives: u64 = with_outcome.iter().sum();
    let negatives: u64 = without_outcome.iter().sum();
    if positives == 0 || negatives == 0 {
        return None;
    }
    let mut negatives_above = negatives as f64;
    let mut wins = 0.0;
    for score in 0..11 {
        let here = without_outcome[score] as f64;
        negatives_above -= here;
        wins += with_outcome[score] as f64 * (negatives_above + here / 2.0);
    }
    Some(wins / (positives as f64 * negatives as f64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn wilson_matches_the_textbook_figures() {
        // 8 of 10: Wilson gives 0.4902 … 0.9433 (z = 1.96).
        let share = wilson(8, 10).expect("a share");
        assert!(close(share.share, 0.8));
        assert!((share.low - 0.4902).abs() < 1e-3, "{share:?}");
        assert!((share.high - 0.9433).abs() < 1e-3, "{share:?}");
        let none = wilson(0, 20).expect("a share");
        assert_eq!(none.low, 0.0);
        assert!(none.high > 0.1 && none.high < 0.2);
        assert_eq!(wilson(0, 0), None);
    }

    #[test]
    fn lift_is_the_ratio_of_shares_and_its_interval_narrows_with_size() {
        let small = lift(6, 10, 30, 100).expect("a lift");
        assert!(close(small.lift, 2.0));
        assert!(small.low < 2.0 && small.high > 2.0);
        let large = lift(600, 1000, 3000, 10000).expect("a lift");
        assert!(close(large.lift, 2.0));
        assert!(large.high - large.low < small.high - small.low);
        assert!(large.is_significant_rise());
        // The whole selection as its own group: lift 1, no uncertainty left.
        let whole = lift(30, 100, 30, 100).expect("a lift");
        assert!(close(whole.lift, 1.0) && close(whole.low, 1.0) && close(whole.high, 1.0));
        let zero = lift(0, 10, 30, 100).expect("a lift");
        assert_eq!((zero.lift, zero.low), (0.0, 0.0));
        assert!(zero.high > 0.0);
        assert_eq!(lift(1, 10, 0, 100), None);
        assert_eq!(lift(1, 0, 3, 100), None);
    }

    #[test]
    fn score_auc_counts_pairs_with_ties_as_half() {
        let mut churned = [0u64; 11];
        let mut stayed = [0u64; 11];
        churned[2] = 1;
        stayed[9] = 1;
        assert_eq!(score_auc(&churned, &stayed), Some(1.0));
        assert_eq!(score_auc(&stayed, &churned), Some(0.0));
        assert_eq!(score_auc(&churned, &churned), Some(0.5));
        // Naive pair count over a mixed case.
        churned = [1, 0, 2, 0, 0, 1, 0, 3, 0, 0, 1];
        stayed = [0, 1, 0, 0, 2, 0, 1, 0, 4, 2, 1];
        let mut wins = 0.0;
        for (a, &ca) in churned.iter().enumerate() {
            for (b, &cb) in stayed.iter().enumerate() {
                let pairs = (ca * cb) as f64;
                wins += match a.cmp(&b) {
                    std::cmp::Ordering::Less => pairs,
                    std::cmp::Ordering::Equal => pairs / 2.0,
                    std::cmp::Ordering::Greater => 0.0,
                };
            }
        }
        let expected = wins / (8.0 * 11.0);
        assert!(close(
            score_auc(&churned, &stayed).expect("an auc"),
            expected
        ));
        assert_eq!(score_auc(&[0; 11], &stayed), None);
    }
}
