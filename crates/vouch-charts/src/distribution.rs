//! The 0–10 distribution: eleven bars coloured by category.

use vouch_core::Category;

use super::format::{format_count, format_percent};
use super::svg::{Num, Pct, Writer, open_fluid_svg};
use super::table::{Column, Row, data_table};
use super::{AXIS, MUTED, category_colour, category_of_index, category_plural, category_singular};

const HEIGHT: f64 = 178.0;
const TOP: f64 = 8.0;
const BASELINE: f64 = 128.0;
const SCORE_Y: f64 = 146.0;
const BRACKET_Y: f64 = 156.0;
const GROUP_Y: f64 = 172.0;
/// Each score's slot is 1/11 of the width; its bar takes this share of the slot.
const BAR_SHARE: f64 = 0.7;

/// Eleven bars, one per score from 0 to 10, each in its category's colour, as tall as its
/// count relative to the largest. The score is printed under each bar, and under the scores
/// a coloured rule with the category's name spans its bars ("Detractors" under 0–6…), so
/// colour is never the only cue. Hovering a bar (anywhere in its column) shows its count and
/// share in a `<title>`.
///
/// With no responses it draws the baseline and the scores, and says "No answers yet".
/// Pair it with [`distribution_table`] for screen readers.
pub fn distribution(counts: &[u64; 11]) -> String {
    let total: u64 = counts.iter().fold(0, |sum, &c| sum.saturating_add(c));
    let largest = counts.iter().copied().max().unwrap_or(0);
    let label = summary(counts, total);
    let mut writer = Writer::new();
    open_fluid_svg(&mut writer, "vc-chart vc-distribution", HEIGHT, &label);
    let slot = 100.0 / 11.0;
    let plot_height = BASELINE - TOP;
    for (score, &count) in counts.iter().enumerate() {
        let category = category_of_index(score);
        let left = score as f64 * slot;
        writer.open("g").attr("class", "vc-bar").end();
        writer.title(&format!(
            "Score {score} ({}): {} {} ({})",
            category_singular(category).to_lowercase(),
            format_count(count),
            if count == 1 { "response" } else { "responses" },
            format_percent(count, total),
        ));
        // The whole column answers the pointer, so a short bar is as easy to hover.
        writer
            .open("rect")
            .attr("x", Pct(left))
            .attr("y", Num(TOP))
            .attr("width", Pct(slot))
            .attr("height", Num(SCORE_Y - TOP))
            .attr("fill", "transparent")
            .empty();
        if count > 0 && largest > 0 {
            let height = (plot_height * count as f64 / largest as f64).max(2.0);
            writer
                .open("rect")
                .attr("x", Pct(left + slot * (1.0 - BAR_SHARE) / 2.0))
                .attr("y", Num(BASELINE - height))
                .attr("width", Pct(slot * BAR_SHARE))
                .attr("height", Num(height))
                .attr("rx", 2)
                .attr("fill", category_colour(category))
                .empty();
        }
        writer.element(
            "text",
            &[
                ("x", &Pct(left + slot / 2.0)),
                ("y", &Num(SCORE_Y)),
                ("text-anchor", &"middle"),
                ("font-size", &13),
                ("font-weight", &600),
            ],
            &score.to_string(),
        );
        writer.close("g");
    }
    writer
        .open("line")
        .attr("x1", 0)
        .attr("x2", "100%")
        .attr("y1", Num(BASELINE + 0.5))
        .attr("y2", Num(BASELINE + 0.5))
        .attr("stroke", AXIS)
        .attr("stroke-width", 1)
        .empty();
    for (category, first, last) in [
        (Category::Detractor, 0, 6),
        (Category::Passive, 7, 8),
        (Category::Promoter, 9, 10),
    ] {
        let start = first as f64 * slot + slot * (1.0 - BAR_SHARE) / 2.0;
        let end = (last + 1) as f64 * slot - slot * (1.0 - BAR_SHARE) / 2.0;
        writer
            .open("line")
            .attr("x1", Pct(start))
            .attr("x2", Pct(end))
            .attr("y1", Num(BRACKET_Y))
            .attr("y2", Num(BRACKET_Y))
            .attr("stroke", category_colour(category))
            .attr("stroke-width", 3)
            .attr("stroke-linecap", "round")
            .empty();
        writer.element(
            "text",
            &[
                ("x", &Pct((start + end) / 2.0)),
                ("y", &Num(GROUP_Y)),
                ("text-anchor", &"middle"),
                ("fill", &MUTED),
            ],
            category_plural(category),
        );
    }
    if total == 0 {
        writer.element(
            "text",
            &[
                ("x", &"50%"),
                ("y", &Num(TOP + plot_height / 2.0)),
                ("text-anchor", &"middle"),
                ("fill", &MUTED),
            ],
            "No answers yet",
        );
    }
    writer.close("svg");
    writer.finish()
}

/// The distribution as an HTML table (`<table class="vc-data">`): score, category,
/// responses and share, with a total row. The companion of [`distribution`] for screen
/// readers; a page may show it in a `<details>` or hide it visually.
pub fn distribution_table(counts: &[u64; 11]) -> String {
    let total: u64 = counts.iter().fold(0, |sum, &c| sum.saturating_add(c));
    let columns = [
        Column {
            heading: "Score",
            numeric: false,
        },
        Column {
            heading: "Category",
            numeric: false,
        },
        Column {
            heading: "Responses",
            numeric: true,
        },
        Column {
            heading: "Share",
            numeric: true,
        },
    ];
    let rows: Vec<Row> = counts
        .iter()
        .enumerate()
        .map(|(score, &count)| Row {
            header: score.to_string(),
            cells: vec![
                category_singular(category_of_index(score)).to_owned(),
                format_count(count),
                format_percent(count, total),
            ],
            class: None,
        })
        .collect();
    let footer = Row {
        header: "Total".to_owned(),
        cells: vec![
            String::new(),
            format_count(total),
            format_percent(total, total),
        ],
        class: None,
    };
    data_table("Responses by score", &columns, &rows, Some(&footer))
}

/// "Responses by score from 0 to 10 (1,234 in all): 0: 12, 1: 3, …, 10: 456".
fn summary(counts: &[u64; 11], total: u64) -> String {
    if total == 0 {
        return "Responses by score from 0 to 10: no answers yet".to_owned();
    }
    let each: Vec<String> = counts
        .iter()
        .enumerate()
        .map(|(score, &count)| format!("{score}: {}", format_count(count)))
        .collect();
    format!(
        "Responses by score from 0 to 10 ({} in all): {}",
        format_count(total),
        each.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const COUNTS: [u64; 11] = [5, 2, 3, 4, 6, 10, 20, 60, 90, 120, 100];

    #[test]
    fn bars_are_as_tall_as_their_counts_in_their_category_colour() {
        let svg = distribution(&COUNTS);
        // Score 9 is the largest: the full 120 px, in promoter green, in the tenth slot.
        assert!(svg.contains(
            r##"<rect x="83.18%" y="8" width="6.36%" height="120" rx="2" fill="#009E73"/>"##
        ));
        // Score 7, half of 120: 60 px of passive grey.
        assert!(svg.contains(
            r##"<rect x="65%" y="68" width="6.36%" height="60" rx="2" fill="#9E9E9E"/>"##
        ));
        // Score 1, 2 of 120: 2 px, the minimum, in vermilion.
        assert!(svg.contains(
            r##"<rect x="10.45%" y="126" width="6.36%" height="2" rx="2" fill="#D55E00"/>"##
        ));
        assert_eq!(svg.matches(r##"fill="#D55E00"/>"##).count(), 7);
    }

    #[test]
    fn every_score_is_labelled_and_has_its_count_on_hover() {
        let svg = distribution(&COUNTS);
        for score in 0..=10 {
            assert!(svg.contains(&format!(">{score}</text>")), "score {score}");
        }
        assert!(svg.contains("<title>Score 9 (promoter): 120 responses (28.6%)</title>"));
        assert!(svg.contains("<title>Score 0 (detractor): 5 responses (1.2%)</title>"));
        for name in ["Detractors", "Passives", "Promoters"] {
            assert!(svg.contains(&format!(">{name}</text>")));
        }
        assert!(svg.contains("aria-label=\"Responses by score from 0 to 10 (420 in all): 0: 5,"));
    }

    #[test]
    fn a_score_nobody_gave_has_no_bar_but_keeps_its_label_and_title() {
        let mut counts = COUNTS;
        counts[3] = 0;
        let svg = distribution(&counts);
        assert!(svg.contains("<title>Score 3 (detractor): 0 responses (0.0%)</title>"));
        assert_eq!(svg.matches(r##"fill="#D55E00"/>"##).count(), 6);
    }

    #[test]
    fn no_answers_draw_the_axis_and_say_so() {
        let svg = distribution(&[0; 11]);
        assert!(svg.contains(">No answers yet</text>"));
        assert!(svg.contains(">10</text>"));
        assert!(!svg.contains("NaN"));
    }

    #[test]
    fn the_table_lists_every_score_with_its_share() {
        let html = distribution_table(&COUNTS);
        assert!(html.starts_with("<table class=\"vc-data\"><caption>Responses by score</caption>"));
        assert!(html.contains("<th scope=\"col\" class=\"num\">Responses</th>"));
        assert!(html.contains(
            "<tr><th scope=\"row\">9</th><td>Promoter</td><td class=\"num\">120</td>\
             <td class=\"num\">28.6%</td></tr>"
        ));
        assert!(html.contains(
            "<tfoot><tr><th scope=\"row\">Total</th><td></td><td class=\"num\">420</td>\
             <td class=\"num\">100.0%</td></tr></tfoot>"
        ));
        assert_eq!(html.matches("<tr>").count(), 13);
    }
}
