//! The dashboard's charts, drawn on the server as SVG: pure functions from figures to markup.
//!
//! Every chart is a `String` of inline SVG that fills its container's width (`width="100%"`,
//! a fixed height in pixels, x positions in percent), so text keeps its size on a phone and
//! the browser needs no chart library. Each has `role="img"`, an `aria-label` and a `<title>`
//! summarising it; the detailed charts have a companion HTML data table
//! ([`distribution_table`], [`trend_table`], [`segments_table`]) for screen readers and
//! for anyone who prefers numbers.
//!
//! Colour means category, everywhere: [`DETRACTOR`], [`PASSIVE`], [`PROMOTER`] (the
//! colour-blind-safe Okabe–Ito vermilion, a grey and bluish green), with the score or the
//! category's name always printed too, and text on them in [`ON_CATEGORY`], which reads at
//! 4.5:1 or better on all three. Figures that are not categories (a trend, a segment's NPS)
//! are drawn in neutral ink.
//!
//! Every text and attribute value is escaped (see [`escape`]); the output is deterministic,
//! so the same figures always give the same bytes. Numbers are printed by the `format_*`
//! functions: NPS as whole numbers, percentages to one decimal, counts with thousands
//! separated.

mod distribution;
mod format;
mod segments;
mod sparkline;
mod split_bar;
mod svg;
mod table;
mod trend;

#[cfg(test)]
mod gallery;

use vouch_core::{Category, Score};

pub use distribution::{distribution, distribution_table};
pub use format::{
    MINUS, NO_VALUE, format_count, format_margin, format_nps, format_nps_change, format_percent,
    shown_nps_change,
};
pub use segments::{SegmentBar, segments, segments_table};
pub use sparkline::sparkline;
pub use split_bar::split_bar;
pub use svg::escape;
pub use trend::{TrendOptions, TrendPoint, trend, trend_table};

/// The colour of detractors (scores 0–6): Okabe–Ito vermilion.
pub const DETRACTOR: &str = "#D55E00";
/// The colour of passives (scores 7–8): a mid grey.
pub const PASSIVE: &str = "#9E9E9E";
/// The colour of promoters (scores 9–10): Okabe–Ito bluish green.
pub const PROMOTER: &str = "#009E73";
/// Text drawn on a category colour: near-black, at least 4.5:1 on all three.
pub const ON_CATEGORY: &str = "#111111";
/// Text, lines and points that are not a category: dark slate (16:1 on white).
pub const INK: &str = "#1F2933";
/// Secondary text (axis labels, notes): 5.4:1 on white.
pub const MUTED: &str = "#5F6B76";
/// Gridlines.
const GRID: &str = "#E4E7EB";
/// The zero line and baselines.
const AXIS: &str = "#8C96A0";
/// The empty part of a bar's track.
const TRACK: &str = "#EEF1F4";
/// A segment's NPS bar.
const NEUTRAL_BAR: &str = "#7B8794";
/// A small segment's bar, greyed.
const SMALL_BAR: &str = "#C8CFD6";

/// The system font stack the charts use when the page sets none (CSS overrides it).
pub const FONT_FAMILY: &str =
    "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

/// The default sample size under which a figure is drawn hollow or greyed (n < 30).
pub const SMALL_SAMPLE: u64 = 30;

/// The colour of a category.
pub fn category_colour(category: Category) -> &'static str {
    match category {
        Category::Detractor => DETRACTOR,
        Category::Passive => PASSIVE,
        Category::Promoter => PROMOTER,
    }
}

/// The plural name of a category as printed in legends: "Detractors", "Passives", "Promoters".
pub fn category_plural(category: Category) -> &'static str {
    match category {
        Category::Detractor => "Detractors",
        Category::Passive => "Passives",
        Category::Promoter => "Promoters",
    }
}

/// The category of a score index 0–10 (the position in an 11-bin histogram).
fn category_of_index(index: usize) -> Category {
    let score = i64::try_from(index).unwrap_or(i64::MAX);
    Score::new(score).map_or(Category::Promoter, Score::category)
}

/// The capitalised singular name of a category: "Detractor", "Passive", "Promoter".
fn category_singular(category: Category) -> &'static str {
    match category {
        Category::Detractor => "Detractor",
        Category::Passive => "Passive",
        Category::Promoter => "Promoter",
    }
}

/// `value` if it is a finite number, for charts that must not place anything at NaN.
fn finite(value: Option<f64>) -> Option<f64> {
    value.filter(|v| v.is_finite())
}

/// At most `limit` characters of `text`, with `…` when cut: at a space when one is in the
/// second half of what is kept, else within the word (never inside a character).
fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let keep = limit.saturating_sub(1);
    let mut cut: String = text.chars().take(keep).collect();
    let mid_word = text.chars().nth(keep).is_some_and(|c| !c.is_whitespace());
    if mid_word
        && let Some(space) = cut.rfind(' ')
        && cut[..space].chars().count() > limit / 2
    {
        cut.truncate(space);
    }
    cut.truncate(cut.trim_end().len());
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    /// WCAG 2 relative luminance of `#RRGGBB`.
    fn luminance(hex: &str) -> f64 {
        let channel = |range: std::ops::Range<usize>| {
            let value = f64::from(u8::from_str_radix(&hex[range], 16).unwrap()) / 255.0;
            if value <= 0.040_45 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1..3) + 0.7152 * channel(3..5) + 0.0722 * channel(5..7)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (a, b) = (luminance(a), luminance(b));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn text_on_every_category_colour_reads_at_4_5_to_1() {
        for fill in [DETRACTOR, PASSIVE, PROMOTER] {
            let ratio = contrast(ON_CATEGORY, fill);
            assert!(ratio >= 4.5, "{ON_CATEGORY} on {fill}: {ratio:.2}");
        }
        // White would not do on any of them: the reason for dark text.
        for fill in [DETRACTOR, PASSIVE, PROMOTER] {
            assert!(contrast("#FFFFFF", fill) < 4.5);
        }
    }

    #[test]
    fn chart_text_on_white_reads_at_4_5_to_1() {
        for text in [INK, MUTED] {
            let ratio = contrast(text, "#FFFFFF");
            assert!(ratio >= 4.5, "{text} on white: {ratio:.2}");
        }
    }

    #[test]
    fn scores_map_to_their_categories_and_colours() {
        let colours: Vec<_> = (0..11)
            .map(|i| category_colour(category_of_index(i)))
            .collect();
        assert_eq!(colours[..7], [DETRACTOR; 7]);
        assert_eq!(colours[7..9], [PASSIVE; 2]);
        assert_eq!(colours[9..], [PROMOTER; 2]);
    }

    #[test]
    fn truncation_cuts_on_characters_and_marks_the_cut() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("Österreich – Großkunden", 10), "Österreic…");
        assert_eq!(truncate("ab cdefgh", 4), "ab…");
        assert_eq!(
            truncate("Legacy (2019 pricing, grandfathered)", 20),
            "Legacy (2019…"
        );
        assert_eq!(
            truncate("Legacy (2019 pricing, grandfathered)", 10),
            "Legacy…"
        );
    }
}
