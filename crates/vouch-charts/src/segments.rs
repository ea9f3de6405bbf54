//! NPS by segment: horizontal bars from a centre 0 line, with error whiskers.

use vouch_core::NpsFigures;

use super::format::{format_count, format_margin, format_optional_nps};
use super::svg::{Num, Pct, Writer, open_fluid_svg};
use super::table::{Column, Row, data_table};
use super::{AXIS, GRID, INK, MUTED, NEUTRAL_BAR, SMALL_BAR, TRACK, finite, truncate};

/// One segment of a breakdown (a plan, a country, a cohort…).
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentBar {
    /// The segment's name, as the user wrote it (escaped when drawn).
    pub label: String,
    /// The segment's NPS, unrounded; `None` when it has no answers or is hidden.
    pub nps: Option<f64>,
    /// The 95 % margin of error in NPS points; `None` with `nps`.
    pub margin: Option<f64>,
    /// How many answers the segment has.
    pub responses: u64,
    /// True when the sample is too small to trust (n < 30): the bar is greyed.
    pub small: bool,
}

impl SegmentBar {
    /// A bar from a group's figures, small when n < 30.
    pub fn from_figures(label: impl Into<String>, figures: &NpsFigures) -> SegmentBar {
        SegmentBar {
            label: label.into(),
            nps: figures.nps,
            margin: figures.margin_of_error,
            responses: figures.responses,
            small: figures.is_small_sample(),
        }
    }
}

const TOP: f64 = 4.0;
const ROW: f64 = 50.0;
const LABEL_Y: f64 = 16.0;
const BAR_Y: f64 = 24.0;
const BAR_HEIGHT: f64 = 14.0;
const AXIS_ROOM: f64 = 20.0;
/// Longer segment names are cut (the whole name stays in the row's `<title>` and the table).
const LABEL_CHARACTERS: usize = 40;
/// In charts narrower than 480 px, names are cut shorter to leave room for the figures.
const SHORT_LABEL_CHARACTERS: usize = 20;

/// One row per segment: its name and figures ("42 ± 8 · n = 1,234") above a bar that grows
/// from a centre 0 line to its NPS on a fixed −100…100 scale, with the margin of error as a
/// whisker. Small segments (`small`) are greyed; a segment without an NPS shows `—` and no
/// bar. Each row has a `<title>` with its full name and figures. Pair it with
/// [`segments_table`].
///
/// Names longer than 20 characters come twice: cut at 40 (class `vc-label-long`) and at 20
/// (class `vc-label-short`, `display="none"`); `dashboard.css` swaps them when the chart's
/// container is narrower than 480 px.
pub fn segments(rows: &[SegmentBar]) -> String {
    let label = summary(rows);
    let height = if rows.is_empty() {
        60.0
    } else {
        TOP + rows.len() as f64 * ROW + AXIS_ROOM
    };
    let mut writer = Writer::new();
    open_fluid_svg(&mut writer, "vc-chart vc-segments", height, &label);
    if rows.is_empty() {
        writer.element(
            "text",
            &[
                ("x", &"50%"),
                ("y", &34),
                ("text-anchor", &"middle"),
                ("fill", &MUTED),
            ],
            "No segments to show",
        );
        writer.close("svg");
        return writer.finish();
    }
    for (index, row) in rows.iter().enumerate() {
        draw_row(&mut writer, TOP + index as f64 * ROW, row);
    }
    let axis_y = TOP + rows.len() as f64 * ROW + 10.0;
    for (value, x, anchor) in [
        ("−100", 0.0, "start"),
        ("−50", 25.0, "middle"),
        ("0", 50.0, "middle"),
        ("50", 75.0, "middle"),
        ("100", 100.0, "end"),
    ] {
        writer.element(
            "text",
            &[
                ("class", &"vc-axis"),
                ("x", &Pct(x)),
                ("y", &Num(axis_y)),
                ("text-anchor", &anchor),
                ("font-size", &11),
                ("fill", &MUTED),
            ],
            value,
        );
    }
    writer.close("svg");
    writer.finish()
}

/// The breakdown as an HTML table (`<table class="vc-data">`): segment, NPS, margin of
/// error, responses and a note for small samples. The companion of [`segments`].
pub fn segments_table(rows: &[SegmentBar]) -> String {
    let columns = [
        Column {
            heading: "Segment",
            numeric: false,
        },
        Column {
            heading: "NPS",
            numeric: true,
        },
        Column {
            heading: "Margin of error",
            numeric: true,
        },
        Column {
            heading: "Responses",
            numeric: true,
        },
        Column {
            heading: "Note",
            numeric: false,
        },
    ];
    let rows: Vec<Row> = rows
        .iter()
        .map(|row| {
            let nps = finite(row.nps);
            let note = match (nps, row.small) {
                (None, _) => "not shown",
                (Some(_), true) => "small sample: read with care",
                (Some(_), false) => "",
            };
            Row {
                header: row.label.clone(),
                cells: vec![
                    format_optional_nps(nps),
                    nps.and(finite(row.margin))
                        .map_or_else(|| super::NO_VALUE.to_owned(), format_margin),
                    format_count(row.responses),
                    note.to_owned(),
                ],
                class: row.small.then_some("vc-small"),
            }
        })
        .collect();
    data_table("NPS by segment", &columns, &rows, None)
}

fn draw_row(writer: &mut Writer, top: f64, row: &SegmentBar) {
    let nps = finite(row.nps);
    let margin = finite(row.margin).map(f64::abs);
    let text_colour = if row.small { MUTED } else { INK };
    writer
        .open("g")
        .attr(
            "class",
            if row.small {
                "vc-row vc-row-small"
            } else {
                "vc-row"
            },
        )
        .end();
    writer.title(&description(row));
    let long = truncate(&row.label, LABEL_CHARACTERS);
    let short = truncate(&row.label, SHORT_LABEL_CHARACTERS);
    let has_short = short != long;
    writer.element(
        "text",
        &[
            (
                "class",
                &if has_short {
                    "vc-label-long"
                } else {
                    "vc-label"
                },
            ),
            ("x", &0),
            ("y", &Num(top + LABEL_Y)),
            ("font-weight", &600),
            ("fill", &text_colour),
        ],
        &long,
    );
    if has_short {
        writer.element(
            "text",
            &[
                ("class", &"vc-label-short"),
                ("display", &"none"),
                ("x", &0),
                ("y", &Num(top + LABEL_Y)),
                ("font-weight", &600),
                ("fill", &text_colour),
            ],
            &short,
        );
    }
    writer
        .open("text")
        .attr("x", "100%")
        .attr("y", Num(top + LABEL_Y))
        .attr("text-anchor", "end")
        .attr("fill", text_colour)
        .end();
    writer.element("tspan", &[("font-weight", &600)], &format_optional_nps(nps));
    if let (Some(_), Some(margin)) = (nps, margin) {
        writer.text(&format!(" {}", format_margin(margin)));
    }
    writer.text(&format!(" · n = {}", format_count(row.responses)));
    writer.close("text");
    let bar_y = top + BAR_Y;
    writer
        .open("rect")
        .attr("x", 0)
        .attr("y", Num(bar_y))
        .attr("width", "100%")
        .attr("height", Num(BAR_HEIGHT))
        .attr("rx", 3)
        .attr("fill", TRACK)
        .empty();
    for x in [25.0, 75.0] {
        tick(writer, x, bar_y, GRID, 1.0);
    }
    if let Some(nps) = nps {
        let nps = nps.clamp(-100.0, 100.0);
        let (start, end) = (scale(nps.min(0.0)), scale(nps.max(0.0)));
        writer
            .open("rect")
            .attr("class", "vc-value")
            .attr("x", Pct(start))
            .attr("y", Num(bar_y))
            .attr("width", Pct(end - start))
            .attr("height", Num(BAR_HEIGHT))
            .attr("fill", if row.small { SMALL_BAR } else { NEUTRAL_BAR })
            .empty();
    }
    tick(writer, 50.0, bar_y, AXIS, 1.5);
    if let (Some(nps), Some(margin)) = (nps, margin) {
        whisker(writer, nps, margin, bar_y + BAR_HEIGHT / 2.0, row.small);
    }
    writer.close("g");
}

/// A vertical line across the bar's track at `x` percent.
fn tick(writer: &mut Writer, x: f64, bar_y: f64, colour: &str, width: f64) {
    writer
        .open("line")
        .attr("x1", Pct(x))
        .attr("x2", Pct(x))
        .attr("y1", Num(bar_y - 3.0))
        .attr("y2", Num(bar_y + BAR_HEIGHT + 3.0))
        .attr("stroke", colour)
        .attr("stroke-width", Num(width))
        .empty();
}

/// The margin of error as a horizontal whisker with end caps (no cap where the interval is
/// cut at ±100).
fn whisker(writer: &mut Writer, nps: f64, margin: f64, y: f64, small: bool) {
    let low = nps - margin;
    let high = nps + margin;
    let colour = if small { MUTED } else { INK };
    let (x1, x2) = (scale(low.max(-100.0)), scale(high.min(100.0)));
    writer
        .open("line")
        .attr("class", "vc-whisker")
        .attr("x1", Pct(x1))
        .attr("x2", Pct(x2))
        .attr("y1", Num(y))
        .attr("y2", Num(y))
        .attr("stroke", colour)
        .attr("stroke-width", 1.5)
        .empty();
    for (x, cut) in [(x1, low < -100.0), (x2, high > 100.0)] {
        if cut {
            continue;
        }
        writer
            .open("line")
            .attr("x1", Pct(x))
            .attr("x2", Pct(x))
            .attr("y1", Num(y - 5.0))
            .attr("y2", Num(y + 5.0))
            .attr("stroke", colour)
            .attr("stroke-width", 1.5)
            .empty();
    }
}

/// An NPS from −100…100 to a percentage of the width, 0 in the middle.
fn scale(nps: f64) -> f64 {
    50.0 + nps / 2.0
}

/// "Enterprise: NPS 42 ± 8, 1,234 responses", "(small sample: read with care)" when small.
fn description(row: &SegmentBar) -> String {
    let nps = finite(row.nps);
    let mut text = format!("{}: ", row.label);
    match nps {
        Some(value) => {
            text.push_str("NPS ");
            text.push_str(&format_optional_nps(Some(value)));
            if let Some(margin) = finite(row.margin) {
                text.push(' ');
                text.push_str(&format_margin(margin));
            }
        }
        None => text.push_str("no NPS shown"),
    }
    text.push_str(&format!(
        ", {} {}",
        format_count(row.responses),
        if row.responses == 1 {
            "response"
        } else {
            "responses"
        }
    ));
    if row.small && nps.is_some() {
        text.push_str(" (small sample: read with care)");
    }
    text
}

/// "NPS by segment: Enterprise 42 ± 8 (n = 1,234); Starter …".
fn summary(rows: &[SegmentBar]) -> String {
    if rows.is_empty() {
        return "NPS by segment: no segments to show".to_owned();
    }
    let each: Vec<String> = rows.iter().map(description).collect();
    format!(
        "NPS by segment, on a scale from −100 to 100. {}",
        each.join("; ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, nps: Option<f64>, margin: Option<f64>, responses: u64) -> SegmentBar {
        SegmentBar {
            label: label.to_owned(),
            nps,
            margin,
            responses,
            small: responses < 30,
        }
    }

    #[test]
    fn bars_grow_from_the_centre_to_their_nps() {
        let svg = segments(&[
            bar("Enterprise", Some(42.0), Some(8.0), 1234),
            bar("Starter", Some(-20.0), Some(30.0), 12),
        ]);
        // 42 on −100…100: from the middle (50 %) 21 % to the right.
        assert!(svg.contains(
            r##"<rect class="vc-value" x="50%" y="28" width="21%" height="14" fill="#7B8794"/>"##
        ));
        // −20: 10 % to the left, greyed because small; the second row starts 50 px lower.
        assert!(svg.contains(
            r##"<rect class="vc-value" x="40%" y="78" width="10%" height="14" fill="#C8CFD6"/>"##
        ));
        assert!(svg.contains(r#"<g class="vc-row vc-row-small">"#));
        assert!(svg.contains(r#"height="124""#));
    }

    #[test]
    fn whiskers_show_the_margin_and_lose_their_cap_where_cut_at_100() {
        let svg = segments(&[bar("Enterprise", Some(42.0), Some(8.0), 1234)]);
        assert!(svg.contains(r#"<line class="vc-whisker" x1="67%" x2="75%" y1="35" y2="35""#));
        assert!(svg.contains(r#"<line x1="67%" x2="67%" y1="30" y2="40""#));
        assert!(svg.contains(r#"<line x1="75%" x2="75%" y1="30" y2="40""#));
        let svg = segments(&[bar("Fans", Some(95.0), Some(10.0), 40)]);
        assert!(svg.contains(r#"<line class="vc-whisker" x1="92.5%" x2="100%""#));
        assert!(svg.contains(r#"<line x1="92.5%" x2="92.5%""#));
        assert!(!svg.contains(r#"<line x1="100%" x2="100%""#));
    }

    #[test]
    fn figures_are_printed_beside_each_name() {
        let svg = segments(&[bar("Enterprise", Some(41.6), Some(7.5), 1234)]);
        assert!(svg.contains("<tspan font-weight=\"600\">42</tspan> ±\u{a0}8 · n = 1,234</text>"));
        assert!(svg.contains("<title>Enterprise: NPS 42 ±\u{a0}8, 1,234 responses</title>"));
    }

    #[test]
    fn names_are_escaped_and_long_ones_cut() {
        let long = "A very long segment name that goes on and on and on";
        let svg = segments(&[
            bar("<script>alert('x')</script>", Some(10.0), Some(5.0), 50),
            bar(long, Some(10.0), Some(5.0), 50),
        ]);
        assert!(!svg.contains("<script>"));
        assert!(svg.contains(">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</text>"));
        assert!(svg.contains(
            r##"<text class="vc-label-long" x="0" y="70" font-weight="600" fill="#1F2933">A very long segment name that goes on…</text>"##
        ));
        assert!(svg.contains(
            r##"<text class="vc-label-short" display="none" x="0" y="70" font-weight="600" fill="#1F2933">A very long segment…</text>"##
        ));
        assert!(svg.contains(&format!("<title>{long}: NPS 10")));
        let table = segments_table(&[bar("<script>", Some(1.0), Some(1.0), 50)]);
        assert!(table.contains("<th scope=\"row\">&lt;script&gt;</th>"));
    }

    #[test]
    fn a_segment_without_an_nps_has_no_bar() {
        let svg = segments(&[bar("Hidden team", None, None, 3)]);
        assert!(!svg.contains("vc-value"));
        assert!(!svg.contains("vc-whisker"));
        assert!(svg.contains("<tspan font-weight=\"600\">—</tspan> · n = 3</text>"));
        assert!(svg.contains("<title>Hidden team: no NPS shown, 3 responses</title>"));
    }

    #[test]
    fn no_segments_say_so() {
        let svg = segments(&[]);
        assert!(svg.contains(">No segments to show</text>"));
    }

    #[test]
    fn the_table_marks_small_samples() {
        let html = segments_table(&[
            bar("Enterprise", Some(42.0), Some(8.0), 1234),
            bar("Starter", Some(-20.0), Some(30.0), 12),
        ]);
        assert!(html.contains("<caption>NPS by segment</caption>"));
        assert!(html.contains(
            "<tr class=\"vc-small\"><th scope=\"row\">Starter</th><td class=\"num\">−20</td>\
             <td class=\"num\">±\u{a0}30</td><td class=\"num\">12</td>\
             <td>small sample: read with care</td></tr>"
        ));
    }
}
