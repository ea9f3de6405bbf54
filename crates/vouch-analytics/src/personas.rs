//! Promoter personas: which attribute values over-index among promoters. Each contact counts
//! once, with its latest answer in the selection and the attributes it had then.

use rayon::prelude::*;
use vouch_core::share::{Lift, lift};
use vouch_core::{Category, Histogram, NpsFigures};

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};

/// Groups with fewer contacts than this are left out unless the caller says otherwise.
pub const DEFAULT_MIN_CONTACTS: u64 = 30;

/// One attribute value (or band) and how its contacts answered.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaRow {
    /// The attribute.
    pub attribute: String,
    /// Its value as shown: `Enterprise`, `true`, `[120, 480)`.
    pub value: String,
    /// Its contacts' latest answers, as 0–10 counts (one per contact).
    pub histogram: Histogram,
    /// NPS, margin of error and the category split of its contacts.
    pub figures: NpsFigures,
    /// Its promoter share.
    pub promoter_share: f64,
    /// Its promoter share ÷ the selection's, with the 95 % interval.
    pub lift: Lift,
}

/// The personas of a selection.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaReport {
    /// Contacts in the selection.
    pub contacts: u64,
    /// Of which promoters.
    pub promoters: u64,
    /// `promoters / contacts` (`None` without contacts).
    pub promoter_share: Option<f64>,
    /// Every value with at least the minimum of contacts, highest lift first.
    pub rows: Vec<PersonaRow>,
}

impl PersonaReport {
    /// The strongest rises beyond chance (interval above 1), at most one per attribute and
    /// `limit` in all, strongest first: what the ideal customer looks like.
    pub fn ideal_customer(&self, limit: usize) -> Vec<&PersonaRow> {
        let mut chosen: Vec<&PersonaRow> = Vec::new();
        for row in &self.rows {
            if chosen.len() == limit {
                break;
            }
            if row.lift.is_significant_rise()
                && !chosen.iter().any(|other| other.attribute == row.attribute)
            {
                chosen.push(row);
            }
        }
        chosen
    }
}

/// The personas of `query`'s selection: one row per value of every attribute its contacts
/// carry, rows under `min_contacts` left out.
pub fn personas(
    index: &ResponseIndex,
    query: &Query,
    min_contacts: u64,
) -> Result<PersonaReport, QueryError> {
    let plan = index.plan(query)?;
    let answers = index.latest_per_contact(&plan);
    let rows = &answers.latest;
    let promoters = rows
        .iter()
        .filter(|&&row| index.score_at(row).category() == Category::Promoter)
        .count() as u64;
    let contacts = rows.len() as u64;
    let mut attributes: Vec<(&String, &usize)> = index.attribute_by_name.iter().collect();
    attributes.sort();
    // Each attribute's rows are counted on their own, in parallel.
    let per_attribute: Vec<Vec<PersonaRow>> = attributes
        .par_iter()
        .map(|&(name, &column)| {
            attribute_rows(
                index,
                name,
                column,
                rows,
                (promoters, contacts),
                min_contacts,
            )
        })
        .collect();
    let mut persona_rows: Vec<PersonaRow> = per_attribute.into_iter().flatten().collect();
    persona_rows.sort_by(|a, b| {
        b.lift
            .lift
            .total_cmp(&a.lift.lift)
            .then_with(|| b.figures.responses.cmp(&a.figures.responses))
            .then_with(|| a.attribute.cmp(&b.attribute))
            .then_with(|| a.value.cmp(&b.value))
    });
    Ok(PersonaReport {
        contacts,
        promoters,
        promoter_share: (contacts > 0).then(|| promoters as f64 / contacts as f64),
        rows: persona_rows,
    })
}

/// The persona rows of one attribute over the contacts' latest `rows`, given the selection's
/// `(promoters, contacts)`.
fn attribute_rows(
    index: &ResponseIndex,
    name: &str,
    column: usize,
    rows: &[u32],
    (promoters, contacts): (u64, u64),
    min_contacts: u64,
) -> Vec<PersonaRow> {
    let groups = index.value_groups(column, rows);
    let mut histograms = vec![Histogram::default(); groups.labels.len()];
    for (&row, group) in rows.iter().zip(&groups.group_of_row) {
        if let Some(group) = group {
            histograms[*group].add(index.score_at(row));
        }
    }
    let mut found = Vec::new();
    for (label, histogram) in groups.labels.into_iter().zip(histograms) {
        let n = histogram.responses();
        if n == 0 || n < min_contacts {
            continue;
        }
        let Some(lift) = lift(histogram.promoters(), n, promoters, contacts) else {
            continue;
        };
        found.push(PersonaRow {
            attribute: name.to_owned(),
            value: label,
            figures: NpsFigures::from_histogram(&histogram),
            promoter_share: histogram.promoters() as f64 / n as f64,
            histogram,
            lift,
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn values_are_counted_per_contact_and_sorted_by_lift() {
        let mut answers = Vec::new();
        // Ten enterprise contacts, eight promoters; ten free ones, two promoters. Contact 1
        // first answered 0 as a free user: only its latest answer counts.
        answers.push(answer(1, 1, 0, "2025-01-01", &[("plan", "free")]));
        for contact in 1..=20i64 {
            let enterprise = contact <= 10;
            let promoter = if enterprise {
                contact <= 8
            } else {
                contact <= 12
            };
            let plan = if enterprise { "enterprise" } else { "free" };
            let score = if promoter { 10 } else { 3 };
            answers.push(answer(
                contact + 1,
                contact,
                score,
                "2026-01-01",
                &[("plan", plan)],
            ));
        }
        let index = index_of(&answers);
        let report = personas(&index, &Query::default(), 5).expect("personas");
        assert_eq!((report.contacts, report.promoters), (20, 10));
        let values: Vec<(&str, u64, f64)> = report
            .rows
            .iter()
            .map(|row| (row.value.as_str(), row.figures.responses, row.lift.lift))
            .collect();
        assert_eq!(values, vec![("enterprise", 10, 1.6), ("free", 10, 0.4)]);
        assert_eq!(report.rows[0].figures.nps, Some(60.0));
        assert!(report.rows[0].lift.low < 1.6 && report.rows[0].lift.high > 1.6);
        // Groups under the minimum are left out.
        let strict = personas(&index, &Query::default(), 11).expect("personas");
        assert!(strict.rows.is_empty());
    }
}
