//! The leads page's "likely objections": per value of a text or yes/no attribute the model
//! reads, the themes and tags that segment's detractors name most
//! (`analytics::objections`), and for a scored lead those of the segments it belongs to.

use std::collections::BTreeMap;

use vouch_analytics::leads::LeadModelParts;
use vouch_analytics::objections::{SegmentObjections, likely_objections};
use vouch_analytics::theme_report::ThemeEntry;
use vouch_analytics::{Query, ResponseIndex};
use vouch_charts::format_count;
use vouch_core::{AttributeKind, AttributeValue};

/// How many themes a segment lists.
const OBJECTIONS_PER_SEGMENT: usize = 3;

/// How many segments the page lists, those with the most detractors first.
const SEGMENT_ROWS: usize = 12;

/// One segment's likely objections, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ObjectionLine {
    pub(crate) attribute: String,
    pub(crate) value: String,
    /// `24 detractors`.
    pub(crate) detractors: String,
    /// `pricing (9, 38 %)`, most named first.
    pub(crate) themes: Vec<String>,
}

impl ObjectionLine {
    fn of(segment: &SegmentObjections) -> ObjectionLine {
        ObjectionLine {
            attribute: segment.attribute.clone(),
            value: segment.value.clone(),
            detractors: match segment.detractors {
                1 => "1 detractor".to_owned(),
                n => format!("{} detractors", format_count(n)),
            },
            themes: segment
                .objections
                .iter()
                .map(|objection| {
                    format!(
                        "{}{} ({}, {:.0} %)",
                        if objection.is_tag { "tag " } else { "" },
                        objection.label,
                        format_count(objection.detractors),
                        objection.share * 100.0
                    )
                })
                .collect(),
        }
    }
}

/// The likely objections of every segment of the model's text and yes/no attributes over the
/// page's selection; none when the selection cannot be counted.
pub(crate) fn objection_lines(
    index: &ResponseIndex,
    query: &Query,
    parts: &LeadModelParts,
    entries: &[ThemeEntry],
) -> Vec<ObjectionLine> {
    let attributes: Vec<&str> = parts
        .attributes
        .iter()
        .filter(|attribute| {
            matches!(
                attribute.kind,
                AttributeKind::String | AttributeKind::Boolean
            )
        })
        .map(|attribute| attribute.name.as_str())
        .collect();
    let found = likely_objections(index, query, &attributes, entries, OBJECTIONS_PER_SEGMENT)
        .unwrap_or_default();
    found
        .iter()
        .take(SEGMENT_ROWS)
        .map(ObjectionLine::of)
        .collect()
}

/// The lines of the segments a lead belongs to.
pub(crate) fn lead_objections(
    lines: &[ObjectionLine],
    lead: &BTreeMap<String, AttributeValue>,
) -> Vec<ObjectionLine> {
    lines
        .iter()
        .filter(|line| {
            lead.get(&line.attribute)
                .is_some_and(|value| value.canonical() == line.value)
        })
        .cloned()
        .collect()
}
