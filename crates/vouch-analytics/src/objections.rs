//! Likely objections: per value of an attribute (a segment, such as `plan = enterprise`), the
//! themes and tags its detractors name most. Sales reads them beside a lead's score: what a
//! lead of that segment is likely to object to.
//!
//! A segment is shown only with at least [`MIN_DETRACTORS`] detractors, and a theme only when
//! at least two of them name it, so that one loud answer does not become an objection.

use vouch_core::AttributeKind;

use crate::index::ResponseIndex;
use crate::query::{Query, QueryError};
use crate::theme_report::ThemeEntry;

/// Segments with fewer detractors than this are left out.
pub const MIN_DETRACTORS: u64 = 10;

/// Themes named by fewer of a segment's detractors than this are left out.
pub const MIN_MENTIONS: u64 = 2;

/// Attributes with more values than this (an e-mail, a company) are not segments.
pub const MAX_SEGMENTS: usize = 200;

/// One theme a segment's detractors name.
#[derive(Debug, Clone, PartialEq)]
pub struct Objection {
    /// The theme's label or the tag's name.
    pub label: String,
    /// True for a tag.
    pub is_tag: bool,
    /// The segment's detractors naming it.
    pub detractors: u64,
    /// Their share of the segment's detractors, 0…1.
    pub share: f64,
}

/// A segment and what its detractors object to.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentObjections {
    /// The attribute, e.g. `plan`.
    pub attribute: String,
    /// Its value, canonical.
    pub value: String,
    /// The segment's detractors in the selection.
    pub detractors: u64,
    /// The themes its detractors name most, at most `top`, most named first.
    pub objections: Vec<Objection>,
}

/// The likely objections of each value of these attributes (text or yes/no; others are
/// skipped) over `query`'s selection, among `entries`; segments without an objection are left
/// out, the segment with the most detractors first.
pub fn likely_objections(
    index: &ResponseIndex,
    query: &Query,
    attributes: &[&str],
    entries: &[ThemeEntry],
    top: usize,
) -> Result<Vec<SegmentObjections>, QueryError> {
    let mut detractors = query.clone();
    let mut scores = query.scores.unwrap_or([true; 11]);
    scores[7..].fill(false);
    detractors.scores = Some(scores);
    (detractors.bands, detractors.interval, detractors.sum_of) = (Vec::new(), None, None);
    let mut found = Vec::new();
    let surveys = match query.surveys.is_empty() {
        true => index.survey_ids(),
        false => query.surveys.clone(),
    };
    let carried = index.carried_attributes(&surveys);
    for &attribute in attributes {
        let Some(&(_, kind, _)) = carried.iter().find(|(name, ..)| *name == attribute) else {
            continue;
        };
        let column = index.attribute_column(attribute)?;
        if !matches!(kind, AttributeKind::String | AttributeKind::Boolean)
            || index.attributes[column].code_count() > MAX_SEGMENTS + 1
        {
            continue;
        }
        let mut grouped = detractors.clone();
        grouped.group_by = vec![attribute.to_owned()];
        let per_value = group_sizes(index, &grouped)?;
        let mut named: Vec<Vec<Objection>> = vec![Vec::new(); per_value.len()];
        for entry in entries {
            let mut narrowed = grouped.clone();
            narrowed.rows = Some(match &query.rows {
                Some(only) => only & &entry.rows,
                None => entry.rows.clone(),
            });
            for (slot, count) in group_sizes(index, &narrowed)?.into_iter().enumerate() {
                if count >= MIN_MENTIONS && per_value[slot] >= MIN_DETRACTORS {
                    named[slot].push(Objection {
                        label: entry.label.clone(),
                        is_tag: entry.is_tag,
                        detractors: count,
                        share: count as f64 / per_value[slot] as f64,
                    });
                }
            }
        }
        for (slot, mut objections) in named.into_iter().enumerate() {
            let Some(value) = index.value_at_code(column, slot as u32) else {
                continue;
            };
            if objections.is_empty() {
                continue;
            }
            objections.sort_by(|a, b| {
                b.detractors
                    .cmp(&a.detractors)
                    .then_with(|| a.label.cmp(&b.label))
            });
            objections.truncate(top);
            found.push(SegmentObjections {
                attribute: attribute.to_owned(),
                value: value.canonical(),
                detractors: per_value[slot],
                objections,
            });
        }
    }
    found.sort_by_key(|segment| std::cmp::Reverse(segment.detractors));
    Ok(found)
}

/// The number of answers of each group slot of a grouped query.
fn group_sizes(index: &ResponseIndex, query: &Query) -> Result<Vec<u64>, QueryError> {
    let counts = index.run(&index.plan(query)?);
    Ok(counts
        .groups
        .iter()
        .map(|bins| bins.iter().map(|&count| u64::from(count)).sum())
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_rows::{answer, index_of};

    #[test]
    fn each_segment_lists_what_its_own_detractors_name_most() {
        let mut answers = Vec::new();
        // Enterprise: 12 detractors, 8 naming "price"; free: 10 detractors, 6 naming
        // "onboarding", 1 "price"; pro: 3 detractors only; promoters never count.
        let mut plan_of = Vec::new();
        for (count, score, plan) in [
            (12, 2, "enterprise"),
            (10, 5, "free"),
            (3, 0, "pro"),
            (20, 10, "enterprise"),
        ] {
            for _ in 0..count {
                let id = answers.len() as i64 + 1;
                answers.push(answer(id, id, score, "2026-01-10", &[("plan", plan)]));
                plan_of.push(plan);
            }
        }
        let index = index_of(&answers);
        let ids = |range: std::ops::Range<i64>| -> Vec<vouch_store::ResponseId> {
            range.map(vouch_store::ResponseId).collect()
        };
        let entry = |label: &str, ids: Vec<vouch_store::ResponseId>| ThemeEntry {
            id: label.to_owned(),
            label: label.to_owned(),
            keywords: Vec::new(),
            is_tag: false,
            rows: index.rows_of_ids(&ids),
        };
        // Rows 1–12 enterprise detractors, 13–22 free, 23–25 pro, 26–45 enterprise promoters.
        let mut price = ids(1..9);
        price.extend(ids(13..14));
        price.extend(ids(26..45));
        let entries = [entry("price", price), entry("onboarding", ids(14..20))];
        let found = likely_objections(&index, &Query::default(), &["plan"], &entries, 3)
            .expect("objections");
        assert_eq!(found.len(), 2, "pro has too few detractors: {found:?}");
        assert_eq!(
            (found[0].value.as_str(), found[0].detractors),
            ("enterprise", 12)
        );
        assert_eq!(found[0].objections.len(), 1);
        assert_eq!(
            found[0].objections[0].detractors, 8,
            "its promoters do not count"
        );
        assert!((found[0].objections[0].share - 8.0 / 12.0).abs() < 1e-12);
        assert_eq!(found[1].value, "free");
        let labels: Vec<&str> = found[1]
            .objections
            .iter()
            .map(|o| o.label.as_str())
            .collect();
        assert_eq!(labels, ["onboarding"], "one mention is not an objection");
    }
}
