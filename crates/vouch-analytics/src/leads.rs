//! Lead scoring: how likely a contact is to be a promoter, learnt from who answered 9–10.
//!
//! Each contact counts once, with its latest answer in the selection (the target: is it a
//! promoter?) and the attributes it had when it answered (the inputs, encoded as described in
//! [`crate::leads_features`]). The model is an L2-regularised logistic regression
//! ([`vouch_core::logistic`], penalty [`PENALTY`], scikit-learn's `C = 1`), judged by
//! five-fold cross-validation: the contacts fall into folds by a hash of their id, each fold is
//! predicted by a model (encoding included) learnt on the four others, and the pooled
//! predictions give the AUC and the Brier score. The model kept is then learnt on everyone.

use std::collections::BTreeMap;

use jiff::civil::Date;
use rayon::prelude::*;
use vouch_core::logistic::{self, CalibrationBin, sigmoid};
use vouch_core::period::day_of_date;
use vouch_core::{AttributeKind, AttributeValue, Category};

use crate::index::ResponseIndex;
use crate::leads_features::{Encoding, FeatureEncoding};
use crate::query::{Query, QueryError};

/// Cross-validation folds.
pub const FOLDS: u64 = 5;

/// The fewest contacts a model is learnt from.
pub const MIN_CONTACTS: u64 = 50;

/// The fewest promoters, and the fewest other contacts, a model is learnt from.
pub const MIN_PER_OUTCOME: u64 = 10;

/// The L2 penalty λ on the weights (the intercept is not penalised): scikit-learn's `C = 1/λ`.
pub const PENALTY: f64 = 1.0;

/// How many factors a lead's score names.
pub const LEAD_FACTORS: usize = 3;

/// How many bins the calibration table cuts the cross-validated predictions into (deciles).
pub const CALIBRATION_BINS: usize = 10;

/// Why a lead model cannot be learnt, read back or applied.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum LeadError {
    /// The selection could not be planned.
    #[error(transparent)]
    Query(#[from] QueryError),
    /// The selection holds answers to an anonymous (eNPS) survey.
    #[error("leads are not scored from an anonymous (eNPS) survey")]
    Anonymous,
    /// Too few contacts answered.
    #[error("a lead model needs at least {needed} contacts who answered, not {contacts}")]
    TooFewContacts {
        /// Contacts in the selection.
        contacts: u64,
        /// The minimum.
        needed: u64,
    },
    /// Too few promoters, or too few other contacts, to tell them apart.
    #[error(
        "a lead model needs at least {needed} promoters and {needed} other contacts, \
         not {promoters} promoters of {contacts} contacts"
    )]
    TooFewPerOutcome {
        /// Contacts in the selection.
        contacts: u64,
        /// Of which promoters.
        promoters: u64,
        /// The minimum of each.
        needed: u64,
    },
    /// No contact carries an attribute.
    #[error("no contact carries an attribute to learn from")]
    NoAttributes,
    /// A lead's value is not of its attribute's kind.
    #[error("attribute {attribute:?} holds {expected} values, not {given:?}")]
    WrongKind {
        /// The attribute (a column of a leads file).
        attribute: String,
        /// The kind the model expects.
        expected: &'static str,
        /// The value given.
        given: String,
    },
    /// A saved model does not hold together.
    #[error("the saved lead model is inconsistent: {0}")]
    BadParts(String),
}

/// One attribute value and how it moves the odds of being a promoter.
#[derive(Debug, Clone, PartialEq)]
pub struct Factor {
    /// The attribute.
    pub attribute: String,
    /// Its value as shown: `enterprise`, `(other)`, `(missing)`, or for numbers and dates in
    /// the model's factors `+1 sd (…)`.
    pub value: String,
    /// The change in log-odds of being a promoter against the average contact (positive: more
    /// likely). For `+1 sd` of a number, the change per standard deviation.
    pub effect: f64,
}

/// A lead's score.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadScore {
    /// The chance that the lead would answer 9 or 10, from 0 to 1.
    pub promoter_probability: f64,
    /// The [`LEAD_FACTORS`] attributes that move it most from the average, largest first.
    pub factors: Vec<Factor>,
}

/// The learnt model: the encoding of the attributes and their weights.
#[derive(Debug, Clone, PartialEq)]
pub struct LeadModel {
    pub(crate) encoding: FeatureEncoding,
    pub(crate) intercept: f64,
    pub(crate) weights: Vec<f64>,
    /// The mean of each feature over the training contacts: the average lead.
    pub(crate) averages: Vec<f64>,
}

/// A model with how well it did in cross-validation.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainedModel {
    /// The model, learnt on every contact.
    pub model: LeadModel,
    /// Contacts learnt from (one latest answer each).
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// Cross-validated area under the ROC curve (0.5 = chance).
    pub auc: f64,
    /// Cross-validated Brier score (lower is better).
    pub brier: f64,
    /// The cross-validated predictions by decile against how many were promoters.
    pub calibration: Vec<CalibrationBin>,
}

/// A trained model as plain data, to be saved (as JSON, say) and read back with
/// [`TrainedModel::from_parts`].
#[derive(Debug, Clone, PartialEq)]
pub struct LeadModelParts {
    /// Contacts learnt from.
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// Cross-validated AUC.
    pub auc: f64,
    /// Cross-validated Brier score.
    pub brier: f64,
    /// The calibration table of the cross-validated predictions.
    pub calibration: Vec<CalibrationBin>,
    /// The intercept, in log-odds.
    pub intercept: f64,
    /// The attributes, in feature order.
    pub attributes: Vec<AttributeParts>,
}

/// One attribute of a saved model.
#[derive(Debug, Clone, PartialEq)]
pub struct AttributeParts {
    /// The attribute.
    pub name: String,
    /// Its kind: text and yes/no attributes are encoded by value, numbers and dates
    /// standardised.
    pub kind: AttributeKind,
    /// Text and yes/no: the values with a feature of their own (canonical text); empty
    /// otherwise.
    pub values: Vec<String>,
    /// Numbers and dates: the mean (dates: of days before the answer); 0 otherwise.
    pub mean: f64,
    /// Numbers and dates: the standard deviation used as scale; 0 otherwise.
    pub scale: f64,
    /// One weight per feature: per value, then other, then missing; or the standardised
    /// value, then missing.
    pub weights: Vec<f64>,
    /// The training mean of each feature, in the same order.
    pub averages: Vec<f64>,
}

impl LeadModel {
    /// The attributes the model reads and their kinds, in the model's order: callers read a
    /// lead's text values as these kinds (and report a column whose value does not fit).
    pub fn attribute_kinds(&self) -> Vec<(&str, AttributeKind)> {
        self.encoding
            .attributes
            .iter()
            .map(|attribute| (attribute.name.as_str(), attribute.kind))
            .collect()
    }

    /// Scores a lead; dates count days before `as_of` (usually today). Attributes the model
    /// does not know are ignored, those it knows but the lead lacks count as missing.
    pub fn score(
        &self,
        attributes: &BTreeMap<String, AttributeValue>,
        as_of: Date,
    ) -> Result<LeadScore, LeadError> {
        let slots = self.encoding.encode_lead(attributes, day_of_date(as_of))?;
        let mut log_odds = self.intercept;
        let mut factors = Vec::with_capacity(slots.len());
        for (attribute, (feature, x, value)) in self.encoding.attributes.iter().zip(slots) {
            let contribution = self.weights[feature] * x;
            log_odds += contribution;
            factors.push(Factor {
                attribute: attribute.name.clone(),
                value,
                effect: contribution
                    - self.block_average(attribute.base, attribute.encoding.width()),
            });
        }
        sort_factors(&mut factors);
        factors.truncate(LEAD_FACTORS);
        Ok(LeadScore {
            promoter_probability: sigmoid(log_odds),
            factors,
        })
    }

    /// Every value's effect against the average contact (for numbers and dates, per standard
    /// deviation, and of having no value), largest first. Values no training contact had are
    /// left out.
    pub fn factors(&self) -> Vec<Factor> {
        let mut factors = Vec::new();
        for attribute in &self.encoding.attributes {
            let (base, width) = (attribute.base, attribute.encoding.width());
            let average = self.block_average(base, width);
            for (offset, label) in attribute.encoding.labels().into_iter().enumerate() {
                let feature = base + offset;
                let (value, effect) = match &attribute.encoding {
                    Encoding::Number { scale, .. } if offset == 0 => {
                        (per_sd_label(attribute.kind, *scale), self.weights[feature])
                    }
                    _ if self.averages[feature] == 0.0 => continue,
                    _ => (label, self.weights[feature] - average),
                };
                factors.push(Factor {
                    attribute: attribute.name.clone(),
                    value,
                    effect,
                });
            }
        }
        sort_factors(&mut factors);
        factors
    }

    /// The average contact's contribution from one attribute's block.
    fn block_average(&self, base: usize, width: usize) -> f64 {
        (base..base + width)
            .map(|feature| self.weights[feature] * self.averages[feature])
            .sum()
    }
}

/// Scores a lead with a model (see [`LeadModel::score`]).
pub fn score(
    model: &LeadModel,
    attributes: &BTreeMap<String, AttributeValue>,
    as_of: Date,
) -> Result<LeadScore, LeadError> {
    model.score(attributes, as_of)
}

fn sort_factors(factors: &mut [Factor]) {
    factors.sort_by(|a, b| {
        b.effect
            .abs()
            .total_cmp(&a.effect.abs())
            .then_with(|| a.attribute.cmp(&b.attribute))
            .then_with(|| a.value.cmp(&b.value))
    });
}

fn per_sd_label(kind: AttributeKind, scale: f64) -> String {
    let sd = AttributeValue::Number((scale * 100.0).round() / 100.0).canonical();
    match kind {
        AttributeKind::Date => format!("+1 sd ({sd} days earlier)"),
        _ => format!("+1 sd ({sd})"),
    }
}

/// The fold of a contact: a fixed hash (splitmix64) of its id, so folds never change between
/// runs or machines.
pub fn fold_of(contact: i64) -> u64 {
    let mut z = (contact as u64).wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    (z ^ (z >> 31)) % FOLDS
}

/// Learns a lead model from the latest answer of each contact `query` selects.
pub fn train(index: &ResponseIndex, query: &Query) -> Result<TrainedModel, LeadError> {
    let plan = index.plan(query)?;
    if plan.is_anonymous() {
        return Err(LeadError::Anonymous);
    }
    let rows = index.latest_per_contact(&plan).latest;
    let labels: Vec<bool> = rows
        .iter()
        .map(|&row| index.score_at(row).category() == Category::Promoter)
        .collect();
    let contacts = rows.len() as u64;
    let promoters = labels.iter().filter(|&&label| label).count() as u64;
    if contacts < MIN_CONTACTS {
        return Err(LeadError::TooFewContacts {
            contacts,
            needed: MIN_CONTACTS,
        });
    }
    if promoters < MIN_PER_OUTCOME || contacts - promoters < MIN_PER_OUTCOME {
        return Err(LeadError::TooFewPerOutcome {
            contacts,
            promoters,
            needed: MIN_PER_OUTCOME,
        });
    }
    let all: Vec<u32> = (0..rows.len() as u32).collect();
    let model = fit_model(index, &rows, &labels, &all);
    if model.encoding.attributes.is_empty() {
        return Err(LeadError::NoAttributes);
    }
    let probabilities = cross_validate(index, &rows, &labels);
    Ok(TrainedModel {
        model,
        contacts,
        promoters,
        auc: logistic::auc(&probabilities, &labels).unwrap_or(0.5),
        brier: logistic::brier(&probabilities, &labels).unwrap_or(0.25),
        calibration: logistic::calibration(&probabilities, &labels, CALIBRATION_BINS),
    })
}

/// Each contact's promoter probability from the model learnt on the other folds.
fn cross_validate(index: &ResponseIndex, rows: &[u32], labels: &[bool]) -> Vec<f64> {
    let folds: Vec<u64> = rows
        .iter()
        .map(|&row| fold_of(index.contact_at(row).0))
        .collect();
    let predictions: Vec<Vec<(usize, f64)>> = (0..FOLDS)
        .into_par_iter()
        .map(|fold| {
            let (held, kept): (Vec<u32>, Vec<u32>) =
                (0..rows.len() as u32).partition(|&at| folds[at as usize] == fold);
            let model = fit_model(index, rows, labels, &kept);
            let held_rows: Vec<u32> = held.iter().map(|&at| rows[at as usize]).collect();
            let design = model.encoding.encode_rows(index, &held_rows);
            let fit = model.as_fit();
            held.iter()
                .enumerate()
                .map(|(at, &position)| (position as usize, sigmoid(fit.log_odds(&design, at))))
                .collect()
        })
        .collect();
    let mut probabilities = vec![0.0; rows.len()];
    for (position, probability) in predictions.into_iter().flatten() {
        probabilities[position] = probability;
    }
    probabilities
}

/// Learns encoding and weights on `kept` (positions into `rows` and `labels`).
fn fit_model(index: &ResponseIndex, rows: &[u32], labels: &[bool], kept: &[u32]) -> LeadModel {
    let kept_rows: Vec<u32> = kept.iter().map(|&at| rows[at as usize]).collect();
    let kept_labels: Vec<bool> = kept.iter().map(|&at| labels[at as usize]).collect();
    let encoding = FeatureEncoding::fit(index, &kept_rows);
    let design = encoding.encode_rows(index, &kept_rows);
    let positions: Vec<u32> = (0..kept_rows.len() as u32).collect();
    let fit = logistic::fit(&design, &kept_labels, &positions, PENALTY);
    let mut averages = vec![0.0; encoding.features];
    for (&slot, &value) in design.slots.iter().zip(&design.values) {
        averages[slot as usize] += value;
    }
    let n = kept_rows.len().max(1) as f64;
    averages.iter_mut().for_each(|sum| *sum /= n);
    LeadModel {
        encoding,
        intercept: fit.intercept,
        weights: fit.weights,
        averages,
    }
}

impl LeadModel {
    fn as_fit(&self) -> logistic::LogisticFit {
        logistic::LogisticFit {
            intercept: self.intercept,
            weights: self.weights.clone(),
            iterations: 0,
            converged: true,
        }
    }
}

#[cfg(test)]
#[path = "leads_tests.rs"]
mod tests;
