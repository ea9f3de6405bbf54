//! NPS, its 95 % margin of error, and the two-sample z-test between two selections.

use crate::histogram::Histogram;

/// The critical value of the standard normal distribution for a two-sided 95 % interval.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// The figures of one selection of responses, as every report shows them.
///
/// `nps` and `margin_of_error` are `None` when there are no responses: there is no score to
/// show, and zero would be a lie.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NpsFigures {
    /// All responses in the selection.
    pub responses: u64,
    /// Responses scoring 9–10.
    pub promoters: u64,
    /// Responses scoring 7–8.
    pub passives: u64,
    /// Responses scoring 0–6.
    pub detractors: u64,
    /// 100 × (promoters − detractors) / responses, unrounded.
    pub nps: Option<f64>,
    /// 1.96 × the standard error, in NPS points.
    pub margin_of_error: Option<f64>,
}

impl NpsFigures {
    /// The figures of a histogram.
    pub fn from_histogram(histogram: &Histogram) -> NpsFigures {
        NpsFigures {
            responses: histogram.responses(),
            promoters: histogram.promoters(),
            passives: histogram.passives(),
            detractors: histogram.detractors(),
            nps: nps(histogram),
            margin_of_error: standard_error(histogram).map(|se| 1.96 * se),
        }
    }

    /// True when the sample is too small for the margin of error to be trusted (n < 30).
    pub fn is_small_sample(&self) -> bool {
        self.responses < 30
    }
}

/// 100 × (promoters − detractors) / responses, or `None` without responses.
pub fn nps(histogram: &Histogram) -> Option<f64> {
    let responses = histogram.responses();
    if responses == 0 {
        return None;
    }
    let net = histogram.promoters() as f64 - histogram.detractors() as f64;
    Some(100.0 * net / responses as f64)
}

/// How many NPS points a part of a selection (the responses of a theme or a tag) costs,
/// negative, or earns, positive: the selection's NPS minus the NPS of the selection without
/// that part. `None` when either side has no response (a part that is the whole selection has
/// nothing to compare with).
pub fn impact(selection: &Histogram, part: &Histogram) -> Option<f64> {
    let mut rest = [0u64; 11];
    for (bin, (all, of_part)) in rest
        .iter_mut()
        .zip(selection.counts().iter().zip(part.counts()))
    {
        *bin = all.saturating_sub(*of_part);
    }
    Some(nps(selection)? - nps(&Histogram::from_counts(rest))?)
}

/// The standard error of the NPS in points: 100 × sqrt((p + d − (p − d)²) / n).
pub fn standard_error(histogram: &Histogram) -> Option<f64> {
    let responses = histogram.responses();
    if responses == 0 {
        return None;
    }
    let n = responses as f64;
    let p = histogram.promoters() as f64 / n;
    let d = histogram.detractors() as f64 / n;
    // p + d − (p − d)² is never negative in exact arithmetic; clamp rounding noise.
    let variance = (p + d - (p - d) * (p - d)).max(0.0);
    Some(100.0 * (variance / n).sqrt())
}

/// The low end of the adjusted-Wald 95 % interval of the NPS, in points: three quarters of
/// an answer added to promoters and to detractors and three answers to n (Rocks, 2016), so
/// that two promoters out of two do not read as "100 ± 0". An order for segments that lets
/// no small lucky sample lead, not a figure to show; `None` without responses.
pub fn adjusted_lower_bound(histogram: &Histogram) -> Option<f64> {
    if histogram.responses() == 0 {
        return None;
    }
    let n = histogram.responses() as f64 + 3.0;
    let p = (histogram.promoters() as f64 + 0.75) / n;
    let d = (histogram.detractors() as f64 + 0.75) / n;
    let variance = (p + d - (p - d) * (p - d)).max(0.0);
    Some(100.0 * ((p - d) - Z_95 * (variance / n).sqrt()))
}

/// The outcome of comparing two selections, such as this period and the previous one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// NPS of the first selection minus NPS of the second.
    pub difference: f64,
    /// The z statistic, `None` when both selections have no spread at all.
    pub z: Option<f64>,
    /// Two-sided p-value of the z-test, `None` with `z`.
    pub p_value: Option<f64>,
    /// True when the difference is significant at the 95 % level (|z| ≥ 1.96).
    pub significant: bool,
}

/// Two-sample z-test on the NPS difference: z = (NPS₁ − NPS₂) / sqrt(SE₁² + SE₂²).
///
/// `None` when either selection has no responses.
pub fn compare(first: &Histogram, second: &Histogram) -> Option<Comparison> {
    let difference = nps(first)? - nps(second)?;
    let spread = (standard_error(first)?.powi(2) + standard_error(second)?.powi(2)).sqrt();
    if spread == 0.0 {
        return Some(Comparison {
            difference,
            z: None,
            p_value: None,
            significant: false,
        });
    }
    let z = difference / spread;
    Some(Comparison {
        difference,
        z: Some(z),
        p_value: Some(two_sided_p_value(z)),
        significant: z.abs() >= Z_95,
    })
}

/// P(|Z| ≥ |z|) for a standard normal Z, via the complementary error function.
fn two_sided_p_value(z: f64) -> f64 {
    erfc(z.abs() / std::f64::consts::SQRT_2).clamp(0.0, 1.0)
}

/// The complementary error function, with fractional error below 1.2e-7 everywhere
/// (the Chebyshev fit of Numerical Recipes, `erfcc`). Enough for a p-value shown to 3 places.
fn erfc(x: f64) -> f64 {
    let t = 1.0 / (1.0 + 0.5 * x.abs());
    let poly = -x * x - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let value = t * poly.exp();
    if x >= 0.0 { value } else { 2.0 - value }
}

#[cfg(test)]
mod adjusted_tests {
    use super::*;

    #[test]
    fn impact_is_the_nps_lost_or_gained_by_a_part() {
        // 10 answers: 5 promoters, 5 detractors (NPS 0); the part is 4 of the detractors.
        let mut all = [0u64; 11];
        all[10] = 5;
        all[2] = 5;
        let mut part = [0u64; 11];
        part[2] = 4;
        let (all, part) = (Histogram::from_counts(all), Histogram::from_counts(part));
        // Without the part: 5 promoters, 1 detractor of 6 → NPS 66.67; impact 0 − 66.67.
        let impact = impact(&all, &part).expect("an impact");
        assert!((impact + 400.0 / 6.0).abs() < 1e-9, "{impact}");
        assert_eq!(super::impact(&all, &all), None);
        assert_eq!(super::impact(&Histogram::default(), &part), None);
    }
    use crate::Score;

    fn histogram(scores: &[(i64, u64)]) -> Histogram {
        let mut histogram = Histogram::default();
        for &(score, count) in scores {
            for _ in 0..count {
                histogram.add(Score::new(score).unwrap());
            }
        }
        histogram
    }

    #[test]
    fn the_adjusted_bound_ranks_a_large_good_sample_above_a_small_perfect_one() {
        let two_perfect = adjusted_lower_bound(&histogram(&[(10, 2)])).unwrap();
        let large = adjusted_lower_bound(&histogram(&[(10, 80), (3, 20)])).unwrap();
        assert!((two_perfect - -24.4).abs() < 0.1, "{two_perfect}");
        assert!((large - 42.7).abs() < 0.1, "{large}");
        assert_eq!(adjusted_lower_bound(&Histogram::default()), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn histogram(promoters: u64, passives: u64, detractors: u64) -> Histogram {
        let mut counts = [0; 11];
        counts[10] = promoters;
        counts[8] = passives;
        counts[0] = detractors;
        Histogram::from_counts(counts)
    }

    #[test]
    fn no_responses_means_no_score() {
        let figures = NpsFigures::from_histogram(&Histogram::default());
        assert_eq!(figures.nps, None);
        assert_eq!(figures.margin_of_error, None);
        assert_eq!(figures.responses, 0);
    }

    #[test]
    fn nps_and_margin_of_error_match_the_formula() {
        // 50 promoters, 30 passives, 20 detractors: p = .5, d = .2.
        let figures = NpsFigures::from_histogram(&histogram(50, 30, 20));
        assert_eq!(figures.nps, Some(30.0));
        let expected = 1.96 * 100.0 * ((0.5 + 0.2 - 0.09_f64) / 100.0).sqrt();
        assert!((figures.margin_of_error.unwrap() - expected).abs() < 1e-12);
    }

    #[test]
    fn all_promoters_is_plus_100_with_no_margin() {
        let figures = NpsFigures::from_histogram(&histogram(7, 0, 0));
        assert_eq!(figures.nps, Some(100.0));
        assert_eq!(figures.margin_of_error, Some(0.0));
    }

    #[test]
    fn a_large_shift_is_significant_and_a_small_one_is_not() {
        let big = compare(&histogram(600, 200, 200), &histogram(400, 200, 400)).unwrap();
        assert!(big.significant);
        assert!(big.p_value.unwrap() < 0.001);
        let small = compare(&histogram(51, 30, 19), &histogram(50, 30, 20)).unwrap();
        assert!(!small.significant);
        assert!(small.p_value.unwrap() > 0.5);
    }

    #[test]
    fn the_p_value_at_the_critical_value_is_five_percent() {
        assert!((two_sided_p_value(Z_95) - 0.05).abs() < 1e-6);
        assert!((two_sided_p_value(0.0) - 1.0).abs() < 1e-6);
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::score::{Category, Score};

    /// The method written out the slow, obvious way over a list of scores.
    fn naive(scores: &[u8]) -> (Option<f64>, Option<f64>) {
        if scores.is_empty() {
            return (None, None);
        }
        let n = scores.len() as f64;
        let promoters = scores.iter().filter(|&&s| s >= 9).count() as f64;
        let detractors = scores.iter().filter(|&&s| s <= 6).count() as f64;
        let (p, d) = (promoters / n, detractors / n);
        let nps = 100.0 * (p - d);
        let moe = 1.96 * 100.0 * ((p + d - (p - d).powi(2)) / n).sqrt();
        (Some(nps), Some(moe))
    }

    proptest! {
        #[test]
        fn figures_match_the_naive_method(scores in proptest::collection::vec(0u8..=10, 0..500)) {
            let mut histogram = Histogram::default();
            for &score in &scores {
                histogram.add(Score::new(i64::from(score)).unwrap());
            }
            let figures = NpsFigures::from_histogram(&histogram);
            let (nps, moe) = naive(&scores);
            prop_assert_eq!(figures.responses, scores.len() as u64);
            prop_assert_eq!(figures.promoters + figures.passives + figures.detractors, figures.responses);
            match (figures.nps, nps) {
                (Some(a), Some(b)) => {
                    prop_assert!((a - b).abs() < 1e-9);
                    prop_assert!((-100.0..=100.0).contains(&a));
                }
                (a, b) => prop_assert_eq!(a, b),
            }
            match (figures.margin_of_error, moe) {
                (Some(a), Some(b)) => prop_assert!((a - b).abs() < 1e-9 && a >= 0.0),
                (a, b) => prop_assert_eq!(a, b),
            }
            let promoters = scores.iter().filter(|&&s| Score::new(i64::from(s)).unwrap().category() == Category::Promoter).count();
            prop_assert_eq!(figures.promoters, promoters as u64);
        }

        #[test]
        fn a_comparison_is_antisymmetric(
            first in proptest::collection::vec(0u8..=10, 1..200),
            second in proptest::collection::vec(0u8..=10, 1..200),
        ) {
            let histogram = |scores: &[u8]| {
                let mut h = Histogram::default();
                scores.iter().for_each(|&s| h.add(Score::new(i64::from(s)).unwrap()));
                h
            };
            let (a, b) = (histogram(&first), histogram(&second));
            let forward = compare(&a, &b).unwrap();
            let backward = compare(&b, &a).unwrap();
            prop_assert!((forward.difference + backward.difference).abs() < 1e-9);
            prop_assert_eq!(forward.significant, backward.significant);
            if let Some(p) = forward.p_value {
                prop_assert!((0.0..=1.0).contains(&p));
            }
        }
    }
}
