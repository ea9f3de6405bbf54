//! Lead scoring over the wire: the JSON of a model's quality and of a lead's score, shared by
//! `vouch leads train|score` and `/api/v1/leads`, and the one check of a lead's attributes sent
//! as JSON.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Serialize;
use serde_json::Value;
use vouch_analytics::leads::{Factor, LeadError, LeadScore, TrainedModel};
use vouch_core::AttributeValue;
use vouch_core::logistic::CalibrationBin;

use crate::attributes::{Kinds, typed_attributes};
use crate::error::ApiError;
use crate::state::Limits;

/// The most leads one request scores.
pub const MAX_LEADS_PER_REQUEST: usize = 1_000;

/// How many factors a model's summary lists (its strongest values).
pub const MODEL_FACTORS: usize = 20;

/// One attribute value and how it moves the odds of being a promoter.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct FactorJson {
    /// The attribute.
    pub attribute: String,
    /// Its value (`(other)` for a value the model did not learn, `(missing)` for none; numbers
    /// and dates in a model's factors: `+1 sd (…)`).
    pub value: String,
    /// The change in log-odds against the average contact: positive makes a promoter likelier.
    pub effect: f64,
}

impl From<&Factor> for FactorJson {
    fn from(factor: &Factor) -> FactorJson {
        FactorJson {
            attribute: factor.attribute.clone(),
            value: factor.value.clone(),
            effect: factor.effect,
        }
    }
}

/// One decile of the cross-validated predictions.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct CalibrationJson {
    /// Contacts in the decile.
    pub contacts: u64,
    /// Their mean predicted chance of being a promoter.
    pub predicted: f64,
    /// The share of them who are promoters.
    pub observed: f64,
}

impl From<&CalibrationBin> for CalibrationJson {
    fn from(bin: &CalibrationBin) -> CalibrationJson {
        CalibrationJson {
            contacts: bin.rows,
            predicted: bin.predicted,
            observed: bin.observed,
        }
    }
}

/// A survey's lead model: what it learnt from and how well it does on contacts it did not see.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LeadModelJson {
    /// Contacts learnt from (each with its latest answer).
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// Cross-validated area under the ROC curve (0.5 is chance, 1 is perfect).
    pub auc: f64,
    /// Cross-validated Brier score (lower is better).
    pub brier: f64,
    /// When it was learnt (RFC 3339).
    pub trained_at: String,
    /// The strongest values, largest effect first.
    pub factors: Vec<FactorJson>,
    /// The cross-validated predictions by decile, lowest first.
    pub calibration: Vec<CalibrationJson>,
}

impl LeadModelJson {
    /// The summary of a model learnt at `trained_at`.
    pub fn new(trained: &TrainedModel, trained_at: Timestamp) -> LeadModelJson {
        LeadModelJson {
            contacts: trained.contacts,
            promoters: trained.promoters,
            auc: trained.auc,
            brier: trained.brier,
            trained_at: trained_at.to_string(),
            factors: trained
                .model
                .factors()
                .iter()
                .take(MODEL_FACTORS)
                .map(FactorJson::from)
                .collect(),
            calibration: trained
                .calibration
                .iter()
                .map(CalibrationJson::from)
                .collect(),
        }
    }
}

/// A lead's score.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LeadScoreJson {
    /// The chance that the lead would answer 9 or 10, from 0 to 1.
    pub promoter_probability: f64,
    /// The three attributes that move it most from the average contact, largest first.
    pub factors: Vec<FactorJson>,
}

impl From<&LeadScore> for LeadScoreJson {
    fn from(score: &LeadScore) -> LeadScoreJson {
        LeadScoreJson {
            promoter_probability: score.promoter_probability,
            factors: score.factors.iter().map(FactorJson::from).collect(),
        }
    }
}

/// The model that scored a batch.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ScoringModelJson {
    /// Its cross-validated AUC.
    pub auc: f64,
    /// When it was learnt (RFC 3339).
    pub trained_at: String,
}

/// The scores of a batch of leads, in the order given.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct LeadScoresJson {
    /// The model used.
    pub model: ScoringModelJson,
    /// One score per lead.
    pub scores: Vec<LeadScoreJson>,
}

/// The factors of a score in one line, as a CSV cell or a table shows them:
/// `plan=enterprise (+0.84); seats=(missing) (−0.20)`.
pub fn factors_line(factors: &[Factor]) -> String {
    factors
        .iter()
        .map(|factor| {
            format!(
                "{}={} ({:+.2})",
                factor.attribute, factor.value, factor.effect
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A lead's attributes sent as JSON, typed by the workspace's kinds; errors name
/// `{field}.{attribute}`: an attribute the workspace does not know, a value of another kind.
pub fn lead_attributes(
    given: &BTreeMap<String, Value>,
    kinds: &Kinds,
    limits: &Limits,
    field: &str,
) -> Result<BTreeMap<String, AttributeValue>, ApiError> {
    let typed = typed_attributes(given, kinds, limits, field)?;
    if let Some(unknown) = typed.new_definitions.first() {
        let mut known: Vec<&str> = kinds.keys().map(String::as_str).collect();
        known.sort_unstable();
        return Err(ApiError::validation(
            format!("{field}.{}", unknown.name),
            vouch_core::attribute::unknown_attribute_message(&unknown.name, &known),
        ));
    }
    Ok(typed.values)
}

/// The error of a lead the model cannot read, naming `{field}.{attribute}`.
pub fn lead_error(error: LeadError, field: &str) -> ApiError {
    match error {
        LeadError::WrongKind { ref attribute, .. } => {
            ApiError::validation(format!("{field}.{attribute}"), error.to_string())
        }
        other => ApiError::validation(field, other.to_string()),
    }
}
