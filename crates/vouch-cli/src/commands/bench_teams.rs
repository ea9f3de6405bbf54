//! `vouch bench --teams`: the per-contact figures — personas, revenue by plan, churn and the
//! at-risk list — of the largest survey and of every survey, and the largest survey's lead
//! model, on the index already loaded.

use vouch_analytics::at_risk::at_risk;
use vouch_analytics::churn::{DEFAULT_WITHIN_DAYS, churn};
use vouch_analytics::personas::{DEFAULT_MIN_CONTACTS, personas};
use vouch_analytics::revenue::revenue;
use vouch_analytics::{Query, ResponseIndex};
use vouch_store::{Store, Workspace};

use super::bench_feedback::median_ms;
use crate::outln;

/// Times the teams' figures and prints one line per figure.
pub async fn bench_teams(
    store: &dyn Store,
    workspace: &Workspace,
    index: &ResponseIndex,
    repetitions: usize,
) -> anyhow::Result<()> {
    let largest = store
        .surveys(workspace.id)
        .await?
        .into_iter()
        .max_by_key(|listing| listing.responses);
    let mut selections = vec![("every survey".to_owned(), Query::default())];
    if let Some(largest) = largest {
        let name = format!(
            "survey {:?} ({} responses)",
            largest.survey.name, largest.responses
        );
        let query = Query {
            surveys: vec![largest.survey.id],
            ..Query::default()
        };
        selections.push((name, query));
    }
    for (name, query) in &selections {
        let plan = index.plan(query)?;
        let contacts = index.latest_per_contact(&plan).len();
        outln!("{name}: {contacts} contacts");
        let ms = median_ms(repetitions, || {
            personas(index, query, DEFAULT_MIN_CONTACTS).map(|report| {
                std::hint::black_box(report);
            })
        })?;
        outln!("  personas: median {ms:.1} ms");
        let ms = median_ms(repetitions, || {
            revenue(index, query, "mrr", Some("plan")).map(|report| {
                std::hint::black_box(report);
            })
        })?;
        outln!("  revenue by plan: median {ms:.1} ms");
        let ms = median_ms(repetitions, || {
            churn(index, query, DEFAULT_WITHIN_DAYS).map(|report| {
                std::hint::black_box(report);
            })
        })?;
        outln!("  churn: median {ms:.1} ms");
        let ms = median_ms(repetitions, || {
            at_risk(index, query, None, "mrr").map(|list| {
                std::hint::black_box(list);
            })
        })?;
        outln!("  accounts at risk: median {ms:.1} ms");
        if !query.surveys.is_empty() {
            super::bench_leads::bench_leads(index, query, repetitions)?;
        }
    }
    Ok(())
}
