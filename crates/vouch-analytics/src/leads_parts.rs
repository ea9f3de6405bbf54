//! A trained lead model to and from plain data, for saving.

use std::collections::HashSet;

use vouch_core::AttributeKind;

use crate::leads::{AttributeParts, LeadError, LeadModel, LeadModelParts, TrainedModel};
use crate::leads_features::{Encoding, FeatureEncoding};

impl TrainedModel {
    /// The model as plain data.
    pub fn to_parts(&self) -> LeadModelParts {
        let model = &self.model;
        let attributes = model
            .encoding
            .attributes
            .iter()
            .map(|attribute| {
                let features = attribute.base..attribute.base + attribute.encoding.width();
                let (values, mean, scale) = match &attribute.encoding {
                    Encoding::Values { values, .. } => (values.clone(), 0.0, 0.0),
                    Encoding::Number { mean, scale } => (Vec::new(), *mean, *scale),
                };
                AttributeParts {
                    name: attribute.name.clone(),
                    kind: attribute.kind,
                    values,
                    mean,
                    scale,
                    weights: model.weights[features.clone()].to_vec(),
                    averages: model.averages[features].to_vec(),
                }
            })
            .collect();
        LeadModelParts {
            contacts: self.contacts,
            promoters: self.promoters,
            auc: self.auc,
            brier: self.brier,
            calibration: self.calibration.clone(),
            intercept: model.intercept,
            attributes,
        }
    }

    /// The model saved by [`TrainedModel::to_parts`]; an error naming what does not fit when
    /// the parts are inconsistent (lengths, scales, repeated names or values).
    pub fn from_parts(parts: LeadModelParts) -> Result<TrainedModel, LeadError> {
        let bad = |message: String| Err(LeadError::BadParts(message));
        if !parts.intercept.is_finite() {
            return bad("the intercept is not a finite number".into());
        }
        let in_unit = |x: f64| (0.0..=1.0).contains(&x);
        if !parts
            .calibration
            .iter()
            .all(|bin| in_unit(bin.predicted) && in_unit(bin.observed))
        {
            return bad("a calibration bin holds a share outside 0–1".into());
        }
        let mut names = HashSet::new();
        let mut blocks = Vec::new();
        let (mut weights, mut averages) = (Vec::new(), Vec::new());
        for attribute in parts.attributes {
            if !names.insert(attribute.name.clone()) {
                return bad(format!("attribute {:?} appears twice", attribute.name));
            }
            let encoding = encoding_of(&attribute)?;
            let width = encoding.width();
            if attribute.weights.len() != width || attribute.averages.len() != width {
                return bad(format!(
                    "attribute {:?} needs {width} weights and averages",
                    attribute.name
                ));
            }
            if !attribute
                .weights
                .iter()
                .chain(&attribute.averages)
                .all(|x| x.is_finite())
            {
                return bad(format!(
                    "attribute {:?} has a weight that is not finite",
                    attribute.name
                ));
            }
            weights.extend(attribute.weights);
            averages.extend(attribute.averages);
            blocks.push((attribute.name, attribute.kind, encoding));
        }
        Ok(TrainedModel {
            model: LeadModel {
                encoding: FeatureEncoding::new(blocks),
                intercept: parts.intercept,
                weights,
                averages,
            },
            contacts: parts.contacts,
            promoters: parts.promoters,
            auc: parts.auc,
            brier: parts.brier,
            calibration: parts.calibration,
        })
    }
}

/// The encoding an attribute's parts describe.
fn encoding_of(attribute: &AttributeParts) -> Result<Encoding, LeadError> {
    match attribute.kind {
        AttributeKind::String | AttributeKind::Boolean => {
            let distinct: HashSet<&String> = attribute.values.iter().collect();
            if distinct.len() != attribute.values.len() {
                return Err(LeadError::BadParts(format!(
                    "attribute {:?} lists a value twice",
                    attribute.name
                )));
            }
            Ok(Encoding::values(attribute.values.clone()))
        }
        AttributeKind::Number | AttributeKind::Date => {
            let positive = attribute.scale.is_finite() && attribute.scale > 0.0;
            if !attribute.mean.is_finite() || !positive {
                return Err(LeadError::BadParts(format!(
                    "attribute {:?} needs a finite mean and a positive scale",
                    attribute.name
                )));
            }
            Ok(Encoding::Number {
                mean: attribute.mean,
                scale: attribute.scale,
            })
        }
    }
}
