//! What the leads page shows, built from a saved model: its quality in sentences, the
//! calibration by decile, the strongest factors, and the score form's fields and result.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use vouch_analytics::leads::{Factor, LeadModelParts, TrainedModel};
use vouch_charts::format_count;
use vouch_core::{AttributeKind, AttributeValue};

/// The query parameter of a lead's attribute in the score form: `lead.plan`.
pub(crate) const LEAD_PREFIX: &str = "lead.";

/// How many factors the page lists.
const FACTOR_ROWS: usize = 15;

/// One decile of the calibration table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DecileLine {
    /// 1 to 10.
    pub(crate) decile: usize,
    pub(crate) contacts: String,
    /// `31 %`.
    pub(crate) predicted: String,
    pub(crate) observed: String,
    /// Bar widths in percent of the cell.
    pub(crate) predicted_width: u32,
    pub(crate) observed_width: u32,
}

/// One factor, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FactorLine {
    pub(crate) attribute: String,
    pub(crate) value: String,
    /// `+0.84`.
    pub(crate) effect: String,
    /// `×2.3 the odds`.
    pub(crate) odds: String,
    /// True when it makes a promoter likelier.
    pub(crate) raises: bool,
}

impl FactorLine {
    fn of(factor: &Factor) -> FactorLine {
        FactorLine {
            attribute: factor.attribute.clone(),
            value: factor.value.clone(),
            effect: format!("{:+.2}", factor.effect),
            odds: format!("×{:.2} the odds", factor.effect.exp()),
            raises: factor.effect > 0.0,
        }
    }
}

/// One field of the score form: an attribute the model reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeadField {
    /// `lead.plan`.
    pub(crate) name: String,
    /// `lead-plan`, for the label.
    pub(crate) id: String,
    /// The attribute.
    pub(crate) label: String,
    /// `text`, `number`, `date` or `boolean`.
    pub(crate) kind: &'static str,
    /// What was typed.
    pub(crate) value: String,
    /// The values the model learnt (text), for a list of suggestions.
    pub(crate) options: Vec<String>,
    /// What is wrong with the value typed, if anything.
    pub(crate) error: Option<String>,
}

/// A scored lead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeadResult {
    /// `72 %`.
    pub(crate) probability: String,
    /// In one sentence.
    pub(crate) sentence: String,
    pub(crate) factors: Vec<FactorLine>,
}

/// The model's quality in sentences, and its tables.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ModelView {
    /// When and from whom it was learnt.
    pub(crate) learnt: String,
    /// `0.83`.
    pub(crate) auc: String,
    /// What the AUC says.
    pub(crate) auc_sentence: String,
    /// What the Brier score says.
    pub(crate) brier_sentence: String,
    pub(crate) deciles: Vec<DecileLine>,
    pub(crate) factors: Vec<FactorLine>,
}

fn percent(share: f64) -> String {
    format!("{:.0} %", share * 100.0)
}

/// The view of a model learnt at `trained_at`, dated in the workspace's zone.
pub(crate) fn model_view(
    trained: &TrainedModel,
    trained_at: Timestamp,
    time_zone: &TimeZone,
) -> ModelView {
    let share = trained.promoters as f64 / trained.contacts.max(1) as f64;
    let date = trained_at.to_zoned(time_zone.clone()).date();
    let learnt = format!(
        "Learnt on {date} from {} contacts, {} of them promoters ({}), each with its latest answer \
         and the attributes it had then.",
        format_count(trained.contacts),
        format_count(trained.promoters),
        percent(share)
    );
    let auc_sentence = format!(
        "On contacts it had not seen (five-fold cross-validation): pick a promoter and another \
         contact at random, and {:.0} times in 100 the model gives the promoter the higher chance \
         (50 would be a coin toss).",
        trained.auc * 100.0
    );
    let brier_sentence = format!(
        "Brier score {:.3}, against {:.3} for always guessing the promoter share: the lower, the \
         closer its chances come to what happened.",
        trained.brier,
        share * (1.0 - share)
    );
    let width = |x: f64| (x * 100.0).round().clamp(0.0, 100.0) as u32;
    let deciles = trained
        .calibration
        .iter()
        .enumerate()
        .map(|(at, bin)| DecileLine {
            decile: at + 1,
            contacts: format_count(bin.rows),
            predicted: percent(bin.predicted),
            observed: percent(bin.observed),
            predicted_width: width(bin.predicted),
            observed_width: width(bin.observed),
        })
        .collect();
    let factors = trained
        .model
        .factors()
        .iter()
        .take(FACTOR_ROWS)
        .map(FactorLine::of)
        .collect();
    ModelView {
        learnt,
        auc: format!("{:.2}", trained.auc),
        auc_sentence,
        brier_sentence,
        deciles,
        factors,
    }
}

/// The score form's fields, with what `pairs` typed, and the lead they describe (`None` when
/// a value does not fit; the field says why).
pub(crate) fn lead_fields(
    parts: &LeadModelParts,
    pairs: &[(String, String)],
) -> (Vec<LeadField>, Option<BTreeMap<String, AttributeValue>>) {
    let mut attributes = BTreeMap::new();
    let mut fits = true;
    let fields = parts
        .attributes
        .iter()
        .map(|attribute| {
            let name = format!("{LEAD_PREFIX}{}", attribute.name);
            let value = pairs
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.trim().to_owned())
                .unwrap_or_default();
            let mut error = None;
            if !value.is_empty() {
                match AttributeValue::parse_as(&value, attribute.kind) {
                    Ok(parsed) => {
                        attributes.insert(attribute.name.clone(), parsed);
                    }
                    Err(problem) => {
                        fits = false;
                        error = Some(problem.to_string());
                    }
                }
            }
            let (kind, options) = match attribute.kind {
                AttributeKind::String => ("text", attribute.values.clone()),
                AttributeKind::Boolean => ("boolean", Vec::new()),
                AttributeKind::Number => ("number", Vec::new()),
                AttributeKind::Date => ("date", Vec::new()),
            };
            LeadField {
                id: format!("lead-{}", slug(&attribute.name)),
                name,
                label: attribute.name.clone(),
                kind,
                value,
                options,
                error,
            }
        })
        .collect();
    (fields, fits.then_some(attributes))
}

/// An id-safe form of an attribute name.
fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// A scored lead in words.
pub(crate) fn lead_result(score: &vouch_analytics::leads::LeadScore) -> LeadResult {
    let probability = percent(score.promoter_probability);
    let sentence = match score.factors.first() {
        Some(top) => format!(
            "This lead has a {probability} chance of being a promoter; {} = {} moves it most ({}).",
            top.attribute,
            top.value,
            if top.effect > 0.0 { "up" } else { "down" }
        ),
        None => format!("This lead has a {probability} chance of being a promoter."),
    };
    LeadResult {
        probability,
        sentence,
        factors: score.factors.iter().map(FactorLine::of).collect(),
    }
}

#[cfg(test)]
mod tests {
    use vouch_analytics::leads::AttributeParts;

    use super::*;

    fn parts() -> LeadModelParts {
        let attribute = |name: &str, kind, values: &[&str]| AttributeParts {
            name: name.into(),
            kind,
            values: values.iter().map(|value| (*value).to_owned()).collect(),
            mean: 1.0,
            scale: 1.0,
            weights: Vec::new(),
            averages: Vec::new(),
        };
        LeadModelParts {
            contacts: 100,
            promoters: 40,
            auc: 0.8,
            brier: 0.2,
            calibration: Vec::new(),
            intercept: 0.0,
            attributes: vec![
                attribute("plan", AttributeKind::String, &["free", "pro"]),
                attribute("seats", AttributeKind::Number, &[]),
                attribute("signed_up", AttributeKind::Date, &[]),
            ],
        }
    }

    fn pairs(given: &[(&str, &str)]) -> Vec<(String, String)> {
        given
            .iter()
            .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_reads_each_attribute_as_its_kind_and_names_what_does_not_fit() {
        let (fields, lead) = lead_fields(
            &parts(),
            &pairs(&[("lead.plan", " pro "), ("lead.seats", "12"), ("other", "x")]),
        );
        let kinds: Vec<&str> = fields.iter().map(|field| field.kind).collect();
        assert_eq!(kinds, ["text", "number", "date"]);
        assert_eq!(fields[0].options, ["free", "pro"]);
        assert_eq!(fields[0].value, "pro");
        let lead = lead.expect("a lead");
        assert_eq!(
            lead.get("plan"),
            Some(&AttributeValue::String("pro".into()))
        );
        assert_eq!(lead.get("seats"), Some(&AttributeValue::Number(12.0)));
        assert!(
            !lead.contains_key("signed_up"),
            "an empty field is a missing value"
        );

        let (fields, lead) = lead_fields(
            &parts(),
            &pairs(&[("lead.seats", "many"), ("lead.signed_up", "2026-13-01")]),
        );
        assert_eq!(lead, None, "a value that does not fit scores nothing");
        assert!(
            fields[1]
                .error
                .as_deref()
                .is_some_and(|e| e.contains("many"))
        );
        assert!(fields[2].error.is_some());
        assert!(fields[0].error.is_none());
    }
}
