//! "Why it moved" on the overview: the largest parts of the change from the period before, by
//! segment, as `analytics::explain` splits it.

use jiff::Timestamp;
use vouch_analytics::explain::{explain, largest_parts};
use vouch_analytics::{Query, ResponseIndex};

/// One part of why the NPS moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MoverLine {
    /// The attribute.
    pub(crate) attribute: String,
    /// `plan = pro`.
    pub(crate) label: String,
    /// `+4.2`.
    pub(crate) points: String,
    /// Whether the segment's own change is significant at 95 %.
    pub(crate) significant: bool,
}

/// The three largest parts of the change from the period before, by segment
/// (`analytics::explain`); none when it cannot be explained.
pub(crate) fn why_it_moved(index: &ResponseIndex, query: &Query) -> Vec<MoverLine> {
    let Ok(explanation) = explain(index, query, Timestamp::now()) else {
        return Vec::new();
    };
    largest_parts(&explanation, WHY_PARTS)
        .into_iter()
        .map(|mover| MoverLine {
            label: format!(
                "{} = {}",
                mover.attribute,
                mover.value.as_deref().unwrap_or("(no value)")
            ),
            attribute: mover.attribute,
            points: format!("{:+.1}", mover.points),
            significant: mover.significant,
        })
        .collect()
}

/// How many parts of "why it moved" the overview lists.
const WHY_PARTS: usize = 3;
