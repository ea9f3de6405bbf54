//! `vouch bench --teams`, lead scoring: learning the largest survey's model (with its
//! five-fold cross-validation) and scoring leads with it, on the index already loaded.

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::ToSpan;
use vouch_analytics::leads::{LeadError, LeadModelParts, TrainedModel, train};
use vouch_analytics::{Query, ResponseIndex};
use vouch_core::{AttributeKind, AttributeValue};

use super::bench_feedback::median_ms;
use crate::outln;

/// How many leads the scoring is timed on.
const LEADS: usize = 200_000;

/// Times learning the model of `query` and scoring [`LEADS`] leads drawn from its values.
pub fn bench_leads(index: &ResponseIndex, query: &Query, repetitions: usize) -> anyhow::Result<()> {
    let started = Instant::now();
    let trained = match train(index, query) {
        Ok(trained) => trained,
        Err(error) => {
            outln!("  leads: no model ({error})");
            return Ok(());
        }
    };
    let seconds = started.elapsed().as_secs_f64();
    outln!(
        "  leads: trained with 5-fold cross-validation in {seconds:.2} s ({} contacts, AUC {:.3}, Brier {:.4})",
        trained.contacts,
        trained.auc,
        trained.brier
    );
    let today = jiff::Timestamp::now()
        .to_zoned(index.time_zone().clone())
        .date();
    let leads = leads_like(&trained.to_parts(), today);
    let ms = median_ms(repetitions, || -> Result<(), LeadError> {
        for lead in &leads {
            std::hint::black_box(score(&trained, lead, today)?);
        }
        Ok(())
    })?;
    let per_second = leads.len() as f64 / (ms / 1000.0);
    outln!(
        "  leads: scored {} leads in median {ms:.1} ms ({per_second:.0} leads/s, one thread)",
        leads.len()
    );
    Ok(())
}

fn score(
    trained: &TrainedModel,
    lead: &BTreeMap<String, AttributeValue>,
    today: jiff::civil::Date,
) -> Result<f64, LeadError> {
    Ok(trained.model.score(lead, today)?.promoter_probability)
}

/// Leads whose values cycle through what the model learnt: each text value in turn, numbers
/// and dates within three standard deviations of their mean, one in eleven without a value.
fn leads_like(
    parts: &LeadModelParts,
    today: jiff::civil::Date,
) -> Vec<BTreeMap<String, AttributeValue>> {
    (0..LEADS)
        .map(|at| {
            let mut lead = BTreeMap::new();
            for (offset, attribute) in parts.attributes.iter().enumerate() {
                let turn = at + offset * 7;
                if turn % 11 == 0 {
                    continue;
                }
                let spread = ((turn % 7) as f64 - 3.0) / 3.0;
                let value = match attribute.kind {
                    AttributeKind::String if attribute.values.is_empty() => continue,
                    AttributeKind::String => AttributeValue::String(
                        attribute.values[turn % attribute.values.len()].clone(),
                    ),
                    AttributeKind::Boolean => AttributeValue::Boolean(turn % 2 == 0),
                    AttributeKind::Number => {
                        AttributeValue::Number(attribute.mean + spread * attribute.scale)
                    }
                    AttributeKind::Date => {
                        let days = (attribute.mean + spread * attribute.scale).round() as i64;
                        match today.checked_sub(days.days()) {
                            Ok(date) => AttributeValue::Date(date),
                            Err(_) => continue,
                        }
                    }
                };
                lead.insert(attribute.name.clone(), value);
            }
            lead
        })
        .collect()
}
