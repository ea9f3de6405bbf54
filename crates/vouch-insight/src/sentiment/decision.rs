//! The label a comment's evidence gets: a multinomial logistic regression over a handful of
//! figures the scoring pass reads (how much praise and complaint, in how many clauses, across a
//! "but" or not, asked or wished, negated, exclaimed), trained offline on labelled comments. The
//! same weights serve every language: the lexicons carry what differs between them. Its weights
//! are in `weights.rs`, written by `bench/feedback/sentiment_decision.py`.

use super::weights::{BIAS, WEIGHTS};
use super::{Sentiment, SentimentLabel};

/// VADER's normalisation of a sum into a score: `sum / sqrt(sum² + ALPHA)`.
const ALPHA: f32 = 15.0;

/// How many figures the decision reads.
pub const FEATURES: usize = 15;

/// The names of the figures [`Evidence::features`] gives, in order.
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "score",
    "abs_score",
    "most_positive",
    "most_negative",
    "both_ways",
    "strongest",
    "praise",
    "complaint",
    "positive_clauses",
    "negative_clauses",
    "contrasted",
    "question",
    "wish",
    "negations",
    "exclamations",
];

/// What the lexicon found in one comment, before a label is decided.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Evidence {
    /// The weighted sum of every valence, emphasis included; its sign is the comment's leaning.
    pub total: f32,
    /// The weighted sum of the most positive clause (0 when none is).
    pub most_positive: f32,
    /// The weighted sum of the most negative clause (0 when none is; never above 0).
    pub most_negative: f32,
    /// The largest magnitude of any one valence.
    pub strongest: f32,
    /// What the positive valences added, unweighted.
    pub praise: f32,
    /// What the negative valences added, unweighted, as a magnitude.
    pub complaint: f32,
    /// How many clauses are clearly positive.
    pub positive_clauses: u32,
    /// How many clauses are clearly negative.
    pub negative_clauses: u32,
    /// A contrast or concession ("but", "although") was met.
    pub contrasted: bool,
    /// A sentence with a judgement in it ends in a plain `?`.
    pub question: bool,
    /// A wish or suggestion was met ("would be nice", "j'aimerais").
    pub wish: bool,
    /// How many negators were met.
    pub negations: u32,
    /// How many `!` the comment holds.
    pub exclamations: u32,
}

/// A magnitude squeezed into 0…1: `x / (1 + x)`.
fn squash(x: f32) -> f32 {
    let x = x.abs();
    x / (1.0 + x)
}

impl Evidence {
    /// The comment's score: [`Evidence::total`] normalised into −1…1.
    pub fn score(&self) -> f32 {
        let total = self.total;
        (total / (total * total + ALPHA).sqrt()).clamp(-1.0, 1.0)
    }

    /// The figures the decision reads, named by [`FEATURE_NAMES`].
    pub fn features(&self) -> [f32; FEATURES] {
        let score = self.score();
        let flag = |on: bool| if on { 1.0 } else { 0.0 };
        let (positive, negative) = (squash(self.most_positive), squash(self.most_negative));
        [
            score,
            score.abs(),
            positive,
            negative,
            positive.min(negative),
            squash(self.strongest),
            squash(self.praise),
            squash(self.complaint),
            self.positive_clauses.min(3) as f32,
            self.negative_clauses.min(3) as f32,
            flag(self.contrasted),
            flag(self.question),
            flag(self.wish),
            self.negations.min(3) as f32,
            self.exclamations.min(4) as f32 / 4.0,
        ]
    }

    /// The learned decision's logit for each label, in [`SentimentLabel::ALL`]'s order.
    pub fn logits(&self) -> [f32; 4] {
        let features = self.features();
        let mut logits = BIAS;
        for (logit, weights) in logits.iter_mut().zip(&WEIGHTS) {
            *logit += weights
                .iter()
                .zip(&features)
                .map(|(w, x)| w * x)
                .sum::<f32>();
        }
        logits
    }

    /// The label with the largest logit (the first of equals), with the comment's score.
    pub fn decide(&self) -> Sentiment {
        if self.strongest == 0.0 && self.total == 0.0 {
            return Sentiment::NEUTRAL;
        }
        let logits = self.logits();
        let mut best = 0;
        for (at, logit) in logits.iter().enumerate() {
            if *logit > logits[best] {
                best = at;
            }
        }
        Sentiment {
            label: SentimentLabel::ALL[best],
            score: self.score(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use SentimentLabel::{Mixed, Negative, Neutral, Positive};

    /// One clause of `sum`, nothing else.
    fn one_clause(sum: f32) -> Evidence {
        Evidence {
            total: sum,
            most_positive: sum.max(0.0),
            most_negative: sum.min(0.0),
            strongest: sum.abs(),
            praise: sum.max(0.0),
            complaint: (-sum).max(0.0),
            positive_clauses: u32::from(sum >= 0.5),
            negative_clauses: u32::from(sum <= -0.5),
            ..Evidence::default()
        }
    }

    #[test]
    fn nothing_found_is_neutral_with_a_zero_score() {
        assert_eq!(Evidence::default().decide(), Sentiment::NEUTRAL);
    }

    #[test]
    fn clear_praise_and_clear_complaint_take_their_sign() {
        for sum in [2.0, 3.0, 5.0] {
            assert_eq!(one_clause(sum).decide().label, Positive, "{sum}");
            assert_eq!(one_clause(-sum).decide().label, Negative, "{sum}");
        }
    }

    #[test]
    fn a_faint_judgement_is_neutral() {
        assert_eq!(one_clause(0.3).decide().label, Neutral);
        assert_eq!(one_clause(-0.2).decide().label, Neutral);
    }

    #[test]
    fn praise_only_wished_for_is_neutral() {
        let wished = Evidence {
            wish: true,
            ..one_clause(1.5)
        };
        assert_eq!(one_clause(1.5).decide().label, Positive);
        assert_eq!(wished.decide().label, Neutral);
    }

    #[test]
    fn clear_clauses_of_both_polarities_across_a_contrast_are_mixed() {
        let both = Evidence {
            total: 0.8,
            most_positive: 2.4,
            most_negative: -2.0,
            strongest: 2.0,
            praise: 2.4,
            complaint: 1.6,
            positive_clauses: 1,
            negative_clauses: 1,
            contrasted: true,
            ..Evidence::default()
        };
        assert_eq!(both.decide().label, Mixed);
    }

    #[test]
    fn the_label_is_the_largest_logit_and_the_score_follows_the_total() {
        for sum in [-6.0, -2.0, -0.5, 0.1, 1.0, 4.0] {
            let evidence = one_clause(sum);
            let said = evidence.decide();
            let logits = evidence.logits();
            let best = SentimentLabel::ALL.iter().position(|l| *l == said.label);
            let best = best.map(|at| logits[at]);
            assert!(logits.iter().all(|l| Some(*l) <= best), "{logits:?}");
            assert!(said.score.abs() < 1.0 && said.score.signum() == sum.signum());
        }
        assert!(one_clause(4.0).score() > one_clause(1.0).score());
    }

    #[test]
    fn the_features_are_bounded_and_named() {
        let loud = Evidence {
            exclamations: 9,
            negations: 7,
            positive_clauses: 12,
            ..one_clause(40.0)
        };
        let features = loud.features();
        assert_eq!(features.len(), FEATURE_NAMES.len());
        assert!(
            features
                .iter()
                .all(|x| x.is_finite() && (-1.0..=3.0).contains(x))
        );
        assert!(WEIGHTS.iter().flatten().chain(&BIAS).all(|w| w.is_finite()));
    }
}
