//! "Why it moved" on the overview: the largest parts of the change from the period before, by
//! segment and by theme, as `analytics::explain` splits it.

use jiff::Timestamp;
use vouch_analytics::explain::{
    Mover, MoverSource, explain, largest_parts, largest_theme_parts, theme_parts,
};
use vouch_analytics::theme_report::ThemeEntry;
use vouch_analytics::{Query, ResponseIndex};

/// One part of why the NPS moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MoverLine {
    /// The attribute, or the theme's label: what the line is about, for scripts and tests.
    pub(crate) key: String,
    /// `plan = pro`, `theme “Slow support”`.
    pub(crate) label: String,
    /// `+4.2`.
    pub(crate) points: String,
    /// Whether the part's own change is significant at 95 %.
    pub(crate) significant: bool,
}

/// The largest parts of a change, by segment and by theme.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WhyMoved {
    /// By value of a text or yes/no attribute; they come from one partition per attribute.
    pub(crate) segments: Vec<MoverLine>,
    /// By theme or tag: each its answers against all the others.
    pub(crate) themes: Vec<MoverLine>,
}

impl WhyMoved {
    /// True when there is nothing to list.
    pub(crate) fn is_empty(&self) -> bool {
        self.segments.is_empty() && self.themes.is_empty()
    }
}

/// The three largest parts of the change from the period before by segment, and by theme
/// among `themes` (`analytics::explain`); none when it cannot be explained.
pub(crate) fn why_it_moved(
    index: &ResponseIndex,
    query: &Query,
    themes: &[ThemeEntry],
) -> WhyMoved {
    let Ok(mut explanation) = explain(index, query, Timestamp::now()) else {
        return WhyMoved::default();
    };
    let segments = largest_parts(&explanation, WHY_PARTS);
    let themes = match theme_parts(index, query, &mut explanation, themes) {
        Ok(()) => largest_theme_parts(&explanation, WHY_PARTS),
        Err(_) => Vec::new(),
    };
    WhyMoved {
        segments: segments.into_iter().map(line).collect(),
        themes: themes.into_iter().map(line).collect(),
    }
}

fn line(mover: Mover) -> MoverLine {
    MoverLine {
        label: mover.label(),
        key: match mover.source {
            MoverSource::Segment { attribute, .. } => attribute,
            MoverSource::Theme { label, .. } => label,
        },
        points: format!("{:+.1}", mover.points),
        significant: mover.significant,
    }
}

/// How many parts of "why it moved" the overview lists, by segment and by theme.
const WHY_PARTS: usize = 3;
