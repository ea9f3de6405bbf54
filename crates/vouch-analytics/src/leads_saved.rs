//! A survey's lead model as the store keeps it: JSON written and read here only, and when the
//! nightly training is due.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use vouch_core::AttributeKind;
use vouch_core::logistic::CalibrationBin;
use vouch_store::{Store, StoreError, SurveyId, WorkspaceId};

use crate::leads::{AttributeParts, LeadError, LeadModelParts, TrainedModel};

/// The version of the saved JSON: a model saved in another is learnt again rather than read.
const FORMAT: u32 = 1;

/// The local hour at which the nightly training runs.
pub const NIGHTLY_HOUR: i8 = 3;

#[derive(Serialize, Deserialize)]
struct ModelJson {
    format: u32,
    contacts: u64,
    promoters: u64,
    auc: f64,
    brier: f64,
    intercept: f64,
    calibration: Vec<BinJson>,
    attributes: Vec<AttributeJson>,
}

#[derive(Serialize, Deserialize)]
struct BinJson {
    rows: u64,
    predicted: f64,
    observed: f64,
}

#[derive(Serialize, Deserialize)]
struct AttributeJson {
    name: String,
    kind: String,
    values: Vec<String>,
    mean: f64,
    scale: f64,
    weights: Vec<f64>,
    averages: Vec<f64>,
}

/// A model read back from the store, with when it was learnt.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedModel {
    /// The model and its cross-validated quality.
    pub trained: TrainedModel,
    /// When it was learnt.
    pub trained_at: Timestamp,
}

/// The model as the JSON the store keeps.
pub fn to_json(trained: &TrainedModel) -> String {
    let parts = trained.to_parts();
    let json = ModelJson {
        format: FORMAT,
        contacts: parts.contacts,
        promoters: parts.promoters,
        auc: parts.auc,
        brier: parts.brier,
        intercept: parts.intercept,
        calibration: parts
            .calibration
            .iter()
            .map(|bin| BinJson {
                rows: bin.rows,
                predicted: bin.predicted,
                observed: bin.observed,
            })
            .collect(),
        attributes: parts
            .attributes
            .into_iter()
            .map(|attribute| AttributeJson {
                name: attribute.name,
                kind: attribute.kind.as_str().to_owned(),
                values: attribute.values,
                mean: attribute.mean,
                scale: attribute.scale,
                weights: attribute.weights,
                averages: attribute.averages,
            })
            .collect(),
    };
    // Plain data with string keys and finite numbers always serialises.
    serde_json::to_string(&json).unwrap_or_default()
}

/// The model the JSON of [`to_json`] holds; an error naming what does not fit otherwise.
pub fn from_json(text: &str) -> Result<TrainedModel, LeadError> {
    let json: ModelJson = serde_json::from_str(text)
        .map_err(|error| LeadError::BadParts(format!("unreadable JSON: {error}")))?;
    if json.format != FORMAT {
        return Err(LeadError::BadParts(format!(
            "format {} is not {FORMAT}",
            json.format
        )));
    }
    let attributes = json
        .attributes
        .into_iter()
        .map(|attribute| {
            let kind = AttributeKind::parse(&attribute.kind).ok_or_else(|| {
                LeadError::BadParts(format!("unknown attribute kind {:?}", attribute.kind))
            })?;
            Ok(AttributeParts {
                name: attribute.name,
                kind,
                values: attribute.values,
                mean: attribute.mean,
                scale: attribute.scale,
                weights: attribute.weights,
                averages: attribute.averages,
            })
        })
        .collect::<Result<Vec<_>, LeadError>>()?;
    TrainedModel::from_parts(LeadModelParts {
        contacts: json.contacts,
        promoters: json.promoters,
        auc: json.auc,
        brier: json.brier,
        calibration: json
            .calibration
            .iter()
            .map(|bin| CalibrationBin {
                rows: bin.rows,
                predicted: bin.predicted,
                observed: bin.observed,
            })
            .collect(),
        intercept: json.intercept,
        attributes,
    })
}

/// Now, to the millisecond the store keeps: the time a model is learnt at, so that it reads
/// back the same.
pub fn trained_now() -> Timestamp {
    let now = Timestamp::now();
    Timestamp::from_millisecond(now.as_millisecond()).unwrap_or(now)
}

/// Saves a model learnt at `trained_at` as the survey's, replacing the one before.
pub async fn save(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: SurveyId,
    trained: &TrainedModel,
    trained_at: Timestamp,
) -> Result<(), StoreError> {
    store
        .save_lead_model(workspace, survey, &to_json(trained), trained_at)
        .await
}

/// The survey's saved model, if one was learnt; a model that no longer reads back (saved by
/// another version) counts as none, so it is learnt again.
pub async fn load(
    store: &dyn Store,
    workspace: WorkspaceId,
    survey: SurveyId,
) -> Result<Option<SavedModel>, StoreError> {
    let Some(saved) = store.lead_model(workspace, survey).await? else {
        return Ok(None);
    };
    match from_json(&saved.model) {
        Ok(trained) => Ok(Some(SavedModel {
            trained,
            trained_at: saved.trained_at,
        })),
        Err(error) => {
            tracing::warn!(%error, survey = survey.0, "a saved lead model does not read back");
            Ok(None)
        }
    }
}

/// Whether a survey's model learnt at `trained_at` (never: `None`) is due to be learnt again
/// at `now`: when the last [`NIGHTLY_HOUR`] o'clock in `time_zone` at or before `now` came
/// after it. A server that was down at that hour learns once when it is back, not once per
/// night missed.
pub fn nightly_due(trained_at: Option<Timestamp>, now: Timestamp, time_zone: &TimeZone) -> bool {
    let Some(trained_at) = trained_at else {
        return true;
    };
    let hour_of = |date: jiff::civil::Date| {
        date.at(NIGHTLY_HOUR, 0, 0, 0)
            .to_zoned(time_zone.clone())
            .ok()
            .map(|zoned| zoned.timestamp())
    };
    let today = now.to_zoned(time_zone.clone()).date();
    let last = match hour_of(today) {
        Some(tonight) if tonight <= now => Some(tonight),
        _ => today.yesterday().ok().and_then(hour_of),
    };
    let Some(last) = last else {
        return false;
    };
    trained_at < last
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        text.parse().expect("a timestamp")
    }

    #[test]
    fn the_nightly_training_falls_due_once_after_three_local_time() {
        let paris = TimeZone::get("Europe/Paris").expect("tz");
        // 03:00 in Paris on 2026-12-08 is 02:00 UTC.
        let trained = Some(at("2026-12-07T02:30:00Z"));
        assert!(!nightly_due(trained, at("2026-12-08T01:59:00Z"), &paris));
        assert!(nightly_due(trained, at("2026-12-08T02:00:00Z"), &paris));
        // Learnt just after: not due again until the next night.
        let again = Some(at("2026-12-08T02:00:05Z"));
        assert!(!nightly_due(again, at("2026-12-08T23:00:00Z"), &paris));
        assert!(nightly_due(again, at("2026-12-09T02:00:00Z"), &paris));
        // Down for three nights: due once when back.
        assert!(nightly_due(trained, at("2026-12-11T12:00:00Z"), &paris));
        assert!(nightly_due(None, at("2026-12-11T12:00:00Z"), &paris));
    }

    #[test]
    fn the_night_of_a_clock_change_still_has_its_hour() {
        // Europe/Paris moves from 03:00 back to 02:00 on 2026-10-25: 03:00 happens once, at
        // 02:00 UTC; on 2026-03-29 02:00 jumps to 03:00, at 01:00 UTC.
        let paris = TimeZone::get("Europe/Paris").expect("tz");
        let trained = Some(at("2026-10-24T12:00:00Z"));
        assert!(!nightly_due(trained, at("2026-10-25T01:30:00Z"), &paris));
        assert!(nightly_due(trained, at("2026-10-25T02:00:00Z"), &paris));
        let spring = Some(at("2026-03-28T12:00:00Z"));
        assert!(nightly_due(spring, at("2026-03-29T01:00:00Z"), &paris));
    }
}
