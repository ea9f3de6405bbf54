//! The weights of the sentiment decision, written by `bench/feedback/sentiment_decision.py
//! --write`: a multinomial logistic regression (L2, C = 1.0, chosen by cross-validation)
//! fitted on the 705 `dev` and `tune` comments of `bench/feedback/labelled.jsonl` and
//! `bench/feedback/sentiment_tune.jsonl`. Do not edit by hand: rerun the script after changing
//! the lexicons or the features.

use super::decision::FEATURES;

/// Each label's bias, in `SentimentLabel::ALL`'s order.
pub(super) const BIAS: [f32; 4] = [1.5139098, 1.2034522, 5.1370893, -7.854451];

/// Each label's weight for each feature (`FEATURE_NAMES`' order), in `SentimentLabel::ALL`'s order.
#[rustfmt::skip]
pub(super) const WEIGHTS: [[f32; FEATURES]; 4] = [
    // positive
    [
        1.5806996, // score
        4.298009, // abs_score
        1.8046801, // most_positive
        -1.3561002, // most_negative
        0.12864384, // both_ways
        -1.1097484, // strongest
        -0.26728907, // praise
        -3.141874, // complaint
        -0.33847317, // positive_clauses
        -0.1076414, // negative_clauses
        -0.74921966, // contrasted
        -1.3072994, // question
        -2.7928479, // wish
        0.7705664, // negations
        1.7804114, // exclamations
    ],
    // negative
    [
        -1.7696149, // score
        0.40522394, // abs_score
        -3.4091444, // most_positive
        2.9791422, // most_negative
        -1.7951108, // both_ways
        0.16885443, // strongest
        0.39176172, // praise
        2.3228226, // complaint
        -1.1681728, // positive_clauses
        -0.18213493, // negative_clauses
        -3.1347482, // contrasted
        -0.43319485, // question
        -0.7436869, // wish
        0.55438554, // negations
        0.63119054, // exclamations
    ],
    // neutral
    [
        0.54107916, // score
        -4.8103433, // abs_score
        -1.2292066, // most_positive
        -2.0664468, // most_negative
        -1.6082083, // both_ways
        -1.4271761, // strongest
        -2.9663303, // praise
        -0.10608561, // complaint
        0.3644003, // positive_clauses
        0.51690006, // negative_clauses
        0.12640621, // contrasted
        2.0045288, // question
        1.9463128, // wish
        -0.6285934, // negations
        -0.63281524, // exclamations
    ],
    // mixed
    [
        -0.35216376, // score
        0.10711043, // abs_score
        2.8336709, // most_positive
        0.4434048, // most_negative
        3.2746754, // both_ways
        2.3680701, // strongest
        2.8418577, // praise
        0.925137, // complaint
        1.1422457, // positive_clauses
        -0.22712374, // negative_clauses
        3.7575617, // contrasted
        -0.2640346, // question
        1.590222, // wish
        -0.69635856, // negations
        -1.7787865, // exclamations
    ],
];
